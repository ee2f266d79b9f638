//! `tabletop balance SCENARIO`: many seeded drills per policy and the spread of outcomes,
//! so an author sees whether a scenario is winnable, not trivial, and rewards coordination.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::{Deserialize, Serialize};
use tabletop_engine::balance::{Player, RunResult, Spread, run_many, spread};
use tabletop_engine::policy::Policy;

use super::{EXIT_USAGE, load};
use crate::safe_text::{json_safe, terminal_safe};

/// Arguments of `tabletop balance`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file, or the name of a bundled scenario.
    #[arg(required_unless_present = "merge")]
    scenario: Option<String>,
    /// Seeded drills per policy (seeds 1 to N).
    #[arg(long, default_value_t = 100)]
    runs: u64,
    /// Run this range of seeds instead (`1..500`, both ends included): one share of a sweep
    /// spread over machines; `--json` keeps every run for `--merge`.
    #[arg(long, value_name = "A..B", conflicts_with = "runs", value_parser = parse_seeds)]
    seeds: Option<(u64, u64)>,
    /// Combine the `--json` results of several shares of one sweep into one spread and
    /// verdict.
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with_all = ["scenario", "seeds", "policies"])]
    merge: Vec<PathBuf>,
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
    /// Against an attacker: how its runs ended.
    eviction: Option<Eviction>,
}

/// How a policy's runs against an attacker ended: evicted or not, and what each scored.
#[derive(Serialize)]
struct Eviction {
    /// Runs that ended with the attacker holding nothing.
    evicted: usize,
    /// Runs that say.
    runs: usize,
    /// Mean score of the runs that evicted it.
    score_evicted: Option<f64>,
    /// Mean score of the runs it stayed in.
    score_present: Option<f64>,
}

