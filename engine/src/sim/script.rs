//! The script phase: disaster events and injects whose time or condition has come, the
//! consequences of decisions taken, and events that end by themselves.

use bevy_ecs::prelude::*;

use super::actions::suspect;
use super::conditions::{CondCtx, SysSnapshot, holds};
use super::effects::{Dirty, TickEvents, destroy_evidence, set_flag, site_up};
use super::propagate::{SiteState, away, placed_site};
use crate::model::{
    Attack, Clock, Compiled, Compromise, Done, Entities, Event, Flags, InboxItem, Indicator,
    Knowledge, Ledger, Network, OpState, SysIx, SystemFacts, TeamIx, TeamState,
};
use crate::scenario::{Condition, Consequence, EventKind, Minutes, SystemState, Trigger};

/// The deadline of an expectation whose clock has not started.
const NOT_YET: Minutes = Minutes(u32::MAX);

/// An inject's expected response, waiting to be met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenExpectation {
    /// Inject index.
    pub inject: u32,
    /// Latest time; `Minutes(u32::MAX)` while it waits for its `after` condition.
    pub deadline: Minutes,
    /// Met (true) or missed (false) once decided.
    pub outcome: Option<bool>,
}

/// An inject's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDecision {
    /// Inject index.
    pub inject: u32,
    /// When the default is taken.
    pub deadline: Option<Minutes>,
    /// The choice taken.
    pub choice: Option<String>,
}

/// Where the scenario's script stands.
#[derive(Debug, Clone, Resource)]
pub struct ScriptState {
    /// Per event: has fired.
    pub event_fired: Vec<bool>,
    /// Events that end by themselves: (when, event index).
    pub event_ends: Vec<(Minutes, u32)>,
    /// Per inject: has fired.
    pub inject_fired: Vec<bool>,
    /// Events started by hand or by a consequence, for this tick.
    pub manual_events: Vec<u32>,
    /// Injects fired by hand or by a consequence, for this tick.
    pub manual_injects: Vec<u32>,
    /// Expected responses.
    pub expectations: Vec<OpenExpectation>,
    /// Decisions asked for.
    pub decisions: Vec<OpenDecision>,
    /// Choices taken and not yet applied: (inject index, choice id).
    pub pending_choices: Vec<(u32, String)>,
    /// Systems booting after their site's power returned: (when they are up, system).
    pub boots: Vec<(Minutes, u32)>,
    /// Running costs that decisions started and that have not stopped yet.
    pub standing: Vec<StandingCost>,
    /// The attacker's decryptor, once a decision bought it.
    pub decryptor: Option<DecryptorTerms>,
}

/// What the attacker's decryptor does (`Decryptor`): how fast, and how often it works.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecryptorTerms {
    /// Gigabytes of a system's data decrypted per hour.
    pub gb_per_hour: f64,
    /// The chance that a system comes back whole.
    pub recovers: f64,
}

impl DecryptorTerms {
    /// How long decrypting `data_gb` takes, on top of the action's own duration: at least a
    /// minute, at most the longest time the clock can hold.
    pub fn time_for(self, data_gb: f64) -> Minutes {
        let minutes = (data_gb.max(0.0) * 60.0 / self.gb_per_hour).ceil();
        if minutes.is_finite() && minutes < f64::from(u32::MAX) {
            Minutes((minutes as u32).max(1))
        } else {
            Minutes(u32::MAX)
        }
    }
}

/// A running cost a decision started (`CostPerHour`), accruing until its `until` holds or the
/// drill ends, when it is booked as one cost for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct StandingCost {
    /// The `until` condition, if any.
    pub until: Option<Condition>,
    /// Currency per hour.
    pub per_hour: u64,
    /// What it pays for.
    pub reason: String,
    /// When it started.
    pub since: Minutes,
    /// Accrued so far, in currency-minutes per hour (divide by 60).
    pub accrued_x60: u64,
}

