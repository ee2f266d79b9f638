//! The after-action report model: what `score` computes from a drill log, shaped after the
//! HSEEP after-action report and improvement plan. Renderers (Markdown, JSON, HTML) read it;
//! none of them computes anything. Every time is in whole minutes from the drill's start.

use serde::Serialize;

pub use crate::model::Rating;
use crate::model::{Decider, ObservationKind, Player};
use crate::scenario::{Phase, Privilege, SystemState};

/// A decider as the report's JSON has always written it: a team's id, `facilitator` or
/// `timeout`.
fn decider_text<S: serde::Serializer>(by: &Decider, s: S) -> Result<S::Ok, S::Error> {
    match by {
        Decider::Team(t) => s.serialize_str(t),
        Decider::Facilitator => s.serialize_str("facilitator"),
        Decider::Timeout => s.serialize_str("timeout"),
    }
}

/// Version of the report model, written into its JSON as `format`.
pub const REPORT_FORMAT: u32 = 1;

/// The after-action report of one drill.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Report model version ([`REPORT_FORMAT`]).
    pub format: u32,
    /// The log was cut short or the drill did not finish: results are as of its last line.
    pub partial: bool,
    /// Why the report is partial, one sentence each.
    pub partial_reasons: Vec<String>,
    /// Which drill this is.
    pub drill: DrillInfo,
    /// The teams that took part.
    pub teams: Vec<TeamInfo>,
    /// The headline facts, one sentence each.
    pub summary: Vec<String>,
    /// Every metric, each tagged with its incident-response phase.
    pub metrics: Vec<Metric>,
    /// The facts behind the metrics.
    pub detail: Details,
    /// The scenario's objectives, met, missed or undecided.
    pub objectives: Vec<ObjectiveResult>,
    /// Weighted objective scores, combined and per team.
    pub scores: Scores,
    /// The rules the capability ratings follow, for people.
    pub rating_rules: Vec<String>,
    /// Each capability rated P, S, M or U.
    pub capabilities: Vec<CapabilityRating>,
    /// What went well.
    pub strengths: Vec<Observation>,
    /// What to improve.
    pub improvements: Vec<Observation>,
    /// One corrective action per area for improvement.
    pub improvement_plan: Vec<PlanItem>,
    /// The observations recorded after the drill, in the order recorded.
    pub observations: Vec<ObservationEntry>,
    /// The organisation's own plan beside the drill (`report --plan`), when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_adherence: Option<crate::adherence::Adherence>,
    /// The facilitator's notes.
    pub notes: Vec<NoteEntry>,
    /// The ATT&CK techniques the attacker used and whether they were detected.
    pub attack: AttackView,
    /// The drill's notable events, in order.
    pub timeline: Vec<TimelineEntry>,
    /// What the timeline chart draws: system states over time and team actions.
    pub chart: Chart,
}

/// Which drill a report is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DrillInfo {
    /// Scenario id (`ransomware`).
    pub scenario_id: String,
    /// Scenario title.
    pub title: String,
    /// `Breach` or `Disaster`.
    pub kind: String,
    /// The scenario's one-line summary.
    pub summary: String,
    /// What the teams were told before the drill.
    pub briefing: String,
    /// The adversary's name, for breach drills.
    pub adversary: Option<String>,
    /// The scenario's file name as recorded.
    pub scenario_name: String,
    /// SHA-256 of the scenario text; two drills compare only when these match.
    pub scenario_sha256: String,
    /// The drill's seed.
    pub seed: u64,
    /// The engine version that wrote the log.
    pub engine: String,
    /// The scenario's planned length, in minutes.
    pub duration: u32,
    /// Simulated minutes per tick.
    pub tick: u32,
    /// The last drill time in the log.
    pub ended_at: u32,
    /// The log holds the drill's end (`DrillEnded`).
    pub finished: bool,
    /// The head hash of the log's seal, which participants noted at the drill's end (logs of
    /// format 2 on that ran to their end).
    pub head_hash: Option<String>,
    /// Currency of all costs.
    pub currency: String,
}

/// A team and what it did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamInfo {
    /// Team id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role, as people read it (`IT operations`, `Security`, …).
    pub role: String,
    /// Actions started.
    pub actions_started: u32,
    /// Actions completed with effect.
    pub actions_completed: u32,
    /// Actions that completed without effect.
    pub actions_failed: u32,
    /// Requests sent to other teams.
    pub requests_sent: u32,
    /// Requests from other teams this team answered.
    pub requests_answered: u32,
    /// The team's objective score (its own objectives and the shared ones), 0–100.
    pub score: Option<u32>,
    /// Who played the seat, in order: people from the start unless the log records
    /// otherwise (`SeatPlayer` events).
    pub played_by: Vec<Stint>,
}

