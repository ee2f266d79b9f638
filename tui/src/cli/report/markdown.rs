//! The report document as Markdown: headings, paragraphs, pipe tables, lists and block
//! quotes, with every run of scenario or log text escaped so that it stays text.

use super::document::{Block, Document, Inline, Line, List, Table, Tone, phase_word};
use crate::safe_text::terminal_safe;

/// The document as Markdown: one block after another, a blank line between.
pub fn emit(doc: &Document) -> String {
    let mut blocks = vec![format!("# {}: {}", doc.kind, md_escape(&doc.subject))];
    blocks.extend(doc.about.iter().map(|l| line(l, Place::Prose)));
    blocks.extend(doc.preamble.iter().map(block));
    for s in &doc.sections {
        blocks.push(format!("## {}", s.heading()));
        blocks.extend(s.blocks.iter().map(block));
    }
    blocks.retain(|b| !b.is_empty());
    let mut out = blocks.join("\n\n");
    out.push('\n');
    out
}

/// Where a run lands: a phase reads `[detect]` in prose and `detect` in a table's phase
/// column.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Prose,
    Cell,
}

fn block(b: &Block) -> String {
    match b {
        Block::Subheading(s) => format!("### {s}"),
        Block::Paragraph(l) | Block::Remark(l) => line(l, Place::Prose),
        Block::Warning(l) => format!("> {}", line(l, Place::Prose)),
        Block::List(l) => list(l),
        Block::Quote(paragraphs) => paragraphs
            .iter()
            .map(|p| format!("> {}", md_escape(p)))
            .collect::<Vec<_>>()
            .join("\n>\n"),
        Block::Table(t) => table(t),
        Block::Figures(figures) if figures.is_empty() => String::new(),
        // A table of one row: the labels over their values, as the page's cards read.
        Block::Figures(figures) => {
            let labels: Vec<String> = figures.iter().map(|f| md_escape(&f.label)).collect();
            let values: Vec<String> = figures.iter().map(|f| md_escape(&f.value)).collect();
            [row(&labels), format!("|{}", "---|".repeat(figures.len())), row(&values)].join("\n")
        }
        // Markdown cannot draw it; say where it is drawn.
        Block::Chart(_) => {
            "The HTML report (`--format html`) draws this timeline as a chart.".to_owned()
        }
        Block::Trends(_) => {
            "The HTML report (`--format html`) draws these scores as a chart.".to_owned()
        }
    }
}

fn list(l: &List) -> String {
    let items = l.items.iter().enumerate().map(|(i, item)| {
        let text = line(item, Place::Prose);
        if l.ordered { format!("{}. {text}", i + 1) } else { format!("- {text}") }
    });
    items.collect::<Vec<_>>().join("\n")
}

fn table(t: &Table) -> String {
    let mut lines =
        vec![format!("| {} |", t.head.join(" | ")), format!("|{}", "---|".repeat(t.head.len()))];
    for r in &t.rows {
        let cells: Vec<String> = r.iter().map(|c| line(c, Place::Cell)).collect();
        lines.push(row(&cells));
    }
    lines.join("\n")
}

/// A table row of rendered cells; a line break would end the row early.
fn row(cells: &[String]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| c.replace(['\n', '\r'], " ")).collect();
    format!("| {} |", cells.join(" | "))
}

fn line(l: &Line, place: Place) -> String {
    l.iter().map(|run| inline(run, place)).collect()
}

fn inline(run: &Inline, place: Place) -> String {
    match run {
        Inline::Text(s) => md_escape(s),
        Inline::Code(s) => code(s),
        Inline::Strong(s) | Inline::Status(Tone::Bad, s) => strong(s),
        Inline::Status(_, s) => md_escape(s),
        Inline::Phase(p) if place == Place::Prose => format!("[{}]", phase_word(*p)),
        Inline::Phase(p) => phase_word(*p).to_owned(),
        Inline::Rating(r) => format!("**{r:?}**"),
    }
}

/// Escaped text in bold; nothing for no text, since `****` alone is a thematic break.
fn strong(s: &str) -> String {
    if s.is_empty() { String::new() } else { format!("**{}**", md_escape(s)) }
}

