//! Plan adherence: the organisation's own response plan, written as a playbook, played
//! against the same drill (its scenario and seed), each step set beside what the teams did;
//! and what each deviation cost, from the engine: the drill as played, re-simulated with the
//! step taken when the plan took it, against the drill as played.

use std::sync::Arc;

use serde::Serialize;

use crate::balance::objective_score;
use crate::log::{Body, ReadLog};
use crate::model::{Decider, Event};
use crate::playbook::{PlayCommand, Playbook, PlaybookRunner, Step};
use crate::scenario::{Minutes, Scenario};
use crate::{Drill, Seat};

/// How one plan step compares with the drill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// The team did it no later than the plan would have (within a tick).
    OnTime,
    /// The team did it, later than the plan.
    Late,
    /// The team did something else in its place (another target, another choice).
    Differently,
    /// The team did not do it.
    NotDone,
    /// The plan itself never took the step in this drill: what it waits for never came.
    NotDue,
    /// Not comparable: answers to requests and notes depend on the moment.
    NotAssessed,
}

/// A drill's result, as far as adherence compares them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DrillResult {
    /// The combined objective score, 0–100.
    pub score: f64,
    /// The business cost.
    pub cost: u64,
}

/// One plan step beside the drill.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepAdherence {
    /// The step's number in the plan, from 1.
    pub step: usize,
    /// The team the plan gives it to (or `facilitator`).
    pub team: String,
    /// What the step does, for people (`isolate ws-it01`).
    pub what: String,
    /// When the plan, played on this drill, took it.
    pub planned: Option<u32>,
    /// When the team did it (or what it did instead).
    pub done: Option<u32>,
    /// On time, late, differently, not done, not due or not assessed.
    pub status: StepStatus,
    /// For a late step: how much later than the plan.
    pub late_by: Option<u32>,
    /// What the team did instead, for a step done differently.
    pub instead: Option<String>,
    /// For a step not followed (late, differently, not done): the drill as played, with
    /// the step taken when the plan took it. `None` when the step was followed.
    pub with_step: Option<DrillResult>,
}

/// The plan beside the drill.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adherence {
    /// What the plan says of itself.
    pub description: String,
    /// The drill played by the plan alone (same scenario, same seed).
    pub plan: DrillResult,
    /// The drill as the teams played it, re-simulated from its log.
    pub played: DrillResult,
    /// Each step of the plan, in its order.
    pub steps: Vec<StepAdherence>,
}

/// Sets `playbook` (checked against the log's scenario) beside the drill the log records.
pub fn adherence(log: &ReadLog, scenario: &Arc<Scenario>, playbook: &Playbook) -> Adherence {
    let seed = log.header.seed;
    let mut plan_drill = Drill::new(scenario.clone(), seed);
    let mut runner = PlaybookRunner::new(playbook);
    let end = plan_drill.end();
    runner.play(&mut plan_drill, end);
    let taken = runner.taken().to_vec();
    let plan = result(&mut plan_drill);
    let played = replayed(scenario, seed, &log.records, None);
    let events: Vec<(u32, &Event)> = log
        .records
        .iter()
        .filter_map(|b| match b {
            Body::Event(e) => Some((e.at.0, &e.event)),
            _ => None,
        })
        .collect();
    let tick = scenario.meta.tick.0.max(1);
    // Steps claim the drill's events in the order the plan took them, so a step the plan
    // repeats matches the team's repeats one by one.
    let mut order: Vec<usize> = (0..playbook.steps.len()).collect();
    order.sort_by_key(|&i| (taken[i].map_or(u32::MAX, |m| m.0), i));
    let mut used = vec![false; events.len()];
    let mut steps: Vec<Option<StepAdherence>> = vec![None; playbook.steps.len()];
    for i in order {
        let step = &playbook.steps[i];
        let planned = taken[i];
        let mut s = compare(step, planned.map(|m| m.0), &events, &mut used, tick);
        s.step = i + 1;
        if matches!(s.status, StepStatus::Late | StepStatus::Differently | StepStatus::NotDone)
            && let Some(at) = planned
        {
            s.with_step = Some(replayed(scenario, seed, &log.records, Some((step, at))));
        }
        steps[i] = Some(s);
    }
    let steps = steps.into_iter().flatten().collect();
    Adherence { description: playbook.description.clone(), plan, played, steps }
}

fn result(drill: &mut Drill) -> DrillResult {
    DrillResult { score: objective_score(drill), cost: drill.outcome().cost }
}

/// The drill the log records, re-simulated to its end by its own commands, with `extra`'s
/// commands submitted at its time too. Commands the engine now refuses (the extra step took
/// their place) are left out: what matters is the outcome.
fn replayed(
    scenario: &Arc<Scenario>,
    seed: u64,
    records: &[Body],
    extra: Option<(&Step, Minutes)>,
) -> DrillResult {
    let mut drill = Drill::new(scenario.clone(), seed);
    let mut pending = extra;
    let submit_extra = |drill: &mut Drill, pending: &mut Option<(&Step, Minutes)>| {
        if let Some((step, at)) = pending.take() {
            drill.advance_to(at);
            let seat = if step.team == "facilitator" {
                Seat::Facilitator
            } else {
                Seat::Team(step.team.clone())
            };
            for command in PlaybookRunner::commands_of(step) {
                let _ = drill.submit(&seat, command);
            }
        }
    };
    for body in records {
        let Body::Command { at, seat, command, .. } = body else { continue };
        if pending.is_some_and(|(_, t)| t <= *at) {
            submit_extra(&mut drill, &mut pending);
        }
        drill.advance_to(*at);
        if drill.is_over() {
            break;
        }
        let _ = drill.submit(seat, command.clone());
    }
    submit_extra(&mut drill, &mut pending);
    drill.run_to_end();
    result(&mut drill)
}

