//! Ids: well formed, and unique within their kind.

use std::collections::{BTreeMap, BTreeSet};

use crate::scenario::diagnostic::locate_span;
use crate::scenario::locate::Path;
use crate::scenario::locate::Seg::{Field as F, Index as I};

use super::Ctx;

impl Ctx<'_> {
    pub(super) fn check_ids(&mut self) {
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
            (
                "critical task",
                vec![F("critical_tasks")],
                s.critical_tasks.iter().map(|x| x.id.as_str()).collect(),
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
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && id.len() <= 64
}
