//! What people added after the drill, applied to the computed report: the facilitator's
//! rating overrides and plan edits, and observations pinned to the plan's items.

use super::objectives::default_capability;
use super::report::{ObservationEntry, PlanItem, RatingOverride, Report};
use crate::model::Review;

/// An observation pinned to a moment belongs to a plan item whose moment is this close.
const PIN_WINDOW: u32 = 15;

/// Gives each plan item its capability: an objective's own, else the first capability the
/// report rates in the item's phase, else the phase's default.
pub(crate) fn plan_capabilities(report: &mut Report) {
    for item in &mut report.improvement_plan {
        let objective = item
            .id
            .strip_prefix("objective-")
            .and_then(|id| report.objectives.iter().find(|o| o.id == id));
        item.capability = match objective {
            Some(o) => o.capability.clone(),
            None => report.capabilities.iter().find(|c| c.phase == item.phase).map_or_else(
                || default_capability(item.phase).to_owned(),
                |c| c.capability.clone(),
            ),
        };
    }
}

/// Applies the review records, in the order they were recorded: a later override or edit
/// of the same thing wins.
pub(crate) fn apply(report: &mut Report, reviews: &[(usize, Review)]) {
    for (line, review) in reviews {
        match review {
            Review::Rating { capability, rating, reason } => {
                if let Some(c) =
                    report.capabilities.iter_mut().find(|c| &c.capability == capability)
                {
                    let computed = c.overridden.as_ref().map_or(c.rating, |o| o.computed);
                    c.overridden = Some(RatingOverride { computed, reason: reason.clone() });
                    c.rating = *rating;
                }
            }
            Review::Observation { by, kind, text, capability, team, at, item } => {
                report.observations.push(ObservationEntry {
                    by: by.clone(),
                    kind: *kind,
                    text: text.clone(),
                    capability: capability.clone(),
                    team: team.clone(),
                    at: at.map(|m| m.0),
                    item: item.clone(),
                    line: *line,
                });
            }
            Review::Plan { item, owner, due } => {
                if let Some(p) = report.improvement_plan.iter_mut().find(|p| &p.id == item) {
                    if let Some(owner) = owner {
                        p.owner = owner.clone();
                    }
                    if let Some(due) = due {
                        p.due = due.clone();
                    }
                    p.edited = true;
                }
            }
        }
    }
    for o in &report.observations {
        if let Some(p) = report.improvement_plan.iter_mut().find(|p| pinned(o, p)) {
            p.observations.push(o.clone());
        }
    }
}

/// Whether an observation belongs to a plan item: named to it, or made of its moment (and
/// of its capability and owner, where the observation names them).
fn pinned(o: &ObservationEntry, p: &PlanItem) -> bool {
    if let Some(item) = &o.item {
        return *item == p.id;
    }
    let (Some(at), Some(moment)) = (o.at, p.at) else {
        return false;
    };
    at.abs_diff(moment) <= PIN_WINDOW
        && o.capability.as_ref().is_none_or(|c| *c == p.capability)
        && o.team.as_ref().is_none_or(|t| *t == p.owner)
}
