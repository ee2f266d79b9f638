//! The prices of response actions (what taking one costs the business besides its time) and
//! the rules of engagement (who may take which action on which systems without asking).

use serde::{Deserialize, Serialize};

use super::{ActionEffect, Minutes, SystemKind};

/// Whether a system is out of service while an action runs on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum OutOfService {
    /// It keeps serving.
    #[default]
    Never,
    /// It is out of service until the action completes or is cancelled.
    WhileRunning,
    /// It is out of service while the action runs unless it is `redundant` (a node at a
    /// time is patched while the others serve).
    UnlessRedundant,
}

/// What an action costs besides its time and capacity. Each field defaults from the
/// action's effects (see [`SideEffects::of`]); a scenario overrides them per action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SideEffects {
    /// Whether the target is out of service while the action runs.
    pub out_of_service: OutOfService,
    /// The target comes back without its business data, until restored from a backup.
    pub loses_data: bool,
    /// Systems that use a credential the action resets stop working until they are
    /// reconfigured with the new one.
    pub breaks_users: bool,
    /// Blocking C2 on a system whose service needs outbound traffic (`needs_egress`) cuts
    /// that traffic too, for as long as the system says.
    pub cuts_egress: bool,
}

impl SideEffects {
    /// The defaults for an action with these effects, each with its reason:
    /// - patching restarts the service (`UnlessRedundant`): vendors' emergency patches for
    ///   edge devices and servers need a reboot or a service restart;
    /// - reimaging wipes the disk (`WhileRunning`, `loses_data`): the rebuilt host has the
    ///   gold image, not the business data, until a restore puts it back;
    /// - resetting credentials rotates every secret the system issues (`breaks_users`):
    ///   services and people using the old ones fail to log in until reconfigured;
    /// - blocking C2 at the perimeter is broad at first (`cuts_egress`): it takes the
    ///   system's own outbound traffic with it until the block is narrowed.
    pub fn of(effects: &[ActionEffect]) -> Self {
        let mut s = SideEffects::default();
        for e in effects {
            match e {
                ActionEffect::Patch if s.out_of_service == OutOfService::Never => {
                    s.out_of_service = OutOfService::UnlessRedundant;
                }
                ActionEffect::Reimage => {
                    s.out_of_service = OutOfService::WhileRunning;
                    s.loses_data = true;
                }
                ActionEffect::ResetCredentials => s.breaks_users = true,
                ActionEffect::BlockC2 => s.cuts_egress = true,
                _ => {}
            }
        }
        s
    }

    /// These side effects with the fields a scenario gave replaced.
    pub fn overridden(self, spec: &SideEffectsSpec) -> Self {
        SideEffects {
            out_of_service: spec.out_of_service.unwrap_or(self.out_of_service),
            loses_data: spec.loses_data.unwrap_or(self.loses_data),
            breaks_users: spec.breaks_users.unwrap_or(self.breaks_users),
            cuts_egress: spec.cuts_egress.unwrap_or(self.cuts_egress),
        }
    }
}

/// A scenario's override of an action's side effects: the fields given replace the
/// defaults the action's effects imply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SideEffectsSpec {
    /// See [`SideEffects::out_of_service`].
    pub out_of_service: Option<OutOfService>,
    /// See [`SideEffects::loses_data`].
    pub loses_data: Option<bool>,
    /// See [`SideEffects::breaks_users`].
    pub breaks_users: Option<bool>,
    /// See [`SideEffects::cuts_egress`].
    pub cuts_egress: Option<bool>,
}

/// The rules of engagement both teams agreed before the drill: which actions a team takes
/// on which systems only with another team's approval, how long a request waits for an
/// answer, and who hears of one that went unanswered or was declined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Engagement {
    /// How long a request waits for an answer before it expires (default 1 h).
    #[serde(default = "default_expiry")]
    pub request_expiry: Minutes,
    /// The team an expired or declined request escalates to, as a request for approval
    /// to act (default: none, the request just ends).
    #[serde(default)]
    pub escalate_to: Option<String>,
    /// The rules, first match wins: list the strictest first.
    #[serde(default)]
    pub rules: Vec<EngagementRule>,
}

impl Default for Engagement {
    fn default() -> Self {
        Engagement { request_expiry: default_expiry(), escalate_to: None, rules: Vec::new() }
    }
}

fn default_expiry() -> Minutes {
    Minutes(60)
}

/// One rule: `team` needs `approver`'s approval to take one of `actions` on a system the
/// scope selects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngagementRule {
    /// The team the rule binds.
    pub team: String,
    /// The action ids it covers.
    pub actions: Vec<String>,
    /// The targets it covers (default: every target).
    #[serde(default)]
    pub when: Scope,
    /// The team whose approval is needed; `None` means the team may act on its own (an
    /// exception listed before a broader rule).
    #[serde(default)]
    pub approver: Option<String>,
    /// What acting without the approval costs, in the scenario's currency, when the rule
    /// allows it at all (an emergency override the after-action review will ask about).
    /// Default: not allowed.
    #[serde(default)]
    pub overrule_cost: Option<u64>,
}

/// Which targets a rule of engagement covers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Scope {
    /// Every target.
    #[default]
    Any,
    /// Systems whose outage (the system and everything that goes down with it) costs more
    /// than this per hour.
    CostAbove(u64),
    /// Systems of these kinds.
    Kinds(Vec<SystemKind>),
    /// Systems with this tag.
    Tagged(String),
    /// These systems.
    Systems(Vec<String>),
}
