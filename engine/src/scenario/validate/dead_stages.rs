//! The stages of a campaign that can never start, whatever the teams do.

use std::collections::{BTreeMap, BTreeSet};

use crate::scenario::{StageEffect, StageRequirement, System, SystemKind, Targets};

use super::Ctx;

/// Why a stage can never start.
#[derive(Debug, Clone)]
pub(super) struct DeadStage {
    pub(super) why: String,
    /// False when it only waits on another dead stage, which gets the diagnostic instead.
    pub(super) root: bool,
}

impl Ctx<'_> {
    /// Works out which stages can never start: the least fixpoint of what live stages
    /// provide (stages they let start, credentials, footholds). Each stage that becomes
    /// live passes what it provides to the stages waiting on it, so every stage and every
    /// reference is looked at a bounded number of times, whatever the order of the list.
    pub(super) fn find_dead_stages(&mut self) {
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
type SelectorKey<'a> = (&'a [String], &'a [String], &'a [SystemKind], &'a [String]);

/// The zones of the systems a stage's targets select, for the dead-stage analysis: systems
/// named by id are looked up rather than searched for, and a selector several stages share
/// is worked out once.
struct TargetMatcher<'a> {
    systems: &'a [System],
    /// System id → the indices of the systems with it.
    by_id: BTreeMap<&'a str, Vec<usize>>,
    /// System id → its zone (the last system's, should ids repeat).
    zone_of: BTreeMap<&'a str, &'a str>,
    memo: BTreeMap<SelectorKey<'a>, BTreeSet<&'a str>>,
}

impl<'a> TargetMatcher<'a> {
    fn new(systems: &'a [System]) -> Self {
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
            let kinds: BTreeSet<SystemKind> = t.kinds.iter().copied().collect();
            let tags: BTreeSet<&str> = t.tags.iter().map(String::as_str).collect();
            let selected = |sys: &&System| {
                (zones.is_empty() || zones.contains(sys.zone.as_str()))
                    && (kinds.is_empty() || kinds.contains(&sys.kind))
                    && (tags.is_empty() || sys.tags.iter().any(|tag| tags.contains(tag.as_str())))
            };
            let named: Vec<&System> = if t.ids.is_empty() {
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
