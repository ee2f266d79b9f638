//! What every part of scoring reads: the scenario, its action catalogue, the log's events
//! in order and where the log ends. Built once per report; never mutated.

use std::collections::{BTreeMap, BTreeSet};

use crate::log::{Body, ReadLog};
use crate::model::{Event, FootholdStatus, Presence};
use crate::scenario::{ActionDef, ActionEffect, Minutes, Phase, Privilege, Scenario, SystemState};

/// The first log format whose engine records the attacker's hold and availability as facts.
const FACTS_FORMAT: u32 = 3;

/// The first log format whose engine records all the attacker's presence (C2, flows,
/// persistence) and when its campaign stalled.
const PRESENCE_FORMAT: u32 = 4;

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
    /// What the attacker held on each system as it changed, in order. Logs before format 4
    /// recorded only footholds: for them it is the footholds, from the compromises and
    /// evictions.
    pub presence: Vec<PresenceFact>,
    /// When the campaign stalled (true) and resumed (false), in order; `None` for logs
    /// before format 4, whose engines did not record it.
    pub stalls: Option<Vec<(u32, bool)>>,
}

/// What the attacker held on a system from a time on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PresenceFact {
    pub at: u32,
    pub system: String,
    pub presence: Presence,
}

/// The attacker's footholds from the compromises and the hold facts' evictions, for logs
/// that recorded nothing more of its presence. Evictions at a time come after that time's
/// compromises, as the hold facts are recorded after a time's events.
fn footholds(ctx: &Ctx<'_>) -> Vec<PresenceFact> {
    let mut changes: Vec<(u32, u8, &str, Option<Privilege>)> = Vec::new();
    for (at, e) in &ctx.events {
        if let Event::Compromised { system, privilege, .. } = e {
            changes.push((*at, 0, system, Some(*privilege)));
        }
    }
    for f in &ctx.holds {
        if f.hold == Hold::Evicted {
            changes.push((f.at, 1, &f.system, None));
        }
    }
    changes.sort_by_key(|(at, order, _, _)| (*at, *order));
    let mut now: BTreeMap<&str, Presence> = BTreeMap::new();
    let mut out = Vec::new();
    for (at, _, system, privilege) in changes {
        let p = now.entry(system).or_default();
        let next = match privilege {
            Some(x) => Presence { foothold: Some(p.foothold.map_or(x, |h| h.max(x))), ..*p },
            None => Presence::default(),
        };
        if next != *p {
            *p = next;
            out.push(PresenceFact { at, system: system.to_owned(), presence: next });
        }
    }
    out
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
                Body::Header(_) | Body::Seal(_) | Body::Review(_) => {}
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
            presence: Vec::new(),
            stalls: None,
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
        if log.header.format < PRESENCE_FORMAT {
            ctx.presence = footholds(&ctx);
        } else {
            let mut stalls = Vec::new();
            for (at, e) in &ctx.events {
                match e {
                    Event::PresenceChanged { system, presence } => {
                        ctx.presence.push(PresenceFact {
                            at: *at,
                            system: system.clone(),
                            presence: *presence,
                        });
                    }
                    Event::CampaignStalled => stalls.push((*at, true)),
                    Event::CampaignResumed => stalls.push((*at, false)),
                    _ => {}
                }
            }
            ctx.stalls = Some(stalls);
        }
        ctx
    }

    /// What the attacker holds on each system when the log ends, in system id order.
    pub fn present_at_end(&self) -> BTreeMap<&str, Presence> {
        let mut last: BTreeMap<&str, Presence> = BTreeMap::new();
        for f in &self.presence {
            last.insert(&f.system, f.presence);
        }
        last.retain(|_, p| p.any());
        last
    }

    /// When the attacker last lost its last presence in the estate, if it holds nothing
    /// from then to the end of the log (and was ever present).
    pub fn evicted_at(&self) -> Option<u32> {
        let mut holding: BTreeSet<&str> = BTreeSet::new();
        let mut since = None;
        for f in &self.presence {
            let before = !holding.is_empty();
            if f.presence.any() {
                holding.insert(&f.system);
            } else {
                holding.remove(f.system.as_str());
            }
            match (before, holding.is_empty()) {
                (true, true) => since = Some(f.at),
                (_, false) => since = None,
                _ => {}
            }
        }
        since
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
