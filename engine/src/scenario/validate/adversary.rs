//! The adversary's campaign: its stages, their techniques, targets, effects and order.

use crate::scenario::attack::{self, TechniqueStatus};
use crate::scenario::locate::Path;
use crate::scenario::locate::Seg::{Field as F, Index as I};
use crate::scenario::{Minutes, OnBlocked, Pick, Repeat, Response, StageEffect, StageRequirement};

use super::dead_stages::DeadStage;
use super::time::MAX_SPAN;
use super::{Ctx, closest};

impl Ctx<'_> {
    pub(super) fn check_adversary(&mut self) {
        let Some(adv) = &self.s.adversary else { return };
        let (zones, creds, stages) =
            (self.zones.clone(), self.credentials.clone(), self.stages.clone());
        if adv.stages.is_empty() {
            self.warn(
                "no-stages",
                vec![F("adversary"), F("stages")],
                "the adversary has no stages".into(),
                None,
            );
        }
        for (i, st) in adv.stages.iter().enumerate() {
            let base = vec![F("adversary"), F("stages"), I(i)];
            let at = |f: &'static str| [base.clone(), vec![F(f)]].concat();
            self.check_technique(&st.technique, at("technique"));
            for (j, a) in st.after.iter().enumerate() {
                if a == &st.id {
                    self.error(
                        "impossible-precondition",
                        [at("after"), vec![I(j)]].concat(),
                        format!("stage `{}` waits for itself", st.id),
                        None,
                    );
                } else {
                    self.reference(
                        "stage",
                        &stages,
                        a,
                        [at("after"), vec![I(j)]].concat(),
                        &format!("in `after` of stage `{}`", st.id),
                    );
                }
            }
            for (j, r) in st.requires.iter().enumerate() {
                let path = [at("requires"), vec![I(j)]].concat();
                match r {
                    StageRequirement::FootholdIn { zone, .. } => {
                        self.reference(
                            "zone",
                            &zones,
                            zone,
                            path,
                            &format!("in `requires` of stage `{}`", st.id),
                        );
                    }
                    StageRequirement::Credential(c) => {
                        self.reference(
                            "credential",
                            &creds,
                            c,
                            path,
                            &format!("in `requires` of stage `{}`", st.id),
                        );
                    }
                    StageRequirement::Flag(f) => {
                        if !self.flags.contains(f.as_str()) {
                            self.error("impossible-precondition", path, format!("stage `{}` requires flag `{f}`, which no decision or action ever sets", st.id), None);
                        }
                    }
                }
            }
            for (j, id) in st.targets.ids.iter().enumerate() {
                self.system_ref(
                    id,
                    [at("targets"), vec![F("ids"), I(j)]].concat(),
                    &format!("in the targets of stage `{}`", st.id),
                );
            }
            for (j, z) in st.targets.zones.iter().enumerate() {
                self.reference(
                    "zone",
                    &zones,
                    z,
                    [at("targets"), vec![F("zones"), I(j)]].concat(),
                    &format!("in the targets of stage `{}`", st.id),
                );
            }
            if st.targets.pick == Pick::Some(0) {
                self.error(
                    "out-of-range",
                    [at("targets"), vec![F("pick")]].concat(),
                    "a stage that picks 0 targets does nothing".into(),
                    None,
                );
            }
            self.range(st.success, 0.0, 1.0, at("success"), "success");
            self.range(st.noise, 0.0, 1.0, at("noise"), "noise");
            if st.noise == 0.0 {
                self.warn("silent-stage", at("noise"), format!("stage `{}` makes no noise, so no alert can ever reveal it", st.id), Some("investigation can still find it; give a small noise such as 0.01 if alerts should be possible".into()));
            }
            if st.success == 0.0 {
                self.warn(
                    "hopeless-stage",
                    at("success"),
                    format!("stage `{}` can never succeed", st.id),
                    None,
                );
            }
            if st.effects.is_empty() {
                self.warn(
                    "no-effects",
                    at("effects"),
                    format!("stage `{}` has no effects", st.id),
                    None,
                );
            }
            for (j, eff) in st.effects.iter().enumerate() {
                let path = [at("effects"), vec![I(j)]].concat();
                match eff {
                    StageEffect::StealCredential(c) => {
                        self.reference(
                            "credential",
                            &creds,
                            c,
                            path,
                            &format!("in the effects of stage `{}`", st.id),
                        );
                    }
                    StageEffect::Exfiltrate { gb_per_hour }
                        if !gb_per_hour.is_finite() || *gb_per_hour <= 0.0 =>
                    {
                        self.error(
                            "out-of-range",
                            path,
                            format!("exfiltration rate {gb_per_hour} GB/h must be more than 0"),
                            None,
                        );
                    }
                    _ => {}
                }
            }
            if let OnBlocked::Fallback(f) = &st.on_blocked {
                self.reference(
                    "stage",
                    &stages,
                    f,
                    at("on_blocked"),
                    &format!("as fallback of stage `{}`", st.id),
                );
            }
            if let OnBlocked::Retry(m) = &st.on_blocked {
                if *m == Minutes::ZERO {
                    self.error(
                        "out-of-range",
                        at("on_blocked"),
                        "a retry after 0m would retry forever within one tick".into(),
                        Some("give a delay such as Retry(\"30m\")".into()),
                    );
                }
                self.span(*m, MAX_SPAN, at("on_blocked"), "the delay of `Retry`");
            }
            if let Repeat::Every(m) = st.repeat {
                if m == Minutes::ZERO {
                    self.error(
                        "out-of-range",
                        at("repeat"),
                        format!("stage `{}` cannot repeat every 0m", st.id),
                        Some("give a period such as Every(\"2h\"), or WhenUndone".into()),
                    );
                }
                self.span(m, MAX_SPAN, at("repeat"), "the period of `Every`");
            }
            for (j, r) in st.reacts.iter().enumerate() {
                let path = [at("reacts"), vec![I(j), F("then")]].concat();
                match &r.then {
                    Response::Fallback(f) if *f == st.id => self.error(
                        "out-of-range",
                        path,
                        format!("stage `{}` cannot fall back to itself", st.id),
                        Some("name another stage: the channel or path the crew turns to".into()),
                    ),
                    Response::Fallback(f) => {
                        let what = format!("as what stage `{}` falls back to", st.id);
                        self.reference("stage", &stages, f, path, &what);
                    }
                    Response::Accelerate(x) if !(x.is_finite() && *x > 0.0 && *x < 1.0) => self
                        .error(
                            "out-of-range",
                            path,
                            format!("`Accelerate({x})` must multiply durations by more than 0 and less than 1"),
                            Some("a crew that hurries to twice its speed is `Accelerate(0.5)`".into()),
                        ),
                    Response::GoQuiet(m) if *m == Minutes::ZERO => self.error(
                        "out-of-range",
                        path,
                        "going quiet for 0m does nothing".into(),
                        Some("give a time such as GoQuiet(\"2h\")".into()),
                    ),
                    Response::GoQuiet(m) => self.span(*m, MAX_SPAN, path, "the time of `GoQuiet`"),
                    _ => {}
                }
                if st.reacts[..j].iter().any(|o| o.on == r.on && o.then == r.then) {
                    self.warn(
                        "duplicate-reaction",
                        [at("reacts"), vec![I(j)]].concat(),
                        format!("stage `{}` has this reaction twice", st.id),
                        None,
                    );
                }
            }
            self.span(st.duration, MAX_SPAN, at("duration"), "`duration`");
            self.span(st.earliest, MAX_SPAN, at("earliest"), "`earliest`");
        }
        self.find_dead_stages();
        let dead = self.dead_stages.clone();
        for (i, st) in adv.stages.iter().enumerate() {
            // Report root causes only: a stage waiting on a dead stage, or one whose targets
            // name unknown ids, already has its own diagnostic.
            let unknown_target = st.targets.ids.iter().any(|t| !self.systems.contains(t.as_str()))
                || st.targets.zones.iter().any(|z| !self.zones.contains(z.as_str()));
            // An `earliest` past every drill is already `out-of-range`.
            if unknown_target || st.earliest > MAX_SPAN {
                continue;
            }
            if let Some(DeadStage { why, root: true }) = dead.get(st.id.as_str()) {
                self.error(
                    "never-triggers",
                    vec![F("adversary"), F("stages"), I(i), F("id")],
                    format!("stage `{}` can never start: {why}", st.id),
                    None,
                );
            }
        }
    }

    fn check_technique(&mut self, id: &str, path: Path) {
        match attack::technique(id) {
            Some(t) if t.status == TechniqueStatus::Active => {}
            Some(t) => self.warn(
                "retired-technique",
                path,
                format!(
                    "ATT&CK technique {id} ({}) is {}",
                    t.name,
                    if t.status == TechniqueStatus::Revoked { "revoked" } else { "deprecated" }
                ),
                Some(format!("use a current technique of ATT&CK {}", attack::attack_version())),
            ),
            None => {
                let help = closest(id, attack::active_ids())
                    .and_then(|b| attack::technique(b).map(|t| format!("did you mean {b} ({})?", t.name)))
                    .or_else(|| Some(format!("technique ids look like T1486 or T1566.001; see https://attack.mitre.org/ (ATT&CK {})", attack::attack_version())));
                self.error(
                    "unknown-technique",
                    path,
                    format!(
                        "`{id}` is not a technique of MITRE ATT&CK Enterprise {}",
                        attack::attack_version()
                    ),
                    help,
                );
            }
        }
    }
}
