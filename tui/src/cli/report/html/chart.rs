//! The timeline chart of the HTML page, as inline SVG: a lane per system that changed state,
//! the attacker's stages and each team's actions on one time axis, with the first foothold,
//! detection and containment marked; and its legend.

use std::fmt::Write;

use tabletop_engine::scenario::{Phase, SystemState};
use tabletop_engine::score::{ActionBar, ActionOutcome, Lane, StageBar, StageOutcome};

use super::esc;
use crate::cli::report::document::{Moment, MomentKind, TimelineChart, clock, phase_word};

const WIDTH: f64 = 1280.0;
/// Room for the lane labels, left of the plot.
const LEFT: f64 = 170.0;
const RIGHT: f64 = 16.0;
const PLOT: f64 = WIDTH - LEFT - RIGHT;
const LANE_H: f64 = 16.0;
const GAP: f64 = 5.0;
const BAR_H: f64 = 14.0;
const PITCH: f64 = BAR_H + 3.0;

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

fn moment_colour(m: MomentKind) -> &'static str {
    match m {
        MomentKind::FirstFoothold => "#8e1b1b",
        MomentKind::Detected => "#2f6fdf",
        MomentKind::Contained => "#d97706",
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

/// The chart's drawing so far, top to bottom, on one time axis.
struct Canvas {
    /// The chart's right edge, in drill minutes.
    end: u32,
    body: String,
    /// Where the next lane goes.
    y: f64,
}

impl Canvas {
    fn x(&self, t: u32) -> f64 {
        LEFT + f64::from(t) / f64::from(self.end.max(1)) * PLOT
    }

    /// Bars shorter than this are drawn this long, so that they can be seen and hovered.
    fn min_len(&self) -> u32 {
        (self.end / 120).max(1)
    }

    fn heading(&mut self, text: &str) {
        let _ = write!(
            self.body,
            r##"<text x="4" y="{:.1}" font-size="12" font-weight="700" fill="#1f2933">{}</text>"##,
            self.y + 11.0,
            esc(text)
        );
    }

    /// A lane's name, right-aligned left of the plot.
    fn lane_name(&mut self, text: &str, dy: f64) {
        let _ = write!(
            self.body,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#1f2933">{}</text>"##,
            LEFT - 8.0,
            self.y + dy,
            esc(text)
        );
    }

    /// A bar's label: inside the bar when it fits, else just after it when the row is free
    /// there (`room` wide from the bar's start), else none.
    fn bar_label(&mut self, x0: f64, top: f64, w: f64, room: f64, text: &str, fill: &str) {
        let need = (text.chars().count() as f64) * 5.6 + 8.0;
        let (tx, ink) = if need <= w {
            (x0 + 4.0, fill)
        } else if need <= room - w {
            (x0 + w + 3.0, "#3e4c59")
        } else {
            return;
        };
        let _ = write!(
            self.body,
            r##"<text x="{tx:.1}" y="{:.1}" font-size="10" fill="{ink}" pointer-events="none">{}</text>"##,
            top + BAR_H - 4.0,
            esc(text)
        );
    }

    /// How far bar `i` may label to its right: up to the next bar in its row.
    fn room(&self, spans: &[(u32, u32)], rows: &[usize], i: usize) -> f64 {
        let next = spans
            .iter()
            .zip(rows)
            .skip(i + 1)
            .find(|(_, r)| **r == rows[i])
            .map_or(WIDTH - RIGHT, |(s, _)| self.x(s.0));
        next - self.x(spans[i].0)
    }

    fn systems(&mut self, lanes: &[Lane]) {
        self.heading("Systems");
        self.y += 20.0;
        if lanes.is_empty() {
            let _ = write!(
                self.body,
                r##"<text x="{LEFT}" y="{:.1}" font-size="12" fill="#616e7c">No system changed state.</text>"##,
                self.y + 12.0
            );
            self.y += LANE_H + GAP;
        }
        for lane in lanes {
            self.lane_name(&lane.system, 12.0);
            for s in &lane.segments {
                let _ = write!(
                    self.body,
                    r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{LANE_H}" fill="{}"><title>{}: {:?} {}–{}</title></rect>"##,
                    self.x(s.from),
                    self.y,
                    (self.x(s.to) - self.x(s.from)).max(0.5),
                    state_colour(s.state),
                    esc(&lane.system),
                    s.state,
                    clock(s.from),
                    clock(s.to)
                );
            }
            self.y += LANE_H + GAP;
        }
    }

    fn stages(&mut self, stages: &[StageBar]) {
        if stages.is_empty() {
            return;
        }
        self.y += 10.0;
        self.heading("Attacker");
        self.y += 20.0;
        let spans: Vec<(u32, u32)> = stages.iter().map(|s| (s.from, s.to)).collect();
        let (rows, n) = pack(&spans, self.min_len());
        self.lane_name("stages", 11.0);
        for (i, (s, row)) in stages.iter().zip(&rows).enumerate() {
            let top = self.y + *row as f64 * PITCH;
            let (fill, opacity, ink) = match s.outcome {
                StageOutcome::Succeeded => ("#8e1b1b", "1", "#fff"),
                StageOutcome::Blocked => ("#9aa5b1", "1", "#1f2933"),
                StageOutcome::Running => ("#8e1b1b", "0.45", "#fff"),
            };
            let (x0, w) = (self.x(s.from), (self.x(s.to) - self.x(s.from) - 1.0).max(3.0));
            let _ = write!(
                self.body,
                r##"<rect x="{x0:.1}" y="{top:.1}" width="{w:.1}" height="{BAR_H}" rx="2" fill="{fill}" fill-opacity="{opacity}"><title>{} ({}) {}–{}: {}</title></rect>"##,
                esc(&s.stage),
                esc(&s.technique),
                clock(s.from),
                clock(s.to),
                s.outcome
            );
            let room = self.room(&spans, &rows, i);
            self.bar_label(x0, top, w, room, &s.stage, ink);
        }
        self.y += n as f64 * PITCH + GAP;
    }

    /// A band per team, its actions packed into rows.
    fn teams(&mut self, teams: &[&str], actions: &[ActionBar]) {
        self.y += 10.0;
        self.heading("Team actions");
        self.y += 20.0;
        for team in teams {
            let bars: Vec<_> = actions.iter().filter(|a| a.team == *team).collect();
            let spans: Vec<(u32, u32)> = bars.iter().map(|a| (a.from, a.to)).collect();
            let (rows, n) = pack(&spans, self.min_len());
            self.lane_name(team, 11.0);
            let band = n as f64 * PITCH + 1.0;
            let _ = write!(
                self.body,
                r##"<rect x="{LEFT}" y="{:.1}" width="{PLOT:.1}" height="{band:.1}" fill="#f5f7fa"/>"##,
                self.y - 2.0
            );
            if bars.is_empty() {
                let _ = write!(
                    self.body,
                    r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#9aa5b1">no actions</text>"##,
                    LEFT + 6.0,
                    self.y + 10.0
                );
            }
            for (i, (a, row)) in bars.iter().zip(&rows).enumerate() {
                let top = self.y + *row as f64 * PITCH;
                self.action(a, top, self.room(&spans, &rows, i));
            }
            self.y += band + GAP;
        }
    }

    fn action(&mut self, a: &ActionBar, top: f64, room: f64) {
        let (x0, w) = (self.x(a.from), (self.x(a.to) - self.x(a.from) - 1.0).max(4.0));
        let colour = phase_colour(a.phase);
        let (fill_opacity, dash, ink) = match a.outcome {
            ActionOutcome::Completed => ("0.9", "", "#fff"),
            ActionOutcome::Running => ("0.45", "", "#1f2933"),
            ActionOutcome::Failed | ActionOutcome::Cancelled => {
                ("0.15", r#" stroke-dasharray="3 2""#, "#1f2933")
            }
        };
        let target = a.target.as_ref().map(|t| format!(" {t}")).unwrap_or_default();
        let _ = write!(
            self.body,
            r##"<g><title>{} {}{}: {}–{} ({}, {})</title><rect x="{x0:.1}" y="{top:.1}" width="{w:.1}" height="{BAR_H}" rx="2" fill="{colour}" fill-opacity="{fill_opacity}" stroke="{colour}"{dash}/></g>"##,
            esc(&a.team),
            esc(&a.action),
            esc(&target),
            clock(a.from),
            clock(a.to),
            phase_word(a.phase),
            a.outcome,
        );
        self.bar_label(x0, top, w, room, &format!("{}{target}", a.action), ink);
    }

    /// The hour grid and its labels, under the lanes.
    fn grid(&self, height: f64) -> String {
        let mut grid = String::new();
        let hours = self.end.div_ceil(60).max(1);
        let step = [1, 2, 3, 4, 6, 12, 24, 48].into_iter().find(|s| hours / s <= 14).unwrap_or(96);
        let mut h = 0;
        while h * 60 <= self.end {
            let xx = self.x(h * 60);
            let _ = write!(
                grid,
                r##"<line x1="{xx:.1}" y1="22" x2="{xx:.1}" y2="{:.1}" stroke="#d9e2ec" stroke-width="1"/><text x="{xx:.1}" y="16" font-size="11" text-anchor="middle" fill="#616e7c">{}</text>"##,
                height - 6.0,
                clock(h * 60)
            );
            h += step;
        }
        grid
    }

    /// Dashed lines through every lane at the moments; labels in a strip below, staggered
    /// when close.
    fn moments(&self, moments: &[Moment], height: f64) -> String {
        let mut out = String::new();
        let mut last_x = f64::MIN;
        let mut level = 0_u32;
        for m in moments {
            let xx = self.x(m.at);
            level = if xx - last_x < 150.0 { level + 1 } else { 0 };
            last_x = xx;
            let colour = moment_colour(m.kind);
            let _ = write!(
                out,
                r##"<line x1="{xx:.1}" y1="24" x2="{xx:.1}" y2="{:.1}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="5 3"/><text x="{:.1}" y="{:.1}" font-size="11" fill="{colour}" font-weight="600">{} {}</text>"##,
                height + 2.0 + f64::from(level) * 13.0,
                xx + 4.0,
                height + 12.0 + f64::from(level) * 13.0,
                m.kind.label(),
                clock(m.at)
            );
        }
        out
    }
}

/// The timeline chart as one `<svg>` element.
pub fn svg(c: &TimelineChart) -> String {
    let mut canvas = Canvas { end: c.chart.end, body: String::new(), y: 34.0 };
    canvas.systems(&c.chart.lanes);
    canvas.stages(&c.chart.stages);
    canvas.teams(&c.teams, &c.chart.actions);
    let height = canvas.y + 8.0;
    let grid = canvas.grid(height);
    let moments = canvas.moments(&c.moments, height);
    let total = height + 14.0 + 3.0 * 13.0;
    format!(
        r##"<svg viewBox="0 0 {WIDTH} {total:.0}" width="100%" role="img" aria-label="Timeline of system states, attack stages and team actions">{grid}{}{moments}</svg>"##,
        canvas.body
    )
}

/// What the chart's colours and strokes mean.
pub fn legend() -> String {
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
            phase_word(p)
        );
    }
    o.push_str(r#"<span>faded: running at the end · dashed: failed or cancelled · hover for details</span>"#);
    o.push_str("</div>");
    o
}
