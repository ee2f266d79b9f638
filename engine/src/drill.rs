//! The façade every client uses: start a drill, submit commands for seats, advance the
//! clock, read a seat's view or the truth, and read the events since a point.

use std::io::Write;
use std::sync::Arc;

use bevy_ecs::prelude::*;

use crate::log::{Body, Header, LOG_FORMAT, LogWriter, sha256_hex};
use crate::model::{
    ActionRun, Attack, Clock, Command, CommandQueue, Compiled, Compromise, Entities, Event, Flags,
    Knowledge, Ledger, OpState, PendingRequest, RecordedEvents, Rejection, Seat, StageRun,
    SystemFacts, TeamIx, TeamState, TimedEvent,
};
use crate::scenario::{Minutes, Scenario, SystemState};
use crate::sim::{ScriptState, build_world, tick_schedule, validate_command};
use crate::view::{
    DecisionView, KnownSystem, RequestView, RunningAction, SeatView, TeamKnowledge, TrueStage,
    TrueSystem, TruthView,
};

/// The engine's version, written into every log.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// One drill of a scenario.
pub struct Drill {
    world: World,
    schedule: Schedule,
    compiled: Arc<Compiled>,
    seed: u64,
    next_command: u64,
    log: Option<LogWriter<Box<dyn Write + Send>>>,
    log_error: Option<String>,
    logged_events: usize,
    /// Records already in the log being continued: re-simulation must reproduce them, one
    /// by one, before anything new is appended.
    expected: std::collections::VecDeque<Body>,
    /// The log line the next expected record is on.
    expected_line: usize,
    /// Where re-simulation first differed from the log being continued; from then on
    /// nothing more is written, so a divergent drill never lands in that log.
    divergence: Option<Divergence>,
    /// The head hash the log's seal carries, once the drill has ended and been sealed.
    sealed: Option<String>,
    /// This drill among every drill of the process, and how many times it has changed:
    /// see [`Drill::revision`].
    revision: (u64, u64),
    /// Each team's view as last handed out, brought up to date when asked for again.
    views: Vec<Option<Arc<SeatView>>>,
    /// The truth as last handed out, brought up to date when asked for again.
    truth: Option<Arc<TruthView>>,
}

/// Drills made so far in this process, to tell their revisions apart.
static DRILLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Where re-simulating a log first produced something other than what it records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// The 1-based line of the log.
    pub line: usize,
    /// What the log records and what the engine produced instead.
    pub message: String,
}

impl std::fmt::Display for Divergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// How a drill turned out, for `run` and reports.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Outcome {
    /// Drill time reached.
    pub ended_at: Minutes,
    /// Whether the drill ran to its end.
    pub complete: bool,
    /// Business cost (downtime and one-off costs).
    pub cost: u64,
    /// Currency.
    pub currency: String,
    /// Systems unavailable at the end: (id, state).
    pub systems_down: Vec<(String, SystemState)>,
    /// Minutes of data lost per system, where any.
    pub data_lost: Vec<(String, u32)>,
    /// Gigabytes exfiltrated.
    pub exfiltrated_gb: f64,
    /// Systems the attacker still holds anything on (foothold, persistence, C2, flow).
    pub attacker_present_on: Vec<String>,
    /// The key events, in order.
    pub timeline: Vec<TimedEvent>,
}

