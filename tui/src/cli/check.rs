//! `tabletop check FILE...`: validate scenarios and report every problem at once.

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;
use tabletop_engine::scenario::{self, Diagnostic};

use super::{EXIT_PROBLEMS, render};
use crate::safe_text::{json_safe, terminal_safe};

/// Arguments of `tabletop check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario files to check (or the names of bundled scenarios).
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
    let results: Vec<_> = args
        .files
        .iter()
        .map(|f| match crate::bundled::find(&f.to_string_lossy()) {
            Some(b) if !f.exists() => scenario::check_bytes(b.file, b.text.as_bytes()),
            _ => scenario::check_file(f),
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

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
