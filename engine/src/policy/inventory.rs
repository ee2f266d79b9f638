//! What every team knows before the drill starts: its estate (the asset inventory) and
//! the actions it may take.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Compiled, SysIx};
use crate::scenario::{
    ActionDef, ActionEffect, Consequence, OutOfService, Requirement, Scenario, Stake, SystemKind,
    TargetKind, resolve_actions,
};
use crate::sim::blast_radius;

use super::acting::Need;

/// What every team knows of its estate before the drill starts (the asset inventory), and
/// of the actions it may take.
pub(super) struct Estate {
    pub(super) ids: Vec<String>,
    pub(super) index: BTreeMap<String, usize>,
    kind: Vec<SystemKind>,
    pub(super) zone: Vec<usize>,
    pub(super) site: Vec<usize>,
    pub(super) criticality: Vec<u64>,
    pub(super) depends_on: Vec<Vec<usize>>,
    pub(super) replicated: Vec<bool>,
    pub(super) backups: Vec<bool>,
    /// Hourly cost of what isolating the system takes down (itself, what needs it, what
    /// reaches its dependencies through it).
    pub(super) blast: Vec<u64>,
    pub(super) total: u64,
    /// Systems whose reset voids some credential.
    pub(super) issuers: Vec<usize>,
    pub(super) actions: Vec<ActionDef>,
    pub(super) action_index: BTreeMap<String, usize>,
    /// Per inject: the systems its title or text names by host name.
    pub(super) named: BTreeMap<String, Vec<usize>>,
    /// Per inject that asks for a decision: its choices as the scenario writes them, read
    /// only once the decision waits in the deciding seat's view.
    pub(super) offers: BTreeMap<String, Vec<Offer>>,
    pub(super) teams: Vec<TeamInfo>,
    pub(super) team_index: BTreeMap<String, usize>,
}

/// One choice of a decision: what it declares it serves and risks, and what it costs.
pub(super) struct Offer {
    pub(super) id: String,
    pub(super) serves: BTreeSet<Stake>,
    pub(super) risks: BTreeSet<Stake>,
    /// The sum of its `Cost` consequences.
    pub(super) cost: u64,
    /// The sum of its `CostPerHour` consequences' rates (each may stop early).
    pub(super) per_hour: u64,
    /// It is the decision's default.
    pub(super) default: bool,
}

pub(super) struct TeamInfo {
    pub(super) id: String,
    pub(super) alerts: bool,
    /// Per action of the catalogue: may the team take it.
    may: Vec<bool>,
    /// Per system: its position in the team's view, if the team sees it.
    pub(super) pos: Vec<Option<usize>>,
    /// Organisation-wide actions the team may take.
    pub(super) organisation: Vec<usize>,
}