fn with_target(action: &str, target: Option<&str>) -> String {
    target.map_or_else(|| action.to_owned(), |t| format!("{action} {t}"))
}

/// What a step does, for people.
fn describe(step: &Step) -> String {
    match &step.command {
        PlayCommand::Start { action, target } => with_target(action, target.as_deref()),
        PlayCommand::Request { to, action, target, approval, .. } => format!(
            "ask {to} {} {}",
            if *approval { "to approve" } else { "to" },
            with_target(action, target.as_deref())
        ),
        PlayCommand::AcceptRequests => "accept open requests".into(),
        PlayCommand::DeclineRequests => "decline open requests".into(),
        PlayCommand::Decide { inject, choice } => format!("decide {inject}: {choice}"),
        PlayCommand::Note(text) => format!("note: {text}"),
    }
}

/// How long before or after the plan's moment an action counts as done in a step's place.
const INSTEAD_BEFORE: u32 = 60;
const INSTEAD_AFTER: u32 = 120;

/// What a step looks for in the drill: the events that do it, and those that would do in
/// its place.
struct Wanted<'a> {
    step: &'a Step,
}

impl Wanted<'_> {
    /// Whether the event does the step exactly.
    fn exact(&self, e: &Event) -> bool {
        let team = self.step.team.as_str();
        match (&self.step.command, e) {
            (
                PlayCommand::Start { action, target },
                Event::ActionStarted { team: t, action: a, target: g, .. },
            ) => t == team && a == action && g == target,
            (
                PlayCommand::Request { to, action, target, .. },
                Event::RequestSent { from, to: t, action: a, target: g, .. },
            ) => from == team && t == to && a == action && g == target,
            (
                PlayCommand::Decide { inject, choice },
                Event::DecisionTaken { inject: i, choice: c, .. },
            ) => i == inject && c == choice,
            _ => false,
        }
    }

    /// What the event did in the step's place, when it did: the same action elsewhere,
    /// another action on the same target, another answer to the same decision.
    fn instead(&self, e: &Event) -> Option<String> {
        let team = self.step.team.as_str();
        match (&self.step.command, e) {
            (
                PlayCommand::Start { action, target },
                Event::ActionStarted { team: t, action: a, target: g, .. },
            ) if t == team && (a == action) != (target.is_some() && g == target) => {
                Some(with_target(a, g.as_deref()))
            }
            (
                PlayCommand::Request { to, action, target, .. },
                Event::RequestSent { from, to: t, action: a, target: g, .. },
            ) if from == team && t == to && a == action && g != target => {
                Some(format!("asked {t} to {}", with_target(a, g.as_deref())))
            }
            (
                PlayCommand::Decide { inject, .. },
                Event::DecisionTaken { inject: i, choice: c, by },
            ) if i == inject => Some(match by {
                Decider::Timeout => format!("nobody decided; the default {c} applied"),
                _ => format!("chose {c}"),
            }),
            _ => None,
        }
    }
}

/// The first event not yet matched to another step that does this one, else one that did
/// something in its place near the plan's moment; marks it used.
fn found(
    step: &Step,
    planned: u32,
    events: &[(u32, &Event)],
    used: &mut [bool],
) -> (Option<u32>, Option<(u32, String)>) {
    let wanted = Wanted { step };
    if let Some(i) = events.iter().enumerate().position(|(i, (_, e))| !used[i] && wanted.exact(e)) {
        used[i] = true;
        return (Some(events[i].0), None);
    }
    let near =
        |at: u32| at + INSTEAD_BEFORE >= planned && at <= planned.saturating_add(INSTEAD_AFTER);
    for (i, (at, e)) in events.iter().enumerate() {
        if used[i] || !near(*at) {
            continue;
        }
        if let Some(what) = wanted.instead(e) {
            used[i] = true;
            return (None, Some((*at, what)));
        }
    }
    (None, None)
}

fn compare(
    step: &Step,
    planned: Option<u32>,
    events: &[(u32, &Event)],
    used: &mut [bool],
    tick: u32,
) -> StepAdherence {
    let mut s = StepAdherence {
        step: 0,
        team: step.team.clone(),
        what: describe(step),
        planned,
        done: None,
        status: StepStatus::NotAssessed,
        late_by: None,
        instead: None,
        with_step: None,
    };
    if matches!(
        step.command,
        PlayCommand::AcceptRequests | PlayCommand::DeclineRequests | PlayCommand::Note(_)
    ) {
        return s;
    }
    let Some(planned) = planned else {
        s.status = StepStatus::NotDue;
        return s;
    };
    let (exact, instead) = found(step, planned, events, used);
    s.status = match (planned, exact, instead) {
        (p, Some(d), _) => {
            s.done = Some(d);
            if d <= p.saturating_add(tick) {
                StepStatus::OnTime
            } else {
                s.late_by = Some(d - p);
                StepStatus::Late
            }
        }
        (_, None, Some((at, what))) => {
            s.done = Some(at);
            s.instead = Some(what);
            StepStatus::Differently
        }
        (_, None, None) => StepStatus::NotDone,
    };
    s
}
