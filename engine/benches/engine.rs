//! Micro-benchmarks of the engine on generated estates: incremental availability after one
//! isolation, zone reachability, a full day of a 10,000-system estate, a long run of a small
//! one, the fixed cost of running the tick schedule; and the corners that were quadratic: a
//! campaign whose stages take every system of a 20,000-system estate, and checking a chain
//! of 16,000 stages listed in reverse order.
//!
//! Run with `cargo bench -p tabletop-engine`; `cargo bench -p tabletop-engine -- day` runs
//! the benchmarks whose name contains `day`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{ScheduleLabel, SingleThreadedExecutor};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use tabletop_engine::generate::{DOMAIN_CONTROLLER, generate_estate};
use tabletop_engine::model::{Compiled, Entities, Network, OpState, RecordedEvents, SystemFacts};
use tabletop_engine::scenario::{
    Adversary, Minutes, OnBlocked, Pick, Privilege, Repeat, Stage, StageEffect, StageRequirement,
    SystemKind, Targets, check_bytes,
};
use tabletop_engine::sim::{Dirty, recompute_network, settle};
use tabletop_engine::{Drill, Event, Scenario};

const SEED: u64 = 1;

/// A generated estate whose drill lasts `minutes` (so a benchmark never reaches the end).
fn estate(systems: usize, minutes: u32) -> Arc<Scenario> {
    let mut s = generate_estate(systems, SEED);
    s.meta.duration = Minutes(minutes);
    Arc::new(s)
}

/// The same estate with nothing happening on its own: no campaign, no disaster events, so
/// every system is up and an isolation's cascade is the whole story.
fn quiet_estate(systems: usize, minutes: u32) -> Arc<Scenario> {
    let mut s = (*estate(systems, minutes)).clone();
    s.adversary = None;
    s.events.clear();
    s.injects.clear();
    s.detection.false_positives_per_hour = 0.0;
    Arc::new(s)
}

/// The index of a system.
fn index(drill: &mut Drill, id: &str) -> usize {
    let ix = drill.world_mut().resource::<Compiled>().system(id);
    ix.map_or(usize::MAX, |ix| ix as usize)
}

/// Sets a system's `isolated` fact directly and marks it for settling, as an action's
/// completion does.
fn set_isolated(drill: &mut Drill, ix: usize, isolated: bool) {
    let world = drill.world_mut();
    let Some(&entity) = world.resource::<Entities>().systems.get(ix) else { return };
    if let Some(mut facts) = world.get_mut::<SystemFacts>(entity) {
        facts.isolated = isolated;
    }
    world.resource_mut::<Dirty>().mark(ix as u32);
}

/// How many systems one isolation takes down, for the record.
fn cascade(drill: &mut Drill, ix: usize) -> usize {
    let before = drill.events_since(0).len();
    set_isolated(drill, ix, true);
    drill.advance(1);
    let changed = drill
        .events_since(before)
        .iter()
        .filter(|e| matches!(e.event, Event::StateChanged { .. }))
        .count();
    set_isolated(drill, ix, false);
    drill.advance(1);
    changed
}

/// (a) Availability propagation after isolating one system of a 10,000-system estate: one
/// tick with the isolation settled, one with it undone, for a system nothing depends on, a
/// zone's firewall (reachability changes, so every system with dependencies is settled
/// again), a core server and the domain controller (most of the estate goes down). Compare
/// with `quiet_tick`, the same tick with nothing to settle. `full_settle` settles every
/// system from scratch.
fn propagation(c: &mut Criterion) {
    let mut drill = Drill::new(quiet_estate(10_000, u32::MAX / 2), SEED);
    let targets = [
        ("isolate_leaf", "sys-05017"),
        ("isolate_zone_firewall", "sys-03100"),
        ("isolate_core_server", "sys-05208"),
        ("isolate_domain_controller", DOMAIN_CONTROLLER),
    ]
    .map(|(name, id)| (name, id, index(&mut drill, id)));
    for (name, id, ix) in targets {
        eprintln!("{name}: isolating {id} changes {} systems", cascade(&mut drill, ix));
    }
    let mut g = c.benchmark_group("propagate_10k");
    g.bench_function("quiet_tick", |b| b.iter(|| drill.advance(1)));
    for (name, _, ix) in targets {
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    // Keep the record from growing by millions of events over the run.
                    drill.world_mut().resource_mut::<RecordedEvents>().0.clear();
                    let started = Instant::now();
                    set_isolated(&mut drill, ix, true);
                    drill.advance(1);
                    set_isolated(&mut drill, ix, false);
                    drill.advance(1);
                    spent += started.elapsed();
                }
                spent
            })
        });
    }
    g.bench_function("full_settle", |b| b.iter(|| settle(drill.world_mut())));
    g.finish();
}

