//! Overlays: the key help (generated from the keymap), menus and text input.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap};

use super::theme::Theme;
use crate::app::{App, InputPurpose, MenuItem, Overlay, Reading};
use crate::input::{Context, contexts, keymap};
use tabletop_engine::model::ObservationKind;

fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [h] =
        Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(v);
    h
}

pub(super) fn render(app: &App, overlay: &Overlay, frame: &mut Frame, area: Rect, theme: Theme) {
    match overlay {
        Overlay::Help => {
            let active = contexts(app);
            let mut lines: Vec<Line> = keymap()
                .into_iter()
                .filter(|b| active.contains(&b.context))
                .map(|b| {
                    let scope = match b.context {
                        Context::Global => "",
                        Context::Drill | Context::Live => "",
                        Context::Team => " (team)",
                        Context::Facilitator => " (facilitator)",
                        Context::Review => " (review)",
                        Context::Summary => " (after the drill)",
                    };
                    Line::from(vec![
                        Span::styled(format!("{:>6} ", b.label), theme.title()),
                        Span::raw(format!("{}{scope}", b.help)),
                    ])
                })
                .collect();
            if active.contains(&Context::Team) {
                lines.push(Line::raw(""));
                lines.push(Line::styled("What the marks mean", theme.title()));
                lines.push(Line::raw(
                    "● online ◐ degraded ○ down ◌ isolated ▣ encrypted ✖ destroyed · unknown",
                ));
                lines.push(Line::raw(
                    "! compromised  ? suspected  - checked, nothing found then (not all-clear)",
                ));
                lines.push(Line::raw("• unread  ▲ escalated alert  ✉ message  ⚠ alert"));
            }
            // Two columns when one does not fit (80x24 and smaller).
            let fits = lines.len() as u16 + 2 <= area.height;
            let (rows, width) =
                if fits { (lines.len(), 78) } else { (lines.len().div_ceil(2), area.width) };
            let rect = centred(area, width, rows as u16 + 2);
            frame.render_widget(Clear, rect);
            let block = Block::default().borders(Borders::ALL).title(" keys — Esc closes ");
            let inner = block.inner(rect);
            frame.render_widget(block, rect);
            if fits {
                frame.render_widget(Paragraph::new(lines), inner);
            } else {
                let [a, b] =
                    Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                        .areas(inner);
                let second = lines.split_off(rows);
                frame.render_widget(Paragraph::new(lines), a);
                frame.render_widget(Paragraph::new(second), b);
            }
        }
        Overlay::Menu { title, items, selected } => {
            render_menu(title, items, *selected, frame, area, theme)
        }
        Overlay::Objectives => render_objectives(app, frame, area, theme),
        Overlay::Reader(reading, scroll) => {
            render_reader(app, reading, *scroll, frame, area, theme)
        }
        Overlay::ConfirmQuit => {
            let log = app
                .session
                .as_ref()
                .map_or_else(|| "LOG".to_owned(), |s| s.log_path.display().to_string());
            let lines = vec![
                Line::styled("Quit in the middle of the drill?", theme.title()),
                Line::raw(""),
                Line::raw("Everything played so far is in the log; to go on later:"),
                Line::styled(format!("  tabletop resume {log}"), theme.title()),
                Line::raw(""),
                Line::raw("Enter or q: quit    Esc: back to the drill"),
            ];
            let rect = centred(area, 66, lines.len() as u16 + 2);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" quit ")),
                rect,
            );
        }
        Overlay::ConfirmEnd => {
            let lines = vec![
                Line::styled("End the drill now?", theme.title()),
                Line::raw(""),
                Line::raw("It ends for every seat and shows the summary; objectives not"),
                Line::raw("decided yet stay undecided. The log keeps everything played:"),
                Line::raw("`tabletop resume LOG` goes on from here."),
                Line::raw(""),
                Line::raw("Enter or x: end it    Esc: back to the drill"),
            ];
            let rect = centred(area, 66, lines.len() as u16 + 2);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(lines)
                    .block(Block::default().borders(Borders::ALL).title(" end the drill ")),
                rect,
            );
        }
        Overlay::Input { purpose, text } => {
            let title = match purpose {
                InputPurpose::Filter => " filter the estate — Enter keeps, Esc clears ",
                InputPurpose::Note => " note for the drill record — Enter saves, Esc drops ",
                InputPurpose::GoTo => " go to drill time (02:30) — Enter jumps, Esc cancels ",
                InputPurpose::DeclineReason(_) => " why decline? — Enter sends, Esc keeps it open ",
                InputPurpose::Hotwash(ObservationKind::Strength) => {
                    " hotwash 1/3: one thing that went well — Enter next, Esc stops "
                }
                InputPurpose::Hotwash(ObservationKind::Problem) => {
                    " hotwash 2/3: one problem — Enter next, Esc stops "
                }
                InputPurpose::Hotwash(ObservationKind::Suggestion) => {
                    " hotwash 3/3: one thing to do differently — Enter saves, Esc stops "
                }
            };
            let rect = centred(area, 70, 3);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(format!("{text}▏"))
                    .block(Block::default().borders(Borders::ALL).title(title)),
                rect,
            );
        }
    }
}

