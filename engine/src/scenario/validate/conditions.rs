//! Conditions and the triggers built on them: what they name exists, and whether they can
//! ever hold.

use std::collections::BTreeSet;

use crate::scenario::locate::Seg::{Field as F, Index as I};
use crate::scenario::locate::{Path, Seg};
use crate::scenario::{Condition, Trigger};

use super::Ctx;

impl Ctx<'_> {
    /// Why the condition can never hold, if it provably cannot.
    pub(super) fn never(&self, c: &Condition) -> Option<String> {
        match c {
            Condition::After(t) if *t > self.s.meta.duration => Some(format!(
                "{} is after the drill ends ({})",
                t.clock(),
                self.s.meta.duration.clock()
            )),
            Condition::DownFor { span, .. } if *span > self.s.meta.duration => Some(format!(
                "no system can be down for {span} in a drill of {}",
                self.s.meta.duration
            )),
            Condition::StageSucceeded(st) => self
                .dead_stages
                .get(st.as_str())
                .map(|d| format!("stage `{st}` can never start ({})", d.why)),
            Condition::Flag(f) if !self.flags.contains(f.as_str()) => {
                Some(format!("flag `{f}` is never set by any decision or action"))
            }
            Condition::All(cs) => cs.iter().find_map(|c| self.never(c)),
            Condition::Any(cs) if !cs.is_empty() => {
                let all: Option<Vec<String>> = cs.iter().map(|c| self.never(c)).collect();
                all.map(|w| w.join("; "))
            }
            Condition::Any(_) => Some("`Any([])` has nothing that could hold".into()),
            _ => None,
        }
    }

    pub(super) fn check_condition(&mut self, c: &Condition, path: Path) {
        let here = |extra: Vec<Seg>| [path.clone(), extra].concat();
        match c {
            Condition::After(_) | Condition::Flag(_) | Condition::Evicted => {}
            Condition::State { system, .. } | Condition::DownFor { system, .. } => {
                self.system_ref(system, here(vec![F("system")]), "in a condition");
            }
            Condition::Compromised(system) | Condition::Present(system) => {
                self.system_ref(system, here(vec![I(0)]), "in a condition");
            }
            Condition::StageSucceeded(st) => {
                let stages = self.stages.clone();
                self.reference("stage", &stages, st, here(vec![I(0)]), "in a condition");
            }
            Condition::ActionDone { action, target } => {
                let known: BTreeSet<String> = self.actions.clone();
                let known: BTreeSet<&str> = known.iter().map(String::as_str).collect();
                self.reference("action", &known, action, here(vec![F("action")]), "in a condition");
                if let Some(t) = target {
                    self.target_ref(t, here(vec![F("target")]), "in a condition");
                }
            }
            Condition::TeamKnowsCompromised { team, system } => {
                let teams = self.teams.clone();
                self.reference("team", &teams, team, here(vec![F("team")]), "in a condition");
                self.system_ref(system, here(vec![F("system")]), "in a condition");
            }
            Condition::InjectFired(i) => {
                let injects = self.injects.clone();
                self.reference("inject", &injects, i, here(vec![I(0)]), "in a condition");
            }
            Condition::All(cs) | Condition::Any(cs) => {
                for (i, c) in cs.iter().enumerate() {
                    self.check_condition(c, here(vec![I(0), I(i)]));
                }
            }
            Condition::Not(c) => self.check_condition(c, here(vec![I(0)])),
        }
    }

    pub(super) fn check_trigger(&mut self, t: &Trigger, path: Path, what: &str) {
        match t {
            Trigger::At(time) if *time > self.s.meta.duration => self.error(
                "never-triggers",
                path,
                format!(
                    "{what} is set for {}, after the drill ends ({})",
                    time.clock(),
                    self.s.meta.duration.clock()
                ),
                Some("move it earlier or lengthen `meta.duration`".into()),
            ),
            Trigger::When(c) => {
                let cpath = [path.clone(), vec![I(0)]].concat();
                self.check_condition(c, cpath.clone());
                if let Some(why) = self.never(c) {
                    self.error(
                        "never-triggers",
                        cpath,
                        format!("{what} can never trigger: {why}"),
                        None,
                    );
                }
            }
            _ => {}
        }
    }
}