/// Who played a team's seat from a drill time on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stint {
    /// Drill minute the stint began.
    pub from: u32,
    /// Who played.
    pub player: Player,
}

/// What a metric counts or measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A span of drill time, in minutes.
    Minutes,
    /// An amount in the scenario's currency.
    Money,
    /// Gigabytes.
    Gigabytes,
    /// A number of things.
    Count,
}

/// Which way a metric is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Smaller is better (times, costs, losses).
    Lower,
    /// Larger is better (deadlines met).
    Higher,
}

/// One metric of the drill.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    /// Stable id (`time_to_detect`, `time_to_recover:payroll`), for tools and comparisons.
    pub id: String,
    /// Name for people.
    pub name: String,
    /// The incident-response phase it measures.
    pub phase: Phase,
    /// What the value counts.
    pub unit: Unit,
    /// Which way is better.
    pub better: Better,
    /// The value; `null` when it does not apply or never happened (see `text`).
    pub value: Option<f64>,
    /// The value is missing because what it measures never happened (not detected, not
    /// contained, not recovered): worse than any value. `false` when it does not apply.
    pub never: bool,
    /// The critical service a per-service metric is about (`time_to_recover:payroll`). A
    /// drill that lacks such a metric had that service up throughout: the best outcome.
    pub service: Option<String>,
    /// The value for people (`1h19m`, `not detected`, `USD 4,450`).
    pub text: String,
    /// How it is measured.
    pub definition: String,
}

/// The facts behind the metrics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Details {
    /// Detection.
    pub detection: Detection,
    /// Containment.
    pub containment: Containment,
    /// Recovery of critical services.
    pub recovery: Recovery,
    /// Business cost.
    pub cost: Cost,
    /// Data lost to restores and failovers, per system.
    pub data_lost: Vec<SystemAmount>,
    /// Data exfiltrated, per system, in gigabytes.
    pub exfiltrated: Vec<SystemAmount>,
    /// Systems the attacker reached and what became of them.
    pub systems: SystemsHit,
    /// Every isolation of a system, needed or not.
    pub isolations: Vec<Isolation>,
    /// Requests between teams.
    pub requests: Vec<RequestResult>,
    /// Injects and the responses expected of them.
    pub injects: Vec<InjectResult>,
    /// Alerts raised.
    pub alerts: AlertCounts,
    /// Investigations that found nothing on a system the attacker held at the time.
    pub missed_findings: Vec<MissedFinding>,
    /// True alerts a team triaged as false positives.
    pub dismissed_alerts: Vec<MissedFinding>,
    /// Actions taken against the rules of engagement, without the approval they wanted.
    #[serde(default)]
    pub overrules: Vec<Overrule>,
    /// What the response actions cost besides their time: systems out of service for a
    /// patch or a rebuild, locked out by a credential reset, cut off by a C2 block.
    #[serde(default)]
    pub disruptions: Vec<DisruptionResult>,
}

/// An action taken against the rules of engagement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overrule {
    /// When.
    pub at: u32,
    /// The acting team.
    pub team: String,
    /// Action id.
    pub action: String,
    /// Its target.
    pub target: Option<String>,
    /// The team whose approval it skipped.
    pub approver: String,
    /// What the override cost.
    pub cost: u64,
}

/// A system a response action disrupted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisruptionResult {
    /// When.
    pub at: u32,
    /// The system.
    pub system: String,
    /// The action that did it.
    pub action: String,
    /// How.
    pub cause: crate::model::Disruption,
}

/// When the compromise was first detected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detection {
    /// The first foothold: (time, system).
    pub first_compromise: Option<TimedSystem>,
    /// The first `Finding` of a compromise by any team.
    pub first_finding: Option<Detected>,
    /// The first true-positive alert a team acted on (started an action on, or asked
    /// another team to act on, the alerted system).
    pub first_alert_acted_on: Option<Detected>,
    /// The earlier of the two.
    pub detected: Option<Detected>,
    /// From the first foothold to detection (0 when detection came first).
    pub time_to_detect: Option<u32>,
    /// Systems the attacker gained between its first foothold and detection.
    pub compromised_before_detection: Vec<String>,
}

