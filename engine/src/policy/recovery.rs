//! Bringing back what is down, shared by every policy that recovers: root causes first, one
//! recovery at a time, and failed-over systems home once their site serves again.

use crate::drill::Drill;
use crate::scenario::{Minutes, SystemState};
use crate::sim::available;

use super::acting::Need;
use super::{Bot, Policy};

/// How long after an outage's recovery action completes before the next one is tried.
pub(super) const SETTLE: u32 = 15;

impl Bot {
    /// Brings back what the team sees down: only root causes (a system down because what it
    /// needs is down comes back with it), only those `allowed` lets it touch; rebuilt
    /// systems are reconnected and restored.
    pub(super) fn recover(
        &mut self,
        drill: &mut Drill,
        now: Minutes,
        t: usize,
        allowed: &dyn Fn(&Bot, usize) -> bool,
    ) {
        if self.view(t).is_none() {
            return;
        }
        let n = self.estate.ids.len();
        let seen: Vec<Option<SystemState>> = (0..n).map(|s| self.sees(t, s)).collect();
        let up = |st: Option<SystemState>| st.is_none_or(available);
        for s in 0..n {
            let state = seen[s];
            if up(state) {
                if state.is_some() && !self.memory[s].recovery.is_empty() {
                    self.memory[s].recovery.clear();
                }
                continue;
            }
            let evicted = self.memory[s].evicted.is_some();
            let coordinated = self.policy == Policy::Coordinated;
            match state {
                Some(SystemState::Isolated) => {
                    let ours = coordinated && evicted && self.memory[s].isolated;
                    if ours || self.policy == Policy::ItFirst {
                        self.start(drill, now, t, Need::Reconnect, s);
                    }
                    continue;
                }
                _ if !allowed(self, s) => continue,
                // Encrypted means compromised: rebuilt first (contain), restored after.
                Some(SystemState::Encrypted)
                    if coordinated && self.estate.anyone(Need::Evict, s) =>
                {
                    continue;
                }
                // A dark site runs nothing: what is down there comes back by its own
                // failover, not with what it needs.
                Some(SystemState::Down)
                    if self.estate.depends_on[s].iter().any(|&d| !up(seen[d]))
                        && !self.site_dark(&seen, s) =>
                {
                    continue;
                }
                _ => {}
            }
            // One recovery at a time, and time for it to show before the next.
            let recovering = [
                Need::Restore,
                Need::FailOver,
                Need::Repair,
                Need::Restart,
                Need::Reconfigure,
                Need::Decrypt,
            ]
            .into_iter()
            .any(|need| self.busy_with(need, s));
            let settling =
                self.memory[s].recovered_at.is_some_and(|r| now.0 < r.0.saturating_add(SETTLE));
            if recovering || settling {
                continue;
            }
            // Several independent failures at one site: the site is down.
            let site = self.estate.site[s];
            let site_down = (0..n)
                .filter(|&o| {
                    o != s
                        && self.estate.site[o] == site
                        && !up(seen[o])
                        && self.estate.depends_on[o].iter().all(|&d| up(seen[d]))
                })
                .count()
                >= 2;
            let order: &[Need] = match state {
                _ if self.memory[s].locked_out => &[Need::Reconfigure],
                // The attacker's decryptor, when one was bought, is the last resort: slow,
                // and not every system comes back.
                Some(SystemState::Encrypted) => &[Need::Restore, Need::FailOver, Need::Decrypt],
                Some(SystemState::Destroyed) => &[Need::Restore, Need::FailOver],
                _ if site_down => &[Need::FailOver, Need::Restart],
                // Off, or hung because it came up before what it needs: a restart is the
                // cheapest try, refused when the system is running.
                _ => &[Need::Restart, Need::FailOver, Need::Repair, Need::Restore],
            };
            for &need in order {
                if self.memory[s].recovery.contains(&need) {
                    continue;
                }
                if self.start(drill, now, t, need, s) {
                    self.memory[s].recovery.push(need);
                    break;
                }
            }
        }
    }

    /// Whether the system's site seems dark to the team: besides the system, at least two
    /// systems there are seen down while everything they need is up (independent failures,
    /// not one failure and its dependants).
    fn site_dark(&self, seen: &[Option<SystemState>], s: usize) -> bool {
        let site = self.estate.site[s];
        let up = |st: Option<SystemState>| st.is_none_or(available);
        (0..seen.len())
            .filter(|&o| {
                o != s
                    && self.estate.site[o] == site
                    && seen[o] == Some(SystemState::Down)
                    && self.estate.depends_on[o].iter().all(|&d| up(seen[d]))
            })
            .count()
            >= 2
    }

    /// Moves failed-over systems home once their home site serves again (another system
    /// there is seen online).
    pub(super) fn fail_back(&mut self, drill: &mut Drill, now: Minutes, t: usize) {
        let n = self.estate.ids.len();
        for s in 0..n {
            if !self.memory[s].failed_over || self.busy_with(Need::FailBack, s) {
                continue;
            }
            let site = self.estate.site[s];
            let home_up = (0..n).any(|o| {
                o != s
                    && self.estate.site[o] == site
                    && !self.memory[o].failed_over
                    && self.sees(t, o) == Some(SystemState::Online)
            });
            if home_up {
                self.start(drill, now, t, Need::FailBack, s);
            }
        }
    }
}