impl Drill {
    /// Starts a drill of a validated scenario with a seed.
    pub fn new(scenario: Arc<Scenario>, seed: u64) -> Self {
        let compiled = Arc::new(Compiled::new(scenario));
        let world = build_world(compiled.clone(), seed);
        let teams = compiled.teams.len();
        Drill {
            world,
            schedule: tick_schedule(),
            compiled,
            seed,
            next_command: 0,
            log: None,
            log_error: None,
            logged_events: 0,
            expected: std::collections::VecDeque::new(),
            expected_line: 0,
            divergence: None,
            sealed: None,
            revision: (DRILLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed), 0),
            views: vec![None; teams],
            truth: None,
        }
    }

    /// Changes whenever what a view or the truth shows may have changed (a command
    /// accepted, a tick run), and differs between drills: a client that drew a view at one
    /// revision need not read it again until the revision moves. It plays no part in the
    /// simulation.
    pub fn revision(&self) -> (u64, u64) {
        self.revision
    }

    /// Starts recording the drill to `out`, header first; `name` and `text` are the
    /// scenario file's name and contents, which make the log self-contained.
    pub fn record_to(
        &mut self,
        out: Box<dyn Write + Send>,
        name: &str,
        text: &str,
    ) -> std::io::Result<()> {
        let header = Header {
            format: LOG_FORMAT,
            engine: ENGINE_VERSION.to_owned(),
            seed: self.seed,
            scenario_name: name.to_owned(),
            scenario_sha256: sha256_hex(text.as_bytes()),
            scenario: text.to_owned(),
        };
        self.log = Some(LogWriter::new(out, header)?);
        self.flush_events();
        Ok(())
    }

    /// Continues recording into an existing log (for `resume`).
    ///
    /// `already` are the records after the header that the log holds: the drill must be
    /// replayed from its start (commands re-submitted, or the same playbook re-run), and
    /// each record it produces is checked against them instead of written, until they run
    /// out; from there on records are appended.
    pub fn continue_recording(
        &mut self,
        writer: LogWriter<Box<dyn Write + Send>>,
        already: Vec<Body>,
    ) {
        self.log = Some(writer);
        self.expected = already.into();
        self.expected_line = 2;
    }

    /// Where re-simulation first produced something other than the log being continued,
    /// naming the log's line. Once set, nothing more is appended to that log.
    pub fn divergence(&self) -> Option<&Divergence> {
        self.divergence.as_ref()
    }

    /// The head hash of the log's seal, once the drill has ended and its log is sealed.
    pub fn sealed_head(&self) -> Option<&str> {
        self.sealed.as_deref()
    }

    /// Records of the continued log not yet reproduced by re-simulation.
    pub fn records_to_reproduce(&self) -> usize {
        self.expected.len()
    }

    /// The first error writing the log, if any (the drill goes on; the client should say so).
    pub fn log_error(&self) -> Option<&str> {
        self.log_error.as_deref()
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.compiled.scenario
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Drill time now (the next tick to simulate).
    pub fn now(&self) -> Minutes {
        self.world.resource::<Clock>().now
    }

    /// When the drill ends.
    pub fn end(&self) -> Minutes {
        self.world.resource::<Clock>().end
    }

    /// Whether the drill has reached its end.
    pub fn is_over(&self) -> bool {
        let c = self.world.resource::<Clock>();
        c.now >= c.end
    }

    /// Whether a command would be accepted now, without submitting it.
    pub fn check(&mut self, seat: &Seat, command: &Command) -> Result<(), Rejection> {
        validate_command(&mut self.world, seat, command)
    }

    /// What taking `action` on `target` would cost the business per hour while the target
    /// is out (the target and everything that depends on it), as an approval request
    /// shows it; zero when the action takes nothing out of service.
    pub fn outage_cost(&self, action: &str, target: Option<&str>) -> u64 {
        crate::sim::outage_cost(&self.compiled, action, target)
    }

    /// The hands `team` has in use as a new action would count them: running actions,
    /// commands queued for the next tick, and hands kept for approved actions.
    pub fn hands_in_use(&mut self, team: &str) -> u32 {
        let Some(t) = self.compiled.team(team) else { return 0 };
        let c = self.compiled.clone();
        crate::sim::hands_in_use(&mut self.world, &c, t, None).0
    }

    /// Submits a command for a seat. It applies at the start of the next tick; a refusal
    /// says why in words the UI can show.
    pub fn submit(&mut self, seat: &Seat, command: Command) -> Result<u64, Rejection> {
        validate_command(&mut self.world, seat, &command)?;
        self.next_command += 1;
        let id = self.next_command;
        let at = self.now();
        self.write(Body::Command { at, seat: seat.clone(), id, command: command.clone() });
        self.world.resource_mut::<CommandQueue>().0.push((seat.clone(), command, id));
        self.revision.1 += 1;
        Ok(id)
    }

    /// Advances the drill by up to `ticks` ticks (stops at the end).
    pub fn advance(&mut self, ticks: u32) {
        for _ in 0..ticks {
            if self.is_over() {
                break;
            }
            self.schedule.run(&mut self.world);
            self.revision.1 += 1;
            self.flush_events();
        }
    }

    /// Advances until the drill time reaches `t` (or the end).
    pub fn advance_to(&mut self, t: Minutes) {
        while self.now() < t && !self.is_over() {
            self.advance(1);
        }
    }

    /// Runs the drill to its end.
    pub fn run_to_end(&mut self) {
        let end = self.end();
        self.advance_to(end);
    }

    /// Every event from index `cursor` on; pass the length seen so far to get what is new.
    pub fn events_since(&self, cursor: usize) -> &[TimedEvent] {
        let all = &self.world.resource::<RecordedEvents>().0;
        all.get(cursor..).unwrap_or_default()
    }

    fn write(&mut self, body: Body) {
        if self.divergence.is_some() {
            return;
        }
        if let Some(expected) = self.expected.pop_front() {
            let line = self.expected_line;
            self.expected_line += 1;
            if expected != body {
                self.divergence = Some(Divergence {
                    line,
                    message: format!(
                        "the log records {}, the engine produces {}",
                        describe(&expected),
                        describe(&body)
                    ),
                });
            }
            return;
        }
        if let Some(log) = &mut self.log
            && let Err(e) = log.append(body)
        {
            self.log_error.get_or_insert_with(|| e.to_string());
        }
    }

    fn flush_events(&mut self) {
        if self.log.is_none() {
            return;
        }
        let new: Vec<TimedEvent> = self.events_since(self.logged_events).to_vec();
        self.logged_events += new.len();
        for e in new {
            let ended = matches!(e.event, Event::DrillEnded { .. });
            self.write(Body::Event(e));
            if ended {
                self.seal();
            }
        }
    }

    /// Closes the log after the drill's end, unless re-simulation is still reproducing a
    /// log, which then holds records past the end that no drill writes.
    fn seal(&mut self) {
        if self.divergence.is_some() {
            return;
        }
        if let Some(extra) = self.expected.front() {
            self.divergence = Some(Divergence {
                line: self.expected_line,
                message: format!("the log records {} after the drill's end", describe(extra)),
            });
            return;
        }
        if let Some(log) = &mut self.log {
            match log.seal() {
                Ok(head) => self.sealed = Some(head),
                Err(e) => {
                    self.log_error.get_or_insert_with(|| e.to_string());
                }
            }
        }
    }

    /// What a team's seat sees; `None` for an unknown team. A copy of [`Drill::seat_view`],
    /// for clients that keep their own.
    pub fn view(&mut self, team: &str) -> Option<SeatView> {
        self.seat_view(team).map(|v| (*v).clone())
    }

    /// What a team's seat sees, shared: the engine keeps each seat's view and brings it up
    /// to date from what changed since it was last asked for, so reading it costs what
    /// changed, not the estate. A client that drops its copy before asking again gets the
    /// same view updated in place; one that keeps it gets a fresh copy. `None` for an
    /// unknown team.
    pub fn seat_view(&mut self, team: &str) -> Option<Arc<SeatView>> {
        let t = self.compiled.team(team)?;
        let mut view = match self.views[t as usize].take() {
            Some(v) => v,
            None => Arc::new(self.new_view(t)),
        };
        self.update_view(t, Arc::make_mut(&mut view))?;
        self.views[t as usize] = Some(view.clone());
        Some(view)
    }

    /// A team's view with what never changes filled in: who it is and the systems it sees.
    fn new_view(&self, t: TeamIx) -> SeatView {
        let c = &self.compiled;
        let info = &c.teams[t as usize];
        let systems = c
            .systems
            .iter()
            .filter(|s| info.sees_zone[s.zone as usize])
            .map(|s| KnownSystem {
                id: s.id.clone(),
                name: s.name.clone(),
                kind: s.kind,
                zone: c.zones[s.zone as usize].clone(),
                site: c.sites[s.site as usize].clone(),
                criticality: s.criticality,
                state: None,
                compromise: None,
                suspected: None,
            })
            .collect();
        SeatView {
            team: info.id.clone(),
            name: info.name.clone(),
            role: info.role,
            now: Minutes(0),
            end: Minutes(0),
            capacity: info.capacity,
            busy: 0,
            actions: info.actions.clone(),
            systems,
            running: Vec::new(),
            requests_in: Vec::new(),
            requests_out: Vec::new(),
            inbox: Vec::new(),
            triaged: std::collections::BTreeMap::new(),
            sent: Vec::new(),
            decisions: Vec::new(),
        }
    }

    /// Brings a team's view up to date with what it knows now. What it knows of the systems
    /// is compared, not copied, so only what changed is written; the inbox only grows.
    fn update_view(&mut self, t: TeamIx, v: &mut SeatView) -> Option<()> {
        let c = self.compiled.clone();
        let info = &c.teams[t as usize];
        let clock = *self.world.resource::<Clock>();
        let entity = self.world.resource::<Entities>().teams[t as usize];
        let knowledge = self.world.get::<Knowledge>(entity)?;
        let busy = self.world.get::<TeamState>(entity)?.busy;
        (v.now, v.end, v.busy) = (clock.now, clock.end, busy);
        let seen = c.systems.iter().enumerate().filter(|(_, s)| info.sees_zone[s.zone as usize]);
        for ((i, _), k) in seen.zip(v.systems.iter_mut()) {
            let o = &knowledge.systems[i];
            k.state = o.state;
            k.compromise = o.compromise;
            if k.suspected != o.suspected {
                k.suspected.clone_from(&o.suspected);
            }
        }
        match knowledge.inbox.get(v.inbox.len()..) {
            Some(new) => v.inbox.extend_from_slice(new),
            None => v.inbox.clone_from(&knowledge.inbox),
        }
        if v.triaged != knowledge.triaged {
            v.triaged.clone_from(&knowledge.triaged);
        }
        if v.sent != knowledge.sent {
            v.sent.clone_from(&knowledge.sent);
        }
        let mut running: Vec<RunningAction> = self
            .world
            .query::<&ActionRun>()
            .iter(&self.world)
            .filter(|r| r.team == t)
            .map(|r| RunningAction {
                id: r.id,
                action: r.action.clone(),
                target: r.target.clone(),
                started: r.started,
                completes: r.completes,
            })
            .collect();
        running.sort_by_key(|r| r.id);
        v.running = running;
        let mut requests: Vec<&PendingRequest> = self
            .world
            .query::<&PendingRequest>()
            .iter(&self.world)
            .filter(|r| r.to == t || r.from == t)
            .collect();
        requests.sort_by_key(|r| r.id);
        let view_of = |r: &&PendingRequest| RequestView {
            id: r.id,
            from: c.teams[r.from as usize].id.clone(),
            to: c.teams[r.to as usize].id.clone(),
            action: r.action.clone(),
            target: r.target.clone(),
            note: r.note.clone(),
            sent: r.sent,
            expires: r.expires,
            approval: r.approval,
            cost_per_hour: r.cost_per_hour,
        };
        v.requests_in = requests.iter().filter(|r| r.to == t).map(view_of).collect();
        v.requests_out = requests.iter().filter(|r| r.from == t).map(view_of).collect();
        let script = self.world.resource::<ScriptState>();
        v.decisions = script
            .decisions
            .iter()
            .filter(|d| d.choice.is_none())
            .filter_map(|d| {
                let inject = &c.scenario.injects[d.inject as usize];
                let decision = inject.decision.as_ref().filter(|x| x.team == info.id)?;
                Some(DecisionView {
                    inject: inject.id.clone(),
                    choices: decision
                        .choices
                        .iter()
                        .map(|ch| match &ch.requires {
                            // What a choice waits for is part of what the seat reads.
                            Some(needs) => {
                                (ch.id.clone(), format!("{} (needs: {needs})", ch.label))
                            }
                            None => (ch.id.clone(), ch.label.clone()),
                        })
                        .collect(),
                    deadline: d.deadline,
                })
            })
            .collect();
        Some(())
    }

    /// The truth, for the facilitator and for scoring. A copy of [`Drill::shared_truth`].
    pub fn truth(&mut self) -> TruthView {
        (*self.shared_truth()).clone()
    }

    /// The truth, shared and kept up to date in place as [`Drill::seat_view`] keeps a seat's
    /// view: reading it again costs what changed, not the estate.
    pub fn shared_truth(&mut self) -> Arc<TruthView> {
        let mut truth = match self.truth.take() {
            Some(t) => t,
            None => Arc::new(self.new_truth()),
        };
        self.update_truth(Arc::make_mut(&mut truth));
        self.truth = Some(truth.clone());
        truth
    }

    /// The truth with what never changes filled in: the systems' and stages' names.
    fn new_truth(&self) -> TruthView {
        let c = &self.compiled;
        let systems = c
            .systems
            .iter()
            .map(|s| TrueSystem {
                id: s.id.clone(),
                state: SystemState::Online,
                available: true,
                foothold: None,
                persistence: false,
                c2: false,
                exfiltration: false,
                evidence: true,
                data_lost: 0,
                powered: true,
                hung: false,
            })
            .collect();
        let stages = c
            .scenario
            .adversary
            .iter()
            .flat_map(|a| a.stages.iter())
            .map(|s| TrueStage {
                id: s.id.clone(),
                name: s.name.clone(),
                technique: s.technique.clone(),
                status: crate::model::StageStatus::Waiting,
            })
            .collect();
        let teams = c
            .teams
            .iter()
            .map(|t| TeamKnowledge {
                team: t.id.clone(),
                believes_compromised: Vec::new(),
                sees_down: Vec::new(),
                alerts: 0,
            })
            .collect();
        TruthView {
            stages,
            teams,
            now: Minutes(0),
            end: Minutes(0),
            systems,
            stages_succeeded: Vec::new(),
            stolen_credentials: Vec::new(),
            cost: 0,
            cost_rate: 0,
            exfiltrated_gb: 0.0,
            flags: Vec::new(),
        }
    }

    /// Brings the truth up to date: every system's facts in place, the rest anew (it is
    /// small: stages, teams' beliefs, the ledger).
    fn update_truth(&mut self, v: &mut TruthView) {
        let c = self.compiled.clone();
        let clock = *self.world.resource::<Clock>();
        (v.now, v.end) = (clock.now, clock.end);
        let entities = self.world.resource::<Entities>();
        for (t, &e) in v.systems.iter_mut().zip(entities.systems.iter()) {
            let (Some(f), Some(op), Some(cmp)) = (
                self.world.get::<SystemFacts>(e),
                self.world.get::<OpState>(e),
                self.world.get::<Compromise>(e),
            ) else {
                continue;
            };
            t.state = op.state;
            t.available = op.available;
            t.foothold = cmp.foothold;
            t.persistence = cmp.persistence;
            t.c2 = cmp.c2;
            t.exfiltration = cmp.exfil_rate > 0.0;
            t.evidence = f.evidence.intact || f.evidence.collected;
            t.data_lost = f.data_lost;
            t.powered = f.powered;
            t.hung = f.hung;
        }
        let mut runs: Vec<(u32, crate::model::StageStatus)> =
            self.world.query::<&StageRun>().iter(&self.world).map(|r| (r.ix, r.status)).collect();
        runs.sort_by_key(|r| r.0);
        for (stage, (_, status)) in v.stages.iter_mut().zip(runs) {
            stage.status = status;
        }
        let attack = self.world.resource::<Attack>();
        v.stages_succeeded = c
            .scenario
            .adversary
            .iter()
            .flat_map(|a| a.stages.iter().enumerate())
            .filter(|(i, _)| attack.succeeded.get(*i).copied().unwrap_or(false))
            .map(|(_, s)| s.id.clone())
            .collect();
        v.stolen_credentials = attack.stolen.iter().cloned().collect();
        let entities = self.world.resource::<Entities>();
        for (i, &e) in entities.teams.iter().enumerate() {
            let (Some(k), Some(team)) = (self.world.get::<Knowledge>(e), v.teams.get_mut(i)) else {
                continue;
            };
            let ids = |pred: fn(&crate::model::Observed) -> bool| {
                k.systems
                    .iter()
                    .enumerate()
                    .filter(move |(_, o)| pred(o))
                    .map(|(s, _)| c.systems[s].id.as_str())
            };
            sync_ids(
                &mut team.believes_compromised,
                ids(|o| matches!(o.compromise, Some((true, _, _)))),
            );
            sync_ids(
                &mut team.sees_down,
                ids(|o| o.state.is_some_and(|(s, _)| !crate::sim::available(s))),
            );
            team.alerts = k
                .inbox
                .iter()
                .filter(|i| matches!(i, crate::model::InboxItem::Alert { .. }))
                .count();
        }
        let ledger = self.world.resource::<Ledger>();
        (v.cost, v.cost_rate, v.exfiltrated_gb) = (
            ledger.total(),
            ledger.cost_rate.saturating_add(ledger.standing_rate),
            ledger.exfiltrated_gb,
        );
        v.flags = self.world.resource::<Flags>().0.iter().cloned().collect();
    }

    /// How the drill stands (or ended).
    pub fn outcome(&mut self) -> Outcome {
        let truth = self.truth();
        let timeline = self.events_since(0).iter().filter(|e| is_key(&e.event)).cloned().collect();
        Outcome {
            ended_at: truth.now,
            complete: self.is_over(),
            cost: truth.cost,
            currency: self.compiled.scenario.meta.currency.clone(),
            systems_down: truth
                .systems
                .iter()
                .filter(|s| !s.available)
                .map(|s| (s.id.clone(), s.state))
                .collect(),
            data_lost: truth
                .systems
                .iter()
                .filter(|s| s.data_lost > 0)
                .map(|s| (s.id.clone(), s.data_lost))
                .collect(),
            exfiltrated_gb: truth.exfiltrated_gb,
            attacker_present_on: truth
                .systems
                .iter()
                .filter(|s| s.foothold.is_some() || s.persistence || s.c2 || s.exfiltration)
                .map(|s| s.id.clone())
                .collect(),
            timeline,
        }
    }

    /// Direct access to the world, for tests that set up state the rules alone would take
    /// long to reach. Clients never need it.
    #[doc(hidden)]
    pub fn world_mut(&mut self) -> &mut World {
        self.revision.1 += 1;
        &mut self.world
    }
}

