//! Re-simulating a recorded drill from its log: to verify it, to resume it after a crash,
//! or to fork it at a moment. A drill is a pure function of its scenario, seed and the
//! commands given when: the log holds all three.

use std::sync::Arc;

use crate::drill::Drill;
use crate::log::{Body, ReadLog, sha256_hex};
use crate::model::TimedEvent;
use crate::scenario::{self, Minutes, Scenario};

/// Why a log cannot be replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayError(pub String);

impl std::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReplayError {}

/// The scenario a log was recorded with, checked against its hash.
pub fn scenario_of(log: &ReadLog) -> Result<Arc<Scenario>, ReplayError> {
    let h = &log.header;
    if sha256_hex(h.scenario.as_bytes()) != h.scenario_sha256 {
        return Err(ReplayError("the scenario in the log's header does not match its hash".into()));
    }
    let checked = scenario::check_bytes(&h.scenario_name, h.scenario.as_bytes());
    match checked.scenario {
        Some(s) => Ok(Arc::new(s)),
        None => Err(ReplayError(format!(
            "the scenario recorded in the log no longer checks clean with this tabletop:\n{}",
            checked.diagnostics
        ))),
    }
}

/// Replays a log's commands into `drill` up to (not including) drill time `until`:
/// each command is submitted at the tick it was recorded for, in order.
pub fn replay_commands(
    drill: &mut Drill,
    records: &[Body],
    until: Option<Minutes>,
) -> Result<(), ReplayError> {
    for (i, body) in records.iter().enumerate() {
        let Body::Command { at, seat, id, command } = body else { continue };
        if until.is_some_and(|u| *at >= u) {
            break;
        }
        drill.advance_to(*at);
        if drill.now() != *at {
            return Err(ReplayError(format!(
                "record {}: a command at {} is past the drill's end",
                i + 2,
                at.clock()
            )));
        }
        match drill.submit(seat, command.clone()) {
            Ok(got) if got == *id => {}
            Ok(got) => {
                return Err(ReplayError(format!(
                    "record {}: command #{id} came back as #{got}",
                    i + 2
                )));
            }
            Err(why) => {
                return Err(ReplayError(format!(
                    "record {}: the engine now refuses command #{id}: {why}",
                    i + 2
                )));
            }
        }
    }
    Ok(())
}

/// The drill time just after the last tick a log recorded anything for.
pub fn last_tick(records: &[Body]) -> Minutes {
    records
        .iter()
        .filter_map(|b| match b {
            Body::Event(e) => Some(Minutes(e.at.0 + 1)),
            Body::Command { at, .. } => Some(*at),
            Body::Header(_) => None,
        })
        .max()
        .unwrap_or(Minutes::ZERO)
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// Records checked (after the header).
    pub records: usize,
    /// Events re-simulated and matched.
    pub events: usize,
    /// Whether the log runs to the drill's end.
    pub complete: bool,
}

/// Re-simulates a log and checks that the engine produces exactly the recorded events.
/// On a mismatch, says which line of the log differs and how.
pub fn verify(log: &ReadLog) -> Result<Verified, ReplayError> {
    let scenario = scenario_of(log)?;
    let mut drill = Drill::new(scenario, log.header.seed);
    replay_commands(&mut drill, &log.records, None)?;
    let end = last_tick(&log.records);
    drill.advance_to(end.max(drill.now()));
    let produced: Vec<TimedEvent> = drill.events_since(0).to_vec();
    let mut n = 0;
    for (i, body) in log.records.iter().enumerate() {
        let Body::Event(recorded) = body else { continue };
        match produced.get(n) {
            Some(p) if p == recorded => n += 1,
            Some(p) => {
                return Err(ReplayError(format!(
                    "line {}: the log records `{}` at {}, the engine produces `{}` at {}",
                    i + 2,
                    recorded.event,
                    recorded.at.clock(),
                    p.event,
                    p.at.clock()
                )));
            }
            None => {
                return Err(ReplayError(format!(
                    "line {}: the log records `{}`, which the engine never produces",
                    i + 2,
                    recorded.event
                )));
            }
        }
    }
    let complete = log.records.iter().any(|b| {
        matches!(b, Body::Event(TimedEvent { event: crate::model::Event::DrillEnded { .. }, .. }))
    });
    if complete && n != produced.len() {
        return Err(ReplayError(format!(
            "the engine produces {} events the log does not record, from `{}`",
            produced.len() - n,
            produced.get(n).map(|e| e.event.to_string()).unwrap_or_default()
        )));
    }
    Ok(Verified { records: log.records.len(), events: n, complete })
}
