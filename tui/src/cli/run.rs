//! `tabletop run`: play a drill headless, optionally from a playbook, write its log and
//! print the outcome.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tabletop_engine::playbook::PlaybookRunner;
use tabletop_engine::policy::{Bot, Policy};
use tabletop_engine::scenario::Minutes;
use tabletop_engine::score::money;
use tabletop_engine::{Drill, Outcome};

use super::bots::{BotSeat, hand};
use super::logfile::open_log;
use super::{EXIT_USAGE, load};
use crate::safe_text::{json_safe, terminal_safe};

/// Arguments of `tabletop run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file, or the name of a bundled scenario (`ransomware`).
    scenario: String,
    /// Seed of the drill's random number generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Playbook of scripted team commands (RON).
    #[arg(long, value_name = "PLAYBOOK")]
    script: Option<PathBuf>,
    /// A built-in policy plays every seat (`coordinated`, `it-first`, `security-first`,
    /// `nothing`); the log records that a bot played, so `report --compare` can set a
    /// team's drill beside it.
    #[arg(long, value_name = "POLICY", value_parser = super::bots::policy, conflicts_with = "script")]
    policy: Option<Policy>,
    /// Stop at this drill time (`04:00`, `90m`) instead of the scenario's end.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    until: Option<Minutes>,
    /// Where to write the drill log (default: `<scenario>-seed<N>.log`, never overwriting).
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
    /// Print the outcome as JSON.
    #[arg(long)]
    json: bool,
    /// Wall-clock milliseconds per simulated hour, to watch a headless drill unfold (and
    /// to give a crash test something to interrupt). 0 runs flat out.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pace: u64,
}

fn parse_time(s: &str) -> Result<Minutes, String> {
    Minutes::parse(s).ok_or_else(|| format!("`{s}` is not a drill time; write 04:00, 90m or 2h30m"))
}

/// Runs the drill.
pub fn run(args: &Args) -> ExitCode {
    let loaded = match load::scenario(&args.scenario) {
        Ok(l) => l,
        Err(load::Failed(code)) => return ExitCode::from(code),
    };
    let playbook = match &args.script {
        Some(path) => match load::playbook(path, &loaded.scenario) {
            Ok(p) => Some(p),
            Err(load::Failed(code)) => return ExitCode::from(code),
        },
        None => None,
    };
    let (log_path, file) = match open_log(args.log.as_deref(), &loaded.scenario.meta.id, args.seed)
    {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut drill = Drill::new(loaded.scenario.clone(), args.seed);
    if let Err(e) = drill.record_to(Box::new(file), &loaded.name, &loaded.text) {
        eprintln!("error: cannot write the log {}: {e}", log_path.display());
        return ExitCode::from(super::EXIT_PROBLEMS);
    }
    let until = args.until.unwrap_or(drill.end());
    let mut runner = playbook
        .as_ref()
        .zip(args.script.as_deref())
        .map(|(p, path)| PlaybookRunner::new(p).playing_as(&load::playbook_name(path)));
    let mut bot = match args.policy {
        Some(policy) => {
            let seats: Vec<BotSeat> = drill
                .scenario()
                .teams
                .iter()
                .map(|t| BotSeat { team: t.id.clone(), policy })
                .collect();
            if let Err(e) = hand(&mut drill, &seats) {
                eprintln!("error: {}", terminal_safe(&e));
                return ExitCode::from(super::EXIT_PROBLEMS);
            }
            Some(Bot::new(policy, drill.scenario()))
        }
        None => None,
    };
    // Paced runs go an hour of drill time at a time; results do not depend on the pace.
    let step = if args.pace > 0 { 60 } else { until.0.max(1) };
    while drill.now() < until && !drill.is_over() {
        let next = Minutes((drill.now().0 + step).min(until.0));
        match (&mut runner, &mut bot) {
            (Some(r), _) => r.play(&mut drill, next),
            (None, Some(b)) => {
                while drill.now() < next && !drill.is_over() {
                    b.step(&mut drill);
                    drill.advance(1);
                }
            }
            (None, None) => drill.advance_to(next),
        }
        if args.pace > 0 {
            std::thread::sleep(std::time::Duration::from_millis(args.pace));
        }
    }
    if let Some(e) = drill.log_error() {
        eprintln!("error: writing the log {} failed: {e}", log_path.display());
        return ExitCode::from(super::EXIT_PROBLEMS);
    }
    let outcome = drill.outcome();
    if args.json {
        let json = serde_json::json!({
            "scenario": loaded.scenario.meta.id,
            "seed": args.seed,
            "log": log_path.display().to_string(),
            "head_hash": drill.sealed_head(),
            "steps_never_taken": runner.as_ref().map(|r| r.untaken()),
            "policy": args.policy.map(Policy::name),
            "outcome": outcome,
        });
        match serde_json::to_string_pretty(&json) {
            Ok(text) => println!("{}", json_safe(&text)),
            Err(e) => eprintln!("error: {e}"),
        }
    } else {
        print_outcome(&drill, &outcome, args, &log_path, runner.as_ref());
    }
    ExitCode::SUCCESS
}

fn print_outcome(
    drill: &Drill,
    o: &Outcome,
    args: &Args,
    log: &Path,
    runner: Option<&PlaybookRunner>,
) {
    use std::fmt::Write as _;
    let mut out = String::new();
    let s = drill.scenario();
    let _ = writeln!(
        out,
        "{} — seed {}, played 00:00 → {}",
        s.meta.title,
        args.seed,
        o.ended_at.clock()
    );
    match (&args.script, runner) {
        (Some(p), Some(r)) => {
            let untaken = r.untaken();
            let _ = writeln!(out, "playbook {} ({} steps never taken)", p.display(), untaken.len());
        }
        _ => match args.policy {
            Some(p) => {
                let _ = writeln!(out, "every seat played by the {} policy (bot)", p.name());
            }
            None => {
                let _ = writeln!(out, "no playbook: the teams did nothing");
            }
        },
    }
    let _ = writeln!(out, "log {}", log.display());
    out.push('\n');
    let _ = writeln!(out, "Timeline");
    for e in &o.timeline {
        let _ = writeln!(out, "  {}  {}", e.at.clock(), e.event);
    }
    out.push('\n');
    let _ = writeln!(out, "Outcome");
    let _ = writeln!(out, "  cost          {}", money(o.cost, &o.currency));
    let down: Vec<String> =
        o.systems_down.iter().map(|(id, st)| format!("{id} ({st:?})")).collect();
    let _ = writeln!(
        out,
        "  systems down  {} at the end{}{}",
        down.len(),
        if down.is_empty() { "" } else { ": " },
        down.join(", ")
    );
    let lost: Vec<String> =
        o.data_lost.iter().map(|(id, m)| format!("{id} {}", Minutes(*m))).collect();
    let _ = writeln!(
        out,
        "  data lost     {}",
        if lost.is_empty() { "none".to_owned() } else { lost.join(", ") }
    );
    let _ = writeln!(out, "  exfiltrated   {:.1} GB", o.exfiltrated_gb);
    if let Some(head) = drill.sealed_head() {
        // Participants note it: `verify` and the report print it again for the same log.
        let _ = writeln!(out, "  log sealed    head hash {head}");
    }
    // Titles, system ids and event texts come from the scenario: no escape sequence of theirs
    // reaches the terminal. A closed pipe (`| head`) is not an error worth a panic.
    let out = terminal_safe(&out);
    let _ = std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes());
}