/// (b) Zone reachability recomputed from the links of the 10,000-system estate (200 zones).
fn reachability(c: &mut Criterion) {
    let mut drill = Drill::new(estate(10_000, 1_440), SEED);
    let world = drill.world_mut();
    let compiled = world.resource::<Compiled>().clone();
    let mut network = world.resource::<Network>().clone();
    let entities = world.resource::<Entities>().systems.clone();
    let up: Vec<bool> =
        entities.iter().map(|&e| world.get::<OpState>(e).is_some_and(|op| op.available)).collect();
    eprintln!("{} zones, {} links", compiled.zones.len(), compiled.links.len());
    c.bench_function("recompute_network_10k", |b| {
        b.iter(|| black_box(recompute_network(&compiled, &mut network, |ix| up[ix as usize])))
    });
}

/// (c) A full day (1,440 ticks) of the 10,000-system estate, with and without building it.
fn day(c: &mut Criterion) {
    let scenario = estate(10_000, 1_440);
    let mut g = c.benchmark_group("day_10k");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("build", |b| b.iter(|| Drill::new(scenario.clone(), SEED)));
    g.bench_function("run", |b| {
        b.iter_batched(
            || Drill::new(scenario.clone(), SEED),
            |mut d| {
                d.run_to_end();
                d
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// (d) 100 systems for 10,000 ticks.
fn small_long(c: &mut Criterion) {
    let scenario = estate(100, 10_000);
    let mut g = c.benchmark_group("small_100");
    g.sample_size(20);
    g.bench_function("10k_ticks", |b| {
        b.iter_batched(
            || Drill::new(scenario.clone(), SEED),
            |mut d| {
                d.advance(10_000);
                d
            },
            BatchSize::PerIteration,
        )
    });
    // The floor: a tick in which nothing happens.
    let mut quiet = Drill::new(quiet_estate(100, u32::MAX / 2), SEED);
    g.bench_function("quiet_tick", |b| b.iter(|| quiet.advance(1)));
    g.finish();
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, ScheduleLabel)]
struct Empty;

#[derive(Resource, Default)]
struct Counter(u64);

fn nothing() {}

fn count(mut c: ResMut<Counter>) {
    c.0 += 1;
}

/// The fixed cost of a tick: a chain of nine systems that do nothing, on the same
/// single-threaded executor as the engine's tick schedule.
fn schedule_overhead(c: &mut Criterion) {
    let mut world = World::new();
    world.insert_resource(Counter::default());
    let mut schedule = Schedule::new(Empty);
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.add_systems(
        (nothing, nothing, nothing, nothing, nothing, nothing, nothing, nothing, count).chain(),
    );
    schedule.run(&mut world);
    c.bench_function("schedule_9_empty_systems", |b| b.iter(|| schedule.run(&mut world)));
}

/// A generated estate over 12 hours whose crew gets in on one workstation of the last
/// production zone (so every other system is reached through the network from there), then
/// works on every system at once: C2 to all of them, footholds on all, exfiltration through
/// half (drawn one by one), encryption of all. The same campaign as `tests/scale.rs`.
fn sweeping_campaign(systems: usize) -> Arc<Scenario> {
    let mut s = generate_estate(systems, SEED);
    s.meta.duration = Minutes::hours(12);
    let entry_zone = s.estate.zones[s.estate.zones.len() - 2].id.clone();
    let everything = |pick: Pick| Targets { pick, ..Targets::default() };
    let stage = |id: &str, after: &[&str], targets: Targets, effects: Vec<StageEffect>| Stage {
        id: id.to_owned(),
        name: id.to_owned(),
        technique: "T1021.002".to_owned(),
        after: after.iter().map(|a| (*a).to_owned()).collect(),
        requires: Vec::new(),
        earliest: Minutes::ZERO,
        targets,
        duration: Minutes(30),
        success: 1.0,
        noise: 0.05,
        effects,
        on_blocked: OnBlocked::Retry(Minutes(30)),
        repeat: Repeat::Once,
        reacts: Vec::new(),
    };
    let workstation = Targets {
        zones: vec![entry_zone.clone()],
        kinds: vec![SystemKind::Workstation],
        ..Targets::default()
    };
    let half = Pick::Some(u32::try_from(systems / 2).unwrap_or(u32::MAX));
    s.adversary = Some(Adversary {
        name: "Sweeping crew".to_owned(),
        stages: vec![
            stage("phish", &[], workstation, vec![StageEffect::Foothold(Privilege::User)]),
            Stage {
                requires: vec![StageRequirement::FootholdIn {
                    zone: entry_zone,
                    privilege: Privilege::User,
                }],
                ..stage(
                    "beacon",
                    &["phish"],
                    everything(Pick::All),
                    vec![StageEffect::CommandAndControl],
                )
            },
            stage(
                "spread",
                &["beacon"],
                everything(Pick::All),
                vec![StageEffect::Foothold(Privilege::Admin)],
            ),
            stage(
                "exfiltrate",
                &["spread"],
                everything(half),
                vec![StageEffect::Exfiltrate { gb_per_hour: 1.0 }],
            ),
            stage(
                "encrypt",
                &["exfiltrate"],
                everything(Pick::All),
                vec![StageEffect::DestroyBackups, StageEffect::Encrypt],
            ),
        ],
    });
    Arc::new(s)
}

/// (e) 12 simulated hours of a campaign that takes every system of a 20,000-system estate
/// (building the drill is left out).
fn pick_all(c: &mut Criterion) {
    let scenario = sweeping_campaign(20_000);
    let mut g = c.benchmark_group("pick_all_20k");
    g.sample_size(10);
    g.bench_function("12h", |b| {
        b.iter_batched(
            || Drill::new(scenario.clone(), SEED),
            |mut d| {
                d.run_to_end();
                d
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// A scenario whose campaign is a chain of `n` stages, each waiting for the one before,
/// listed last stage first.
fn reverse_chain(n: usize) -> String {
    let mut stages = String::new();
    for i in (0..n).rev() {
        let after = if i == 0 { String::new() } else { format!("after: [\"s{}\"], ", i - 1) };
        let _ = writeln!(
            stages,
            "(id: \"s{i}\", name: \"Stage {i}\", technique: \"T1021.002\", {after}\
             targets: (zones: [\"corp\"]), duration: \"1m\", success: 1.0, noise: 0.1, \
             effects: [Foothold(User)]),"
        );
    }
    format!(
        r#"Scenario(
    format: 1,
    meta: (id: "chain", title: "Chain", kind: Breach, summary: "A long chain.",
        briefing: "Stage after stage.", duration: "8h"),
    estate: (
        sites: [(id: "hq", name: "HQ")],
        zones: [(id: "corp", name: "Corporate", site: "hq")],
        systems: [(id: "ws01", name: "Workstation", kind: Workstation, zone: "corp")],
    ),
    teams: [(id: "it", name: "IT", role: ItOps, capacity: 1, actions: ["isolate"])],
    adversary: Some((name: "Crew", stages: [
{stages}    ])),
    objectives: [(id: "cheap", description: "Keep it cheap", weight: 1, goal: CostBelow(1000))],
)
"#
    )
}

/// (f) `check` of a 16,000-stage chain listed in reverse order: parsing, locating and every
/// semantic check, the dead-stage analysis among them.
fn check_chain(c: &mut Criterion) {
    let text = reverse_chain(16_000);
    eprintln!("reverse chain: {} KiB", text.len() / 1024);
    let mut g = c.benchmark_group("check_chain_16k");
    g.sample_size(10);
    g.bench_function("reverse", |b| {
        b.iter(|| black_box(check_bytes("chain.ron", text.as_bytes())))
    });
    g.finish();
}

criterion_group!(
    benches,
    propagation,
    reachability,
    day,
    small_long,
    schedule_overhead,
    pick_all,
    check_chain
);
criterion_main!(benches);
