//! Teams (the seats of a drill) and the catalogue of actions they can take.

use serde::{Deserialize, Serialize};

use super::{Minutes, SystemKind};

/// A team: one seat in the drill with its own view, capacity and actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// Stable id, also the seat name on the command line (`--team security`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the team does in the organisation.
    pub role: Role,
    /// How many actions the team can run in parallel.
    pub capacity: u32,
    /// Ids of the actions the team may take.
    pub actions: Vec<String>,
    /// How the team learns what happens.
    #[serde(default)]
    pub visibility: Visibility,
}

/// The role a team plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum Role {
    ItOps,
    Security,
    Management,
    Communications,
    Legal,
    Vendor,
}

impl Role {
    /// The role as people read it ("IT operations"), for reports and screens.
    pub fn label(self) -> &'static str {
        match self {
            Role::ItOps => "IT operations",
            Role::Security => "Security",
            Role::Management => "Management",
            Role::Communications => "Communications",
            Role::Legal => "Legal",
            Role::Vendor => "Vendor",
        }
    }
}

/// How a team learns about the estate.
///
/// Fields left out take the defaults: monitoring on, alerts off, every zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Visibility {
    /// Sees outages and degraded performance as monitoring reports them.
    pub monitoring: bool,
    /// Receives security alerts (true and false positives).
    pub alerts: bool,
    /// Zones the team can see at all; empty means every zone.
    pub zones: Vec<String>,
}

impl Default for Visibility {
    fn default() -> Self {
        Visibility { monitoring: true, alerts: false, zones: Vec::new() }
    }
}

/// The incident-response phase an action or metric belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Phase {
    /// Finding out what is happening.
    Detect,
    /// Containing and evicting the attacker, limiting the damage.
    Respond,
    /// Bringing services and data back.
    Recover,
}

/// What an action is aimed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TargetKind {
    /// One system of the estate.
    System,
    /// A whole zone.
    Zone,
    /// A credential of the estate.
    Credential,
    /// Nothing in particular: the organisation as a whole (notify a regulator).
    Organisation,
}

/// An action of the catalogue, either built in or defined (or overridden) by a scenario.
///
/// In a scenario every field but `id` may be left out when `id` names a built-in action:
/// the fields given replace the built-in ones. A new action must give `name`, `target`,
/// `duration` and `effects`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionSpec {
    /// Stable id teams and playbooks use.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// What the action is aimed at.
    #[serde(default)]
    pub target: Option<TargetKind>,
    /// Simulated time from start to effect.
    #[serde(default)]
    pub duration: Option<Minutes>,
    /// Capacity slots the action occupies while it runs.
    #[serde(default)]
    pub capacity: Option<u32>,
    /// The incident-response phase the action belongs to.
    #[serde(default)]
    pub phase: Option<Phase>,
    /// System kinds it applies to; empty means any.
    #[serde(default)]
    pub applies_to: Option<Vec<SystemKind>>,
    /// What must hold for the action to start.
    #[serde(default)]
    pub requires: Option<Vec<Requirement>>,
    /// What the action does when it completes.
    #[serde(default)]
    pub effects: Option<Vec<ActionEffect>>,
    /// One-line explanation shown in the UI.
    #[serde(default)]
    pub description: Option<String>,
    /// What the action costs the business besides its time; the fields given replace the
    /// defaults its effects imply (see `docs/scenario-format.md`).
    #[serde(default)]
    pub side_effects: Option<super::SideEffectsSpec>,
}

/// A fully resolved action of a drill's catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionDef {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the action is aimed at.
    pub target: TargetKind,
    /// Simulated time from start to effect.
    pub duration: Minutes,
    /// Capacity slots the action occupies while it runs.
    pub capacity: u32,
    /// Incident-response phase.
    pub phase: Phase,
    /// System kinds it applies to; empty means any.
    pub applies_to: Vec<SystemKind>,
    /// What must hold for the action to start.
    pub requires: Vec<Requirement>,
    /// What it does when it completes.
    pub effects: Vec<ActionEffect>,
    /// One-line explanation.
    pub description: String,
    /// What it costs the business besides its time.
    pub side_effects: super::SideEffects,
}

/// A precondition of an action, checked on its target when the action starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Requirement {
    /// The target is cut off the network.
    Isolated,
    /// The target is connected to the network.
    NotIsolated,
    /// The target is powered on.
    PoweredOn,
    /// The target is powered off.
    PoweredOff,
    /// The target has at least one backup left.
    HasBackup,
    /// The target is replicated to a DR site and not yet failed over.
    HasReplication,
    /// The target runs at its DR site.
    FailedOver,
    /// The target is not destroyed.
    NotDestroyed,
    /// Evidence was collected from the target.
    EvidenceCollected,
    /// The target's data is encrypted by the attacker.
    Encrypted,
    /// The organisation holds the attacker's decryptor (a `Decryptor` consequence), and it
    /// has not already failed on the target.
    Decryptor,
    /// A scenario flag is set (by a decision or another action).
    Flag(String),
}

/// What an action does to its target when it completes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActionEffect {
    /// Cut the target off the network; what depends on it loses it.
    Isolate,
    /// Connect the target back.
    Reconnect,
    /// Power the target off (destroys volatile evidence).
    PowerOff,
    /// Power the target on.
    PowerOn,
    /// Bring up the target's replica at its DR site.
    FailOver,
    /// Move the target back from its DR site.
    FailBack,
    /// Restore the target from its newest surviving backup (loses data since the backup).
    RestoreBackup,
    /// Replace failed hardware: a system downed by a hardware failure comes back.
    Repair,
    /// Wipe and rebuild the target: removes footholds and persistence, and all evidence.
    Reimage,
    /// Close the target's vulnerability tags (`vuln:` tags).
    Patch,
    /// Void the credentials the target issues.
    ResetCredentials,
    /// Block the attacker's command-and-control and exfiltration through the target.
    BlockC2,
    /// Preserve evidence on the target for investigation.
    CollectEvidence,
    /// Look for compromise on the target; better with evidence preserved.
    Investigate,
    /// Tell the other teams what this team knows about the target.
    ShareFinding,
    /// Set a scenario flag (notify a regulator, call the insurer).
    SetFlag(String),
    /// Give the target the credentials it uses after they were reset, so it works again.
    Reconfigure,
    /// Run the attacker's decryptor on the target: it comes back whole, or stays encrypted
    /// for good.
    Decrypt,
}
