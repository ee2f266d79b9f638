//! Renders engine diagnostics for people (source line and caret, colour on a terminal unless
//! NO_COLOR is set) and for tools (JSON).

use std::io::{IsTerminal, Write};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};
use tabletop_engine::scenario::{Diagnostics, Severity};

use crate::safe_text::{terminal_safe, terminal_safe_same_len};

/// Whether standard error should be coloured.
fn stderr_colour() -> termcolor::ColorChoice {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if !no_color && std::io::stderr().is_terminal() {
        termcolor::ColorChoice::Auto
    } else {
        termcolor::ColorChoice::Never
    }
}

/// Renders one file's diagnostics as text with source excerpts.
///
/// The scenario's text, the file name and the messages (which quote ids and values from the
/// scenario) are made terminal-safe first: a quoted source line must not be able to clear the
/// screen. The source keeps its byte length so the diagnostics' spans still point at it.
pub fn to_text(diags: &Diagnostics, colour: bool) -> String {
    let name = terminal_safe(&diags.file);
    let file = SimpleFile::new(name.as_ref(), terminal_safe_same_len(&diags.source));
    let config = term::Config::default();
    let mut buffer = if colour { termcolor::Buffer::ansi() } else { termcolor::Buffer::no_color() };
    for d in &diags.items {
        let report = match d.severity {
            Severity::Error => Report::error(),
            Severity::Warning => Report::warning(),
        }
        .with_code(d.code)
        .with_message(terminal_safe(&d.message));
        let report = match &d.location {
            Some(l) => report.with_labels(vec![Label::primary((), l.span.clone())]),
            None => report.with_notes(vec![format!("in {name}")]),
        };
        let report = match &d.help {
            Some(help) => report.with_notes(vec![format!("help: {}", terminal_safe(help))]),
            None => report,
        };
        if term::emit_to_write_style(&mut buffer, &config, &file, &report).is_err() {
            let _ = writeln!(buffer, "{name}: {}", terminal_safe(&d.message));
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// Writes diagnostics to standard error for a person.
pub fn eprint(diags: &Diagnostics) {
    let colour = stderr_colour() != termcolor::ColorChoice::Never;
    eprint!("{}", to_text(diags, colour));
}