impl StandingCost {
    /// Stops the cost at `now`: its accrued amount becomes a one-off cost in the ledger.
    pub fn book(self, now: Minutes, ledger: &mut Ledger, events: &mut Vec<Event>) {
        ledger.standing_x60 = ledger.standing_x60.saturating_sub(self.accrued_x60);
        ledger.standing_rate = ledger.standing_rate.saturating_sub(self.per_hour);
        let amount = self.accrued_x60 / 60;
        ledger.one_off = ledger.one_off.saturating_add(amount);
        events.push(Event::CostIncurred {
            amount,
            reason: format!(
                "{} ({} an hour, {}–{})",
                self.reason,
                self.per_hour,
                self.since.clock(),
                now.clock()
            ),
        });
    }
}

impl ScriptState {
    /// Nothing fired yet.
    pub fn new(c: &Compiled) -> Self {
        ScriptState {
            event_fired: vec![false; c.scenario.events.len()],
            event_ends: Vec::new(),
            inject_fired: vec![false; c.scenario.injects.len()],
            manual_events: Vec::new(),
            manual_injects: Vec::new(),
            expectations: Vec::new(),
            decisions: Vec::new(),
            pending_choices: Vec::new(),
            boots: Vec::new(),
            standing: Vec::new(),
            decryptor: None,
        }
    }
}

