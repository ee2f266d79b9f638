//! What `resume` and `fork` share: once a drill is rebuilt from a log, play on headless
//! (with a playbook, or doing nothing) or in the terminal UI.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tabletop_engine::Drill;
use tabletop_engine::playbook::PlaybookRunner;
use tabletop_engine::policy::Bot;
use tabletop_engine::score::money;

use super::{EXIT_PROBLEMS, EXIT_USAGE, bots};
use crate::app::{App, SeatMode, Session};
use crate::safe_text::terminal_safe;

/// How to go on.
#[derive(Debug, Default, clap::Args)]
pub struct Then {
    /// Play on headless with this playbook.
    #[arg(long, value_name = "PLAYBOOK")]
    pub script: Option<PathBuf>,
    /// Play on headless to the end, with no further commands.
    #[arg(long, conflicts_with = "script")]
    pub headless: bool,
    /// In the UI, play one team's seat.
    #[arg(long, value_name = "TEAM")]
    pub team: Option<String>,
    /// In the UI, play the facilitator.
    #[arg(long)]
    pub facilitator: bool,
}

/// Plays the drill on; `runner` already holds the playbook when one was given, `bots` the
/// bots that play on headless when they were chosen (`resume --policy`). Otherwise the
/// seats the log gives to bots stay theirs (headless and in the UI), and the seats a
/// playbook held go back to people.
pub fn play_on(
    mut drill: Drill,
    log: &Path,
    then: &Then,
    runner: Option<PlaybookRunner>,
    chosen: Option<Vec<Bot>>,
) -> ExitCode {
    if let Some(mut runner) = runner {
        let end = drill.end();
        runner.play(&mut drill, end);
        return headless_done(&mut drill, log);
    }
    bots::playbook_seats_to_people(&mut drill);
    let headless = then.headless || !std::io::stdout().is_terminal();
    if chosen.is_some() || headless {
        let mut bots = chosen.unwrap_or_else(|| bots::recorded(&drill));
        if bots.is_empty() {
            drill.run_to_end();
        }
        // Tick by tick, each bot glancing at its seats before every tick, as `run --policy`
        // plays.
        while !drill.is_over() {
            for b in &mut bots {
                b.step(&mut drill);
            }
            drill.advance(1);
        }
        return headless_done(&mut drill, log);
    }
    let scenario = drill.scenario().clone();
    let mode = match (&then.team, then.facilitator) {
        (_, true) => SeatMode::Facilitator,
        (Some(t), _) if scenario.teams.iter().any(|x| &x.id == t) => SeatMode::Team(t.clone()),
        (Some(t), _) => {
            eprintln!("error: there is no team `{t}`");
            return ExitCode::from(EXIT_USAGE);
        }
        (None, _) => SeatMode::HotSeat(scenario.teams.iter().map(|t| t.id.clone()).collect()),
    };
    let mut app =
        App::new(Vec::new(), drill.seed(), None, |_, _, _| Err("no new drills here".into()));
    app.with_session(Session::new(drill, log.to_path_buf(), mode));
    match crate::terminal::run(app) {
        Ok(app) => {
            // Written, not `println!`: after SIGHUP the terminal may be gone.
            let _ = writeln!(std::io::stdout(), "drill log: {}", log.display());
            crate::terminal::exit_code(&app)
        }
        Err(e) => {
            eprintln!("error: the terminal failed: {e}");
            ExitCode::from(EXIT_PROBLEMS)
        }
    }
}

fn headless_done(drill: &mut Drill, log: &Path) -> ExitCode {
    if let Some(e) = drill.divergence() {
        eprintln!(
            "{}:{}:1: error: {}; the drill does not match the log, so nothing more was appended",
            log.display(),
            e.line,
            terminal_safe(&e.message)
        );
        return ExitCode::from(EXIT_PROBLEMS);
    }
    if let Some(e) = drill.log_error() {
        eprintln!("error: writing {} failed: {e}", log.display());
        return ExitCode::from(EXIT_PROBLEMS);
    }
    let o = drill.outcome();
    println!(
        "{}: played to {}; cost {}; {} systems down at the end",
        log.display(),
        o.ended_at.clock(),
        terminal_safe(&money(o.cost, &o.currency)),
        o.systems_down.len()
    );
    if let Some(head) = drill.sealed_head() {
        println!("{}: sealed; head hash {head}", log.display());
    }
    ExitCode::SUCCESS
}
