//! Settles derived state: which zones reach each other, which systems are available (through
//! their dependencies and the network), and the cost of what is down. Only what changed is
//! recomputed: systems marked dirty, in dependency order, and their dependants when their
//! own availability changed.

use bevy_ecs::prelude::*;

use super::detect::Monitoring;
use super::effects::{Dirty, TickEvents, site_up};
use crate::model::{
    Clock, Compiled, Entities, Event, Ledger, Network, OpState, SysIx, SystemFacts, SystemInfo,
};
use crate::scenario::SystemState;

/// Each system's depth in the dependency graph (what it needs comes first), so one pass
/// in rank order settles every dirty system once. `check` rejects cycles; should one reach
/// here anyway, its members get the depth at which the walk stopped.
#[derive(Debug, Clone, Resource)]
pub struct Ranks {
    /// Per system.
    pub rank: Vec<u32>,
    /// The zone a failed-over system runs in: the first zone of each site.
    pub site_zone: Vec<Option<u32>>,
    /// Per zone: the systems with a dependency across zones that has one end in it, in
    /// index order. When a zone's connected component changes, only these (and
    /// [`Ranks::movable`]) can reach their dependencies differently.
    pub reach_of_zone: Vec<Vec<SysIx>>,
    /// Systems that can change zone by failing over, and their dependants: settled again
    /// whenever reachability changes, wherever they run.
    pub movable: Vec<SysIx>,
}

impl Ranks {
    /// Computes ranks for a compiled scenario.
    pub fn new(c: &Compiled) -> Self {
        let n = c.systems.len();
        let mut rank = vec![0u32; n];
        // Dependants cover both what a system needs at home and at its DR site.
        let mut indegree = vec![0usize; n];
        for s in &c.systems {
            for &d in &s.dependants {
                indegree[d as usize] += 1;
            }
        }
        let mut ready: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
        while let Some(i) = ready.pop() {
            for &d in &c.systems[i].dependants {
                let d = d as usize;
                rank[d] = rank[d].max(rank[i] + 1);
                indegree[d] -= 1;
                if indegree[d] == 0 {
                    ready.push(d);
                }
            }
        }
        let site_zone = (0..c.sites.len() as u32)
            .map(|s| c.zone_site.iter().position(|&z| z == s).map(|z| z as u32))
            .collect();
        let mut reach_of_zone: Vec<Vec<SysIx>> = vec![Vec::new(); c.zones.len()];
        let mut movable: Vec<SysIx> = Vec::new();
        for (i, s) in c.systems.iter().enumerate() {
            for &d in s.depends_on.iter().chain(s.dr_depends_on.iter().flatten()) {
                let dz = c.systems[d as usize].zone;
                if dz != s.zone {
                    for z in [s.zone, dz] {
                        if let Some(list) = reach_of_zone.get_mut(z as usize) {
                            list.push(i as SysIx);
                        }
                    }
                }
            }
            if s.replication.is_some() || s.restore_to.iter().any(|sites| !sites.is_empty()) {
                movable.push(i as SysIx);
                movable.extend(&s.dependants);
            }
        }
        for list in reach_of_zone.iter_mut().chain([&mut movable]) {
            list.sort_unstable();
            list.dedup();
        }
        Ranks { rank, site_zone, reach_of_zone, movable }
    }
}

/// The propagate phase's work list, kept from tick to tick so settling does not allocate:
/// one bucket of systems per rank.
#[derive(Debug, Default)]
pub struct RankQueue {
    buckets: Vec<Vec<SysIx>>,
}

impl RankQueue {
    fn push(&mut self, rank: usize, ix: SysIx) {
        if self.buckets.len() <= rank {
            self.buckets.resize_with(rank + 1, Vec::new);
        }
        self.buckets[rank].push(ix);
    }
}

/// Sites that are down (power loss, region outage), counted so overlapping events nest.
#[derive(Debug, Clone, Resource)]
pub struct SiteState {
    /// Per site: how many events hold it down.
    pub down: Vec<u32>,
    /// Per site: systems from other sites running there (failed over or restored into it).
    pub guests: Vec<u32>,
}

