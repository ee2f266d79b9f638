//! What isolating a system takes down, and whether a state serves users: the two questions
//! the bots, the UI and scoring ask about availability, answered where availability is
//! computed, so no client keeps a second model of it.

use std::collections::VecDeque;

use crate::model::{Compiled, SysIx};
use crate::scenario::SystemState;

/// Whether a system in this state serves its users. The propagate phase gives a system one
/// of these states exactly when it runs and reaches everything it depends on.
pub fn available(state: SystemState) -> bool {
    matches!(state, SystemState::Online | SystemState::Degraded)
}

/// The systems that go down when `system` is isolated, on an estate where everything is up:
/// the system itself, every system that can no longer reach a dependency once the links
/// carried through it are cut, and everything that depends on any of those. Sorted by index.
/// Linear in systems, dependencies and links.
pub fn blast_radius(c: &Compiled, system: SysIx) -> Vec<SysIx> {
    let n = c.systems.len();
    if system as usize >= n {
        return Vec::new();
    }
    let component = components_without(c, system);
    let reach = |a: u32, b: u32| a == b || component.get(a as usize) == component.get(b as usize);
    let mut down = vec![false; n];
    let mut queue = VecDeque::new();
    down[system as usize] = true;
    queue.push_back(system);
    for (x, info) in c.systems.iter().enumerate() {
        let cut = info.depends_on.iter().any(|&d| !reach(info.zone, c.systems[d as usize].zone));
        if cut && !down[x] {
            down[x] = true;
            queue.push_back(x as SysIx);
        }
    }
    while let Some(x) = queue.pop_front() {
        for &d in &c.systems[x as usize].dependants {
            if !down[d as usize] {
                down[d as usize] = true;
                queue.push_back(d);
            }
        }
    }
    (0..n as SysIx).filter(|&x| down[x as usize]).collect()
}

/// Each zone's connected component over the links not carried by `cut`.
fn components_without(c: &Compiled, cut: SysIx) -> Vec<u32> {
    let zones = c.zones.len();
    let mut parent: Vec<u32> = (0..zones as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    for l in &c.links {
        if l.via != Some(cut) && (l.a as usize) < zones && (l.b as usize) < zones {
            let (ra, rb) = (find(&mut parent, l.a), find(&mut parent, l.b));
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    (0..zones as u32).map(|z| find(&mut parent, z)).collect()
}
