//! Overlays: the key help (generated from the keymap), menus and text input.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph};

use super::theme::Theme;
use crate::app::{App, InputPurpose, Overlay};
use crate::input::{Context, contexts, keymap};

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
                        Context::Drill => "",
                        Context::Team => " (team)",
                        Context::Facilitator => " (facilitator)",
                        Context::Review => " (review)",
                    };
                    Line::from(vec![
                        Span::styled(format!("{:>6} ", b.label), theme.title()),
                        Span::raw(format!("{}{scope}", b.help)),
                    ])
                })
                .collect();
            // Two columns when one does not fit (80x24 and smaller).
            let fits = lines.len() as u16 + 2 <= area.height;
            let (rows, width) =
                if fits { (lines.len(), 62) } else { (lines.len().div_ceil(2), area.width) };
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
            let rows: Vec<ListItem> = items
                .iter()
                .map(|i| match &i.disabled {
                    None => ListItem::new(i.label.clone()),
                    Some(why) => {
                        ListItem::new(Line::styled(format!("{} — {why}", i.label), theme.dim()))
                    }
                })
                .collect();
            let rect = centred(
                area,
                72,
                (items.len() as u16 + 2).min(area.height.saturating_sub(2)).max(3),
            );
            let mut state = ListState::default().with_selected(Some(*selected));
            frame.render_widget(Clear, rect);
            frame.render_stateful_widget(
                List::new(rows)
                    .block(
                        Block::default()
                            .borders(Borders::ALL)
                            .title(format!(" {title} — Enter: do it, Esc: close ")),
                    )
                    .highlight_style(theme.selected())
                    .highlight_symbol("› "),
                rect,
                &mut state,
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
