//! The report document as one self-contained HTML page: inline CSS, the timeline chart as
//! inline SVG; no script, no network, no external asset. Every run of text is escaped.

mod chart;

use std::fmt::Write;

use super::document::{Block, Document, Inline, Line, List, Table, Tone, phase_word};

/// Escapes text for HTML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #f5f7fa; --card: #fff;
  --detect: #2f6fdf; --respond: #d97706; --recover: #0f9d6b; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1340px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 2px; }
h2 { font-size: 19px; margin: 0 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 8px; }
.sub { font-size: 17px; margin: 0 0 4px; }
.meta { color: var(--muted); margin: 0; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 18px 20px; margin: 18px 0; }
.partial { background: #fff4e5; border: 1px solid #f0b429; border-radius: 8px; padding: 12px 16px;
  margin: 16px 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px;
  min-width: 150px; flex: 1; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .v { font-size: 19px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { background: #eef2f7; font-weight: 600; font-size: 13px; }
td.num { text-align: right; white-space: nowrap; }
td.t { white-space: nowrap; font-variant-numeric: tabular-nums; }
.tag { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; color: #fff; }
.tag.detect { background: var(--detect); } .tag.respond { background: var(--respond); }
.tag.recover { background: var(--recover); }
.res { font-weight: 600; } .res.good { color: #0f7b53; } .res.bad { color: #c0392b; }
.res.unsettled { color: #946200; }
.rating { display: inline-block; width: 26px; text-align: center; border-radius: 4px; color: #fff;
  font-weight: 700; }
.rating.P { background: #0f9d6b; } .rating.S { background: #7cb342; } .rating.M { background: #f0a202; }
.rating.U { background: #c0392b; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; color: var(--muted); font-size: 12px; margin-top: 6px; }
.legend span.sw { display: inline-block; width: 14px; height: 10px; border-radius: 2px; margin-right: 5px;
  vertical-align: -1px; }
.chart { width: 100%; overflow-x: auto; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
ol li, ul li { margin: 3px 0; }
blockquote { margin: 8px 0; padding: 4px 14px; border-left: 4px solid var(--line); color: #3e4c59; }
.muted { color: var(--muted); }
@page { margin: 12mm 11mm; }
@page wide { size: landscape; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 10.5px; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 20px; } h2 { font-size: 15px; } .sub { font-size: 14px; }
  section { border: none; border-radius: 0; padding: 0; margin: 0 0 16px; }
  h2, h3 { break-after: avoid; }
  .cards { gap: 6px; margin: 10px 0; break-inside: avoid; }
  .card { padding: 6px 10px; min-width: 0; }
  .card .v { font-size: 15px; }
  thead { display: table-header-group; }
  tr, li, blockquote, .legend, .partial { break-inside: avoid; }
  th, td { padding: 3px 5px; overflow-wrap: break-word; }
  .tag, .rating { white-space: nowrap; }
  th { font-size: 10.5px; }
  .wide { page: wide; }
  .chart { overflow: visible; }
}
"#;

/// The document as one HTML page.
pub fn emit(doc: &Document) -> String {
    let mut o = String::new();
    let _ =
        write!(o, r#"<header><h1>{}</h1><p class="sub">{}</p>"#, esc(doc.kind), esc(&doc.subject));
    for l in &doc.about {
        let _ = write!(o, r#"<p class="meta">{}</p>"#, line(l));
    }
    o.push_str("</header>");
    for b in &doc.preamble {
        block(&mut o, b);
    }
    for s in &doc.sections {
        // A section with the timeline chart prints on landscape pages, heading and all.
        if s.blocks.iter().any(|b| matches!(b, Block::Chart(_))) {
            let _ = write!(o, r#"<section class="wide"><h2>{}</h2>"#, esc(&s.heading()));
        } else {
            let _ = write!(o, "<section><h2>{}</h2>", esc(&s.heading()));
        }
        for b in &s.blocks {
            block(&mut o, b);
        }
        o.push_str("</section>");
    }
    page(&doc.title(), &o)
}

fn block(o: &mut String, b: &Block) {
    let _ = match b {
        Block::Subheading(s) => write!(o, "<h3>{}</h3>", esc(s)),
        Block::Paragraph(l) => write!(o, "<p>{}</p>", line(l)),
        Block::Remark(l) => write!(o, r#"<p class="muted">{}</p>"#, line(l)),
        Block::Warning(l) => write!(o, r#"<div class="partial">{}</div>"#, line(l)),
        Block::List(l) => list(o, l),
        Block::Quote(paragraphs) => {
            o.push_str("<blockquote>");
            for p in paragraphs {
                let _ = write!(o, "<p>{}</p>", esc(p));
            }
            write!(o, "</blockquote>")
        }
        Block::Table(t) => table(o, t),
        Block::Figures(figures) if figures.is_empty() => Ok(()),
        Block::Figures(figures) => {
            o.push_str(r#"<div class="cards">"#);
            for f in figures {
                let _ = write!(
                    o,
                    r#"<div class="card"><div class="k">{}</div><div class="v">{}</div></div>"#,
                    esc(&f.label),
                    esc(&f.value)
                );
            }
            write!(o, "</div>")
        }
        Block::Chart(c) => {
            write!(o, r#"<div class="chart">{}</div>{}"#, chart::svg(c), chart::legend())
        }
        Block::Trends(lines) => write!(o, r#"<div class="chart">{}</div>"#, trends(lines)),
    };
}

fn list(o: &mut String, l: &List) -> std::fmt::Result {
    let kind = if l.ordered { "ol" } else { "ul" };
    write!(o, "<{kind}>")?;
    for item in &l.items {
        write!(o, "<li>{}</li>", line(item))?;
    }
    write!(o, "</{kind}>")
}

fn table(o: &mut String, t: &Table) -> std::fmt::Result {
    o.push_str("<table><thead><tr>");
    for h in &t.head {
        write!(o, "<th>{}</th>", esc(h))?;
    }
    o.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        o.push_str("<tr>");
        for c in r {
            write!(o, "<td>{}</td>", line(c))?;
        }
        o.push_str("</tr>");
    }
    write!(o, "</tbody></table>")
}

fn line(l: &Line) -> String {
    l.iter().map(inline).collect()
}

fn inline(run: &Inline) -> String {
    match run {
        Inline::Text(s) => esc(s),
        Inline::Code(s) => format!("<code>{}</code>", esc(s)),
        Inline::Strong(s) => format!("<strong>{}</strong>", esc(s)),
        Inline::Status(tone, s) => {
            let class = match tone {
                Tone::Good => "good",
                Tone::Bad => "bad",
                Tone::Unsettled => "unsettled",
                Tone::Neutral => "neutral",
            };
            format!(r#"<span class="res {class}">{}</span>"#, esc(s))
        }
        Inline::Phase(p) => format!(r#"<span class="tag {0}">{0}</span>"#, phase_word(*p)),
        Inline::Rating(r) => format!(r#"<span class="rating {r:?}">{r:?}</span>"#),
    }
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n",
        esc(title)
    )
}

/// Scores across drills as a small line chart: 0 to 100 up the side, a drill a step along,
/// a line and its last value per team; a gap where a drill has no score.
fn trends(lines: &[(String, Vec<Option<u32>>)]) -> String {
    const PALETTE: [&str; 6] = ["#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df", "#57606a"];
    let drills = lines.iter().map(|(_, v)| v.len()).max().unwrap_or(0).max(2);
    let (left, top, width, height) = (40.0, 10.0, 420.0, 120.0);
    let x = |i: usize| left + width * i as f64 / (drills - 1) as f64;
    let y = |v: u32| top + height * (1.0 - f64::from(v.min(100)) / 100.0);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 {}" role="img" aria-label="scores across drills">"#,
        top + height + 30.0
    );
    for v in [0, 50, 100] {
        svg.push_str(&format!(
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#d0d7de"/><text x="{}" y="{}" font-size="10" text-anchor="end">{v}</text>"##,
            left + width,
            left - 6.0,
            y(v) + 3.0,
            y = y(v)
        ));
    }
    for i in 0..drills {
        svg.push_str(&format!(
            r#"<text x="{}" y="{}" font-size="10" text-anchor="middle">#{}</text>"#,
            x(i),
            top + height + 16.0,
            i + 1
        ));
    }
    for (n, (name, values)) in lines.iter().enumerate() {
        let colour = PALETTE[n % PALETTE.len()];
        // A gap where a drill has no score: a polyline per run of drills that have one.
        let mut runs: Vec<Vec<String>> = vec![Vec::new()];
        for (i, v) in values.iter().enumerate() {
            match v {
                Some(v) => {
                    if let Some(run) = runs.last_mut() {
                        run.push(format!("{:.1},{:.1}", x(i), y(*v)));
                    }
                }
                None => runs.push(Vec::new()),
            }
        }
        for run in runs.iter().filter(|r| !r.is_empty()) {
            svg.push_str(&format!(
                r#"<polyline fill="none" stroke="{colour}" stroke-width="2" points="{}"/>"#,
                run.join(" ")
            ));
        }
        if let Some((i, v)) = values.iter().enumerate().rev().find_map(|(i, v)| v.map(|v| (i, v))) {
            svg.push_str(&format!(
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}"/>"#,
                x(i),
                y(v)
            ));
        }
        svg.push_str(&format!(
            r#"<text x="{}" y="{}" font-size="11" fill="{colour}">{} ({})</text>"#,
            left + width + 12.0,
            top + 12.0 + 14.0 * n as f64,
            esc(name),
            values.last().copied().flatten().map_or_else(|| "–".to_owned(), |v| v.to_string())
        ));
    }
    svg.push_str("</svg>");
    svg
}
