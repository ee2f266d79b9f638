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

use std::collections::{BTreeMap, BTreeSet};

use bevy_ecs::prelude::*;
use rand::RngExt;

use super::effects::{Dirty, TickEvents};
use super::propagate::{Ranks, zone_of};
use crate::model::{
    Attack, BlockCause, Clock, Compiled, Compromise, Defence, Entities, Event, Flags, Ledger,
    Network, OpState, RecordedEvents, SimRng, StageInfo, StageRun, StageStatus, SysIx, SystemFacts,
};
use crate::scenario::{
    Logging, Minutes, Noticed, OnBlocked, Pick, Privilege, Repeat, Response, Stage, StageEffect,
    StageRequirement,
};

/// What the adversary phase only reads.
type Context<'w> = (
    Res<'w, Compiled>,
    Res<'w, Clock>,
    Res<'w, Entities>,
    Res<'w, Network>,
    Res<'w, RecordedEvents>,
    Res<'w, Ranks>,
);

/// Whether traffic from a zone reaches the internet: the network as it stands takes it to
/// an internet-facing zone. An estate that marks no zone internet-facing says nothing about
/// where the internet is, so every zone counts as reaching it.
fn egress(c: &Compiled, network: &Network, zone: u32) -> bool {
    let zones = &c.scenario.estate.zones;
    let facing = || (0..zones.len() as u32).filter(|&i| zones[i as usize].internet_facing);
    facing().next().is_none() || facing().any(|i| network.reaches(zone, i))
}

/// The systems' facts and the attacker's hold on them.
type Systems<'w, 's> = Query<'w, 's, (&'static mut SystemFacts, &'static mut Compromise)>;

/// Where the attacker holds footholds, by zone. Worked out from the whole estate at most once
/// a tick, when a stage first asks, and kept up to date as stages succeed (footholds only
/// grow during the adversary phase): so whether a system is in reach, or a zone is held, is a
/// lookup rather than a pass over every system for every candidate target.
#[derive(Debug, Default)]
struct Holdings {
    /// Zones with a foothold on a powered system that is not isolated or under maintenance:
    /// bases to reach from.
    bases: BTreeSet<u32>,
    /// The network components of the bases, as [`Network::reaches`] compares them.
    components: BTreeSet<Option<u32>>,
    /// Per zone: the highest foothold privilege on a system there that is not isolated or
    /// under maintenance.
    best: BTreeMap<u32, Privilege>,
}

impl Holdings {
    fn of(c: &Compiled, entities: &Entities, network: &Network, systems: &Systems) -> Self {
        let mut holdings = Holdings::default();
        for (i, s) in c.systems.iter().enumerate() {
            if let Ok((f, cmp)) = systems.get(entities.systems[i]) {
                holdings.note(s.zone, f, cmp, network);
            }
        }
        holdings
    }

    /// Takes a system's hold into account.
    fn note(&mut self, zone: u32, f: &SystemFacts, cmp: &Compromise, network: &Network) {
        let Some(p) = cmp.foothold else { return };
        // A host cut off, or out of service for a rebuild or a patch, is no launch point:
        // the crew cannot work from a machine that is being wiped or restarted.
        if f.isolated || f.maintenance > 0 {
            return;
        }
        let best = self.best.entry(zone).or_insert(p);
        *best = (*best).max(p);
        if f.powered && self.bases.insert(zone) {
            self.components.insert(network.component.get(zone as usize).copied());
        }
    }

    /// Whether the network as it stands takes the attacker from a base into the zone.
    fn reaches(&self, zone: u32, network: &Network) -> bool {
        self.bases.contains(&zone)
            || self.components.contains(&network.component.get(zone as usize).copied())
    }

    /// Whether the attacker holds a system of the zone, not isolated, at this privilege.
    fn holds(&self, zone: u32, privilege: Privilege) -> bool {
        self.best.get(&zone).is_some_and(|p| *p >= privilege)
    }
}

