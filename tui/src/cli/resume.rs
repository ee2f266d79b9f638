//! `tabletop resume LOG`: a drill cut off by a crash, a kill or a power cut continues from
//! its last record, with the same seed stream, as if it had never stopped.

use std::fs::OpenOptions;
use std::path::PathBuf;
use std::process::ExitCode;

use tabletop_engine::Drill;
use tabletop_engine::log::{Body, LogWriter};
use tabletop_engine::playbook::PlaybookRunner;
use tabletop_engine::replay;

use super::continued::{self, Then};
use super::{EXIT_PROBLEMS, load, logread};

/// Arguments of `tabletop resume`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The drill log to continue (appended to in place).
    log: PathBuf,
    /// How to go on.
    #[command(flatten)]
    then: Then,
}

/// Resumes the drill.
pub fn run(args: &Args) -> ExitCode {
    let Some((log, text)) = logread::read(&args.log) else { return ExitCode::from(EXIT_PROBLEMS) };
    let name = args.log.display();
    if log.records.iter().any(|b| matches!(b, Body::Event(e) if matches!(e.event, tabletop_engine::Event::DrillEnded { .. }))) {
        eprintln!("{name}: the drill already ended; `tabletop fork {name} --at HH:MM` plays on from a moment of it");
        return ExitCode::from(EXIT_PROBLEMS);
    }
    let scenario = match replay::scenario_of(&log) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{name}: error: {e}");
            return ExitCode::from(EXIT_PROBLEMS);
        }
    };
    let runner = match &args.then.script {
        Some(path) => match load::playbook(path, &scenario) {
            Ok(p) => Some(PlaybookRunner::new(&p)),
            Err(load::Failed(code)) => return ExitCode::from(code),
        },
        None => None,
    };
    // Drop a torn last line before appending after the last good one.
    let good = good_length(&text, log.torn_tail.is_some());
    let file = OpenOptions::new().write(true).open(&args.log).and_then(|f| {
        f.set_len(good as u64)?;
        Ok(f)
    });
    let file = match file.and_then(|_| OpenOptions::new().append(true).open(&args.log)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{name}: error: cannot append to the log: {e}");
            return ExitCode::from(EXIT_PROBLEMS);
        }
    };
    let mut drill = Drill::new(scenario, log.header.seed);
    let writer = LogWriter::continuing(
        Box::new(file) as Box<dyn std::io::Write + Send>,
        log.records.len() as u64 + 1,
        log.last_hash.clone(),
    );
    drill.continue_recording(writer, log.records.clone());
    if runner.is_none() {
        // Without a playbook, the log's own commands take the drill back to where it was.
        if let Err(e) = replay::replay_commands(&mut drill, &log.records, None) {
            eprintln!("{name}: error: {e}");
            return ExitCode::from(EXIT_PROBLEMS);
        }
        drill.advance_to(replay::last_tick(&log.records));
        if let Some(e) = drill.divergence() {
            eprintln!("{name}: error: the log does not match this engine's drill: {e}");
            return ExitCode::from(EXIT_PROBLEMS);
        }
    }
    eprintln!(
        "{name}: resuming at T+{} (seed {})",
        replay::last_tick(&log.records).clock(),
        log.header.seed
    );
    continued::play_on(drill, &args.log, &args.then, runner)
}

/// Bytes of the log up to the end of its last complete line.
fn good_length(text: &str, torn: bool) -> usize {
    if !torn {
        return text.len();
    }
    text.trim_end_matches(|c| c != '\n').len()
}
