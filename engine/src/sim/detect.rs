//! The detect phase: what the teams learn this tick. Monitoring reports state changes to
//! the teams that watch the system's zone, after the scenario's monitoring delay; running
//! attack stages raise alerts at the times drawn when they started; false positives arrive
//! at the scenario's rate. An alert reads the same whether true or false: only
//! investigation tells them apart.

use std::collections::VecDeque;

use bevy_ecs::prelude::*;
use rand::RngExt;

use super::adversary::{loudness, next_alert};
use super::effects::{TickEvents, learn_state};
use crate::model::{
    AlertTruth, Attack, Clock, Compiled, Compromise, Entities, Event, InboxItem, Knowledge,
    OpState, SimRng, StageRun, StageStatus, SysIx, SystemFacts, Tally, TeamIx, TeamState,
};
use crate::scenario::Minutes;

/// Techniques whose alerts commonly turn out benign; false positives name one of them.
const NOISY_TECHNIQUES: &[&str] = &[
    "T1059.001",
    "T1078",
    "T1110.003",
    "T1046",
    "T1071.001",
    "T1053.005",
    "T1021.001",
    "T1087.002",
];

/// When the next false-positive alert arrives.
#[derive(Debug, Clone, Default, Resource)]
pub struct AlertClock {
    /// Drawn on first use.
    pub next_false_positive: Option<Option<Minutes>>,
}

/// State changes waiting to be reported by monitoring, oldest first.
#[derive(Debug, Clone, Default, Resource)]
pub struct Monitoring {
    due: VecDeque<(Minutes, SysIx)>,
    direct: Vec<(TeamIx, SysIx)>,
}

impl Monitoring {
    /// Notes that a system's state changed at `at`.
    pub fn changed(&mut self, at: Minutes, ix: SysIx) {
        self.due.push_back((at, ix));
    }

    /// Notes that a team will see a system's settled state this tick (its own action).
    pub fn seen_by(&mut self, team: TeamIx, ix: SysIx) {
        self.direct.push((team, ix));
    }
}

/// Telemetry while the attacker is present: a held foothold or C2 channel on a running,
/// connected system raises alerts at the scenario's low beacon rate, and data flowing out
/// at its exfiltration rate, both raised by the system's controls as stages' noise is.
fn telemetry(
    c: &Compiled,
    clock: &Clock,
    entities: &Entities,
    attack: &Attack,
    held: &Query<(&SystemFacts, &Compromise)>,
    rng: &mut SimRng,
    alerts: &mut Vec<(SysIx, String, bool)>,
) {
    let d = &c.scenario.detection;
    let hours = f64::from(clock.tick.0) / 60.0;
    let roll = |rng: &mut SimRng, t: SysIx, per_hour: f64| {
        let p = 1.0 - (-per_hour.max(0.0) * loudness(c, t) * hours).exp();
        p > 0.0 && rng.0.random::<f64>() < p
    };
    let stages = c.scenario.adversary.as_ref().map_or(&[][..], |a| &a.stages[..]);
    if d.beacons_per_hour > 0.0 {
        for &t in &attack.holding {
            let Ok((f, cmp)) = held.get(entities.systems[t as usize]) else { continue };
            if !f.powered || f.isolated || f.wiped || !(cmp.foothold.is_some() || cmp.c2) {
                continue;
            }
            if roll(rng, t, d.beacons_per_hour) {
                // C2 shows as its traffic; a dormant foothold as the tooling that made it.
                let tooling = attack.hits[t as usize].last().and_then(|&s| stages.get(s as usize));
                let technique = match tooling {
                    Some(s) if !cmp.c2 => s.technique.clone(),
                    _ => "T1071.001".to_owned(),
                };
                alerts.push((t, technique, true));
            }
        }
    }
    if d.exfiltration_alerts_per_hour > 0.0 {
        for &(t, _) in &attack.exfiltrating {
            if roll(rng, t, d.exfiltration_alerts_per_hour) {
                alerts.push((t, "T1041".to_owned(), true));
            }
        }
    }
}