/// A system at a time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimedSystem {
    /// Drill time.
    pub at: u32,
    /// System id.
    pub system: String,
}

/// How and when a team detected the compromise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detected {
    /// When the team knew (the finding, or the action on the alerted system).
    pub at: u32,
    /// Team id.
    pub team: String,
    /// System id.
    pub system: String,
    /// `finding` or `alert_acted_on`.
    pub how: String,
    /// For an alert acted on: when the alert came in.
    pub alert_at: Option<u32>,
}

/// What a containment time rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainmentBasis {
    /// A stage stopped by the defenders after the attacker's last progress.
    StageBlocked,
    /// Every compromised system evicted, isolated or off.
    NoReachableFoothold,
    /// The engine recorded that no stage of the campaign could make progress any more.
    CampaignStalled,
}

/// What the attacker still held on one system (the truth).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SystemPresence {
    /// System id.
    pub system: String,
    /// What it held there.
    pub presence: crate::model::Presence,
}

/// Where a drill's total cost comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CostBasis {
    /// The engine's own total, recorded when the drill ended.
    DrillEnded,
    /// The drill did not finish: rebuilt from state changes and one-off costs.
    Estimated,
}

/// When the attacker was contained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Containment {
    /// The attacker's last progress (foothold, stage success, stolen credential, deleted
    /// backups, exfiltration, re-infection).
    pub last_progress: Option<u32>,
    /// When it was contained, if it was.
    pub contained_at: Option<u32>,
    /// What the containment time rests on.
    pub basis: Option<ContainmentBasis>,
    /// What contained it, for people.
    pub by: Option<String>,
    /// From the first foothold to containment (format 4 on: from the first detection,
    /// or the first foothold when none came first).
    pub time_to_contain: Option<u32>,
    /// When the attacker lost its last presence in the estate, for good.
    pub evicted_at: Option<u32>,
    /// From the first foothold to that eviction.
    pub time_to_evict: Option<u32>,
    /// What the attacker still held when the log ends, by system.
    pub present_at_end: Vec<SystemPresence>,
}

/// Recovery of the critical services.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recovery {
    /// Systems costing at least this much per hour down are critical services.
    pub critical_from: u64,
    /// Every critical service that was unavailable at some point.
    pub services: Vec<ServiceRecovery>,
    /// Critical services never unavailable.
    pub unaffected: Vec<String>,
}

/// One critical service's outage and recovery.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceRecovery {
    /// System id.
    pub system: String,
    /// Display name.
    pub name: String,
    /// Business cost per hour down.
    pub criticality: u64,
    /// When it first became unavailable.
    pub first_down: u32,
    /// When it came back for good (available from then to the end of the log).
    pub recovered_at: Option<u32>,
    /// From first unavailable to recovered.
    pub time_to_recover: Option<u32>,
    /// Minutes unavailable in all.
    pub minutes_down: u32,
    /// How many separate outages.
    pub outages: u32,
    /// Its state at the end of the log.
    pub state_at_end: SystemState,
}

/// The drill's business cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cost {
    /// Total cost: the engine's figure from `DrillEnded`, else the estimate.
    pub total: u64,
    /// Whether the total is the engine's or an estimate.
    pub basis: CostBasis,
    /// Downtime cost rebuilt from the log (criticality × time unavailable).
    pub downtime_estimated: u64,
    /// One-off costs (fines, ransoms, retainers).
    pub one_off: Vec<OneOffCost>,
    /// Downtime cost per system, highest first.
    pub by_system: Vec<SystemAmount>,
}

/// A one-off cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OneOffCost {
    /// Drill time.
    pub at: u32,
    /// Amount.
    pub amount: u64,
    /// Why.
    pub reason: String,
}

/// An amount attributed to a system (minutes, gigabytes or money, as the field says).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SystemAmount {
    /// System id.
    pub system: String,
    /// The amount.
    pub amount: f64,
}

/// Systems the attacker reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SystemsHit {
    /// Each compromised system: first foothold and highest privilege.
    pub compromised: Vec<CompromisedSystem>,
    /// Systems encrypted (first time).
    pub encrypted: Vec<TimedSystem>,
    /// Systems re-infected by a restore from an infected backup.
    pub reinfected: Vec<TimedSystem>,
    /// Systems encrypted again after a restore, the attacker never evicted.
    pub re_encrypted: Vec<TimedSystem>,
    /// Compromised systems reimaged (the attacker evicted).
    pub evicted: Vec<TimedSystem>,
    /// Compromised systems never evicted by the end of the log.
    pub still_compromised: Vec<String>,
}

