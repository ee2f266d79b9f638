//! The adversary phase: the attacker's campaign stages start when their preconditions hold
//! and a target is in reach, run for their duration, then succeed or are blocked; data
//! leaves through systems under command and control.
//!
//! Reach: an entry stage (no `after`, no foothold requirement) reaches any matching system
//! that is not isolated — initial access comes from outside, by the internet or by mail.
//! Any other stage reaches a system only from a zone where the attacker holds a foothold on
//! a system that is not isolated, through the network as it stands. Patched systems are out
//! of reach of stages that select on `vuln:` tags; C2 and exfiltration stages cannot use a
//! system whose C2 is blocked.

use bevy_ecs::prelude::*;
use rand::RngExt;

use super::effects::{Dirty, TickEvents};
use crate::model::{
    Attack, Clock, Compiled, Compromise, Entities, Event, Flags, Ledger, Network, RecordedEvents,
    SimRng, StageRun, StageStatus, SysIx, SystemFacts,
};
use crate::scenario::{
    Logging, Minutes, OnBlocked, Pick, Privilege, Stage, StageEffect, StageRequirement,
};

/// What the adversary phase only reads.
type Context<'w> = (
    Res<'w, Compiled>,
    Res<'w, Clock>,
    Res<'w, Entities>,
    Res<'w, Network>,
    Res<'w, RecordedEvents>,
);

/// The adversary phase.
#[allow(clippy::too_many_arguments)]
pub fn advance_stages(
    (c, clock, entities, network, recorded): Context<'_>,
    flags: Res<Flags>,
    mut attack: ResMut<Attack>,
    mut rng: ResMut<SimRng>,
    mut dirty: ResMut<Dirty>,
    mut events: ResMut<TickEvents>,
    mut ledger: ResMut<Ledger>,
    mut stages: Query<&mut StageRun>,
    mut systems: Query<(&mut SystemFacts, &mut Compromise)>,
) {
    let now = clock.now;
    exfiltrate(&c, &clock, &entities, &mut attack, &mut ledger, &mut events.0, &systems);
    let Some(adv) = &c.scenario.adversary else { return };
    let mut runs: Vec<Mut<StageRun>> = stages.iter_mut().collect();
    runs.sort_by_key(|r| r.ix);

    // An eviction sends the stages that took the system back to waiting: the attacker
    // comes back by the same path if it still can.
    if !attack.evicted.is_empty() {
        let evicted = std::mem::take(&mut attack.evicted);
        for run in runs.iter_mut() {
            let stage = &adv.stages[run.ix as usize];
            if run.status == StageStatus::Succeeded
                && stage.effects.iter().any(|e| matches!(e, StageEffect::Foothold(_)))
                && run.targets.iter().any(|t| evicted.contains(t))
            {
                run.status = StageStatus::Waiting;
            }
        }
        attack.evaluated_at = None;
    }

    // Waiting stages are evaluated only when something happened since the last look (or a
    // time they wait for has come), which keeps quiet stretches cheap on big estates.
    let changed = attack.evaluated_at != Some(recorded.0.len());
    for run in runs.iter_mut() {
        let stage = &adv.stages[run.ix as usize];
        match run.status {
            StageStatus::Running { until } if until <= now => {
                let still: Vec<SysIx> = run
                    .targets
                    .iter()
                    .copied()
                    .filter(|&t| in_reach(&c, stage, t, &entities, &network, &systems))
                    .collect();
                let roll = rng.0.random::<f64>();
                let why = if !ready(&c, stage, run.ix, &attack, &flags, &entities, &systems) {
                    Some("what it needed was taken away")
                } else if still.is_empty() {
                    Some("its path to the targets was cut")
                } else if roll >= stage.success {
                    Some("it failed")
                } else {
                    None
                };
                if let Some(why) = why {
                    blocked(&c, run, stage, now, &mut attack, &mut events.0, why);
                } else {
                    let names = still.iter().map(|&t| c.systems[t as usize].id.clone()).collect();
                    for &t in &still {
                        apply(
                            &c,
                            stage,
                            t,
                            now,
                            &entities,
                            &mut attack,
                            &mut dirty,
                            &mut events.0,
                            &mut systems,
                        );
                    }
                    attack.succeeded[run.ix as usize] = true;
                    run.status = StageStatus::Succeeded;
                    run.next_alert = None;
                    events
                        .0
                        .push(Event::StageSucceeded { stage: stage.id.clone(), targets: names });
                }
            }
            StageStatus::Waiting | StageStatus::Retrying { .. } => {
                let due = match run.status {
                    StageStatus::Retrying { at } => at <= now,
                    _ => true,
                };
                let timely = changed
                    || now == stage.earliest
                    || matches!(run.status, StageStatus::Retrying { at } if at == now);
                if !due
                    || !timely
                    || now < stage.earliest
                    || !ready(&c, stage, run.ix, &attack, &flags, &entities, &systems)
                {
                    continue;
                }
                let candidates: Vec<SysIx> = (0..c.systems.len() as u32)
                    .filter(|&t| {
                        selected(&c, stage, t)
                            && in_reach(&c, stage, t, &entities, &network, &systems)
                    })
                    .collect();
                if candidates.is_empty() {
                    // Targets exist but none is in reach (patched, isolated, cut off): a
                    // stage that would rather retry, give up or switch path does so now;
                    // one that waits keeps waiting.
                    let exists = (0..c.systems.len() as u32).any(|t| selected(&c, stage, t));
                    if exists && stage.on_blocked != OnBlocked::Wait {
                        blocked(
                            &c,
                            run,
                            stage,
                            now,
                            &mut attack,
                            &mut events.0,
                            "no target is in reach",
                        );
                    }
                    continue;
                }
                let targets = pick(&candidates, stage.targets.pick, &mut rng);
                let until = Minutes(now.0 + stage.duration.0.max(1));
                run.next_alert = next_alert(&c, stage, &targets, now, &mut rng);
                run.attempts += 1;
                events.0.push(Event::StageStarted {
                    stage: stage.id.clone(),
                    technique: stage.technique.clone(),
                    targets: targets.iter().map(|&t| c.systems[t as usize].id.clone()).collect(),
                });
                run.targets = targets;
                run.status = StageStatus::Running { until };
            }
            _ => {}
        }
    }
    attack.evaluated_at = Some(recorded.0.len());
}

