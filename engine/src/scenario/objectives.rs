//! The drill's objectives: what the teams are scored on.

use serde::{Deserialize, Serialize};

use super::{Condition, Minutes};

/// One objective, met or missed at the end of the drill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// Stable id.
    pub id: String,
    /// What the teams read ("Restore payroll within 4 h").
    pub description: String,
    /// The team it scores; shared by all teams when absent.
    #[serde(default)]
    pub team: Option<String>,
    /// Relative weight, 1 to 100.
    pub weight: u32,
    /// The capability it exercises, for the report's P/S/M/U ratings ("Containment").
    #[serde(default)]
    pub capability: Option<String>,
    /// How it is decided.
    pub goal: Goal,
}

/// A critical task: one thing a team must do that shows a capability (the HSEEP exercise
/// evaluation guides' critical tasks). A capability with critical tasks is rated from them,
/// and how late they were, instead of from its objectives' weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriticalTask {
    /// Stable id.
    pub id: String,
    /// The capability it shows ("Containment"), as objectives name it.
    pub capability: String,
    /// What the evaluator reads ("Isolate the first compromised workstation within 1 h").
    pub description: String,
    /// The team expected to do it; any team when absent.
    #[serde(default)]
    pub team: Option<String>,
    /// How it is decided, as an objective's goal. A `Reach` task missed at its deadline that
    /// is done later counts as done late.
    pub goal: Goal,
}

/// A deadline relative to a moment of the drill: this long after a condition first holds.
/// When the condition never holds, nothing was due and the objective is met at the end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Within {
    /// How long after.
    pub span: Minutes,
    /// The condition whose first holding starts the clock.
    pub after: Condition,
}

/// How an objective is decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Goal {
    /// The condition comes to hold, by the deadline when one is given.
    Reach {
        /// The condition.
        condition: Condition,
        /// Latest drill time.
        #[serde(default)]
        by: Option<Minutes>,
        /// A deadline that runs from another condition first holding ("notify within 72 h of
        /// becoming aware"), instead of `by`.
        #[serde(default)]
        within: Option<Within>,
    },
    /// The condition never holds during the drill.
    Avoid(Condition),
    /// The condition holds when the drill ends.
    HoldAtEnd(Condition),
    /// Total business cost stays below this amount.
    CostBelow(u64),
    /// Data exfiltrated stays below this many gigabytes.
    ExfiltrationBelow(f64),
    /// Data lost to restores and failovers stays below this, summed over systems.
    DataLossBelow(Minutes),
}
