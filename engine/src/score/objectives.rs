//! Objectives met, missed or undecided; weighted scores per team and combined; and each
//! capability rated P/S/M/U by the rules in [`RATING_RULES`].

use std::collections::BTreeMap;

use super::context::Ctx;
use super::report::{
    CapabilityRating, ObjectiveResult, ObjectiveStatus, Rating, Score, Scores, TeamScore,
};
use crate::model::Event;
use crate::scenario::{Condition, Goal, Phase, SystemState};

/// The rating rules, as the report states them.
pub const RATING_RULES: [&str; 6] = [
    "P (performed without challenges): every objective of the capability was met.",
    "S (performed with some challenges): at least two thirds of its objectives' weight was met.",
    "M (performed with major challenges): some of its objectives' weight was met.",
    "U (unable to be performed): none of its objectives was met.",
    "Undecided objectives (a log that stops early) count as not met; such ratings are marked provisional.",
    "An objective without a capability counts under its phase's default: Detection, Response or Recovery.",
];

/// The default capability of a phase.
pub fn default_capability(phase: Phase) -> &'static str {
    match phase {
        Phase::Detect => "Detection",
        Phase::Respond => "Response",
        Phase::Recover => "Recovery",
    }
}

fn condition_phase(ctx: &Ctx<'_>, c: &Condition) -> Phase {
    match c {
        Condition::TeamKnowsCompromised { .. } => Phase::Detect,
        Condition::ActionDone { action, .. } => ctx.phase_of(action),
        Condition::State { is: SystemState::Online | SystemState::Degraded, .. } => Phase::Recover,
        Condition::All(v) | Condition::Any(v) => {
            v.first().map_or(Phase::Respond, |c| condition_phase(ctx, c))
        }
        _ => Phase::Respond,
    }
}

/// The phase an objective belongs to, from what its goal asks.
fn goal_phase(ctx: &Ctx<'_>, goal: &Goal) -> Phase {
    match goal {
        Goal::Reach { condition, .. } => condition_phase(ctx, condition),
        Goal::Avoid(_) | Goal::ExfiltrationBelow(_) => Phase::Respond,
        Goal::HoldAtEnd(_) | Goal::CostBelow(_) | Goal::DataLossBelow(_) => Phase::Recover,
    }
}

/// Each objective of the scenario and what the log says of it.
pub(crate) fn results(ctx: &Ctx<'_>) -> Vec<ObjectiveResult> {
    let mut decided: BTreeMap<&str, (ObjectiveStatus, u32)> = BTreeMap::new();
    for (at, e) in &ctx.events {
        let (id, status) = match e {
            Event::ObjectiveMet { objective } => (objective, ObjectiveStatus::Met),
            Event::ObjectiveMissed { objective } => (objective, ObjectiveStatus::Missed),
            _ => continue,
        };
        decided.entry(id.as_str()).or_insert((status, *at));
    }
    ctx.scenario
        .objectives
        .iter()
        .map(|o| {
            let phase = goal_phase(ctx, &o.goal);
            let (status, at) = decided
                .get(o.id.as_str())
                .map_or((ObjectiveStatus::Undecided, None), |&(s, at)| (s, Some(at)));
            ObjectiveResult {
                id: o.id.clone(),
                description: o.description.clone(),
                team: o.team.clone(),
                weight: o.weight,
                capability: o
                    .capability
                    .clone()
                    .unwrap_or_else(|| default_capability(phase).to_owned()),
                phase,
                status,
                at,
            }
        })
        .collect()
}

/// The weighted score of some objectives: the share of weight met, 0–100, rounded.
pub fn score_of<'a>(objectives: impl IntoIterator<Item = &'a ObjectiveResult>) -> Score {
    let mut s = Score {
        score: None,
        met_weight: 0,
        missed_weight: 0,
        undecided_weight: 0,
        total_weight: 0,
    };
    for o in objectives {
        s.total_weight += o.weight;
        match o.status {
            ObjectiveStatus::Met => s.met_weight += o.weight,
            ObjectiveStatus::Missed => s.missed_weight += o.weight,
            ObjectiveStatus::Undecided => s.undecided_weight += o.weight,
        }
    }
    if s.total_weight > 0 {
        s.score = Some((200 * s.met_weight + s.total_weight) / (2 * s.total_weight));
    }
    s
}

/// Combined and per-team scores: a team counts its own objectives and the shared ones.
pub(crate) fn scores(ctx: &Ctx<'_>, results: &[ObjectiveResult]) -> Scores {
    Scores {
        combined: score_of(results),
        teams: ctx
            .scenario
            .teams
            .iter()
            .map(|t| TeamScore {
                team: t.id.clone(),
                score: score_of(
                    results.iter().filter(|o| o.team.as_deref().is_none_or(|x| x == t.id)),
                ),
            })
            .collect(),
    }
}

/// The rating of some weight met out of a total, by [`RATING_RULES`].
pub fn rating(met_weight: u32, total_weight: u32, all_met: bool) -> Rating {
    if all_met && total_weight > 0 {
        Rating::P
    } else if met_weight * 3 >= total_weight * 2 && met_weight > 0 {
        Rating::S
    } else if met_weight > 0 {
        Rating::M
    } else {
        Rating::U
    }
}

/// Each capability, in the order its first objective appears, rated.
pub(crate) fn capabilities(results: &[ObjectiveResult]) -> Vec<CapabilityRating> {
    let mut out: Vec<CapabilityRating> = Vec::new();
    for o in results {
        let i = match out.iter().position(|c| c.capability == o.capability) {
            Some(i) => i,
            None => {
                out.push(CapabilityRating {
                    capability: o.capability.clone(),
                    phase: o.phase,
                    rating: Rating::U,
                    objectives: Vec::new(),
                    met_weight: 0,
                    total_weight: 0,
                    provisional: false,
                    reason: String::new(),
                });
                out.len() - 1
            }
        };
        let c = &mut out[i];
        c.objectives.push(o.id.clone());
        c.total_weight += o.weight;
        match o.status {
            ObjectiveStatus::Met => c.met_weight += o.weight,
            ObjectiveStatus::Undecided => c.provisional = true,
            ObjectiveStatus::Missed => {}
        }
    }
    for c in &mut out {
        let members: Vec<&ObjectiveResult> =
            results.iter().filter(|o| o.capability == c.capability).collect();
        let met = members.iter().filter(|o| o.status == ObjectiveStatus::Met).count();
        c.rating = rating(c.met_weight, c.total_weight, met == members.len());
        c.reason = format!(
            "{met} of {} objective{} met ({} of {} weight){}",
            members.len(),
            if members.len() == 1 { "" } else { "s" },
            c.met_weight,
            c.total_weight,
            if c.provisional { "; some undecided" } else { "" }
        );
    }
    out
}