/// A menu: its entries (what cannot be chosen now greyed, with the reason), and under them
/// what the highlighted entry would do, wrapped to the width so nothing is cut at 80 columns.
fn render_menu(
    title: &str,
    items: &[MenuItem],
    selected: usize,
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    let width = area.width.min(90);
    let inner_width = width.saturating_sub(2).max(1);
    let current = items.get(selected);
    let mut detail: Vec<Line> = Vec::new();
    if let Some(item) = current {
        if let Some(why) = &item.disabled {
            detail.push(Line::styled(format!("Not now: {why}"), theme.bad()));
        }
        detail.extend(item.detail.iter().map(|l| Line::raw(l.clone())));
    }
    // Rows the detail needs once wrapped: a word-wrapped line may take one more row than
    // its length divided by the width, so count generously rather than cut.
    let detail_rows = wrapped_rows(&detail, inner_width);
    let max_height = area.height.saturating_sub(2).max(3);
    let detail_rows = detail_rows.min(max_height / 2);
    let list_rows = (items.len() as u16).min(max_height.saturating_sub(detail_rows + 3)).max(1);
    let height = list_rows + 2 + if detail_rows > 0 { detail_rows + 1 } else { 0 };
    let rect = centred(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "))
        .title(
            ratatui::text::Line::from(format!(" {}/{} ", selected + 1, items.len()))
                .right_aligned(),
        )
        .title_bottom(" Enter: do it · Esc: close ");
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [list_area, rule, detail_area] = Layout::vertical([
        Constraint::Length(list_rows),
        Constraint::Length(u16::from(detail_rows > 0)),
        Constraint::Min(0),
    ])
    .areas(inner);
    let rows: Vec<ListItem> = items
        .iter()
        .map(|i| match &i.disabled {
            None => ListItem::new(i.label.clone()),
            Some(why) => ListItem::new(Line::styled(format!("{} — {why}", i.label), theme.dim())),
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(selected));
    frame.render_stateful_widget(
        List::new(rows).highlight_style(theme.selected()).highlight_symbol("› "),
        list_area,
        &mut state,
    );
    if detail_rows > 0 {
        frame.render_widget(
            Paragraph::new("─".repeat(rule.width as usize)).style(theme.dim()),
            rule,
        );
        frame.render_widget(Paragraph::new(detail).wrap(Wrap { trim: true }), detail_area);
    }
}

/// The seat's objectives: each with how it stands and its weight, and the score so far.
fn render_objectives(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let Some(s) = &app.session else { return };
    let team = s.team();
    let objectives: Vec<_> = s
        .drill
        .scenario()
        .objectives
        .iter()
        .filter(|o| team.is_none() || o.team.is_none() || o.team.as_deref() == team)
        .collect();
    let total: u32 = objectives.iter().map(|o| o.weight).sum();
    let mut met_weight = 0;
    let mut lines = Vec::new();
    for o in &objectives {
        let verdict = s.objectives.iter().find(|(id, _)| id == &o.id).map(|(_, met)| *met);
        let (mark, style, word) = match verdict {
            Some(true) => ("✓", theme.good(), "met"),
            Some(false) => ("✗", theme.bad(), "missed"),
            None => ("○", theme.dim(), "open"),
        };
        if verdict == Some(true) {
            met_weight += o.weight;
        }
        let whose = match (&o.team, team) {
            (None, Some(_)) => " (shared)".to_owned(),
            (Some(t), None) => format!(" ({t})"),
            _ => String::new(),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} {word:<6} "), style),
            Span::styled(format!("{:>3} ", o.weight), theme.dim()),
            Span::raw(format!("{}{whose}", o.description)),
        ]));
    }
    if lines.is_empty() {
        lines.push(Line::styled("This seat is scored on no objective.", theme.dim()));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "met so far: weight {met_weight} of {total}; open ones are decided as the drill goes"
        ),
        theme.dim(),
    ));
    let width = area.width.min(100);
    let rows = wrapped_rows(&lines, width.saturating_sub(2).max(1));
    let rect = centred(area, width, (rows + 2).min(area.height));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" objectives — ✓ met · ✗ missed · ○ open · weight ")
                .title_bottom(" o or Esc closes "),
        ),
        rect,
    );
}

