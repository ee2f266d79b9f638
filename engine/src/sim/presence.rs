//! The attacker's presence as facts in the log: what it holds on each system (foothold,
//! persistence, C2, exfiltration flow) as that changes, when a foothold becomes usable, is
//! cut off or removed, when the attacker is evicted from a system and from the whole estate. Scoring,
//! the bots and the UI read these events instead of re-modelling what removes a foothold.
//!
//! Only systems some phase touched this tick are looked at ([`Dirty::touched`]), so a quiet
//! tick costs nothing however large the estate.

use bevy_ecs::prelude::*;

use super::effects::{Dirty, TickEvents};
use crate::model::{
    Attack, Compiled, Compromise, Entities, Event, FootholdStatus, Presence, SysIx, SystemFacts,
};

/// What the log last said about the attacker on one system.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Hold {
    /// A foothold, usable or not.
    foothold: Option<FootholdStatus>,
    /// Everything it holds.
    presence: Presence,
}

impl Hold {
    fn of(f: &SystemFacts, cmp: &Compromise) -> Self {
        let foothold = cmp.foothold.map(|_| {
            if f.isolated || !f.powered || f.wiped {
                FootholdStatus::CutOff
            } else {
                FootholdStatus::Usable
            }
        });
        Hold { foothold, presence: cmp.presence() }
    }
}

/// The presence record: per system what the log last said.
#[derive(Debug, Clone, Default, Resource)]
pub struct PresenceRecord {
    seen: Vec<Hold>,
}

impl PresenceRecord {
    /// A record for an estate of `n` systems, none of them compromised.
    pub fn new(n: usize) -> Self {
        PresenceRecord { seen: vec![Hold::default(); n] }
    }
}

/// The presence phase step: records what changed on the systems touched this tick, in
/// system order.
pub fn track_presence(
    c: Res<Compiled>,
    entities: Res<Entities>,
    mut dirty: ResMut<Dirty>,
    mut record: ResMut<PresenceRecord>,
    mut attack: ResMut<Attack>,
    mut events: ResMut<TickEvents>,
    systems: Query<(&SystemFacts, &Compromise)>,
) {
    if dirty.touched.is_empty() {
        return;
    }
    let mut touched: Vec<SysIx> = std::mem::take(&mut dirty.touched);
    touched.sort_unstable();
    touched.dedup();
    let anywhere_before = !attack.holding.is_empty();
    for ix in touched {
        let (Some(seen), Some(&entity)) =
            (record.seen.get_mut(ix as usize), entities.systems.get(ix as usize))
        else {
            continue;
        };
        let Ok((f, cmp)) = systems.get(entity) else { continue };
        let now = Hold::of(f, cmp);
        if now == *seen {
            continue;
        }
        let system = &c.systems[ix as usize].id;
        let foothold = match (seen.foothold, now.foothold) {
            (before, Some(status)) if before != Some(status) => Some(status),
            (Some(_), None) => Some(FootholdStatus::Removed),
            _ => None,
        };
        if let Some(foothold) = foothold {
            events.0.push(Event::FootholdChanged { system: system.clone(), foothold });
        }
        if now.presence != seen.presence {
            events
                .0
                .push(Event::PresenceChanged { system: system.clone(), presence: now.presence });
        }
        match (seen.presence.any(), now.presence.any()) {
            (true, false) => {
                events.0.push(Event::Evicted { system: system.clone() });
                attack.holding.remove(&ix);
            }
            (false, true) => {
                attack.holding.insert(ix);
            }
            _ => {}
        }
        *seen = now;
    }
    if anywhere_before && attack.holding.is_empty() {
        events.0.push(Event::EvictedFromEstate);
    }
}