/// Whether a stage's non-target preconditions hold.
fn ready(
    c: &Compiled,
    stage: &Stage,
    ix: u32,
    attack: &Attack,
    flags: &Flags,
    entities: &Entities,
    systems: &Query<(&mut SystemFacts, &mut Compromise)>,
) -> bool {
    let adv = c.scenario.adversary.as_ref();
    let is_fallback = adv.is_some_and(|a| {
        a.stages.iter().any(|s| matches!(&s.on_blocked, OnBlocked::Fallback(f) if *f == stage.id))
    });
    if is_fallback && !attack.released[ix as usize] {
        return false;
    }
    let succeeded = |id: &str| {
        adv.and_then(|a| a.stages.iter().position(|s| s.id == id))
            .is_some_and(|i| attack.succeeded[i])
    };
    stage.after.iter().all(|a| succeeded(a))
        && stage.requires.iter().all(|r| match r {
            StageRequirement::Credential(cr) => attack.stolen.contains(cr),
            StageRequirement::Flag(f) => flags.0.contains(f),
            StageRequirement::FootholdIn { zone, privilege } => c.zone(zone).is_some_and(|z| {
                c.systems.iter().enumerate().any(|(i, s)| {
                    s.zone == z
                        && systems.get(entities.systems[i]).is_ok_and(|(f, cmp)| {
                            !f.isolated && cmp.foothold.is_some_and(|p| p >= *privilege)
                        })
                })
            }),
        })
}

/// Whether a system matches a stage's target selector.
fn selected(c: &Compiled, stage: &Stage, t: SysIx) -> bool {
    let s = &c.systems[t as usize];
    let sel = &stage.targets;
    (sel.ids.is_empty() || sel.ids.contains(&s.id))
        && (sel.zones.is_empty() || sel.zones.iter().any(|z| c.zone(z) == Some(s.zone)))
        && (sel.kinds.is_empty() || sel.kinds.contains(&s.kind))
        && (sel.tags.is_empty() || sel.tags.iter().any(|tag| s.tags.contains(tag)))
}

fn is_entry(stage: &Stage) -> bool {
    stage.after.is_empty()
        && !stage.requires.iter().any(|r| matches!(r, StageRequirement::FootholdIn { .. }))
}