/// A compromised system.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompromisedSystem {
    /// System id.
    pub system: String,
    /// First foothold.
    pub at: u32,
    /// Highest privilege gained.
    pub privilege: Privilege,
    /// The stage that first got in.
    pub stage: String,
}

/// One isolation of a system.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Isolation {
    /// System id.
    pub system: String,
    /// The team that isolated it.
    pub team: String,
    /// When the isolation took effect.
    pub at: u32,
    /// When it was reconnected, if it was.
    pub until: Option<u32>,
    /// The system was compromised at some point of the drill.
    pub compromised: bool,
    /// Isolated though never compromised.
    pub unnecessary: bool,
    /// The system's own downtime cost while isolated.
    pub cost: u64,
}

/// What became of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestOutcome {
    /// Accepted.
    Accepted,
    /// Declined.
    Declined,
    /// Nobody answered before it expired.
    Expired,
    /// Still open when the log ends.
    Open,
    /// The asking team took it back.
    Withdrawn,
}

/// One request between teams.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestResult {
    /// Request id.
    pub id: u64,
    /// Asking team.
    pub from: String,
    /// Asked team.
    pub to: String,
    /// Action asked for.
    pub action: String,
    /// Its target.
    pub target: Option<String>,
    /// The phase of the action asked for.
    pub phase: Phase,
    /// When it was sent.
    pub sent: u32,
    /// What became of it.
    pub outcome: RequestOutcome,
    /// When it was answered or expired.
    pub closed_at: Option<u32>,
    /// From sent to answered.
    pub response_time: Option<u32>,
    /// Whether it asked for approval for the asking team to act.
    #[serde(default)]
    pub approval: bool,
    /// What the outage the action causes was expected to cost per hour.
    #[serde(default)]
    pub cost_per_hour: u64,
    /// Why it was declined, in the answering team's words.
    #[serde(default)]
    pub reason: String,
    /// The teams it escalated to, in turn, when it was not approved.
    #[serde(default)]
    pub escalated_to: Vec<String>,
}

/// What became of an expected response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpectationOutcome {
    /// Came in time.
    Met,
    /// Did not come in time.
    Missed,
    /// Still open when the log ends.
    Pending,
}

/// One delivery of an inject.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InjectResult {
    /// Inject id.
    pub inject: String,
    /// Its title.
    pub title: String,
    /// Teams it went to.
    pub teams: Vec<String>,
    /// When it was delivered.
    pub delivered: u32,
    /// The expected response, if any.
    pub expected: Option<ExpectedResponse>,
    /// The decision taken, if it asked for one.
    pub decision: Option<DecisionResult>,
}

/// The response an inject expected and what came of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectedResponse {
    /// Action id expected.
    pub action: String,
    /// On this target.
    pub target: Option<String>,
    /// The phase of that action.
    pub phase: Phase,
    /// Time allowed from delivery.
    pub within: u32,
    /// Met, missed or pending.
    pub outcome: ExpectationOutcome,
    /// From delivery to the response, when met.
    pub response_time: Option<u32>,
}

/// A decision an inject asked for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionResult {
    /// The choice taken.
    pub choice: String,
    /// Its label.
    pub label: String,
    /// Who took it: a team, the facilitator or the timeout (in JSON, the team's id,
    /// `facilitator` or `timeout`).
    #[serde(serialize_with = "decider_text")]
    pub by: Decider,
    /// When.
    pub at: u32,
    /// From delivery to the decision.
    pub time_to_decide: u32,
}

/// How many alerts were raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertCounts {
    /// Raised by the attacker's activity.
    pub true_positive: u32,
    /// Raised by nothing real.
    pub false_positive: u32,
}

/// An investigation that missed a compromise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissedFinding {
    /// Drill time.
    pub at: u32,
    /// Team id.
    pub team: String,
    /// System id.
    pub system: String,
}

/// Met, missed, or not decided by the end of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectiveStatus {
    /// Met.
    Met,
    /// Missed.
    Missed,
    /// Neither, in a log that stops before the objective was decided.
    Undecided,
}

