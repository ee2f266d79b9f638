//! Tracks the scenario's objectives as the drill goes and records each as met or missed the
//! moment it is decided, so a report can score a drill from its log alone.

use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use super::conditions::{CondCtx, SysSnapshot, holds};
use super::effects::TickEvents;
use super::script::ScriptState;
use crate::model::{
    Attack, Clock, Compiled, Compromise, Done, Entities, Event, Flags, Knowledge, Ledger, OpState,
    SystemFacts, TeamState,
};
use crate::scenario::{Condition, Goal, Minutes};

/// Per goal of one kind (objectives, or critical tasks): decided yet, and how; and when a
/// relative deadline's clock started.
#[derive(Debug, Clone, Default)]
pub struct Goals {
    /// Met (true) or missed (false), once decided.
    pub decided: Vec<Option<bool>>,
    /// Per goal with a `within` deadline: when its `after` condition first held.
    pub armed: Vec<Option<Minutes>>,
}

impl Goals {
    fn new(n: usize) -> Self {
        Goals { decided: vec![None; n], armed: vec![None; n] }
    }
}

/// The objectives' and the critical tasks' progress.
#[derive(Debug, Clone, Resource)]
pub struct ObjectiveState {
    /// The scenario's objectives.
    pub objectives: Goals,
    /// The scenario's critical tasks.
    pub tasks: Goals,
    /// Per critical task: missed at its deadline and since done (late).
    pub done_late: Vec<bool>,
    /// Minutes of data lost to restores and failovers so far, over the whole estate: added
    /// up from the losses as they happen rather than summed over every system every tick.
    pub data_lost: u32,
}

impl ObjectiveState {
    /// Nothing decided for `objectives` objectives and `tasks` critical tasks.
    pub fn new(objectives: usize, tasks: usize) -> Self {
        ObjectiveState {
            objectives: Goals::new(objectives),
            tasks: Goals::new(tasks),
            done_late: vec![false; tasks],
            data_lost: 0,
        }
    }
}

/// Read-only access to everything a condition may ask about.
#[derive(SystemParam)]
pub struct ConditionReader<'w, 's> {
    c: Res<'w, Compiled>,
    clock: Res<'w, Clock>,
    entities: Res<'w, Entities>,
    attack: Res<'w, Attack>,
    done: Res<'w, Done>,
    flags: Res<'w, Flags>,
    script: Res<'w, ScriptState>,
    systems: Query<'w, 's, (&'static SystemFacts, &'static OpState, &'static Compromise)>,
    teams: Query<'w, 's, (&'static TeamState, &'static Knowledge)>,
}

impl ConditionReader<'_, '_> {
    /// Whether the condition holds now.
    pub fn holds(&self, cond: &Condition) -> bool {
        let snapshot = |ix: u32| {
            self.systems
                .get(self.entities.systems[ix as usize])
                .ok()
                .map(|(f, op, cmp)| SysSnapshot::of(f, op, cmp))
        };
        let knows = |t: u32, s: u32| {
            self.teams
                .get(self.entities.teams[t as usize])
                .ok()
                .and_then(|(_, k)| k.systems.get(s as usize).and_then(|o| o.compromise))
                .is_some_and(|(yes, _, _)| yes)
        };
        let ctx = CondCtx {
            compiled: &self.c,
            now: self.clock.now,
            system: &snapshot,
            team_knows: &knows,
            succeeded: &self.attack.succeeded,
            done: &self.done.0,
            inject_fired: &self.script.inject_fired,
            flags: &self.flags.0,
            present_anywhere: !self.attack.holding.is_empty(),
        };
        holds(cond, &ctx)
    }
}

/// What a goal is judged on this tick.
struct Judge<'a, 'w, 's> {
    reader: &'a ConditionReader<'w, 's>,
    now: Minutes,
    ending: bool,
    cost: u64,
    exfiltrated_gb: f64,
    data_lost: u32,
}