/// Whether the attacker can reach a system for this stage now.
fn in_reach(
    c: &Compiled,
    stage: &Stage,
    t: SysIx,
    entities: &Entities,
    network: &Network,
    systems: &Query<(&mut SystemFacts, &mut Compromise)>,
) -> bool {
    let Ok((f, cmp)) = systems.get(entities.systems[t as usize]) else { return false };
    if f.isolated || f.wiped || !f.powered {
        return false;
    }
    if f.patched && stage.targets.tags.iter().any(|tag| tag.starts_with("vuln:")) {
        return false;
    }
    let needs_c2 = stage
        .effects
        .iter()
        .any(|e| matches!(e, StageEffect::CommandAndControl | StageEffect::Exfiltrate { .. }));
    if needs_c2 && f.c2_blocked {
        return false;
    }
    if is_entry(stage) || cmp.foothold.is_some() {
        return true;
    }
    let zone = c.systems[t as usize].zone;
    c.systems.iter().enumerate().any(|(i, s)| {
        systems.get(entities.systems[i]).is_ok_and(|(f, cmp)| {
            cmp.foothold.is_some() && !f.isolated && f.powered && network.reaches(s.zone, zone)
        })
    })
}

fn pick(candidates: &[SysIx], how: Pick, rng: &mut SimRng) -> Vec<SysIx> {
    match how {
        Pick::All => candidates.to_vec(),
        Pick::One | Pick::Some(_) => {
            let n = if let Pick::Some(n) = how { n as usize } else { 1 };
            let mut pool = candidates.to_vec();
            let mut chosen = Vec::new();
            while chosen.len() < n && !pool.is_empty() {
                let i = rng.0.random_range(0..pool.len());
                chosen.push(pool.remove(i));
            }
            chosen.sort_unstable();
            chosen
        }
    }
}

/// How much louder a stage is on a system for its controls: EDR triples the noise,
/// central logging adds half (basic) or all (full) again.
fn loudness(c: &Compiled, t: SysIx) -> f64 {
    let ctl = c.systems[t as usize].controls;
    let logging = match ctl.logging {
        Logging::None => 0.0,
        Logging::Basic => 0.5,
        Logging::Full => 1.0,
    };
    1.0 + if ctl.edr { 2.0 } else { 0.0 } + logging
}

/// Draws when a running stage is next noticed: a waiting time rather than a roll a tick,
/// the same process at a fraction of the cost.
pub fn next_alert(
    c: &Compiled,
    stage: &Stage,
    targets: &[SysIx],
    now: Minutes,
    rng: &mut SimRng,
) -> Option<Minutes> {
    let factor = targets.iter().map(|&t| loudness(c, t)).fold(0.0, f64::max);
    let per_tick = 1.0 - (1.0 - stage.noise.clamp(0.0, 1.0)).powf(factor);
    let ticks = geometric(per_tick, rng)?;
    let tick = c.scenario.meta.tick.0.max(1);
    Some(Minutes(now.0.saturating_add(ticks.saturating_mul(tick))))
}

/// Ticks until the first success of a per-tick chance `p` (at least 1), if ever.
pub fn geometric(p: f64, rng: &mut SimRng) -> Option<u32> {
    if p <= 0.0 || p.is_nan() {
        return None;
    }
    if p >= 1.0 {
        return Some(1);
    }
    let u: f64 = rng.0.random::<f64>();
    let n = ((1.0 - u).ln() / (1.0 - p).ln()).floor() + 1.0;
    Some(if n > f64::from(u32::MAX / 2) { u32::MAX / 2 } else { n as u32 })
}

fn blocked(
    c: &Compiled,
    run: &mut StageRun,
    stage: &Stage,
    now: Minutes,
    attack: &mut Attack,
    events: &mut Vec<Event>,
    why: &str,
) {
    run.next_alert = None;
    run.status = match &stage.on_blocked {
        OnBlocked::Wait => StageStatus::Waiting,
        OnBlocked::Retry(after) => StageStatus::Retrying { at: Minutes(now.0 + after.0.max(1)) },
        OnBlocked::Abandon => StageStatus::Abandoned,
        OnBlocked::Fallback(other) => {
            let other = c
                .scenario
                .adversary
                .as_ref()
                .and_then(|a| a.stages.iter().position(|s| &s.id == other));
            if let Some(i) = other {
                attack.released[i] = true;
                attack.evaluated_at = None;
            }
            StageStatus::Abandoned
        }
    };
    events.push(Event::StageBlocked { stage: stage.id.clone(), reason: why.to_owned() });
}

