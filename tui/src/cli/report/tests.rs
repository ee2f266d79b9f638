//! The report document and its two writers: each writer renders every section, block and
//! row the document has, in order, and escapes every run of text it is given.

use tabletop_engine::Drill;
use tabletop_engine::log::read_log;
use tabletop_engine::playbook::{PlaybookRunner, load_playbook};
use tabletop_engine::scenario::{Minutes, Phase};
use tabletop_engine::score::{self, Options, Rating, Report};

use super::document::{
    Block, Document, Figure, Inline, List, Section, Table, Tone, code, plain, status, strong, text,
};
use super::{aar, compare, history, html, markdown};

use crate::test_log::Shared;

/// The ransomware drill (seed 1) played by its reference playbook until `until`, scored: to
/// its end, or cut short for a partial report.
fn played(until: Minutes) -> Report {
    let offer = crate::bundled::offers()
        .into_iter()
        .find(|o| o.file == "ransomware.ron")
        .expect("ransomware is bundled");
    let book = include_bytes!("../../../../scenarios/playbooks/ransomware.ron");
    let playbook = load_playbook("ransomware.ron", book, &offer.scenario).expect("playbook");
    let log = Shared::default();
    let mut drill = Drill::new(offer.scenario.clone(), 1);
    drill.record_to(Box::new(log.clone()), &offer.file, &offer.text).expect("record");
    PlaybookRunner::new(&playbook).play(&mut drill, until);
    drop(drill);
    let text = String::from_utf8(log.0.lock().expect("log").clone()).expect("UTF-8");
    let log = read_log(&text).expect("the log reads back");
    score::score(&log, &Options::default()).expect("the log scores")
}

fn whole() -> Report {
    played(Minutes(720))
}

