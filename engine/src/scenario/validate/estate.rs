//! The estate: sites, zones, links, systems, their backups, replicas and dependencies, and
//! credentials.

use std::collections::{BTreeMap, BTreeSet};

use crate::scenario::Minutes;
use crate::scenario::locate::Seg::{Field as F, Index as I};

use super::Ctx;
use super::time::{MAX_BACKUP_AGE, MAX_SPAN};

/// The largest cost of an hour down one system may have: far beyond any business, and small
/// enough that a whole estate's costs over the longest drill cannot overflow.
const MAX_CRITICALITY: u64 = 1_000_000_000_000;

impl Ctx<'_> {
    pub(super) fn check_estate(&mut self) {
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
            let dr = sys.dr_depends_on.as_deref().unwrap_or_default();
            for (field, deps) in [("depends_on", &sys.depends_on[..]), ("dr_depends_on", dr)] {
                for (j, dep) in deps.iter().enumerate() {
                    let path = [base.clone(), vec![F(field), I(j)]].concat();
                    if dep == &sys.id {
                        self.error(
                            "self-dependency",
                            path,
                            format!("system `{}` depends on itself", sys.id),
                            Some(format!("remove it from its own `{field}`")),
                        );
                    } else {
                        let place = format!("in `{field}` of system `{}`", sys.id);
                        self.system_ref(dep, path, &place);
                    }
                }
            }
            let moves =
                sys.replication.is_some() || sys.backups.iter().any(|b| !b.restore_to.is_empty());
            if sys.dr_depends_on.is_some() && !moves {
                self.warn(
                    "unused-dr-dependencies",
                    [base.clone(), vec![F("dr_depends_on")]].concat(),
                    format!(
                        "system `{}` never runs away from its site (no `replication`, no backup with `restore_to`), so `dr_depends_on` is never used",
                        sys.id
                    ),
                    Some("give it a `replication`, or remove `dr_depends_on`".into()),
                );
            }
            if let Some(boot) = sys.boot_time {
                self.span(
                    boot,
                    MAX_SPAN,
                    [base.clone(), vec![F("boot_time")]].concat(),
                    "`boot_time`",
                );
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
                if let Some(most) = b.restore_time_max {
                    self.time_range(b.restore_time, most, at("restore_time_max"), "restore_time");
                }
                for (k, site) in b.restore_to.iter().enumerate() {
                    let path =
                        [base.clone(), vec![F("backups"), I(j), F("restore_to"), I(k)]].concat();
                    if self.reference(
                        "site",
                        &sites,
                        site,
                        path.clone(),
                        &format!("in `restore_to` of backup `{}`", b.id),
                    ) && site_of_zone.get(sys.zone.as_str()) == Some(&site.as_str())
                    {
                        self.warn(
                            "restore-to-own-site",
                            path,
                            format!("backup `{}` lists system `{}`'s own site `{site}` in `restore_to`", b.id, sys.id),
                            Some("`restore_to` names the other sites a restore can land at; its own site is always one".into()),
                        );
                    }
                }
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
                if let Some(most) = r.rto_max {
                    self.time_range(r.rto, most, at("rto_max"), "rto");
                }
                if !(0.0..=1.0).contains(&r.failure_chance) {
                    self.error(
                        "out-of-range",
                        at("failure_chance"),
                        format!(
                            "failure_chance is {}; it must be between 0 and 1",
                            r.failure_chance
                        ),
                        Some("0.1 means one failover in ten does not bring the replica up".into()),
                    );
                }
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

    /// Checks the top of a time range: no shorter than its bottom, within the longest span.
    fn time_range(
        &mut self,
        least: Minutes,
        most: Minutes,
        path: Vec<crate::scenario::locate::Seg>,
        bottom: &str,
    ) {
        self.span(most, MAX_SPAN, path.clone(), &format!("`{bottom}_max`"));
        if most < least {
            self.error(
                "out-of-range",
                path,
                format!("`{bottom}_max` ({most}) is shorter than `{bottom}` ({least})"),
                Some(format!("`{bottom}` is the shortest time and `{bottom}_max` the longest")),
            );
        }
    }

    pub(super) fn check_dependency_cycles(&mut self) {
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
                // What it needs at home and at its DR site: one cycle in either hangs both.
                let home = systems[node].depends_on.len();
                let deps: Vec<&String> = systems[node]
                    .depends_on
                    .iter()
                    .chain(systems[node].dr_depends_on.iter().flatten())
                    .collect();
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
                            let field =
                                if dep_pos < home { F("depends_on") } else { F("dr_depends_on") };
                            let pos = if dep_pos < home { dep_pos } else { dep_pos - home };
                            self.error(
                                "dependency-cycle",
                                vec![F("estate"), F("systems"), I(node), field, I(pos)],
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
}
