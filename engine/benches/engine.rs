//! Micro-benchmarks of the engine on generated estates: incremental availability after one
//! isolation, zone reachability, a full day of a 10,000-system estate, a long run of a small
//! one, and the fixed cost of running the tick schedule.
//!
//! Run with `cargo bench -p tabletop-engine`; `cargo bench -p tabletop-engine -- day` runs
//! the benchmarks whose name contains `day`.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{ScheduleLabel, SingleThreadedExecutor};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use tabletop_engine::generate::{DOMAIN_CONTROLLER, generate_estate};
use tabletop_engine::model::{Compiled, Entities, Network, OpState, RecordedEvents, SystemFacts};
use tabletop_engine::scenario::Minutes;
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

criterion_group!(benches, propagation, reachability, day, small_long, schedule_overhead);
criterion_main!(benches);