impl Judge<'_, '_, '_> {
    /// Met (true), missed (false), or not decided yet; arms a relative deadline's clock.
    fn verdict(&self, goal: &Goal, armed: &mut Option<Minutes>) -> Option<bool> {
        let (reader, now, ending) = (self.reader, self.now, self.ending);
        match goal {
            Goal::Reach { condition, within: Some(w), .. } => {
                if armed.is_none() && reader.holds(&w.after) {
                    *armed = Some(now);
                }
                match *armed {
                    // Nothing was due.
                    None => ending.then_some(true),
                    Some(from) if now > from.saturating_add(w.span) => Some(false),
                    Some(_) if reader.holds(condition) => Some(true),
                    Some(_) => ending.then_some(false),
                }
            }
            Goal::Reach { condition, by, .. } => {
                if by.is_some_and(|by| now > by) {
                    Some(false)
                } else if reader.holds(condition) {
                    Some(true)
                } else {
                    ending.then_some(false)
                }
            }
            Goal::Avoid(cond) => {
                if reader.holds(cond) {
                    Some(false)
                } else {
                    ending.then_some(true)
                }
            }
            Goal::HoldAtEnd(cond) => ending.then(|| reader.holds(cond)),
            Goal::CostBelow(limit) => exceeded(self.cost >= *limit, ending),
            Goal::ExfiltrationBelow(gb) => exceeded(self.exfiltrated_gb >= *gb, ending),
            Goal::DataLossBelow(m) => exceeded(self.data_lost >= m.0, ending),
        }
    }
}

/// The objectives step of the account phase: decides objectives and critical tasks.
pub fn track_objectives(
    reader: ConditionReader,
    ledger: Res<Ledger>,
    mut state: ResMut<ObjectiveState>,
    mut events: ResMut<TickEvents>,
) {
    let c = &reader.c;
    let now = reader.clock.now;
    let ending = now.saturating_add(reader.clock.tick) >= reader.clock.end;
    // Every loss of this tick is among its events by now: the account phase comes after the
    // phases that restore and fail over.
    state.data_lost = events.0.iter().fold(state.data_lost, |n, e| match e {
        Event::DataLost { minutes, .. } => n.saturating_add(*minutes),
        _ => n,
    });
    let judge = Judge {
        reader: &reader,
        now,
        ending,
        cost: ledger.total(),
        exfiltrated_gb: ledger.exfiltrated_gb,
        data_lost: state.data_lost,
    };
    let state = &mut *state;
    for (i, o) in c.scenario.objectives.iter().enumerate() {
        let goals = &mut state.objectives;
        if goals.decided[i].is_some() {
            continue;
        }
        if let Some(met) = judge.verdict(&o.goal, &mut goals.armed[i]) {
            goals.decided[i] = Some(met);
            events.0.push(if met {
                Event::ObjectiveMet { objective: o.id.clone() }
            } else {
                Event::ObjectiveMissed { objective: o.id.clone() }
            });
        }
    }
    for (i, t) in c.scenario.critical_tasks.iter().enumerate() {
        let goals = &mut state.tasks;
        match goals.decided[i] {
            None => {
                if let Some(met) = judge.verdict(&t.goal, &mut goals.armed[i]) {
                    goals.decided[i] = Some(met);
                    // A relative deadline whose moment never came: met for the score of an
                    // objective, but a task nobody had to do says nothing of the capability.
                    let due = !matches!(t.goal, Goal::Reach { within: Some(_), .. })
                        || goals.armed[i].is_some();
                    let task = t.id.clone();
                    events.0.push(match (met, due) {
                        (true, true) => Event::TaskMet { task },
                        (true, false) => Event::TaskNotDue { task },
                        (false, _) => Event::TaskMissed { task },
                    });
                }
            }
            // A task missed at its deadline still counts when it is done later: how late
            // is what the rating weighs.
            Some(false) if !state.done_late[i] => {
                if let Goal::Reach { condition, .. } = &t.goal
                    && reader.holds(condition)
                {
                    state.done_late[i] = true;
                    events.0.push(Event::TaskDoneLate { task: t.id.clone() });
                }
            }
            Some(_) => {}
        }
    }
}

/// A limit is missed the moment it is reached, and met if the drill ends below it.
fn exceeded(over: bool, ending: bool) -> Option<bool> {
    if over { Some(false) } else { ending.then_some(true) }
}
