//! Colours and glyphs. With NO_COLOR set the screen is plain: state still reads from the
//! glyph and the word.

use ratatui::style::{Color, Modifier, Style};
use tabletop_engine::scenario::SystemState;

/// The styles of one run of the program.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// Whether to use colour at all.
    pub colour: bool,
}

impl Theme {
    /// Colour unless NO_COLOR is set (to anything non-empty).
    pub fn from_env() -> Self {
        Theme { colour: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) }
    }

    fn fg(self, c: Color) -> Style {
        if self.colour { Style::default().fg(c) } else { Style::default() }
    }

    /// A system state's style.
    pub fn state(self, s: Option<SystemState>) -> Style {
        match s {
            Some(SystemState::Online) => self.fg(Color::Green),
            Some(SystemState::Degraded) => self.fg(Color::Yellow),
            Some(SystemState::Down | SystemState::Destroyed) => self.fg(Color::Red),
            Some(SystemState::Isolated) => self.fg(Color::Cyan),
            Some(SystemState::Encrypted) => self.fg(Color::Magenta),
            None => self.fg(Color::DarkGray),
        }
    }

    /// Warnings and bad news.
    pub fn bad(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Good news.
    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }

    /// Secondary text.
    pub fn dim(self) -> Style {
        if self.colour { Style::default().fg(Color::DarkGray) } else { Style::default() }
    }

    /// The selected row.
    pub fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    /// Titles and the focused pane's border.
    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
}

/// A system state's glyph and word.
pub fn glyph(s: Option<SystemState>) -> (&'static str, &'static str) {
    match s {
        Some(SystemState::Online) => ("●", "online"),
        Some(SystemState::Degraded) => ("◐", "degraded"),
        Some(SystemState::Down) => ("○", "down"),
        Some(SystemState::Isolated) => ("◌", "isolated"),
        Some(SystemState::Encrypted) => ("▣", "encrypted"),
        Some(SystemState::Destroyed) => ("✖", "destroyed"),
        None => ("·", "unknown"),
    }
}
