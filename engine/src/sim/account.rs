//! The account and emit phases: deadlines, request expiry and decision time-outs; then the
//! tick's events are stamped and recorded, and the clock moves on.

use bevy_ecs::prelude::*;

use super::commands::{escalate, tell};
use super::effects::TickEvents;
use super::script::ScriptState;
use crate::model::{
    Clock, Compiled, Decider, Entities, Event, Knowledge, Ledger, PendingRequest, RecordedEvents,
    RequestState, TimedEvent,
};

/// The account phase.
#[allow(clippy::too_many_arguments)]
pub fn account(
    mut commands: Commands,
    c: Res<Compiled>,
    clock: Res<Clock>,
    mut ledger: ResMut<Ledger>,
    mut script: ResMut<ScriptState>,
    mut events: ResMut<TickEvents>,
    requests: Query<(Entity, &PendingRequest)>,
    (entities, mut knowledge): (Res<Entities>, Query<&mut Knowledge>),
) {
    let now = clock.now;
    let mut expired: Vec<(u64, Entity, &PendingRequest)> =
        requests.iter().filter(|(_, r)| r.expires <= now).map(|(e, r)| (r.id, e, r)).collect();
    expired.sort_unstable_by_key(|(id, _, _)| *id);
    for (id, e, req) in expired {
        events.0.push(Event::RequestExpired { id });
        tell(&mut knowledge, &entities, req.from, id, RequestState::Expired, now);
        // Unanswered is not approved: it goes where the rules of engagement send it.
        if !escalate(&c, (req, e), now, &mut events.0, &mut commands, &mut knowledge, &entities) {
            commands.entity(e).despawn();
        }
    }
    let script = &mut *script;
    for exp in script.expectations.iter_mut().filter(|e| e.outcome.is_none() && e.deadline <= now) {
        exp.outcome = Some(false);
        events.0.push(Event::ExpectationMissed {
            inject: c.scenario.injects[exp.inject as usize].id.clone(),
        });
    }
    for d in script
        .decisions
        .iter_mut()
        .filter(|d| d.choice.is_none() && d.deadline.is_some_and(|t| t <= now))
    {
        let inject = &c.scenario.injects[d.inject as usize];
        if let Some(default) = inject.decision.as_ref().and_then(|x| x.default.clone()) {
            d.choice = Some(default.clone());
            events.0.push(Event::DecisionTaken {
                inject: inject.id.clone(),
                choice: default.clone(),
                by: Decider::Timeout,
            });
            script.pending_choices.push((d.inject, default));
        }
    }
    if now.saturating_add(clock.tick) >= clock.end {
        for cost in std::mem::take(&mut script.standing) {
            cost.book(now, &mut ledger, &mut events.0);
        }
        events.0.push(Event::DrillEnded { cost: ledger.total() });
    }
}

/// The emit phase: the tick's events go to the record, stamped with its time, and the
/// clock moves forward one tick.
pub fn emit(
    mut clock: ResMut<Clock>,
    mut tick: ResMut<TickEvents>,
    mut record: ResMut<RecordedEvents>,
) {
    let at = clock.now;
    record.0.extend(tick.0.drain(..).map(|event| TimedEvent { at, event }));
    clock.now = clock.now.saturating_add(clock.tick).min(clock.end);
}
