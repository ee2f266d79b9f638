//! Components of the simulation's entities: systems, teams, actions in progress, requests
//! and attack stages.

use bevy_ecs::prelude::Component;
use serde::{Deserialize, Serialize};

use super::{ActionId, RequestId, SysIx, TeamIx};
use crate::scenario::{Minutes, Privilege, SystemState};

/// One backup of a system, as it stands now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupState {
    /// Scenario id.
    pub id: String,
    /// When it was taken, in minutes relative to the drill's start (negative: before it).
    pub taken_at: i64,
    /// Deleted or encrypted by the attacker.
    pub destroyed: bool,
    /// Off the network: out of the attacker's reach.
    pub offline: bool,
    /// Write-once: out of the attacker's reach.
    pub immutable: bool,
    /// How long a restore from it takes.
    pub restore_time: Minutes,
    /// Holds the attacker's persistence.
    pub infected: bool,
}

/// Forensic evidence on a system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Still there to be found (lost on power-off, reimage, restore).
    pub intact: bool,
    /// Preserved by evidence collection: survives what destroys it on the host.
    pub collected: bool,
}

/// The operational facts of a system: what the teams and the attacker change directly.
#[derive(Debug, Clone, PartialEq, Component, Serialize, Deserialize)]
pub struct SystemFacts {
    /// Index in the compiled scenario.
    pub ix: SysIx,
    /// Powered on.
    pub powered: bool,
    /// Cut off the network by a team.
    pub isolated: bool,
    /// Hardware has failed.
    pub hardware_failed: bool,
    /// Data encrypted by the attacker.
    pub encrypted: bool,
    /// Wiped: nothing left to run until restored.
    pub wiped: bool,
    /// Data corrupted by a disaster event.
    pub corrupted: bool,
    /// The attacker's decryptor failed on it: its encrypted files stay unreadable until it
    /// is restored or rebuilt.
    pub undecryptable: bool,
    /// Running at its DR site.
    pub failed_over: bool,
    /// Forced down by a decision's consequence.
    pub forced_down: bool,
    /// Known vulnerabilities closed.
    pub patched: bool,
    /// Command-and-control traffic blocked at the perimeter.
    pub c2_blocked: bool,
    /// Backups left.
    pub backups: Vec<BackupState>,
    /// Forensic evidence.
    pub evidence: Evidence,
    /// Minutes of data lost to restores and failovers so far.
    pub data_lost: u32,
    /// Powered off by its site's power loss (not by a team): it boots when power returns.
    pub power_cut: bool,
    /// Came up before something it needs and hangs until it is restarted (powered on).
    pub hung: bool,
    /// Restored into another site (index) while its own was down: it runs there.
    pub relocated: Option<u32>,
    /// When it was last rebuilt (reimaged): findings of compromise from before are stale.
    pub rebuilt_at: Option<Minutes>,
    /// How many things hold it out of service now: work under way on it (a patch, a
    /// rebuild) and a C2 block that cut its own outbound traffic.
    #[serde(default)]
    pub out_of_service: u32,
    /// How many response actions hold it out of service for work on it now (a patch, a
    /// rebuild): while one runs it is down for maintenance and cannot be attacked.
    #[serde(default)]
    pub maintenance: u32,
    /// A credential it logs in with was reset: it fails until reconfigured.
    #[serde(default)]
    pub stale_credentials: bool,
}

impl SystemFacts {
    /// Whether a team must start it: powered off, hung, or forced down by a decision.
    pub fn needs_start(&self) -> bool {
        !self.powered || self.hung || self.forced_down
    }
}

/// The attacker's hold on a system (the truth; teams see only what they learn).
#[derive(Debug, Clone, PartialEq, Default, Component, Serialize, Deserialize)]
pub struct Compromise {
    /// Foothold and its privilege.
    pub foothold: Option<Privilege>,
    /// Persistence planted: survives a restore from a backup taken after it.
    pub persistence: bool,
    /// Command and control established.
    pub c2: bool,
    /// Ransomware staged: re-encrypts the system after a restore unless evicted.
    pub payload: bool,
    /// The attacker encrypted this system at some point (survives eviction, for backups
    /// that carry the infection back).
    pub ransomed: bool,
    /// Exfiltration rate while C2 holds, gigabytes per hour.
    pub exfil_rate: f64,
}

impl Compromise {
    /// What the attacker holds on the system.
    pub fn presence(&self) -> super::Presence {
        super::Presence {
            foothold: self.foothold,
            persistence: self.persistence,
            c2: self.c2,
            exfiltration: self.exfil_rate > 0.0,
        }
    }

    /// Whether the attacker still holds anything on the system: a foothold, persistence,
    /// C2 or an exfiltration flow.
    pub fn present(&self) -> bool {
        self.presence().any()
    }
}

/// Derived state of a system, settled by the propagate phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Component, Serialize, Deserialize)]
pub struct OpState {
    /// The state shown (most severe first).
    pub state: SystemState,
    /// Serving its users.
    pub available: bool,
    /// Since when it has not been serving its users (and so taking no writes), if it is not.
    pub unavailable_since: Option<Minutes>,
}

/// A team's live state.
#[derive(Debug, Clone, PartialEq, Component)]
pub struct TeamState {
    /// Index in the compiled scenario.
    pub ix: TeamIx,
    /// Capacity in use by actions in progress.
    pub busy: u32,
}

