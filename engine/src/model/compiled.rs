//! The scenario compiled into indexed, immutable data the simulation reads on every tick:
//! ids become indices, references become index lists, and reverse edges are precomputed.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use bevy_ecs::prelude::Resource;

use crate::scenario::{
    ActionDef, Backup, Controls, Minutes, OnBlocked, Response, Role, Scenario, Stage, StageEffect,
    StageRequirement, SystemKind, Targets, Visibility, resolve_actions,
};

/// Index of a system in [`Compiled::systems`] (scenario order).
pub type SysIx = u32;
/// Index of a team in [`Compiled::teams`] (scenario order).
pub type TeamIx = u32;

/// What never changes about a system during a drill.
#[derive(Debug, Clone)]
pub struct SystemInfo {
    /// Scenario id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Kind.
    pub kind: SystemKind,
    /// Zone index.
    pub zone: u32,
    /// Site index.
    pub site: u32,
    /// Cost per hour while unavailable.
    pub criticality: u64,
    /// Systems it needs.
    pub depends_on: Vec<SysIx>,
    /// Systems that need it.
    pub dependants: Vec<SysIx>,
    /// Controls.
    pub controls: Controls,
    /// Backups as the scenario gives them.
    pub backups: Vec<Backup>,
    /// DR replication: site index, RPO and RTO in minutes.
    pub replication: Option<(u32, u32, u32)>,
    /// Tags.
    pub tags: Vec<String>,
    /// Gigabytes of business data.
    pub data_gb: f64,
    /// Links this system carries (as a network device).
    pub carries: Vec<u32>,
    /// How long it takes to come up after power returns.
    pub boot_time: Minutes,
    /// What it needs while it runs at its DR site, when that differs from `depends_on`.
    pub dr_depends_on: Option<Vec<SysIx>>,
    /// The longest a failover takes (the RTO when the scenario gives no range).
    pub rto_max: u32,
    /// The chance that a failover does not bring the replica up.
    pub failover_failure: f64,
    /// Per backup (in the scenario's order): the other sites it can be restored into.
    pub restore_to: Vec<Vec<u32>>,
}

impl SystemInfo {
    /// What the system needs where it runs: at its DR site, `dr_depends_on` when given.
    pub fn needs(&self, at_dr: bool) -> &[SysIx] {
        match (&self.dr_depends_on, at_dr) {
            (Some(dr), true) => dr,
            _ => &self.depends_on,
        }
    }
}

/// A link between two zones.
#[derive(Debug, Clone, Copy)]
pub struct LinkInfo {
    /// Zone index.
    pub a: u32,
    /// Zone index.
    pub b: u32,
    /// The device carrying it.
    pub via: Option<SysIx>,
}

/// What never changes about a team.
#[derive(Debug, Clone)]
pub struct TeamInfo {
    /// Scenario id, also its seat name.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Parallel actions.
    pub capacity: u32,
    /// Action ids it may take.
    pub actions: Vec<String>,
    /// How it learns.
    pub visibility: Visibility,
    /// Zones it sees (all when the scenario lists none).
    pub sees_zone: Vec<bool>,
}

/// A stage's target selector with its ids resolved, so matching a system costs the same
/// whatever the estate's size, and a selector that names systems visits only those.
#[derive(Debug, Clone, Default)]
pub struct Selector {
    /// The systems `ids` names, ascending; `None` when it names none (any system).
    pub ids: Option<Vec<SysIx>>,
    /// The zones `zones` names, ascending; `None` when it names none (any zone).
    pub zones: Option<Vec<u32>>,
    /// The kinds `kinds` names, each once (any kind when empty).
    pub kinds: Vec<SystemKind>,
    /// The tags `tags` names (any system when empty, otherwise one with any of them).
    pub tags: BTreeSet<String>,
}

impl Selector {
    /// Resolves a selector: `systems` gives every index of a system id, `zone` the index
    /// of a zone id. Ids that resolve to nothing select nothing.
    fn new(
        t: &Targets,
        systems: &BTreeMap<&str, Vec<SysIx>>,
        zone: impl Fn(&str) -> Option<u32>,
    ) -> Self {
        let ids = (!t.ids.is_empty()).then(|| {
            let mut ids: Vec<SysIx> =
                t.ids.iter().filter_map(|id| systems.get(id.as_str())).flatten().copied().collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        });
        let zones = (!t.zones.is_empty()).then(|| {
            let mut zones: Vec<u32> = t.zones.iter().filter_map(|z| zone(z)).collect();
            zones.sort_unstable();
            zones.dedup();
            zones
        });
        let mut kinds: Vec<SystemKind> = Vec::new();
        for k in &t.kinds {
            if !kinds.contains(k) {
                kinds.push(*k);
            }
        }
        Selector { ids, zones, kinds, tags: t.tags.iter().cloned().collect() }
    }