/// The site a system runs at now: where it was restored into, its DR site when failed
/// over, else its own.
pub fn placed_site(info: &SystemInfo, f: &SystemFacts) -> u32 {
    match (f.relocated, f.failed_over, info.replication) {
        (Some(site), _, _) => site,
        (None, true, Some((dr, _, _))) => dr,
        _ => info.site,
    }
}

/// Whether a system runs away from its own site (failed over or restored elsewhere).
pub fn away(info: &SystemInfo, f: &SystemFacts) -> bool {
    placed_site(info, f) != info.site
}

/// Whether a system can run at all, leaving dependencies and the network aside.
pub fn runs(info: &SystemInfo, f: &SystemFacts, site_down: &[u32]) -> bool {
    let placed = site_up(site_down, placed_site(info, f)) && (away(info, f) || !f.hardware_failed);
    placed
        && f.powered
        && !f.hung
        && !f.isolated
        && !f.encrypted
        && !f.wiped
        && !f.corrupted
        && !f.forced_down
        && f.out_of_service == 0
        && !f.stale_credentials
}

/// The zone a system runs in now: its own, or the first zone of the site it runs at.
pub fn zone_of(info: &SystemInfo, f: &SystemFacts, ranks: &Ranks) -> u32 {
    if away(info, f) {
        ranks.site_zone.get(placed_site(info, f) as usize).copied().flatten().unwrap_or(info.zone)
    } else {
        info.zone
    }
}

/// Recomputes zone reachability from the links that carry traffic now; true if it changed.
pub fn recompute_network(
    c: &Compiled,
    network: &mut Network,
    facts: impl Fn(SysIx) -> bool,
) -> bool {
    let n = c.zones.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            let up = parent[parent[x as usize] as usize];
            parent[x as usize] = up;
            x = up;
        }
        x
    }
    for (i, l) in c.links.iter().enumerate() {
        let up = !network.link_failed[i]
            && !network.zone_isolated[l.a as usize]
            && !network.zone_isolated[l.b as usize]
            && l.via.is_none_or(&facts);
        if up {
            let (ra, rb) = (find(&mut parent, l.a), find(&mut parent, l.b));
            if ra != rb {
                parent[ra.max(rb) as usize] = ra.min(rb);
            }
        }
    }
    let component: Vec<u32> = (0..n as u32).map(|z| find(&mut parent, z)).collect();
    network.dirty = false;
    let changed = component != network.component;
    network.component = component;
    changed
}

/// Marks every system dirty and settles: for a freshly built world, or after state was set
/// directly (tests and tools), since nothing marked what changed.
pub fn settle_all(world: &mut World) {
    if let Some(mut dirty) = world.get_resource_mut::<Dirty>() {
        for i in 0..dirty.marked.len() as u32 {
            dirty.mark(i);
        }
    }
    if let Some(mut network) = world.get_resource_mut::<Network>() {
        network.dirty = true;
    }
    let _ = world.run_system_cached(propagate);
}

