//! Facts that logs before format 3 (engines 0.1.0 and 0.2.0) did not record: the attacker's
//! hold on systems and their availability. They are derived here, once, the way those
//! engines' scoring derived them, so an old log's report reads as it always did; every
//! other part of scoring reads the facts, whatever the log's format.

use std::collections::{BTreeMap, BTreeSet};

use super::context::{AvailabilityFact, Ctx, Hold, HoldFact, available};
use crate::model::{Event, FootholdStatus};
use crate::scenario::{ActionEffect, SystemState};

/// The attacker's hold as 0.2.0's scoring modelled it: gained by a compromise or a
/// re-infection, removed by a reimage; cut off while the system is isolated, powered off or
/// destroyed. Each time's changes are recorded after all of that time's events.
pub(super) fn holds(ctx: &Ctx<'_>) -> Vec<HoldFact> {
    let mut held: BTreeSet<&str> = BTreeSet::new();
    let mut isolated: BTreeSet<&str> = BTreeSet::new();
    let mut off: BTreeSet<&str> = BTreeSet::new();
    let mut destroyed: BTreeSet<&str> = BTreeSet::new();
    let mut said: BTreeMap<&str, FootholdStatus> = BTreeMap::new();
    let mut out = Vec::new();
    let mut i = 0;
    while i < ctx.events.len() {
        let at = ctx.events[i].0;
        while let Some(&(t, e)) = ctx.events.get(i)
            && t == at
        {
            match e {
                Event::Compromised { system, .. } | Event::Reinfected { system } => {
                    held.insert(system);
                }
                Event::StateChanged { system, to, .. } => {
                    if *to == SystemState::Destroyed {
                        destroyed.insert(system);
                    } else {
                        destroyed.remove(system.as_str());
                    }
                }
                Event::ActionCompleted { action, target: Some(t), .. } => {
                    let has = |effect: ActionEffect| ctx.has_effect(action, &effect);
                    if has(ActionEffect::Reimage) {
                        held.remove(t.as_str());
                    }
                    if has(ActionEffect::Isolate) {
                        isolated.insert(t);
                    }
                    if has(ActionEffect::Reconnect) {
                        isolated.remove(t.as_str());
                    }
                    if has(ActionEffect::PowerOff) {
                        off.insert(t);
                    }
                    if has(ActionEffect::PowerOn) {
                        off.remove(t.as_str());
                    }
                }
                _ => {}
            }
            i += 1;
        }
        let systems: BTreeSet<&str> = held.iter().chain(said.keys()).copied().collect();
        for system in systems {
            let now = if !held.contains(system) {
                FootholdStatus::Removed
            } else if isolated.contains(system)
                || off.contains(system)
                || destroyed.contains(system)
            {
                FootholdStatus::CutOff
            } else {
                FootholdStatus::Usable
            };
            if said.get(system) == Some(&now) {
                continue;
            }
            let fact = |hold| HoldFact { at, system: system.to_owned(), hold };
            out.push(fact(Hold::Foothold(now)));
            if now == FootholdStatus::Removed {
                out.push(fact(Hold::Evicted));
                said.remove(system);
            } else {
                said.insert(system, now);
            }
        }
    }
    out
}

/// Availability as 0.2.0's scoring read it: from each system's state, the last state of a
/// time counting, costing the system's criticality per hour while unavailable.
pub(super) fn availability(ctx: &Ctx<'_>) -> Vec<AvailabilityFact> {
    let mut out = Vec::new();
    for (system, history) in ctx.state_history() {
        let mut was = true;
        for (at, state) in history {
            let now = available(state);
            if now != was {
                out.push(AvailabilityFact {
                    at,
                    system: system.to_owned(),
                    available: now,
                    cost_per_hour: if now { 0 } else { ctx.criticality(system) },
                });
                was = now;
            }
        }
    }
    out.sort_by_key(|f| f.at);
    out
}
