//! Re-simulating a recorded drill from its log: to verify it, to resume it after a crash,
//! or to fork it at a moment. A drill is a pure function of its scenario, seed and the
//! commands given when: the log holds all three.

use std::sync::Arc;

use crate::drill::Drill;
use crate::log::{Body, LogWriter, ReadLog, sha256_hex};
use crate::model::{Event, TimedEvent};
use crate::playbook::PlaybookRunner;
use crate::scenario::{self, Minutes, Scenario};

/// Why a log cannot be replayed, at which line of the log where one is to blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayError {
    /// The 1-based line of the log, where one is to blame.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl ReplayError {
    fn at(line: usize, message: impl Into<String>) -> Self {
        ReplayError { line: Some(line), message: message.into() }
    }
}

impl std::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ReplayError {}

/// The scenario a log was recorded with, checked against its hash.
pub fn scenario_of(log: &ReadLog) -> Result<Arc<Scenario>, ReplayError> {
    let h = &log.header;
    if sha256_hex(h.scenario.as_bytes()) != h.scenario_sha256 {
        return Err(ReplayError::at(
            1,
            "the scenario in the log's header does not match its hash: the header was changed",
        ));
    }
    let checked = scenario::check_bytes(&h.scenario_name, h.scenario.as_bytes());
    match checked.scenario {
        Some(s) => Ok(Arc::new(s)),
        None => Err(ReplayError::at(
            1,
            format!(
                "the scenario recorded in the log no longer checks clean with this tabletop:\n{}",
                checked.diagnostics
            ),
        )),
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
            return Err(ReplayError::at(
                ReadLog::line_of(i),
                format!("a command at {} is past the drill's end", at.clock()),
            ));
        }
        match drill.submit(seat, command.clone()) {
            Ok(got) if got == *id => {}
            Ok(got) => {
                return Err(ReplayError::at(
                    ReadLog::line_of(i),
                    format!("command #{id} came back as #{got}"),
                ));
            }
            Err(why) => {
                return Err(ReplayError::at(
                    ReadLog::line_of(i),
                    format!("the engine now refuses command #{id}: {why}"),
                ));
            }
        }
    }
    Ok(())
}

/// Rebuilds a drill that was cut off from its log, ready to play on. The drill is
/// re-simulated from its start, by the log's own commands or, for a scripted drill, by the
/// same playbook, and every record it produces is checked against the log's. `out` receives
/// only what comes after the log's last record, and nothing at all unless re-simulation
/// reproduced the whole log: a divergent drill never lands in it.
pub fn resume(
    log: &ReadLog,
    out: Box<dyn std::io::Write + Send>,
    runner: Option<&mut PlaybookRunner>,
) -> Result<Drill, ReplayError> {
    let ended = log
        .records
        .iter()
        .any(|b| matches!(b, Body::Event(TimedEvent { event: Event::DrillEnded { .. }, .. })));
    if ended || log.seal.is_some() {
        return Err(ReplayError {
            line: None,
            message: "the drill already ended; fork it at a moment to play on from there".into(),
        });
    }
    let scenario = scenario_of(log)?;
    let mut drill = Drill::new(scenario, log.header.seed);
    let writer = LogWriter::continuing(out, log.records.len() as u64 + 1, log.last_hash.clone());
    drill.continue_recording(writer, log.records.clone());
    let last = last_tick(&log.records);
    let scripted = runner.is_some();
    match runner {
        Some(runner) => runner.play(&mut drill, last),
        None => {
            replay_commands(&mut drill, &log.records, None)?;
            drill.advance_to(last);
        }
    }
    if let Some(d) = drill.divergence() {
        return Err(ReplayError::at(d.line, d.message.clone()));
    }
    // A playbook gives the commands of the log's last tick when that tick runs; the log's
    // own commands have all been given by now.
    if !scripted && drill.records_to_reproduce() > 0 {
        return Err(ReplayError::at(
            ReadLog::line_of(log.records.len() - drill.records_to_reproduce()),
            "re-simulation stopped short of this record",
        ));
    }
    Ok(drill)
}

/// The drill time just after the last tick a log recorded anything for.
pub fn last_tick(records: &[Body]) -> Minutes {
    records
        .iter()
        .filter_map(|b| match b {
            Body::Event(e) => Some(e.at.saturating_add(Minutes(1))),
            Body::Command { at, .. } => Some(*at),
            Body::Header(_) | Body::Seal(_) | Body::Review(_) => None,
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
    /// Whether the log holds the whole drill: sealed (format 2 on), or for a format 1 log,
    /// holding the drill's end.
    pub complete: bool,
    /// The head hash the seal carries.
    pub head: Option<String>,
}

/// Re-simulates a log and checks that the engine produces exactly the recorded events.
/// On a mismatch, says which line of the log differs and how. (When another engine version
/// recorded the log, a rule change is the likelier cause: the header says which.)
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
                return Err(ReplayError::at(
                    ReadLog::line_of(i),
                    format!(
                        "the log records `{}` at {}, the engine produces `{}` at {}",
                        recorded.event,
                        recorded.at.clock(),
                        p.event,
                        p.at.clock()
                    ),
                ));
            }
            None => {
                return Err(ReplayError::at(
                    ReadLog::line_of(i),
                    format!(
                        "the log records `{}`, which the engine never produces",
                        recorded.event
                    ),
                ));
            }
        }
    }
    let ended = log
        .records
        .iter()
        .any(|b| matches!(b, Body::Event(TimedEvent { event: Event::DrillEnded { .. }, .. })));
    if ended && n != produced.len() {
        return Err(ReplayError::at(
            ReadLog::line_of(log.records.len()),
            format!(
                "the engine produces {} events the log does not record, from `{}`",
                produced.len() - n,
                produced.get(n).map(|e| e.event.to_string()).unwrap_or_default()
            ),
        ));
    }
    if log.seal.is_some() && !ended {
        return Err(ReplayError::at(
            ReadLog::line_of(log.records.len()),
            "the log is sealed but the drill never ended: records were removed",
        ));
    }
    let complete = if log.header.format >= 2 { log.seal.is_some() } else { ended };
    Ok(Verified {
        records: log.records.len(),
        events: n,
        complete,
        head: log.seal.as_ref().map(|s| s.head.clone()),
    })
}
