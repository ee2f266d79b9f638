//! Drawing: the app model into a frame. Reads, never mutates; never touches the engine's
//! world, only the views the session holds.

mod drill;
mod facilitator;
mod launcher;
mod overlay;
mod summary;
#[cfg(test)]
mod tests;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{Action, App, Screen};
use crate::input::key_of;
use theme::Theme;

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame, theme: Theme) {
    render_in(app, frame, frame.area(), theme);
}

/// Draws the app into `area` of the frame (`serve` keeps a line above it for the room).
pub fn render_in(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let [main, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    match &app.screen {
        Screen::Launcher { selected } => {
            launcher::render_launcher(app, *selected, frame, main, theme)
        }
        Screen::SeatPick { offer, selected } => {
            launcher::render_seat_pick(app, *offer, *selected, frame, main, theme)
        }
        Screen::Handover { team } => launcher::render_handover(app, team, frame, main, theme),
        Screen::Drill => match app.session.as_ref() {
            // A review shows the truth beside the seat's view when there is room.
            Some(s) if s.review.is_some() && s.team().is_some() && main.width >= 120 => {
                let seat = if main.width >= 160 { 55 } else { 50 };
                let [left, right] = Layout::horizontal([
                    Constraint::Percentage(seat),
                    Constraint::Percentage(100 - seat),
                ])
                .areas(main);
                drill::render(s, frame, left, theme);
                facilitator::render(s, frame, right, theme);
            }
            Some(s) if s.team().is_some() => drill::render(s, frame, main, theme),
            Some(s) => facilitator::render(s, frame, main, theme),
            None => {}
        },
        Screen::Summary => summary::render(app, frame, main, theme),
    }
    render_status(app, frame, status, theme);
    if let Some(o) = &app.overlay {
        overlay::render(app, o, frame, main, theme);
    }
}

fn render_status(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let review = app.session.as_ref().is_some_and(|s| s.review.is_some());
    let wanted: &[(Action, &str)] = match app.screen {
        Screen::Drill if review => &[
            (Action::Pause, "play/pause"),
            (Action::Step, "step"),
            (Action::NextEvent, "next event"),
            (Action::SwitchSeat, "seat"),
            (Action::Help, "help"),
            (Action::Quit, "quit"),
        ],
        Screen::Drill if app.session.as_ref().is_some_and(|s| s.team().is_none()) => &[
            (Action::Help, "help"),
            (Action::Pause, "pause"),
            (Action::FireInject, "inject"),
            (Action::Note, "note"),
            (Action::Quit, "quit"),
        ],
        Screen::Drill => &[
            (Action::Help, "help"),
            (Action::Enter, "act"),
            (Action::NextPane, "pane"),
            (Action::Pause, "pause"),
            (Action::Quit, "quit"),
        ],
        Screen::Summary
            if app.session.as_ref().is_some_and(|s| s.review.is_none() && s.drill.is_over()) =>
        {
            &[(Action::Hotwash, "hotwash"), (Action::Enter, "continue"), (Action::Quit, "quit")]
        }
        Screen::Summary | Screen::Handover { .. } => {
            &[(Action::Enter, "continue"), (Action::Quit, "quit")]
        }
        Screen::Launcher { .. } => &[
            (Action::Up, "choose"),
            (Action::Enter, "select"),
            (Action::Briefing, "briefing"),
            (Action::Help, "help"),
            (Action::Quit, "quit"),
        ],
        _ => &[
            (Action::Up, "choose"),
            (Action::Enter, "select"),
            (Action::Help, "help"),
            (Action::Quit, "quit"),
        ],
    };
    let hint: Vec<String> = wanted
        .iter()
        .filter_map(|(a, word)| key_of(app, a).map(|k| format!("{k} {word}")))
        .collect();
    let hint = hint.join("  ");
    let line = Line::from(vec![
        Span::styled(hint, theme.dim()),
        Span::raw("  "),
        Span::raw(app.message.as_str()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// Where the estate list's rows sit for a terminal of `size` (for mouse hit-testing): inside
/// its border, so a click on the panes beside it or on its frame selects nothing.
pub fn estate_rows(size: Rect) -> Rect {
    let [main, _] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(size);
    drill::estate_area(main).inner(ratatui::layout::Margin::new(1, 1))
}

pub use tabletop_engine::score::money;

/// The first `offset` for a list of `height` rows that keeps `selected` in view.
pub fn scroll(selected: usize, height: usize) -> usize {
    (selected + 1).saturating_sub(height.max(1))
}

/// The rows of a list of `len` that a pane of `height` rows shows with `selected` in view,
/// and where the selection falls among them: a frame builds only what it draws, so a
/// 10,000-system estate costs what a 40-system one does.
pub fn window(len: usize, selected: usize, height: usize) -> (std::ops::Range<usize>, usize) {
    let start = scroll(selected, height).min(len);
    let end = start.saturating_add(height.max(1)).min(len);
    (start..end, selected.saturating_sub(start))
}