/// The detect phase.
#[allow(clippy::too_many_arguments)]
pub fn detect(
    c: Res<Compiled>,
    clock: Res<Clock>,
    entities: Res<Entities>,
    mut monitoring: ResMut<Monitoring>,
    mut events: ResMut<TickEvents>,
    mut rng: ResMut<SimRng>,
    mut alert_clock: ResMut<AlertClock>,
    mut tally: ResMut<Tally>,
    mut truth: ResMut<AlertTruth>,
    attack: Res<Attack>,
    held: Query<(&SystemFacts, &Compromise)>,
    states: Query<&OpState>,
    mut stages: Query<&mut StageRun>,
    mut teams: Query<(&TeamState, &mut Knowledge)>,
) {
    let now = clock.now;
    let mut alerts: Vec<(SysIx, String, bool)> = Vec::new();
    if let Some(adv) = &c.scenario.adversary {
        let mut runs: Vec<Mut<StageRun>> =
            stages.iter_mut().filter(|r| r.next_alert.is_some_and(|t| t <= now)).collect();
        runs.sort_by_key(|r| r.ix);
        for mut run in runs {
            let stage = &adv.stages[run.ix as usize];
            let StageStatus::Running { until } = run.status else {
                run.next_alert = None;
                continue;
            };
            if let Some(&t) = run.targets.get(rng.0.random_range(0..run.targets.len().max(1))) {
                alerts.push((t, stage.technique.clone(), true));
            }
            run.next_alert =
                next_alert(&c, stage, &run.targets, now, &mut rng).filter(|t| *t < until);
        }
    }
    telemetry(&c, &clock, &entities, &attack, &held, &mut rng, &mut alerts);
    let fp_rate = c.scenario.detection.false_positives_per_hour;
    if fp_rate > 0.0 && !c.systems.is_empty() {
        let tick = c.scenario.meta.tick.0.max(1);
        let draw = |rng: &mut SimRng, from: Minutes| {
            let u: f64 = rng.0.random::<f64>();
            let minutes = (-(1.0 - u).ln() / fp_rate * 60.0).ceil().max(1.0);
            let ticks = (minutes / f64::from(tick)).ceil().min(1e6) as u32;
            Some(Minutes(from.0.saturating_add(ticks.max(1) * tick)))
        };
        let mut next = match alert_clock.next_false_positive {
            Some(n) => n,
            None => draw(&mut rng, now),
        };
        while let Some(at) = next.filter(|at| *at <= now) {
            let t = rng.0.random_range(0..c.systems.len()) as SysIx;
            let id = NOISY_TECHNIQUES[rng.0.random_range(0..NOISY_TECHNIQUES.len())];
            alerts.push((t, id.to_owned(), false));
            next = draw(&mut rng, at);
        }
        alert_clock.next_false_positive = Some(next);
    }
    for (t, technique, true_positive) in alerts {
        let info = &c.systems[t as usize];
        for &team in &entities.teams {
            let Ok((ts, mut knowledge)) = teams.get_mut(team) else { continue };
            let ti = &c.teams[ts.ix as usize];
            if !ti.visibility.alerts || !ti.sees_zone[info.zone as usize] {
                continue;
            }
            tally.next_alert += 1;
            let id = tally.next_alert;
            truth.0.insert(id, true_positive);
            knowledge.inbox.push(InboxItem::Alert {
                at: now,
                id,
                system: info.id.clone(),
                technique: technique.clone(),
            });
            events.0.push(Event::Alert {
                id,
                team: ti.id.clone(),
                system: info.id.clone(),
                technique: technique.clone(),
                true_positive,
            });
        }
    }

    for (team, ix) in std::mem::take(&mut monitoring.direct) {
        let Ok(op) = states.get(entities.systems[ix as usize]) else { continue };
        if let Ok((_, mut knowledge)) = teams.get_mut(entities.teams[team as usize])
            && learn_state(&mut knowledge, ix, op.state, clock.now)
        {
            events.0.push(Event::Observed {
                team: c.teams[team as usize].id.clone(),
                system: c.systems[ix as usize].id.clone(),
                state: op.state,
            });
        }
    }
    let delay = c.scenario.detection.monitoring_delay;
    while let Some(&(at, ix)) = monitoring.due.front() {
        if at.saturating_add(delay) > clock.now {
            break;
        }
        monitoring.due.pop_front();
        let info = &c.systems[ix as usize];
        let Ok(op) = states.get(entities.systems[ix as usize]) else { continue };
        for &team in &entities.teams {
            let Ok((ts, mut knowledge)) = teams.get_mut(team) else { continue };
            let t = &c.teams[ts.ix as usize];
            if !t.visibility.monitoring || !t.sees_zone[info.zone as usize] {
                continue;
            }
            if learn_state(&mut knowledge, ix, op.state, clock.now) {
                events.0.push(Event::Observed {
                    team: t.id.clone(),
                    system: info.id.clone(),
                    state: op.state,
                });
            }
        }
    }
}
