//! The terminal loop: read input, update the app, advance the drill by wall time, draw.
//! The terminal is restored on every exit path: normal return, error, and panic (ratatui's
//! init installs a panic hook; a drop guard is the second line of defence).

use std::io;
use std::time::{Duration, Instant};

use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;

use crate::app::{Action, App};
use crate::input;
use crate::ui::{self, theme::Theme};

/// Restores the terminal when dropped, whatever happened.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = execute!(io::stdout(), DisableMouseCapture);
        ratatui::restore();
    }
}

/// Runs the app until it quits.
pub fn run(mut app: App) -> io::Result<App> {
    let theme = Theme::from_env();
    let mut terminal = ratatui::init();
    let _restore = Restore;
    execute!(io::stdout(), EnableMouseCapture)?;
    let mut last = Instant::now();
    while !app.quit {
        terminal.draw(|frame| ui::render(&app, frame, theme))?;
        // Wake at least every 50 ms so the clock moves smoothly.
        if event::poll(Duration::from_millis(50))? {
            let action = match event::read()? {
                Event::Key(key) if key.is_press() => input::action_for(&app, key),
                Event::Mouse(mouse) => {
                    let size = terminal.size()?;
                    let rows =
                        ui::estate_rows(ratatui::layout::Rect::new(0, 0, size.width, size.height));
                    input::mouse_action(&app, mouse, rows)
                }
                _ => None,
            };
            let mut next = action;
            while let Some(a) = next {
                next = app.update(a);
            }
        }
        let now = Instant::now();
        app.update(Action::Tick(now - last));
        last = now;
    }
    Ok(app)
}
