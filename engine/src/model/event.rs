//! What happens in a drill: the engine's events, recorded in the drill log in order.

use serde::{Deserialize, Serialize};

use super::{ActionId, RequestId};
use crate::scenario::{Minutes, Noticed, Privilege, SystemState, alert_summary};

/// How a team came to know about a compromise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FindingSource {
    /// An investigation of the system.
    Investigation,
    /// An alert.
    Alert,
    /// Another team shared it.
    Shared,
}

/// A defence that stopped an attack stage, naming what it acted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Defence {
    /// The target was isolated.
    Isolated(String),
    /// The target was powered off.
    PoweredOff(String),
    /// The target was wiped or destroyed.
    Wiped(String),
    /// The target was patched against the vulnerability the stage exploits.
    Patched(String),
    /// Command and control was blocked on the target.
    C2Blocked(String),
    /// No foothold of the attacker reaches the target's zone any more.
    OutOfReach(String),
    /// A credential the stage needs was reset.
    CredentialReset(String),
    /// The attacker lost its foothold in a zone the stage needs one in.
    FootholdLost(String),
    /// A flag the stage needs is not set.
    FlagUnset(String),
    /// The target has no network path to an internet-facing zone.
    NoPathOut(String),
    /// The target was down for work on it (a patch, a rebuild) when the stage reached it.
    Maintenance(String),
}

impl std::fmt::Display for Defence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Defence::Isolated(s) => write!(f, "{s} was isolated"),
            Defence::PoweredOff(s) => write!(f, "{s} was powered off"),
            Defence::Wiped(s) => write!(f, "{s} was wiped"),
            Defence::Patched(s) => write!(f, "{s} was patched"),
            Defence::C2Blocked(s) => write!(f, "command and control was blocked on {s}"),
            Defence::OutOfReach(s) => write!(f, "no foothold reaches {s} any more"),
            Defence::CredentialReset(c) => write!(f, "credential {c} was reset"),
            Defence::FootholdLost(z) => write!(f, "the attacker lost its foothold in zone {z}"),
            Defence::FlagUnset(x) => write!(f, "{x} is not set"),
            Defence::NoPathOut(s) => write!(f, "{s} has no path to the internet"),
            Defence::Maintenance(s) => write!(f, "{s} was down for maintenance"),
        }
    }
}

/// Why an attack stage ended without success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockCause {
    /// Its success roll failed: chance, not the defenders.
    Chance,
    /// A defence stopped it.
    Defence(Defence),
    /// A format 1 log's reason, which named no defence; only chance was ever told apart.
    Recorded(String),
}

impl BlockCause {
    /// Whether the defenders, not chance, stopped the stage.
    pub fn by_defenders(&self) -> bool {
        !matches!(self, BlockCause::Chance)
    }
}

impl std::fmt::Display for BlockCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BlockCause::Chance => f.write_str("it failed"),
            BlockCause::Defence(d) => write!(f, "{d}"),
            BlockCause::Recorded(why) => f.write_str(why),
        }
    }
}

/// Who took a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decider {
    /// The team whose seat chose.
    Team(String),
    /// The facilitator chose on the teams' behalf.
    Facilitator,
    /// Nobody chose in time: the decision's default was taken.
    Timeout,
}

impl From<&super::Seat> for Decider {
    fn from(seat: &super::Seat) -> Self {
        match seat {
            super::Seat::Team(t) => Decider::Team(t.clone()),
            super::Seat::Facilitator => Decider::Facilitator,
        }
    }
}

impl std::fmt::Display for Decider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Decider::Team(t) => f.write_str(t),
            Decider::Facilitator => f.write_str("the facilitator"),
            Decider::Timeout => f.write_str("the timeout"),
        }
    }
}

/// Where the attacker's foothold on a system stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FootholdStatus {
    /// Held on a running, connected system: a base the attacker can act from.
    Usable,
    /// Held, but the system is isolated, powered off or wiped: nothing can be done from it
    /// until that changes.
    CutOff,
    /// Gone: the system was rebuilt or restored clean.
    Removed,
}

impl std::fmt::Display for FootholdStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FootholdStatus::Usable => "usable",
            FootholdStatus::CutOff => "cut off",
            FootholdStatus::Removed => "removed",
        })
    }
}

