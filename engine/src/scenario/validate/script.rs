//! The script of the drill: disaster events, and the injects sent to the teams with the
//! responses they expect and the decisions they ask for.

use std::collections::BTreeSet;

use crate::scenario::catalogue::resolve_actions;
use crate::scenario::locate::Path;
use crate::scenario::locate::Seg::{Field as F, Index as I};
use crate::scenario::{ActionEffect, Consequence, EventKind, Minutes};

use super::Ctx;
use super::time::MAX_SPAN;

/// The largest one-off cost a decision may carry.
const MAX_MONEY: u64 = 1_000_000_000_000_000;

/// The fastest decryptor a scenario may give: a petabyte an hour.
const MAX_GB_PER_HOUR: f64 = 1_000_000.0;

impl Ctx<'_> {
    pub(super) fn check_events(&mut self) {
        let s = self.s;
        let (sites, zones) = (self.sites.clone(), self.zones.clone());
        for (i, ev) in s.events.iter().enumerate() {
            let base = vec![F("events"), I(i)];
            self.check_trigger(
                &ev.trigger,
                [base.clone(), vec![F("trigger")]].concat(),
                &format!("event `{}`", ev.id),
            );
            let kind = [base.clone(), vec![F("kind")]].concat();
            let place = format!("in event `{}`", ev.id);
            match &ev.kind {
                EventKind::PowerLoss(site) | EventKind::RegionOutage(site) => {
                    self.reference("site", &sites, site, kind, &place);
                }
                EventKind::HardwareFailure(sys) | EventKind::DataCorruption(sys) => {
                    self.system_ref(sys, kind, &place);
                }
                EventKind::LinkFailure { from, to } => {
                    let a = self.reference(
                        "zone",
                        &zones,
                        from,
                        [kind.clone(), vec![F("from")]].concat(),
                        &place,
                    );
                    let b = self.reference(
                        "zone",
                        &zones,
                        to,
                        [kind.clone(), vec![F("to")]].concat(),
                        &place,
                    );
                    let exists = s.estate.links.iter().any(|l| {
                        (&l.from == from && &l.to == to) || (&l.from == to && &l.to == from)
                    });
                    if a && b && !exists {
                        self.error(
                            "unknown-id",
                            kind,
                            format!("there is no link between zones `{from}` and `{to}` to fail"),
                            None,
                        );
                    }
                }
            }
            if ev.lasts == Some(Minutes::ZERO) {
                self.warn(
                    "instant-event",
                    [base.clone(), vec![F("lasts")]].concat(),
                    format!("event `{}` lasts 0m and has no effect", ev.id),
                    None,
                );
            }
            if let Some(lasts) = ev.lasts {
                self.span(lasts, MAX_SPAN, [base, vec![F("lasts")]].concat(), "`lasts`");
            }
        }
    }

    pub(super) fn check_injects(&mut self) {
        let s = self.s;
        let (teams, injects, events) =
            (self.teams.clone(), self.injects.clone(), self.events.clone());
        let resolved = resolve_actions(s);
        for (i, inj) in s.injects.iter().enumerate() {
            let base = vec![F("injects"), I(i)];
            let at = |f: &'static str| [base.clone(), vec![F(f)]].concat();
            self.check_trigger(&inj.trigger, at("trigger"), &format!("inject `{}`", inj.id));
            if inj.audience.is_empty() {
                self.error(
                    "no-audience",
                    at("audience"),
                    format!("inject `{}` is addressed to no team", inj.id),
                    Some("list the team ids it goes to".into()),
                );
            }
            for (j, t) in inj.audience.iter().enumerate() {
                self.reference(
                    "team",
                    &teams,
                    t,
                    [at("audience"), vec![I(j)]].concat(),
                    &format!("in the audience of inject `{}`", inj.id),
                );
            }
            if let Some(stage) = &inj.points_at {
                let stages = self.stages.clone();
                self.reference(
                    "stage",
                    &stages,
                    stage,
                    at("points_at"),
                    &format!("pointed at by inject `{}`", inj.id),
                );
            }
            if let Some(exp) = &inj.expects {
                let epath = at("expects");
                if let Some(after) = &exp.after {
                    self.check_condition(after, [epath.clone(), vec![F("after"), I(0)]].concat());
                }
                let known: BTreeSet<&str> = resolved.iter().map(|a| a.id.as_str()).collect();
                if self.reference(
                    "action",
                    &known,
                    &exp.action,
                    [epath.clone(), vec![F("action")]].concat(),
                    &format!("expected by inject `{}`", inj.id),
                ) {
                    let able = s
                        .teams
                        .iter()
                        .filter(|t| inj.audience.contains(&t.id))
                        .any(|t| t.actions.contains(&exp.action));
                    let audience_known =
                        inj.audience.iter().all(|t| self.teams.contains(t.as_str()));
                    if !able && !inj.audience.is_empty() && audience_known {
                        self.error(
                            "impossible-expectation",
                            [epath.clone(), vec![F("action")]].concat(),
                            format!("inject `{}` expects `{}`, which no team in its audience may take", inj.id, exp.action),
                            Some("add the action to a team's `actions`, or address the inject to a team that has it".into()),
                        );
                    }
                }
                if let Some(t) = &exp.target {
                    self.target_ref(
                        t,
                        [epath.clone(), vec![F("target")]].concat(),
                        &format!("expected by inject `{}`", inj.id),
                    );
                }
                if exp.within == Minutes::ZERO {
                    self.error(
                        "out-of-range",
                        [epath.clone(), vec![F("within")]].concat(),
                        "an expected response within 0m can never be met".into(),
                        None,
                    );
                }
                self.span(exp.within, MAX_SPAN, [epath, vec![F("within")]].concat(), "`within`");
            }
            if let Some(d) = &inj.decision {
                let dpath = at("decision");
                if self.reference(
                    "team",
                    &teams,
                    &d.team,
                    [dpath.clone(), vec![F("team")]].concat(),
                    &format!("deciding inject `{}`", inj.id),
                ) && !inj.audience.contains(&d.team)
                {
                    self.error(
                        "decider-not-told",
                        [dpath.clone(), vec![F("team")]].concat(),
                        format!(
                            "team `{}` decides inject `{}` but is not in its audience",
                            d.team, inj.id
                        ),
                        Some("add the team to `audience`".into()),
                    );
                }
                if d.within == Some(Minutes::ZERO) {
                    self.error(
                        "out-of-range",
                        [dpath.clone(), vec![F("within")]].concat(),
                        "a decision within 0m can never be taken by the team".into(),
                        None,
                    );
                }
                if let Some(w) = d.within {
                    self.span(w, MAX_SPAN, [dpath.clone(), vec![F("within")]].concat(), "`within`");
                }
                if d.choices.is_empty() {
                    self.error(
                        "no-choices",
                        [dpath.clone(), vec![F("choices")]].concat(),
                        "a decision needs at least one choice".into(),
                        None,
                    );
                }
                let choice_ids: BTreeSet<&str> = d.choices.iter().map(|c| c.id.as_str()).collect();
                if choice_ids.len() != d.choices.len() {
                    self.error(
                        "duplicate-id",
                        [dpath.clone(), vec![F("choices")]].concat(),
                        "two choices of this decision share an id".into(),
                        None,
                    );
                }
                if let Some(def) = &d.default {
                    self.reference(
                        "choice",
                        &choice_ids,
                        def,
                        [dpath.clone(), vec![F("default")]].concat(),
                        &format!("as default of inject `{}`", inj.id),
                    );
                } else if d.within.is_some() {
                    self.warn("no-default", [dpath.clone(), vec![F("within")]].concat(), "a decision with a time limit but no `default`: when time runs out nothing is chosen".into(), None);
                }
                for (j, ch) in d.choices.iter().enumerate() {
                    if let Some(req) = &ch.requires {
                        let rpath =
                            [dpath.clone(), vec![F("choices"), I(j), F("requires")]].concat();
                        self.check_condition(req, [rpath.clone(), vec![I(0)]].concat());
                        if let Some(why) = self.never(req) {
                            self.error(
                                "never-open",
                                [rpath.clone(), vec![I(0)]].concat(),
                                format!("choice `{}` of inject `{}` can never be taken: {why}", ch.id, inj.id),
                                Some("require something the drill can bring about, or drop `requires`".into()),
                            );
                        }
                        if d.default.as_ref() == Some(&ch.id) {
                            self.error(
                                "conditional-default",
                                rpath,
                                format!(
                                    "choice `{}` is the default of inject `{}` but needs a condition: when time runs out it may not be available",
                                    ch.id, inj.id
                                ),
                                Some("make a choice without `requires` the default".into()),
                            );
                        }
                    }
                    // A stake on both sides says nothing of the trade, and a policy reading
                    // it weighs it as if it were absent: most likely a slip of the pen.
                    for (k, stake) in ch.risks.iter().enumerate() {
                        if ch.serves.contains(stake) {
                            self.warn(
                                "contradictory-trade",
                                [dpath.clone(), vec![F("choices"), I(j), F("risks"), I(k)]]
                                    .concat(),
                                format!(
                                    "choice `{}` of inject `{}` both serves and risks {stake:?}",
                                    ch.id, inj.id
                                ),
                                Some(format!("keep {stake:?} in `serves` or in `risks`, not both")),
                            );
                        }
                    }
                    for (k, cons) in ch.consequences.iter().enumerate() {
                        let cpath =
                            [dpath.clone(), vec![F("choices"), I(j), F("consequences"), I(k)]]
                                .concat();
                        match cons {
                            Consequence::FireInject(id) => {
                                if id == &inj.id {
                                    self.warn(
                                        "self-inject",
                                        cpath.clone(),
                                        format!("inject `{}` fires itself again", inj.id),
                                        None,
                                    );
                                }
                                self.reference("inject", &injects, id, cpath, "in a consequence");
                            }
                            Consequence::StartEvent(id) => {
                                self.reference("event", &events, id, cpath, "in a consequence");
                            }
                            Consequence::SetState { system, state } => {
                                use crate::scenario::SystemState as S;
                                if !matches!(state, S::Down | S::Online | S::Destroyed) {
                                    self.error(
                                        "out-of-range",
                                        [cpath.clone(), vec![F("state")]].concat(),
                                        format!("a consequence cannot set a system {state:?}"),
                                        Some("use Down, Online or Destroyed; isolation and encryption come from actions and the attacker".into()),
                                    );
                                }
                                self.system_ref(
                                    system,
                                    [cpath, vec![F("system")]].concat(),
                                    "in a consequence",
                                );
                            }
                            Consequence::Cost(amount) if *amount > MAX_MONEY => {
                                self.error(
                                    "out-of-range",
                                    cpath,
                                    format!("a cost of {amount} is out of range: at most {MAX_MONEY}"),
                                    Some("write the cost in the scenario's currency units; no single decision costs more".into()),
                                );
                            }
                            Consequence::CostPerHour { amount, until, .. } => {
                                if let Some(u) = until {
                                    self.check_condition(
                                        u,
                                        [cpath.clone(), vec![F("until"), I(0)]].concat(),
                                    );
                                }
                                if *amount > MAX_MONEY {
                                    self.error(
                                        "out-of-range",
                                        [cpath, vec![F("amount")]].concat(),
                                        format!("a cost of {amount} an hour is out of range: at most {MAX_MONEY}"),
                                        Some("write the cost in the scenario's currency units per hour".into()),
                                    );
                                }
                            }
                            Consequence::Decryptor { gb_per_hour, recovers } => {
                                self.check_decryptor(*gb_per_hour, *recovers, &resolved, cpath);
                            }
                            Consequence::SetFlag(_) | Consequence::Cost(_) => {}
                        }
                    }
                }
            }
        }
    }
}

