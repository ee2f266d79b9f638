//! Two drills of the same scenario side by side: score and metric deltas, objectives and
//! ratings that changed. Drills of different scenarios are refused.

use std::fmt;

use serde::Serialize;

use super::report::{Better, ObjectiveStatus, Rating, Report, Stint, Unit};
use crate::scenario::Phase;

/// Two reports compared: `a` is the drill under review, `b` the one it is compared with;
/// every delta is `a − b`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Report model version.
    pub format: u32,
    /// Scenario id.
    pub scenario_id: String,
    /// Scenario title.
    pub title: String,
    /// SHA-256 of the scenario text both drills ran.
    pub scenario_sha256: String,
    /// Currency of the money metrics.
    pub currency: String,
    /// The drill under review.
    pub a: Side,
    /// The drill it is compared with.
    pub b: Side,
    /// Combined and per-team scores.
    pub scores: Vec<ScoreDelta>,
    /// Every metric of either drill.
    pub metrics: Vec<MetricDelta>,
    /// Every objective, with both results.
    pub objectives: Vec<ObjectiveChange>,
    /// Every capability, with both ratings.
    pub capabilities: Vec<RatingChange>,
}

/// One drill of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    /// How to call it (the log's file name, or `A`/`B`).
    pub label: String,
    /// Its seed.
    pub seed: u64,
    /// The last drill time in its log.
    pub ended_at: u32,
    /// Its report is partial.
    pub partial: bool,
    /// Who played each team's seat.
    pub played_by: Vec<SeatPlayers>,
}

/// Who played one team's seat in a drill of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeatPlayers {
    /// Team id.
    pub team: String,
    /// Who played it, in order.
    pub played_by: Vec<Stint>,
}

/// Which drill did better on a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// `a` did better.
    Better,
    /// `a` did worse.
    Worse,
    /// No difference.
    Same,
    /// One side has no value (not detected, not recovered, no such service).
    NotComparable,
}

/// A score in both drills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreDelta {
    /// `combined`, or a team id.
    pub who: String,
    /// Score in `a`.
    pub a: Option<u32>,
    /// Score in `b`.
    pub b: Option<u32>,
    /// `a − b`.
    pub delta: Option<i64>,
}

/// A metric in both drills.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricDelta {
    /// Metric id.
    pub id: String,
    /// Name for people.
    pub name: String,
    /// Phase.
    pub phase: Phase,
    /// Unit.
    pub unit: Unit,
    /// Which way is better.
    pub better: Better,
    /// Value in `a`.
    pub a: Option<f64>,
    /// Value in `b`.
    pub b: Option<f64>,
    /// `a`'s value for people.
    pub a_text: String,
    /// `b`'s value for people.
    pub b_text: String,
    /// `a − b`, when both have a value.
    pub delta: Option<f64>,
    /// Whether `a` did better.
    pub verdict: Verdict,
}

/// An objective in both drills.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveChange {
    /// Objective id.
    pub id: String,
    /// Description.
    pub description: String,
    /// Weight.
    pub weight: u32,
    /// Result in `a`.
    pub a: ObjectiveStatus,
    /// Result in `b`.
    pub b: ObjectiveStatus,
    /// The results differ.
    pub changed: bool,
}

/// A capability rating in both drills.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatingChange {
    /// Capability.
    pub capability: String,
    /// Rating in `a`.
    pub a: Option<Rating>,
    /// Rating in `b`.
    pub b: Option<Rating>,
    /// The ratings differ.
    pub changed: bool,
}

/// Why two drills cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompareError {
    /// The drills ran different scenarios (or different versions of one).
    DifferentScenarios {
        /// `a`'s scenario file name and hash.
        a: (String, String),
        /// `b`'s scenario file name and hash.
        b: (String, String),
    },
}

impl fmt::Display for CompareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompareError::DifferentScenarios { a, b } => write!(
                f,
                "the two drills ran different scenarios ({} sha256 {}… and {} sha256 {}…); only drills of the same scenario text can be compared",
                a.0,
                a.1.get(..12).unwrap_or(&a.1),
                b.0,
                b.1.get(..12).unwrap_or(&b.1)
            ),
        }
    }
}

impl std::error::Error for CompareError {}

fn side(r: &Report, label: &str) -> Side {
    Side {
        label: label.to_owned(),
        seed: r.drill.seed,
        ended_at: r.drill.ended_at,
        partial: r.partial,
        played_by: r
            .teams
            .iter()
            .map(|t| SeatPlayers { team: t.id.clone(), played_by: t.played_by.clone() })
            .collect(),
    }
}

fn delta(a: Option<u32>, b: Option<u32>) -> Option<i64> {
    Some(i64::from(a?) - i64::from(b?))
}

