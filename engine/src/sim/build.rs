//! Builds the simulation world from a compiled scenario and a seed.

use std::sync::Arc;

use bevy_ecs::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::effects::{Dirty, TickEvents};
use super::propagate::{Ranks, SiteState, settle_all};
use super::script::ScriptState;
use crate::model::{
    Attack, BackupState, Clock, CommandQueue, Compiled, Compromise, Done, Entities, Evidence,
    Flags, Knowledge, Ledger, Network, Observed, OpState, RecordedEvents, SimRng, StageRun,
    StageStatus, SystemFacts, Tally, TeamState,
};
use crate::scenario::{Minutes, SystemState};

/// Builds the world for a drill of `compiled` seeded with `seed`, settled at time zero.
pub fn build_world(compiled: Arc<Compiled>, seed: u64) -> World {
    let mut world = World::new();
    let c = compiled.as_ref();
    let systems: Vec<Entity> = c
        .systems
        .iter()
        .enumerate()
        .map(|(i, info)| {
            let backups = info
                .backups
                .iter()
                .map(|b| BackupState {
                    id: b.id.clone(),
                    taken_at: -i64::from(b.age.0),
                    destroyed: false,
                    offline: b.offline,
                    immutable: b.immutable,
                    restore_time: b.restore_time,
                    infected: b.infected,
                })
                .collect();
            world
                .spawn((
                    SystemFacts {
                        ix: i as u32,
                        powered: true,
                        isolated: false,
                        hardware_failed: false,
                        encrypted: false,
                        wiped: false,
                        corrupted: false,
                        undecryptable: false,
                        failed_over: false,
                        forced_down: false,
                        patched: false,
                        c2_blocked: false,
                        backups,
                        evidence: Evidence { intact: true, collected: false },
                        data_lost: 0,
                        power_cut: false,
                        hung: false,
                        relocated: None,
                        rebuilt_at: None,
                        out_of_service: 0,
                        maintenance: 0,
                        stale_credentials: false,
                    },
                    Compromise::default(),
                    OpState {
                        state: SystemState::Online,
                        available: true,
                        unavailable_since: None,
                    },
                ))
                .id()
        })
        .collect();
    let teams: Vec<Entity> = c
        .teams
        .iter()
        .enumerate()
        .map(|(i, _)| {
            world
                .spawn((
                    TeamState { ix: i as u32, busy: 0 },
                    Knowledge {
                        sent: Vec::new(),
                        // Monitoring shows the estate as it stands when the drill opens.
                        systems: c
                            .systems
                            .iter()
                            .map(|s| Observed {
                                state: (c.teams[i].visibility.monitoring
                                    && c.teams[i].sees_zone[s.zone as usize])
                                    .then_some((SystemState::Online, Minutes::ZERO)),
                                compromise: None,
                                suspected: None,
                            })
                            .collect(),
                        inbox: Vec::new(),
                        triaged: Default::default(),
                    },
                ))
                .id()
        })
        .collect();
    if let Some(adv) = &c.scenario.adversary {
        for i in 0..adv.stages.len() {
            world.spawn(StageRun {
                ix: i as u32,
                status: StageStatus::Waiting,
                targets: Vec::new(),
                next_alert: None,
                last_success: None,
            });
        }
    }
    let meta = &c.scenario.meta;
    world.insert_resource(Clock { now: Minutes::ZERO, tick: meta.tick, end: meta.duration });
    world.insert_resource(SimRng(ChaCha8Rng::seed_from_u64(seed)));
    world.insert_resource(Entities { systems, teams });
    world.insert_resource(Network {
        link_failed: vec![false; c.links.len()],
        zone_isolated: vec![false; c.zones.len()],
        component: (0..c.zones.len() as u32).collect(),
        dirty: true,
    });
    world.insert_resource(Ranks::new(c));
    world.insert_resource(SiteState {
        down: vec![0; c.sites.len()],
        guests: vec![0; c.sites.len()],
    });
    world.insert_resource(Ledger::default());
    world.insert_resource(Flags::default());
    world.insert_resource(Tally::default());
    world.insert_resource(CommandQueue::default());
    world.insert_resource(RecordedEvents::default());
    let stages = c.scenario.adversary.as_ref().map_or(&[][..], |a| &a.stages[..]);
    world.insert_resource(Attack {
        succeeded: vec![false; stages.len()],
        released: vec![false; stages.len()],
        taken_gb: vec![0.0; c.systems.len()],
        reacted: stages.iter().map(|s| vec![false; s.reacts.len()]).collect(),
        pace: vec![1.0; stages.len()],
        quiet_until: vec![Minutes::ZERO; stages.len()],
        hits: vec![Vec::new(); c.systems.len()],
        ..Attack::default()
    });
    world.insert_resource(super::detect::AlertClock::default());
    world.insert_resource(Done::default());
    world.insert_resource(super::engagement::Permits::default());
    world.insert_resource(super::effects::EgressCuts::default());
    world.insert_resource(crate::model::AlertTruth::default());
    world.insert_resource(TickEvents::default());
    world.insert_resource(super::presence::PresenceRecord::new(c.systems.len()));
    world.insert_resource(Dirty {
        systems: Vec::new(),
        marked: vec![false; c.systems.len()],
        touched: Vec::new(),
    });
    world.insert_resource(ScriptState::new(c));
    world.insert_resource(super::objectives::ObjectiveState::new(
        c.scenario.objectives.len(),
        c.scenario.critical_tasks.len(),
    ));
    world.insert_resource(super::detect::Monitoring::default());
    world.insert_resource(compiled.as_ref().clone());
    settle_all(&mut world);
    world
}