impl Ctx<'_> {
    /// A decryptor's rate and odds are in range, and some team can run it.
    fn check_decryptor(
        &mut self,
        gb_per_hour: f64,
        recovers: f64,
        resolved: &[crate::scenario::ActionDef],
        path: Path,
    ) {
        if !(gb_per_hour.is_finite() && gb_per_hour > 0.0 && gb_per_hour <= MAX_GB_PER_HOUR) {
            self.error(
                "out-of-range",
                [path.clone(), vec![F("gb_per_hour")]].concat(),
                format!("a decryptor rate of {gb_per_hour} GB an hour is out of range"),
                Some(format!("give a rate above 0 and at most {MAX_GB_PER_HOUR}")),
            );
        }
        if !(0.0..=1.0).contains(&recovers) {
            self.error(
                "out-of-range",
                [path.clone(), vec![F("recovers")]].concat(),
                format!("a decryptor that recovers {recovers} is out of range"),
                Some("give the chance that a system comes back whole, from 0.0 to 1.0".into()),
            );
        }
        let decrypts = |a: &String| {
            resolved.iter().any(|d| &d.id == a && d.effects.contains(&ActionEffect::Decrypt))
        };
        if !self.s.teams.iter().any(|t| t.actions.iter().any(decrypts)) {
            self.warn(
                "decryptor-unused",
                path,
                "the decryptor is bought, but no team can run it".into(),
                Some(
                    "add the built-in `decrypt` to the actions of the team that recovers systems"
                        .into(),
                ),
            );
        }
    }
}