    /// Whether the system matches every criterion.
    pub fn matches(&self, ix: SysIx, s: &SystemInfo) -> bool {
        self.ids.as_ref().is_none_or(|ids| ids.binary_search(&ix).is_ok())
            && self.zones.as_ref().is_none_or(|zones| zones.binary_search(&s.zone).is_ok())
            && (self.kinds.is_empty() || self.kinds.contains(&s.kind))
            && (self.tags.is_empty() || s.tags.iter().any(|tag| self.tags.contains(tag)))
    }

    /// The systems it selects, in index order: only those it names when it names any.
    pub fn select(&self, systems: &[SystemInfo]) -> Vec<SysIx> {
        let matching = |&ix: &SysIx| self.matches(ix, &systems[ix as usize]);
        match &self.ids {
            Some(ids) => ids.iter().copied().filter(matching).collect(),
            None => (0..systems.len() as SysIx).filter(matching).collect(),
        }
    }
}

/// What the adversary phase reads about a stage on every look, resolved once.
#[derive(Debug, Clone)]
pub struct StageInfo {
    /// Per `after` entry: the index of the stage it names (`None` when none has that id).
    pub after: Vec<Option<u32>>,
    /// Whether some stage falls back to this one (when blocked, or in reaction to what the
    /// attacker saw): such a stage starts only once released.
    pub is_fallback: bool,
    /// The index of the stage this one falls back to, if it does and that stage exists.
    pub fallback: Option<u32>,
    /// The target selector.
    pub targets: Selector,
    /// An entry stage (no `after`, no foothold requirement): it reaches from outside.
    pub entry: bool,
    /// It selects on `vuln:` tags, so patched systems are out of its reach.
    pub needs_vuln: bool,
    /// It needs command and control, so systems whose C2 is blocked are out of its reach.
    pub needs_c2: bool,
    /// Its success gives footholds (an eviction sends it back to waiting).
    pub gives_foothold: bool,
}

/// The scenario compiled for the simulation. Shared, immutable.
#[derive(Debug, Clone, Resource)]
pub struct Compiled {
    /// The scenario itself.
    pub scenario: Arc<Scenario>,
    /// Systems in scenario order.
    pub systems: Vec<SystemInfo>,
    /// System id → index.
    pub system_index: BTreeMap<String, SysIx>,
    /// Zone ids in scenario order.
    pub zones: Vec<String>,
    /// Site index of each zone.
    pub zone_site: Vec<u32>,
    /// Site ids in scenario order.
    pub sites: Vec<String>,
    /// Per site: how many systems from other sites it can run at once.
    pub site_capacity: Vec<Option<u32>>,
    /// Links.
    pub links: Vec<LinkInfo>,
    /// Teams in scenario order.
    pub teams: Vec<TeamInfo>,
    /// Team id → index.
    pub team_index: BTreeMap<String, TeamIx>,
    /// The resolved action catalogue, sorted by id.
    pub actions: Vec<ActionDef>,
    /// The adversary's stages in scenario order (empty without an adversary).
    pub stages: Vec<StageInfo>,
    /// Stage id → index of the first stage with that id.
    stage_index: BTreeMap<String, u32>,
    /// Zone id → index of the first zone with that id.
    zone_first: BTreeMap<String, u32>,
    /// Inject id → index of the first inject with that id.
    inject_index: BTreeMap<String, u32>,
}

/// Id → index of the first item with that id (later duplicates, which `check` rejects,
/// resolve as a search from the front would).
fn first_index<'a>(ids: impl Iterator<Item = &'a String>) -> BTreeMap<String, u32> {
    let mut index = BTreeMap::new();
    for (i, id) in ids.enumerate() {
        index.entry(id.clone()).or_insert(i as u32);
    }
    index
}

