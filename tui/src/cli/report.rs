//! `tabletop report LOG`: the after-action report of a drill log, as Markdown (people),
//! JSON (tools) or one self-contained HTML page; an ATT&CK Navigator layer of the
//! techniques used; two drills of the same scenario compared; or progress across drills.

mod aar;
mod compare;
mod document;
mod history;
mod html;
mod markdown;
#[cfg(test)]
mod tests;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tabletop_engine::log::ReadLog;
use tabletop_engine::score::{self, Options, Report, ScoreError};

use super::{EXIT_PROBLEMS, EXIT_USAGE, logread, render};
use crate::safe_text::{json_safe, terminal_safe};

/// Arguments of `tabletop report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The drill log to report on (with `--history`, the logs to follow, oldest first).
    #[arg(value_name = "LOG", required = true)]
    logs: Vec<PathBuf>,
    /// Progress across drills: each team's score, each capability's rating and the key
    /// metrics, drill by drill, for logs of one scenario or of scenarios sharing capabilities.
    #[arg(long, conflicts_with_all = ["compare", "navigator"])]
    history: bool,
    /// Output format: Markdown for people, JSON for tools, HTML for a browser.
    #[arg(long, value_enum, default_value_t = Format::Md)]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also write an ATT&CK Navigator layer (JSON) of the techniques used to this file.
    #[arg(long, value_name = "FILE")]
    navigator: Option<PathBuf>,
    /// Compare with another drill of the same scenario (the deltas are LOG minus this one).
    #[arg(long, value_name = "LOG")]
    compare: Option<PathBuf>,
    /// Set the organisation's own response plan, written as a playbook (a file, or a bundled
    /// scenario's name for its reference playbook), beside the drill: each step done on
    /// time, late, differently or not at all, and what not following it cost.
    #[arg(long, value_name = "PLAYBOOK", conflicts_with = "compare")]
    plan: Option<PathBuf>,
    /// Time the recovery of systems costing at least this much per hour down
    /// (default: a tenth of the estate's most critical system).
    #[arg(long, value_name = "AMOUNT")]
    critical_from: Option<u64>,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Markdown.
    Md,
    /// JSON (documented in docs/report-format.md).
    Json,
    /// One self-contained HTML page with a timeline chart.
    Html,
}

/// A failure already reported on standard error; the exit code to use.
struct Failed(u8);

/// Runs the report.
pub fn run(args: &Args) -> ExitCode {
    match report(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failed(code)) => ExitCode::from(code),
    }
}

fn report(args: &Args) -> Result<(), Failed> {
    let options = Options { critical_from: args.critical_from };
    for out in [&args.output, &args.navigator].into_iter().flatten() {
        let inputs = args.logs.iter().chain(&args.compare);
        if inputs.into_iter().any(|log| same_file(log, out)) {
            eprintln!(
                "error: {} is a drill log given as input; a report never overwrites a log",
                out.display()
            );
            return Err(Failed(EXIT_USAGE));
        }
    }
    if args.history {
        return history_of(args, &options);
    }
    let [log] = args.logs.as_slice() else {
        eprintln!(
            "error: one drill log at a time; `--history` follows several, `--compare` sets two \
             side by side"
        );
        return Err(Failed(EXIT_USAGE));
    };
    let (read, mut report) = load_read(log, &options)?;
    if let Some(path) = &args.plan {
        let scenario = tabletop_engine::scenario::check_bytes(
            &read.header.scenario_name,
            read.header.scenario.as_bytes(),
        )
        .scenario
        .map(std::sync::Arc::new)
        .ok_or(Failed(EXIT_PROBLEMS))?;
        let playbook = super::load::playbook(path, &scenario).map_err(|f| Failed(f.0))?;
        report.plan_adherence =
            Some(tabletop_engine::adherence::adherence(&read, &scenario, &playbook));
    }
    if let Some(path) = &args.navigator {
        let layer = score::navigator_layer(&report);
        write_out(Some(path), &json(&layer)?)?;
    }
    let cmp = match &args.compare {
        Some(other) => {
            let baseline = load(other, &options)?;
            let mut cmp = score::compare(&report, &baseline).map_err(|e| {
                // The reason can quote either log's scenario.
                eprintln!(
                    "error: cannot compare {} with {}: {}",
                    log.display(),
                    other.display(),
                    terminal_safe(&e.to_string())
                );
                Failed(EXIT_PROBLEMS)
            })?;
            cmp.a.label = label(log);
            cmp.b.label = label(other);
            Some(cmp)
        }
        None => None,
    };
    // JSON is the report model itself; the formats for people emit one document of it.
    let document = || match &cmp {
        Some(cmp) => compare::comparison(cmp),
        None => aar::report(&report),
    };
    let text = match (args.format, &cmp) {
        (Format::Json, Some(cmp)) => json(cmp)?,
        (Format::Json, None) => json(&report)?,
        // Markdown escapes every run already; this is the second line of defence, since the
        // report is read with `cat`.
        (Format::Md, _) => terminal_safe(&markdown::emit(&document())).into_owned(),
        (Format::Html, _) => html::emit(&document()),
    };
    write_out(args.output.as_deref(), &text)
}