/// The script phase.
#[allow(clippy::too_many_arguments)]
pub fn fire_script(
    c: Res<Compiled>,
    clock: Res<Clock>,
    entities: Res<Entities>,
    attack: Res<Attack>,
    done: Res<Done>,
    mut script: ResMut<ScriptState>,
    mut sites: ResMut<SiteState>,
    mut network: ResMut<Network>,
    mut dirty: ResMut<Dirty>,
    mut events: ResMut<TickEvents>,
    mut flags: ResMut<Flags>,
    mut ledger: ResMut<Ledger>,
    mut systems: Query<(&mut SystemFacts, &OpState, &Compromise)>,
    mut teams: Query<(&TeamState, &mut Knowledge)>,
) {
    let now = clock.now;
    let script = &mut *script;

    // Consequences of decisions taken since the last tick.
    for (inject, choice) in std::mem::take(&mut script.pending_choices) {
        let Some(decision) =
            c.scenario.injects.get(inject as usize).and_then(|i| i.decision.as_ref())
        else {
            continue;
        };
        let Some(choice) = decision.choices.iter().find(|ch| ch.id == choice) else { continue };
        for cons in &choice.consequences {
            match cons {
                Consequence::SetFlag(f) => set_flag(&mut flags, f, &mut events.0),
                Consequence::FireInject(id) => {
                    if let Some(i) = c.scenario.injects.iter().position(|x| &x.id == id) {
                        script.manual_injects.push(i as u32);
                    }
                }
                Consequence::StartEvent(id) => {
                    if let Some(i) = c.scenario.events.iter().position(|x| &x.id == id) {
                        script.manual_events.push(i as u32);
                    }
                }
                Consequence::SetState { system, state } => {
                    let Some(ix) = c.system(system) else { continue };
                    let Ok((mut f, _, _)) = systems.get_mut(entities.systems[ix as usize]) else {
                        continue;
                    };
                    match state {
                        SystemState::Destroyed => f.wiped = true,
                        SystemState::Online => f.forced_down = false,
                        _ => f.forced_down = true,
                    }
                    dirty.mark(ix);
                }
                Consequence::Cost(amount) => {
                    ledger.one_off = ledger.one_off.saturating_add(*amount);
                    events.0.push(Event::CostIncurred {
                        amount: *amount,
                        reason: format!("decision `{}`", choice.id),
                    });
                }
                Consequence::Decryptor { gb_per_hour, recovers } => {
                    script.decryptor =
                        Some(DecryptorTerms { gb_per_hour: *gb_per_hour, recovers: *recovers });
                    events.0.push(Event::DecryptorReceived {
                        gb_per_hour: *gb_per_hour,
                        recovers: *recovers,
                    });
                }
                Consequence::CostPerHour { amount, reason, until } => {
                    ledger.standing_rate = ledger.standing_rate.saturating_add(*amount);
                    script.standing.push(StandingCost {
                        until: until.clone(),
                        per_hour: *amount,
                        reason: reason.clone(),
                        since: now,
                        accrued_x60: 0,
                    });
                    events.0.push(Event::CostPerHour { per_hour: *amount, reason: reason.clone() });
                }
            }
        }
    }

    // Events that end by themselves.
    let (ending, still): (Vec<_>, Vec<_>) =
        script.event_ends.iter().partition(|(at, _)| *at <= now);
    script.event_ends = still;
    for (_, ev) in ending {
        let event = &c.scenario.events[ev as usize];
        match &event.kind {
            EventKind::PowerLoss(site) | EventKind::RegionOutage(site) => {
                if let Some(s) = c.site(site) {
                    sites.down[s as usize] = sites.down[s as usize].saturating_sub(1);
                    mark_site(&c, s, &mut dirty);
                    if sites.down[s as usize] == 0 {
                        // Power is back: what it cut boots, each in its own time.
                        for (ix, info) in c.systems.iter().enumerate() {
                            if let Ok((f, _, _)) = systems.get(entities.systems[ix])
                                && f.power_cut
                                && placed_site(info, f) == s
                            {
                                script.boots.push((now.saturating_add(info.boot_time), ix as u32));
                            }
                        }
                    }
                }
            }
            EventKind::HardwareFailure(sys) => {
                if let Some(ix) = c.system(sys)
                    && let Ok((mut f, _, _)) = systems.get_mut(entities.systems[ix as usize])
                {
                    f.hardware_failed = false;
                    dirty.mark(ix);
                }
            }
            EventKind::DataCorruption(_) => {}
            EventKind::LinkFailure { from, to } => {
                for (li, l) in c.links.iter().enumerate() {
                    if link_between(&c, l.a, l.b, from, to) {
                        network.link_failed[li] = false;
                        network.dirty = true;
                    }
                }
            }
        }
        events.0.push(Event::DisasterEnded { event: event.id.clone() });
    }

    boot(&c, now, &entities, &sites, script, &mut dirty, &mut systems);

    // What fires this tick: read everything first, then act.
    let (to_start, to_deliver, arm) = {
        let snapshot = |ix: u32| {
            systems
                .get(entities.systems[ix as usize])
                .ok()
                .map(|(f, op, cmp)| SysSnapshot::of(f, op, cmp))
        };
        let knows = |t: u32, s: u32| {
            teams
                .get(entities.teams[t as usize])
                .ok()
                .and_then(|(_, k)| k.systems.get(s as usize).and_then(|o| o.compromise))
                .is_some_and(|(yes, _, _)| yes)
        };
        let ctx = CondCtx {
            compiled: &c,
            now,
            system: &snapshot,
            team_knows: &knows,
            succeeded: &attack.succeeded,
            done: &done.0,
            inject_fired: &script.inject_fired,
            flags: &flags.0,
            present_anywhere: !attack.holding.is_empty(),
        };
        // Running costs stop when their condition holds, and accrue for this tick otherwise.
        let (stopped, running): (Vec<_>, Vec<_>) = std::mem::take(&mut script.standing)
            .into_iter()
            .partition(|s| s.until.as_ref().is_some_and(|u| holds(u, &ctx)));
        for cost in stopped {
            cost.book(now, &mut ledger, &mut events.0);
        }
        script.standing = running;
        for cost in &mut script.standing {
            let x60 = cost.per_hour.saturating_mul(u64::from(clock.tick.0));
            cost.accrued_x60 = cost.accrued_x60.saturating_add(x60);
            ledger.standing_x60 = ledger.standing_x60.saturating_add(x60);
        }
        let due = |t: &Trigger| match t {
            Trigger::At(at) => *at <= now,
            Trigger::When(cond) => holds(cond, &ctx),
            Trigger::Manual => false,
        };
        let mut to_start: Vec<u32> = (0..c.scenario.events.len())
            .filter(|&i| !script.event_fired[i] && due(&c.scenario.events[i].trigger))
            .map(|i| i as u32)
            .collect();
        to_start.append(&mut script.manual_events);
        let mut to_deliver: Vec<u32> = (0..c.scenario.injects.len())
            .filter(|&i| !script.inject_fired[i] && due(&c.scenario.injects[i].trigger))
            .map(|i| i as u32)
            .collect();
        to_deliver.append(&mut script.manual_injects);
        // Expectations whose clock starts with a condition: those whose condition holds now.
        let arm: Vec<usize> = script
            .expectations
            .iter()
            .enumerate()
            .filter(|(_, e)| e.outcome.is_none() && e.deadline == NOT_YET)
            .filter(|(_, e)| {
                let after = c.scenario.injects[e.inject as usize]
                    .expects
                    .as_ref()
                    .and_then(|x| x.after.as_ref());
                after.is_some_and(|a| holds(a, &ctx))
            })
            .map(|(i, _)| i)
            .collect();
        (to_start, to_deliver, arm)
    };
    for i in arm {
        let e = &mut script.expectations[i];
        let within = c.scenario.injects[e.inject as usize]
            .expects
            .as_ref()
            .map_or(Minutes::ZERO, |x| x.within);
        e.deadline = now.saturating_add(within);
    }

    for ev in to_start {
        let event = &c.scenario.events[ev as usize];
        script.event_fired[ev as usize] = true;
        events.0.push(Event::DisasterStarted { event: event.id.clone() });
        match &event.kind {
            EventKind::PowerLoss(site) | EventKind::RegionOutage(site) => {
                let Some(s) = c.site(site) else { continue };
                sites.down[s as usize] += 1;
                mark_site(&c, s, &mut dirty);
                if matches!(event.kind, EventKind::PowerLoss(_)) {
                    // Everything running there goes off, as if its plug were pulled; what
                    // was still booting from an earlier cut stays off.
                    script.boots.retain(|&(_, ix)| {
                        systems
                            .get(entities.systems[ix as usize])
                            .map_or(true, |(f, _, _)| placed_site(&c.systems[ix as usize], f) != s)
                    });
                    for (ix, info) in c.systems.iter().enumerate() {
                        if let Ok((mut f, _, _)) = systems.get_mut(entities.systems[ix])
                            && placed_site(info, &f) == s
                        {
                            if f.powered {
                                f.powered = false;
                                f.power_cut = true;
                            }
                            destroy_evidence(&mut f, &info.id, "power loss", &mut events.0);
                        }
                    }
                }
            }
            EventKind::HardwareFailure(sys) | EventKind::DataCorruption(sys) => {
                let Some(ix) = c.system(sys) else { continue };
                let Ok((mut f, _, _)) = systems.get_mut(entities.systems[ix as usize]) else {
                    continue;
                };
                if matches!(event.kind, EventKind::HardwareFailure(_)) {
                    f.hardware_failed = true;
                } else {
                    f.corrupted = true;
                }
                dirty.mark(ix);
            }
            EventKind::LinkFailure { from, to } => {
                for (li, l) in c.links.iter().enumerate() {
                    if link_between(&c, l.a, l.b, from, to) {
                        network.link_failed[li] = true;
                        network.dirty = true;
                    }
                }
            }
        }
        if let Some(lasts) = event.lasts {
            script.event_ends.push((now.saturating_add(lasts), ev));
        }
    }

    for inj in to_deliver {
        let inject = &c.scenario.injects[inj as usize];
        script.inject_fired[inj as usize] = true;
        let pointed = pointed_at(&c, &attack, inject);
        let mut audience = Vec::new();
        let mut leads = Vec::new();
        for (ti, team) in c.teams.iter().enumerate() {
            if !inject.audience.contains(&team.id) {
                continue;
            }
            if let Ok((_, mut k)) = teams.get_mut(entities.teams[ti]) {
                k.inbox.push(InboxItem::Inject { at: now, id: inject.id.clone() });
                let why =
                    Indicator::Reported { inject: inject.id.clone(), title: inject.title.clone() };
                let these = pointed.iter().map(|&j| (j, why.clone())).collect();
                suspect(&c, ti as TeamIx, &team.id, these, now, &mut k, &mut leads);
            }
            audience.push(team.id.clone());
        }
        events.0.push(Event::InjectDelivered { inject: inject.id.clone(), teams: audience });
        events.0.append(&mut leads);
        if let Some(exp) = &inject.expects {
            let deadline =
                if exp.after.is_some() { NOT_YET } else { now.saturating_add(exp.within) };
            // A team that already did what the inject asks of a named target (patched the
            // VPN before the advisory came) has responded; an expectation with no target
            // wants a response to this inject, so only what comes after it counts.
            let already =
                exp.target.is_some() && done.0.contains(&(exp.action.clone(), exp.target.clone()));
            if already {
                events.0.push(Event::ExpectationMet { inject: inject.id.clone() });
            }
            let outcome = already.then_some(true);
            script.expectations.push(OpenExpectation { inject: inj, deadline, outcome });
        }
        if let Some(d) = &inject.decision
            && !script.decisions.iter().any(|x| x.inject == inj)
        {
            script.decisions.push(OpenDecision {
                inject: inj,
                deadline: d.within.map(|w| now.saturating_add(w)),
                choice: None,
            });
        }
    }
}

