//! Objectives met, missed or undecided; critical tasks done in time, late or not; weighted
//! scores per team and combined; and each capability rated P/S/M/U by [`RATING_RULES`].

use std::collections::BTreeMap;

use super::context::{Ctx, span};
use super::report::{
    CapabilityRating, ObjectiveResult, ObjectiveStatus, Rating, RatingBasis, Score, Scores,
    TaskResult, TaskStatus, TeamScore,
};
use crate::model::Event;
use crate::scenario::{Condition, Goal, Phase, SystemState};

/// The rating rules, as the report states them.
pub const RATING_RULES: [&str; 10] = [
    "A capability for which the scenario lists critical tasks is rated from them:",
    "P (performed without challenges): every critical task was done in time.",
    "S (performed with some challenges): every critical task was done, some late.",
    "M (performed with major challenges): at least half of its critical tasks were done, in time or late.",
    "U (unable to be performed): fewer than half of its critical tasks were done.",
    "A capability without critical tasks is rated from its objectives: P, every objective met; S, at least two thirds of their weight met; M, some weight met; U, none.",
    "A critical task whose deadline runs from a moment that never came was never due and does not count; a capability none of whose tasks was due is rated from its objectives.",
    "Undecided tasks and objectives (a log that stops early) count as not done; such ratings are marked provisional.",
    "A facilitator may override a rating with a written reason (tabletop review); the report shows both.",
    "An objective without a capability counts under its phase's default: Detection, Response or Recovery.",
];

/// The default capability of a phase.
pub fn default_capability(phase: Phase) -> &'static str {
    match phase {
        Phase::Detect => "Detection",
        Phase::Respond => "Response",
        Phase::Recover => "Recovery",
    }
}

fn condition_phase(ctx: &Ctx<'_>, c: &Condition) -> Phase {
    match c {
        Condition::TeamKnowsCompromised { .. } => Phase::Detect,
        Condition::ActionDone { action, .. } => ctx.phase_of(action),
        Condition::State { is: SystemState::Online | SystemState::Degraded, .. } => Phase::Recover,
        Condition::All(v) | Condition::Any(v) => {
            v.first().map_or(Phase::Respond, |c| condition_phase(ctx, c))
        }
        _ => Phase::Respond,
    }
}

/// The phase an objective belongs to, from what its goal asks.
fn goal_phase(ctx: &Ctx<'_>, goal: &Goal) -> Phase {
    match goal {
        Goal::Reach { condition, .. } => condition_phase(ctx, condition),
        Goal::Avoid(_) | Goal::ExfiltrationBelow(_) => Phase::Respond,
        Goal::HoldAtEnd(_) | Goal::CostBelow(_) | Goal::DataLossBelow(_) => Phase::Recover,
    }
}

/// Each objective of the scenario and what the log says of it.
pub(crate) fn results(ctx: &Ctx<'_>) -> Vec<ObjectiveResult> {
    let mut decided: BTreeMap<&str, (ObjectiveStatus, u32)> = BTreeMap::new();
    for (at, e) in &ctx.events {
        let (id, status) = match e {
            Event::ObjectiveMet { objective } => (objective, ObjectiveStatus::Met),
            Event::ObjectiveMissed { objective } => (objective, ObjectiveStatus::Missed),
            _ => continue,
        };
        decided.entry(id.as_str()).or_insert((status, *at));
    }
    ctx.scenario
        .objectives
        .iter()
        .map(|o| {
            let phase = goal_phase(ctx, &o.goal);
            let (status, at) = decided
                .get(o.id.as_str())
                .map_or((ObjectiveStatus::Undecided, None), |&(s, at)| (s, Some(at)));
            ObjectiveResult {
                id: o.id.clone(),
                description: o.description.clone(),
                team: o.team.clone(),
                weight: o.weight,
                capability: o
                    .capability
                    .clone()
                    .unwrap_or_else(|| default_capability(phase).to_owned()),
                phase,
                status,
                at,
            }
        })
        .collect()
}

