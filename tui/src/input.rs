//! The one keymap: key → action for the loop, and action → key for the help overlay and
//! the status bar, so what the help says is what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use crate::app::{Action, App, Overlay, Screen};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Everywhere.
    Global,
    /// During a drill, any seat.
    Drill,
    /// During a live drill (not a review), any seat.
    Live,
    /// During a drill, a team's seat.
    Team,
    /// During a drill, the facilitator.
    Facilitator,
    /// Reviewing a recorded drill.
    Review,
    /// The end-of-drill summary of a live drill.
    Summary,
}

/// One binding.
pub struct Binding {
    /// The key.
    pub key: KeyCode,
    /// How the help shows it.
    pub label: &'static str,
    /// What it does.
    pub action: Action,
    /// What the help says it does.
    pub help: &'static str,
    /// Where it applies.
    pub context: Context,
}

const fn bind(
    key: KeyCode,
    label: &'static str,
    action: Action,
    help: &'static str,
    context: Context,
) -> Binding {
    Binding { key, label, action, help, context }
}

/// Every binding, in the order the help lists them.
pub fn keymap() -> Vec<Binding> {
    use Context::*;
    use KeyCode::*;
    vec![
        bind(Char('?'), "?", Action::Help, "show or hide this help", Global),
        bind(Char('q'), "q", Action::Quit, "quit (asks in a drill; the log is saved)", Global),
        bind(Up, "↑/k", Action::Up, "move up", Global),
        bind(Down, "↓/j", Action::Down, "move down", Global),
        bind(Enter, "Enter", Action::Enter, "choose / open the action menu / answer", Global),
        bind(Esc, "Esc", Action::Back, "close / go back", Global),
        bind(Home, "g/Home", Action::Top, "first row", Drill),
        bind(End, "G/End", Action::Bottom, "last row", Drill),
        bind(PageUp, "PgUp", Action::PageUp, "a page up", Drill),
        bind(PageDown, "PgDn", Action::PageDown, "a page down", Drill),
        bind(Char('o'), "o", Action::Objectives, "objectives: what this seat is scored on", Drill),
        bind(Char('r'), "r", Action::Briefing, "read the briefing in full", Global),
        bind(Char(' '), "space", Action::Pause, "pause or resume the clock", Drill),
        bind(Char('+'), "+", Action::SpeedUp, "faster", Drill),
        bind(Char('-'), "-", Action::SpeedDown, "slower", Drill),
        bind(Char('.'), ".", Action::Step, "advance one tick", Drill),
        bind(Char('x'), "x", Action::EndDrill, "end the drill for every seat (asks first)", Live),
        bind(Tab, "Tab", Action::NextPane, "next pane", Team),
        bind(BackTab, "S-Tab", Action::PrevPane, "previous pane", Team),
        bind(Char('/'), "/", Action::Filter, "filter the estate", Team),
        bind(
            Char('m'),
            "m",
            Action::OrganisationActions,
            "organisation-wide actions (notify, declare)",
            Team,
        ),
        bind(Char('s'), "s", Action::SwitchSeat, "hand over to the next team (hot seat)", Team),
        bind(Char('f'), "f", Action::MarkFalsePositive, "mark the alert a false positive", Team),
        bind(Char('e'), "e", Action::Escalate, "escalate the alert", Team),
        bind(Char('a'), "a", Action::Accept, "accept the request", Team),
        bind(Char('d'), "d", Action::Decline, "decline the request (say why)", Team),
        bind(Char('w'), "w", Action::Withdraw, "withdraw a request your team sent", Team),
        bind(Char('c'), "c", Action::Cancel, "cancel the action in progress", Team),
        bind(Char('i'), "i", Action::FireInject, "fire an inject now", Facilitator),
        bind(
            Char('b'),
            "b",
            Action::HandSeat,
            "hand a seat to a bot, or back to people",
            Facilitator,
        ),
        bind(Char(','), ",", Action::StepBack, "one tick back", Review),
        bind(Char('n'), "n", Action::NextEvent, "jump past the next recorded event", Review),
        bind(Char('g'), "g", Action::GoToTime, "jump to a drill time", Review),
        bind(Char('s'), "s", Action::SwitchSeat, "next seat's view (then the truth)", Review),
        bind(Char('n'), "n", Action::Note, "add a note to the drill record", Facilitator),
        bind(
            Char('h'),
            "h",
            Action::Hotwash,
            "hotwash: one strength, one problem, one suggestion, kept in the drill log",
            Summary,
        ),
    ]
}

/// The contexts that apply on the current screen.
pub fn contexts(app: &App) -> Vec<Context> {
    let mut out = vec![Context::Global];
    if matches!(app.screen, Screen::Summary)
        && app.session.as_ref().is_some_and(|s| s.review.is_none())
    {
        out.push(Context::Summary);
    }
    if matches!(app.screen, Screen::Drill) {
        out.push(Context::Drill);
        match &app.session {
            Some(s) if s.review.is_some() => {
                // Review keys first: they win over the same keys' live meanings.
                out.insert(0, Context::Review);
                if s.team().is_some() {
                    out.push(Context::Team);
                }
            }
            Some(s) if s.team().is_some() => out.extend([Context::Live, Context::Team]),
            Some(_) => out.extend([Context::Live, Context::Facilitator]),
            None => {}
        }
    }
    out
}

/// The action for a key press on the current screen, if any.
pub fn action_for(app: &App, key: KeyEvent) -> Option<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return Some(Action::Interrupt);
    }
    if let Some(Overlay::Input { .. }) = app.overlay {
        return match key.code {
            KeyCode::Char(c) => Some(Action::Char(c)),
            KeyCode::Backspace => Some(Action::Backspace),
            KeyCode::Enter => Some(Action::Enter),
            KeyCode::Esc => Some(Action::Back),
            _ => None,
        };
    }
    let code = match key.code {
        KeyCode::Char('k') => KeyCode::Up,
        KeyCode::Char('j') => KeyCode::Down,
        KeyCode::Char('G') => KeyCode::End,
        other => other,
    };
    let active = contexts(app);
    // `g` is a row key where nothing claims it for its own (review: go to a time).
    let code = match code {
        KeyCode::Char('g') if !active.contains(&Context::Review) => KeyCode::Home,
        other => other,
    };
    keymap().into_iter().find(|b| b.key == code && active.contains(&b.context)).map(|b| b.action)
}

/// The action for a mouse event: a left click on an estate row selects it. `estate` is
/// the list's rows on screen, as drawn; a click is tested by column as well as row.
pub fn mouse_action(app: &App, mouse: MouseEvent, estate: ratatui::layout::Rect) -> Option<Action> {
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) if matches!(app.screen, Screen::Drill) => {
            let inside = (estate.x..estate.x + estate.width).contains(&mouse.column);
            let row = mouse.row.checked_sub(estate.y).filter(|r| *r < estate.height && inside)?;
            // The list scrolls to keep the selection in view: the same offset it drew with.
            let selected = app.session.as_ref().map_or(0, |s| s.sel("estate"));
            let offset = crate::ui::scroll(selected, estate.height as usize);
            Some(Action::ClickRow(offset + row as usize))
        }
        MouseEventKind::ScrollUp => Some(Action::Up),
        MouseEventKind::ScrollDown => Some(Action::Down),
        _ => None,
    }
}

/// The key label bound to an action in the active contexts, for the status bar.
pub fn key_of(app: &App, action: &Action) -> Option<&'static str> {
    let active = contexts(app);
    keymap()
        .into_iter()
        .find(|b| &b.action == action && active.contains(&b.context))
        .map(|b| b.label)
}
