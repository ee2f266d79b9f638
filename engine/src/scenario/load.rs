//! Reading a scenario from untrusted bytes: size and nesting bounds, UTF-8, RON syntax and
//! types, then semantic validation. Every failure becomes a located diagnostic.

use std::io::Read;
use std::path::Path;

use ron::error::{Error as RonError, SpannedError};

use super::diagnostic::{
    Diagnostic, Diagnostics, Location, Severity, line_col, locate_span, offset_of,
};
use super::{Scenario, validate};

/// Largest scenario file accepted, in bytes. The largest bundled scenario is far smaller;
/// the bound keeps a wrong file (a disk image, a log) from exhausting memory.
pub const MAX_SCENARIO_BYTES: usize = 4 * 1024 * 1024;

/// Deepest nesting of brackets accepted. Scenarios need about a dozen levels.
pub const MAX_NESTING: usize = 64;

/// The result of checking one file: the scenario when it has no errors, and every problem.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The scenario, when there were no errors (warnings allowed).
    pub scenario: Option<Scenario>,
    /// Every error and warning found.
    pub diagnostics: Diagnostics,
}

/// Reads and checks a scenario file. Directories, unreadable and oversized files become
/// diagnostics like any other problem.
pub fn check_file(path: &Path) -> Checked {
    let name = path.display().to_string();
    match read_bounded(path) {
        Ok(bytes) => check_bytes(&name, &bytes),
        Err(message) => Checked {
            scenario: None,
            diagnostics: Diagnostics {
                file: name,
                source: String::new(),
                items: vec![Diagnostic {
                    severity: Severity::Error,
                    code: "unreadable",
                    message,
                    location: None,
                    help: None,
                }],
            },
        },
    }
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read the file: {e}"))?;
    if meta.is_dir() {
        return Err("this is a directory, not a scenario file".to_owned());
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_SCENARIO_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    Ok(bytes)
}

/// Checks scenario text given as bytes; `name` is used in diagnostics.
pub fn check_bytes(name: &str, bytes: &[u8]) -> Checked {
    let what = RonFile {
        kind: "scenario",
        start: "Scenario(format: 1, meta: (...), ...)",
        doc: "docs/scenario-format.md",
    };
    match parse_ron::<Scenario>(name, bytes, &what) {
        Ok((scenario, text)) => {
            let items = validate::validate(&scenario, &text);
            let diagnostics = Diagnostics { file: name.to_owned(), source: text, items };
            Checked { scenario: (!diagnostics.has_errors()).then_some(scenario), diagnostics }
        }
        Err(diagnostics) => Checked { scenario: None, diagnostics },
    }
}

/// What kind of RON file is being read, for the wording of diagnostics.
pub(crate) struct RonFile {
    /// `scenario`, `playbook`.
    pub kind: &'static str,
    /// How such a file starts.
    pub start: &'static str,
    /// Where its format is documented.
    pub doc: &'static str,
}

/// Parses untrusted bytes as RON of type `T`, within the size and nesting bounds. On
/// success returns the value and the text; otherwise one located diagnostic.
pub(crate) fn parse_ron<T: serde::de::DeserializeOwned>(
    name: &str,
    bytes: &[u8],
    what: &RonFile,
) -> Result<(T, String), Diagnostics> {
    let fail = |source: String, diagnostic: Diagnostic| Diagnostics {
        file: name.to_owned(),
        source,
        items: vec![diagnostic],
    };
    if bytes.len() > MAX_SCENARIO_BYTES {
        return Err(fail(
            String::new(),
            error(
                "too-large",
                format!(
                    "the file is larger than {} MiB, the most a {} may be",
                    MAX_SCENARIO_BYTES / (1024 * 1024),
                    what.kind
                ),
                None,
                Some(format!(
                    "is this the right file? A {} is RON text of a few hundred kilobytes at most",
                    what.kind
                )),
            ),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let source = String::from_utf8_lossy(bytes).into_owned();
            let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).len();
            let (line, column) = line_col(&source, valid);
            let location = Location { line, column, span: valid..valid + 1 };
            return Err(fail(
                source,
                error(
                    "not-utf8",
                    "the file is not UTF-8 text (is it a binary file?)".into(),
                    Some(location),
                    Some(format!("save the {} as UTF-8", what.kind)),
                ),
            ));
        }
    };
    if text.trim().is_empty() {
        return Err(fail(
            text.to_owned(),
            error(
                "empty",
                "the file is empty".into(),
                Some(Location { line: 1, column: 1, span: 0..0 }),
                Some(format!("a {} starts with `{}`; see {}", what.kind, what.start, what.doc)),
            ),
        ));
    }
    // Implicit `Some` lets authors write `replication: (site: ...)` as well as `Some((...))`.
    let options = ron::Options::default()
        .with_recursion_limit(MAX_NESTING)
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    match options.from_str::<T>(text) {
        Ok(value) => Ok((value, text.to_owned())),
        Err(e) => Err(fail(text.to_owned(), syntax_error(text, &e))),
    }
}

fn error(
    code: &'static str,
    message: String,
    location: Option<Location>,
    help: Option<String>,
) -> Diagnostic {
    Diagnostic { severity: Severity::Error, code, message, location, help }
}

fn syntax_error(text: &str, e: &SpannedError) -> Diagnostic {
    let start = offset_of(text, e.span.start.line, e.span.start.col);
    let end = offset_of(text, e.span.end.line, e.span.end.col).max(start);
    let mut location = locate_span(text, start..end);
    if location.span.is_empty() && start < text.len() {
        let next = text[start..].chars().next().map_or(1, char::len_utf8);
        location.span = start..start + next;
    }
    let (code, message, mut help) = describe(&e.code);
    // A file cut short often fails on its last, partial word: say so rather than let the
    // author hunt for a typo.
    let rest = text.get(start..).unwrap_or_default().trim();
    if code != "truncated" && rest.chars().all(|c| c.is_alphanumeric() || c == '_') {
        help = Some("the file ends here: is it truncated?".into());
    }
    error(code, message, Some(location), help)
}

fn describe(e: &RonError) -> (&'static str, String, Option<String>) {
    match e {
        RonError::NoSuchStructField { expected, found, outer } => (
            "unknown-field",
            format!("unknown field `{found}`{}", inside(outer)),
            Some(suggest(found, expected)),
        ),
        RonError::MissingStructField { field, outer } => (
            "missing-field",
            format!("missing field `{field}`{}", inside(outer)),
            Some(format!("add `{field}: ...`; see docs/scenario-format.md for what it holds")),
        ),
        RonError::DuplicateStructField { field, outer } => (
            "duplicate-field",
            format!("field `{field}` is given twice{}", inside(outer)),
            Some("keep one of them".into()),
        ),
        RonError::NoSuchEnumVariant { expected, found, outer } => (
            "unknown-variant",
            format!("`{found}` is not a known value{}", inside(outer)),
            Some(suggest(found, expected)),
        ),
        RonError::ExceededRecursionLimit => (
            "too-deep",
            format!("nesting is deeper than {MAX_NESTING} levels"),
            Some(
                "scenarios need about a dozen levels; look for unclosed or runaway brackets".into(),
            ),
        ),
        RonError::Eof => (
            "truncated",
            "the file ends in the middle of a value (is it truncated?)".into(),
            Some("close every `(`, `[` and `\"` that was opened".into()),
        ),
        RonError::TrailingCharacters => (
            "trailing",
            "unexpected text after the end of the scenario".into(),
            Some("the whole file must be one `Scenario(...)` value".into()),
        ),
        other => ("syntax", sentence_case(&other.to_string()), None),
    }
}

fn inside(outer: &Option<String>) -> String {
    outer.as_ref().map(|o| format!(" in `{o}`")).unwrap_or_default()
}

fn suggest(found: &str, expected: &[&str]) -> String {
    match super::validate::closest(found, expected.iter().copied()) {
        Some(best) => format!("did you mean `{best}`? expected one of {}", list(expected)),
        None => format!("expected one of {}", list(expected)),
    }
}

fn list(items: &[&str]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

fn sentence_case(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
