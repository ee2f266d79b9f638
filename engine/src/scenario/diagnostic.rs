//! Located problems found in a scenario, with enough to render them for a person or a tool.

use serde::Serialize;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Legal but suspicious; does not fail `check`.
    Warning,
    /// The scenario cannot be used.
    Error,
}

/// Where in the source a problem is: a byte span and its 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte range in the source.
    pub span: std::ops::Range<usize>,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short stable code tools can match (`unknown-id`, `dependency-cycle`).
    pub code: &'static str,
    /// What is wrong, in the scenario author's words.
    pub message: String,
    /// Where, when it can be told.
    pub location: Option<Location>,
    /// What to do about it (`did you mean \`db01\`?`).
    pub help: Option<String>,
}

/// Every problem found in one file, with the source they point into.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostics {
    /// The file name as the user gave it.
    pub file: String,
    /// The source text (invalid UTF-8 replaced), for rendering source lines.
    #[serde(skip)]
    pub source: String,
    /// The problems, in source order.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }
}

impl std::fmt::Display for Diagnostics {
    /// Plain `file:line:col: severity: message` lines, for logs and tests.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for d in &self.items {
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            match &d.location {
                Some(l) => write!(f, "{}:{}:{}: ", self.file, l.line, l.column)?,
                None => write!(f, "{}: ", self.file)?,
            }
            write!(f, "{severity}: {}", d.message)?;
            if let Some(help) = &d.help {
                write!(f, " ({help})")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// Turns a byte offset into a 1-based line and character column.
pub(crate) fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// Turns a 1-based line and character column into a byte offset.
pub(crate) fn offset_of(source: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, text) in source.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let within = text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(text.trim_end_matches('\n').len(), |(b, _)| b);
            return offset + within;
        }
        offset += text.len();
    }
    source.len()
}

/// Builds a location from a byte span.
pub(crate) fn locate_span(source: &str, span: std::ops::Range<usize>) -> Location {
    let (line, column) = line_col(source, span.start);
    Location { line, column, span }
}
