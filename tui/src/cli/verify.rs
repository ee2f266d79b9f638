//! `tabletop verify LOG`: the hash chain is intact and the engine, re-simulating the drill,
//! produces exactly the recorded outcome.

use std::path::PathBuf;
use std::process::ExitCode;

use tabletop_engine::replay;

use super::{EXIT_PROBLEMS, logread};

/// Arguments of `tabletop verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The drill log.
    log: PathBuf,
}

/// Verifies the log.
pub fn run(args: &Args) -> ExitCode {
    let Some((log, _)) = logread::read(&args.log) else { return ExitCode::from(EXIT_PROBLEMS) };
    let name = args.log.display();
    if log.torn_tail.is_some() {
        eprintln!(
            "{name}: error: the log's last line is torn: the drill was cut off (tabletop resume continues it)"
        );
        return ExitCode::from(EXIT_PROBLEMS);
    }
    println!("{name}: hash chain intact ({} records)", log.records.len() + 1);
    match replay::verify(&log) {
        Ok(v) => {
            println!(
                "{name}: re-simulated {} events with seed {}: identical{}",
                v.events,
                log.header.seed,
                if v.complete { "" } else { " (the drill did not run to its end)" }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{name}: error: {e}");
            ExitCode::from(EXIT_PROBLEMS)
        }
    }
}
