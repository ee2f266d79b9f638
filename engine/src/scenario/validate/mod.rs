//! Semantic validation: every problem a scenario can have once it has parsed, collected in
//! one pass so an author sees them all at once. One file per part of the scenario it checks;
//! this one holds the context they share and report through.

mod adversary;
mod conditions;
mod dead_stages;
mod engagement;
mod estate;
mod flags;
mod ids;
mod meta;
mod objectives;
mod script;
mod teams;
mod time;

use std::collections::{BTreeMap, BTreeSet};

use super::Scenario;
use super::catalogue::resolve_actions;
use super::diagnostic::{Diagnostic, Severity, locate_span};
use super::flags::FlagUse;
use super::locate::{Path, SpanTree};

use dead_stages::DeadStage;

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
    ctx.check_engagement();
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

/// What every check reads and reports through: the scenario, its source text to locate
/// diagnostics in, the ids it defines, and what earlier checks worked out.
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