/// The weighted score of some objectives: the share of weight met, 0–100, rounded.
pub fn score_of<'a>(objectives: impl IntoIterator<Item = &'a ObjectiveResult>) -> Score {
    let mut s = Score {
        score: None,
        met_weight: 0,
        missed_weight: 0,
        undecided_weight: 0,
        total_weight: 0,
    };
    for o in objectives {
        s.total_weight += o.weight;
        match o.status {
            ObjectiveStatus::Met => s.met_weight += o.weight,
            ObjectiveStatus::Missed => s.missed_weight += o.weight,
            ObjectiveStatus::Undecided => s.undecided_weight += o.weight,
        }
    }
    if s.total_weight > 0 {
        s.score = Some((200 * s.met_weight + s.total_weight) / (2 * s.total_weight));
    }
    s
}

/// Combined and per-team scores: a team counts its own objectives and the shared ones.
pub(crate) fn scores(ctx: &Ctx<'_>, results: &[ObjectiveResult]) -> Scores {
    Scores {
        combined: score_of(results),
        teams: ctx
            .scenario
            .teams
            .iter()
            .map(|t| TeamScore {
                team: t.id.clone(),
                score: score_of(
                    results.iter().filter(|o| o.team.as_deref().is_none_or(|x| x == t.id)),
                ),
            })
            .collect(),
    }
}

/// The rating of some weight met out of a total, by [`RATING_RULES`].
pub fn rating(met_weight: u32, total_weight: u32, all_met: bool) -> Rating {
    if all_met && total_weight > 0 {
        Rating::P
    } else if met_weight * 3 >= total_weight * 2 && met_weight > 0 {
        Rating::S
    } else if met_weight > 0 {
        Rating::M
    } else {
        Rating::U
    }
}

/// The rating of some critical tasks, by [`RATING_RULES`].
pub fn task_rating(tasks: &[TaskResult]) -> Rating {
    let due: Vec<&TaskResult> = tasks.iter().filter(|t| t.status != TaskStatus::NotDue).collect();
    let tasks = &due;
    let on_time = tasks.iter().filter(|t| t.status == TaskStatus::OnTime).count();
    let late = tasks.iter().filter(|t| t.status == TaskStatus::Late).count();
    let done = on_time + late;
    if tasks.is_empty() || done * 2 < tasks.len() {
        Rating::U
    } else if on_time == tasks.len() {
        Rating::P
    } else if done == tasks.len() {
        Rating::S
    } else {
        Rating::M
    }
}

/// Each critical task of the scenario with its capability and what the log says of it.
fn task_results(ctx: &Ctx<'_>) -> Vec<(String, Phase, TaskResult)> {
    let mut decided: BTreeMap<&str, (bool, u32)> = BTreeMap::new();
    let mut late: BTreeMap<&str, u32> = BTreeMap::new();
    let mut not_due: BTreeMap<&str, u32> = BTreeMap::new();
    for (at, e) in &ctx.events {
        match e {
            Event::TaskMet { task } => {
                decided.entry(task.as_str()).or_insert((true, *at));
            }
            Event::TaskMissed { task } => {
                decided.entry(task.as_str()).or_insert((false, *at));
            }
            Event::TaskDoneLate { task } => {
                late.entry(task.as_str()).or_insert(*at);
            }
            Event::TaskNotDue { task } => {
                not_due.entry(task.as_str()).or_insert(*at);
            }
            _ => {}
        }
    }
    ctx.scenario
        .critical_tasks
        .iter()
        .map(|t| {
            let decision = decided.get(t.id.as_str()).copied();
            let never_due = not_due.get(t.id.as_str()).copied();
            let (status, late_by) = match decision {
                None if never_due.is_some() => (TaskStatus::NotDue, None),
                None => (TaskStatus::Undecided, None),
                Some((true, _)) => (TaskStatus::OnTime, None),
                // The miss is recorded on the first tick past the deadline.
                Some((false, missed)) => match late.get(t.id.as_str()) {
                    Some(done) => (
                        TaskStatus::Late,
                        Some(done.saturating_sub(missed).saturating_add(ctx.tick)),
                    ),
                    None => (TaskStatus::NotDone, None),
                },
            };
            let result = TaskResult {
                id: t.id.clone(),
                description: t.description.clone(),
                team: t.team.clone(),
                status,
                at: decision.map(|(_, at)| at).or(never_due),
                late_by,
            };
            (t.capability.clone(), goal_phase(ctx, &t.goal), result)
        })
        .collect()
}