/// Resolves the stages' references to other stages, and their target selectors.
fn compile_stages(
    stages: &[Stage],
    stage_index: &BTreeMap<String, u32>,
    systems: &[SystemInfo],
    zone: impl Fn(&str) -> Option<u32>,
) -> Vec<StageInfo> {
    let mut by_id: BTreeMap<&str, Vec<SysIx>> = BTreeMap::new();
    for (i, s) in systems.iter().enumerate() {
        by_id.entry(s.id.as_str()).or_default().push(i as SysIx);
    }
    let fallbacks: BTreeSet<&str> = stages
        .iter()
        .filter_map(|s| match &s.on_blocked {
            OnBlocked::Fallback(f) => Some(f.as_str()),
            _ => None,
        })
        .chain(stages.iter().flat_map(|s| &s.reacts).filter_map(|r| match &r.then {
            Response::Fallback(f) => Some(f.as_str()),
            _ => None,
        }))
        .collect();
    stages
        .iter()
        .map(|st| StageInfo {
            after: st.after.iter().map(|a| stage_index.get(a).copied()).collect(),
            is_fallback: fallbacks.contains(st.id.as_str()),
            fallback: match &st.on_blocked {
                OnBlocked::Fallback(f) => stage_index.get(f).copied(),
                _ => None,
            },
            targets: Selector::new(&st.targets, &by_id, &zone),
            entry: st.after.is_empty()
                && !st.requires.iter().any(|r| matches!(r, StageRequirement::FootholdIn { .. })),
            needs_vuln: st.targets.tags.iter().any(|tag| tag.starts_with("vuln:")),
            needs_c2: st.effects.iter().any(|e| {
                matches!(e, StageEffect::CommandAndControl | StageEffect::Exfiltrate { .. })
            }),
            gives_foothold: st.effects.iter().any(|e| matches!(e, StageEffect::Foothold(_))),
        })
        .collect()
}

impl Compiled {
    /// Compiles a scenario that passed validation. References that do not resolve (which
    /// validation rejects) are dropped rather than trusted.
    pub fn new(scenario: Arc<Scenario>) -> Self {
        let e = &scenario.estate;
        let index = |ids: Vec<&String>| -> BTreeMap<String, u32> {
            ids.into_iter().enumerate().map(|(i, id)| (id.clone(), i as u32)).collect()
        };
        let site_index = index(e.sites.iter().map(|s| &s.id).collect());
        let zone_index = index(e.zones.iter().map(|z| &z.id).collect());
        let system_index = index(e.systems.iter().map(|s| &s.id).collect());
        let zone_site: Vec<u32> =
            e.zones.iter().map(|z| site_index.get(&z.site).copied().unwrap_or(0)).collect();
        let links: Vec<LinkInfo> = e
            .links
            .iter()
            .filter_map(|l| {
                Some(LinkInfo {
                    a: *zone_index.get(&l.from)?,
                    b: *zone_index.get(&l.to)?,
                    via: l.via.as_ref().and_then(|v| system_index.get(v).copied()),
                })
            })
            .collect();
        let mut systems: Vec<SystemInfo> = e
            .systems
            .iter()
            .map(|s| {
                let zone = zone_index.get(&s.zone).copied().unwrap_or(0);
                SystemInfo {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    kind: s.kind,
                    zone,
                    site: zone_site.get(zone as usize).copied().unwrap_or(0),
                    criticality: s.criticality,
                    depends_on: s
                        .depends_on
                        .iter()
                        .filter_map(|d| system_index.get(d).copied())
                        .collect(),
                    dependants: Vec::new(),
                    controls: s.controls,
                    backups: s.backups.clone(),
                    replication: s
                        .replication
                        .as_ref()
                        .and_then(|r| Some((*site_index.get(&r.site)?, r.rpo.0, r.rto.0))),
                    tags: s.tags.clone(),
                    data_gb: s.data_gb,
                    carries: Vec::new(),
                    boot_time: s.boot_time.unwrap_or_else(|| s.kind.boot_time()),
                    dr_depends_on: s
                        .dr_depends_on
                        .as_ref()
                        .map(|ds| ds.iter().filter_map(|d| system_index.get(d).copied()).collect()),
                    rto_max: s
                        .replication
                        .as_ref()
                        .map_or(0, |r| r.rto_max.map_or(r.rto.0, |m| m.0.max(r.rto.0))),
                    failover_failure: s
                        .replication
                        .as_ref()
                        .map_or(0.0, |r| r.failure_chance.clamp(0.0, 1.0)),
                    restore_to: s
                        .backups
                        .iter()
                        .map(|b| {
                            b.restore_to.iter().filter_map(|x| site_index.get(x).copied()).collect()
                        })
                        .collect(),
                }
            })
            .collect();
        for i in 0..systems.len() {
            let mut needs = systems[i].depends_on.clone();
            needs.extend(systems[i].dr_depends_on.iter().flatten());
            needs.sort_unstable();
            needs.dedup();
            for d in needs {
                systems[d as usize].dependants.push(i as SysIx);
            }
        }
        for (li, l) in links.iter().enumerate() {
            if let Some(v) = l.via {
                systems[v as usize].carries.push(li as u32);
            }
        }
        let teams: Vec<TeamInfo> = scenario
            .teams
            .iter()
            .map(|t| TeamInfo {
                id: t.id.clone(),
                name: t.name.clone(),
                role: t.role,
                capacity: t.capacity,
                actions: t.actions.clone(),
                visibility: t.visibility.clone(),
                sees_zone: e
                    .zones
                    .iter()
                    .map(|z| t.visibility.zones.is_empty() || t.visibility.zones.contains(&z.id))
                    .collect(),
            })
            .collect();
        let team_index = index(scenario.teams.iter().map(|t| &t.id).collect());
        let actions = resolve_actions(&scenario);
        let zone_first = first_index(e.zones.iter().map(|z| &z.id));
        let no_stages: &[Stage] = &[];
        let stage_list = scenario.adversary.as_ref().map_or(no_stages, |a| &a.stages);
        let stage_index = first_index(stage_list.iter().map(|s| &s.id));
        let stages =
            compile_stages(stage_list, &stage_index, &systems, |z| zone_first.get(z).copied());
        let inject_index = first_index(scenario.injects.iter().map(|i| &i.id));
        Compiled {
            zones: e.zones.iter().map(|z| z.id.clone()).collect(),
            sites: e.sites.iter().map(|s| s.id.clone()).collect(),
            site_capacity: e.sites.iter().map(|s| s.capacity).collect(),
            zone_site,
            links,
            systems,
            system_index,
            teams,
            team_index,
            actions,
            stages,
            stage_index,
            zone_first,
            inject_index,
            scenario,
        }
    }

