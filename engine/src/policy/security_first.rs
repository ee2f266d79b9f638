//! The security-first policy: isolate early and wide.

use crate::drill::Drill;
use crate::scenario::{Minutes, SystemState};

use super::Bot;
use super::acting::Need;

impl Bot {
    pub(super) fn security_first(&mut self, drill: &mut Drill, now: Minutes) {
        for t in 0..self.estate.teams.len() {
            self.answer(drill, t, &|_| false);
            if self.estate.teams[t].alerts {
                let alerted: Vec<usize> =
                    self.triage(&|_| None).into_iter().map(|(s, _)| s).collect();
                let count: usize = self.memory.iter().map(|m| m.alerts.len()).sum();
                if count > self.alerts_seen {
                    // Every new alert: reset every issuer (or ask who may).
                    self.alerts_seen = count;
                    for i in self.estate.issuers.clone() {
                        if !self.busy_with(Need::Reset, i) {
                            self.do_or_ask(drill, now, t, Need::Reset, i);
                        }
                    }
                }
                for s in alerted {
                    if !self.memory[s].c2_blocked {
                        self.start(drill, now, t, Need::BlockC2, s);
                    }
                    if !self.memory[s].isolated && self.sees(t, s) != Some(SystemState::Isolated) {
                        self.do_or_ask(drill, now, t, Need::Isolate, s);
                    }
                }
            }
            // What nobody isolated comes back; the isolated stay cut off.
            self.recover(drill, now, t, &|bot, s| !bot.memory[s].isolated);
        }
    }
}
