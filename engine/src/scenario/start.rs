//! What the scenario alone tells of its drill's first tick (00:00), when objectives are first
//! tracked: nothing a team or the attacker does has completed yet (every action and stage
//! takes at least a tick), no decision has been applied, no flag is set. The ground for the
//! warnings about objectives that are met or missed before anyone can act.
//!
//! Answers are three-valued: `Some(true)` or `Some(false)` when the scenario settles it,
//! `None` when it depends on the drill (a team's alerts, an inject the facilitator may fire).

use std::collections::BTreeMap;

use super::{Condition, Minutes, Scenario, SystemState, Trigger};

/// The first tick of a drill of one scenario.
pub(crate) struct Start<'a> {
    s: &'a Scenario,
    /// Whether each system is available on the first tick, by id; `None` when some event
    /// may strike on it (one `At("00:00")`, one whose `When` may hold, or a `Manual` one
    /// the facilitator may start at once).
    available: Option<BTreeMap<&'a str, bool>>,
}

impl<'a> Start<'a> {
    /// Works out the first tick of a drill of `s`.
    pub(crate) fn new(s: &'a Scenario) -> Self {
        let mut start = Start { s, available: None };
        let quiet = s.events.iter().all(|e| match &e.trigger {
            Trigger::At(t) => *t > Minutes::ZERO,
            Trigger::When(c) => start.holds(c) == Some(false),
            Trigger::Manual => false,
        });
        if quiet {
            start.available = Some(availability(s));
        }
        start
    }

    /// Whether `c` holds on the first tick, when the scenario settles it.
    pub(crate) fn holds(&self, c: &Condition) -> Option<bool> {
        match c {
            Condition::After(t) => Some(*t == Minutes::ZERO),
            Condition::State { system, is } => match is {
                // Only teams' actions and the attacker's stages isolate, encrypt or wipe.
                SystemState::Isolated | SystemState::Encrypted | SystemState::Destroyed => {
                    Some(false)
                }
                // Nothing runs at its DR site yet, so nothing is degraded.
                SystemState::Degraded => self.available.as_ref().map(|_| false),
                SystemState::Online => self.available.as_ref()?.get(system.as_str()).copied(),
                SystemState::Down => self.available.as_ref()?.get(system.as_str()).map(|a| !a),
            },
            // The attacker is nowhere before its first stage succeeds.
            Condition::Evicted => Some(true),
            Condition::DownFor { span, .. } if *span > Minutes::ZERO => Some(false),
            Condition::DownFor { system, .. } => {
                self.available.as_ref()?.get(system.as_str()).map(|a| !a)
            }
            Condition::Compromised(_)
            | Condition::Present(_)
            | Condition::StageSucceeded(_)
            | Condition::ActionDone { .. }
            | Condition::Flag(_) => Some(false),
            // Alerts and what the facilitator fires are the drill's, not the scenario's.
            Condition::TeamKnowsCompromised { .. } => None,
            Condition::InjectFired(id) => {
                let inject = self.s.injects.iter().find(|i| &i.id == id)?;
                (inject.trigger == Trigger::At(Minutes::ZERO)).then_some(true)
            }
            Condition::All(cs) => {
                let all: Vec<Option<bool>> = cs.iter().map(|c| self.holds(c)).collect();
                if all.contains(&Some(false)) {
                    Some(false)
                } else if all.iter().all(|v| *v == Some(true)) {
                    Some(true)
                } else {
                    None
                }
            }
            Condition::Any(cs) => {
                let any: Vec<Option<bool>> = cs.iter().map(|c| self.holds(c)).collect();
                if any.contains(&Some(true)) {
                    Some(true)
                } else if any.iter().all(|v| *v == Some(false)) {
                    Some(false)
                } else {
                    None
                }
            }
            Condition::Not(c) => self.holds(c).map(|v| !v),
        }
    }
}

/// Whether each system is available when the drill opens and no event has struck: every
/// system runs, every link carries traffic, so a system is available when each of its
/// dependencies is and sits in a zone the links join to its own. As in the simulation's
/// propagate phase; a system in a dependency cycle or with an unknown dependency (errors of
/// their own) counts as unavailable.
fn availability(s: &Scenario) -> BTreeMap<&str, bool> {
    let zones: BTreeMap<&str, usize> =
        s.estate.zones.iter().enumerate().map(|(i, z)| (z.id.as_str(), i)).collect();
    let mut parent: Vec<usize> = (0..s.estate.zones.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for l in &s.estate.links {
        if let (Some(&a), Some(&b)) = (zones.get(l.from.as_str()), zones.get(l.to.as_str())) {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let systems = &s.estate.systems;
    let component: Vec<Option<usize>> =
        systems.iter().map(|x| zones.get(x.zone.as_str()).map(|&z| find(&mut parent, z))).collect();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, x) in systems.iter().enumerate() {
        index.entry(x.id.as_str()).or_insert(i);
    }
    // Depth first, without recursion: estates have thousands of systems in long chains.
    let mut available: Vec<Option<bool>> = vec![None; systems.len()];
    let mut on_path = vec![false; systems.len()];
    for root in 0..systems.len() {
        if available[root].is_some() {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        on_path[root] = true;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let deps = &systems[node].depends_on;
            if let Some(dep) = deps.get(*next) {
                *next += 1;
                if let Some(&d) = index.get(dep.as_str())
                    && available[d].is_none()
                    && !on_path[d]
                {
                    on_path[d] = true;
                    stack.push((d, 0));
                }
                continue;
            }
            let up = deps.iter().all(|dep| {
                index.get(dep.as_str()).is_some_and(|&d| {
                    available[d] == Some(true)
                        && component[node].is_some()
                        && component[node] == component[d]
                })
            });
            available[node] = Some(up);
            on_path[node] = false;
            stack.pop();
        }
    }
    index.into_iter().map(|(id, i)| (id, available[i] == Some(true))).collect()
}
