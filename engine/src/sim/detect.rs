//! The detect phase: what the teams learn this tick. Monitoring reports state changes to
//! the teams that watch the system's zone, after the scenario's monitoring delay.

use std::collections::VecDeque;

use bevy_ecs::prelude::*;

use super::effects::{TickEvents, learn_state};
use crate::model::{
    Clock, Compiled, Entities, Event, Knowledge, OpState, SysIx, TeamIx, TeamState,
};
use crate::scenario::Minutes;

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

/// The detect phase.
pub fn detect(
    c: Res<Compiled>,
    clock: Res<Clock>,
    entities: Res<Entities>,
    mut monitoring: ResMut<Monitoring>,
    mut events: ResMut<TickEvents>,
    states: Query<&OpState>,
    mut teams: Query<(&TeamState, &mut Knowledge)>,
) {
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
        if at.0 + delay.0 > clock.now.0 {
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