/// Compares `a` (the drill under review) with `b`; refuses drills of different scenarios.
pub fn compare(a: &Report, b: &Report) -> Result<Comparison, CompareError> {
    if a.drill.scenario_sha256 != b.drill.scenario_sha256 {
        return Err(CompareError::DifferentScenarios {
            a: (a.drill.scenario_name.clone(), a.drill.scenario_sha256.clone()),
            b: (b.drill.scenario_name.clone(), b.drill.scenario_sha256.clone()),
        });
    }
    let mut scores = vec![ScoreDelta {
        who: "combined".into(),
        a: a.scores.combined.score,
        b: b.scores.combined.score,
        delta: delta(a.scores.combined.score, b.scores.combined.score),
    }];
    for t in &a.scores.teams {
        let other = b.scores.teams.iter().find(|x| x.team == t.team).and_then(|x| x.score.score);
        scores.push(ScoreDelta {
            who: t.team.clone(),
            a: t.score.score,
            b: other,
            delta: delta(t.score.score, other),
        });
    }

    let mut metrics = Vec::new();
    let ids = a.metrics.iter().map(|m| &m.id).chain(b.metrics.iter().map(|m| &m.id));
    let mut seen = Vec::new();
    for id in ids {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let ma = a.metrics.iter().find(|m| m.id == *id);
        let mb = b.metrics.iter().find(|m| m.id == *id);
        let Some(m) = ma.or(mb) else { continue };
        let per_service = m.service.is_some();
        let (va, vb) = (ma.and_then(|m| m.value), mb.and_then(|m| m.value));
        let d = va.zip(vb).map(|(x, y)| x - y);
        // What a missing value means: never achieved is the worst; a critical service
        // missing from one drill was never down there, which is the best.
        let rank = |m: Option<&super::report::Metric>| -> Option<f64> {
            let worst = if m.is_some_and(|m| m.better == Better::Lower) {
                f64::INFINITY
            } else {
                f64::NEG_INFINITY
            };
            match m {
                Some(m) => m.value.or(m.never.then_some(worst)),
                None if per_service => Some(f64::NEG_INFINITY),
                None => None,
            }
        };
        let verdict = match (rank(ma), rank(mb)) {
            (Some(x), Some(y)) if x == y || (x - y).abs() < 1e-9 => Verdict::Same,
            (Some(x), Some(y)) if (x < y) == (m.better == Better::Lower) => Verdict::Better,
            (Some(_), Some(_)) => Verdict::Worse,
            (None, None) if ma.map(|m| &m.text) == mb.map(|m| &m.text) => Verdict::Same,
            _ => Verdict::NotComparable,
        };
        let text = |x: Option<&super::report::Metric>| {
            x.map_or_else(
                || {
                    if per_service { "never down".to_owned() } else { "not measured".to_owned() }
                },
                |m| m.text.clone(),
            )
        };
        metrics.push(MetricDelta {
            id: id.clone(),
            name: m.name.clone(),
            phase: m.phase,
            unit: m.unit,
            better: m.better,
            a: va,
            b: vb,
            a_text: text(ma),
            b_text: text(mb),
            delta: d,
            verdict,
        });
    }

    let objectives = a
        .objectives
        .iter()
        .map(|o| {
            let other = b
                .objectives
                .iter()
                .find(|x| x.id == o.id)
                .map_or(ObjectiveStatus::Undecided, |x| x.status);
            ObjectiveChange {
                id: o.id.clone(),
                description: o.description.clone(),
                weight: o.weight,
                a: o.status,
                b: other,
                changed: o.status != other,
            }
        })
        .collect();

    let mut capabilities: Vec<RatingChange> = Vec::new();
    for c in a.capabilities.iter().chain(&b.capabilities) {
        if capabilities.iter().any(|x| x.capability == c.capability) {
            continue;
        }
        let ra = a.capabilities.iter().find(|x| x.capability == c.capability).map(|x| x.rating);
        let rb = b.capabilities.iter().find(|x| x.capability == c.capability).map(|x| x.rating);
        capabilities.push(RatingChange {
            capability: c.capability.clone(),
            a: ra,
            b: rb,
            changed: ra != rb,
        });
    }

    Ok(Comparison {
        format: super::report::REPORT_FORMAT,
        scenario_id: a.drill.scenario_id.clone(),
        title: a.drill.title.clone(),
        scenario_sha256: a.drill.scenario_sha256.clone(),
        currency: a.drill.currency.clone(),
        a: side(a, "A"),
        b: side(b, "B"),
        scores,
        metrics,
        objectives,
        capabilities,
    })
}
