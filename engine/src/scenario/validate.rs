//! Semantic validation: every problem a scenario can have once it has parsed, collected in
//! one pass so an author sees them all at once.

use std::collections::{BTreeMap, BTreeSet};

use super::attack::{self, TechniqueStatus};
use super::catalogue::{missing_fields, resolve_actions};
use super::diagnostic::{Diagnostic, Severity, locate_span};
use super::flags::FlagUse;
use super::locate::{Path, Seg, SpanTree};
use super::start::Start;
use super::{
    Condition, Consequence, DrillKind, EventKind, FORMAT_VERSION, Goal, Minutes, OnBlocked, Pick,
    Requirement, Scenario, StageEffect, StageRequirement, TargetKind, Targets, Trigger,
};

use Seg::{Field as F, Index as I};

/// The longest drill a scenario may describe.
const MAX_DURATION: Minutes = Minutes(30 * 24 * 60);
/// The longest span the clock may be moved on by (a tick, an action, a stage, a restore, a
/// failover, an event, a time allowed, a delay), and the latest `earliest` of a stage: no
/// drill lasts longer, and drill time plus such spans stays far from overflowing.
const MAX_SPAN: Minutes = MAX_DURATION;
/// The oldest a backup may be when the drill starts: a year of data lost by restoring it.
const MAX_BACKUP_AGE: Minutes = Minutes(366 * 24 * 60);
/// The largest cost of an hour down one system may have: far beyond any business, and small
/// enough that a whole estate's costs over the longest drill cannot overflow.
const MAX_CRITICALITY: u64 = 1_000_000_000_000;
/// The largest one-off cost a decision may carry.
const MAX_MONEY: u64 = 1_000_000_000_000_000;

/// The closest candidate to a misspelt id, when one is close enough to suggest.
pub(crate) fn closest<'a>(
    found: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let found_lower = found.to_lowercase();
    candidates
        .map(|c| (strsim::levenshtein(&found_lower, &c.to_lowercase()), c))
        .filter(|(d, c)| {
            *c != found && *d <= (c.chars().count().max(found.chars().count()) / 3).max(1)
        })
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Runs every semantic check; diagnostics come back in source order.
pub(crate) fn validate(scenario: &Scenario, text: &str) -> Vec<Diagnostic> {
    let mut ctx = Ctx::new(scenario, text);
    ctx.check_meta();
    ctx.check_ids();
    ctx.check_estate();
    ctx.check_dependency_cycles();
    ctx.check_teams_and_actions();
    ctx.check_adversary();
    ctx.check_events();
    ctx.check_injects();
    ctx.check_objectives();
    ctx.check_unread_flags();
    let mut out = ctx.out;
    out.sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
    out
}

type Ids<'a> = BTreeSet<&'a str>;

/// Why a stage can never start.
#[derive(Debug, Clone)]
struct DeadStage {
    why: String,
    /// False when it only waits on another dead stage, which gets the diagnostic instead.
    root: bool,
}

struct Ctx<'a> {
    s: &'a Scenario,
    text: &'a str,
    tree: SpanTree,
    out: Vec<Diagnostic>,
    sites: Ids<'a>,
    zones: Ids<'a>,
    systems: Ids<'a>,
    credentials: Ids<'a>,
    teams: Ids<'a>,
    actions: BTreeSet<String>,
    stages: Ids<'a>,
    events: Ids<'a>,
    injects: Ids<'a>,
    flags: BTreeSet<&'a str>,
    /// Stages that can never start, with the reason why.
    dead_stages: BTreeMap<&'a str, DeadStage>,
}

fn ids<'a, T>(items: &'a [T], id: impl Fn(&'a T) -> &'a str) -> Ids<'a> {
    items.iter().map(id).collect()
}

