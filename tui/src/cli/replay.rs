//! `tabletop replay LOG`: the recorded drill in the UI, read-only: scrub through time, see
//! each seat's view as it was and the truth beside it, and the facilitator's notes.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use tabletop_engine::Seat;
use tabletop_engine::replay;

use super::{EXIT_PROBLEMS, EXIT_USAGE, logread};
use crate::app::{App, Review, SeatMode, Session};
use crate::safe_text::terminal_safe;

/// Arguments of `tabletop replay`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The drill log.
    log: PathBuf,
    /// Start on this team's view (default: the first team).
    #[arg(long, value_name = "TEAM")]
    team: Option<String>,
}

/// Opens the review.
pub fn run(args: &Args) -> ExitCode {
    if !std::io::stdout().is_terminal() {
        eprintln!("error: replay needs a terminal; `tabletop report` reads a log without one");
        return ExitCode::from(EXIT_USAGE);
    }
    let Some((log, _)) = logread::read(&args.log) else { return ExitCode::from(EXIT_PROBLEMS) };
    let scenario = match replay::scenario_of(&log) {
        Ok(s) => s,
        Err(e) => {
            // The reason can quote the log's scenario text.
            eprintln!("{}: error: {}", args.log.display(), terminal_safe(&e.to_string()));
            return ExitCode::from(EXIT_PROBLEMS);
        }
    };
    let teams: Vec<String> = scenario.teams.iter().map(|t| t.id.clone()).collect();
    let first = args.team.clone().or_else(|| teams.first().cloned()).unwrap_or_default();
    if !teams.contains(&first) {
        eprintln!(
            "error: there is no team `{}`; the teams are {}",
            terminal_safe(&first),
            terminal_safe(&teams.join(", "))
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let mut review = Review::new(scenario, log.header.seed, log.records.clone());
    let drill = review.start();
    let mut session = Session::new(drill, args.log.clone(), SeatMode::HotSeat(teams));
    session.review = Some(review);
    session.switch_to(Seat::Team(first));
    let mut app = App::new(Vec::new(), log.header.seed, None, |_, _, _| Err("review only".into()));
    app.with_session(session);
    app.screen = crate::app::Screen::Drill;
    app.message =
        "REVIEW (read-only): space play/pause  . step  , back  n next event  g go to  s seat"
            .into();
    match crate::terminal::run(app) {
        Ok(app) => crate::terminal::exit_code(&app),
        Err(e) => {
            eprintln!("error: the terminal failed: {e}");
            ExitCode::from(EXIT_PROBLEMS)
        }
    }
}