/// Where each heading, table header and row of `doc` must stand in each writer's output,
/// in document order.
fn landmarks(doc: &Document) -> (Vec<String>, Vec<String>) {
    let (mut md, mut page) = (Vec::new(), Vec::new());
    let table = |t: &Table, md: &mut Vec<String>, page: &mut Vec<String>| {
        md.push(format!("| {} |", t.head.join(" | ")));
        page.push(format!("<tr><th>{}</th></tr>", t.head.join("</th><th>").replace('&', "&amp;")));
    };
    let blocks = |blocks: &[Block], md: &mut Vec<String>, page: &mut Vec<String>| {
        for b in blocks {
            match b {
                Block::Subheading(s) => {
                    md.push(format!("\n### {s}\n"));
                    page.push(format!("<h3>{s}</h3>"));
                }
                Block::Table(t) => table(t, md, page),
                Block::Warning(_) => {
                    md.push("> **Partial report.**".into());
                    page.push(r#"<div class="partial"><strong>Partial report.</strong>"#.into());
                }
                Block::Chart(_) => {
                    md.push("draws this timeline as a chart".into());
                    page.push("<svg".into());
                }
                Block::Trends(_) => {
                    md.push("draws these scores as a chart".into());
                    page.push("<polyline".into());
                }
                Block::Figures(_) => page.push(r#"<div class="cards">"#.into()),
                _ => {}
            }
        }
    };
    blocks(&doc.preamble, &mut md, &mut page);
    for s in &doc.sections {
        md.push(format!("\n## {}\n", s.heading()));
        page.push(format!("<h2>{}</h2>", s.heading().replace('&', "&amp;")));
        blocks(&s.blocks, &mut md, &mut page);
    }
    (md, page)
}

/// Asserts that `landmarks` stand in `out` in that order.
fn in_order(what: &str, out: &str, landmarks: &[String]) {
    let mut from = 0;
    for l in landmarks {
        let at = out[from..].find(l.as_str());
        assert!(at.is_some(), "{what}: `{l}` is missing or out of order");
        from += at.unwrap_or_default() + l.len();
    }
}

/// Every row of every table, in each writer's syntax.
fn rows(doc: &Document) -> usize {
    let all = doc.preamble.iter().chain(doc.sections.iter().flat_map(|s| &s.blocks));
    all.map(|b| match b {
        Block::Table(t) => t.rows.len(),
        _ => 0,
    })
    .sum()
}

fn assert_both_render(doc: &Document) {
    let md = markdown::emit(doc);
    let page = html::emit(doc);
    let (md_marks, page_marks) = landmarks(doc);
    in_order("Markdown", &md, &md_marks);
    in_order("HTML", &page, &page_marks);
    // Every row: a Markdown table has a header and a delimiter row besides its rows, and a
    // page table a header row; the key figures are a table of one row in Markdown.
    let tables = doc
        .preamble
        .iter()
        .chain(doc.sections.iter().flat_map(|s| &s.blocks))
        .filter(|b| matches!(b, Block::Table(_)))
        .count();
    let figures = doc.preamble.iter().filter(|b| matches!(b, Block::Figures(_))).count();
    assert_eq!(
        md.lines().filter(|l| l.starts_with('|')).count(),
        rows(doc) + 2 * tables + 3 * figures
    );
    assert_eq!(page.matches("<tr>").count(), rows(doc) + tables);
    let sections = doc.sections.len();
    assert_eq!(md.lines().filter(|l| l.starts_with("## ")).count(), sections);
    assert_eq!(page.matches("<section").count(), sections);
}

#[test]
fn both_writers_render_every_section_block_and_row_of_the_report() {
    let report = whole();
    let doc = aar::report(&report);
    assert_eq!(doc.sections.len(), 12, "the HSEEP sections");
    assert!(doc.sections.iter().enumerate().all(|(i, s)| s.number == Some(i + 1)));
    assert!(!doc.preamble.iter().any(|b| matches!(b, Block::Warning(_))));
    assert_both_render(&doc);
}

#[test]
fn a_partial_report_warns_first_in_both_writers() {
    let report = played(Minutes(200));
    assert!(report.partial);
    let doc = aar::report(&report);
    assert!(matches!(doc.preamble.first(), Some(Block::Warning(_))));
    assert_both_render(&doc);
    let md = markdown::emit(&doc);
    assert!(md.contains("> **Partial report.** The drill did not finish"), "{md}");
}

#[test]
fn both_writers_render_every_section_of_the_comparison() {
    let (a, b) = (whole(), played(Minutes(200)));
    let mut cmp = score::compare(&a, &b).expect("one scenario");
    cmp.a.label = "a.log".into();
    cmp.b.label = "b.log".into();
    let doc = compare::comparison(&cmp);
    let titles: Vec<&str> = doc.sections.iter().map(|s| s.title).collect();
    assert_eq!(titles, ["Scores", "Metrics", "Objectives that changed", "Capability ratings"]);
    assert_both_render(&doc);
}

#[test]
fn progress_across_drills_follows_scores_ratings_and_metrics_in_every_format() {
    let (cut, done) = (played(Minutes(200)), whole());
    let reports = vec![("early.log".to_owned(), cut), ("late.log".to_owned(), done)];
    let h = score::history(&reports).expect("one scenario");
    assert_eq!(h.drills.len(), 2);
    assert!(h.drills[0].partial && !h.drills[1].partial);
    let evict = h.capabilities.iter().find(|c| c.id == "Eviction").expect("eviction rated");
    assert_eq!(evict.values.len(), 2, "a rating per drill");
    let doc = history::history(&h);
    let titles: Vec<&str> = doc.sections.iter().map(|s| s.title).collect();
    assert_eq!(titles, ["Drills", "Scores", "Capability ratings", "Key metrics"]);
    assert_both_render(&doc);
    let md = markdown::emit(&doc);
    let combined = format!(
        "| Combined | {} → {} |",
        h.combined[0].map_or("–".into(), |v| v.to_string()),
        h.combined[1].map_or("–".into(), |v| v.to_string())
    );
    assert!(md.contains(&combined), "{md}");
    assert!(md.contains("| Time to detect |"), "{md}");
    // The page draws a line per team and the combined score.
    assert_eq!(html::emit(&doc).matches("<polyline").count(), 1 + h.teams.len());
    let json = serde_json::to_value(&h).expect("JSON");
    assert_eq!(json["drills"][1]["label"], "late.log");
    assert!(score::history(&reports[..1]).is_err(), "one drill is no history");
}

/// The builders leave syntax to the writers: no run of a real report carries the markup
/// either writer adds.
#[test]
fn the_document_holds_plain_text() {
    let report = whole();
    let doc = aar::report(&report);
    let line_runs = |l: &Vec<Inline>| -> Vec<String> {
        l.iter()
            .filter_map(|r| match r {
                Inline::Text(s) | Inline::Code(s) | Inline::Strong(s) | Inline::Status(_, s) => {
                    Some(s.clone())
                }
                Inline::Phase(_) | Inline::Rating(_) => None,
            })
            .collect()
    };
    let mut runs: Vec<String> = vec![doc.subject.clone()];
    runs.extend(doc.about.iter().flat_map(line_runs));
    for b in doc.preamble.iter().chain(doc.sections.iter().flat_map(|s| &s.blocks)) {
        match b {
            Block::Paragraph(l) | Block::Remark(l) | Block::Warning(l) => runs.extend(line_runs(l)),
            Block::List(l) => runs.extend(l.items.iter().flat_map(line_runs)),
            Block::Table(t) => runs.extend(t.rows.iter().flatten().flat_map(line_runs)),
            Block::Quote(p) => runs.extend(p.iter().cloned()),
            Block::Figures(f) => {
                runs.extend(f.iter().flat_map(|f| [f.label.clone(), f.value.clone()]))
            }
            Block::Trends(lines) => runs.extend(lines.iter().map(|(name, _)| name.clone())),
            Block::Subheading(_) | Block::Chart(_) => {}
        }
    }
    assert!(runs.len() > 500, "the whole report is searched: {}", runs.len());
    for run in &runs {
        for markup in ["**", "<code", "<span", "<strong", "&lt;", "&amp;", "\\|", "\\_"] {
            assert!(!run.contains(markup), "`{markup}` in the run {run:?}");
        }
    }
}

/// Hostile text in every place a document carries text.
fn hostile() -> Document<'static> {
    const EVIL: &str = "# <script>alert(1)</script> *x* | [l](javascript:y) `c` &amp;";
    let line = || {
        vec![
            text(EVIL),
            code(EVIL),
            strong(EVIL),
            status(Tone::Bad, EVIL),
            status(Tone::Good, EVIL),
            Inline::Phase(Phase::Detect),
            Inline::Rating(Rating::U),
        ]
    };
    let mut table = Table::new(&["A"]);
    table.row(vec![line()]);
    Document {
        kind: "After-action report",
        subject: EVIL.into(),
        about: vec![line()],
        preamble: vec![
            Block::Warning(line()),
            Block::Figures(vec![Figure { label: EVIL.into(), value: EVIL.into() }]),
        ],
        sections: vec![Section {
            number: Some(1),
            title: "Summary",
            blocks: vec![
                Block::Paragraph(line()),
                Block::Remark(line()),
                Block::List(List { ordered: true, items: vec![line(), plain(EVIL)] }),
                Block::Quote(vec![EVIL.into(), format!("{EVIL}\n{EVIL}")]),
                Block::Table(table),
            ],
        }],
    }
}

/// How often the hostile text stands in [`hostile`]: in the subject, 5 text runs in each of
/// the 7 lines but the plain list item's 1, the figure's 2 and the quote's 3.
const HOSTILE_RUNS: usize = 1 + 5 * 6 + 1 + 2 + 3;

#[test]
fn the_html_writer_escapes_every_run() {
    let page = html::emit(&hostile());
    assert!(!page.contains("<script"), "{page}");
    // Once more for the page's <title>.
    assert_eq!(page.matches("&lt;script&gt;alert(1)&lt;/script&gt;").count(), HOSTILE_RUNS + 1);
    assert_eq!(page.matches("&amp;amp;").count(), HOSTILE_RUNS + 1, "an entity stays text");
}

#[test]
fn the_markdown_writer_escapes_every_run() {
    let md = markdown::emit(&hostile());
    assert!(!md.contains("<script") && !md.contains("](javascript"), "{md}");
    assert_eq!(md.matches("&lt;script&gt;alert(1)&lt;/script&gt;").count(), HOSTILE_RUNS);
    let ours = ["# After-action report: ", "## 1. Summary", "1. ", "2. ", "> ", ">", "| ", "|---|"];
    for line in md.lines() {
        assert!(
            line.is_empty()
                || ours.iter().any(|o| line.starts_with(o))
                || !line.starts_with(['#', '-', '*', '+', '<', '|', '`', '[', '>', '=']),
            "a block the text opened: {line}"
        );
        // A one-column table: each row has the two pipes the writer put there.
        if line.starts_with('|') {
            let pipes = line.match_indices('|').filter(|(i, _)| !line[..*i].ends_with('\\'));
            assert_eq!(pipes.count(), 2, "{line}");
        }
    }
}

#[test]
fn the_page_prints_the_timeline_section_on_landscape_pages_with_repeated_table_headers() {
    let page = html::emit(&aar::report(&whole()));
    let timeline = page.find("<h2>3. Timeline</h2>").expect("the timeline section");
    assert!(page[..timeline].ends_with(r#"<section class="wide">"#), "landscape section");
    assert_eq!(page.matches(r#"<section class="wide">"#).count(), 1, "only the timeline");
    for rule in [
        "@page wide { size: landscape; }",
        ".wide { page: wide; }",
        "thead { display: table-header-group; }",
    ] {
        assert!(page.contains(rule), "print rule {rule}");
    }
}
