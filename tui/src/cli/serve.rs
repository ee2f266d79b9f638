//! `tabletop serve SCENARIO`: one drill, its seats joined over SSH from other rooms.
//! This module prepares the drill (new, or resumed from its log); `crate::serve` hosts it.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use tabletop_engine::Drill;
use tabletop_engine::model::Player;
use tabletop_engine::scenario::Scenario;

use super::bots::{self, BotSeat};
use super::{EXIT_PROBLEMS, EXIT_USAGE, load, logfile, resume};
use crate::safe_text::terminal_safe;
use crate::serve::{Keys, Options};

/// Arguments of `tabletop serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file, or the name of a bundled scenario.
    #[arg(required_unless_present = "resume")]
    pub scenario: Option<String>,
    /// TCP port participants' SSH clients connect to.
    #[arg(long, default_value_t = 2222)]
    pub port: u16,
    /// Address to listen on: loopback by default; `0.0.0.0` for a drill across a LAN.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Seed of the drill (default: from the clock; it is recorded in the log).
    #[arg(long, conflicts_with = "resume")]
    pub seed: Option<u64>,
    /// Where to write the drill log (default: `<scenario>-seed<N>.log` here).
    #[arg(long, value_name = "FILE", conflicts_with = "resume")]
    pub log: Option<PathBuf>,
    /// Continue a served drill cut off by a crash or a kill, from its log.
    #[arg(long, value_name = "LOG", conflicts_with = "scenario")]
    pub resume: Option<PathBuf>,
    /// No local console: the facilitator joins as the `facilitator` seat (for servers and
    /// tests). Ends on SIGTERM or SIGINT.
    #[arg(long)]
    pub headless: bool,
    /// Print `seat<TAB>code` lines on standard output at start, for scripts.
    #[arg(long)]
    pub print_codes: bool,
    /// Pause the clock when a decision is addressed to a seat, until the seat answers or
    /// the facilitator resumes.
    #[arg(long)]
    pub pause_on_decision: bool,
    /// Participants' OpenSSH public keys, one a line led by the login it opens
    /// (`security ssh-ed25519 AAAA… alice`, or `security-observer …` to watch): a listed
    /// participant joins without a code. Codes still work.
    #[arg(long, value_name = "FILE")]
    pub keys: Option<PathBuf>,
    /// The SSH host key (default: generated once in the user's data directory).
    #[arg(long, value_name = "FILE")]
    pub host_key: Option<PathBuf>,
    /// A built-in policy plays a team's seat from the start (`it=coordinated`); repeat for
    /// more. The facilitator can hand seats over and back during the drill (`b`); a resumed
    /// drill's bots come back from its log.
    #[arg(long, value_name = "TEAM=POLICY", value_parser = bots::parse, conflicts_with = "resume")]
    pub bot: Vec<BotSeat>,
}

/// Serves the drill until the facilitator quits (or, headless, a signal ends it).
pub fn run(args: &Args) -> ExitCode {
    let (drill, log_path, keys) = match &args.resume {
        Some(log) => match resume::rebuild(log, None) {
            Ok((drill, _)) => match keys(args, drill.scenario()) {
                Ok(keys) => (drill, log.clone(), keys),
                Err(code) => return code,
            },
            Err(code) => return code,
        },
        None => match start(args) {
            Ok(x) => x,
            Err(code) => return code,
        },
    };
    let options = Options {
        port: args.port,
        bind: args.bind,
        headless: args.headless,
        print_codes: args.print_codes,
        host_key: args.host_key.clone(),
        pause_on_decision: args.pause_on_decision,
        keys,
        bots: args.bot.iter().map(|b| (b.team.clone(), Player::Bot(b.policy))).collect(),
    };
    crate::serve::run(drill, log_path, &options)
}

/// The keys file's keys, if one was given.
fn keys(args: &Args, scenario: &Scenario) -> Result<Keys, ExitCode> {
    match &args.keys {
        Some(path) => crate::serve::keys(path, scenario),
        None => Ok(Keys::new()),
    }
}

/// A new drill of the scenario, recording to its log, and the keys file's keys (read
/// before the log is created, so a bad file leaves nothing behind).
fn start(args: &Args) -> Result<(Drill, PathBuf, Keys), ExitCode> {
    let arg = args.scenario.as_deref().unwrap_or_default();
    let loaded = load::scenario(arg).map_err(|load::Failed(code)| ExitCode::from(code))?;
    let keys = keys(args, &loaded.scenario)?;
    let seed = args.seed.unwrap_or_else(|| {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_secs() % 1_000_000)
    });
    let (path, file) = logfile::open_log(args.log.as_deref(), &loaded.scenario.meta.id, seed)
        .map_err(|e| {
            eprintln!("error: {}", terminal_safe(&e));
            ExitCode::from(EXIT_PROBLEMS)
        })?;
    let mut drill = Drill::new(loaded.scenario.clone(), seed);
    if let Err(e) = drill.record_to(Box::new(file), &loaded.name, &loaded.text) {
        eprintln!("error: cannot write the log {}: {e}", path.display());
        return Err(ExitCode::from(EXIT_PROBLEMS));
    }
    if let Err(e) = bots::hand(&mut drill, &args.bot) {
        eprintln!("error: {}", terminal_safe(&e));
        return Err(ExitCode::from(EXIT_USAGE));
    }
    Ok((drill, path, keys))
}
