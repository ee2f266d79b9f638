//! The rules of engagement as the simulation applies them: which rule binds a team's
//! action on a target, what the outage it causes is expected to cost, the approvals granted
//! so far, and where a request that was not approved goes next.

use bevy_ecs::prelude::*;

use super::blast::blast_radius;
use crate::model::{Compiled, PendingRequest, Rejection, RequestId, SysIx, TeamIx};
use crate::scenario::{ActionEffect, EngagementRule, OutOfService, Scope, TargetKind};

/// Approvals granted and not yet used: the team may take the action on the target once.
#[derive(Debug, Clone, Default, Resource)]
pub struct Permits(pub Vec<Permit>);

/// One approval to act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permit {
    /// The team allowed.
    pub team: TeamIx,
    /// Action id.
    pub action: String,
    /// Target id.
    pub target: Option<String>,
    /// The request that was approved.
    pub request: RequestId,
}

impl Permits {
    /// The approval for this action on this target, if one was granted.
    pub fn find(&self, team: TeamIx, action: &str, target: Option<&str>) -> Option<usize> {
        self.0
            .iter()
            .position(|p| p.team == team && p.action == action && p.target.as_deref() == target)
    }
}

/// What the outage an action on this target causes is expected to cost per hour. An action
/// that takes the target out (isolating, powering off, a rebuild, work that holds it out of
/// service) costs the target and everything that goes down with it (the blast radius); a
/// credential reset that locks users out costs what those users are worth; anything else
/// costs nothing. Zero for targets that are not systems.
pub fn outage_cost(c: &Compiled, action: &str, target: Option<&str>) -> u64 {
    let Some(def) = c.action(action).filter(|d| d.target == TargetKind::System) else { return 0 };
    let Some(ix) = target.and_then(|t| c.system(t)) else { return 0 };
    let worth = |s: SysIx| c.systems[s as usize].criticality;
    let takes_out = def.effects.iter().any(|e| {
        matches!(e, ActionEffect::Isolate | ActionEffect::PowerOff | ActionEffect::Reimage)
    }) || match def.side_effects.out_of_service {
        OutOfService::Never => false,
        OutOfService::WhileRunning => true,
        OutOfService::UnlessRedundant => !c.scenario.estate.systems[ix as usize].redundant,
    };
    if takes_out {
        return blast_radius(c, ix).into_iter().map(worth).fold(0u64, u64::saturating_add);
    }
    if def.side_effects.breaks_users && def.effects.contains(&ActionEffect::ResetCredentials) {
        let id = &c.systems[ix as usize].id;
        return c
            .scenario
            .estate
            .credentials
            .iter()
            .filter(|cr| &cr.issuer == id)
            .flat_map(|cr| cr.used_by.iter().filter_map(|u| c.system(u)))
            .map(worth)
            .fold(0u64, u64::saturating_add);
    }
    0
}

/// The first rule of engagement that covers team `t` taking `action` on `target`.
pub fn rule_for<'c>(
    c: &'c Compiled,
    t: TeamIx,
    action: &str,
    target: Option<&str>,
) -> Option<&'c EngagementRule> {
    let team = &c.teams.get(t as usize)?.id;
    c.scenario.engagement.rules.iter().find(|r| {
        &r.team == team && r.actions.iter().any(|a| a == action) && covers(c, r, action, target)
    })
}

fn covers(c: &Compiled, rule: &EngagementRule, action: &str, target: Option<&str>) -> bool {
    let info = target.and_then(|t| c.system(t)).map(|ix| &c.systems[ix as usize]);
    match (&rule.when, info) {
        (Scope::Any, _) => true,
        (Scope::CostAbove(n), _) => outage_cost(c, action, target) > *n,
        (Scope::Kinds(kinds), Some(s)) => kinds.contains(&s.kind),
        (Scope::Tagged(tag), Some(_)) => target
            .and_then(|t| c.scenario.estate.systems.iter().find(|s| s.id == t))
            .is_some_and(|s| s.tags.contains(tag)),
        (Scope::Systems(ids), _) => target.is_some_and(|t| ids.iter().any(|i| i == t)),
        (_, None) => false,
    }
}

/// Whether team `t` may take `action` on `target` now as far as the rules of engagement
/// go: no rule binds it, it holds an approval, or it overrules a rule that allows that.
/// Returns the override's (approver, cost) when it overrules.
pub fn clearance(
    c: &Compiled,
    permits: &Permits,
    t: TeamIx,
    (action, target): (&str, Option<&str>),
    overrule: bool,
) -> Result<Option<(String, u64)>, Rejection> {
    let Some(rule) = rule_for(c, t, action, target) else { return Ok(None) };
    let Some(approver) = &rule.approver else { return Ok(None) };
    if permits.find(t, action, target).is_some() {
        return Ok(None);
    }
    match (overrule, rule.overrule_cost) {
        (true, Some(cost)) => Ok(Some((approver.clone(), cost))),
        _ => Err(Rejection::NeedsApproval {
            approver: approver.clone(),
            cost_per_hour: outage_cost(c, action, target),
            overrule_cost: rule.overrule_cost,
        }),
    }
}

/// Where a request goes when the team asked did not approve it (declined, or let it
/// expire): to the rules' escalation team, as a request for approval for the asking team
/// to act, when that team may take the action and has not asked there already.
pub fn escalation(c: &Compiled, req: &PendingRequest) -> Option<TeamIx> {
    let to = c.team(c.scenario.engagement.escalate_to.as_deref()?)?;
    let may = c.teams.get(req.from as usize)?.actions.contains(&req.action);
    (to != req.to && to != req.from && may).then_some(to)
}