    /// Why an action waiting on `flag` cannot start yet, in the words of the scenario: the
    /// decision or the action that sets the flag and who takes it, so a player learns what
    /// has to happen and whom to ask, not an id.
    pub fn flag_pending(&self, flag: &str) -> String {
        use crate::scenario::{ActionEffect, Consequence};
        let team_name = |id: &str| {
            self.team(id).map_or_else(|| id.to_owned(), |t| self.teams[t as usize].name.clone())
        };
        let mut ways = Vec::new();
        for inject in &self.scenario.injects {
            let Some(d) = &inject.decision else { continue };
            for choice in &d.choices {
                if choice
                    .consequences
                    .iter()
                    .any(|c| matches!(c, Consequence::SetFlag(f) if f == flag))
                {
                    ways.push(format!(
                        "{} choosing \u{201c}{}\u{201d} in \u{201c}{}\u{201d}",
                        team_name(&d.team),
                        choice.label,
                        inject.title
                    ));
                }
            }
        }
        for def in &self.actions {
            if def.effects.iter().any(|e| matches!(e, ActionEffect::SetFlag(f) if f == flag)) {
                let who: Vec<String> = self
                    .teams
                    .iter()
                    .filter(|t| t.actions.contains(&def.id))
                    .map(|t| t.name.clone())
                    .collect();
                let who = if who.is_empty() { "a team".to_owned() } else { who.join(" or ") };
                ways.push(format!("{who} completing \u{201c}{}\u{201d}", def.name));
            }
        }
        if ways.is_empty() {
            format!("`{flag}` has not happened yet")
        } else {
            format!("waits on {}", ways.join(", or "))
        }
    }

    /// The action with this id.
    pub fn action(&self, id: &str) -> Option<&ActionDef> {
        self.actions.binary_search_by(|a| a.id.as_str().cmp(id)).ok().map(|i| &self.actions[i])
    }

    /// The system with this id.
    pub fn system(&self, id: &str) -> Option<SysIx> {
        self.system_index.get(id).copied()
    }

    /// The team with this id.
    pub fn team(&self, id: &str) -> Option<TeamIx> {
        self.team_index.get(id).copied()
    }

    /// The zone with this id.
    pub fn zone(&self, id: &str) -> Option<u32> {
        self.zone_first.get(id).copied()
    }

    /// The adversary's stage with this id.
    pub fn stage(&self, id: &str) -> Option<u32> {
        self.stage_index.get(id).copied()
    }

    /// The inject with this id.
    pub fn inject(&self, id: &str) -> Option<u32> {
        self.inject_index.get(id).copied()
    }

    /// The site with this id.
    pub fn site(&self, id: &str) -> Option<u32> {
        self.sites.iter().position(|s| s == id).map(|i| i as u32)
    }
}
