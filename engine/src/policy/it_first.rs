//! The it-first policy: keep services up, restore fast, isolate late.

use crate::drill::Drill;
use crate::scenario::{ActionDef, ActionEffect, Minutes};

use super::Bot;
use super::acting::Need;

impl Bot {
    pub(super) fn it_first(&mut self, drill: &mut Drill, now: Minutes) {
        for t in 0..self.estate.teams.len() {
            let blocks_service = |d: &ActionDef| {
                d.effects.iter().any(|e| {
                    matches!(
                        e,
                        ActionEffect::Isolate | ActionEffect::PowerOff | ActionEffect::Reimage
                    )
                })
            };
            self.answer(drill, t, &blocks_service);
            if self.estate.teams[t].alerts {
                // Investigate what alerts, once per new alert; contain nothing.
                let leads = self.triage(&|s| self.memory[s].investigated);
                for (s, _) in leads {
                    if !self.busy_with(Need::Investigate, s) {
                        self.start(drill, now, t, Need::Investigate, s);
                    }
                }
            }
            self.recover(drill, now, t, &|_, _| true);
            self.fail_back(drill, now, t);
        }
    }
}
