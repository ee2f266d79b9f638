//! The adversary's campaign: stages tagged with MITRE ATT&CK techniques.

use serde::{Deserialize, Serialize};

use super::{Minutes, Privilege, SystemKind};

/// The attacker and the stages of its campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adversary {
    /// Display name (a threat actor or a description).
    pub name: String,
    /// The stages, in the order the author thinks of them; `after` decides the real order.
    pub stages: Vec<Stage>,
}

/// One step of the campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// MITRE ATT&CK Enterprise technique id, such as `T1566.001`.
    pub technique: String,
    /// Stages that must have succeeded before this one can start.
    #[serde(default)]
    pub after: Vec<String>,
    /// Further preconditions.
    #[serde(default)]
    pub requires: Vec<StageRequirement>,
    /// Earliest drill time the stage can start.
    #[serde(default)]
    pub earliest: Minutes,
    /// Which systems the stage acts on.
    pub targets: Targets,
    /// Simulated time the stage takes once started.
    pub duration: Minutes,
    /// Chance of success when the stage completes, 0.0 to 1.0.
    pub success: f64,
    /// Chance per tick that the stage raises an alert while it runs, 0.0 to 1.0, before
    /// controls (EDR, logging) change it.
    pub noise: f64,
    /// What success does to each target.
    pub effects: Vec<StageEffect>,
    /// What the stage does when it fails or its path is cut.
    #[serde(default)]
    pub on_blocked: OnBlocked,
    /// Whether it runs again after it succeeded (default: once).
    #[serde(default)]
    pub repeat: Repeat,
    /// How it reacts to containment the attacker can see (default: it does not).
    #[serde(default)]
    pub reacts: Vec<Reaction>,
}

/// Whether a stage that succeeded runs again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Repeat {
    /// Once. A stage that gave footholds from inside the estate (not initial access) still
    /// comes back when the attacker is evicted from its targets, by the same path if it can.
    #[default]
    Once,
    /// Again whenever the defenders undo what it did to a target (a stolen credential reset,
    /// an encrypted or wiped system restored, a foothold, persistence, C2 or flow removed),
    /// as soon as its preconditions hold again.
    WhenUndone,
    /// Again this long after each success, while its preconditions hold.
    Every(Minutes),
}

/// Containment the attacker can see happen to what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Noticed {
    /// One of its command-and-control channels was cut (blocked, or its system rebuilt).
    C2Cut,
    /// A credential it held was reset.
    CredentialReset,
    /// A system it holds was isolated or powered off.
    HostIsolated,
    /// A foothold of its was removed (the system was rebuilt).
    FootholdRemoved,
}

impl std::fmt::Display for Noticed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Noticed::C2Cut => "its command and control was cut",
            Noticed::CredentialReset => "a credential it held was reset",
            Noticed::HostIsolated => "a system it holds was isolated",
            Noticed::FootholdRemoved => "a foothold of its was removed",
        })
    }
}

/// A stage's reaction to containment the attacker sees. Each reaction fires once, the
/// first time the attacker sees it, whatever the stage's state (unless it was abandoned).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reaction {
    /// What the attacker sees.
    pub on: Noticed,
    /// What the stage does then.
    pub then: Response,
}

/// What a stage does when the attacker sees containment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// Let this other stage start (another channel, another path), as a fallback does.
    Fallback(String),
    /// Hurry: its durations (and what is left of a run in progress) are multiplied by this
    /// factor, above 0 and below 1, and it no longer waits for its `earliest` time.
    Accelerate(f64),
    /// Lie low for this long: it starts no run, and a run in progress is held back by as
    /// much and raises no more alerts.
    GoQuiet(Minutes),
}

impl std::fmt::Display for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Response::Fallback(s) => write!(f, "falls back to {s}"),
            Response::Accelerate(x) => write!(f, "hurries (durations × {x})"),
            Response::GoQuiet(m) => write!(f, "goes quiet for {m}"),
        }
    }
}

/// A precondition of a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum StageRequirement {
    /// The attacker holds a foothold of at least this privilege somewhere in the zone.
    FootholdIn {
        /// Zone id.
        zone: String,
        /// Minimum privilege.
        privilege: Privilege,
    },
    /// The attacker holds this credential (stolen and not reset since).
    Credential(String),
    /// A scenario flag is set.
    Flag(String),
}

/// How a stage selects its targets. Candidates match every given criterion; only systems
/// the attacker can reach and that are not isolated are chosen, in id order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Exactly these systems.
    #[serde(default)]
    pub ids: Vec<String>,
    /// Systems in these zones.
    #[serde(default)]
    pub zones: Vec<String>,
    /// Systems of these kinds.
    #[serde(default)]
    pub kinds: Vec<SystemKind>,
    /// Systems with any of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// How many of the candidates.
    #[serde(default)]
    pub pick: Pick,
}

/// How many candidate targets a stage takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Pick {
    /// One, drawn at random among the candidates.
    #[default]
    One,
    /// Up to this many, drawn at random.
    Some(u32),
    /// Every candidate.
    All,
}

/// What a successful stage does to a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum StageEffect {
    /// A foothold on the target at this privilege.
    Foothold(Privilege),
    /// The attacker obtains this credential.
    StealCredential(String),
    /// The attacker plants persistence that survives a restore from backup.
    Persistence,
    /// Command and control from the target to the attacker.
    CommandAndControl,
    /// Data leaves through the target at this rate, in gigabytes per hour, while C2 holds.
    Exfiltrate {
        /// Gigabytes per hour.
        gb_per_hour: f64,
    },
    /// The target's data is encrypted: the system is unavailable until restored.
    Encrypt,
    /// Online, mutable backups of the target are deleted.
    DestroyBackups,
    /// The target is wiped: unavailable until rebuilt.
    Destroy,
}

/// What a stage does when it fails or when its path is cut.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum OnBlocked {
    /// Wait until its preconditions hold again, then start over.
    #[default]
    Wait,
    /// Try again after this long.
    Retry(Minutes),
    /// Give up for good.
    Abandon,
    /// Give up and let this other stage start in its place.
    Fallback(String),
}
