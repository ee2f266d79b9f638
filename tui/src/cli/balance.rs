//! `tabletop balance SCENARIO`: many seeded drills per policy and the spread of outcomes,
//! so an author sees whether a scenario is winnable, not trivial, and rewards coordination.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;
use tabletop_engine::balance::{Player, RunResult, Spread, run_many, spread};
use tabletop_engine::policy::Policy;

use super::{EXIT_USAGE, load};
use crate::safe_text::{json_safe, terminal_safe};

/// Arguments of `tabletop balance`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file, or the name of a bundled scenario.
    scenario: String,
    /// Seeded drills per policy (seeds 1 to N).
    #[arg(long, default_value_t = 100)]
    runs: u64,
    /// Policies to compare: nothing, it-first, security-first, coordinated, or a playbook
    /// file; repeat the flag for several (default: the four built-in ones).
    #[arg(long = "policy", value_name = "POLICY")]
    policies: Vec<String>,
    /// Worker threads (default: every core).
    #[arg(long)]
    jobs: Option<usize>,
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
}

/// One policy's results.
#[derive(Serialize)]
struct Row {
    policy: String,
    score: Spread,
    cost: Spread,
    exfiltrated_gb: Spread,
    data_lost_minutes: Spread,
    systems_down: Spread,
}

/// The verdict on a scenario.
#[derive(Serialize)]
struct Verdict {
    winnable: bool,
    trivial: bool,
    coordination_pays: Option<bool>,
    lines: Vec<String>,
}

/// A score that counts as winning, and one at which doing nothing makes it trivial.
const WINNING: f64 = 60.0;
const TRIVIAL: f64 = 50.0;

/// Runs the comparison.
pub fn run(args: &Args) -> ExitCode {
    let loaded = match load::scenario(&args.scenario) {
        Ok(l) => l,
        Err(load::Failed(code)) => return ExitCode::from(code),
    };
    let scenario = loaded.scenario;
    let names: Vec<String> = if args.policies.is_empty() {
        Policy::ALL.iter().map(|p| p.name().to_owned()).collect()
    } else {
        args.policies.clone()
    };
    let mut players = Vec::new();
    for name in &names {
        let player = match Policy::from_name(name) {
            Some(p) => Player::Policy(p),
            None if std::path::Path::new(name).exists() => {
                match load::playbook(&PathBuf::from(name), &scenario) {
                    Ok(p) => Player::Playbook(Box::new(p)),
                    Err(load::Failed(code)) => return ExitCode::from(code),
                }
            }
            None => {
                eprintln!(
                    "error: `{name}` is neither a policy (nothing, it-first, security-first, coordinated) nor a playbook file"
                );
                return ExitCode::from(EXIT_USAGE);
            }
        };
        players.push((name.clone(), player));
    }
    let jobs =
        args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let seeds: Vec<u64> = (1..=args.runs.max(1)).collect();
    let bar = if std::io::stderr().is_terminal() && !args.json {
        let bar = indicatif::ProgressBar::new(seeds.len() as u64 * players.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{msg:>16} {bar:40} {pos}/{len} drills, {eta} left",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut rows = Vec::new();
    for (name, player) in &players {
        bar.set_message(name.clone());
        let runs = run_many(&scenario, player, &seeds, jobs, &|| bar.inc(1));
        let of = |f: &dyn Fn(&RunResult) -> f64| spread(&runs.iter().map(f).collect::<Vec<_>>());
        rows.push(Row {
            policy: name.clone(),
            score: of(&|r| r.score),
            cost: of(&|r| r.cost as f64),
            exfiltrated_gb: of(&|r| r.exfiltrated_gb),
            data_lost_minutes: of(&|r| r.data_lost as f64),
            systems_down: of(&|r| r.systems_down as f64),
        });
    }
    bar.finish_and_clear();
    let verdict = verdict(&rows);
    if args.json {
        let json = serde_json::json!({
            "scenario": scenario.meta.id,
            "runs": args.runs,
            "seeds": [1, args.runs],
            "policies": rows,
            "verdict": verdict,
        });
        match serde_json::to_string_pretty(&json) {
            Ok(t) => println!("{}", json_safe(&t)),
            Err(e) => eprintln!("error: {e}"),
        }
        return ExitCode::SUCCESS;
    }
    let mut out = String::new();
    use std::fmt::Write as _;
    let _ = writeln!(
        out,
        "{} — {} seeded drills per policy (seeds 1–{}), {} worker{}",
        scenario.meta.title,
        args.runs,
        args.runs,
        jobs,
        if jobs == 1 { "" } else { "s" }
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<16} {:>23}  {:>27}  {:>10}  {:>10}  {:>6}",
        "policy", "score mean p10 p50 p90", "cost mean (p10–p90)", "exfil GB", "data lost", "down"
    );
    for r in &rows {
        let _ = writeln!(
            out,
            "{:<16} {:>5.0} {:>5.0} {:>5.0} {:>5.0}  {:>11} ({}–{})  {:>10.1}  {:>10}  {:>6.1}",
            r.policy,
            r.score.mean,
            r.score.p10,
            r.score.p50,
            r.score.p90,
            money(r.cost.mean),
            money(r.cost.p10),
            money(r.cost.p90),
            r.exfiltrated_gb.mean,
            format!("{:.0}m", r.data_lost_minutes.mean),
            r.systems_down.mean
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Verdict");
    for line in &verdict.lines {
        let _ = writeln!(out, "  {line}");
    }
    // The title comes from the scenario: no escape sequence of its reaches the terminal.
    let out = terminal_safe(&out);
    let _ = std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes());
    ExitCode::SUCCESS
}

fn money(v: f64) -> String {
    if v >= 1_000_000.0 {
        format!("{:.1}M", v / 1_000_000.0)
    } else if v >= 1_000.0 {
        format!("{:.0}k", v / 1_000.0)
    } else {
        format!("{v:.0}")
    }
}

fn verdict(rows: &[Row]) -> Verdict {
    let mean = |name: &str| rows.iter().find(|r| r.policy == name).map(|r| r.score.mean);
    let best = rows.iter().max_by(|a, b| a.score.mean.total_cmp(&b.score.mean));
    let mut lines = Vec::new();
    let winnable = best.is_some_and(|b| b.score.mean >= WINNING);
    if let Some(b) = best {
        lines.push(format!(
            "winnable: {} — the best, {}, scores {:.0} on average (winning is {WINNING:.0} or more)",
            if winnable { "yes" } else { "no" },
            b.policy,
            b.score.mean
        ));
    }
    let trivial = mean("nothing").is_some_and(|m| m >= TRIVIAL);
    if let Some(m) = mean("nothing") {
        lines.push(format!(
            "trivial: {} — doing nothing scores {m:.0} (trivial at {TRIVIAL:.0} or more)",
            if trivial { "yes" } else { "no" }
        ));
    }
    let coordination_pays = match (mean("coordinated"), mean("it-first"), mean("security-first")) {
        (Some(c), Some(i), Some(s)) => {
            let pays = c > i && c > s;
            lines.push(format!(
                "coordination pays: {} — coordinated {c:.0}, it-first {i:.0}, security-first {s:.0}",
                if pays { "yes" } else { "no" }
            ));
            Some(pays)
        }
        _ => None,
    };
    Verdict { winnable, trivial, coordination_pays, lines }
}