/// The propagate phase: network first, then availability in dependency order.
#[allow(clippy::too_many_arguments)]
pub fn propagate(
    c: Res<Compiled>,
    entities: Res<Entities>,
    ranks: Res<Ranks>,
    sites: Res<SiteState>,
    clock: Res<Clock>,
    mut network: ResMut<Network>,
    mut dirty: ResMut<Dirty>,
    mut ledger: ResMut<Ledger>,
    mut events: ResMut<TickEvents>,
    mut monitoring: ResMut<Monitoring>,
    mut systems: Query<(&SystemFacts, &mut OpState)>,
    mut queue: Local<RankQueue>,
) {
    if dirty.systems.is_empty() && !network.dirty {
        return;
    }
    if !network.dirty {
        network.dirty = dirty.systems.iter().any(|&i| !c.systems[i as usize].carries.is_empty());
    }
    if network.dirty {
        let runs_now = |ix: SysIx| {
            systems
                .get(entities.systems[ix as usize])
                .is_ok_and(|(f, _)| runs(&c.systems[ix as usize], f, &sites.down))
        };
        let before = network.component.clone();
        if recompute_network(&c, &mut network, runs_now) {
            // Only zones whose component changed reach other zones differently: settle the
            // systems with a dependency into or out of them, and those that may run
            // elsewhere (failed over) with their dependants.
            for (z, (old, new)) in before.iter().zip(&network.component).enumerate() {
                if old != new {
                    for &s in ranks.reach_of_zone.get(z).map_or(&[][..], Vec::as_slice) {
                        dirty.mark(s);
                    }
                }
            }
            for &s in &ranks.movable {
                dirty.mark(s);
            }
        }
    }
    // Settle in rank order (what a system needs before the system), lowest index first
    // within a rank. Dependants always rank higher, so each system is settled once.
    let dirty = &mut *dirty;
    let queue = &mut *queue;
    let (mut lo, mut hi) = (usize::MAX, 0);
    for ix in dirty.systems.drain(..) {
        let r = ranks.rank[ix as usize] as usize;
        queue.push(r, ix);
        (lo, hi) = (lo.min(r), hi.max(r));
    }
    let mut r = lo;
    while r <= hi {
        let mut bucket = std::mem::take(&mut queue.buckets[r]);
        bucket.sort_unstable();
        for &ix in &bucket {
            dirty.marked[ix as usize] = false;
            let info = &c.systems[ix as usize];
            let Ok((f, op)) = systems.get(entities.systems[ix as usize]) else { continue };
            let zone = zone_of(info, f, &ranks);
            let mut available = runs(info, f, &sites.down);
            let mut degraded = away(info, f);
            for &d in info.needs(away(info, f)) {
                let Ok((df, dop)) = systems.get(entities.systems[d as usize]) else { continue };
                let dinfo = &c.systems[d as usize];
                available &= dop.available && network.reaches(zone, zone_of(dinfo, df, &ranks));
                degraded |= dop.state == SystemState::Degraded;
            }
            let state = if f.wiped {
                SystemState::Destroyed
            } else if f.encrypted {
                SystemState::Encrypted
            } else if f.isolated {
                SystemState::Isolated
            } else if !available {
                SystemState::Down
            } else if degraded {
                SystemState::Degraded
            } else {
                SystemState::Online
            };
            let before = *op;
            if before.state == state && before.available == available {
                continue;
            }
            let unavailable_since = match (before.available, available) {
                (true, false) => Some(clock.now),
                (_, true) => None,
                (false, false) => before.unavailable_since,
            };
            if let Ok((_, mut op)) = systems.get_mut(entities.systems[ix as usize]) {
                *op = OpState { state, available, unavailable_since };
            }
            if before.available != available {
                if available {
                    ledger.cost_rate -= info.criticality.min(ledger.cost_rate);
                } else {
                    ledger.cost_rate = ledger.cost_rate.saturating_add(info.criticality);
                }
            }
            if before.state != state {
                events.0.push(Event::StateChanged {
                    system: info.id.clone(),
                    from: before.state,
                    to: state,
                });
                monitoring.changed(clock.now, ix);
            }
            if before.available != available {
                events.0.push(Event::AvailabilityChanged {
                    system: info.id.clone(),
                    available,
                    cost_per_hour: if available { 0 } else { info.criticality },
                });
            }
            for &d in &info.dependants {
                if !dirty.marked[d as usize] {
                    dirty.marked[d as usize] = true;
                    // A dependant ranks higher; should a cycle have slipped through, it
                    // still goes to a later bucket, so the pass ends.
                    let rd = (ranks.rank[d as usize] as usize).max(r + 1);
                    queue.push(rd, d);
                    hi = hi.max(rd);
                }
            }
        }
        bucket.clear();
        queue.buckets[r] = bucket;
        r += 1;
    }
}

/// Accrues the cost of what is down over this tick.
pub fn accrue_cost(clock: Res<Clock>, mut ledger: ResMut<Ledger>) {
    ledger.downtime_x60 = ledger
        .downtime_x60
        .saturating_add(ledger.cost_rate.saturating_mul(u64::from(clock.tick.0)));
}