/// `--history`: every log scored, then followed drill by drill.
fn history_of(args: &Args, options: &Options) -> Result<(), Failed> {
    let mut reports = Vec::new();
    for log in &args.logs {
        reports.push((label(log), load(log, options)?));
    }
    let h = score::history(&reports).map_err(|e| {
        // The reason can quote a log's file name.
        eprintln!("error: {}", terminal_safe(&e.to_string()));
        Failed(EXIT_USAGE)
    })?;
    let text = match args.format {
        Format::Json => json(&h)?,
        Format::Md => terminal_safe(&markdown::emit(&history::history(&h))).into_owned(),
        Format::Html => html::emit(&history::history(&h)),
    };
    write_out(args.output.as_deref(), &text)
}

fn label(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Pretty JSON with C1 controls escaped, as serde_json leaves them raw (see [`json_safe`]).
fn json<T: serde::Serialize>(value: &T) -> Result<String, Failed> {
    serde_json::to_string_pretty(value)
        .map(|s| {
            let mut s = json_safe(&s).into_owned();
            s.push('\n');
            s
        })
        .map_err(|e| {
            eprintln!("error: cannot write JSON: {e}");
            Failed(EXIT_PROBLEMS)
        })
}

fn write_out(path: Option<&Path>, text: &str) -> Result<(), Failed> {
    let result = match path {
        Some(p) => {
            std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write the report: {e}"))
        }
    };
    result.map_err(|e| {
        eprintln!("error: {e}");
        Failed(EXIT_PROBLEMS)
    })
}

/// Reads, checks and scores a log, reporting every problem on standard error.
fn load(path: &Path, options: &Options) -> Result<Report, Failed> {
    load_read(path, options).map(|(_, report)| report)
}

/// Reads and scores a log, keeping the log.
fn load_read(path: &Path, options: &Options) -> Result<(ReadLog, Report), Failed> {
    let Some((log, _)) = logread::read(path) else {
        return Err(Failed(EXIT_PROBLEMS));
    };
    // Log names can come from a glob; a crafted file name must not drive the terminal either.
    let name = terminal_safe(&path.display().to_string()).into_owned();
    let report = score::score(&log, options).map_err(|e| {
        match &e {
            ScoreError::Scenario(d) => render::eprint(d),
        }
        // The error can quote the log's scenario.
        eprintln!("{name}: error: {}", terminal_safe(&e.to_string()));
        Failed(EXIT_PROBLEMS)
    })?;
    if report.partial {
        eprintln!(
            "{name}: warning: the report is partial: {}",
            terminal_safe(&report.partial_reasons.join("; "))
        );
    }
    Ok((log, report))
}
