//! `tabletop check FILE...`: validate scenarios and report every problem at once.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;
use tabletop_engine::playbook;
use tabletop_engine::scenario::{self, Diagnostic, Diagnostics, MAX_SCENARIO_BYTES, Severity};

use super::{EXIT_PROBLEMS, render};
use crate::safe_text::{json_safe, terminal_safe};

/// Arguments of `tabletop check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario or playbook files to check (or the names of bundled scenarios).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Print the diagnostics as JSON on standard output, for tools.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: &'a str,
    valid: bool,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
}

/// Runs the check: exit 0 when every file is valid, 1 when any has an error.
pub fn run(args: &Args) -> ExitCode {
    let results: Vec<Checked> = args
        .files
        .iter()
        .map(|f| match crate::bundled::find(&f.to_string_lossy()) {
            Some(b) if !f.exists() => Checked::of(scenario::check_bytes(b.file, b.text.as_bytes())),
            _ => check_path(f),
        })
        .collect();
    let failed = results.iter().filter(|r| r.diagnostics.has_errors()).count();
    if args.json {
        let files: Vec<JsonFile> = results
            .iter()
            .map(|r| JsonFile {
                file: &r.diagnostics.file,
                valid: !r.diagnostics.has_errors(),
                errors: r.diagnostics.error_count(),
                warnings: r.diagnostics.warning_count(),
                diagnostics: &r.diagnostics.items,
            })
            .collect();
        match serde_json::to_string_pretty(&serde_json::json!({ "files": files })) {
            Ok(text) => println!("{}", json_safe(&text)),
            Err(e) => eprintln!("error: cannot write JSON: {e}"),
        }
    } else {
        for r in &results {
            render::eprint(&r.diagnostics);
            let d = &r.diagnostics;
            // File names can come from a glob; a crafted one must not drive the terminal.
            let file = terminal_safe(&d.file);
            match (d.error_count(), d.warning_count()) {
                (0, 0) => println!("{file}: ok"),
                (0, w) => println!("{file}: ok, {w} warning{}", plural(w)),
                (e, w) => println!("{file}: {e} error{}, {w} warning{}", plural(e), plural(w)),
            }
        }
    }
    if failed > 0 { ExitCode::from(EXIT_PROBLEMS) } else { ExitCode::SUCCESS }
}

/// What checking one file found.
struct Checked {
    diagnostics: Diagnostics,
}

impl Checked {
    fn of(c: scenario::Checked) -> Self {
        Checked { diagnostics: c.diagnostics }
    }
}

/// A scenario file, or a playbook checked against the scenario it names (bundled, or a
/// file of that name beside the playbook or one folder up, as `scenarios/playbooks/` sits).
fn check_path(path: &Path) -> Checked {
    let bytes = std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file() && m.len() <= MAX_SCENARIO_BYTES as u64)
        .and_then(|_| std::fs::read(path).ok());
    let Some(named) = bytes.as_deref().and_then(playbook::names_scenario) else {
        return Checked::of(scenario::check_file(path));
    };
    let name = path.display().to_string();
    let source = String::from_utf8_lossy(bytes.as_deref().unwrap_or_default()).into_owned();
    let problem = |message: String, help: &str| Checked {
        diagnostics: Diagnostics {
            file: name.clone(),
            source: source.clone(),
            items: vec![Diagnostic {
                severity: Severity::Error,
                code: "playbook",
                message,
                location: None,
                help: Some(help.to_owned()),
            }],
        },
    };
    let Some(id) = named else {
        return problem(
            "this playbook does not say which scenario it plays".into(),
            "start it with Playbook(format: 1, scenario: \"<scenario id>\", steps: [...])",
        );
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let beside = [dir.join(format!("{id}.ron")), dir.join("..").join(format!("{id}.ron"))];
    // Not the playbook itself, which may bear the scenario's name; a file there that is no
    // valid scenario leaves the bundled one.
    let scenario = beside
        .iter()
        .filter(|p| p.is_file() && *p != path)
        .find_map(|p| scenario::check_file(p).scenario)
        .or_else(|| {
            crate::bundled::find(&id)
                .and_then(|b| scenario::check_bytes(b.file, b.text.as_bytes()).scenario)
        });
    let Some(scenario) = scenario else {
        return problem(
            format!(
                "this playbook plays scenario `{id}`, which is neither bundled nor a valid `{id}.ron` beside it"
            ),
            "check the scenario itself first, or put the playbook next to it",
        );
    };
    let diagnostics =
        match playbook::load_playbook(&name, bytes.as_deref().unwrap_or_default(), &scenario) {
            Ok(_) => Diagnostics { file: name, source, items: Vec::new() },
            Err(d) => d,
        };
    Checked { diagnostics }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
