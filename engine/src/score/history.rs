//! Progress across drills: the same teams over several drills (of one scenario, or of
//! scenarios whose objectives share capabilities), each team's score, each capability's
//! rating and the key metrics drill by drill, in the order given.

use serde::Serialize;

use super::report::{Better, Metric, Rating, Report, Unit};

/// The key metrics a history follows, those a drill reports (breach drills the first three).
const KEY_METRICS: [&str; 8] = [
    "time_to_detect",
    "time_to_contain",
    "time_to_evict",
    "business_cost",
    "data_lost",
    "exfiltrated_gb",
    "critical_services_down_at_end",
    "deadlines_missed",
];

/// Several drills' reports side by side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    /// Report model version.
    pub format: u32,
    /// The drills, in the order given (oldest first, as a facilitator lists them).
    pub drills: Vec<HistoryDrill>,
    /// Combined score, drill by drill.
    pub combined: Vec<Option<u32>>,
    /// Per team (by id, in order of first appearance): its score, drill by drill.
    pub teams: Vec<Trend<Option<u32>>>,
    /// Per capability (in order of first appearance): its rating, drill by drill.
    pub capabilities: Vec<Trend<Option<Rating>>>,
    /// The key metrics, drill by drill.
    pub metrics: Vec<MetricTrend>,
}

/// One drill of a history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryDrill {
    /// How to call it (the log's file name).
    pub label: String,
    /// Scenario id.
    pub scenario_id: String,
    /// Its seed.
    pub seed: u64,
    /// Its report is partial.
    pub partial: bool,
}

/// Something followed across drills: `values[i]` is drill `i`'s, `None` where that drill has
/// no such team or capability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend<T> {
    /// Id (a team's id, a capability's name).
    pub id: String,
    /// Name for people.
    pub name: String,
    /// One value per drill.
    pub values: Vec<T>,
}

/// A metric followed across drills.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricTrend {
    /// Metric id.
    pub id: String,
    /// Name for people.
    pub name: String,
    /// What it counts.
    pub unit: Unit,
    /// Which way is better.
    pub better: Better,
    /// One value per drill: `null` where it did not apply or never happened.
    pub values: Vec<Option<f64>>,
    /// Per drill: what it measures never happened (not detected, not evicted), worse than
    /// any value.
    pub never: Vec<bool>,
    /// The value for people, per drill, short (`1h19m`, `USD 4,450`, `never`, `n/a`).
    pub texts: Vec<String>,
}

/// Why reports cannot make one history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryError {
    /// Fewer than two drills.
    TooFew,
    /// A drill shares neither its scenario nor any capability with the first.
    Unrelated {
        /// The drill's label.
        label: String,
    },
}

impl std::fmt::Display for HistoryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HistoryError::TooFew => f.write_str("a history needs at least two drill logs"),
            HistoryError::Unrelated { label } => write!(
                f,
                "{label} shares neither its scenario nor any capability with the first drill; \
                 a history follows the same exercise over time"
            ),
        }
    }
}

/// The history of `reports`, each with its label, in the order given.
pub fn history(reports: &[(String, Report)]) -> Result<History, HistoryError> {
    let Some((_, first)) = reports.first() else { return Err(HistoryError::TooFew) };
    if reports.len() < 2 {
        return Err(HistoryError::TooFew);
    }
    let shares = |r: &Report| {
        r.drill.scenario_id == first.drill.scenario_id
            || r.capabilities
                .iter()
                .any(|c| first.capabilities.iter().any(|f| f.capability == c.capability))
    };
    if let Some((label, _)) = reports.iter().find(|(_, r)| !shares(r)) {
        return Err(HistoryError::Unrelated { label: label.clone() });
    }
    let drills = reports
        .iter()
        .map(|(label, r)| HistoryDrill {
            label: label.clone(),
            scenario_id: r.drill.scenario_id.clone(),
            seed: r.drill.seed,
            partial: r.partial,
        })
        .collect();
    let mut teams: Vec<Trend<Option<u32>>> = Vec::new();
    let mut capabilities: Vec<Trend<Option<Rating>>> = Vec::new();
    for (_, r) in reports {
        for t in &r.teams {
            if !teams.iter().any(|x| x.id == t.id) {
                teams.push(Trend { id: t.id.clone(), name: t.name.clone(), values: Vec::new() });
            }
        }
        for c in &r.capabilities {
            if !capabilities.iter().any(|x| x.id == c.capability) {
                let (id, name) = (c.capability.clone(), c.capability.clone());
                capabilities.push(Trend { id, name, values: Vec::new() });
            }
        }
    }
    for (_, r) in reports {
        for t in &mut teams {
            t.values.push(r.teams.iter().find(|x| x.id == t.id).and_then(|x| x.score));
        }
        for c in &mut capabilities {
            let rated = r.capabilities.iter().find(|x| x.capability == c.id);
            c.values.push(rated.map(|x| x.rating));
        }
    }
    let metrics = KEY_METRICS
        .iter()
        .filter_map(|id| {
            let sample =
                reports.iter().find_map(|(_, r)| r.metrics.iter().find(|m| m.id == *id))?;
            let per: Vec<_> =
                reports.iter().map(|(_, r)| r.metrics.iter().find(|m| m.id == *id)).collect();
            Some(MetricTrend {
                id: sample.id.clone(),
                name: sample.name.clone(),
                unit: sample.unit,
                better: sample.better,
                values: per.iter().map(|m| m.and_then(|m| m.value)).collect(),
                never: per.iter().map(|m| m.is_some_and(|m| m.never)).collect(),
                texts: per
                    .iter()
                    .zip(reports)
                    .map(|(m, (_, r))| {
                        m.map_or_else(|| "–".to_owned(), |m| short(m, &r.drill.currency))
                    })
                    .collect(),
            })
        })
        .collect();
    Ok(History {
        format: super::report::REPORT_FORMAT,
        drills,
        combined: reports.iter().map(|(_, r)| r.scores.combined.score).collect(),
        teams,
        capabilities,
        metrics,
    })
}

/// A metric's value in a few characters: a history's cell holds one per drill.
fn short(m: &Metric, currency: &str) -> String {
    match (m.value, m.never) {
        (Some(v), _) => match m.unit {
            Unit::Minutes => crate::scenario::Minutes(v.max(0.0).round() as u32).to_string(),
            Unit::Money => super::money(v.max(0.0).round() as u64, currency),
            Unit::Gigabytes => format!("{v:.1} GB"),
            Unit::Count => format!("{v:.0}"),
        },
        (None, true) => "never".to_owned(),
        (None, false) => "n/a".to_owned(),
    }
}
