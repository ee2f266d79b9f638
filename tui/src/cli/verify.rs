//! `tabletop verify LOG`: the hash chain is intact and the engine, re-simulating the drill,
//! produces exactly the recorded outcome.
//!
//! Three verdicts, each with its exit code: intact and complete (0); intact but incomplete,
//! a drill cut off by a crash or a quit, or a log whose end was removed (3); tampered or
//! damaged at a line, or a re-simulation that differs there (1).

use std::path::PathBuf;
use std::process::ExitCode;

use tabletop_engine::{ENGINE_VERSION, replay};

use super::logread::{self, Failure};
use super::{EXIT_INCOMPLETE, EXIT_PROBLEMS};
use crate::safe_text::terminal_safe;

/// Arguments of `tabletop verify`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Exit codes: 0 intact and complete; 3 intact but incomplete (the drill \
                        was cut off: `tabletop resume` continues it); 1 tampered, damaged or \
                        not reproduced; 2 usage.")]
pub struct Args {
    /// The drill log.
    log: PathBuf,
}

/// Verifies the log.
pub fn run(args: &Args) -> ExitCode {
    let name = args.log.display();
    let log = match logread::load(&args.log) {
        Ok((log, _)) => log,
        Err(Failure::Io(e)) => {
            eprintln!("{name}: error: {e}");
            return ExitCode::from(EXIT_PROBLEMS);
        }
        Err(Failure::Damaged(e)) => {
            eprintln!(
                "{name}:{}:{}: error: tampered at line {}: {}",
                e.line,
                e.column,
                e.line,
                terminal_safe(&e.message)
            );
            return ExitCode::from(EXIT_PROBLEMS);
        }
    };
    println!(
        "{name}: hash chain intact ({} lines)",
        log.records.len() + 1 + usize::from(log.seal.is_some())
    );
    let verified = match replay::verify(&log) {
        Ok(v) => v,
        Err(e) => {
            let line = e.line.unwrap_or(1);
            let message = terminal_safe(&e.message);
            if log.header.engine == ENGINE_VERSION {
                eprintln!("{name}:{line}:1: error: tampered at line {line}: {message}");
            } else {
                // The chain holds; another engine's rules are the likelier cause than tampering.
                eprintln!(
                    "{name}:{line}:1: error: recorded by engine {}; re-simulation with {ENGINE_VERSION} \
                     differs at line {line}: {message}",
                    terminal_safe(&log.header.engine)
                );
            }
            return ExitCode::from(EXIT_PROBLEMS);
        }
    };
    println!(
        "{name}: re-simulated {} events with seed {}: identical",
        verified.events, log.header.seed
    );
    if let Some(t) = &log.torn_tail {
        println!(
            "{name}: intact but incomplete: line {} was cut short mid-write, so the drill was \
             cut off; `tabletop resume {name}` continues it",
            t.line
        );
        return ExitCode::from(EXIT_INCOMPLETE);
    }
    match (&verified.head, verified.complete) {
        (Some(head), true) => {
            println!("{name}: intact, complete; head hash {head}");
            ExitCode::SUCCESS
        }
        (None, true) => {
            println!(
                "{name}: intact, complete (a format {} log, written before logs were sealed)",
                log.header.format
            );
            ExitCode::SUCCESS
        }
        (_, false) => {
            println!(
                "{name}: intact but incomplete: the log stops at T+{} without the drill's end \
                 (a crash, a quit, or a removed end); `tabletop resume {name}` continues it",
                replay::last_tick(&log.records).clock()
            );
            ExitCode::from(EXIT_INCOMPLETE)
        }
    }
}