/// What a team believes about one system, and since when.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Observed {
    /// The state it last saw, and when it learned it.
    pub state: Option<(SystemState, Minutes)>,
    /// Its belief about compromise: confirmed (true) or cleared (false), when, and how.
    pub compromise: Option<(bool, Minutes, super::FindingSource)>,
    /// What an investigation of another system found that points here, and when.
    #[serde(default)]
    pub suspected: Option<(Minutes, super::Indicator)>,
}

/// Something in a team's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum InboxItem {
    /// An inject delivered to the team.
    Inject {
        /// Delivered at.
        at: Minutes,
        /// Inject id.
        id: String,
    },
    /// An alert about a system.
    Alert {
        /// Raised at.
        at: Minutes,
        /// Alert id.
        id: u64,
        /// System id.
        system: String,
        /// The ATT&CK technique id the detection matched; `scenario::alert_summary`
        /// words it.
        technique: String,
    },
}

/// Everything a team knows. A seat's view is built from this alone.
#[derive(Debug, Clone, PartialEq, Default, Component, Serialize, Deserialize)]
pub struct Knowledge {
    /// Per system, in scenario order.
    pub systems: Vec<Observed>,
    /// Injects and alerts, oldest first.
    pub inbox: Vec<InboxItem>,
    /// The team's verdict on each alert it triaged, by alert id.
    #[serde(default)]
    pub triaged: std::collections::BTreeMap<u64, super::Verdict>,
    /// The requests the team sent, oldest first, with where each stands.
    #[serde(default)]
    pub sent: Vec<SentRequest>,
}

/// A request a team sent, as the team knows it: every answer reaches it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentRequest {
    /// Request id.
    pub id: super::RequestId,
    /// The team it waits on now.
    pub to: String,
    /// Action id.
    pub action: String,
    /// Target id.
    pub target: Option<String>,
    /// Whether it asks for approval to act.
    pub approval: bool,
    /// Where it stands.
    pub state: RequestState,
    /// When it last changed.
    pub at: Minutes,
}

/// Where a request stands, for the team that sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// Waiting for an answer until the given time.
    Open {
        /// Expires at.
        expires: Minutes,
    },
    /// Accepted: the asked team acts, or (an approval) the asking team may.
    Accepted,
    /// Declined, with the reason given.
    Declined {
        /// Why.
        reason: String,
    },
    /// Nobody answered in time.
    Expired,
    /// The asking team took it back.
    Withdrawn,
}

impl std::fmt::Display for RequestState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequestState::Open { expires } => write!(f, "open until {}", expires.clock()),
            RequestState::Accepted => f.write_str("accepted"),
            RequestState::Declined { reason } if reason.is_empty() => f.write_str("declined"),
            RequestState::Declined { reason } => write!(f, "declined: {reason}"),
            RequestState::Expired => f.write_str("expired unanswered"),
            RequestState::Withdrawn => f.write_str("withdrawn"),
        }
    }
}

/// An action in progress.
#[derive(Debug, Clone, PartialEq, Component)]
pub struct ActionRun {
    /// Its id.
    pub id: ActionId,
    /// The team doing it.
    pub team: TeamIx,
    /// Action id.
    pub action: String,
    /// Target id, as given.
    pub target: Option<String>,
    /// Started at.
    pub started: Minutes,
    /// Completes at.
    pub completes: Minutes,
    /// Capacity it holds.
    pub capacity: u32,
    /// The request it answers, if any.
    pub request: Option<RequestId>,
    /// The backup chosen when a restore started.
    pub backup: Option<String>,
    /// Whether it holds its target out of service while it runs.
    pub holds_service: bool,
}

/// A request from one team to another, awaiting an answer.
#[derive(Debug, Clone, PartialEq, Component)]
pub struct PendingRequest {
    /// Its id.
    pub id: RequestId,
    /// Asking team.
    pub from: TeamIx,
    /// Asked team.
    pub to: TeamIx,
    /// Action id.
    pub action: String,
    /// Target id.
    pub target: Option<String>,
    /// Why.
    pub note: String,
    /// Sent at.
    pub sent: Minutes,
    /// Expires at.
    pub expires: Minutes,
    /// Whether it asks for approval for the asking team to act.
    pub approval: bool,
    /// What the outage the action causes is expected to cost per hour.
    pub cost_per_hour: u64,
}

/// Where an attack stage stands.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum StageStatus {
    /// Preconditions not met yet.
    Waiting,
    /// Running until the given time.
    Running {
        /// Completes at.
        until: Minutes,
    },
    /// Waiting to retry at the given time.
    Retrying {
        /// Retry at.
        at: Minutes,
    },
    /// Done.
    Succeeded,
    /// Given up for good.
    Abandoned,
}

impl std::fmt::Display for StageStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StageStatus::Waiting => f.write_str("waiting"),
            StageStatus::Running { until } => write!(f, "running until {}", until.clock()),
            StageStatus::Retrying { at } => write!(f, "retrying at {}", at.clock()),
            StageStatus::Succeeded => f.write_str("succeeded"),
            StageStatus::Abandoned => f.write_str("abandoned"),
        }
    }
}

/// An attack stage of the campaign.
#[derive(Debug, Clone, PartialEq, Component)]
pub struct StageRun {
    /// Index in the adversary's stage list.
    pub ix: u32,
    /// Where it stands.
    pub status: StageStatus,
    /// Systems it acts on in its current attempt.
    pub targets: Vec<SysIx>,
    /// When its current run raises its next alert, if before it completes.
    pub next_alert: Option<Minutes>,
    /// When it last succeeded.
    pub last_success: Option<Minutes>,
}
