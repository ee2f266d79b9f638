//! Teams and the actions they may take, the scenario's own actions among them.

use std::collections::BTreeSet;

use crate::scenario::catalogue::{missing_fields, resolve_actions};
use crate::scenario::locate::Path;
use crate::scenario::locate::Seg::{Field as F, Index as I};
use crate::scenario::{Requirement, TargetKind, builtin_actions};

use super::time::MAX_SPAN;
use super::{Ctx, closest};

impl Ctx<'_> {
    pub(super) fn check_teams_and_actions(&mut self) {
        let s = self.s;
        let builtin: BTreeSet<String> = builtin_actions().into_iter().map(|a| a.id).collect();
        for (i, spec) in s.actions.iter().enumerate() {
            let base = vec![F("actions"), I(i)];
            if !builtin.contains(&spec.id) {
                let missing = missing_fields(spec);
                if !missing.is_empty() {
                    let help = match closest(&spec.id, builtin.iter().map(String::as_str)) {
                        Some(b) => format!(
                            "to override the built-in action `{b}`, use its id; a new action must give {}",
                            missing.join(", ")
                        ),
                        None => format!("a new action must give {}", missing.join(", ")),
                    };
                    self.error(
                        "incomplete-action",
                        [base.clone(), vec![F("id")]].concat(),
                        format!("new action `{}` lacks {}", spec.id, missing.join(", ")),
                        Some(help),
                    );
                }
            }
            if spec.capacity == Some(0) {
                self.error(
                    "out-of-range",
                    [base.clone(), vec![F("capacity")]].concat(),
                    "an action must take at least 1 capacity slot".into(),
                    None,
                );
            }
            if let Some(d) = spec.duration {
                self.span(d, MAX_SPAN, [base.clone(), vec![F("duration")]].concat(), "`duration`");
            }
            if let Some(kind @ (TargetKind::Zone | TargetKind::Credential)) = spec.target {
                self.error(
                    "unsupported-target",
                    [base.clone(), vec![F("target")]].concat(),
                    format!(
                        "action `{}` targets a {}, but only System and Organisation actions can be played",
                        spec.id,
                        if kind == TargetKind::Zone { "zone" } else { "credential" }
                    ),
                    Some("the UI, the bots and the effects handle no other target: aim it at the systems concerned, such as the zone's firewall or the credential's issuer".into()),
                );
            }
            if let Some(reqs) = &spec.requires {
                self.check_requirements(
                    reqs,
                    [base.clone(), vec![F("requires")]].concat(),
                    &spec.id,
                );
            }
        }
        let resolved = resolve_actions(s);
        let kinds: BTreeSet<_> = s.estate.systems.iter().map(|x| x.kind).collect();
        let zones = self.zones.clone();
        for (i, team) in s.teams.iter().enumerate() {
            let base = vec![F("teams"), I(i)];
            if team.capacity == 0 || team.capacity > 100 {
                self.error(
                    "out-of-range",
                    [base.clone(), vec![F("capacity")]].concat(),
                    format!(
                        "team capacity is {}; it must be 1 to 100 parallel actions",
                        team.capacity
                    ),
                    None,
                );
            }
            if team.actions.is_empty() {
                self.warn(
                    "no-actions",
                    [base.clone(), vec![F("actions")]].concat(),
                    format!("team `{}` can take no action", team.id),
                    Some("list the action ids the team may take".into()),
                );
            }
            for (j, a) in team.actions.iter().enumerate() {
                let path = [base.clone(), vec![F("actions"), I(j)]].concat();
                let actions = self.actions.clone();
                let known: BTreeSet<&str> = actions.iter().map(String::as_str).collect();
                if self.reference(
                    "action",
                    &known,
                    a,
                    path.clone(),
                    &format!("for team `{}`", team.id),
                ) && let Some(def) = resolved.iter().find(|d| &d.id == a)
                    && !def.applies_to.is_empty()
                    && !def.applies_to.iter().any(|k| kinds.contains(k))
                {
                    self.warn(
                        "action-without-target",
                        path,
                        format!("action `{a}` applies to no system in this estate"),
                        Some(format!("it applies to {:?}", def.applies_to)),
                    );
                }
            }
            for (j, z) in team.visibility.zones.iter().enumerate() {
                self.reference(
                    "zone",
                    &zones,
                    z,
                    [base.clone(), vec![F("visibility"), F("zones"), I(j)]].concat(),
                    &format!("in the visibility of team `{}`", team.id),
                );
            }
        }
    }

    fn check_requirements(&mut self, reqs: &[Requirement], base: Path, action: &str) {
        let has = |r: &Requirement| reqs.contains(r);
        for (a, b) in [
            (Requirement::Isolated, Requirement::NotIsolated),
            (Requirement::PoweredOn, Requirement::PoweredOff),
        ] {
            if has(&a) && has(&b) {
                self.error(
                    "impossible-precondition",
                    base.clone(),
                    format!(
                        "action `{action}` requires both {a:?} and {b:?}, so it can never start"
                    ),
                    Some("keep one of the two".into()),
                );
            }
        }
        for (i, r) in reqs.iter().enumerate() {
            if let Requirement::Flag(f) = r
                && !self.flags.contains(f.as_str())
            {
                self.error(
                    "impossible-precondition",
                    [base.clone(), vec![I(i)]].concat(),
                    format!("action `{action}` requires flag `{f}`, which no decision or action ever sets"),
                    closest(f, self.flags.iter().copied()).map(|b| format!("did you mean `{b}`?")),
                );
            }
        }
    }
}