/// Scenario or log text made inert for Markdown: it reads the same once rendered, but cannot
/// open a heading, list, quote, code block, table, link, image, emphasis or raw HTML, and
/// carries no terminal control characters (the report is often read with `cat`).
///
/// Line breaks become spaces, so the text stays inside the line (list item, table cell,
/// heading) it was placed in; the start of the text is treated as a line start, since that is
/// where most of it lands (`- {text}`). Backslash escapes are used where CommonMark allows
/// them; `<` and `>` become `&lt;` and `&gt;` so no tag survives even a renderer that
/// ignores escapes; `_` between two letters is left alone because it cannot open emphasis
/// there, which keeps action names like `collect_evidence` readable.
pub fn md_escape(s: &str) -> String {
    let safe = terminal_safe(s);
    let chars: Vec<char> = safe.chars().filter(|&c| c != '\r').collect();
    let mut out = String::with_capacity(safe.len() + 8);
    let lead = chars.iter().take_while(|c| matches!(c, ' ' | '\t')).count();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        match c {
            '\n' => out.push(' '),
            '\\' | '`' | '*' | '~' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '_' if !(prev.is_some_and(char::is_alphanumeric)
                && next.is_some_and(char::is_alphanumeric)) =>
            {
                out.push_str("\\_");
            }
            // `](` is where a link destination starts; `]` is escaped too, this is for
            // renderers and readers that look for the pair.
            '(' if prev == Some(']') => out.push_str("\\("),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' if starts_entity(&chars[i + 1..]) => out.push_str("&amp;"),
            // A heading at the start.
            '#' if i == lead => out.push_str("\\#"),
            // A list item (`- x`), thematic break (`---`) or setext underline (`===`) at the
            // start; `-5` or `+1` cannot be one and stays readable.
            '-' | '+' | '='
                if i == lead && next.is_none_or(|n| n == c || n == ' ' || n == '\t') =>
            {
                out.push('\\');
                out.push(c);
            }
            // An ordered list item (`1. x`, `1) x`) at the start; `0.1.0` cannot be one.
            '.' | ')'
                if i > lead
                    && chars[lead..i].iter().all(char::is_ascii_digit)
                    && next.is_none_or(|n| n == ' ' || n == '\t') =>
            {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether the text after an `&` reads as a character reference (`&lt;`, `&#60;`).
fn starts_entity(rest: &[char]) -> bool {
    let name = rest.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '#').count();
    name > 0 && rest.get(name) == Some(&';')
}

/// Scenario or log text as inline code (`` `id` ``) when it can be one safely, else as
/// escaped text: a backtick would end the span early and a `|` would split a table cell.
fn code(s: &str) -> String {
    let plain = s.chars().all(|c| !c.is_control() && !matches!(c, '`' | '|'));
    if plain && !s.is_empty() && !s.starts_with(' ') && !s.ends_with(' ') {
        format!("`{s}`")
    } else {
        md_escape(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_is_left_readable() {
        for s in [
            "Security (SOC) started collect_evidence ws-it01",
            "USD 4,450 (downtime USD 4,450, one-off USD 0)",
            "0.1.0",
            "-5 systems",
            "request #4 & R&D, 40% of orders",
        ] {
            assert_eq!(md_escape(s), s);
        }
    }

    #[test]
    fn block_markers_at_the_start_are_neutralised() {
        assert_eq!(md_escape("# heading"), "\\# heading");
        assert_eq!(md_escape("  ## heading"), "  \\## heading");
        assert_eq!(md_escape("- item"), "\\- item");
        assert_eq!(md_escape("+ item"), "\\+ item");
        assert_eq!(md_escape("---"), "\\---");
        assert_eq!(md_escape("==="), "\\===");
        assert_eq!(md_escape("12. item"), "12\\. item");
        assert_eq!(md_escape("3) item"), "3\\) item");
        assert_eq!(md_escape("> quote"), "&gt; quote");
    }

    #[test]
    fn inline_syntax_is_escaped() {
        assert_eq!(md_escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(md_escape("[x](javascript:alert(1))"), "\\[x\\]\\(javascript:alert(1))");
        assert_eq!(md_escape("![i](http://x/y.png)"), "!\\[i\\]\\(http://x/y.png)");
        assert_eq!(md_escape("```rust"), "\\`\\`\\`rust");
        assert_eq!(md_escape("~~~"), "\\~\\~\\~");
        assert_eq!(md_escape("a | b"), "a \\| b");
        assert_eq!(md_escape("*bold* _em_ __x__"), "\\*bold\\* \\_em\\_ \\_\\_x\\_\\_");
        assert_eq!(md_escape("back\\slash"), "back\\\\slash");
        assert_eq!(md_escape("&lt;b&gt; &#60;"), "&amp;lt;b&amp;gt; &amp;#60;");
    }

    #[test]
    fn line_breaks_stay_inside_the_line() {
        assert_eq!(md_escape("one\n# two\r\n- three"), "one # two - three");
    }

    #[test]
    fn terminal_controls_are_made_visible() {
        let e = md_escape("a\x1b]52;c;AAAA\x07b\u{9b}2J");
        assert!(!e.chars().any(char::is_control), "{e:?}");
        assert!(e.starts_with("a^\\[\\]52;c;AAAA^Gb"), "{e:?}");
    }

    #[test]
    fn code_spans_only_when_they_cannot_break_out() {
        assert_eq!(code("ransomware.ron"), "`ransomware.ron`");
        assert_eq!(code("a`b"), "a\\`b");
        assert_eq!(code("a|b"), "a\\|b");
        assert_eq!(code(""), "");
    }
}
