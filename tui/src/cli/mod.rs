//! The command line: one module per subcommand, each returning the process exit code.

mod balance;
mod bench;
mod bots;
mod check;
mod continued;
mod fork;
mod list;
mod load;
mod logfile;
mod logread;
mod play;
mod render;
mod replay;
mod report;
mod resume;
pub(crate) mod review;
mod run;
mod serve;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code of a run that found problems in its input.
pub const EXIT_PROBLEMS: u8 = 1;
/// Exit code of a command line that could not be understood.
pub const EXIT_USAGE: u8 = 2;
/// Exit code of `verify` for a log that is intact but does not hold the drill's end.
pub const EXIT_INCOMPLETE: u8 = 3;

/// tabletop: incident-simulation drills for IT operations and security teams.
#[derive(Debug, Parser)]
#[command(name = "tabletop", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Play a scenario file (or a bundled one) in the terminal UI.
    Play(play::Args),
    /// Validate scenario files and report every problem, located.
    Check(check::Args),
    /// List the bundled scenarios and their reference playbooks.
    List(list::Args),
    /// Play a drill headless (optionally from a playbook), write its log, print the outcome.
    Run(run::Args),
    /// Run many seeded drills per response policy and report the spread of outcomes.
    Balance(balance::Args),
    /// Check a drill log's hash chain and re-simulate it to confirm its outcome.
    Verify(verify::Args),
    /// Review a recorded drill in the UI: scrub through time, each seat's view and the truth.
    Replay(replay::Args),
    /// Continue a drill that was cut off, from its last record.
    Resume(resume::Args),
    /// Start a new drill from a moment of a recorded one.
    Fork(fork::Args),
    /// Measure what simulating a scenario costs.
    Bench(bench::Args),
    /// Turn a drill log into the after-action report (Markdown, JSON or HTML).
    Report(report::Args),
    /// Add to a finished drill's record: rating overrides, observations, plan owners and dates.
    Review(review::Args),
    /// Host one drill whose seats join over SSH from other rooms.
    Serve(serve::Args),
}

/// Parses the command line and runs the subcommand.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(EXIT_USAGE),
            };
        }
    };
    match cli.command {
        None => play::run(&play::Args::default()),
        Some(Command::Play(args)) => play::run(&args),
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::List(args)) => list::run(&args),
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::Verify(args)) => verify::run(&args),
        Some(Command::Balance(args)) => balance::run(&args),
        Some(Command::Replay(args)) => replay::run(&args),
        Some(Command::Resume(args)) => resume::run(&args),
        Some(Command::Fork(args)) => fork::run(&args),
        Some(Command::Bench(args)) => bench::run(&args),
        Some(Command::Report(args)) => report::run(&args),
        Some(Command::Review(args)) => review::run(&args),
        Some(Command::Serve(args)) => serve::run(&args),
    }
}