/// What the adversary phase reads while it looks at the stages, with what it works out at
/// most once a tick.
struct Look<'a> {
    c: &'a Compiled,
    entities: &'a Entities,
    network: &'a Network,
    ranks: &'a Ranks,
    /// Worked out when first needed this tick.
    holdings: Option<Holdings>,
    /// Systems data is leaving through, when a stage that exfiltrates first succeeds.
    exfiltrating: Option<BTreeSet<SysIx>>,
}

impl Look<'_> {
    fn holdings(&mut self, systems: &Systems) -> &Holdings {
        let (c, entities, network) = (self.c, self.entities, self.network);
        self.holdings.get_or_insert_with(|| Holdings::of(c, entities, network, systems))
    }

    /// Whether a stage's non-target preconditions hold.
    fn ready(
        &mut self,
        stage: &Stage,
        ix: u32,
        attack: &Attack,
        flags: &Flags,
        systems: &Systems,
    ) -> bool {
        let info = &self.c.stages[ix as usize];
        if info.is_fallback && !attack.released[ix as usize] {
            return false;
        }
        info.after.iter().all(|a| a.is_some_and(|i| attack.succeeded[i as usize]))
            && self.missing(stage, attack, flags, systems).is_none()
    }

    /// The first requirement of a stage the attacker does not hold now, as the defence that
    /// took it away.
    fn missing(
        &mut self,
        stage: &Stage,
        attack: &Attack,
        flags: &Flags,
        systems: &Systems,
    ) -> Option<Defence> {
        stage.requires.iter().find_map(|r| match r {
            StageRequirement::Credential(cr) => {
                (!attack.stolen.contains(cr)).then(|| Defence::CredentialReset(cr.clone()))
            }
            StageRequirement::Flag(f) => {
                (!flags.0.contains(f)).then(|| Defence::FlagUnset(f.clone()))
            }
            StageRequirement::FootholdIn { zone, privilege } => {
                (!self.c.zone(zone).is_some_and(|z| self.holdings(systems).holds(z, *privilege)))
                    .then(|| Defence::FootholdLost(zone.clone()))
            }
        })
    }

    /// Whether the defenders undid what a stage did to any of its targets, so that a stage
    /// that repeats when undone has something to do again.
    fn undone(&self, stage: &Stage, targets: &[SysIx], attack: &Attack, systems: &Systems) -> bool {
        targets.iter().any(|&t| {
            let Ok((f, cmp)) = systems.get(self.entities.systems[t as usize]) else { return false };
            stage.effects.iter().any(|e| match e {
                StageEffect::Foothold(p) => cmp.foothold.is_none_or(|h| h < *p),
                StageEffect::StealCredential(cr) => !attack.stolen.contains(cr),
                StageEffect::Persistence => !cmp.persistence,
                StageEffect::CommandAndControl => !cmp.c2,
                StageEffect::Exfiltrate { .. } => cmp.exfil_rate <= 0.0,
                StageEffect::Encrypt => !f.encrypted,
                StageEffect::Destroy => !f.wiped,
                StageEffect::DestroyBackups => false,
            })
        })
    }

    /// Whether the attacker can reach a system for this stage now.
    fn in_reach(&mut self, info: &StageInfo, t: SysIx, systems: &Systems) -> bool {
        self.barrier(info, t, systems).is_none()
    }

    /// What keeps the attacker from a system for this stage now, if anything.
    fn barrier(&mut self, info: &StageInfo, t: SysIx, systems: &Systems) -> Option<Defence> {
        let id = || self.c.systems[t as usize].id.clone();
        let Ok((f, cmp)) = systems.get(self.entities.systems[t as usize]) else {
            return Some(Defence::OutOfReach(id()));
        };
        if f.isolated {
            return Some(Defence::Isolated(id()));
        }
        if f.wiped {
            return Some(Defence::Wiped(id()));
        }
        if !f.powered {
            return Some(Defence::PoweredOff(id()));
        }
        if f.patched && info.needs_vuln {
            return Some(Defence::Patched(id()));
        }
        if info.needs_c2 && f.c2_blocked {
            return Some(Defence::C2Blocked(id()));
        }
        // Initial access comes from the internet, and command and control goes back to it.
        let here = zone_of(&self.c.systems[t as usize], f, self.ranks);
        if (info.entry || info.needs_c2) && !egress(self.c, self.network, here) {
            return Some(Defence::NoPathOut(id()));
        }
        if !info.entry && cmp.foothold.is_none() {
            let (zone, network) = (self.c.systems[t as usize].zone, self.network);
            if !self.holdings(systems).reaches(zone, network) {
                return Some(Defence::OutOfReach(id()));
            }
        }
        // Down for a patch or a rebuild, it answers nothing the attacker sends until the
        // work is over: the last barrier, as the only one that lifts by itself.
        (f.maintenance > 0).then(|| Defence::Maintenance(id()))
    }
}

