//! `tabletop fork LOG --at HH:MM`: a new drill from a moment of a recorded one (same
//! scenario and seed, the commands given before that moment), played on as usual; its
//! report can be compared with the original's.

use std::path::PathBuf;
use std::process::ExitCode;

use tabletop_engine::Drill;
use tabletop_engine::playbook::PlaybookRunner;
use tabletop_engine::replay;
use tabletop_engine::scenario::Minutes;

use super::continued::{self, Then};
use super::logfile::open_log;
use super::resume::located;
use super::{EXIT_PROBLEMS, EXIT_USAGE, load, logread};

/// Arguments of `tabletop fork`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The recorded drill.
    log: PathBuf,
    /// The moment to fork at (`02:30`): commands given before it are kept.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    at: Minutes,
    /// Where to write the new drill's log (default: `<scenario>-seed<N>.log`, never overwriting).
    #[arg(long = "log", value_name = "NEW")]
    new_log: Option<PathBuf>,
    /// How to go on.
    #[command(flatten)]
    then: Then,
}

fn parse_time(s: &str) -> Result<Minutes, String> {
    Minutes::parse(s).ok_or_else(|| format!("`{s}` is not a drill time; write 02:30"))
}

/// Forks the drill.
pub fn run(args: &Args) -> ExitCode {
    let Some((log, _)) = logread::read(&args.log) else { return ExitCode::from(EXIT_PROBLEMS) };
    let name = args.log.display();
    let scenario = match replay::scenario_of(&log) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{name}:{}", located(&e));
            return ExitCode::from(EXIT_PROBLEMS);
        }
    };
    if args.at > scenario.meta.duration {
        eprintln!(
            "error: {} is after the drill's end ({})",
            args.at.clock(),
            scenario.meta.duration.clock()
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let runner = match &args.then.script {
        Some(path) => match load::playbook(path, &scenario) {
            Ok(p) => Some(PlaybookRunner::new(&p).playing_as(&load::playbook_name(path))),
            Err(load::Failed(code)) => return ExitCode::from(code),
        },
        None => None,
    };
    // Re-simulate once before creating the new log, so a log that cannot be forked leaves
    // no half-written drill behind.
    let mut dry = Drill::new(scenario.clone(), log.header.seed);
    if let Err(e) = replay::replay_commands(&mut dry, &log.records, Some(args.at)) {
        eprintln!("{name}:{}", located(&e));
        return ExitCode::from(EXIT_PROBLEMS);
    }
    let (path, file) = match open_log(args.new_log.as_deref(), &scenario.meta.id, log.header.seed) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut drill = Drill::new(scenario, log.header.seed);
    if let Err(e) = drill.record_to(Box::new(file), &log.header.scenario_name, &log.header.scenario)
    {
        eprintln!("error: cannot write {}: {e}", path.display());
        return ExitCode::from(EXIT_PROBLEMS);
    }
    if let Err(e) = replay::replay_commands(&mut drill, &log.records, Some(args.at)) {
        eprintln!("{name}:{}", located(&e));
        return ExitCode::from(EXIT_PROBLEMS);
    }
    drill.advance_to(args.at);
    eprintln!("forked {name} at T+{} into {}", args.at.clock(), path.display());
    continued::play_on(drill, &path, &args.then, runner, None)
}