/// What the attacker holds on one system (the truth): any of it is presence, and the
/// attacker is evicted from the system only when none is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Presence {
    /// A foothold, at this privilege.
    pub foothold: Option<Privilege>,
    /// Persistence: survives a reboot, and a restore from a backup taken after it.
    pub persistence: bool,
    /// A command-and-control channel to the attacker.
    pub c2: bool,
    /// An exfiltration flow, which moves data while C2 holds and the system is reachable.
    pub exfiltration: bool,
}

impl Presence {
    /// Whether the attacker holds anything at all.
    pub fn any(&self) -> bool {
        self.foothold.is_some() || self.persistence || self.c2 || self.exfiltration
    }
}

impl std::fmt::Display for Presence {
    /// "admin foothold, persistence, C2", or "nothing".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let privilege =
            self.foothold.map(|p| format!("{} foothold", format!("{p:?}").to_lowercase()));
        let parts: Vec<String> = [
            privilege,
            self.persistence.then(|| "persistence".to_owned()),
            self.c2.then(|| "C2".to_owned()),
            self.exfiltration.then(|| "exfiltration".to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() { f.write_str("nothing") } else { f.write_str(&parts.join(", ")) }
    }
}

/// Why a team suspects a system: what a successful investigation points at beyond the
/// system examined, or what an inject's report names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// The same attacker tooling (a stage's technique) was found on another system.
    Tooling {
        /// Where it was found.
        found_on: String,
        /// ATT&CK technique id.
        technique: String,
    },
    /// The attacker reached the system where it was found from here: this system holds the
    /// foothold of the stage that came before.
    Source {
        /// Where the later stage was found.
        found_on: String,
        /// ATT&CK technique id of the stage that took this system.
        technique: String,
    },
    /// The system talks to the command-and-control endpoint found on another one.
    C2Endpoint {
        /// Where the endpoint was found.
        found_on: String,
    },
    /// A credential the attacker used was issued by this system.
    Credential {
        /// Where its use was found.
        found_on: String,
        /// Credential id.
        credential: String,
    },
    /// An inject's report names this system (the user who reports a phish is at her desk).
    Reported {
        /// Inject id.
        inject: String,
        /// The inject's title.
        title: String,
    },
}

impl std::fmt::Display for Indicator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Indicator::Tooling { found_on, technique } => {
                write!(f, "the tooling found on {found_on} ({technique}) was used here too")
            }
            Indicator::Source { found_on, technique } => {
                write!(f, "the attacker reached {found_on} from here ({technique})")
            }
            Indicator::C2Endpoint { found_on } => {
                write!(f, "it talks to the C2 endpoint found on {found_on}")
            }
            Indicator::Credential { found_on, credential } => {
                write!(f, "it issued {credential}, which the attacker used on {found_on}")
            }
            Indicator::Reported { inject, title } => {
                write!(f, "reported in “{title}” ({inject})")
            }
        }
    }
}

/// One event, stamped with the drill time it happened at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimedEvent {
    /// Drill time.
    pub at: Minutes,
    /// What happened.
    pub event: Event,
}