/// One objective and its result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveResult {
    /// Objective id.
    pub id: String,
    /// What the teams read.
    pub description: String,
    /// The team it scores; shared by every team when absent.
    pub team: Option<String>,
    /// Relative weight.
    pub weight: u32,
    /// The capability it exercises (the scenario's, or the default of its phase).
    pub capability: String,
    /// The incident-response phase it belongs to.
    pub phase: Phase,
    /// Met, missed or undecided.
    pub status: ObjectiveStatus,
    /// When it was decided.
    pub at: Option<u32>,
}

/// A weighted score over some objectives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Score {
    /// 0–100: the share of weight met, rounded; `null` without objectives.
    pub score: Option<u32>,
    /// Weight of the objectives met.
    pub met_weight: u32,
    /// Weight of the objectives missed.
    pub missed_weight: u32,
    /// Weight of the objectives undecided (counted as not met).
    pub undecided_weight: u32,
    /// Weight of all the objectives counted.
    pub total_weight: u32,
}

/// Weighted objective scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// Every objective.
    pub combined: Score,
    /// Per team: its own objectives plus the shared ones.
    pub teams: Vec<TeamScore>,
}

/// A team's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamScore {
    /// Team id.
    pub team: String,
    /// Its score.
    pub score: Score,
}

/// What a capability's rating follows from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingBasis {
    /// The scenario lists critical tasks for it: the tasks done and how late.
    CriticalTasks,
    /// Its objectives' weight met.
    Objectives,
}

/// Done in time, done late, not done, or not decided by the end of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Done by its deadline.
    OnTime,
    /// Done after its deadline.
    Late,
    /// Not done: its deadline passed, or the drill ended, without it.
    NotDone,
    /// Never due: its deadline runs from a moment that never came.
    NotDue,
    /// Neither, in a log that stops before the task was decided.
    Undecided,
}

/// One critical task and what the log says of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskResult {
    /// Critical task id.
    pub id: String,
    /// What the evaluator reads.
    pub description: String,
    /// The team expected to do it; any team when absent.
    pub team: Option<String>,
    /// Done in time, late, not done or undecided.
    pub status: TaskStatus,
    /// When it was decided (done in time, or missed).
    pub at: Option<u32>,
    /// For a late task: how long after its deadline it was done.
    pub late_by: Option<u32>,
}

/// A rating the facilitator set in place of the computed one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatingOverride {
    /// The rating computed from the tasks or objectives.
    pub computed: Rating,
    /// Why the facilitator rated it otherwise.
    pub reason: String,
}

/// A capability's rating.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapabilityRating {
    /// Capability name (`Containment`).
    pub capability: String,
    /// The phase of its (first) objective.
    pub phase: Phase,
    /// P, S, M or U: the facilitator's when overridden, else the computed one.
    pub rating: Rating,
    /// What the computed rating follows from.
    pub basis: RatingBasis,
    /// Its critical tasks, in the scenario's order (empty when it has none).
    pub tasks: Vec<TaskResult>,
    /// The facilitator's override, when there is one.
    pub overridden: Option<RatingOverride>,
    /// Ids of its objectives.
    pub objectives: Vec<String>,
    /// Weight met.
    pub met_weight: u32,
    /// Weight of all its objectives.
    pub total_weight: u32,
    /// Some of its objectives are undecided (partial log).
    pub provisional: bool,
    /// Why this rating, for people.
    pub reason: String,
}

/// A strength or an area for improvement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    /// What happened, for people.
    pub text: String,
    /// The phase it belongs to.
    pub phase: Phase,
    /// The team concerned; every team when absent.
    pub team: Option<String>,
}

/// One row of the improvement plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanItem {
    /// Stable key of the item within its report, for the facilitator's edits
    /// (`request-3-declined`, `objective-erp-safe`).
    pub id: String,
    /// When what it addresses happened (or began), when it has a moment.
    pub at: Option<u32>,
    /// The capability it improves.
    pub capability: String,
    /// The observations pinned to it (to the item, or to its moment and capability).
    pub observations: Vec<ObservationEntry>,
    /// Whether the facilitator changed its owner or due date.
    pub edited: bool,
    /// The corrective action.
    pub action: String,
    /// The team that owns it (`all teams` for shared ones).
    pub owner: String,
    /// When it is due.
    pub due: String,
    /// The phase it improves.
    pub phase: Phase,
    /// The area for improvement it answers.
    pub addresses: String,
}

