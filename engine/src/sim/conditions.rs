//! Evaluates scenario conditions against the state at the end of the previous tick.

use crate::model::{Compiled, SysIx, TeamIx};
use crate::scenario::{Condition, Minutes, SystemState};

/// What a condition may ask about one system.
#[derive(Debug, Clone, Copy)]
pub struct SysSnapshot {
    /// Displayed state.
    pub state: SystemState,
    /// Serving users.
    pub available: bool,
    /// When it stopped serving, while it does not.
    pub unavailable_since: Option<Minutes>,
    /// Isolated by a team.
    pub isolated: bool,
    /// Encrypted.
    pub encrypted: bool,
    /// Wiped.
    pub wiped: bool,
    /// The attacker holds a foothold or persistence on it.
    pub compromised: bool,
    /// The attacker holds anything on it.
    pub present: bool,
}

impl SysSnapshot {
    /// What conditions may ask about a system, from its components.
    pub fn of(
        f: &crate::model::SystemFacts,
        op: &crate::model::OpState,
        cmp: &crate::model::Compromise,
    ) -> Self {
        SysSnapshot {
            state: op.state,
            available: op.available,
            unavailable_since: op.unavailable_since,
            isolated: f.isolated,
            encrypted: f.encrypted,
            wiped: f.wiped,
            compromised: cmp.foothold.is_some() || cmp.persistence,
            present: cmp.present(),
        }
    }
}

/// The drill as conditions see it.
pub struct CondCtx<'a> {
    /// The scenario.
    pub compiled: &'a Compiled,
    /// Now.
    pub now: Minutes,
    /// A system's snapshot.
    pub system: &'a dyn Fn(SysIx) -> Option<SysSnapshot>,
    /// Whether a team believes a system compromised.
    pub team_knows: &'a dyn Fn(TeamIx, SysIx) -> bool,
    /// Per stage: succeeded.
    pub succeeded: &'a [bool],
    /// Completed (action, target) pairs.
    pub done: &'a std::collections::BTreeSet<(String, Option<String>)>,
    /// Per inject: fired.
    pub inject_fired: &'a [bool],
    /// Flags set.
    pub flags: &'a std::collections::BTreeSet<String>,
    /// The attacker holds something somewhere in the estate.
    pub present_anywhere: bool,
}

/// Whether the condition holds. Unknown ids (rejected by `check`) never hold.
pub fn holds(cond: &Condition, ctx: &CondCtx<'_>) -> bool {
    let c = ctx.compiled;
    let sys = |id: &str| c.system(id).and_then(|ix| (ctx.system)(ix));
    match cond {
        Condition::After(t) => ctx.now >= *t,
        Condition::State { system, is } => sys(system).is_some_and(|s| match is {
            SystemState::Online => s.state == SystemState::Online,
            SystemState::Degraded => s.state == SystemState::Degraded,
            SystemState::Down => !s.available,
            SystemState::Isolated => s.isolated,
            SystemState::Encrypted => s.encrypted,
            SystemState::Destroyed => s.wiped,
        }),
        Condition::DownFor { system, span } => sys(system).is_some_and(|s| {
            !s.available && s.unavailable_since.is_some_and(|t| ctx.now >= t.saturating_add(*span))
        }),
        Condition::Compromised(system) => sys(system).is_some_and(|s| s.compromised),
        Condition::Present(system) => sys(system).is_some_and(|s| s.present),
        Condition::Evicted => !ctx.present_anywhere,
        Condition::StageSucceeded(stage) => {
            c.stage(stage).is_some_and(|i| ctx.succeeded.get(i as usize).copied().unwrap_or(false))
        }
        Condition::ActionDone { action, target } => match target {
            Some(_) => ctx.done.contains(&(action.clone(), target.clone())),
            None => ctx.done.iter().any(|(a, _)| a == action),
        },
        Condition::TeamKnowsCompromised { team, system } => {
            match (c.team(team), c.system(system)) {
                (Some(t), Some(s)) => (ctx.team_knows)(t, s),
                _ => false,
            }
        }
        Condition::InjectFired(id) => {
            c.inject(id).is_some_and(|i| ctx.inject_fired.get(i as usize).copied().unwrap_or(false))
        }
        Condition::Flag(f) => ctx.flags.contains(f),
        Condition::All(cs) => cs.iter().all(|c| holds(c, ctx)),
        Condition::Any(cs) => cs.iter().any(|c| holds(c, ctx)),
        Condition::Not(c) => !holds(c, ctx),
    }
}
