//! What every part of scoring reads: the scenario, its action catalogue, the log's events
//! in order and where the log ends. Built once per report; never mutated.

use std::collections::BTreeMap;

use crate::log::{Body, ReadLog};
use crate::model::{Event, FootholdStatus};
use crate::scenario::{ActionDef, ActionEffect, Minutes, Phase, Scenario, SystemState};

/// The first log format whose engine records the attacker's hold and availability as facts.
const FACTS_FORMAT: u32 = 3;

/// The scenario and the log's events, indexed for scoring.
pub(crate) struct Ctx<'a> {
    /// The scenario the log was recorded from.
    pub scenario: &'a Scenario,
    /// Every event, in log order, with its drill time in minutes.
    pub events: Vec<(u32, &'a Event)>,
    /// The scenario's action catalogue by id.
    pub catalogue: BTreeMap<String, ActionDef>,
    /// The last drill time in the log.
    pub end: u32,
    /// The log holds `DrillEnded`.
    pub finished: bool,
    /// Simulated minutes per tick.
    pub tick: u32,
    /// The attacker's hold on systems as it changed, in order.
    pub holds: Vec<HoldFact>,
    /// Systems' availability as it changed, in order.
    pub availability: Vec<AvailabilityFact>,
}

/// A change in what the attacker holds on a system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hold {
    /// Its foothold became usable, was cut off or was removed.
    Foothold(FootholdStatus),
    /// It holds nothing more on the system.
    Evicted,
}

/// A change in the attacker's hold, with when and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HoldFact {
    pub at: u32,
    pub system: String,
    pub hold: Hold,
}

/// A system starting or stopping to serve its users, and what it costs per hour from then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AvailabilityFact {
    pub at: u32,
    pub system: String,
    pub available: bool,
    pub cost_per_hour: u64,
}

impl<'a> Ctx<'a> {
    pub fn new(log: &'a ReadLog, scenario: &'a Scenario) -> Self {
        let mut events = Vec::new();
        let mut end = 0;
        for body in &log.records {
            match body {
                Body::Event(e) => {
                    end = end.max(e.at.0);
                    events.push((e.at.0, &e.event));
                }
                Body::Command { at, .. } => end = end.max(at.0),
                Body::Header(_) | Body::Seal(_) => {}
            }
        }
        let finished = events.iter().any(|(_, e)| matches!(e, Event::DrillEnded { .. }));
        let catalogue = crate::scenario::resolve_actions(scenario)
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();
        let mut ctx = Ctx {
            scenario,
            events,
            catalogue,
            end,
            finished,
            tick: scenario.meta.tick.0.max(1),
            holds: Vec::new(),
            availability: Vec::new(),
        };
        if log.header.format < FACTS_FORMAT {
            ctx.holds = super::legacy::holds(&ctx);
            ctx.availability = super::legacy::availability(&ctx);
        } else {
            for (at, e) in &ctx.events {
                let at = *at;
                match e {
                    Event::FootholdChanged { system, foothold } => ctx.holds.push(HoldFact {
                        at,
                        system: system.clone(),
                        hold: Hold::Foothold(*foothold),
                    }),
                    Event::Evicted { system } => {
                        ctx.holds.push(HoldFact { at, system: system.clone(), hold: Hold::Evicted })
                    }
                    Event::AvailabilityChanged { system, available, cost_per_hour } => {
                        ctx.availability.push(AvailabilityFact {
                            at,
                            system: system.clone(),
                            available: *available,
                            cost_per_hour: *cost_per_hour,
                        })
                    }
                    _ => {}
                }
            }
        }
        ctx
    }

    /// The exclusive end of cost accrual: the engine charges the last tick too.
    pub fn accrual_end(&self) -> u32 {
        self.end + self.tick
    }

    /// The phase of an action of the catalogue (`Respond` when unknown).
    pub fn phase_of(&self, action: &str) -> Phase {
        self.catalogue.get(action).map_or(Phase::Respond, |a| a.phase)
    }

    /// Whether an action of the catalogue has an effect.
    pub fn has_effect(&self, action: &str, effect: &ActionEffect) -> bool {
        self.catalogue.get(action).is_some_and(|a| a.effects.contains(effect))
    }

    /// A system's business cost per hour down (0 when unknown).
    pub fn criticality(&self, system: &str) -> u64 {
        self.scenario.estate.systems.iter().find(|s| s.id == system).map_or(0, |s| s.criticality)
    }

    /// Whether an id names a system of the estate.
    pub fn is_system(&self, id: &str) -> bool {
        self.scenario.estate.systems.iter().any(|s| s.id == id)
    }

    /// A team's display name (its id when unknown).
    pub fn team_name(&self, team: &str) -> String {
        self.scenario
            .teams
            .iter()
            .find(|t| t.id == team)
            .map_or_else(|| team.to_owned(), |t| t.name.clone())
    }

    /// An amount in the scenario's currency, with thousands separators.
    pub fn money(&self, amount: u64) -> String {
        money(amount, &self.scenario.meta.currency)
    }

    /// Each system's state changes, in order: (time, state), starting with its state at 0.
    pub fn state_history(&self) -> BTreeMap<&'a str, Vec<(u32, SystemState)>> {
        let mut out: BTreeMap<&str, Vec<(u32, SystemState)>> = BTreeMap::new();
        for (at, e) in &self.events {
            if let Event::StateChanged { system, from, to } = e {
                let h = out.entry(system.as_str()).or_insert_with(|| vec![(0, *from)]);
                match h.last_mut() {
                    Some(last) if last.0 == *at => last.1 = *to,
                    _ => h.push((*at, *to)),
                }
            }
        }
        out
    }
}

/// Whether a system in this state is available (counts as up, costs nothing): the engine's
/// own rule.
pub(crate) use crate::sim::available;

/// The sum of some per-system amounts (`0.0`, never `-0.0`, when there are none).
pub(crate) fn total(items: &[super::report::SystemAmount]) -> f64 {
    items.iter().fold(0.0, |sum, x| sum + x.amount)
}

/// A span of drill time for people: `1h19m`.
pub(crate) fn span(minutes: u32) -> String {
    Minutes(minutes).to_string()
}

/// A drill time for people: `02:55`.
pub(crate) fn clock(minutes: u32) -> String {
    Minutes(minutes).clock()
}

/// An amount with thousands separators and its currency: `USD 4,450`.
pub fn money(amount: u64, currency: &str) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{currency} {out}")
}

/// A list for people: `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `1 system`, `2 systems`.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