impl Estate {
    pub(super) fn new(scenario: &Scenario) -> Self {
        let e = &scenario.estate;
        let ids: Vec<String> = e.systems.iter().map(|s| s.id.clone()).collect();
        let index: BTreeMap<String, usize> =
            ids.iter().enumerate().map(|(i, id)| (id.clone(), i)).collect();
        let zone_index: BTreeMap<&str, usize> =
            e.zones.iter().enumerate().map(|(i, z)| (z.id.as_str(), i)).collect();
        let site_index: BTreeMap<&str, usize> =
            e.sites.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
        let zone_of: Vec<usize> = e
            .systems
            .iter()
            .map(|s| zone_index.get(s.zone.as_str()).copied().unwrap_or(0))
            .collect();
        let site = zone_of
            .iter()
            .map(|&z| {
                e.zones.get(z).and_then(|z| site_index.get(z.site.as_str()).copied()).unwrap_or(0)
            })
            .collect();
        let depends_on: Vec<Vec<usize>> = e
            .systems
            .iter()
            .map(|s| s.depends_on.iter().filter_map(|d| index.get(d).copied()).collect())
            .collect();
        let criticality: Vec<u64> = e.systems.iter().map(|s| s.criticality).collect();
        // What isolating each system would cost an hour, by the engine's own rule.
        let compiled = Compiled::new(std::sync::Arc::new(scenario.clone()));
        let blast = (0..ids.len())
            .map(|s| {
                blast_radius(&compiled, s as SysIx)
                    .iter()
                    .map(|&x| criticality[x as usize])
                    .fold(0u64, u64::saturating_add)
            })
            .collect();
        let issuers: BTreeSet<usize> =
            e.credentials.iter().filter_map(|c| index.get(&c.issuer).copied()).collect();
        let actions = resolve_actions(scenario);
        let action_index = actions.iter().enumerate().map(|(i, a)| (a.id.clone(), i)).collect();
        let teams: Vec<TeamInfo> = scenario
            .teams
            .iter()
            .map(|t| {
                let may: Vec<bool> = actions.iter().map(|a| t.actions.contains(&a.id)).collect();
                let sees = |z: usize| {
                    t.visibility.zones.is_empty()
                        || e.zones.get(z).is_some_and(|z| t.visibility.zones.contains(&z.id))
                };
                let mut next = 0;
                let pos = zone_of
                    .iter()
                    .map(|&z| {
                        sees(z).then(|| {
                            next += 1;
                            next - 1
                        })
                    })
                    .collect();
                let organisation = actions
                    .iter()
                    .enumerate()
                    .filter(|(i, a)| may[*i] && a.target == TargetKind::Organisation)
                    .map(|(i, _)| i)
                    .collect();
                TeamInfo { id: t.id.clone(), alerts: t.visibility.alerts, may, pos, organisation }
            })
            .collect();
        let team_index = teams.iter().enumerate().map(|(i, t)| (t.id.clone(), i)).collect();
        let named = scenario
            .injects
            .iter()
            .map(|i| (i.id.clone(), names(&format!("{} {}", i.title, i.text), &ids)))
            .collect();
        let offers = scenario
            .injects
            .iter()
            .filter_map(|i| {
                let d = i.decision.as_ref()?;
                let offers = d
                    .choices
                    .iter()
                    .map(|c| Offer {
                        id: c.id.clone(),
                        serves: c.serves.iter().copied().collect(),
                        risks: c.risks.iter().copied().collect(),
                        cost: c
                            .consequences
                            .iter()
                            .map(|x| match x {
                                Consequence::Cost(n) => *n,
                                _ => 0,
                            })
                            .fold(0u64, u64::saturating_add),
                        per_hour: c
                            .consequences
                            .iter()
                            .map(|x| match x {
                                Consequence::CostPerHour { amount, .. } => *amount,
                                _ => 0,
                            })
                            .fold(0u64, u64::saturating_add),
                        default: d.default.as_ref() == Some(&c.id),
                    })
                    .collect();
                Some((i.id.clone(), offers))
            })
            .collect();
        Estate {
            named,
            offers,
            zone: zone_of.clone(),
            kind: e.systems.iter().map(|s| s.kind).collect(),
            replicated: e.systems.iter().map(|s| s.replication.is_some()).collect(),
            backups: e.systems.iter().map(|s| !s.backups.is_empty()).collect(),
            total: criticality.iter().sum(),
            ids,
            index,
            site,
            criticality,
            depends_on,
            blast,
            issuers: issuers.into_iter().collect(),
            actions,
            action_index,
            teams,
            team_index,
        }
    }

    /// The team's best action for a need on a system: one that has the effect and applies
    /// to the system's kind; for a rebuild, one that also patches; then the one whose side
    /// effects cost least (no outage while it runs, no data lost), then the one with the
    /// fewest other effects, then the quickest.
    pub(super) fn pick(&self, team: usize, need: Need, system: usize) -> Option<usize> {
        let effect = need.effect();
        let kind = self.kind[system];
        self.actions
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                self.teams[team].may[*i]
                    && a.target == TargetKind::System
                    && a.effects.contains(&effect)
                    && (a.applies_to.is_empty() || a.applies_to.contains(&kind))
            })
            .min_by_key(|(_, a)| {
                let patches = need == Need::Evict && a.effects.contains(&ActionEffect::Patch);
                let s = &a.side_effects;
                let price = u8::from(s.out_of_service != OutOfService::Never)
                    + u8::from(s.loses_data)
                    + u8::from(s.breaks_users);
                (!patches, price, a.effects.len(), a.duration, a.id.clone())
            })
            .map(|(i, _)| i)
    }

    /// Any team that may act on the need for this system.
    pub(super) fn anyone(&self, need: Need, system: usize) -> bool {
        (0..self.teams.len()).any(|t| self.pick(t, need, system).is_some())
    }

    pub(super) fn requires(&self, action: usize, r: &Requirement) -> bool {
        self.actions[action].requires.contains(r)
    }
}

/// The systems a message names by host name: an id with a digit or a hyphen in it
/// (`ws-it01`, `dc01`), standing as a word of its own. Ids that are plain words (`payroll`)
/// are left out: in prose they mean the thing, not the host.
fn names(text: &str, ids: &[String]) -> Vec<usize> {
    let part = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let words: BTreeSet<&str> =
        text.split(|c: char| !part(c) && c != '.').map(|w| w.trim_end_matches('.')).collect();
    ids.iter()
        .enumerate()
        .filter(|(_, id)| id.chars().any(|c| c.is_ascii_digit() || c == '-'))
        .filter(|(_, id)| words.contains(id.as_str()))
        .map(|(i, _)| i)
        .collect()
}
