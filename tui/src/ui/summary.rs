//! The end-of-drill summary: objectives met or missed, key figures, where the log is and
//! how to turn it into the after-action report.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::money;
use super::theme::Theme;
use crate::app::App;

pub(super) fn render(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let Some(s) = &app.session else { return };
    let scenario = s.drill.scenario();
    let truth_cost = s.truth.as_ref().map(|t| t.cost);
    let mut lines = vec![
        Line::styled(
            format!("{} — drill over at T+{}", scenario.meta.title, s.drill.now().clock()),
            theme.title(),
        ),
        Line::raw(""),
        Line::styled("Objectives", theme.title()),
    ];
    for o in &scenario.objectives {
        let verdict = s.objectives.iter().find(|(id, _)| id == &o.id).map(|(_, met)| *met);
        let (mark, style, word) = match verdict {
            Some(true) => ("✓", theme.good(), "met"),
            Some(false) => ("✗", theme.bad(), "missed"),
            None => ("·", theme.dim(), "undecided (drill ended early)"),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {mark} "), style),
            Span::raw(format!("{} (weight {}) — ", o.description, o.weight)),
            Span::styled(word, style),
        ]));
    }
    let total: u32 = scenario.objectives.iter().map(|o| o.weight).sum();
    let met: u32 = scenario
        .objectives
        .iter()
        .filter(|o| s.objectives.iter().any(|(id, met)| id == &o.id && *met))
        .map(|o| o.weight)
        .sum();
    if total > 0 {
        // The same score `balance` and the report give: weight met over all weights.
        lines[2] = Line::styled(
            format!(
                "Objectives — score {:.0} / 100 (weight met: {met} of {total})",
                f64::from(met) * 100.0 / f64::from(total)
            ),
            theme.title(),
        );
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Key figures", theme.title()));
    let events = s.drill.events_since(0);
    let cost = truth_cost.or_else(|| {
        events.iter().rev().find_map(|e| match e.event {
            tabletop_engine::Event::DrillEnded { cost } => Some(cost),
            _ => None,
        })
    });
    let encrypted = events
        .iter()
        .filter(|e| {
            matches!(
                &e.event,
                tabletop_engine::Event::StateChanged {
                    to: tabletop_engine::scenario::SystemState::Encrypted,
                    ..
                }
            )
        })
        .count();
    let compromised = events
        .iter()
        .filter(|e| matches!(e.event, tabletop_engine::Event::Compromised { .. }))
        .count();
    let actions = events
        .iter()
        .filter(|e| matches!(e.event, tabletop_engine::Event::ActionCompleted { .. }))
        .count();
    if let Some(cost) = cost {
        lines.push(Line::raw(format!(
            "  business cost     {}",
            money(cost, &scenario.meta.currency)
        )));
    }
    lines.push(Line::raw(format!("  systems encrypted {encrypted} · footholds gained {compromised} · team actions completed {actions}")));
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::raw("The drill log is "),
        Span::styled(s.log_path.display().to_string(), theme.title()),
    ]));
    if let Some(head) = s.drill.sealed_head() {
        // Participants note it: `verify` and the report print it again for this log.
        lines.push(Line::raw("The log is sealed; its head hash, to note down:"));
        lines.push(Line::styled(format!("  {head}"), theme.title()));
    }
    lines
        .push(Line::raw(format!("After-action report:  tabletop report {}", s.log_path.display())));
    lines.push(Line::raw(""));
    lines.push(Line::styled("Press Enter or q to leave.", theme.dim()));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" summary ")),
        area,
    );
}
