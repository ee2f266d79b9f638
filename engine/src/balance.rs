//! Many seeded drills of one scenario under one way of playing it, and the spread of what
//! came out: is the scenario winnable, is it trivial, does coordination pay?

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use crate::drill::Drill;
use crate::model::Event;
use crate::playbook::{Playbook, PlaybookRunner};
use crate::policy::{Bot, Policy};
use crate::scenario::Scenario;

/// Who plays the teams' seats.
#[derive(Debug, Clone)]
pub enum Player {
    /// A built-in policy.
    Policy(Policy),
    /// A playbook.
    Playbook(Box<Playbook>),
}

/// What one seeded drill came to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// The seed.
    pub seed: u64,
    /// Weighted share of objectives met, 0 to 100.
    pub score: f64,
    /// Business cost.
    pub cost: u64,
    /// Gigabytes exfiltrated.
    pub exfiltrated_gb: f64,
    /// Minutes of data lost, summed over systems.
    pub data_lost: u64,
    /// Systems unavailable at the end.
    pub systems_down: usize,
    /// Whether the attacker held nothing anywhere at the end (`None` without an attacker,
    /// or in results written before 0.4.0).
    #[serde(default)]
    pub evicted: Option<bool>,
}

/// The combined objective score of a finished drill: the weight of objectives met over all
/// weights, as a percentage. Undecided objectives count as missed.
pub fn objective_score(drill: &Drill) -> f64 {
    let objectives = &drill.scenario().objectives;
    let total: u32 = objectives.iter().map(|o| o.weight).sum();
    if total == 0 {
        return 0.0;
    }
    let met: u32 = drill
        .events_since(0)
        .iter()
        .filter_map(|e| match &e.event {
            Event::ObjectiveMet { objective } => {
                objectives.iter().find(|o| &o.id == objective).map(|o| o.weight)
            }
            _ => None,
        })
        .sum();
    f64::from(met) * 100.0 / f64::from(total)
}

/// Plays one seeded drill to its end.
pub fn run_one(scenario: &Arc<Scenario>, player: &Player, seed: u64) -> RunResult {
    let mut drill = Drill::new(scenario.clone(), seed);
    match player {
        Player::Policy(p) => Bot::new(*p, scenario).play(&mut drill),
        Player::Playbook(book) => {
            let end = drill.end();
            PlaybookRunner::new(book).play(&mut drill, end);
        }
    }
    let outcome = drill.outcome();
    RunResult {
        seed,
        score: objective_score(&drill),
        cost: outcome.cost,
        exfiltrated_gb: outcome.exfiltrated_gb,
        data_lost: outcome.data_lost.iter().map(|(_, m)| u64::from(*m)).sum(),
        systems_down: outcome.systems_down.len(),
        evicted: scenario.adversary.is_some().then_some(outcome.attacker_present_on.is_empty()),
    }
}

/// Plays `seeds` on `jobs` threads; results come back in seed order whatever the threads
/// did, so the same seeds give the same numbers. `done` is called after each run.
pub fn run_many(
    scenario: &Arc<Scenario>,
    player: &Player,
    seeds: &[u64],
    jobs: usize,
    done: &(dyn Fn() + Sync),
) -> Vec<RunResult> {
    let next = AtomicUsize::new(0);
    let mut results: Vec<RunResult> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&seed) = seeds.get(i) else { break };
                        mine.push(run_one(scenario, player, seed));
                        done();
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
    });
    results.sort_by_key(|r| r.seed);
    results
}

/// Mean and percentiles of some values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// Mean.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// The spread of values (nearest-rank percentiles).
pub fn spread(values: &[f64]) -> Spread {
    if values.is_empty() {
        return Spread { mean: 0.0, p10: 0.0, p50: 0.0, p90: 0.0 };
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank =
        |p: f64| sorted[((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
    Spread {
        mean: sorted.iter().sum::<f64>() / sorted.len() as f64,
        p10: rank(0.10),
        p50: rank(0.50),
        p90: rank(0.90),
    }
}
