//! Where a scenario sets its flags and where it reads them. Flags are free-form strings, so
//! the checker works out both sides: a flag read but never set is an error, a flag set but
//! never read a warning.

use std::collections::BTreeSet;

use super::locate::{Path, Seg};
use super::{
    ActionEffect, Condition, Consequence, Goal, Requirement, Scenario, StageRequirement, Trigger,
};

use Seg::{Field as F, Index as I};

/// The flags of a scenario: each place one is set, and every flag something reads.
pub(crate) struct FlagUse<'a> {
    /// Each `SetFlag`, in a decision's consequences or an action's effects, with its path.
    pub set: Vec<(&'a str, Path)>,
    /// The flags a condition, an action or stage requirement or an objective reads.
    pub read: BTreeSet<&'a str>,
}

impl<'a> FlagUse<'a> {
    /// Finds every place `s` sets or reads a flag.
    pub(crate) fn of(s: &'a Scenario) -> Self {
        let mut set = Vec::new();
        for (i, inject) in s.injects.iter().enumerate() {
            for (j, choice) in inject.decision.iter().flat_map(|d| &d.choices).enumerate() {
                for (k, c) in choice.consequences.iter().enumerate() {
                    if let Consequence::SetFlag(f) = c {
                        let path = vec![
                            F("injects"),
                            I(i),
                            F("decision"),
                            F("choices"),
                            I(j),
                            F("consequences"),
                            I(k),
                        ];
                        set.push((f.as_str(), path));
                    }
                }
            }
        }
        for (i, spec) in s.actions.iter().enumerate() {
            for (j, effect) in spec.effects.iter().flatten().enumerate() {
                if let ActionEffect::SetFlag(f) = effect {
                    set.push((f.as_str(), vec![F("actions"), I(i), F("effects"), I(j)]));
                }
            }
        }

        let mut read = BTreeSet::new();
        let triggers =
            s.events.iter().map(|e| &e.trigger).chain(s.injects.iter().map(|i| &i.trigger));
        for trigger in triggers {
            if let Trigger::When(c) = trigger {
                conditions_read(c, &mut read);
            }
        }
        for after in s.injects.iter().filter_map(|i| i.expects.as_ref()?.after.as_ref()) {
            conditions_read(after, &mut read);
        }
        // A choice's `requires` and a running cost's `until` read theirs.
        for choice in s.injects.iter().flat_map(|i| i.decision.iter().flat_map(|d| &d.choices)) {
            if let Some(c) = &choice.requires {
                conditions_read(c, &mut read);
            }
            for cons in &choice.consequences {
                if let Consequence::CostPerHour { until: Some(c), .. } = cons {
                    conditions_read(c, &mut read);
                }
            }
        }
        // Objectives score a flag and critical tasks rate it: either reads it.
        let goals =
            s.objectives.iter().map(|o| &o.goal).chain(s.critical_tasks.iter().map(|t| &t.goal));
        for goal in goals {
            match goal {
                Goal::Reach { condition: c, within, .. } => {
                    conditions_read(c, &mut read);
                    if let Some(w) = within {
                        conditions_read(&w.after, &mut read);
                    }
                }
                Goal::Avoid(c) | Goal::HoldAtEnd(c) => conditions_read(c, &mut read),
                Goal::CostBelow(_) | Goal::ExfiltrationBelow(_) | Goal::DataLossBelow(_) => {}
            }
        }
        for r in s.actions.iter().flat_map(|a| a.requires.iter().flatten()) {
            if let Requirement::Flag(f) = r {
                read.insert(f.as_str());
            }
        }
        for st in s.adversary.iter().flat_map(|a| &a.stages) {
            for r in &st.requires {
                if let StageRequirement::Flag(f) = r {
                    read.insert(f.as_str());
                }
            }
        }
        FlagUse { set, read }
    }
}

/// Adds the flags `c` reads, however deeply nested.
fn conditions_read<'a>(c: &'a Condition, read: &mut BTreeSet<&'a str>) {
    match c {
        Condition::Flag(f) => {
            read.insert(f.as_str());
        }
        Condition::All(cs) | Condition::Any(cs) => {
            for c in cs {
                conditions_read(c, read);
            }
        }
        Condition::Not(c) => conditions_read(c, read),
        Condition::After(_)
        | Condition::State { .. }
        | Condition::DownFor { .. }
        | Condition::Compromised(_)
        | Condition::Present(_)
        | Condition::Evicted
        | Condition::StageSucceeded(_)
        | Condition::ActionDone { .. }
        | Condition::TeamKnowsCompromised { .. }
        | Condition::InjectFired(_) => {}
    }
}