impl<'a> Ctx<'a> {
    fn new(s: &'a Scenario, text: &'a str) -> Self {
        let e = &s.estate;
        let stages = s.adversary.as_ref().map(|a| ids(&a.stages, |x| &x.id)).unwrap_or_default();
        let flags = FlagUse::of(s).set.into_iter().map(|(f, _)| f).collect();
        Ctx {
            s,
            text,
            tree: SpanTree::new(text),
            out: Vec::new(),
            sites: ids(&e.sites, |x| &x.id),
            zones: ids(&e.zones, |x| &x.id),
            systems: ids(&e.systems, |x| &x.id),
            credentials: ids(&e.credentials, |x| &x.id),
            teams: ids(&s.teams, |x| &x.id),
            actions: resolve_actions(s).into_iter().map(|a| a.id).collect(),
            stages,
            events: ids(&s.events, |x| &x.id),
            injects: ids(&s.injects, |x| &x.id),
            flags,
            dead_stages: BTreeMap::new(),
        }
    }

    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        path: Path,
        message: String,
        help: Option<String>,
    ) {
        let location = self.tree.span(&path).map(|span| locate_span(self.text, span));
        self.out.push(Diagnostic { severity, code, message, location, help });
    }

    fn error(&mut self, code: &'static str, path: Path, message: String, help: Option<String>) {
        self.push(Severity::Error, code, path, message, help);
    }

    fn warn(&mut self, code: &'static str, path: Path, message: String, help: Option<String>) {
        self.push(Severity::Warning, code, path, message, help);
    }

    /// Reports `id` when it is not one of `known`, suggesting the nearest.
    fn reference(
        &mut self,
        what: &str,
        known: &BTreeSet<&str>,
        id: &str,
        path: Path,
        place: &str,
    ) -> bool {
        if known.contains(id) {
            return true;
        }
        let help = match closest(id, known.iter().copied()) {
            Some(best) => Some(format!("did you mean `{best}`?")),
            None if known.is_empty() => Some(format!("the scenario defines no {what}")),
            None => {
                Some(format!("the scenario's {what} ids are {}", sample(known.iter().copied())))
            }
        };
        self.error("unknown-id", path, format!("unknown {what} `{id}` {place}"), help);
        false
    }

    fn system_ref(&mut self, id: &str, path: Path, place: &str) -> bool {
        // Taken out and put back rather than copied: estates have thousands of systems.
        let known = std::mem::take(&mut self.systems);
        let found = self.reference("system", &known, id, path, place);
        self.systems = known;
        found
    }

    /// An action target: a system id, as only `System` actions take a target.
    fn target_ref(&mut self, id: &str, path: Path, place: &str) -> bool {
        self.system_ref(id, path, place)
    }

    fn range(&mut self, value: f64, lo: f64, hi: f64, path: Path, what: &str) {
        if !(lo..=hi).contains(&value) || !value.is_finite() {
            self.error(
                "out-of-range",
                path,
                format!("`{what}` is {value}; it must be between {lo:?} and {hi:?}"),
                None,
            );
        }
    }

    /// Reports a span (or `earliest`) longer than `max` as `out-of-range`.
    fn span(&mut self, value: Minutes, max: Minutes, path: Path, what: &str) {
        if value > max {
            let help = if max == MAX_SPAN {
                format!(
                    "no drill lasts longer than {MAX_DURATION}, so no span in one needs to be longer"
                )
            } else {
                format!(
                    "a backup's age is the data a restore from it loses; {max} (a year) is the most"
                )
            };
            self.error(
                "out-of-range",
                path,
                format!("{what} is {value}; it must be at most {max}"),
                Some(help),
            );
        }
    }

    fn check_meta(&mut self) {
        let s = self.s;
        if s.format != FORMAT_VERSION {
            self.error(
                "unsupported-format",
                vec![F("format")],
                format!("format {} is not one this tabletop reads", s.format),
                Some(format!("this build reads format {FORMAT_VERSION}")),
            );
        }
        let m = &s.meta;
        if m.duration == Minutes::ZERO || m.duration > MAX_DURATION {
            self.error(
                "out-of-range",
                vec![F("meta"), F("duration")],
                format!(
                    "the drill lasts {}; it must last more than 0m and at most {MAX_DURATION}",
                    m.duration
                ),
                None,
            );
        }
        if m.tick == Minutes::ZERO || m.tick > m.duration {
            self.error(
                "out-of-range",
                vec![F("meta"), F("tick")],
                format!("a tick of {} must be at least 1m and no longer than the drill", m.tick),
                None,
            );
        }
        if m.kind == DrillKind::Breach && s.adversary.is_none() {
            self.warn(
                "no-adversary",
                vec![F("meta"), F("kind")],
                "a breach drill without an `adversary`".into(),
                Some("add an adversary campaign, or make the drill `kind: Disaster`".into()),
            );
        }
        let d = &s.detection;
        self.range(
            d.false_positives_per_hour,
            0.0,
            1000.0,
            vec![F("detection"), F("false_positives_per_hour")],
            "false_positives_per_hour",
        );
        self.range(
            d.investigation_success,
            0.0,
            1.0,
            vec![F("detection"), F("investigation_success")],
            "investigation_success",
        );
        self.range(
            d.investigation_success_with_evidence,
            0.0,
            1.0,
            vec![F("detection"), F("investigation_success_with_evidence")],
            "investigation_success_with_evidence",
        );
        self.span(
            d.monitoring_delay,
            MAX_SPAN,
            vec![F("detection"), F("monitoring_delay")],
            "`monitoring_delay`",
        );
    }

    fn check_ids(&mut self) {
        let s = self.s;
        if !valid_id(&s.meta.id) {
            self.error(
                "bad-id",
                vec![F("meta"), F("id")],
                format!("`{}` is not a valid scenario id", s.meta.id),
                Some("ids are letters, digits, `-`, `_` and `.`, starting with a letter or digit; the scenario id also names its drill logs".into()),
            );
        }
        let e = &s.estate;
        let mut groups: Vec<(&str, Path, Vec<&str>)> = vec![
            (
                "site",
                vec![F("estate"), F("sites")],
                e.sites.iter().map(|x| x.id.as_str()).collect(),
            ),
            (
                "zone",
                vec![F("estate"), F("zones")],
                e.zones.iter().map(|x| x.id.as_str()).collect(),
            ),
            (
                "system",
                vec![F("estate"), F("systems")],
                e.systems.iter().map(|x| x.id.as_str()).collect(),
            ),
            (
                "credential",
                vec![F("estate"), F("credentials")],
                e.credentials.iter().map(|x| x.id.as_str()).collect(),
            ),
            ("team", vec![F("teams")], s.teams.iter().map(|x| x.id.as_str()).collect()),
            ("action", vec![F("actions")], s.actions.iter().map(|x| x.id.as_str()).collect()),
            ("event", vec![F("events")], s.events.iter().map(|x| x.id.as_str()).collect()),
            ("inject", vec![F("injects")], s.injects.iter().map(|x| x.id.as_str()).collect()),
            (
                "objective",
                vec![F("objectives")],
                s.objectives.iter().map(|x| x.id.as_str()).collect(),
            ),
        ];
        if let Some(a) = &s.adversary {
            groups.push((
                "stage",
                vec![F("adversary"), F("stages")],
                a.stages.iter().map(|x| x.id.as_str()).collect(),
            ));
        }
        for (what, base, list) in groups {
            let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
            for (i, id) in list.iter().enumerate() {
                let mut path = base.clone();
                path.extend([I(i), F("id")]);
                if !valid_id(id) {
                    self.error(
                        "bad-id",
                        path.clone(),
                        format!("`{id}` is not a valid {what} id"),
                        Some("ids are letters, digits, `-`, `_` and `.`, starting with a letter or digit".into()),
                    );
                }
                if let Some(first) = seen.get(id) {
                    let mut first_path = base.clone();
                    first_path.extend([I(*first), F("id")]);
                    let line =
                        self.tree.span(&first_path).map(|sp| locate_span(self.text, sp).line);
                    self.error(
                        "duplicate-id",
                        path,
                        format!("{what} id `{id}` is used twice"),
                        line.map(|l| {
                            format!("it is first defined on line {l}; ids must be unique")
                        }),
                    );
                } else {
                    seen.insert(id, i);
                }
            }
        }
        let mut backups: BTreeSet<&str> = BTreeSet::new();
        for (i, sys) in e.systems.iter().enumerate() {
            for (j, b) in sys.backups.iter().enumerate() {
                if !backups.insert(&b.id) {
                    self.error(
                        "duplicate-id",
                        vec![F("estate"), F("systems"), I(i), F("backups"), I(j), F("id")],
                        format!("backup id `{}` is used twice", b.id),
                        Some("backup ids must be unique across the scenario".into()),
                    );
                }
            }
        }
    }

    fn check_estate(&mut self) {
        let e = &self.s.estate;
        let (sites, zones) = (self.sites.clone(), self.zones.clone());
        for (i, z) in e.zones.iter().enumerate() {
            self.reference(
                "site",
                &sites,
                &z.site,
                vec![F("estate"), F("zones"), I(i), F("site")],
                &format!("for zone `{}`", z.id),
            );
        }
        for (i, l) in e.links.iter().enumerate() {
            let base = vec![F("estate"), F("links"), I(i)];
            self.reference(
                "zone",
                &zones,
                &l.from,
                [base.clone(), vec![F("from")]].concat(),
                "in `links`",
            );
            self.reference(
                "zone",
                &zones,
                &l.to,
                [base.clone(), vec![F("to")]].concat(),
                "in `links`",
            );
            if l.from == l.to {
                self.warn(
                    "self-link",
                    base.clone(),
                    format!("link from zone `{}` to itself", l.from),
                    Some("a zone always reaches itself; remove the link".into()),
                );
            }
            if let Some(via) = &l.via
                && self.system_ref(
                    via,
                    [base.clone(), vec![F("via")]].concat(),
                    "in `via` of a link",
                )
                && let Some(sys) = e.systems.iter().find(|s| &s.id == via)
                && !sys.kind.is_network_device()
            {
                {
                    self.warn(
                        "via-not-network",
                        [base, vec![F("via")]].concat(),
                        format!(
                            "link runs through `{via}`, a {:?}, not a network device",
                            sys.kind
                        ),
                        Some("links usually run through a Firewall, Switch, Router or Vpn".into()),
                    );
                }
            }
        }
        let site_of_zone: BTreeMap<&str, &str> =
            e.zones.iter().map(|z| (z.id.as_str(), z.site.as_str())).collect();
        for (i, sys) in e.systems.iter().enumerate() {
            let base = vec![F("estate"), F("systems"), I(i)];
            let place = format!("for system `{}`", sys.id);
            if sys.criticality > MAX_CRITICALITY {
                self.error(
                    "out-of-range",
                    [base.clone(), vec![F("criticality")]].concat(),
                    format!(
                        "criticality {} is out of range: at most {MAX_CRITICALITY} an hour",
                        sys.criticality
                    ),
                    Some("criticality is the business cost of an hour down, in the scenario's currency units".into()),
                );
            }
            self.reference(
                "zone",
                &zones,
                &sys.zone,
                [base.clone(), vec![F("zone")]].concat(),
                &place,
            );
            for (j, dep) in sys.depends_on.iter().enumerate() {
                let path = [base.clone(), vec![F("depends_on"), I(j)]].concat();
                if dep == &sys.id {
                    self.error(
                        "self-dependency",
                        path,
                        format!("system `{}` depends on itself", sys.id),
                        Some("remove it from its own `depends_on`".into()),
                    );
                } else {
                    self.system_ref(dep, path, &format!("in `depends_on` of system `{}`", sys.id));
                }
            }
            if !sys.data_gb.is_finite() || sys.data_gb < 0.0 {
                self.error(
                    "out-of-range",
                    [base.clone(), vec![F("data_gb")]].concat(),
                    format!("data_gb is {}; it must be 0 or more", sys.data_gb),
                    None,
                );
            }
            for (j, b) in sys.backups.iter().enumerate() {
                let at = |f: &'static str| [base.clone(), vec![F("backups"), I(j), F(f)]].concat();
                if b.restore_time == Minutes::ZERO {
                    self.error(
                        "out-of-range",
                        at("restore_time"),
                        "a restore cannot take 0m".into(),
                        Some("give the time a restore takes, such as \"4h\"".into()),
                    );
                }
                self.span(b.restore_time, MAX_SPAN, at("restore_time"), "`restore_time`");
                self.span(b.age, MAX_BACKUP_AGE, at("age"), "the backup's `age`");
            }
            if let Some(r) = &sys.replication {
                let path = [base.clone(), vec![F("replication"), F("site")]].concat();
                if self.reference(
                    "site",
                    &sites,
                    &r.site,
                    path.clone(),
                    &format!("in `replication` of system `{}`", sys.id),
                ) && site_of_zone.get(sys.zone.as_str()) == Some(&r.site.as_str())
                {
                    self.error(
                        "replica-same-site",
                        path,
                        format!("system `{}` replicates to its own site `{}`", sys.id, r.site),
                        Some("a DR replica must live at another site to survive the loss of this one".into()),
                    );
                }
                let at = |f: &'static str| [base.clone(), vec![F("replication"), F(f)]].concat();
                if r.rto == Minutes::ZERO {
                    self.warn(
                        "instant-failover",
                        at("rto"),
                        "a failover that takes 0m".into(),
                        None,
                    );
                }
                self.span(r.rto, MAX_SPAN, at("rto"), "`rto`");
                self.span(r.rpo, MAX_SPAN, at("rpo"), "`rpo`");
            }
        }
        for (i, c) in e.credentials.iter().enumerate() {
            self.system_ref(
                &c.issuer,
                vec![F("estate"), F("credentials"), I(i), F("issuer")],
                &format!("as issuer of credential `{}`", c.id),
            );
        }
    }

    fn check_dependency_cycles(&mut self) {
        let systems = &self.s.estate.systems;
        let index: BTreeMap<&str, usize> =
            systems.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
        // 0 unvisited, 1 on the current path, 2 done.
        let mut mark = vec![0u8; systems.len()];
        let mut reported: BTreeSet<Vec<usize>> = BTreeSet::new();
        for start in 0..systems.len() {
            if mark[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            let mut path: Vec<usize> = vec![start];
            mark[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let deps = &systems[node].depends_on;
                if *next >= deps.len() {
                    mark[node] = 2;
                    stack.pop();
                    path.pop();
                    continue;
                }
                let dep_pos = *next;
                *next += 1;
                let Some(&dep) = index.get(deps[dep_pos].as_str()) else { continue };
                if dep == node {
                    continue;
                }
                match mark[dep] {
                    0 => {
                        mark[dep] = 1;
                        stack.push((dep, 0));
                        path.push(dep);
                    }
                    1 => {
                        let from = path.iter().position(|&p| p == dep).unwrap_or(0);
                        let cycle: Vec<usize> = path[from..].to_vec();
                        let mut key = cycle.clone();
                        key.sort_unstable();
                        if reported.insert(key) {
                            let names: Vec<&str> = cycle
                                .iter()
                                .chain(std::iter::once(&dep))
                                .map(|&i| systems[i].id.as_str())
                                .collect();
                            self.error(
                                "dependency-cycle",
                                vec![F("estate"), F("systems"), I(node), F("depends_on"), I(dep_pos)],
                                format!("dependency cycle: {}", names.join(" → ")),
                                Some("a system cannot need itself to be up, even through others; break the cycle".into()),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn check_teams_and_actions(&mut self) {
        let s = self.s;
        let builtin: BTreeSet<String> =
            super::builtin_actions().into_iter().map(|a| a.id).collect();
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

    fn check_adversary(&mut self) {
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

    /// Works out which stages can never start: the least fixpoint of what live stages
    /// provide (stages they let start, credentials, footholds). Each stage that becomes
    /// live passes what it provides to the stages waiting on it, so every stage and every
    /// reference is looked at a bounded number of times, whatever the order of the list.
    fn find_dead_stages(&mut self) {
        let s = self.s;
        let Some(adv) = &s.adversary else { return };
        let stages = &adv.stages;
        let duration = s.meta.duration;
        let mut matcher = TargetMatcher::new(&s.estate.systems);
        // Why a stage can never start whatever the other stages do.
        let fixed: Vec<Option<String>> = stages
            .iter()
            .map(|st| {
                if st.earliest > duration {
                    Some(format!(
                        "its earliest start {} is after the drill ends ({})",
                        st.earliest.clock(),
                        duration.clock()
                    ))
                } else if matcher.zones(&st.targets).is_empty() {
                    Some("its targets match no system".to_owned())
                } else {
                    None
                }
            })
            .collect();
        let mut waits = Waits::default();
        let mut pending = vec![0usize; stages.len()];
        let mut by_id: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (k, st) in stages.iter().enumerate() {
            by_id.entry(st.id.as_str()).or_default().push(k);
            let flagless = st.requires.iter().any(
                |r| matches!(r, StageRequirement::Flag(f) if !self.flags.contains(f.as_str())),
            );
            if fixed[k].is_some() || flagless {
                // Never ready: nothing it waits for is counted, so it never comes up.
                pending[k] = usize::MAX;
                continue;
            }
            for a in &st.after {
                waits.stage.entry(a.as_str()).or_default().push(k);
                pending[k] += 1;
            }
            for r in &st.requires {
                match r {
                    StageRequirement::Credential(c) => {
                        waits.credential.entry(c.as_str()).or_default().push(k);
                        pending[k] += 1;
                    }
                    StageRequirement::FootholdIn { zone, .. } => {
                        waits.zone.entry(zone.as_str()).or_default().push(k);
                        pending[k] += 1;
                    }
                    StageRequirement::Flag(_) => {}
                }
            }
        }
        let mut live: BTreeSet<&str> = BTreeSet::new();
        let mut footholds: BTreeSet<&str> = BTreeSet::new();
        let mut stolen: BTreeSet<&str> = BTreeSet::new();
        let mut ready: Vec<usize> = (0..stages.len()).filter(|&k| pending[k] == 0).collect();
        while let Some(k) = ready.pop() {
            let id = stages[k].id.as_str();
            if !live.insert(id) {
                continue;
            }
            // Every stage with a live id provides its effects (ids are unique once valid).
            let mut woken: Vec<usize> = waits.stage.remove(id).unwrap_or_default();
            for &j in by_id.get(id).map_or(&[][..], Vec::as_slice) {
                let effects = &stages[j].effects;
                if effects.iter().any(|e| matches!(e, StageEffect::Foothold(_))) {
                    for &z in matcher.zones(&stages[j].targets) {
                        if footholds.insert(z) {
                            woken.extend(waits.zone.remove(z).unwrap_or_default());
                        }
                    }
                }
                for eff in effects {
                    if let StageEffect::StealCredential(c) = eff
                        && stolen.insert(c.as_str())
                    {
                        woken.extend(waits.credential.remove(c.as_str()).unwrap_or_default());
                    }
                }
            }
            for j in woken {
                pending[j] -= 1;
                if pending[j] == 0 {
                    ready.push(j);
                }
            }
        }
        // The reason each dead stage gets, as a pass over the list against the final live
        // set would give it (the last stage of an id, should ids repeat).
        let mut reason: BTreeMap<&str, DeadStage> = BTreeMap::new();
        for (k, st) in stages.iter().enumerate() {
            if live.contains(st.id.as_str()) {
                continue;
            }
            let mut root = true;
            let why = if let Some(why) = &fixed[k] {
                Some(why.clone())
            } else if let Some(a) = st.after.iter().find(|a| !live.contains(a.as_str())) {
                root = false;
                Some(format!("it waits for stage `{a}`, which never succeeds"))
            } else {
                st.requires.iter().find_map(|r| match r {
                    StageRequirement::Credential(c) if !stolen.contains(c.as_str()) => {
                        Some(format!("it needs credential `{c}`, which no stage steals"))
                    }
                    StageRequirement::FootholdIn { zone, .. }
                        if !footholds.contains(zone.as_str()) =>
                    {
                        Some(format!("it needs a foothold in zone `{zone}`, which no stage gains"))
                    }
                    StageRequirement::Flag(f) if !self.flags.contains(f.as_str()) => {
                        Some(format!("it needs flag `{f}`, which is never set"))
                    }
                    _ => None,
                })
            };
            if let Some(why) = why {
                reason.insert(&st.id, DeadStage { why, root });
            }
        }
        self.dead_stages = reason;
    }

    /// Why the condition can never hold, if it provably cannot.
    fn never(&self, c: &Condition) -> Option<String> {
        match c {
            Condition::After(t) if *t > self.s.meta.duration => Some(format!(
                "{} is after the drill ends ({})",
                t.clock(),
                self.s.meta.duration.clock()
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

    fn check_condition(&mut self, c: &Condition, path: Path) {
        let here = |extra: Vec<Seg>| [path.clone(), extra].concat();
        match c {
            Condition::After(_) | Condition::Flag(_) => {}
            Condition::State { system, .. } => {
                self.system_ref(system, here(vec![F("system")]), "in a condition");
            }
            Condition::Compromised(system) => {
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

    fn check_trigger(&mut self, t: &Trigger, path: Path, what: &str) {
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

    fn check_events(&mut self) {
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

    fn check_injects(&mut self) {
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
            if let Some(exp) = &inj.expects {
                let epath = at("expects");
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
                                use super::SystemState as S;
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
                            Consequence::SetFlag(_) | Consequence::Cost(_) => {}
                        }
                    }
                }
            }
        }
    }

    fn check_objectives(&mut self) {
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
            let gpath = at("goal");
            match &o.goal {
                Goal::Reach { condition, by } => {
                    let cpath = [gpath.clone(), vec![F("condition")]].concat();
                    self.check_condition(condition, cpath.clone());
                    if let Some(why) = self.never(condition) {
                        self.error(
                            "never-met",
                            cpath,
                            format!("objective `{}` can never be met: {why}", o.id),
                            None,
                        );
                    } else {
                        self.reach_at_start(o, &start, condition, *by, &gpath);
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
                    if matches!(o.goal, Goal::Avoid(_)) && start.holds(c) == Some(true) {
                        self.warn(
                            "missed-at-start",
                            cpath.clone(),
                            format!("objective `{}` is missed as the drill starts: what it avoids already holds at 00:00", o.id),
                            Some("`Avoid` is missed the first time its condition holds, and every system starts Online, uncompromised, with no flag set: avoid what must not happen, such as `State(system: ..., is: Down)`".into()),
                        );
                    }
                    if matches!(o.goal, Goal::HoldAtEnd(_))
                        && let Some(why) = self.never(c)
                    {
                        self.error(
                            "never-met",
                            cpath,
                            format!("objective `{}` can never be met: {why}", o.id),
                            None,
                        );
                    }
                }
                Goal::ExfiltrationBelow(gb) => {
                    if !gb.is_finite() || *gb < 0.0 {
                        self.error(
                            "out-of-range",
                            gpath,
                            format!(
                                "an exfiltration limit of {gb} GB is not a number of gigabytes"
                            ),
                            None,
                        );
                    } else if *gb == 0.0 {
                        self.missed_at_start(
                            &o.id,
                            gpath,
                            "no exfiltration is below 0 GB",
                            "to allow next to none, give a small amount such as `ExfiltrationBelow(0.1)`",
                        );
                    }
                }
                Goal::CostBelow(0) => self.missed_at_start(
                    &o.id,
                    gpath,
                    "no cost is below 0",
                    "give the most the drill may cost, such as `CostBelow(50000)`",
                ),
                Goal::DataLossBelow(Minutes::ZERO) => self.missed_at_start(
                    &o.id,
                    gpath,
                    "no data loss is below 0m",
                    "to allow next to none, give a small span such as `DataLossBelow(\"15m\")`",
                ),
                Goal::CostBelow(_) | Goal::DataLossBelow(_) => {}
            }
        }
    }
}

impl Ctx<'_> {
    /// Warns of a `Reach` objective that is met, or missed, on the drill's first tick.
    fn reach_at_start(
        &mut self,
        o: &super::Objective,
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
                format!("objective `{}` is met as the drill starts: its condition already holds at 00:00", o.id),
                Some("`Reach` is met the first time its condition holds, and every system starts Online, uncompromised, with no flag set: to score keeping things so, use `Avoid` of the opposite or `HoldAtEnd`".into()),
            ),
            Some(false) => {
                if let Some(by) = by.filter(|by| *by < tick) {
                    self.missed_at_start(
                        &o.id,
                        [gpath.clone(), vec![F("by")]].concat(),
                        &format!("its condition does not hold at 00:00 and its deadline {} passes before the first tick ends ({})", by.clock(), tick.clock()),
                        "give the teams time to act, such as `by: \"04:00\"`",
                    );
                }
            }
            None => {}
        }
    }

    fn missed_at_start(&mut self, objective: &str, path: Path, why: &str, help: &str) {
        self.warn(
            "missed-at-start",
            path,
            format!("objective `{objective}` is missed as the drill starts: {why}"),
            Some(help.to_owned()),
        );
    }

    /// Warns of each place a flag is set that nothing reads: setting it changes nothing.
    fn check_unread_flags(&mut self) {
        let uses = FlagUse::of(self.s);
        for (flag, path) in uses.set {
            if uses.read.contains(flag) {
                continue;
            }
            let help = match closest(flag, uses.read.iter().copied()) {
                Some(best) => format!("did you mean `{best}`, which is read?"),
                None => format!(
                    "setting it changes nothing in the drill: read it with `Flag(\"{flag}\")` in a trigger, an objective or a requirement, or leave it out"
                ),
            };
            self.warn(
                "unread-flag",
                [path, vec![I(0)]].concat(),
                format!("flag `{flag}` is set but nothing reads it"),
                Some(help),
            );
        }
    }
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && id.len() <= 64
}

fn sample<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let ids: Vec<&str> = ids.collect();
    let shown: Vec<String> = ids.iter().take(6).map(|i| format!("`{i}`")).collect();
    if ids.len() > 6 {
        format!("{}, … ({} in all)", shown.join(", "), ids.len())
    } else {
        shown.join(", ")
    }
}

/// Stages waiting for something a live stage provides, by what they wait for: a stage is
/// listed once per reference, and counted down once per reference as each is provided.
#[derive(Default)]
struct Waits<'a> {
    /// By the id of a stage they wait for.
    stage: BTreeMap<&'a str, Vec<usize>>,
    /// By a credential they need.
    credential: BTreeMap<&'a str, Vec<usize>>,
    /// By a zone they need a foothold in.
    zone: BTreeMap<&'a str, Vec<usize>>,
}

/// A target selector as the key of the systems it selects.
type SelectorKey<'a> = (&'a [String], &'a [String], &'a [super::SystemKind], &'a [String]);

/// The zones of the systems a stage's targets select, for the dead-stage analysis: systems
/// named by id are looked up rather than searched for, and a selector several stages share
/// is worked out once.
struct TargetMatcher<'a> {
    systems: &'a [super::System],
    /// System id → the indices of the systems with it.
    by_id: BTreeMap<&'a str, Vec<usize>>,
    /// System id → its zone (the last system's, should ids repeat).
    zone_of: BTreeMap<&'a str, &'a str>,
    memo: BTreeMap<SelectorKey<'a>, BTreeSet<&'a str>>,
}

impl<'a> TargetMatcher<'a> {
    fn new(systems: &'a [super::System]) -> Self {
        let mut by_id: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, sys) in systems.iter().enumerate() {
            by_id.entry(sys.id.as_str()).or_default().push(i);
        }
        let zone_of = systems.iter().map(|x| (x.id.as_str(), x.zone.as_str())).collect();
        TargetMatcher { systems, by_id, zone_of, memo: BTreeMap::new() }
    }

    /// The zones of the systems `t` selects: empty when it selects none.
    fn zones(&mut self, t: &'a Targets) -> &BTreeSet<&'a str> {
        let key = (&t.ids[..], &t.zones[..], &t.kinds[..], &t.tags[..]);
        let (systems, by_id, zone_of) = (self.systems, &self.by_id, &self.zone_of);
        self.memo.entry(key).or_insert_with(|| {
            let zones: BTreeSet<&str> = t.zones.iter().map(String::as_str).collect();
            let kinds: BTreeSet<super::SystemKind> = t.kinds.iter().copied().collect();
            let tags: BTreeSet<&str> = t.tags.iter().map(String::as_str).collect();
            let selected = |sys: &&super::System| {
                (zones.is_empty() || zones.contains(sys.zone.as_str()))
                    && (kinds.is_empty() || kinds.contains(&sys.kind))
                    && (tags.is_empty() || sys.tags.iter().any(|tag| tags.contains(tag.as_str())))
            };
            let named: Vec<&super::System> = if t.ids.is_empty() {
                systems.iter().collect()
            } else {
                let mut ix: Vec<usize> = t
                    .ids
                    .iter()
                    .filter_map(|id| by_id.get(id.as_str()))
                    .flatten()
                    .copied()
                    .collect();
                ix.sort_unstable();
                ix.dedup();
                ix.into_iter().map(|i| &systems[i]).collect()
            };
            named
                .into_iter()
                .filter(selected)
                .filter_map(|sys| zone_of.get(sys.id.as_str()).copied())
                .collect()
        })
    }
}