/// An observation recorded after the drill (the facilitator's, or a seat's hotwash).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObservationEntry {
    /// Who made it: `facilitator` or a team id.
    pub by: String,
    /// Strength, problem or suggestion.
    pub kind: ObservationKind,
    /// What was observed.
    pub text: String,
    /// The capability it concerns.
    pub capability: Option<String>,
    /// The team it concerns.
    pub team: Option<String>,
    /// The drill time it is pinned to.
    pub at: Option<u32>,
    /// The improvement-plan item it is pinned to.
    pub item: Option<String>,
    /// Its line in the log.
    pub line: usize,
}

/// A facilitator note.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteEntry {
    /// Drill time.
    pub at: u32,
    /// The note.
    pub text: String,
}

/// The ATT&CK view of the drill.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttackView {
    /// The ATT&CK Enterprise version of the shipped catalogue (`v18.1`).
    pub catalogue: String,
    /// Each technique the attacker used, in the order first used.
    pub techniques: Vec<TechniqueUse>,
}

/// One technique the attacker used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechniqueUse {
    /// Technique id (`T1003.001`).
    pub id: String,
    /// Technique name from the catalogue (empty when unknown).
    pub name: String,
    /// Tactics, in kill-chain order.
    pub tactics: Vec<String>,
    /// The stages that used it.
    pub stages: Vec<String>,
    /// Systems it was aimed at.
    pub targets: Vec<String>,
    /// When it was first started.
    pub first_started: u32,
    /// How many runs.
    pub runs: u32,
    /// When a run first succeeded.
    pub succeeded_at: Option<u32>,
    /// A true-positive alert or a compromise finding touched its targets while or after a
    /// run went on.
    pub detected: bool,
    /// When it was first detected.
    pub detected_at: Option<u32>,
    /// How (`alert to security on ws-it01`).
    pub detected_by: Option<String>,
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    /// Drill time.
    pub at: u32,
    /// The event's type (`action_started`, `stage_succeeded`, …).
    pub kind: String,
    /// Who acted: a team id, `attacker`, `facilitator` or `engine`.
    pub actor: String,
    /// The phase, for team actions, requests, findings and expectations.
    pub phase: Option<Phase>,
    /// The system concerned, if one.
    pub system: Option<String>,
    /// What happened, for people.
    pub text: String,
}

/// What the timeline chart draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// The chart's right edge: the scenario's end, or later if the log goes on.
    pub end: u32,
    /// One lane per system whose state changed.
    pub lanes: Vec<Lane>,
    /// Team actions, per team.
    pub actions: Vec<ActionBar>,
    /// Attack stage runs.
    pub stages: Vec<StageBar>,
}

/// A system's states over time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lane {
    /// System id.
    pub system: String,
    /// Consecutive spans, from 0 to the end of the log.
    pub segments: Vec<Segment>,
}

/// A span of one state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// Start.
    pub from: u32,
    /// End (exclusive).
    pub to: u32,
    /// The state.
    pub state: SystemState,
}

/// A team action on the chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionBar {
    /// Team id.
    pub team: String,
    /// Action id.
    pub action: String,
    /// Target id.
    pub target: Option<String>,
    /// Its phase.
    pub phase: Phase,
    /// Started.
    pub from: u32,
    /// Completed, failed or cancelled (or the end of the log).
    pub to: u32,
    /// How it ended, if it did.
    pub outcome: ActionOutcome,
}

/// How a team action on the chart ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionOutcome {
    /// Still running when the log ends.
    Running,
    /// Completed and took effect.
    Completed,
    /// Completed without effect.
    Failed,
    /// Cancelled by its team.
    Cancelled,
}

impl std::fmt::Display for ActionOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ActionOutcome::Running => "running",
            ActionOutcome::Completed => "completed",
            ActionOutcome::Failed => "failed",
            ActionOutcome::Cancelled => "cancelled",
        })
    }
}

/// An attack stage run on the chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageBar {
    /// Stage id.
    pub stage: String,
    /// Technique id.
    pub technique: String,
    /// Started.
    pub from: u32,
    /// Succeeded or blocked (or the end of the log).
    pub to: u32,
    /// How it ended, if it did.
    pub outcome: StageOutcome,
}

/// How an attack stage's run on the chart ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StageOutcome {
    /// Still running when the log ends.
    Running,
    /// It succeeded.
    Succeeded,
    /// Chance or the defenders stopped it.
    Blocked,
}

impl std::fmt::Display for StageOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StageOutcome::Running => "running",
            StageOutcome::Succeeded => "succeeded",
            StageOutcome::Blocked => "blocked",
        })
    }
}