/// Each capability, in the order its first objective (then critical task) appears, rated
/// from its critical tasks when the scenario lists some, else from its objectives.
pub(crate) fn capabilities(ctx: &Ctx<'_>, results: &[ObjectiveResult]) -> Vec<CapabilityRating> {
    let mut out: Vec<CapabilityRating> = Vec::new();
    let blank = |capability: &str, phase: Phase| CapabilityRating {
        capability: capability.to_owned(),
        phase,
        rating: Rating::U,
        basis: RatingBasis::Objectives,
        tasks: Vec::new(),
        overridden: None,
        objectives: Vec::new(),
        met_weight: 0,
        total_weight: 0,
        provisional: false,
        reason: String::new(),
    };
    for o in results {
        let i = match out.iter().position(|c| c.capability == o.capability) {
            Some(i) => i,
            None => {
                out.push(blank(&o.capability, o.phase));
                out.len() - 1
            }
        };
        let c = &mut out[i];
        c.objectives.push(o.id.clone());
        c.total_weight += o.weight;
        match o.status {
            ObjectiveStatus::Met => c.met_weight += o.weight,
            ObjectiveStatus::Undecided => c.provisional = true,
            ObjectiveStatus::Missed => {}
        }
    }
    for (capability, phase, task) in task_results(ctx) {
        let i = match out.iter().position(|c| c.capability == capability) {
            Some(i) => i,
            None => {
                out.push(blank(&capability, phase));
                out.len() - 1
            }
        };
        out[i].tasks.push(task);
    }
    // A capability that only critical tasks name, none of them due, was not exercised:
    // nothing rates it.
    out.retain(|c| {
        !c.objectives.is_empty() || c.tasks.iter().any(|t| t.status != TaskStatus::NotDue)
    });
    for c in &mut out {
        let due = c.tasks.iter().any(|t| t.status != TaskStatus::NotDue);
        if !due {
            let members: Vec<&ObjectiveResult> =
                results.iter().filter(|o| o.capability == c.capability).collect();
            let met = members.iter().filter(|o| o.status == ObjectiveStatus::Met).count();
            c.rating = rating(c.met_weight, c.total_weight, met == members.len());
            c.reason = format!(
                "{}{met} of {} objective{} met ({} of {} weight){}",
                if c.tasks.is_empty() {
                    ""
                } else {
                    "its critical tasks were never due (what they answer never happened); "
                },
                members.len(),
                if members.len() == 1 { "" } else { "s" },
                c.met_weight,
                c.total_weight,
                if c.provisional { "; some undecided" } else { "" }
            );
        } else {
            c.basis = RatingBasis::CriticalTasks;
            c.provisional = c.tasks.iter().any(|t| t.status == TaskStatus::Undecided);
            c.rating = task_rating(&c.tasks);
            c.reason = task_reason(&c.tasks);
        }
    }
    out
}

/// Why a task-based rating: how many tasks in time, and each late or missing one.
fn task_reason(tasks: &[TaskResult]) -> String {
    let on_time = tasks.iter().filter(|t| t.status == TaskStatus::OnTime).count();
    let due = tasks.iter().filter(|t| t.status != TaskStatus::NotDue).count();
    let mut out = format!(
        "{on_time} of {due} critical task{} due done in time",
        if due == 1 { "" } else { "s" }
    );
    for t in tasks {
        match (t.status, t.late_by) {
            (TaskStatus::Late, Some(by)) => {
                out.push_str(&format!("; “{}” {} late", t.description, span(by)));
            }
            (TaskStatus::NotDone, _) => out.push_str(&format!("; “{}” not done", t.description)),
            (TaskStatus::Undecided, _) => {
                out.push_str(&format!("; “{}” undecided", t.description));
            }
            (TaskStatus::NotDue, _) => {
                out.push_str(&format!("; “{}” never due", t.description));
            }
            _ => {}
        }
    }
    out
}