impl Eviction {
    fn of(results: &[RunResult]) -> Option<Self> {
        let said: Vec<(bool, f64)> =
            results.iter().filter_map(|r| r.evicted.map(|e| (e, r.score))).collect();
        if said.is_empty() {
            return None;
        }
        let mean = |want: bool| {
            let xs: Vec<f64> = said.iter().filter(|(e, _)| *e == want).map(|(_, s)| *s).collect();
            (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
        };
        Some(Eviction {
            evicted: said.iter().filter(|(e, _)| *e).count(),
            runs: said.len(),
            score_evicted: mean(true),
            score_present: mean(false),
        })
    }
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

/// The format of `balance --json`, which `--merge` reads back.
const JSON_FORMAT: u32 = 1;

/// The largest results file `--merge` reads: a million runs of five policies stay below.
const MAX_RESULTS_BYTES: u64 = 512 * 1024 * 1024;

/// Parses `A..B` (both ends included).
fn parse_seeds(text: &str) -> Result<(u64, u64), String> {
    let (a, b) = text.split_once("..").ok_or("write the range as A..B, such as 1..500")?;
    let number = |x: &str| x.trim().parse::<u64>().map_err(|e| format!("`{x}`: {e}"));
    let (a, b) = (number(a)?, number(b)?);
    if a > b {
        return Err(format!("the range {a}..{b} is empty: the first seed comes first"));
    }
    if b - a >= 100_000_000 {
        return Err("at most 100,000,000 seeds in one run".into());
    }
    Ok((a, b))
}

/// One policy's runs, as `--json` writes them and `--merge` reads them.
#[derive(Serialize, Deserialize)]
struct PolicyRuns {
    policy: String,
    results: Vec<RunResult>,
}

/// A `--json` results file, as far as `--merge` reads it.
#[derive(Deserialize)]
struct Results {
    format: u32,
    scenario: String,
    title: String,
    scenario_sha256: String,
    runs: Vec<PolicyRuns>,
}

/// Runs the comparison, or merges earlier ones.
pub fn run(args: &Args) -> ExitCode {
    if !args.merge.is_empty() {
        return merge(args);
    }
    let Some(arg) = args.scenario.as_deref() else { return ExitCode::from(EXIT_USAGE) };
    let loaded = match load::scenario(arg) {
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
    let (first, last) = args.seeds.unwrap_or((1, args.runs.max(1)));
    let seeds: Vec<u64> = (first..=last).collect();
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
    let mut all = Vec::new();
    for (name, player) in &players {
        bar.set_message(name.clone());
        let results = run_many(&scenario, player, &seeds, jobs, &|| bar.inc(1));
        all.push(PolicyRuns { policy: name.clone(), results });
    }
    bar.finish_and_clear();
    let sha = tabletop_engine::log::sha256_hex(loaded.text.as_bytes());
    let how = format!(
        "{} seeded drills per policy (seeds {first}–{last}), {jobs} worker{}",
        seeds.len(),
        if jobs == 1 { "" } else { "s" }
    );
    show(args.json, &scenario.meta.id, &scenario.meta.title, &sha, &how, all)
}

/// Combines the `--json` results of several shares of one sweep.
fn merge(args: &Args) -> ExitCode {
    let mut merged: Option<Results> = None;
    let mut seen: std::collections::BTreeMap<String, std::collections::BTreeMap<u64, String>> =
        std::collections::BTreeMap::new();
    for path in &args.merge {
        let name = terminal_safe(&path.display().to_string()).into_owned();
        let bytes = match std::fs::metadata(path).and_then(|m| {
            if m.len() > MAX_RESULTS_BYTES {
                Err(std::io::Error::other("larger than any balance run writes"))
            } else {
                std::fs::read(path)
            }
        }) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read {name}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let results: Results = match serde_json::from_slice(&bytes) {
            Ok(r) => r,
            Err(e) => {
                eprintln!(
                    "{name}:{}:{}: error: not the output of `tabletop balance --json`: {}",
                    e.line(),
                    e.column(),
                    terminal_safe(&e.to_string())
                );
                return ExitCode::FAILURE;
            }
        };
        if results.format != JSON_FORMAT {
            eprintln!(
                "error: {name} is balance results format {}; this build reads format {JSON_FORMAT}",
                results.format
            );
            return ExitCode::FAILURE;
        }
        for p in &results.runs {
            let seeds = seen.entry(p.policy.clone()).or_default();
            for r in &p.results {
                if let Some(other) = seeds.insert(r.seed, name.clone()) {
                    eprintln!(
                        "error: seed {} of {} is in both {other} and {name}: the shares of a sweep must not overlap",
                        r.seed,
                        terminal_safe(&p.policy)
                    );
                    return ExitCode::FAILURE;
                }
            }
        }
        match &mut merged {
            None => merged = Some(results),
            Some(m) => {
                if m.scenario_sha256 != results.scenario_sha256 {
                    eprintln!(
                        "error: {name} is a sweep of another scenario (or another version of it) than {}",
                        terminal_safe(&args.merge[0].display().to_string())
                    );
                    return ExitCode::FAILURE;
                }
                for p in results.runs {
                    match m.runs.iter_mut().find(|x| x.policy == p.policy) {
                        Some(x) => x.results.extend(p.results),
                        None => m.runs.push(p),
                    }
                }
            }
        }
    }
    let Some(mut m) = merged else { return ExitCode::from(EXIT_USAGE) };
    for p in &mut m.runs {
        p.results.sort_by_key(|r| r.seed);
    }
    let per_policy: Vec<usize> = m.runs.iter().map(|p| p.results.len()).collect();
    let counts = if per_policy.windows(2).all(|w| w[0] == w[1]) {
        format!("{} seeded drills per policy", per_policy.first().copied().unwrap_or(0))
    } else {
        let each: Vec<String> =
            m.runs.iter().map(|p| format!("{} {}", p.policy, p.results.len())).collect();
        format!("seeded drills: {}", each.join(", "))
    };
    let how = format!("{counts}, merged from {} files", args.merge.len());
    show(args.json, &m.scenario, &m.title, &m.scenario_sha256, &how, m.runs)
}

/// Prints the spread and the verdict of every policy's runs, as a table or as JSON.
fn show(
    json: bool,
    id: &str,
    title: &str,
    sha: &str,
    how: &str,
    runs: Vec<PolicyRuns>,
) -> ExitCode {
    let rows: Vec<Row> = runs
        .iter()
        .map(|p| {
            let of = |f: &dyn Fn(&RunResult) -> f64| {
                spread(&p.results.iter().map(f).collect::<Vec<_>>())
            };
            Row {
                policy: p.policy.clone(),
                score: of(&|r| r.score),
                cost: of(&|r| r.cost as f64),
                exfiltrated_gb: of(&|r| r.exfiltrated_gb),
                data_lost_minutes: of(&|r| r.data_lost as f64),
                systems_down: of(&|r| r.systems_down as f64),
                eviction: Eviction::of(&p.results),
            }
        })
        .collect();
    let verdict = verdict(&rows);
    if json {
        let json = serde_json::json!({
            "format": JSON_FORMAT,
            "scenario": id,
            "title": title,
            "scenario_sha256": sha,
            "policies": rows,
            "verdict": verdict,
            "runs": runs,
        });
        match serde_json::to_string_pretty(&json) {
            Ok(t) => println!("{}", json_safe(&t)),
            Err(e) => eprintln!("error: {e}"),
        }
        return ExitCode::SUCCESS;
    }
    let mut out = String::new();
    use std::fmt::Write as _;
    let _ = writeln!(out, "{title} — {how}");
    let _ = writeln!(out);
    let attacker = rows.iter().any(|r| r.eviction.is_some());
    let _ = write!(
        out,
        "{:<16} {:>23}  {:>27}  {:>10}  {:>10}  {:>6}",
        "policy", "score mean p10 p50 p90", "cost mean (p10–p90)", "exfil GB", "data lost", "down"
    );
    let _ = writeln!(out, "{}", if attacker { "  evicted  score if evicted / not" } else { "" });
    for r in &rows {
        let _ = write!(
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
        let score = |s: Option<f64>| s.map_or("–".to_owned(), |s| format!("{s:.0}"));
        let _ = match &r.eviction {
            Some(e) => writeln!(
                out,
                "  {:>7}  {:>8} / {}",
                format!("{}/{}", e.evicted, e.runs),
                score(e.score_evicted),
                score(e.score_present)
            ),
            None => writeln!(out),
        };
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