/// Systems whose boot time ran out come up; one that comes up before something it needs is
/// serving hangs until a team restarts it (power on): restart order matters.
fn boot(
    c: &Compiled,
    now: Minutes,
    entities: &Entities,
    sites: &SiteState,
    script: &mut ScriptState,
    dirty: &mut Dirty,
    systems: &mut Query<(&mut SystemFacts, &OpState, &Compromise)>,
) {
    if !script.boots.iter().any(|(at, _)| *at <= now) {
        return;
    }
    let (mut due, later): (Vec<_>, Vec<_>) = script.boots.iter().partition(|(at, _)| *at <= now);
    script.boots = later;
    due.sort_unstable();
    for (_, ix) in due {
        let info = &c.systems[ix as usize];
        let Ok((f, _, _)) = systems.get(entities.systems[ix as usize]) else { continue };
        if !f.power_cut || !site_up(&sites.down, placed_site(info, f)) {
            continue;
        }
        let waiting = info.needs(away(info, f)).iter().any(|&d| {
            systems.get(entities.systems[d as usize]).is_ok_and(|(_, op, _)| !op.available)
        });
        if let Ok((mut f, _, _)) = systems.get_mut(entities.systems[ix as usize]) {
            f.powered = true;
            f.power_cut = false;
            f.hung = waiting;
            dirty.mark(ix);
        }
    }
}

fn mark_site(c: &Compiled, site: u32, dirty: &mut Dirty) {
    for (ix, info) in c.systems.iter().enumerate() {
        let replica_here = info.replication.is_some_and(|(dr, _, _)| dr == site)
            || info.restore_to.iter().flatten().any(|&s| s == site);
        if info.site == site || replica_here {
            dirty.mark(ix as u32);
        }
    }
}

fn link_between(c: &Compiled, a: u32, b: u32, from: &str, to: &str) -> bool {
    let (za, zb) = (c.zones[a as usize].as_str(), c.zones[b as usize].as_str());
    (za == from && zb == to) || (za == to && zb == from)
}

/// The systems an inject's report names: those its `points_at` stage succeeded on.
fn pointed_at(c: &Compiled, attack: &Attack, inject: &crate::scenario::Inject) -> Vec<SysIx> {
    let Some(stage) = inject.points_at.as_deref().and_then(|s| c.stage(s)) else {
        return Vec::new();
    };
    (0..c.systems.len() as SysIx)
        .filter(|&j| attack.hits.get(j as usize).is_some_and(|h| h.contains(&stage)))
        .collect()
}