/// Makes `out` the list of `ids`, copying only from the first that differs: a list that did
/// not change costs a comparison, not an allocation per id.
fn sync_ids<'a>(out: &mut Vec<String>, ids: impl Iterator<Item = &'a str>) {
    let mut n = 0;
    let mut same = true;
    for id in ids {
        if same && out.get(n).map(String::as_str) != Some(id) {
            same = false;
            out.truncate(n);
        }
        if !same {
            out.push(id.to_owned());
        }
        n += 1;
    }
    out.truncate(n);
}

/// A log record in words, for divergence messages.
fn describe(body: &Body) -> String {
    match body {
        Body::Header(_) => "a header".to_owned(),
        Body::Command { at, seat, id, command } => {
            let what = serde_json::to_string(command).unwrap_or_default();
            format!("command #{id} from {seat} at {}: {what}", at.clock())
        }
        Body::Event(e) => format!("`{}` at {}", e.event, e.at.clock()),
        Body::Seal(_) => "the seal".to_owned(),
        Body::Review(_) => "a review record".to_owned(),
    }
}

fn is_key(e: &Event) -> bool {
    !matches!(
        e,
        Event::Observed { .. }
            | Event::ActionStarted { .. }
            | Event::Alert { true_positive: false, .. }
            | Event::Exfiltrated { .. }
            | Event::AvailabilityChanged { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Bot, Policy};

    fn fresh_view(d: &mut Drill, t: TeamIx) -> SeatView {
        let mut v = d.new_view(t);
        d.update_view(t, &mut v);
        v
    }

    fn fresh_truth(d: &mut Drill) -> TruthView {
        let mut v = d.new_truth();
        d.update_truth(&mut v);
        v
    }

    /// The views kept up to date tick by tick are the views built from scratch, for every
    /// seat and the facilitator, on every bundled scenario played by the coordinated bots.
    #[test]
    fn views_kept_up_to_date_are_the_views_built_afresh() {
        for (name, text) in [
            ("ransomware", include_str!("../../scenarios/ransomware.ron")),
            ("bec", include_str!("../../scenarios/bec.ron")),
            ("cloud-leak", include_str!("../../scenarios/cloud-leak.ron")),
            ("insider", include_str!("../../scenarios/insider.ron")),
            ("supply-chain", include_str!("../../scenarios/supply-chain.ron")),
            ("dc-power", include_str!("../../scenarios/dc-power.ron")),
            ("region-outage", include_str!("../../scenarios/region-outage.ron")),
        ] {
            let checked = crate::scenario::check_bytes(name, text.as_bytes());
            let scenario = Arc::new(checked.scenario.expect("bundled scenarios check clean"));
            let mut d = Drill::new(scenario.clone(), 3);
            let mut bot = Bot::new(Policy::Coordinated, &scenario);
            let teams = d.compiled.teams.len() as TeamIx;
            while !d.is_over() {
                bot.step(&mut d);
                d.advance(1);
                // Every few ticks, as a UI that skips frames would; every tick near the start.
                if d.now().0 > 120 && !d.now().0.is_multiple_of(7) {
                    continue;
                }
                for t in 0..teams {
                    let id = d.compiled.teams[t as usize].id.clone();
                    let kept = d.seat_view(&id).expect("a team's view");
                    assert_eq!(*kept, fresh_view(&mut d, t), "{name}: {id} at {:?}", d.now());
                }
                let kept = d.shared_truth();
                assert_eq!(*kept, fresh_truth(&mut d), "{name}: truth at {:?}", d.now());
            }
        }
    }
}
