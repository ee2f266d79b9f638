//! Two drills of one scenario side by side as a [`Document`]: scores, metrics, the objectives
//! that changed and the capability ratings, every change A − B.

use tabletop_engine::score::{Comparison, MetricDelta, Rating, Side, Unit, Verdict, money};

use super::aar::{objective_status, played_by, short_hash};
use super::document::{
    Block, Document, Inline, Line, Section, Table, Tone, clock, code, plain, span, status, text,
};

/// The comparison as a document.
pub fn comparison(c: &Comparison) -> Document<'static> {
    let side = |s: &Side| {
        format!(
            " (seed {}, ends {}{})",
            s.seed,
            clock(s.ended_at),
            if s.partial { ", partial" } else { "" }
        )
    };
    let about = vec![
        text("A = "),
        code(&c.a.label),
        text(format!("{}, B = ", side(&c.a))),
        code(&c.b.label),
        text(format!("{}. Both ran scenario ", side(&c.b))),
        code(&c.scenario_id),
        text(" (sha256 "),
        code(short_hash(&c.scenario_sha256)),
        text("). Changes are A − B."),
    ];
    let who = |s: &Side| {
        let seats: Vec<String> = s
            .played_by
            .iter()
            .map(|p| format!("{}: {}", p.team, played_by(&p.played_by)))
            .collect();
        format!("{}.", seats.join("; "))
    };
    let played_a = vec![text("Who played A: "), text(who(&c.a))];
    let played_b = vec![text("Who played B: "), text(who(&c.b))];
    let section = |title, blocks| Section { number: None, title, blocks };
    Document {
        kind: "Drill comparison",
        subject: c.title.clone(),
        about: vec![about, played_a, played_b],
        preamble: Vec::new(),
        sections: vec![
            section("Scores", vec![scores(c)]),
            section("Metrics", vec![metrics(c)]),
            section("Objectives that changed", objectives(c)),
            section("Capability ratings", vec![capabilities(c)]),
        ],
    }
}

fn scores(c: &Comparison) -> Block<'static> {
    let mut table = Table::new(&["Who", "A", "B", "Change"]);
    let score = |s: Option<u32>| plain(s.map_or_else(|| "–".to_owned(), |x| x.to_string()));
    for s in &c.scores {
        table.row(vec![
            plain(&s.who),
            score(s.a),
            score(s.b),
            plain(s.delta.map_or_else(|| "–".to_owned(), |d| format!("{d:+}"))),
        ]);
    }
    Block::Table(table)
}

fn metrics(c: &Comparison) -> Block<'static> {
    let mut table = Table::new(&["Phase", "Metric", "A", "B", "Change", "A is"]);
    for m in &c.metrics {
        let verdict = match m.verdict {
            Verdict::Better => status(Tone::Good, "better"),
            Verdict::Worse => status(Tone::Bad, "worse"),
            Verdict::Same => status(Tone::Neutral, "same"),
            Verdict::NotComparable => status(Tone::Unsettled, "changed"),
        };
        table.row(vec![
            vec![Inline::Phase(m.phase)],
            plain(&m.name),
            plain(&m.a_text),
            plain(&m.b_text),
            plain(delta_text(m, &c.currency)),
            vec![verdict],
        ]);
    }
    Block::Table(table)
}

fn objectives(c: &Comparison) -> Vec<Block<'static>> {
    let changed: Vec<_> = c.objectives.iter().filter(|x| x.changed).collect();
    if changed.is_empty() {
        return vec![Block::Paragraph(plain(
            "Every objective had the same result in both drills.",
        ))];
    }
    let mut table = Table::new(&["Objective", "Weight", "A", "B"]);
    for x in changed {
        table.row(vec![
            vec![text(&x.description), text(" ("), code(&x.id), text(")")],
            plain(x.weight.to_string()),
            vec![objective_status(x.a)],
            vec![objective_status(x.b)],
        ]);
    }
    vec![Block::Table(table)]
}

fn capabilities(c: &Comparison) -> Block<'static> {
    let mut table = Table::new(&["Capability", "A", "B", "Changed"]);
    let rating =
        |r: Option<Rating>| -> Line { r.map_or_else(|| plain("–"), |r| vec![Inline::Rating(r)]) };
    for x in &c.capabilities {
        table.row(vec![
            plain(&x.capability),
            rating(x.a),
            rating(x.b),
            plain(if x.changed { "yes" } else { "no" }),
        ]);
    }
    Block::Table(table)
}

/// A metric's change for people: `−1h10m`, `+USD 4,450`, `0`.
fn delta_text(m: &MetricDelta, currency: &str) -> String {
    match m.delta {
        Some(d) if d.abs() < 1e-9 => "0".into(),
        Some(d) => signed(d, m.unit, currency),
        None => "–".into(),
    }
}

fn signed(d: f64, unit: Unit, currency: &str) -> String {
    let sign = if d < 0.0 { "−" } else { "+" };
    let a = d.abs();
    match unit {
        Unit::Minutes => format!("{sign}{}", span(a.round() as u32)),
        Unit::Money => format!("{sign}{}", money(a.round() as u64, currency)),
        Unit::Gigabytes => format!("{sign}{a:.1} GB"),
        Unit::Count => format!("{sign}{}", a.round() as u64),
    }
}
