//! The façade every client uses: start a drill, submit commands for seats, advance the
//! clock, read a seat's view or the truth, and read the events since a point.

use std::io::Write;
use std::sync::Arc;

use bevy_ecs::prelude::*;

use crate::log::{Body, Header, LOG_FORMAT, LogWriter, sha256_hex};
use crate::model::{
    ActionRun, Attack, Clock, Command, CommandQueue, Compiled, Compromise, Entities, Event, Flags,
    Knowledge, Ledger, OpState, PendingRequest, RecordedEvents, Rejection, Seat, StageRun,
    SystemFacts, TeamState, TimedEvent,
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
}

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
        }
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

    /// Submits a command for a seat. It applies at the start of the next tick; a refusal
    /// says why in words the UI can show.
    pub fn submit(&mut self, seat: &Seat, command: Command) -> Result<u64, Rejection> {
        validate_command(&mut self.world, seat, &command)?;
        self.next_command += 1;
        let id = self.next_command;
        let at = self.now();
        self.write(Body::Command { at, seat: seat.clone(), id, command: command.clone() });
        self.world.resource_mut::<CommandQueue>().0.push((seat.clone(), command, id));
        Ok(id)
    }

    /// Advances the drill by up to `ticks` ticks (stops at the end).
    pub fn advance(&mut self, ticks: u32) {
        for _ in 0..ticks {
            if self.is_over() {
                break;
            }
            self.schedule.run(&mut self.world);
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

    /// What a team's seat sees; `None` for an unknown team.
    pub fn view(&mut self, team: &str) -> Option<SeatView> {
        let c = self.compiled.clone();
        let t = c.team(team)?;
        let info = &c.teams[t as usize];
        let clock = *self.world.resource::<Clock>();
        let entity = self.world.resource::<Entities>().teams[t as usize];
        let knowledge = self.world.get::<Knowledge>(entity)?.clone();
        let busy = self.world.get::<TeamState>(entity)?.busy;
        let systems = c
            .systems
            .iter()
            .enumerate()
            .filter(|(_, s)| info.sees_zone[s.zone as usize])
            .map(|(i, s)| KnownSystem {
                id: s.id.clone(),
                name: s.name.clone(),
                kind: s.kind,
                zone: c.zones[s.zone as usize].clone(),
                site: c.sites[s.site as usize].clone(),
                criticality: s.criticality,
                state: knowledge.systems[i].state,
                compromise: knowledge.systems[i].compromise,
                suspected: knowledge.systems[i].suspected.clone(),
            })
            .collect();
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
        let mut requests: Vec<PendingRequest> =
            self.world.query::<&PendingRequest>().iter(&self.world).cloned().collect();
        requests.sort_by_key(|r| r.id);
        let view_of = |r: &PendingRequest| RequestView {
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
        let script = self.world.resource::<ScriptState>();
        let decisions = script
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
                        .map(|ch| (ch.id.clone(), ch.label.clone()))
                        .collect(),
                    deadline: d.deadline,
                })
            })
            .collect();
        Some(SeatView {
            team: info.id.clone(),
            name: info.name.clone(),
            role: info.role,
            now: clock.now,
            end: clock.end,
            capacity: info.capacity,
            busy,
            actions: info.actions.clone(),
            systems,
            running,
            requests_in: requests.iter().filter(|r| r.to == t).map(view_of).collect(),
            requests_out: requests.iter().filter(|r| r.from == t).map(view_of).collect(),
            inbox: knowledge.inbox,
            triaged: knowledge.triaged,
            sent: knowledge.sent,
            decisions,
        })
    }

    /// The truth, for the facilitator.
    pub fn truth(&mut self) -> TruthView {
        let c = self.compiled.clone();
        let clock = *self.world.resource::<Clock>();
        let entities = self.world.resource::<Entities>().systems.clone();
        let systems = entities
            .iter()
            .enumerate()
            .filter_map(|(i, &e)| {
                let f = self.world.get::<SystemFacts>(e)?;
                let op = self.world.get::<OpState>(e)?;
                let cmp = self.world.get::<Compromise>(e)?;
                Some(TrueSystem {
                    id: c.systems[i].id.clone(),
                    state: op.state,
                    available: op.available,
                    foothold: cmp.foothold,
                    persistence: cmp.persistence,
                    c2: cmp.c2,
                    exfiltration: cmp.exfil_rate > 0.0,
                    evidence: f.evidence.intact || f.evidence.collected,
                    data_lost: f.data_lost,
                    powered: f.powered,
                    hung: f.hung,
                })
            })
            .collect();
        let mut runs: Vec<StageRun> =
            self.world.query::<&StageRun>().iter(&self.world).cloned().collect();
        runs.sort_by_key(|r| r.ix);
        let attack = self.world.resource::<Attack>();
        let stages_succeeded = c
            .scenario
            .adversary
            .iter()
            .flat_map(|a| a.stages.iter().enumerate())
            .filter(|(i, _)| attack.succeeded.get(*i).copied().unwrap_or(false))
            .map(|(_, s)| s.id.clone())
            .collect();
        let stages = c
            .scenario
            .adversary
            .iter()
            .flat_map(|a| a.stages.iter())
            .zip(runs)
            .map(|(s, r)| TrueStage {
                id: s.id.clone(),
                name: s.name.clone(),
                technique: s.technique.clone(),
                status: r.status,
            })
            .collect();
        let team_entities = self.world.resource::<Entities>().teams.clone();
        let teams = team_entities
            .iter()
            .enumerate()
            .filter_map(|(i, &e)| {
                let k = self.world.get::<Knowledge>(e)?;
                let ids = |pred: &dyn Fn(&crate::model::Observed) -> bool| -> Vec<String> {
                    k.systems
                        .iter()
                        .enumerate()
                        .filter(|(_, o)| pred(o))
                        .map(|(s, _)| c.systems[s].id.clone())
                        .collect()
                };
                Some(TeamKnowledge {
                    team: c.teams[i].id.clone(),
                    believes_compromised: ids(&|o| matches!(o.compromise, Some((true, _, _)))),
                    sees_down: ids(&|o| o.state.is_some_and(|(s, _)| !crate::sim::available(s))),
                    alerts: k
                        .inbox
                        .iter()
                        .filter(|i| matches!(i, crate::model::InboxItem::Alert { .. }))
                        .count(),
                })
            })
            .collect();
        let ledger = self.world.resource::<Ledger>();
        TruthView {
            stages,
            teams,
            now: clock.now,
            end: clock.end,
            systems,
            stages_succeeded,
            stolen_credentials: attack.stolen.iter().cloned().collect(),
            cost: ledger.total(),
            cost_rate: ledger.cost_rate,
            exfiltrated_gb: ledger.exfiltrated_gb,
            flags: self.world.resource::<Flags>().0.iter().cloned().collect(),
        }
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
        &mut self.world
    }
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
