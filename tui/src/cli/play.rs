//! `tabletop` (the launcher on the bundled scenarios) and `tabletop play FILE`: the
//! terminal UI.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use super::bots::{self, BotSeat};
use super::{EXIT_PROBLEMS, EXIT_USAGE, load, logfile};
use crate::app::{App, Offer, Screen, SeatMode};
use crate::bundled;
use crate::safe_text::terminal_safe;

/// Arguments of `tabletop play`.
#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// Scenario file, or the name of a bundled scenario.
    pub scenario: Option<String>,
    /// Play one team's seat only.
    #[arg(long, value_name = "TEAM", conflicts_with_all = ["facilitator", "hot_seat"])]
    pub team: Option<String>,
    /// Play the facilitator's console.
    #[arg(long)]
    pub facilitator: bool,
    /// All teams on this screen, taking turns.
    #[arg(long)]
    pub hot_seat: bool,
    /// Seed of the drill (default: from the clock; it is recorded in the log).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Where to write the drill log (default: `<scenario>-seed<N>.log` here).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// A built-in policy plays a team's seat (`it=coordinated`); repeat for more. The other
    /// seats are this screen's (hot seat, unless `--team` or `--facilitator` says otherwise).
    #[arg(long, value_name = "TEAM=POLICY", value_parser = bots::parse, requires = "scenario")]
    pub bot: Vec<BotSeat>,
}

fn open_log(
    given: Option<&std::path::Path>,
    id: &str,
    seed: u64,
) -> Result<(PathBuf, Box<dyn std::io::Write + Send>), String> {
    logfile::open_log(given, id, seed)
        .map(|(p, f)| (p, Box::new(f) as Box<dyn std::io::Write + Send>))
}

/// Opens the UI.
pub fn run(args: &Args) -> ExitCode {
    let seed = args.seed.unwrap_or_else(|| {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_secs() % 1_000_000)
    });
    let offers = match &args.scenario {
        Some(arg) => match load::scenario(arg) {
            Ok(l) => vec![Offer { file: l.name, text: l.text, scenario: l.scenario }],
            Err(load::Failed(code)) => return ExitCode::from(code),
        },
        None => bundled::offers(),
    };
    // A broken scenario is reported first, terminal or not.
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!("error: the drill UI needs a terminal; for scripted drills use `tabletop run`");
        return ExitCode::from(EXIT_USAGE);
    }
    let mut app = App::new(offers, seed, args.log.clone(), open_log);
    let teams: Vec<String> = app
        .offers
        .first()
        .map(|o| o.scenario.teams.iter().map(|t| t.id.clone()).collect())
        .unwrap_or_default();
    if let Some(b) = args.bot.iter().find(|b| !teams.contains(&b.team)) {
        eprintln!(
            "error: --bot: there is no team `{}`; the teams are {}",
            terminal_safe(&b.team),
            terminal_safe(&teams.join(", "))
        );
        return ExitCode::from(EXIT_USAGE);
    }
    // The seats left to people at this screen.
    let people: Vec<String> =
        teams.iter().filter(|t| !args.bot.iter().any(|b| &b.team == *t)).cloned().collect();
    if let Some(team) = args.team.as_ref().filter(|t| !people.contains(t) && teams.contains(t)) {
        eprintln!("error: --team {}: that seat is given to a bot", terminal_safe(team));
        return ExitCode::from(EXIT_USAGE);
    }
    let mode = if args.facilitator {
        Some(SeatMode::Facilitator)
    } else if let Some(team) = &args.team {
        let known: Vec<String> = app
            .offers
            .first()
            .map(|o| o.scenario.teams.iter().map(|t| t.id.clone()).collect())
            .unwrap_or_default();
        if !known.contains(team) {
            eprintln!(
                "error: there is no team `{}`; the teams are {}",
                terminal_safe(team),
                terminal_safe(&known.join(", "))
            );
            return ExitCode::from(EXIT_USAGE);
        }
        Some(SeatMode::Team(team.clone()))
    } else if !args.bot.is_empty() && people.is_empty() {
        // Bots in every seat: this screen watches them as the facilitator.
        Some(SeatMode::Facilitator)
    } else if args.hot_seat || !args.bot.is_empty() {
        Some(SeatMode::HotSeat(people))
    } else {
        None
    };
    if args.scenario.is_some() {
        match mode {
            Some(mode) => app.start(0, mode),
            None => app.screen = Screen::SeatPick { offer: 0, selected: 0 },
        }
        if let Some(s) = app.session.as_mut() {
            if let Err(e) = bots::hand(&mut s.drill, &args.bot) {
                eprintln!("error: {}", terminal_safe(&e));
                return ExitCode::from(EXIT_USAGE);
            }
            s.refresh();
        }
    } else if let Some(_mode) = mode {
        // A seat given without a scenario: choose the scenario first, then this seat.
        app.message = "choose a scenario; the seat is chosen next".into();
    }
    match crate::terminal::run(app) {
        Ok(app) => {
            // Written, not `println!`: after SIGHUP the terminal may be gone, and that must not
            // turn an orderly exit into a panic.
            let mut out = std::io::stdout();
            if let Some(s) = &app.session {
                let _ = writeln!(out, "drill log: {}", s.log_path.display());
                let _ =
                    writeln!(out, "after-action report: tabletop report {}", s.log_path.display());
                if !s.drill.is_over() {
                    let _ = writeln!(
                        out,
                        "the drill stopped at {} of {}; to continue it:\n  tabletop resume {}",
                        s.drill.now().clock(),
                        s.drill.end().clock(),
                        s.log_path.display()
                    );
                }
            }
            // The last message can quote the scenario (a log that could not be opened for it).
            if !app.message.is_empty() && app.session.is_none() {
                let _ = writeln!(std::io::stderr(), "{}", terminal_safe(&app.message));
            }
            crate::terminal::exit_code(&app)
        }
        Err(e) => {
            eprintln!("error: the terminal failed: {e}");
            ExitCode::from(EXIT_PROBLEMS)
        }
    }
}