/// Something that happened in the drill (the truth: seats see projections of it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A team started an action.
    ActionStarted {
        /// Action run id.
        id: ActionId,
        /// Team id.
        team: String,
        /// Action id.
        action: String,
        /// Target id.
        target: Option<String>,
        /// When it will complete.
        completes: Minutes,
        /// The request it answers, if any.
        request: Option<RequestId>,
    },
    /// An action completed and took effect.
    ActionCompleted {
        /// Action run id.
        id: ActionId,
        /// Team id.
        team: String,
        /// Action id.
        action: String,
        /// Target id.
        target: Option<String>,
    },
    /// An action completed without effect.
    ActionFailed {
        /// Action run id.
        id: ActionId,
        /// Team id.
        team: String,
        /// Action id.
        action: String,
        /// Target id.
        target: Option<String>,
        /// Why, for people.
        reason: String,
    },
    /// A team cancelled an action in progress.
    ActionCancelled {
        /// Action run id.
        id: ActionId,
        /// Team id.
        team: String,
    },
    /// A system's state changed.
    StateChanged {
        /// System id.
        system: String,
        /// Before.
        from: SystemState,
        /// After.
        to: SystemState,
    },
    /// A system started or stopped serving its users; `cost_per_hour` is what it costs from
    /// now on (0 while available): downtime cost is the sum of these rates over time.
    AvailabilityChanged {
        /// System id.
        system: String,
        /// Serving its users now.
        available: bool,
        /// Business cost per hour from now on.
        cost_per_hour: u64,
    },
    /// Data was lost to a restore or failover.
    DataLost {
        /// System id.
        system: String,
        /// Minutes of writes lost.
        minutes: u32,
    },
    /// Forensic evidence on a system was destroyed.
    EvidenceDestroyed {
        /// System id.
        system: String,
        /// By which action.
        by: String,
    },
    /// The attacker got back onto a restored system through persistence in the backup.
    Reinfected {
        /// System id.
        system: String,
    },
    /// A restored system was encrypted again because the attacker was never evicted.
    ReEncrypted {
        /// System id.
        system: String,
    },
    /// A decision bought the attacker's decryptor (`Decryptor`).
    DecryptorReceived {
        /// Gigabytes of a system's data it decrypts per hour.
        gb_per_hour: f64,
        /// The chance that a system comes back whole.
        recovers: f64,
    },
    /// A team ran the attacker's decryptor on a system.
    Decrypted {
        /// System id.
        system: String,
        /// It came back whole; otherwise its files stay unreadable.
        whole: bool,
    },
    /// One team asked another to act.
    RequestSent {
        /// Request id.
        id: RequestId,
        /// Asking team.
        from: String,
        /// Asked team.
        to: String,
        /// Action id.
        action: String,
        /// Target id.
        target: Option<String>,
        /// Why.
        note: String,
        /// Whether it asks for approval to act (rather than for the asked team to act).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        approval: bool,
        /// What the action is expected to cost per hour of the outage it causes: the
        /// target and everything that goes down with it, shown to the asked team.
        #[serde(default, skip_serializing_if = "is_zero")]
        cost_per_hour: u64,
    },
    /// A request was accepted or declined.
    RequestAnswered {
        /// Request id.
        id: RequestId,
        /// Accepted when true.
        accepted: bool,
        /// Why, in the answering team's words (a decline carries one).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// A request went unanswered until it expired.
    RequestExpired {
        /// Request id.
        id: RequestId,
    },
    /// The team that sent a request took it back.
    RequestWithdrawn {
        /// Request id.
        id: RequestId,
    },
    /// An expired or declined request went to the team the rules of engagement name, as a
    /// request for approval to act.
    RequestEscalated {
        /// Request id (it keeps its id).
        id: RequestId,
        /// The team that did not approve it.
        from: String,
        /// The team it went to.
        to: String,
    },
    /// A team took an action the rules of engagement reserve for another team's approval,
    /// without it, at the cost the rules set.
    RuleOverruled {
        /// The acting team.
        team: String,
        /// Action id.
        action: String,
        /// Target id.
        target: Option<String>,
        /// The team whose approval it skipped.
        approver: String,
        /// What the override costs.
        cost: u64,
    },
    /// A response action took a system out of service, or will keep it out, as its price.
    Disrupted {
        /// The system.
        system: String,
        /// The action that did it.
        action: String,
        /// How.
        cause: Disruption,
    },
    /// A disaster event began.
    DisasterStarted {
        /// Event id.
        event: String,
    },
    /// A disaster event ended by itself.
    DisasterEnded {
        /// Event id.
        event: String,
    },
    /// A scenario flag was set.
    FlagSet {
        /// Flag.
        flag: String,
    },
    /// A one-off cost (a fine, a ransom).
    CostIncurred {
        /// Amount.
        amount: u64,
        /// Why.
        reason: String,
    },
    /// A decision started a running cost (`CostPerHour`); it is booked as `cost_incurred`
    /// when it stops.
    CostPerHour {
        /// Currency per hour.
        per_hour: u64,
        /// What it pays for.
        reason: String,
    },
    /// A team's monitoring saw a system's state.
    Observed {
        /// Team id.
        team: String,
        /// System id.
        system: String,
        /// The state seen.
        state: SystemState,
    },
    /// A team learned whether a system is compromised.
    Finding {
        /// Team id.
        team: String,
        /// System id.
        system: String,
        /// Compromised (true) or found clean (false).
        compromised: bool,
        /// How.
        source: FindingSource,
    },
    /// The attacker gained a foothold.
    Compromised {
        /// System id.
        system: String,
        /// Privilege.
        privilege: Privilege,
        /// By which stage.
        stage: String,
    },
    /// The attacker's foothold on a system became usable, was cut off or was removed.
    FootholdChanged {
        /// System id.
        system: String,
        /// Where it stands now.
        foothold: FootholdStatus,
    },
    /// What the attacker holds on a system changed (gained, lost or cut back).
    PresenceChanged {
        /// System id.
        system: String,
        /// What it holds there now.
        presence: Presence,
    },
    /// The attacker holds nothing more on a system: no foothold, persistence, C2 or flow.
    Evicted {
        /// System id.
        system: String,
    },
    /// The attacker holds nothing anywhere in the estate (until it gets back in).
    EvictedFromEstate,
    /// No stage of the campaign can make progress any more, though some never succeeded:
    /// the defences hold it, for as long as nothing changes.
    CampaignStalled,
    /// A stage of a stalled campaign can make progress again.
    CampaignResumed,
    /// An attack stage reacted to containment the attacker saw.
    StageReacted {
        /// Stage id.
        stage: String,
        /// What the attacker saw.
        noticed: Noticed,
        /// What the stage does about it, for people.
        reaction: String,
    },
    /// A team's investigation put another system under suspicion.
    Suspected {
        /// Team id.
        team: String,
        /// System id.
        system: String,
        /// What points at it.
        indicator: Indicator,
    },
    /// An attack stage started a run.
    StageStarted {
        /// Stage id.
        stage: String,
        /// ATT&CK technique id.
        technique: String,
        /// Targets.
        targets: Vec<String>,
    },
    /// An attack stage succeeded.
    StageSucceeded {
        /// Stage id.
        stage: String,
        /// Targets it acted on.
        targets: Vec<String>,
    },
    /// An attack stage failed or was blocked.
    StageBlocked {
        /// Stage id.
        stage: String,
        /// Why: chance, or the defence that stopped it.
        cause: BlockCause,
    },
    /// The attacker deleted or encrypted a system's backups.
    BackupsDestroyed {
        /// System id.
        system: String,
        /// Backup ids.
        backups: Vec<String>,
    },
    /// The attacker obtained a credential.
    CredentialStolen {
        /// Credential id.
        credential: String,
    },
    /// Credentials issued by a system were reset; stolen ones stopped working.
    CredentialsReset {
        /// Issuing system id.
        system: String,
        /// Stolen credentials voided.
        voided: Vec<String>,
    },
    /// Data left the organisation.
    Exfiltrated {
        /// System id.
        system: String,
        /// Gigabytes this tick.
        gb: f64,
    },
    /// An alert reached a team.
    Alert {
        /// Alert id.
        id: u64,
        /// Team id.
        team: String,
        /// System the alert is about.
        system: String,
        /// The ATT&CK technique id the detection matched (what the alert says).
        technique: String,
        /// Raised by real attacker activity (the truth; not shown to the team).
        true_positive: bool,
    },
    /// A team triaged an alert.
    AlertTriaged {
        /// Team id.
        team: String,
        /// Alert id.
        alert: u64,
        /// System the alert is about.
        system: String,
        /// The team's verdict.
        verdict: super::Verdict,
        /// The alert was real (the truth; not shown to the team).
        true_positive: bool,
    },
    /// An inject was delivered.
    InjectDelivered {
        /// Inject id.
        inject: String,
        /// Team ids.
        teams: Vec<String>,
    },
    /// A decision was taken.
    DecisionTaken {
        /// Inject id.
        inject: String,
        /// Choice id.
        choice: String,
        /// Who decided: a team, or the timeout that took the default.
        by: Decider,
    },
    /// An inject's expected response came in time.
    ExpectationMet {
        /// Inject id.
        inject: String,
    },
    /// An inject's expected response did not come in time.
    ExpectationMissed {
        /// Inject id.
        inject: String,
    },
    /// An objective was met (decided for good).
    ObjectiveMet {
        /// Objective id.
        objective: String,
    },
    /// An objective was missed (decided for good).
    ObjectiveMissed {
        /// Objective id.
        objective: String,
    },
    /// A critical task was done in time (decided for good).
    TaskMet {
        /// Critical task id.
        task: String,
    },
    /// A critical task was not done by its deadline, or not at all by the end.
    TaskMissed {
        /// Critical task id.
        task: String,
    },
    /// A critical task whose deadline runs from a moment that never came: it was never due.
    TaskNotDue {
        /// Critical task id.
        task: String,
    },
    /// A critical task missed at its deadline was done after it.
    TaskDoneLate {
        /// Critical task id.
        task: String,
    },
    /// A facilitator note.
    Note {
        /// The note.
        text: String,
    },
    /// Who plays a team's seat from now on, as the facilitator set it (format 4, engine
    /// 0.4.0 and later); a seat no such event names was played by people.
    SeatPlayer {
        /// Team id.
        team: String,
        /// Who plays it.
        player: super::Player,
    },
    /// The drill ended.
    DrillEnded {
        /// Total business cost.
        cost: u64,
    },
}