#[allow(clippy::too_many_arguments)]
fn apply(
    c: &Compiled,
    stage: &Stage,
    t: SysIx,
    now: Minutes,
    entities: &Entities,
    attack: &mut Attack,
    dirty: &mut Dirty,
    events: &mut Vec<Event>,
    systems: &mut Query<(&mut SystemFacts, &mut Compromise)>,
) {
    let id = c.systems[t as usize].id.clone();
    let Ok((mut f, mut cmp)) = systems.get_mut(entities.systems[t as usize]) else { return };
    for effect in &stage.effects {
        match effect {
            StageEffect::Foothold(p) => {
                if cmp.foothold.is_none_or(|have| have < *p) {
                    cmp.foothold = Some(*p);
                    cmp.since.get_or_insert(now);
                    events.push(Event::Compromised {
                        system: id.clone(),
                        privilege: *p,
                        stage: stage.id.clone(),
                    });
                }
            }
            StageEffect::StealCredential(cr) => {
                if attack.stolen.insert(cr.clone()) {
                    events.push(Event::CredentialStolen { credential: cr.clone() });
                }
            }
            StageEffect::Persistence => {
                cmp.persistence = true;
                if cmp.foothold.is_none() {
                    cmp.foothold = Some(Privilege::User);
                    cmp.since.get_or_insert(now);
                }
            }
            StageEffect::CommandAndControl => {
                if !f.c2_blocked {
                    cmp.c2 = true;
                }
            }
            StageEffect::Exfiltrate { gb_per_hour } => {
                cmp.exfil_rate = *gb_per_hour;
                if !attack.exfiltrating.iter().any(|(s, _)| *s == t) {
                    attack.exfiltrating.push((t, 0.0));
                }
            }
            StageEffect::Encrypt => {
                f.encrypted = true;
                cmp.payload = true;
                cmp.ransomed = true;
                dirty.mark(t);
            }
            StageEffect::DestroyBackups => {
                let gone: Vec<String> = f
                    .backups
                    .iter_mut()
                    .filter(|b| !b.destroyed && !b.offline && !b.immutable)
                    .map(|b| {
                        b.destroyed = true;
                        b.id.clone()
                    })
                    .collect();
                if !gone.is_empty() {
                    events.push(Event::BackupsDestroyed { system: id.clone(), backups: gone });
                }
            }
            StageEffect::Destroy => {
                f.wiped = true;
                dirty.mark(t);
            }
        }
    }
}

/// Data leaves through systems with command and control, until C2 is cut, the system is
/// isolated or off, or its data is all gone. Reported hourly and when a flow stops.
fn exfiltrate(
    c: &Compiled,
    clock: &Clock,
    entities: &Entities,
    attack: &mut Attack,
    ledger: &mut Ledger,
    events: &mut Vec<Event>,
    systems: &Query<(&mut SystemFacts, &mut Compromise)>,
) {
    if attack.exfiltrating.is_empty() {
        return;
    }
    let hours = f64::from(clock.tick.0) / 60.0;
    // Reported hourly, and at the drill's last tick so the log holds every gigabyte.
    let report_hour = clock.now.0.is_multiple_of(60) || clock.now.0 + clock.tick.0 >= clock.end.0;
    let mut still = Vec::new();
    for (t, pending) in std::mem::take(&mut attack.exfiltrating) {
        let info = &c.systems[t as usize];
        let flowing = systems.get(entities.systems[t as usize]).is_ok_and(|(f, cmp)| {
            cmp.c2 && !f.c2_blocked && !f.isolated && f.powered && cmp.exfil_rate > 0.0
        });
        let rate = systems.get(entities.systems[t as usize]).map_or(0.0, |(_, cmp)| cmp.exfil_rate);
        let left = (info.data_gb - attack.taken_gb[t as usize]).max(0.0);
        let gb = if flowing { (rate * hours).min(left) } else { 0.0 };
        attack.taken_gb[t as usize] += gb;
        ledger.exfiltrated_gb += gb;
        let pending = pending + gb;
        let stops = !flowing || left - gb <= 0.0;
        if (report_hour || stops) && pending > 0.0 {
            events.push(Event::Exfiltrated { system: info.id.clone(), gb: pending });
            if !stops {
                still.push((t, 0.0));
            }
        } else if !stops {
            still.push((t, pending));
        }
    }
    attack.exfiltrating = still;
}