/// The adversary phase.
#[allow(clippy::too_many_arguments)]
pub fn advance_stages(
    (c, clock, entities, network, recorded, ranks): Context<'_>,
    flags: Res<Flags>,
    mut attack: ResMut<Attack>,
    mut rng: ResMut<SimRng>,
    mut dirty: ResMut<Dirty>,
    mut events: ResMut<TickEvents>,
    mut ledger: ResMut<Ledger>,
    mut stages: Query<&mut StageRun>,
    mut systems: Systems,
    states: Query<&OpState>,
) {
    let now = clock.now;
    let serving = |t: SysIx| {
        entities
            .systems
            .get(t as usize)
            .is_some_and(|&e| states.get(e).is_ok_and(|op| op.available))
    };
    let flow =
        Flow { c: &c, entities: &entities, network: &network, ranks: &ranks, serving: &serving };
    exfiltrate(&flow, &clock, &mut attack, &mut ledger, &mut events.0, &systems);
    let Some(adv) = &c.scenario.adversary else { return };
    let mut runs: Vec<Mut<StageRun>> = stages.iter_mut().collect();
    runs.sort_by_key(|r| r.ix);

    // An eviction sends the stages that took the system from inside back to waiting: the
    // attacker comes back by the same path if it still can. Initial access from outside
    // comes back only when its author says it repeats.
    if !attack.evicted.is_empty() {
        let evicted: BTreeSet<SysIx> = std::mem::take(&mut attack.evicted).into_iter().collect();
        for run in runs.iter_mut() {
            let info = &c.stages[run.ix as usize];
            if run.status == StageStatus::Succeeded
                && info.gives_foothold
                && !info.entry
                && run.targets.iter().any(|t| evicted.contains(t))
            {
                run.status = StageStatus::Waiting;
            }
        }
        attack.evaluated_at = None;
    }
    if !attack.noticed.is_empty() {
        react(&c, now, &mut attack, &mut runs, &mut events.0);
    }
    let tick = clock.tick;

    let mut look = Look {
        c: &c,
        entities: &entities,
        network: &network,
        ranks: &ranks,
        holdings: None,
        exfiltrating: None,
    };
    // Waiting stages are evaluated only when something happened since the last look (or a
    // time they wait for has come), which keeps quiet stretches cheap on big estates.
    let changed = attack.evaluated_at != Some(recorded.0.len());
    let mut repeating = false;
    for run in runs.iter_mut() {
        let stage = &adv.stages[run.ix as usize];
        let again = match (run.status, stage.repeat) {
            (StageStatus::Succeeded, Repeat::Every(every)) => {
                run.last_success.is_some_and(|at| now >= at.saturating_add(every))
            }
            (StageStatus::Succeeded, Repeat::WhenUndone) => {
                changed && look.undone(stage, &run.targets, &attack, &systems)
            }
            _ => false,
        };
        if again {
            run.status = StageStatus::Waiting;
            repeating = true;
        }
    }
    let changed = changed || repeating;
    for run in runs.iter_mut() {
        let stage = &adv.stages[run.ix as usize];
        let info = &c.stages[run.ix as usize];
        match run.status {
            StageStatus::Running { until } if until <= now => {
                let still: Vec<SysIx> = run
                    .targets
                    .iter()
                    .copied()
                    .filter(|&t| look.in_reach(info, t, &systems))
                    .collect();
                let roll = rng.0.random::<f64>();
                // What it needed cannot have been given back while it ran (stages that
                // succeeded stay succeeded), so only its requirements can be missing now.
                let why = if let Some(d) = look.missing(stage, &attack, &flags, &systems) {
                    Some(BlockCause::Defence(d))
                } else if still.is_empty() {
                    let cut = run.targets.iter().find_map(|&t| look.barrier(info, t, &systems));
                    Some(BlockCause::Defence(
                        cut.unwrap_or_else(|| Defence::OutOfReach(stage.id.clone())),
                    ))
                } else if roll >= stage.success {
                    Some(BlockCause::Chance)
                } else {
                    None
                };
                if let Some(why) = why {
                    blocked(&c, run, stage, now, &mut attack, &mut events.0, why);
                } else {
                    let names = still.iter().map(|&t| c.systems[t as usize].id.clone()).collect();
                    let mut effects = Effects {
                        look: &mut look,
                        ix: run.ix,
                        stage,
                        attack: &mut attack,
                        dirty: &mut dirty,
                        events: &mut events.0,
                    };
                    for &t in &still {
                        effects.apply(t, &mut systems);
                    }
                    attack.succeeded[run.ix as usize] = true;
                    run.status = StageStatus::Succeeded;
                    run.next_alert = None;
                    run.last_success = Some(now);
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
                let (pace, quiet) =
                    (attack.pace[run.ix as usize], attack.quiet_until[run.ix as usize]);
                let came = |t: Minutes| now >= t && now < t.saturating_add(tick);
                let timely = changed
                    || came(stage.earliest)
                    || came(quiet)
                    || matches!(run.status, StageStatus::Retrying { at } if at == now);
                // A stage that hurried no longer waits for its earliest time.
                let early = now < stage.earliest && pace >= 1.0;
                if !due
                    || !timely
                    || early
                    || now < quiet
                    || !look.ready(stage, run.ix, &attack, &flags, &systems)
                {
                    continue;
                }
                let selected = info.targets.select(&c.systems);
                let candidates: Vec<SysIx> = selected
                    .iter()
                    .copied()
                    .filter(|&t| look.in_reach(info, t, &systems))
                    .collect();
                if candidates.is_empty() {
                    // Targets exist but none is in reach (patched, isolated, cut off): a
                    // stage that would rather retry, give up or switch path does so now;
                    // one that waits keeps waiting. So does one whose target is only down
                    // for work on it: the attacker tries again when it is back.
                    let cuts: Vec<Defence> =
                        selected.iter().filter_map(|&t| look.barrier(info, t, &systems)).collect();
                    let lifts = cuts.iter().any(|d| matches!(d, Defence::Maintenance(_)));
                    if !selected.is_empty() && stage.on_blocked != OnBlocked::Wait && !lifts {
                        let cut = cuts.into_iter().next();
                        let why = BlockCause::Defence(
                            cut.unwrap_or_else(|| Defence::OutOfReach(stage.id.clone())),
                        );
                        blocked(&c, run, stage, now, &mut attack, &mut events.0, why);
                    }
                    continue;
                }
                let targets = pick(candidates, stage.targets.pick, &mut rng);
                let until = now.saturating_add(paced(stage.duration, pace));
                run.next_alert = next_alert(&c, stage, &targets, now, &mut rng);
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
    if changed {
        let stalled = stalled(&mut look, adv, &runs, &attack, &flags, &systems);
        if stalled != attack.stalled {
            attack.stalled = stalled;
            events.0.push(if stalled { Event::CampaignStalled } else { Event::CampaignResumed });
        }
    }
    attack.evaluated_at = Some(recorded.0.len());
}

/// A duration at a stage's pace, at least a minute.
fn paced(duration: Minutes, pace: f64) -> Minutes {
    let m = (f64::from(duration.0) * pace).round();
    Minutes(if m >= f64::from(u32::MAX) { u32::MAX } else { (m as u32).max(1) })
}

/// Whether no stage can make progress as things stand, while some stage has not succeeded
/// (a campaign that did all it set out to do is not stalled but done): nothing runs, no data
/// flows, and no stage that could start again has its preconditions and a target in reach,
/// whatever time it waits for.
fn stalled(
    look: &mut Look<'_>,
    adv: &crate::scenario::Adversary,
    runs: &[Mut<StageRun>],
    attack: &Attack,
    flags: &Flags,
    systems: &Systems,
) -> bool {
    if !attack.exfiltrating.is_empty()
        || runs.iter().any(|r| matches!(r.status, StageStatus::Running { .. }))
    {
        return false;
    }
    let c = look.c;
    let counts =
        |r: &StageRun| !c.stages[r.ix as usize].is_fallback || attack.released[r.ix as usize];
    if !runs.iter().any(|r| counts(r) && r.status != StageStatus::Succeeded) {
        return false;
    }
    !runs.iter().any(|r| {
        let stage = &adv.stages[r.ix as usize];
        let could_start = match r.status {
            StageStatus::Waiting | StageStatus::Retrying { .. } => true,
            StageStatus::Succeeded => matches!(stage.repeat, Repeat::Every(_)),
            _ => false,
        };
        could_start && look.ready(stage, r.ix, attack, flags, systems) && {
            let info = &c.stages[r.ix as usize];
            // A target down for maintenance comes back when the work is over: waiting for it
            // is not a stalled campaign.
            info.targets.select(&c.systems).into_iter().any(|t| {
                matches!(look.barrier(info, t, systems), None | Some(Defence::Maintenance(_)))
            })
        }
    })
}

/// Reacts to the containment the attacker saw: each stage's reactions to it fire, once.
fn react(
    c: &Compiled,
    now: Minutes,
    attack: &mut Attack,
    runs: &mut [Mut<StageRun>],
    events: &mut Vec<Event>,
) {
    let Some(adv) = &c.scenario.adversary else { return };
    let noticed: BTreeSet<Noticed> = std::mem::take(&mut attack.noticed).into_iter().collect();
    for run in runs.iter_mut() {
        let ix = run.ix as usize;
        if run.status == StageStatus::Abandoned {
            continue;
        }
        let stage = &adv.stages[ix];
        for (r, reaction) in stage.reacts.iter().enumerate() {
            let fired = attack.reacted.get(ix).and_then(|v| v.get(r)).copied().unwrap_or(true);
            if fired || !noticed.contains(&reaction.on) {
                continue;
            }
            attack.reacted[ix][r] = true;
            match &reaction.then {
                Response::Fallback(other) => {
                    if let Some(i) = c.stage(other) {
                        attack.released[i as usize] = true;
                    }
                }
                Response::Accelerate(x) => {
                    let x = x.clamp(0.0, 1.0);
                    attack.pace[ix] *= x;
                    if let StageStatus::Running { until } = run.status {
                        let left = paced(Minutes(until.0.saturating_sub(now.0)), x);
                        run.status = StageStatus::Running { until: now.saturating_add(left) };
                        run.next_alert = run.next_alert.filter(|a| *a < now.saturating_add(left));
                    }
                }
                Response::GoQuiet(quiet) => {
                    attack.quiet_until[ix] = now.saturating_add(*quiet);
                    if let StageStatus::Running { until } = run.status {
                        run.status = StageStatus::Running { until: until.saturating_add(*quiet) };
                        run.next_alert = None;
                    }
                }
            }
            events.push(Event::StageReacted {
                stage: stage.id.clone(),
                noticed: reaction.on,
                reaction: reaction.then.to_string(),
            });
        }
    }
    attack.evaluated_at = None;
}

/// Draws `how` many of the candidates (in index order), each uniformly among those not yet
/// drawn, and returns them in index order.
fn pick(candidates: Vec<SysIx>, how: Pick, rng: &mut SimRng) -> Vec<SysIx> {
    let n = match how {
        Pick::All => return candidates,
        Pick::One => 1,
        Pick::Some(n) => n as usize,
    };
    // The i-th remaining candidate is found in a Fenwick tree of those still in the pool,
    // so drawing many of a large pool costs n log n rather than n times the pool.
    let mut pool = Remaining::new(candidates.len());
    let mut chosen = Vec::with_capacity(n.min(candidates.len()));
    while chosen.len() < n && pool.left > 0 {
        let i = rng.0.random_range(0..pool.left);
        chosen.push(candidates[pool.take(i)]);
    }
    chosen.sort_unstable();
    chosen
}

/// Positions `0..len` still in a pool, in order, in a Fenwick tree of counts.
struct Remaining {
    tree: Vec<usize>,
    left: usize,
}

impl Remaining {
    fn new(len: usize) -> Self {
        // Every position present: node k covers the `k & k.wrapping_neg()` positions ending
        // at k (1-based).
        let tree = (0..=len).map(|k| k & k.wrapping_neg()).collect();
        Remaining { tree, left: len }
    }

    /// Removes the `i`-th (0-based) position still present and returns it.
    fn take(&mut self, i: usize) -> usize {
        let len = self.tree.len() - 1;
        // Descend to the largest prefix holding at most `i` present positions.
        let (mut at, mut rest) = (0, i);
        let mut step = if len == 0 { 0 } else { 1 << len.ilog2() };
        while step > 0 {
            let next = at + step;
            if next <= len && self.tree[next] <= rest {
                at = next;
                rest -= self.tree[next];
            }
            step >>= 1;
        }
        // `at + 1` (1-based) is the position sought.
        let mut k = at + 1;
        while k <= len {
            self.tree[k] -= 1;
            k += k & k.wrapping_neg();
        }
        self.left -= 1;
        at
    }
}

/// How much louder a stage is on a system for its controls: EDR triples the noise,
/// central logging adds half (basic) or all (full) again.
pub(super) fn loudness(c: &Compiled, t: SysIx) -> f64 {
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
    why: BlockCause,
) {
    run.next_alert = None;
    run.status = match &stage.on_blocked {
        OnBlocked::Wait => StageStatus::Waiting,
        OnBlocked::Retry(after) => {
            StageStatus::Retrying { at: now.saturating_add(Minutes(after.0.max(1))) }
        }
        OnBlocked::Abandon => StageStatus::Abandoned,
        OnBlocked::Fallback(_) => {
            if let Some(i) = c.stages[run.ix as usize].fallback {
                attack.released[i as usize] = true;
                attack.evaluated_at = None;
            }
            StageStatus::Abandoned
        }
    };
    events.push(Event::StageBlocked { stage: stage.id.clone(), cause: why });
}

/// A successful stage's effects on its targets, and on what the phase keeps track of.
struct Effects<'l, 'a> {
    look: &'l mut Look<'a>,
    /// The stage's index.
    ix: u32,
    stage: &'l Stage,
    attack: &'l mut Attack,
    dirty: &'l mut Dirty,
    events: &'l mut Vec<Event>,
}

impl Effects<'_, '_> {
    fn apply(&mut self, t: SysIx, systems: &mut Systems) {
        let (c, stage) = (self.look.c, self.stage);
        let id = c.systems[t as usize].id.clone();
        let Ok((mut f, mut cmp)) = systems.get_mut(self.look.entities.systems[t as usize]) else {
            return;
        };
        let was_present = cmp.present();
        for effect in &stage.effects {
            match effect {
                StageEffect::Foothold(p) => {
                    if cmp.foothold.is_none_or(|have| have < *p) {
                        cmp.foothold = Some(*p);
                        self.dirty.touch(t);
                        self.events.push(Event::Compromised {
                            system: id.clone(),
                            privilege: *p,
                            stage: stage.id.clone(),
                        });
                    }
                }
                StageEffect::StealCredential(cr) => {
                    if self.attack.stolen.insert(cr.clone()) {
                        self.events.push(Event::CredentialStolen { credential: cr.clone() });
                    }
                }
                StageEffect::Persistence => {
                    cmp.persistence = true;
                    if cmp.foothold.is_none() {
                        cmp.foothold = Some(Privilege::User);
                    }
                    self.dirty.touch(t);
                }
                StageEffect::CommandAndControl => {
                    if !f.c2_blocked {
                        cmp.c2 = true;
                        self.dirty.touch(t);
                    }
                }
                StageEffect::Exfiltrate { gb_per_hour } => {
                    cmp.exfil_rate = *gb_per_hour;
                    self.dirty.touch(t);
                    let attack = &mut *self.attack;
                    let flowing = self.look.exfiltrating.get_or_insert_with(|| {
                        attack.exfiltrating.iter().map(|&(s, _)| s).collect()
                    });
                    if flowing.insert(t) {
                        attack.exfiltrating.push((t, 0.0));
                    }
                }
                StageEffect::Encrypt => {
                    f.encrypted = true;
                    cmp.payload = true;
                    cmp.ransomed = true;
                    self.dirty.mark(t);
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
                        self.events
                            .push(Event::BackupsDestroyed { system: id.clone(), backups: gone });
                    }
                }
                StageEffect::Destroy => {
                    f.wiped = true;
                    self.dirty.mark(t);
                }
            }
        }
        if !was_present && cmp.present() {
            // Evidence collected before the intrusion holds nothing of it.
            f.evidence.collected = false;
        }
        if let Some(hits) = self.attack.hits.get_mut(t as usize)
            && !hits.contains(&self.ix)
        {
            hits.push(self.ix);
        }
        // Later stages this tick reach from, and may require, the footholds just gained.
        if let Some(holdings) = self.look.holdings.as_mut() {
            holdings.note(c.systems[t as usize].zone, &f, &cmp, self.look.network);
        }
    }
}

/// What decides whether data can leave a system.
struct Flow<'a> {
    c: &'a Compiled,
    entities: &'a Entities,
    network: &'a Network,
    ranks: &'a Ranks,
    /// Whether a system serves its users now.
    serving: &'a dyn Fn(SysIx) -> bool,
}

/// Data leaves through systems with command and control, until C2 is cut, the system stops
/// serving (down, isolated, off), its path to the internet is cut, or its data is all gone.
/// Reported hourly and when a flow stops.
fn exfiltrate(
    flow: &Flow<'_>,
    clock: &Clock,
    attack: &mut Attack,
    ledger: &mut Ledger,
    events: &mut Vec<Event>,
    systems: &Systems,
) {
    if attack.exfiltrating.is_empty() {
        return;
    }
    let (c, entities) = (flow.c, flow.entities);
    let hours = f64::from(clock.tick.0) / 60.0;
    // Reported hourly, and at the drill's last tick so the log holds every gigabyte.
    let report_hour =
        clock.now.0.is_multiple_of(60) || clock.now.saturating_add(clock.tick) >= clock.end;
    let mut still = Vec::new();
    for (t, pending) in std::mem::take(&mut attack.exfiltrating) {
        let info = &c.systems[t as usize];
        let flowing = (flow.serving)(t)
            && systems.get(entities.systems[t as usize]).is_ok_and(|(f, cmp)| {
                cmp.c2
                    && !f.c2_blocked
                    && cmp.exfil_rate > 0.0
                    && egress(c, flow.network, zone_of(info, f, flow.ranks))
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
