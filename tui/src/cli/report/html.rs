//! The report as one self-contained HTML page: inline CSS, an inline SVG timeline chart of
//! system states, attack stages and team actions; no script, no network, no external asset.

use std::fmt::Write;

use tabletop_engine::scenario::{Phase, SystemState};
use tabletop_engine::score::{Chart, Comparison, Rating, Report, money};

use super::markdown::{
    clock, delta_text, expectation_outcome, phase, request_outcome, span, status, team_name,
    verdict,
};

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
.cards { display: flex; flex-wrap: wrap; gap: 12px; background: none; border: none; padding: 0; }
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
.res { font-weight: 600; } .res.met, .res.yes, .res.better { color: #0f7b53; }
.res.missed, .res.no, .res.worse { color: #c0392b; } .res.undecided, .res.changed { color: #946200; }
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
@media print { body { background: #fff; } section { break-inside: avoid; } }
"#;

fn state_colour(s: SystemState) -> &'static str {
    match s {
        SystemState::Online => "#9bd3a6",
        SystemState::Degraded => "#f5c542",
        SystemState::Down => "#f28b50",
        SystemState::Isolated => "#5b9bd5",
        SystemState::Encrypted => "#c62828",
        SystemState::Destroyed => "#37474f",
    }
}

fn phase_colour(p: Phase) -> &'static str {
    match p {
        Phase::Detect => "#2f6fdf",
        Phase::Respond => "#d97706",
        Phase::Recover => "#0f9d6b",
    }
}

const STATES: [SystemState; 6] = [
    SystemState::Online,
    SystemState::Degraded,
    SystemState::Down,
    SystemState::Isolated,
    SystemState::Encrypted,
    SystemState::Destroyed,
];

/// Places bars in as few rows as possible without overlap; returns each bar's row.
fn pack(spans: &[(u32, u32)], min_len: u32) -> (Vec<usize>, usize) {
    let mut ends: Vec<u32> = Vec::new();
    let mut rows = Vec::with_capacity(spans.len());
    for &(from, to) in spans {
        let to = to.max(from + min_len);
        match ends.iter().position(|&e| e <= from) {
            Some(i) => {
                ends[i] = to;
                rows.push(i);
            }
            None => {
                ends.push(to);
                rows.push(ends.len() - 1);
            }
        }
    }
    (rows, ends.len().max(1))
}

/// The timeline chart: a lane per system that changed state, the attacker's stages and
/// each team's actions, on one time axis, with the moments of first foothold, detection
/// and containment marked.
#[allow(clippy::too_many_lines)]
fn chart_svg(r: &Report) -> String {
    let c: &Chart = &r.chart;
    let width = 1280.0_f64;
    let left = 170.0_f64;
    let right = 16.0_f64;
    let plot = width - left - right;
    let end = f64::from(c.end.max(1));
    let x = |t: u32| left + f64::from(t) / end * plot;
    let lane_h = 16.0;
    let gap = 5.0;
    let mut body = String::new();
    let mut y = 34.0_f64;

    let heading = |body: &mut String, y: f64, text: &str| {
        let _ = write!(
            body,
            r##"<text x="4" y="{:.1}" font-size="12" font-weight="700" fill="#1f2933">{}</text>"##,
            y + 11.0,
            esc(text)
        );
    };

    // Systems.
    heading(&mut body, y, "Systems");
    y += 20.0;
    if c.lanes.is_empty() {
        let _ = write!(
            body,
            r##"<text x="{left}" y="{:.1}" font-size="12" fill="#616e7c">No system changed state.</text>"##,
            y + 12.0
        );
        y += lane_h + gap;
    }
    for lane in &c.lanes {
        let _ = write!(
            body,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#1f2933">{}</text>"##,
            left - 8.0,
            y + 12.0,
            esc(&lane.system)
        );
        for s in &lane.segments {
            let _ = write!(
                body,
                r##"<rect x="{:.1}" y="{y:.1}" width="{:.1}" height="{lane_h}" fill="{}"><title>{}: {:?} {}–{}</title></rect>"##,
                x(s.from),
                (x(s.to) - x(s.from)).max(0.5),
                state_colour(s.state),
                esc(&lane.system),
                s.state,
                clock(s.from),
                clock(s.to)
            );
        }
        y += lane_h + gap;
    }

    // Bars (attack stages, team actions): packed into rows, labelled when the label fits.
    let bar_h = 14.0;
    let pitch = bar_h + 3.0;
    let min_len = (c.end / 120).max(1);
    // Inside the bar when it fits, else just after it when the row is free there.
    let label = |body: &mut String,
                 x0: f64,
                 top: f64,
                 w: f64,
                 room: f64,
                 text: &str,
                 fill: &str| {
        let need = (text.chars().count() as f64) * 5.6 + 8.0;
        let (tx, ink) = if need <= w {
            (x0 + 4.0, fill)
        } else if need <= room - w {
            (x0 + w + 3.0, "#3e4c59")
        } else {
            return;
        };
        let _ = write!(
            body,
            r##"<text x="{tx:.1}" y="{:.1}" font-size="10" fill="{ink}" pointer-events="none">{}</text>"##,
            top + bar_h - 4.0,
            esc(text)
        );
    };
    // How far each bar may label to its right: up to the next bar in its row.
    let room = |spans: &[(u32, u32)], rows: &[usize], i: usize| {
        let next = spans
            .iter()
            .zip(rows)
            .skip(i + 1)
            .find(|(_, r)| **r == rows[i])
            .map_or(width - right, |(s, _)| x(s.0));
        next - x(spans[i].0)
    };

    // Attacker.
    if !c.stages.is_empty() {
        y += 10.0;
        heading(&mut body, y, "Attacker");
        y += 20.0;
        let spans: Vec<(u32, u32)> = c.stages.iter().map(|s| (s.from, s.to)).collect();
        let (rows, n) = pack(&spans, min_len);
        let _ = write!(
            body,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#1f2933">stages</text>"##,
            left - 8.0,
            y + 11.0
        );
        for (i, (s, row)) in c.stages.iter().zip(&rows).enumerate() {
            let top = y + *row as f64 * pitch;
            let (fill, opacity, ink) = match s.outcome.as_str() {
                "succeeded" => ("#8e1b1b", "1", "#fff"),
                "blocked" => ("#9aa5b1", "1", "#1f2933"),
                _ => ("#8e1b1b", "0.45", "#fff"),
            };
            let w = (x(s.to) - x(s.from) - 1.0).max(3.0);
            let _ = write!(
                body,
                r##"<rect x="{:.1}" y="{top:.1}" width="{w:.1}" height="{bar_h}" rx="2" fill="{fill}" fill-opacity="{opacity}"><title>{} ({}) {}–{}: {}</title></rect>"##,
                x(s.from),
                esc(&s.stage),
                esc(&s.technique),
                clock(s.from),
                clock(s.to),
                esc(&s.outcome)
            );
            let room = room(&spans, &rows, i);
            label(&mut body, x(s.from), top, w, room, &s.stage, ink);
        }
        y += n as f64 * pitch + gap;
    }

    // Teams.
    y += 10.0;
    heading(&mut body, y, "Team actions");
    y += 20.0;
    for t in &r.teams {
        let bars: Vec<_> = c.actions.iter().filter(|a| a.team == t.id).collect();
        let spans: Vec<(u32, u32)> = bars.iter().map(|a| (a.from, a.to)).collect();
        let (rows, n) = pack(&spans, min_len);
        let _ = write!(
            body,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#1f2933">{}</text>"##,
            left - 8.0,
            y + 11.0,
            esc(&t.id)
        );
        let band = n as f64 * pitch + 1.0;
        let _ = write!(
            body,
            r##"<rect x="{left}" y="{:.1}" width="{plot:.1}" height="{band:.1}" fill="#f5f7fa"/>"##,
            y - 2.0
        );
        if bars.is_empty() {
            let _ = write!(
                body,
                r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#9aa5b1">no actions</text>"##,
                left + 6.0,
                y + 10.0
            );
        }
        for (i, (a, row)) in bars.iter().zip(&rows).enumerate() {
            let top = y + *row as f64 * pitch;
            let w = (x(a.to) - x(a.from) - 1.0).max(4.0);
            let colour = phase_colour(a.phase);
            let (fill_opacity, dash, ink) = match a.outcome.as_str() {
                "completed" => ("0.9", "", "#fff"),
                "running" => ("0.45", "", "#1f2933"),
                _ => ("0.15", r#" stroke-dasharray="3 2""#, "#1f2933"),
            };
            let target = a.target.as_ref().map(|t| format!(" {t}")).unwrap_or_default();
            let _ = write!(
                body,
                r##"<g><title>{} {}{}: {}–{} ({}, {})</title><rect x="{:.1}" y="{top:.1}" width="{w:.1}" height="{bar_h}" rx="2" fill="{colour}" fill-opacity="{fill_opacity}" stroke="{colour}"{dash}/></g>"##,
                esc(&a.team),
                esc(&a.action),
                esc(&target),
                clock(a.from),
                clock(a.to),
                phase(a.phase),
                esc(&a.outcome),
                x(a.from),
            );
            let room = room(&spans, &rows, i);
            label(&mut body, x(a.from), top, w, room, &format!("{}{target}", a.action), ink);
        }
        y += band + gap;
    }
    let height = y + 8.0;

    // Axis, grid and moments, drawn under and over the lanes.
    let mut grid = String::new();
    let hours = c.end.div_ceil(60).max(1);
    let step = [1, 2, 3, 4, 6, 12, 24, 48].into_iter().find(|s| hours / s <= 14).unwrap_or(96);
    let mut h = 0;
    while h * 60 <= c.end {
        let xx = x(h * 60);
        let _ = write!(
            grid,
            r##"<line x1="{xx:.1}" y1="22" x2="{xx:.1}" y2="{:.1}" stroke="#d9e2ec" stroke-width="1"/><text x="{xx:.1}" y="16" font-size="11" text-anchor="middle" fill="#616e7c">{}</text>"##,
            height - 6.0,
            clock(h * 60)
        );
        h += step;
    }
    let det = &r.detail;
    let marks = [
        (det.detection.first_compromise.as_ref().map(|c| c.at), "first foothold", "#8e1b1b"),
        (det.detection.detected.as_ref().map(|d| d.at), "detected", "#2f6fdf"),
        (det.containment.contained_at, "contained", "#d97706"),
    ];
    // Dashed lines through every lane; labels in a strip below, staggered when close.
    let mut moments = String::new();
    let mut last_x = f64::MIN;
    let mut level = 0_u32;
    for (at, label, colour) in marks {
        let Some(at) = at else { continue };
        let xx = x(at);
        level = if xx - last_x < 150.0 { level + 1 } else { 0 };
        last_x = xx;
        let _ = write!(
            moments,
            r##"<line x1="{xx:.1}" y1="24" x2="{xx:.1}" y2="{:.1}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="5 3"/><text x="{:.1}" y="{:.1}" font-size="11" fill="{colour}" font-weight="600">{label} {}</text>"##,
            height + 2.0 + f64::from(level) * 13.0,
            xx + 4.0,
            height + 12.0 + f64::from(level) * 13.0,
            clock(at)
        );
    }
    let total = height + 14.0 + 3.0 * 13.0;
    format!(
        r##"<svg viewBox="0 0 {width} {total:.0}" width="100%" role="img" aria-label="Timeline of system states, attack stages and team actions">{grid}{body}{moments}</svg>"##
    )
}

fn legend() -> String {
    let mut o = String::from(r#"<div class="legend">"#);
    for s in STATES {
        let _ = write!(
            o,
            r#"<span><span class="sw" style="background:{}"></span>{s:?}</span>"#,
            state_colour(s)
        );
    }
    o.push_str(
        r#"<span><span class="sw" style="background:#8e1b1b"></span>stage succeeded</span>"#,
    );
    o.push_str(r#"<span><span class="sw" style="background:#9aa5b1"></span>stage blocked</span>"#);
    for p in [Phase::Detect, Phase::Respond, Phase::Recover] {
        let _ = write!(
            o,
            r#"<span><span class="sw" style="background:{}"></span>{} action</span>"#,
            phase_colour(p),
            phase(p)
        );
    }
    o.push_str(r#"<span>faded: running at the end · dashed: failed or cancelled · hover for details</span>"#);
    o.push_str("</div>");
    o
}

fn tag(p: Phase) -> String {
    format!(r#"<span class="tag {0}">{0}</span>"#, phase(p))
}

fn table(o: &mut String, head: &[&str], rows: Vec<Vec<String>>) {
    o.push_str("<table><thead><tr>");
    for h in head {
        let _ = write!(o, "<th>{}</th>", esc(h));
    }
    o.push_str("</tr></thead><tbody>");
    for r in rows {
        o.push_str("<tr>");
        for c in r {
            let _ = write!(o, "<td>{c}</td>");
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table>");
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n",
        esc(title)
    )
}

fn res(class: &str, text: &str) -> String {
    format!(r#"<span class="res {class}">{}</span>"#, esc(text))
}

fn t(m: u32) -> String {
    clock(m)
}

fn opt(m: Option<u32>, f: fn(u32) -> String) -> String {
    m.map_or_else(|| "–".to_owned(), f)
}

/// The report as one HTML page.
#[allow(clippy::too_many_lines)]
pub fn report(r: &Report) -> String {
    let d = &r.drill;
    let cur = |n: u64| money(n, &d.currency);
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<header><h1>After-action report</h1><p class="sub">{}</p><p class="meta">Drill of <code>{}</code> (sha256 <code>{}…</code>), seed {}, engine {}; played 00:00 → {} of {}.</p></header>"#,
        esc(&d.title),
        esc(&d.scenario_name),
        esc(d.scenario_sha256.get(..12).unwrap_or(&d.scenario_sha256)),
        d.seed,
        esc(&d.engine),
        t(d.ended_at),
        span(d.duration)
    );
    if let Some(head) = &d.head_hash {
        let _ = write!(
            o,
            r#"<p class="meta">The log is sealed with head hash <code>{}</code>.</p>"#,
            esc(head)
        );
    }
    if r.partial {
        let _ = write!(
            o,
            r#"<div class="partial"><strong>Partial report.</strong> {}. Results are as of the log's last line; undecided objectives count as not met.</div>"#,
            esc(&r.partial_reasons.join("; "))
        );
    }

    o.push_str(r#"<section class="cards">"#);
    let card = |o: &mut String, k: &str, v: String| {
        let _ = write!(
            o,
            r#"<div class="card"><div class="k">{}</div><div class="v">{}</div></div>"#,
            esc(k),
            esc(&v)
        );
    };
    card(
        &mut o,
        "Combined score",
        r.scores.combined.score.map_or_else(|| "–".into(), |s| format!("{s}/100")),
    );
    for ts in &r.scores.teams {
        card(
            &mut o,
            &team_name(r, &ts.team),
            ts.score.score.map_or_else(|| "–".into(), |s| format!("{s}/100")),
        );
    }
    card(&mut o, "Business cost", cur(r.detail.cost.total));
    let first = r.detail.detection.first_compromise.is_some();
    let never = |what: &str| if first { what.to_owned() } else { "–".to_owned() };
    card(
        &mut o,
        "Time to detect",
        r.detail.detection.time_to_detect.map_or_else(|| never("not detected"), span),
    );
    card(
        &mut o,
        "Time to contain",
        r.detail.containment.time_to_contain.map_or_else(|| never("not contained"), span),
    );
    o.push_str("</section>");

    o.push_str("<section><h2>1. Summary</h2><ul>");
    for s in &r.summary {
        let _ = write!(o, "<li>{}</li>", esc(s));
    }
    o.push_str("</ul></section>");

    o.push_str("<section><h2>2. Scenario and participants</h2>");
    let _ = write!(
        o,
        "<p><strong>{}</strong>: a {} drill of {}. {}</p>",
        esc(&d.title),
        esc(&d.kind.to_lowercase()),
        span(d.duration),
        esc(&d.summary)
    );
    if let Some(a) = &d.adversary {
        let _ = write!(o, "<p>Adversary: {}.</p>", esc(a));
    }
    o.push_str("<blockquote>");
    for p in d.briefing.split("\n\n") {
        let _ = write!(o, "<p>{}</p>", esc(p));
    }
    o.push_str("</blockquote>");
    table(
        &mut o,
        &[
            "Team",
            "Role",
            "Score",
            "Actions started",
            "Completed",
            "Failed",
            "Requests sent",
            "Requests answered",
        ],
        r.teams
            .iter()
            .map(|tm| {
                vec![
                    format!("{} (<code>{}</code>)", esc(&tm.name), esc(&tm.id)),
                    esc(&tm.role),
                    tm.score.map_or_else(|| "–".into(), |s| s.to_string()),
                    tm.actions_started.to_string(),
                    tm.actions_completed.to_string(),
                    tm.actions_failed.to_string(),
                    tm.requests_sent.to_string(),
                    tm.requests_answered.to_string(),
                ]
            })
            .collect(),
    );
    o.push_str("</section>");

    o.push_str(r#"<section><h2>3. Timeline</h2><div class="chart">"#);
    o.push_str(&chart_svg(r));
    o.push_str("</div>");
    o.push_str(&legend());
    o.push_str("<h3>Events</h3><p class=\"muted\">Monitoring observations and false-positive alerts are left out; repeated alerts appear once.</p>");
    table(
        &mut o,
        &["Time", "Who", "Phase", "What happened"],
        r.timeline
            .iter()
            .map(|e| {
                vec![
                    format!(r#"<span class="t">{}</span>"#, t(e.at)),
                    esc(&e.actor),
                    e.phase.map(tag).unwrap_or_default(),
                    esc(&e.text),
                ]
            })
            .collect(),
    );
    o.push_str("</section>");

    o.push_str("<section><h2>4. Metrics</h2>");
    table(
        &mut o,
        &["Phase", "Metric", "Value", "How it is measured"],
        r.metrics
            .iter()
            .map(|m| {
                vec![
                    tag(m.phase),
                    esc(&m.name),
                    esc(&m.text),
                    format!(r#"<span class="muted">{}</span>"#, esc(&m.definition)),
                ]
            })
            .collect(),
    );
    let det = &r.detail;
    let _ = write!(
        o,
        "<h3>Critical services</h3><p class=\"muted\">Systems costing at least {} an hour down.</p>",
        esc(&cur(det.recovery.critical_from))
    );
    if det.recovery.services.is_empty() {
        o.push_str("<p>No critical service was unavailable.</p>");
    } else {
        table(
            &mut o,
            &[
                "Service",
                "Cost an hour",
                "First down",
                "Back for good",
                "Time to recover",
                "Down in all",
                "Outages",
                "At the end",
            ],
            det.recovery
                .services
                .iter()
                .map(|s| {
                    vec![
                        format!("{} ({})", esc(&s.system), esc(&s.name)),
                        esc(&cur(s.criticality)),
                        t(s.first_down),
                        opt(s.recovered_at, t),
                        s.time_to_recover.map_or_else(|| res("no", "not recovered"), span),
                        span(s.minutes_down),
                        s.outages.to_string(),
                        format!("{:?}", s.state_at_end),
                    ]
                })
                .collect(),
        );
    }
    let _ = write!(
        o,
        "<h3>Cost</h3><p>Total {}{}; downtime rebuilt from the log {}.</p>",
        esc(&cur(det.cost.total)),
        if det.cost.basis == "estimated" { " (estimated: the drill did not finish)" } else { "" },
        esc(&cur(det.cost.downtime_estimated))
    );
    if !det.cost.by_system.is_empty() || !det.cost.one_off.is_empty() {
        let mut rows: Vec<Vec<String>> = det
            .cost
            .by_system
            .iter()
            .map(|s| vec![esc(&s.system), "downtime".into(), esc(&cur(s.amount as u64))])
            .collect();
        rows.extend(det.cost.one_off.iter().map(|c| {
            vec![
                format!("{} at {}", esc(&c.reason), t(c.at)),
                "one-off".into(),
                esc(&cur(c.amount)),
            ]
        }));
        table(&mut o, &["What", "Kind", "Cost"], rows);
    }
    if !det.requests.is_empty() {
        o.push_str("<h3>Requests between teams</h3>");
        table(
            &mut o,
            &["#", "From", "To", "Asked", "Phase", "Sent", "Outcome", "Response time"],
            det.requests
                .iter()
                .map(|q| {
                    let outcome = request_outcome(q.outcome);
                    vec![
                        q.id.to_string(),
                        esc(&q.from),
                        esc(&q.to),
                        esc(&format!(
                            "{}{}",
                            q.action,
                            q.target.as_ref().map(|t| format!(" {t}")).unwrap_or_default()
                        )),
                        tag(q.phase),
                        t(q.sent),
                        res(if outcome == "accepted" { "yes" } else { "no" }, outcome),
                        opt(q.response_time, span),
                    ]
                })
                .collect(),
        );
    }
    if !det.injects.is_empty() {
        o.push_str("<h3>Injects</h3>");
        table(
            &mut o,
            &["Delivered", "Inject", "Teams", "Expected", "Within", "Result", "Response time"],
            det.injects
                .iter()
                .map(|i| {
                    let (expected, within, result, time) = match (&i.expected, &i.decision) {
                        (Some(x), _) => {
                            let out = expectation_outcome(x.outcome);
                            (
                                format!(
                                    "{} {}",
                                    esc(&format!(
                                        "{}{}",
                                        x.action,
                                        x.target
                                            .as_ref()
                                            .map(|t| format!(" {t}"))
                                            .unwrap_or_default()
                                    )),
                                    tag(x.phase)
                                ),
                                span(x.within),
                                res(out, out),
                                opt(x.response_time, span),
                            )
                        }
                        (None, Some(dec)) => (
                            "a decision".into(),
                            "–".into(),
                            esc(&format!(
                                "{} chose “{}”",
                                dec.by,
                                if dec.label.is_empty() { &dec.choice } else { &dec.label }
                            )),
                            span(dec.time_to_decide),
                        ),
                        (None, None) => ("–".into(), "–".into(), "–".into(), "–".into()),
                    };
                    vec![
                        t(i.delivered),
                        format!("{} (<code>{}</code>)", esc(&i.title), esc(&i.inject)),
                        esc(&i.teams.join(", ")),
                        expected,
                        within,
                        result,
                        time,
                    ]
                })
                .collect(),
        );
    }
    if !det.isolations.is_empty() {
        o.push_str("<h3>Isolations</h3>");
        table(
            &mut o,
            &["System", "Team", "Isolated", "Reconnected", "Compromised", "Own downtime cost"],
            det.isolations
                .iter()
                .map(|i| {
                    vec![
                        esc(&i.system),
                        esc(&i.team),
                        t(i.at),
                        opt(i.until, t),
                        if i.compromised {
                            res("yes", "yes")
                        } else {
                            res("no", "no (unnecessary)")
                        },
                        esc(&cur(i.cost)),
                    ]
                })
                .collect(),
        );
    }
    o.push_str("</section>");

    o.push_str("<section><h2>5. Objectives</h2>");
    if r.objectives.is_empty() {
        o.push_str("<p>The scenario has no objectives.</p>");
    } else {
        table(
            &mut o,
            &["Objective", "Team", "Capability", "Phase", "Weight", "Result", "Decided"],
            r.objectives
                .iter()
                .map(|ob| {
                    let s = status(ob.status);
                    vec![
                        format!("{} (<code>{}</code>)", esc(&ob.description), esc(&ob.id)),
                        esc(ob.team.as_deref().unwrap_or("shared")),
                        esc(&ob.capability),
                        tag(ob.phase),
                        ob.weight.to_string(),
                        res(s, s),
                        opt(ob.at, t),
                    ]
                })
                .collect(),
        );
        let mut rows = vec![score_row("Combined", &r.scores.combined)];
        rows.extend(r.scores.teams.iter().map(|ts| score_row(&team_name(r, &ts.team), &ts.score)));
        o.push_str("<p class=\"muted\">Scores are the share of objective weight met (a team counts its own objectives and the shared ones).</p>");
        table(&mut o, &["Who", "Score", "Weight met", "Missed", "Undecided", "Total"], rows);
    }
    o.push_str("</section>");

    o.push_str("<section><h2>6. Capability ratings</h2><ul>");
    for rule in &r.rating_rules {
        let _ = write!(o, "<li>{}</li>", esc(rule));
    }
    o.push_str("</ul>");
    table(
        &mut o,
        &["Capability", "Phase", "Rating", "Objectives", "Why"],
        r.capabilities
            .iter()
            .map(|c| {
                vec![
                    esc(&c.capability),
                    tag(c.phase),
                    format!(
                        r#"<span class="rating {:?}">{:?}</span> {}{}"#,
                        c.rating,
                        c.rating,
                        esc(c.rating.meaning()),
                        if c.provisional { ", provisional" } else { "" }
                    ),
                    esc(&c.objectives.join(", ")),
                    esc(&c.reason),
                ]
            })
            .collect(),
    );
    o.push_str("</section>");

    o.push_str("<section><h2>7. Strengths</h2>");
    list(&mut o, "ul", r.strengths.iter().map(|s| (s.phase, &s.text)));
    o.push_str("</section><section><h2>8. Areas for improvement</h2>");
    list(&mut o, "ol", r.improvements.iter().map(|s| (s.phase, &s.text)));
    o.push_str("</section><section><h2>9. Improvement plan</h2>");
    if r.improvement_plan.is_empty() {
        o.push_str("<p>Nothing to plan.</p>");
    } else {
        o.push_str("<p class=\"muted\">Each row answers the area for improvement with the same number.</p>");
        table(
            &mut o,
            &["#", "Corrective action", "Owner", "Due", "Phase"],
            r.improvement_plan
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    vec![
                        (i + 1).to_string(),
                        esc(&p.action),
                        esc(&team_name(r, &p.owner)),
                        esc(&p.due),
                        tag(p.phase),
                    ]
                })
                .collect(),
        );
    }
    o.push_str("</section><section><h2>10. Facilitator notes</h2>");
    if r.notes.is_empty() {
        o.push_str("<p>No notes were recorded.</p>");
    } else {
        o.push_str("<ul>");
        for n in &r.notes {
            let _ = write!(o, "<li><span class=\"t\">{}</span> {}</li>", t(n.at), esc(&n.text));
        }
        o.push_str("</ul>");
    }
    o.push_str("</section>");

    let _ = write!(
        o,
        "<section><h2>11. ATT&amp;CK techniques</h2><p class=\"muted\">MITRE ATT&amp;CK Enterprise {}. A technique counts as detected when a true-positive alert or a compromise finding touched its targets while or after it ran.</p>",
        esc(&r.attack.catalogue)
    );
    if r.attack.techniques.is_empty() {
        o.push_str("<p>The attacker used no technique.</p>");
    } else {
        table(
            &mut o,
            &["Technique", "Tactics", "Stages", "Targets", "Started", "Succeeded", "Detected"],
            r.attack
                .techniques
                .iter()
                .map(|tq| {
                    vec![
                        format!("<code>{}</code> {}", esc(&tq.id), esc(&tq.name)),
                        esc(&tq.tactics.join(", ")),
                        esc(&tq.stages.join(", ")),
                        esc(&tq.targets.join(", ")),
                        t(tq.first_started),
                        opt(tq.succeeded_at, t),
                        match (tq.detected_at, &tq.detected_by) {
                            (Some(at), Some(by)) => format!(
                                "{} {}",
                                res("yes", &format!("yes, {}", t(at))),
                                esc(&format!("({by})"))
                            ),
                            _ => res("no", "no"),
                        },
                    ]
                })
                .collect(),
        );
    }
    o.push_str("</section>");
    page(&format!("After-action report: {}", d.title), &o)
}

fn score_row(who: &str, s: &tabletop_engine::score::Score) -> Vec<String> {
    vec![
        esc(who),
        s.score.map_or_else(|| "–".into(), |x| format!("{x}/100")),
        s.met_weight.to_string(),
        s.missed_weight.to_string(),
        s.undecided_weight.to_string(),
        s.total_weight.to_string(),
    ]
}

fn list<'a>(o: &mut String, kind: &str, items: impl Iterator<Item = (Phase, &'a String)>) {
    let items: Vec<_> = items.collect();
    if items.is_empty() {
        o.push_str("<p>None recorded.</p>");
        return;
    }
    let _ = write!(o, "<{kind}>");
    for (p, text) in items {
        let _ = write!(o, "<li>{} {}</li>", tag(p), esc(text));
    }
    let _ = write!(o, "</{kind}>");
}

/// The comparison as one HTML page.
pub fn comparison(c: &Comparison) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<header><h1>Drill comparison</h1><p class="sub">{}</p><p class="meta">A = <code>{}</code> (seed {}, ends {}{}), B = <code>{}</code> (seed {}, ends {}{}). Both ran <code>{}</code> (sha256 <code>{}…</code>). Changes are A − B.</p></header>"#,
        esc(&c.title),
        esc(&c.a.label),
        c.a.seed,
        t(c.a.ended_at),
        if c.a.partial { ", partial" } else { "" },
        esc(&c.b.label),
        c.b.seed,
        t(c.b.ended_at),
        if c.b.partial { ", partial" } else { "" },
        esc(&c.scenario_id),
        esc(c.scenario_sha256.get(..12).unwrap_or(&c.scenario_sha256))
    );
    let sc = |s: Option<u32>| s.map_or_else(|| "–".to_owned(), |x| x.to_string());
    o.push_str("<section><h2>Scores</h2>");
    table(
        &mut o,
        &["Who", "A", "B", "Change"],
        c.scores
            .iter()
            .map(|s| {
                vec![
                    esc(&s.who),
                    sc(s.a),
                    sc(s.b),
                    s.delta.map_or_else(|| "–".into(), |d| format!("{d:+}")),
                ]
            })
            .collect(),
    );
    o.push_str("</section><section><h2>Metrics</h2>");
    table(
        &mut o,
        &["Phase", "Metric", "A", "B", "Change", "A is"],
        c.metrics
            .iter()
            .map(|m| {
                let v = verdict(m.verdict);
                vec![
                    tag(m.phase),
                    esc(&m.name),
                    esc(&m.a_text),
                    esc(&m.b_text),
                    esc(&delta_text(m, &c.currency)),
                    res(v, v),
                ]
            })
            .collect(),
    );
    o.push_str("</section><section><h2>Objectives that changed</h2>");
    let changed: Vec<_> = c.objectives.iter().filter(|x| x.changed).collect();
    if changed.is_empty() {
        o.push_str("<p>Every objective had the same result in both drills.</p>");
    } else {
        table(
            &mut o,
            &["Objective", "Weight", "A", "B"],
            changed
                .iter()
                .map(|x| {
                    let (a, b) = (status(x.a), status(x.b));
                    vec![
                        format!("{} (<code>{}</code>)", esc(&x.description), esc(&x.id)),
                        x.weight.to_string(),
                        res(a, a),
                        res(b, b),
                    ]
                })
                .collect(),
        );
    }
    o.push_str("</section><section><h2>Capability ratings</h2>");
    let rt = |r: Option<Rating>| {
        r.map_or_else(|| "–".to_owned(), |r| format!(r#"<span class="rating {r:?}">{r:?}</span>"#))
    };
    table(
        &mut o,
        &["Capability", "A", "B", "Changed"],
        c.capabilities
            .iter()
            .map(|x| {
                vec![
                    esc(&x.capability),
                    rt(x.a),
                    rt(x.b),
                    if x.changed { "yes".into() } else { "no".into() },
                ]
            })
            .collect(),
    );
    o.push_str("</section>");
    page(&format!("Drill comparison: {}", c.title), &o)
}
