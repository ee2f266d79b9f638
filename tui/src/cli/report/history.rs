//! Progress across drills as a [`Document`]: the drills, then each team's score, each
//! capability's rating and the key metrics drill by drill, with which way each moved from
//! the first drill to the last.

use tabletop_engine::score::{Better, History, MetricTrend, Rating};

use super::document::{Block, Document, Line, Section, Table, Tone, code, plain, status, text};

/// The history as a document.
pub fn history(h: &History) -> Document<'static> {
    let mut drills = Table::new(&["#", "Log", "Scenario", "Seed", "Complete"]);
    for (i, d) in h.drills.iter().enumerate() {
        drills.row(vec![
            plain((i + 1).to_string()),
            vec![code(&d.label)],
            vec![code(&d.scenario_id)],
            plain(d.seed.to_string()),
            plain(if d.partial { "no (partial report)" } else { "yes" }),
        ]);
    }
    let mut scores = Table::new(&["Who", "Score, drill by drill", "First to last"]);
    scores.row(vec![
        plain("Combined"),
        plain(joined(&h.combined, number)),
        moved_score(&h.combined),
    ]);
    for t in &h.teams {
        scores.row(vec![plain(&t.name), plain(joined(&t.values, number)), moved_score(&t.values)]);
    }
    let mut ratings = Table::new(&["Capability", "Rating, drill by drill", "First to last"]);
    for c in &h.capabilities {
        ratings.row(vec![
            plain(&c.name),
            plain(joined(&c.values, rating)),
            moved_rating(&c.values),
        ]);
    }
    let mut metrics = Table::new(&["Metric", "Drill by drill", "First to last"]);
    for m in &h.metrics {
        metrics.row(vec![plain(&m.name), plain(m.texts.join(" → ")), moved_metric(m)]);
    }
    let lines: Vec<(String, Vec<Option<u32>>)> =
        std::iter::once(("Combined".to_owned(), h.combined.clone()))
            .chain(h.teams.iter().map(|t| (t.name.clone(), t.values.clone())))
            .collect();
    let section = |title, blocks| Section { number: None, title, blocks };
    let about: Vec<Line> = vec![vec![text(format!(
        "{} drills, oldest first as given; a dash where a drill has no such team or capability.",
        h.drills.len()
    ))]];
    Document {
        kind: "Progress across drills",
        subject: h.drills.first().map_or_else(String::new, |d| d.scenario_id.clone()),
        about,
        preamble: Vec::new(),
        sections: vec![
            section("Drills", vec![Block::Table(drills)]),
            section("Scores", vec![Block::Table(scores), Block::Trends(lines)]),
            section("Capability ratings", vec![Block::Table(ratings)]),
            section("Key metrics", vec![Block::Table(metrics)]),
        ],
    }
}

fn number(v: &u32) -> String {
    v.to_string()
}

fn rating(r: &Rating) -> String {
    format!("{r:?}")
}

/// The values joined by arrows, a dash for a drill without one.
fn joined<T>(values: &[Option<T>], show: fn(&T) -> String) -> String {
    values
        .iter()
        .map(|v| v.as_ref().map_or_else(|| "–".to_owned(), show))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// The first and last values present, when they are two different drills'.
fn ends<T: Copy>(values: &[Option<T>]) -> Option<(T, T)> {
    let mut present = values.iter().flatten();
    let first = *present.next()?;
    let last = *present.last()?;
    Some((first, last))
}

fn moved_score(values: &[Option<u32>]) -> Line {
    match ends(values) {
        Some((a, b)) if b > a => vec![status(Tone::Good, format!("up {}", b - a))],
        Some((a, b)) if b < a => vec![status(Tone::Bad, format!("down {}", a - b))],
        Some(_) => vec![status(Tone::Neutral, "same")],
        None => plain("–"),
    }
}

fn moved_rating(values: &[Option<Rating>]) -> Line {
    // P is the best rating and sorts first.
    match ends(values) {
        Some((a, b)) if b < a => vec![status(Tone::Good, "better")],
        Some((a, b)) if b > a => vec![status(Tone::Bad, "worse")],
        Some(_) => vec![status(Tone::Neutral, "same")],
        None => plain("–"),
    }
}

fn moved_metric(m: &MetricTrend) -> Line {
    // What never happened (not evicted) ranks below any value; what did not apply, not at all.
    let ranked: Vec<Option<Option<f64>>> = m
        .values
        .iter()
        .zip(&m.never)
        .map(|(v, never)| match (v, never) {
            (Some(v), _) => Some(Some(*v)),
            (None, true) => Some(None),
            (None, false) => None,
        })
        .collect();
    let better = |a: f64, b: f64| if m.better == Better::Lower { b < a } else { b > a };
    match ends(&ranked) {
        Some((None, None)) => vec![status(Tone::Neutral, "same")],
        Some((None, Some(_))) => vec![status(Tone::Good, "better")],
        Some((Some(_), None)) => vec![status(Tone::Bad, "worse")],
        Some((Some(a), Some(b))) if (b - a).abs() < f64::EPSILON => {
            vec![status(Tone::Neutral, "same")]
        }
        Some((Some(a), Some(b))) if better(a, b) => vec![status(Tone::Good, "better")],
        Some(_) => vec![status(Tone::Bad, "worse")],
        None => plain("–"),
    }
}
