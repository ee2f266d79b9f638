//! Resources of the simulation world: the clock, the RNG, the network, the ledger of costs
//! and losses, and the buffers commands and events pass through.

use std::collections::BTreeSet;

use bevy_ecs::prelude::{Entity, Resource};
use rand_chacha::ChaCha8Rng;

use super::{Command, Seat, TimedEvent};
use crate::scenario::Minutes;

/// Simulated time.
#[derive(Debug, Clone, Copy, Resource)]
pub struct Clock {
    /// The current drill time: the tick being simulated, or the next one between ticks.
    pub now: Minutes,
    /// Simulated time per tick.
    pub tick: Minutes,
    /// When the drill ends.
    pub end: Minutes,
}

/// The drill's one random number generator, seeded and portable.
#[derive(Debug, Clone, Resource)]
pub struct SimRng(pub ChaCha8Rng);

/// Entity of each system and team, by index.
#[derive(Debug, Clone, Resource)]
pub struct Entities {
    /// By system index.
    pub systems: Vec<Entity>,
    /// By team index.
    pub teams: Vec<Entity>,
}

/// Network state: which links and zones carry traffic, and which zones reach each other.
#[derive(Debug, Clone, Resource)]
pub struct Network {
    /// Per link: failed by a disaster event.
    pub link_failed: Vec<bool>,
    /// Per zone: isolated as a whole by a team.
    pub zone_isolated: Vec<bool>,
    /// Per zone: its connected component; zones reach each other when equal.
    pub component: Vec<u32>,
    /// Links or zones changed since components were computed.
    pub dirty: bool,
}

impl Network {
    /// Whether two zones reach each other.
    pub fn reaches(&self, a: u32, b: u32) -> bool {
        a == b || self.component.get(a as usize) == self.component.get(b as usize)
    }
}

/// Running totals of what the drill costs.
#[derive(Debug, Clone, Default, Resource)]
pub struct Ledger {
    /// Sum of the criticality of the systems unavailable now, per hour.
    pub cost_rate: u64,
    /// Downtime cost so far, in currency-minutes per hour (divide by 60).
    pub downtime_x60: u64,
    /// One-off costs so far.
    pub one_off: u64,
    /// Running costs decisions started, per hour now.
    pub standing_rate: u64,
    /// Running costs accrued and not yet booked as one-off, in currency-minutes per hour.
    pub standing_x60: u64,
    /// Gigabytes exfiltrated so far.
    pub exfiltrated_gb: f64,
}

impl Ledger {
    /// Total cost so far, rounded down.
    pub fn total(&self) -> u64 {
        (self.downtime_x60.saturating_add(self.standing_x60) / 60).saturating_add(self.one_off)
    }
}

/// Scenario flags that are set.
#[derive(Debug, Clone, Default, Resource)]
pub struct Flags(pub BTreeSet<String>);

/// Counters for ids handed out.
#[derive(Debug, Clone, Default, Resource)]
pub struct Tally {
    /// Next alert id.
    pub next_alert: u64,
}

/// Commands accepted since the last tick, applied by the commands phase in order.
#[derive(Debug, Clone, Default, Resource)]
pub struct CommandQueue(pub Vec<(Seat, Command, u64)>);

/// Every event so far, in order: the truth as the log records it.
#[derive(Debug, Clone, Default, Resource)]
pub struct RecordedEvents(pub Vec<TimedEvent>);

/// What the attacker holds beyond footholds on systems.
#[derive(Debug, Clone, Default, Resource)]
pub struct Attack {
    /// Credentials stolen and not reset since.
    pub stolen: BTreeSet<String>,
    /// Per stage: succeeded at least once.
    pub succeeded: Vec<bool>,
    /// Per stage: released by another stage's fallback (only such stages may start when
    /// they are some stage's fallback).
    pub released: Vec<bool>,
    /// Systems data is leaving through, with gigabytes not yet reported.
    pub exfiltrating: Vec<(u32, f64)>,
    /// Gigabytes taken per system so far.
    pub taken_gb: Vec<f64>,
    /// Systems the attacker was evicted from since the adversary phase last looked: the
    /// stages that took them may come back.
    pub evicted: Vec<u32>,
    /// Number of recorded events when waiting stages were last evaluated.
    pub evaluated_at: Option<usize>,
    /// The systems the attacker holds anything on, as the presence record last saw.
    pub holding: BTreeSet<u32>,
    /// Containment the attacker saw since the adversary phase last looked.
    pub noticed: Vec<crate::scenario::Noticed>,
    /// Per stage: the reactions (by index) that fired already.
    pub reacted: Vec<Vec<bool>>,
    /// Per stage: multiplier of its durations (1 unless it hurried).
    pub pace: Vec<f64>,
    /// Per stage: it starts no run before this time (it went quiet).
    pub quiet_until: Vec<Minutes>,
    /// Whether the campaign is stalled: no stage can make progress, some never succeeded.
    pub stalled: bool,
    /// Per system: the stages that succeeded on it, for indicators.
    pub hits: Vec<Vec<u32>>,
}

/// Whether each alert raised so far was real, by alert id: the truth triage is scored on.
#[derive(Debug, Clone, Default, Resource)]
pub struct AlertTruth(pub std::collections::BTreeMap<u64, bool>);

/// Action completions so far, as (action id, target id), for conditions.
#[derive(Debug, Clone, Default, Resource)]
pub struct Done(pub BTreeSet<(String, Option<String>)>);