fn target(t: &Option<String>) -> String {
    t.as_ref().map(|t| format!(" {t}")).unwrap_or_default()
}

impl std::fmt::Display for Event {
    /// One line for people: timelines, reports, the UI's event list.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Event::ActionStarted { team, action, target: t, completes, .. } => {
                write!(f, "{team} started {action}{} (done {})", target(t), completes.clock())
            }
            Event::ActionCompleted { team, action, target: t, .. } => {
                write!(f, "{team} completed {action}{}", target(t))
            }
            Event::ActionFailed { team, action, target: t, reason, .. } => {
                write!(f, "{team}'s {action}{} failed: {reason}", target(t))
            }
            Event::ActionCancelled { id, team } => write!(f, "{team} cancelled action #{id}"),
            Event::StateChanged { system, from, to } => write!(f, "{system}: {from:?} → {to:?}"),
            Event::AvailabilityChanged { system, available, .. } => write!(
                f,
                "{system} {}",
                if *available { "is serving its users again" } else { "stopped serving its users" }
            ),
            Event::DataLost { system, minutes } => {
                write!(f, "{system} lost {} of data", Minutes(*minutes))
            }
            Event::EvidenceDestroyed { system, by } => {
                write!(f, "evidence on {system} destroyed by {by}")
            }
            Event::Reinfected { system } => write!(f, "{system} re-infected from its backup"),
            Event::ReEncrypted { system } => {
                write!(f, "{system} encrypted again: the attacker was never evicted")
            }
            Event::DecryptorReceived { gb_per_hour, recovers } => write!(
                f,
                "the attacker's decryptor arrived: {gb_per_hour} GB an hour, about {:.0}% of systems come back whole",
                recovers * 100.0
            ),
            Event::Decrypted { system, whole: true } => write!(f, "{system} decrypted whole"),
            Event::Decrypted { system, whole: false } => write!(
                f,
                "the decryptor failed on {system}: its files stay unreadable; restore or rebuild it"
            ),
            Event::RequestSent { id, from, to, action, target: t, .. } => {
                write!(f, "{from} asked {to} to {action}{} (request #{id})", target(t))
            }
            Event::RequestAnswered { id, accepted, reason } => {
                write!(f, "request #{id} {}", if *accepted { "accepted" } else { "declined" })?;
                if reason.is_empty() { Ok(()) } else { write!(f, ": {reason}") }
            }
            Event::RequestExpired { id } => write!(f, "request #{id} expired unanswered"),
            Event::RequestWithdrawn { id } => write!(f, "request #{id} withdrawn"),
            Event::RequestEscalated { id, from, to } => {
                write!(f, "request #{id} escalated from {from} to {to}")
            }
            Event::RuleOverruled { team, action, target: t, approver, cost } => write!(
                f,
                "{team} took {action}{} without {approver}'s approval (override cost {cost})",
                target(t)
            ),
            Event::Disrupted { system, action, cause } => match cause {
                Disruption::Maintenance { until } => {
                    write!(f, "{system} out of service for {action} until {}", until.clock())
                }
                Disruption::CredentialReset { credential } => {
                    write!(f, "{system} cannot log in: {action} reset {credential}")
                }
                Disruption::EgressCut { until } => write!(
                    f,
                    "{system}'s own outbound traffic cut by {action} until {}",
                    until.clock()
                ),
            },
            Event::DisasterStarted { event } => write!(f, "disaster: {event} began"),
            Event::DisasterEnded { event } => write!(f, "disaster: {event} ended"),
            Event::FlagSet { flag } => write!(f, "{flag}"),
            Event::CostIncurred { amount, reason } => write!(f, "cost of {amount} ({reason})"),
            Event::CostPerHour { per_hour, reason } => {
                write!(f, "a running cost of {per_hour} an hour from now ({reason})")
            }
            Event::Observed { team, system, state } => write!(f, "{team} saw {system} {state:?}"),
            Event::Finding { team, system, compromised, source } => write!(
                f,
                "{team} {} {system} ({source:?})",
                if *compromised { "found compromise on" } else { "found no compromise on" }
            ),
            Event::Compromised { system, privilege, stage } => {
                write!(f, "attacker gained {privilege:?} on {system} ({stage})")
            }
            Event::FootholdChanged { system, foothold } => {
                write!(f, "the attacker's foothold on {system} is {foothold}")
            }
            Event::PresenceChanged { system, presence } => {
                write!(f, "the attacker holds {presence} on {system}")
            }
            Event::Evicted { system } => write!(f, "the attacker was evicted from {system}"),
            Event::EvictedFromEstate => {
                f.write_str("the attacker holds nothing in the estate any more")
            }
            Event::CampaignStalled => {
                f.write_str("no attack stage can make progress: the campaign is stalled")
            }
            Event::CampaignResumed => f.write_str("an attack stage can make progress again"),
            Event::StageReacted { stage, noticed, reaction } => {
                write!(f, "attack stage {stage} reacted ({noticed}): {reaction}")
            }
            Event::Suspected { team, system, indicator } => {
                write!(f, "{team} suspects {system}: {indicator}")
            }
            Event::StageStarted { stage, technique, .. } => {
                write!(f, "attack stage {stage} ({technique}) began")
            }
            Event::StageSucceeded { stage, targets } => {
                write!(f, "attack stage {stage} succeeded on {}", targets.join(", "))
            }
            Event::StageBlocked { stage, cause } => {
                write!(f, "attack stage {stage} blocked: {cause}")
            }
            Event::BackupsDestroyed { system, backups } => {
                write!(f, "backups of {system} destroyed: {}", backups.join(", "))
            }
            Event::CredentialStolen { credential } => write!(f, "attacker stole {credential}"),
            Event::CredentialsReset { system, voided } => {
                write!(f, "credentials of {system} reset")?;
                if !voided.is_empty() {
                    write!(f, "; voided stolen {}", voided.join(", "))?;
                }
                Ok(())
            }
            Event::Exfiltrated { system, gb } => write!(f, "{gb:.2} GB left through {system}"),
            Event::Alert { team, system, technique, .. } => {
                write!(f, "alert to {team} on {system}: {}", alert_summary(technique))
            }
            Event::InjectDelivered { inject, teams } => {
                write!(f, "inject {inject} → {}", teams.join(", "))
            }
            Event::AlertTriaged { team, alert, system, verdict, .. } => {
                write!(f, "{team} triaged alert #{alert} on {system}: {verdict}")
            }
            Event::DecisionTaken { inject, choice, by } => {
                write!(f, "{by} chose {choice} for {inject}")
            }
            Event::ExpectationMet { inject } => {
                write!(f, "expected response to {inject} came in time")
            }
            Event::ExpectationMissed { inject } => {
                write!(f, "expected response to {inject} missed its deadline")
            }
            Event::ObjectiveMet { objective } => write!(f, "objective {objective} met"),
            Event::ObjectiveMissed { objective } => write!(f, "objective {objective} missed"),
            Event::TaskMet { task } => write!(f, "critical task {task} done"),
            Event::TaskMissed { task } => write!(f, "critical task {task} missed"),
            Event::TaskDoneLate { task } => write!(f, "critical task {task} done late"),
            Event::TaskNotDue { task } => write!(f, "critical task {task} never due"),
            Event::Note { text } => write!(f, "note: {text}"),
            Event::SeatPlayer { team, player } => write!(f, "{team} is played by {player}"),
            Event::DrillEnded { cost } => write!(f, "drill ended; cost {cost}"),
        }
    }
}

/// How a response action disrupted a system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disruption {
    /// Out of service while the work runs.
    Maintenance {
        /// When the work is due to end.
        until: Minutes,
    },
    /// It logs in with a credential that was reset, and fails until reconfigured.
    CredentialReset {
        /// The credential.
        credential: String,
    },
    /// Blocking C2 cut its own outbound traffic, until the block is narrowed.
    EgressCut {
        /// When the block is narrowed.
        until: Minutes,
    },
}

fn is_zero(x: &u64) -> bool {
    *x == 0
}
