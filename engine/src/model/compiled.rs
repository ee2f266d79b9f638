//! The scenario compiled into indexed, immutable data the simulation reads on every tick:
//! ids become indices, references become index lists, and reverse edges are precomputed.

use std::collections::BTreeMap;
use std::sync::Arc;

use bevy_ecs::prelude::Resource;

use crate::scenario::{
    ActionDef, Backup, Controls, Role, Scenario, SystemKind, Visibility, resolve_actions,
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
    /// Links.
    pub links: Vec<LinkInfo>,
    /// Teams in scenario order.
    pub teams: Vec<TeamInfo>,
    /// Team id → index.
    pub team_index: BTreeMap<String, TeamIx>,
    /// The resolved action catalogue, sorted by id.
    pub actions: Vec<ActionDef>,
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
                }
            })
            .collect();
        for i in 0..systems.len() {
            for d in systems[i].depends_on.clone() {
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
        Compiled {
            zones: e.zones.iter().map(|z| z.id.clone()).collect(),
            sites: e.sites.iter().map(|s| s.id.clone()).collect(),
            zone_site,
            links,
            systems,
            system_index,
            teams,
            team_index,
            actions,
            scenario,
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
        self.zones.iter().position(|z| z == id).map(|i| i as u32)
    }

    /// The site with this id.
    pub fn site(&self, id: &str) -> Option<u32> {
        self.sites.iter().position(|s| s == id).map(|i| i as u32)
    }
}