/// Rows `lines` take wrapped at `width`: a word-wrapped line may take one more row than
/// its length divided by the width, so this counts generously rather than cut.
fn wrapped_rows(lines: &[Line], width: u16) -> u16 {
    lines
        .iter()
        .map(|l| {
            let w = l.width() as u16;
            w.div_ceil(width).max(1) + u16::from(w > width)
        })
        .sum()
}

/// Text read in full and scrollable (the briefing, an inject): at 80x24 neither fits.
fn render_reader(
    app: &App,
    reading: &Reading,
    scroll: u16,
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    // On the launcher, the briefing of the highlighted scenario; in a drill, the drill's.
    let scenario = match (&app.session, &app.screen) {
        (Some(s), _) => s.drill.scenario(),
        (None, crate::app::Screen::Launcher { selected }) => match app.offers.get(*selected) {
            Some(o) => &o.scenario,
            None => return,
        },
        (None, _) => return,
    };
    let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let (title, mut lines, close) = match reading {
        Reading::Briefing => {
            let m = &scenario.meta;
            let mut lines = vec![Line::styled(m.title.clone(), theme.title()), Line::raw("")];
            lines.push(Line::raw(flat(&m.summary)));
            lines.push(Line::raw(""));
            lines.extend(m.briefing.lines().map(|l| Line::raw(l.trim().to_owned())));
            let close = if app.session.is_some() {
                " ↑↓ PgUp PgDn scroll · Esc or Enter: to the drill "
            } else {
                " ↑↓ PgUp PgDn scroll · Esc: back to the scenarios "
            };
            ("briefing", lines, close)
        }
        Reading::Inject(id) => {
            let inject = scenario.injects.iter().find(|i| &i.id == id);
            let open = app
                .session
                .as_ref()
                .and_then(|s| s.view.as_ref())
                .is_some_and(|v| v.decisions.iter().any(|d| &d.inject == id));
            let mut lines = vec![Line::styled(
                inject.map_or_else(|| id.clone(), |i| i.title.clone()),
                theme.title(),
            )];
            lines.push(Line::raw(""));
            lines.push(Line::raw(inject.map(|i| flat(&i.text)).unwrap_or_default()));
            let close = if open {
                lines.push(Line::raw(""));
                lines.push(Line::styled("Your team decides this: Enter to choose.", theme.bad()));
                " ↑↓ scroll · Enter: decide · Esc: back "
            } else {
                " ↑↓ scroll · Esc or Enter: back "
            };
            ("message", lines, close)
        }
    };
    let width = area.width.min(100);
    let rows = wrapped_rows(&lines, width.saturating_sub(2).max(1));
    let rect = centred(area, width, (rows + 2).min(area.height));
    let visible = rect.height.saturating_sub(2);
    let scroll = scroll.min(rows.saturating_sub(visible));
    let more = if rows > visible + scroll { " ↓ more" } else { "" };
    if lines.is_empty() {
        lines.push(Line::raw(""));
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((scroll, 0)).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {title}{more} "))
                .title_bottom(close),
        ),
        rect,
    );
}
