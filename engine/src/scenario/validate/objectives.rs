//! Objectives and critical tasks: their weights and teams, and whether each can be met, or is settled as the
//! drill starts.

use crate::scenario::locate::Path;
use crate::scenario::locate::Seg::{Field as F, Index as I};
use crate::scenario::start::Start;
use crate::scenario::{Condition, Goal, Minutes};

use super::Ctx;
use super::time::MAX_SPAN;

impl Ctx<'_> {
    pub(super) fn check_objectives(&mut self) {
        let s = self.s;
        let teams = self.teams.clone();
        let start = Start::new(s);
        if s.objectives.is_empty() {
            self.warn(
                "no-objectives",
                vec![F("objectives")],
                "the scenario has no objectives, so drills cannot be scored".into(),
                None,
            );
        }
        for (i, o) in s.objectives.iter().enumerate() {
            let base = vec![F("objectives"), I(i)];
            let at = |f: &'static str| [base.clone(), vec![F(f)]].concat();
            if o.weight == 0 || o.weight > 100 {
                self.error(
                    "out-of-range",
                    at("weight"),
                    format!("weight is {}; it must be 1 to 100", o.weight),
                    None,
                );
            }
            if let Some(t) = &o.team {
                self.reference("team", &teams, t, at("team"), &format!("for objective `{}`", o.id));
            }
            self.check_goal("objective", &o.id, &o.goal, at("goal"), &start);
        }
        for (i, t) in s.critical_tasks.iter().enumerate() {
            let base = vec![F("critical_tasks"), I(i)];
            let at = |f: &'static str| [base.clone(), vec![F(f)]].concat();
            if let Some(team) = &t.team {
                self.reference(
                    "team",
                    &teams,
                    team,
                    at("team"),
                    &format!("for critical task `{}`", t.id),
                );
            }
            self.check_goal("critical task", &t.id, &t.goal, at("goal"), &start);
        }
    }

    /// Checks a goal of an objective or a critical task (`what`, named `id`).
    fn check_goal(&mut self, what: &str, id: &str, goal: &Goal, gpath: Path, start: &Start<'_>) {
        let s = self.s;
        match goal {
            Goal::Reach { condition, by, within } => {
                if let Some(w) = within {
                    let wpath = [gpath.clone(), vec![F("within")]].concat();
                    self.check_condition(&w.after, [wpath.clone(), vec![F("after")]].concat());
                    self.span(
                        w.span,
                        MAX_SPAN,
                        [wpath.clone(), vec![F("span")]].concat(),
                        "`span`",
                    );
                    if by.is_some() {
                        self.error(
                            "out-of-range",
                            wpath,
                            format!("{what} `{id}` has both `by` and `within`"),
                            Some("give one deadline: a drill time (`by`) or a span after a condition (`within`)".into()),
                        );
                    }
                }
                let cpath = [gpath.clone(), vec![F("condition")]].concat();
                self.check_condition(condition, cpath.clone());
                if let Some(why) = self.never(condition) {
                    self.error(
                        "never-met",
                        cpath,
                        format!("{what} `{id}` can never be met: {why}"),
                        None,
                    );
                } else if within.as_ref().is_none_or(|w| start.holds(&w.after) == Some(true)) {
                    // A goal with `within` is judged only once its `after` holds: until then
                    // its condition holding says nothing.
                    self.reach_at_start(what, id, start, condition, *by, &gpath);
                }
                if let Some(by) = by
                    && *by > s.meta.duration
                {
                    self.warn(
                        "late-deadline",
                        [gpath, vec![F("by")]].concat(),
                        format!(
                            "deadline {} is after the drill ends ({})",
                            by.clock(),
                            s.meta.duration.clock()
                        ),
                        None,
                    );
                }
            }
            Goal::Avoid(c) | Goal::HoldAtEnd(c) => {
                let cpath = [gpath.clone(), vec![I(0)]].concat();
                self.check_condition(c, cpath.clone());
                if matches!(goal, Goal::Avoid(_)) && start.holds(c) == Some(true) {
                    self.warn(
                        "missed-at-start",
                        cpath.clone(),
                        format!("{what} `{id}` is missed as the drill starts: what it avoids already holds at 00:00"),
                        Some("`Avoid` is missed the first time its condition holds, and every system starts Online, uncompromised, with no flag set: avoid what must not happen, such as `State(system: ..., is: Down)`".into()),
                    );
                }
                if matches!(goal, Goal::HoldAtEnd(_))
                    && let Some(why) = self.never(c)
                {
                    self.error(
                        "never-met",
                        cpath,
                        format!("{what} `{id}` can never be met: {why}"),
                        None,
                    );
                }
            }
            Goal::ExfiltrationBelow(gb) => {
                if !gb.is_finite() || *gb < 0.0 {
                    self.error(
                        "out-of-range",
                        gpath,
                        format!("an exfiltration limit of {gb} GB is not a number of gigabytes"),
                        None,
                    );
                } else if *gb == 0.0 {
                    self.missed_at_start(
                        what,
                id,
                        gpath,
                        "no exfiltration is below 0 GB",
                        "to allow next to none, give a small amount such as `ExfiltrationBelow(0.1)`",
                    );
                }
            }
            Goal::CostBelow(0) => self.missed_at_start(
                what,
                id,
                gpath,
                "no cost is below 0",
                "give the most the drill may cost, such as `CostBelow(50000)`",
            ),
            Goal::DataLossBelow(Minutes::ZERO) => self.missed_at_start(
                what,
                id,
                gpath,
                "no data loss is below 0m",
                "to allow next to none, give a small span such as `DataLossBelow(\"15m\")`",
            ),
            Goal::CostBelow(_) | Goal::DataLossBelow(_) => {}
        }
    }

    /// Warns of a `Reach` goal that is met, or missed, on the drill's first tick.
    fn reach_at_start(
        &mut self,
        what: &str,
        id: &str,
        start: &Start<'_>,
        condition: &Condition,
        by: Option<Minutes>,
        gpath: &Path,
    ) {
        let tick = self.s.meta.tick;
        match start.holds(condition) {
            Some(true) => self.warn(
                "met-at-start",
                [gpath.clone(), vec![F("condition")]].concat(),
                format!("{what} `{id}` is met as the drill starts: its condition already holds at 00:00"),
                Some("`Reach` is met the first time its condition holds, and every system starts Online, uncompromised, with no flag set: to score keeping things so, use `Avoid` of the opposite or `HoldAtEnd`".into()),
            ),
            Some(false) => {
                if let Some(by) = by.filter(|by| *by < tick) {
                    self.missed_at_start(
                        what,
                        id,
                        [gpath.clone(), vec![F("by")]].concat(),
                        &format!("its condition does not hold at 00:00 and its deadline {} passes before the first tick ends ({})", by.clock(), tick.clock()),
                        "give the teams time to act, such as `by: \"04:00\"`",
                    );
                }
            }
            None => {}
        }
    }

    fn missed_at_start(&mut self, what: &str, id: &str, path: Path, why: &str, help: &str) {
        self.warn(
            "missed-at-start",
            path,
            format!("{what} `{id}` is missed as the drill starts: {why}"),
            Some(help.to_owned()),
        );
    }
}
