//! Scoring: pure functions from a drill log (and the scenario's objectives, which the log's
//! header carries) to metrics and an after-action report model. Nothing is re-simulated:
//! every figure comes from the recorded events, so a report needs only the log.
//!
//! The report's JSON form and every metric's definition are documented in
//! `docs/report-format.md`.

mod amend;
mod attack;
mod compare;
mod context;
mod history;
mod legacy;
mod metrics;
mod objectives;
mod report;
mod review;
mod timeline;

use std::fmt;

use crate::log::ReadLog;
use crate::model::{Event, Player};
use crate::scenario::{self, Diagnostics, Scenario};

pub use attack::{
    DETECTED_COLOUR, MISSED_COLOUR, NavigatorGradient, NavigatorLayer, NavigatorLegendItem,
    NavigatorMetadata, NavigatorTechnique, NavigatorVersions, navigator_layer,
};
pub use compare::{
    CompareError, Comparison, MetricDelta, ObjectiveChange, RatingChange, ScoreDelta, Side,
    Verdict, compare,
};
pub use context::money;
pub use history::{History, HistoryDrill, HistoryError, MetricTrend, Trend, history};
pub use objectives::{RATING_RULES, default_capability, rating, score_of, task_rating};
pub use report::*;
pub use review::{ALL_TEAMS, DUE};

/// Choices that change what a report counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Systems whose criticality (business cost per hour down) is at least this are the
    /// critical services whose recovery is timed. Default: a tenth of the estate's highest.
    pub critical_from: Option<u64>,
}

/// Why a log could not be scored.
#[derive(Debug, Clone)]
pub enum ScoreError {
    /// The scenario text in the log's header does not load with this build.
    Scenario(Diagnostics),
}

impl fmt::Display for ScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScoreError::Scenario(d) => write!(
                f,
                "the scenario recorded in the log ({}) does not load: {} error{}",
                d.file,
                d.error_count(),
                if d.error_count() == 1 { "" } else { "s" }
            ),
        }
    }
}

impl std::error::Error for ScoreError {}

/// Scores a log, loading the scenario from its header.
pub fn score(log: &ReadLog, options: &Options) -> Result<Report, ScoreError> {
    let checked = scenario::check_bytes(&log.header.scenario_name, log.header.scenario.as_bytes());
    match checked.scenario {
        Some(s) => Ok(score_scenario(log, &s, options)),
        None => Err(ScoreError::Scenario(checked.diagnostics)),
    }
}

/// Scores a log of `scenario`: the whole after-action report.
pub fn score_scenario(log: &ReadLog, scenario: &Scenario, options: &Options) -> Report {
    let ctx = context::Ctx::new(log, scenario);
    let mut partial_reasons = Vec::new();
    if let Some(torn) = &log.torn_tail {
        partial_reasons
            .push(format!("the log's last line (line {}) was cut short and dropped", torn.line));
    }
    if !ctx.finished {
        partial_reasons.push(format!(
            "the drill did not finish: the log ends at {} of {}",
            context::clock(ctx.end),
            context::span(scenario.meta.duration.0)
        ));
    }
    let detail = metrics::details(&ctx, options.critical_from);
    let objectives = objectives::results(&ctx);
    let scores = objectives::scores(&ctx, &objectives);
    let capabilities = objectives::capabilities(&ctx, &objectives);
    let attack = attack::attack_view(&ctx);
    let detected = attack.techniques.iter().filter(|t| t.detected).count();
    let metrics = metrics::metrics(&ctx, &detail, (detected, attack.techniques.len()));
    let review = review::review(&ctx, &detail, &objectives, &attack);
    let summary = review::summary(&ctx, &detail, &objectives, &scores);
    let teams = scenario.teams.iter().map(|t| team_info(&ctx, t, &scores)).collect();
    let notes = ctx
        .events
        .iter()
        .filter_map(|(at, e)| match e {
            Event::Note { text } => Some(NoteEntry { at: *at, text: text.clone() }),
            _ => None,
        })
        .collect();
    let h = &log.header;
    let mut report = Report {
        format: REPORT_FORMAT,
        partial: !partial_reasons.is_empty(),
        partial_reasons,
        drill: DrillInfo {
            scenario_id: scenario.meta.id.clone(),
            title: scenario.meta.title.clone(),
            kind: format!("{:?}", scenario.meta.kind),
            summary: scenario.meta.summary.clone(),
            briefing: scenario.meta.briefing.clone(),
            adversary: scenario.adversary.as_ref().map(|a| a.name.clone()),
            scenario_name: h.scenario_name.clone(),
            scenario_sha256: h.scenario_sha256.clone(),
            seed: h.seed,
            engine: h.engine.clone(),
            duration: scenario.meta.duration.0,
            tick: ctx.tick,
            ended_at: ctx.end,
            finished: ctx.finished,
            head_hash: log.seal.as_ref().map(|s| s.head.clone()),
            currency: scenario.meta.currency.clone(),
        },
        teams,
        summary,
        metrics,
        timeline: timeline::timeline(&ctx, &objectives),
        chart: timeline::chart(&ctx),
        detail,
        objectives,
        scores,
        rating_rules: RATING_RULES.iter().map(|r| (*r).to_owned()).collect(),
        capabilities,
        strengths: review.strengths,
        improvements: review.improvements,
        improvement_plan: unique_ids(review.plan),
        observations: Vec::new(),
        plan_adherence: None,
        notes,
        attack,
    };
    amend::plan_capabilities(&mut report);
    amend::apply(&mut report, &log.reviews);
    report
}

/// Plan items whose keys repeat get a number after the first: every edit names one item.
fn unique_ids(mut plan: Vec<PlanItem>) -> Vec<PlanItem> {
    let mut seen: Vec<String> = Vec::new();
    for p in &mut plan {
        let base = p.id.clone();
        let mut n = 1;
        while seen.contains(&p.id) {
            n += 1;
            p.id = format!("{base}-{n}");
        }
        seen.push(p.id.clone());
    }
    plan
}

fn team_info(ctx: &context::Ctx<'_>, t: &scenario::Team, scores: &Scores) -> TeamInfo {
    let mut info = TeamInfo {
        id: t.id.clone(),
        name: t.name.clone(),
        role: t.role.label().to_owned(),
        actions_started: 0,
        actions_completed: 0,
        actions_failed: 0,
        requests_sent: 0,
        requests_answered: 0,
        score: scores.teams.iter().find(|s| s.team == t.id).and_then(|s| s.score.score),
        played_by: vec![Stint { from: 0, player: Player::Person }],
    };
    let mut asked = Vec::new();
    for (at, e) in &ctx.events {
        match e {
            Event::ActionStarted { team, .. } if *team == t.id => info.actions_started += 1,
            Event::ActionCompleted { team, .. } if *team == t.id => info.actions_completed += 1,
            Event::ActionFailed { team, .. } if *team == t.id => info.actions_failed += 1,
            Event::RequestSent { id, from, to, .. } => {
                if *from == t.id {
                    info.requests_sent += 1;
                }
                if *to == t.id {
                    asked.push(*id);
                }
            }
            Event::RequestAnswered { id, .. } if asked.contains(id) => {
                info.requests_answered += 1;
            }
            Event::SeatPlayer { team, player } if *team == t.id => {
                let stints = &mut info.played_by;
                // Handed over again within the same minute: the last word counts.
                if stints.last().is_some_and(|l| l.from == *at) {
                    stints.pop();
                }
                if stints.last().is_none_or(|l| l.player != *player) {
                    stints.push(Stint { from: *at, player: player.clone() });
                }
            }
            _ => {}
        }
    }
    info
}
