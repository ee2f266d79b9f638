//! The terminal loop: read input, update the app, advance the drill by wall time, draw.
//! The terminal is restored on every exit path: normal return, error, panic (ratatui's init
//! installs a panic hook; a drop guard is the second line of defence), and the signals that
//! ask a program to end (SIGTERM, SIGINT, SIGHUP, SIGQUIT), which quit the way `q` does.

use std::io::{self, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;

use crate::app::{Action, App};
use crate::input;
use crate::ui::{self, theme::Theme};

/// Restores the terminal when dropped, whatever happened.
pub(crate) struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = execute!(io::stdout(), DisableMouseCapture);
        // Not `ratatui::restore`, which prints its failure with `eprintln!`: after SIGHUP the
        // terminal is gone, and a failed print would panic here.
        let _ = ratatui::try_restore();
    }
}

/// The signals that end a session the way `q` does. In raw mode Ctrl-C is a key, not SIGINT,
/// so these come from `kill`, a closed terminal (SIGHUP) or a supervisor.
#[cfg(unix)]
const ENDING: [i32; 4] =
    [SIGTERM, SIGINT, signal_hook::consts::SIGHUP, signal_hook::consts::SIGQUIT];
#[cfg(not(unix))]
const ENDING: [i32; 2] = [SIGTERM, SIGINT];

/// Which ending signal has arrived, polled once per loop iteration.
pub(crate) struct Signals {
    /// Set by the first ending signal; once set, the next one takes its default action.
    arrived: Arc<AtomicBool>,
    /// The number of the last ending signal.
    which: Arc<AtomicUsize>,
    /// Whether the session reads keys from a terminal on stdin, whose loss is a hangup.
    terminal: bool,
    /// Set once [`Signals::wait`] saw that terminal hang up.
    hung_up: std::cell::Cell<bool>,
}

impl Signals {
    pub(crate) fn register() -> io::Result<Self> {
        let arrived = Arc::new(AtomicBool::new(false));
        let which = Arc::new(AtomicUsize::new(0));
        for signal in ENDING {
            // Registered before the flag is set, so it sees the flag as the previous signal
            // left it: a second signal ends the process at once (its default action), in case
            // the orderly exit the first one asked for is stuck.
            flag::register_conditional_default(signal, Arc::clone(&arrived))?;
            flag::register_usize(signal, Arc::clone(&which), usize::try_from(signal).unwrap_or(0))?;
            flag::register(signal, Arc::clone(&arrived))?;
        }
        Ok(Signals { arrived, which, terminal: false, hung_up: std::cell::Cell::new(false) })
    }

    /// Also counts the loss of the terminal on stdin as a hangup (see [`Signals::wait`]). A
    /// closed terminal sends SIGHUP only to its session's leader: a program started by a
    /// shell that does not pass it on (`sh -c` in a tmux pane) is never told.
    pub(crate) fn watching_the_terminal(mut self) -> Self {
        self.terminal = io::stdin().is_terminal();
        self
    }

    /// Whether the watched terminal hung up: nothing can be written to it any more.
    pub(crate) fn hung_up(&self) -> bool {
        self.hung_up.get()
    }

    /// Leaves a hung-up terminal without the clean-up writes ratatui's `Terminal` makes when
    /// dropped: it reports their failure with `eprintln!`, which panics on the dead
    /// terminal and aborts the process (exit 134 instead of 129).
    pub(crate) fn abandon_if_hung_up<T>(&self, terminal: T) {
        if self.hung_up() {
            std::mem::forget(terminal);
        }
    }

    /// The ending signal that arrived, if one did; SIGHUP once the terminal hung up.
    pub(crate) fn arrived(&self) -> Option<i32> {
        if self.arrived.load(Ordering::SeqCst) {
            return i32::try_from(self.which.load(Ordering::SeqCst)).ok();
        }
        #[cfg(unix)]
        if self.hung_up() {
            return Some(signal_hook::consts::SIGHUP);
        }
        None
    }

    /// Waits up to `timeout` for a terminal event; whether one is waiting for
    /// `event::read`. Crossterm 0.29 reads a hung-up terminal forever (every read returns
    /// end-of-file and it tries again), so a watched terminal is polled here first and
    /// crossterm asked only when it has input and no hangup; a hangup is then reported by
    /// [`Signals::arrived`].
    pub(crate) fn wait(&self, timeout: Duration) -> io::Result<bool> {
        #[cfg(unix)]
        if self.terminal {
            use rustix::event::{PollFd, PollFlags, Timespec, poll};
            let stdin = io::stdin();
            let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
            let timeout = Timespec::try_from(timeout).map_err(io::Error::other)?;
            match poll(&mut fds, Some(&timeout)) {
                Ok(_) | Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
            if fds[0].revents().intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL) {
                self.hung_up.set(true);
                return Ok(false);
            }
            // Resizes come through crossterm's own signal pipe: asked every time, they wait
            // at most one `timeout`.
            return event::poll(Duration::ZERO);
        }
        event::poll(timeout)
    }
}

/// Runs the app until it quits, by a key or an ending signal (then
/// [`App::ended_by_signal`] says which).
pub fn run(mut app: App) -> io::Result<App> {
    let theme = Theme::from_env();
    // Before the terminal goes raw, so a signal can never leave it so.
    let signals = Signals::register()?.watching_the_terminal();
    let mut terminal = ratatui::init();
    let _restore = Restore;
    execute!(io::stdout(), EnableMouseCapture)?;
    let mut last = Instant::now();
    while !app.quit {
        // Checked before drawing: after SIGHUP the terminal is gone and drawing would fail.
        if let Some(signal) = signals.arrived() {
            // The log is flushed record by record, so quitting loses nothing.
            app.ended_by_signal = Some(signal);
            app.update(Action::Interrupt);
            break;
        }
        terminal.draw(|frame| ui::render(&app, frame, theme))?;
        // Wake at least every 50 ms so the clock moves smoothly (and a signal is seen).
        if signals.wait(Duration::from_millis(50))? {
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
            record_said(&mut app);
        }
        let now = Instant::now();
        app.update(Action::Tick(now - last));
        last = now;
    }
    signals.abandon_if_hung_up(terminal);
    Ok(app)
}

/// Writes the hotwash remarks said at this screen to the drill's log.
fn record_said(app: &mut App) {
    if app.said.is_empty() {
        return;
    }
    let said = std::mem::take(&mut app.said);
    if let Some(s) = &app.session
        && let Err(e) = crate::cli::review::record(&s.log_path, &said)
    {
        app.message = format!("the hotwash was not recorded: {e}");
    }
}

/// The exit code of a session that ended well: 0 after `q`, 128 + the signal's number after
/// an ending signal, as a shell reports a process a signal ended, so a script or supervisor
/// can tell the drill was cut short (its log is complete up to that moment and resumable).
pub fn exit_code(app: &App) -> ExitCode {
    match app.ended_by_signal {
        Some(signal) => ExitCode::from(u8::try_from(128 + signal).unwrap_or(u8::MAX)),
        None => ExitCode::SUCCESS,
    }
}
