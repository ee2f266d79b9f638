//! What a seat sees (built from its team's knowledge alone) and what the facilitator sees
//! (the truth). Both are plain serialisable data for any client.

use serde::{Deserialize, Serialize};

use crate::model::{ActionId, FindingSource, InboxItem, RequestId, StageStatus};
use crate::scenario::{Minutes, Privilege, Role, SystemKind, SystemState};
use crate::sim::available;

/// One system as a team knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnownSystem {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: SystemKind,
    /// Zone id.
    pub zone: String,
    /// Site id.
    pub site: String,
    /// Cost per hour while down (the business tells every team this).
    pub criticality: u64,
    /// The state the team last saw, and when; unknown until it has looked.
    pub state: Option<(SystemState, Minutes)>,
    /// Whether the team believes it compromised, since when and how.
    pub compromise: Option<(bool, Minutes, FindingSource)>,
    /// What an investigation elsewhere found that points here, and when (until a finding
    /// about the system itself answers it).
    #[serde(default)]
    pub suspected: Option<(Minutes, crate::model::Indicator)>,
}

/// An action the team has in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunningAction {
    /// Id, for cancelling.
    pub id: ActionId,
    /// Action id.
    pub action: String,
    /// Target id.
    pub target: Option<String>,
    /// Started.
    pub started: Minutes,
    /// Completes.
    pub completes: Minutes,
}

/// A request to or from the team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestView {
    /// Id, for answering.
    pub id: RequestId,
    /// Asking team.
    pub from: String,
    /// Asked team.
    pub to: String,
    /// Action id.
    pub action: String,
    /// Target id.
    pub target: Option<String>,
    /// Why.
    pub note: String,
    /// Sent.
    pub sent: Minutes,
    /// Expires.
    pub expires: Minutes,
    /// Whether it asks for approval for the asking team to act.
    #[serde(default)]
    pub approval: bool,
    /// What the outage the action causes is expected to cost per hour (the target and
    /// everything that goes down with it).
    #[serde(default)]
    pub cost_per_hour: u64,
}

/// A decision the team is asked to take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionView {
    /// Inject id.
    pub inject: String,
    /// Choices: (id, label); the label says what a choice with `requires` needs.
    pub choices: Vec<(String, String)>,
    /// When the default is taken.
    pub deadline: Option<Minutes>,
}

/// Everything one seat may see. Built from that team's knowledge, never from the truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeatView {
    /// Team id.
    pub team: String,
    /// Team name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Drill time.
    pub now: Minutes,
    /// When the drill ends.
    pub end: Minutes,
    /// Parallel actions.
    pub capacity: u32,
    /// Capacity in use.
    pub busy: u32,
    /// Action ids the team may take.
    pub actions: Vec<String>,
    /// The systems in the zones it sees.
    pub systems: Vec<KnownSystem>,
    /// Actions in progress.
    pub running: Vec<RunningAction>,
    /// Open requests addressed to the team.
    pub requests_in: Vec<RequestView>,
    /// Open requests the team sent.
    pub requests_out: Vec<RequestView>,
    /// Injects and alerts received.
    pub inbox: Vec<InboxItem>,
    /// The team's verdict on each alert it triaged, by alert id.
    #[serde(default)]
    pub triaged: std::collections::BTreeMap<u64, crate::model::Verdict>,
    /// Every request the team sent, with where it stands (answers, expiry, escalation).
    #[serde(default)]
    pub sent: Vec<crate::model::SentRequest>,
    /// Decisions waiting for this team.
    pub decisions: Vec<DecisionView>,
}

impl SeatView {
    /// Systems the team believes unavailable.
    pub fn known_down(&self) -> impl Iterator<Item = &KnownSystem> {
        self.systems.iter().filter(|s| s.state.is_some_and(|(st, _)| !available(st)))
    }

    /// Systems the team believes compromised.
    pub fn known_compromised(&self) -> impl Iterator<Item = &KnownSystem> {
        self.systems.iter().filter(|s| matches!(s.compromise, Some((true, _, _))))
    }
}

/// A system as it really is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrueSystem {
    /// Id.
    pub id: String,
    /// State.
    pub state: SystemState,
    /// Serving users.
    pub available: bool,
    /// The attacker's foothold.
    pub foothold: Option<Privilege>,
    /// Persistence planted.
    pub persistence: bool,
    /// The attacker's command-and-control channel.
    #[serde(default)]
    pub c2: bool,
    /// An exfiltration flow set up (it moves data while C2 holds).
    #[serde(default)]
    pub exfiltration: bool,
    /// Evidence still on the host or collected.
    pub evidence: bool,
    /// Data lost so far, minutes.
    pub data_lost: u32,
    /// Has power (its own or restored).
    pub powered: bool,
    /// Came up before something it needs and waits for a restart.
    pub hung: bool,
}

/// An attack stage as it really stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrueStage {
    /// Stage id.
    pub id: String,
    /// Name.
    pub name: String,
    /// ATT&CK technique id.
    pub technique: String,
    /// Where it stands (its `Display` words it: `running until 02:30`).
    pub status: StageStatus,
}

/// What one team knows, for the facilitator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamKnowledge {
    /// Team id.
    pub team: String,
    /// Systems it believes compromised.
    pub believes_compromised: Vec<String>,
    /// Systems it has seen unavailable.
    pub sees_down: Vec<String>,
    /// Alerts received.
    pub alerts: usize,
}

/// The facilitator's view: the truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthView {
    /// Drill time.
    pub now: Minutes,
    /// When the drill ends.
    pub end: Minutes,
    /// Every system.
    pub systems: Vec<TrueSystem>,
    /// Stages that have succeeded.
    pub stages_succeeded: Vec<String>,
    /// Every stage and where it stands.
    pub stages: Vec<TrueStage>,
    /// What each team knows.
    pub teams: Vec<TeamKnowledge>,
    /// Stolen credentials still valid.
    pub stolen_credentials: Vec<String>,
    /// Business cost so far.
    pub cost: u64,
    /// Cost per hour now.
    pub cost_rate: u64,
    /// Gigabytes exfiltrated.
    pub exfiltrated_gb: f64,
    /// Flags set.
    pub flags: Vec<String>,
}
