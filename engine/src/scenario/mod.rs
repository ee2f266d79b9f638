//! The scenario format: serde types, loading with bounded size and nesting, semantic
//! validation and located diagnostics. Never touches the simulation.
//!
//! The format is documented with a complete example in `docs/scenario-format.md`.

mod adversary;
mod attack;
mod catalogue;
pub(crate) mod diagnostic;
mod engagement;
mod estate;
mod flags;
pub(crate) mod load;
pub(crate) mod locate;
mod objectives;
mod script;
mod start;
mod teams;
mod time;
pub(crate) mod validate;

use serde::{Deserialize, Serialize};

pub use adversary::{
    Adversary, Noticed, OnBlocked, Pick, Reaction, Repeat, Response, Stage, StageEffect,
    StageRequirement, Targets,
};
pub use attack::{Technique, TechniqueStatus, alert_summary, attack_version, technique};
pub use catalogue::{builtin_actions, resolve_actions};
pub use diagnostic::{Diagnostic, Diagnostics, Location, Severity};
pub use engagement::{
    Engagement, EngagementRule, OutOfService, Scope, SideEffects, SideEffectsSpec,
};
pub use estate::{
    Backup, Controls, Credential, Link, Logging, Privilege, Replication, Site, SiteKind, System,
    SystemKind, Zone,
};
pub use load::{Checked, MAX_NESTING, MAX_SCENARIO_BYTES, check_bytes, check_file};
pub use objectives::{CriticalTask, Goal, Objective, Within};
pub use script::{
    Choice, Condition, Consequence, Decision, Event, EventKind, Expectation, Inject, Stake,
    SystemState, Trigger,
};
pub use teams::{
    ActionDef, ActionEffect, ActionSpec, Phase, Requirement, Role, TargetKind, Team, Visibility,
};
pub use time::Minutes;

/// The scenario format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// One scenario file: the estate, teams, adversary, events, injects and objectives of a drill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; this build reads [`FORMAT_VERSION`].
    pub format: u32,
    /// Title, kind, briefing and clock settings.
    pub meta: Meta,
    /// Sites, zones, links, systems and credentials.
    pub estate: Estate,
    /// The teams, one seat each.
    pub teams: Vec<Team>,
    /// Overrides of built-in actions and the scenario's own actions.
    #[serde(default)]
    pub actions: Vec<ActionSpec>,
    /// The attacker, for breach drills.
    #[serde(default)]
    pub adversary: Option<Adversary>,
    /// How alerts and investigations behave.
    #[serde(default)]
    pub detection: Detection,
    /// Disaster events.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Messages to the teams.
    #[serde(default)]
    pub injects: Vec<Inject>,
    /// What the teams are scored on.
    pub objectives: Vec<Objective>,
    /// Critical tasks per capability, which rate it in the report (default: none, and each
    /// capability is rated from its objectives).
    #[serde(default)]
    pub critical_tasks: Vec<CriticalTask>,
    /// Who may take which action without another team's approval, and how requests
    /// between the teams expire and escalate (default: no approvals needed, requests
    /// expire after 1 h and end there).
    #[serde(default)]
    pub engagement: Engagement,
}

/// What a scenario is about and how its clock runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Stable id of the scenario (`ransomware`).
    pub id: String,
    /// Display title.
    pub title: String,
    /// Breach or disaster-recovery drill.
    pub kind: DrillKind,
    /// One line for the launcher.
    pub summary: String,
    /// What the teams are told before the drill starts.
    pub briefing: String,
    /// How long the drill runs in simulated time.
    pub duration: Minutes,
    /// Simulated time per tick.
    #[serde(default = "one_minute")]
    pub tick: Minutes,
    /// Currency of costs, for display.
    #[serde(default = "default_currency")]
    pub currency: String,
}

fn one_minute() -> Minutes {
    Minutes(1)
}

fn default_currency() -> String {
    "USD".to_owned()
}

/// The two kinds of drill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DrillKind {
    /// A cyber attack: an adversary campaign.
    Breach,
    /// A disaster-recovery drill: events, no attacker.
    Disaster,
}

/// The organisation's systems and network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Estate {
    /// Physical and cloud locations.
    pub sites: Vec<Site>,
    /// Network zones.
    pub zones: Vec<Zone>,
    /// Network links between zones.
    #[serde(default)]
    pub links: Vec<Link>,
    /// The systems.
    pub systems: Vec<System>,
    /// Credentials the attacker can steal.
    #[serde(default)]
    pub credentials: Vec<Credential>,
}

/// How alerts and investigations behave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detection {
    /// False-positive alerts per simulated hour across the estate.
    #[serde(default)]
    pub false_positives_per_hour: f64,
    /// Chance an investigation of a compromised system finds it, without evidence preserved.
    #[serde(default = "default_investigation")]
    pub investigation_success: f64,
    /// The same chance once evidence was collected.
    #[serde(default = "default_investigation_with_evidence")]
    pub investigation_success_with_evidence: f64,
    /// Delay before monitoring reports an outage to the teams that watch it.
    #[serde(default = "default_monitoring_delay")]
    pub monitoring_delay: Minutes,
    /// Alerts per simulated hour that a held foothold or C2 channel raises on its system
    /// (beacons, logons, scheduled tasks), before controls (EDR, logging) raise it.
    #[serde(default = "default_beacons")]
    pub beacons_per_hour: f64,
    /// Alerts per simulated hour that data flowing out of a system raises, before controls.
    #[serde(default = "default_exfiltration_alerts")]
    pub exfiltration_alerts_per_hour: f64,
}

fn default_beacons() -> f64 {
    0.05
}

fn default_exfiltration_alerts() -> f64 {
    0.5
}

fn default_investigation() -> f64 {
    0.5
}

fn default_investigation_with_evidence() -> f64 {
    0.9
}

fn default_monitoring_delay() -> Minutes {
    Minutes(5)
}

impl Default for Detection {
    fn default() -> Self {
        Detection {
            false_positives_per_hour: 0.0,
            investigation_success: default_investigation(),
            investigation_success_with_evidence: default_investigation_with_evidence(),
            monitoring_delay: default_monitoring_delay(),
            beacons_per_hour: default_beacons(),
            exfiltration_alerts_per_hour: default_exfiltration_alerts(),
        }
    }
}
