//! `tabletop serve`: one drill, hosted for seats in other rooms. Participants join with any
//! SSH client (`ssh -p 2222 security@HOST`) and get their seat's screen, drawn here at their
//! terminal's size; the facilitator runs the clock from the local console (or, headless,
//! from the `facilitator` seat).
//!
//! Threads: the room (the drill, the clock, every client's UI) runs on this thread and
//! stays synchronous like the rest of the binary; russh runs on a small tokio runtime and
//! only carries bytes between the network and the room.

mod authorized;
mod bench;
mod gate;
mod hostkey;
mod keys;
mod remote;
mod room;
mod ssh;

use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event};
use russh::MethodKind;
use tabletop_engine::Drill;
use tabletop_engine::scenario::Scenario;

use crate::app::{Action, Screen};
use crate::cli::{EXIT_PROBLEMS, EXIT_USAGE};
use crate::safe_text::terminal_safe;
use crate::terminal::{Restore, Signals};
use crate::ui::theme::Theme;
use gate::{FACILITATOR, Gate};
use room::{Room, ToRoom, is_clock};

pub use authorized::Keys;
pub use bench::seats;

/// The seats of a drill of `scenario`: each team's, then the facilitator's.
fn seat_names(scenario: &Scenario) -> Vec<String> {
    let mut seats: Vec<String> = scenario.teams.iter().map(|t| t.id.clone()).collect();
    seats.push(FACILITATOR.to_owned());
    seats
}

/// Reads `serve --keys FILE` for a drill of `scenario`, or prints every problem in it and
/// gives the exit code; nothing else is started or written first.
pub fn keys(path: &std::path::Path, scenario: &Scenario) -> Result<Keys, ExitCode> {
    authorized::load(path, &Gate::new(seat_names(scenario)).logins()).map_err(|problems| {
        for p in problems {
            eprintln!("{p}");
        }
        ExitCode::from(EXIT_PROBLEMS)
    })
}

/// How `serve` listens and what it shows.
pub struct Options {
    /// TCP port.
    pub port: u16,
    /// Address to listen on.
    pub bind: IpAddr,
    /// No local console.
    pub headless: bool,
    /// Print `seat<TAB>code` lines at start.
    pub print_codes: bool,
    /// The host key file, if not the default.
    pub host_key: Option<PathBuf>,
    /// Pause the clock when a decision is addressed to a seat, until it is answered or the
    /// facilitator resumes.
    pub pause_on_decision: bool,
    /// Participants' public keys per login (`--keys`, read by [`keys`]).
    pub keys: Keys,
    /// Seats handed to bots as a new drill starts (`--bot`).
    pub bots: Vec<(String, tabletop_engine::model::Player)>,
}

/// How often the room looks for input when nothing arrives: the clock's resolution.
pub(crate) const POLL: Duration = Duration::from_millis(20);

/// Hosts `drill` (already recording to `log_path`) until the facilitator quits or, headless,
/// an ending signal arrives.
pub fn run(drill: Drill, log_path: PathBuf, options: &Options) -> ExitCode {
    let Some(key_path) = options.host_key.clone().or_else(hostkey::default_path) else {
        eprintln!("error: no data directory for the host key (HOME is not set); pass --host-key");
        return ExitCode::from(EXIT_USAGE);
    };
    let key = match hostkey::load_or_create(&key_path) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_PROBLEMS);
        }
    };
    let fingerprint = hostkey::fingerprint(&key);
    let gate = Arc::new(Gate::new(seat_names(drill.scenario())).with_keys(options.keys.clone()));
    // Codes always; listed public keys too when there are any.
    let methods: &[MethodKind] = if gate.has_keys() {
        &[MethodKind::PublicKey, MethodKind::Password]
    } else {
        &[MethodKind::Password]
    };
    let listener = match TcpListener::bind(SocketAddr::new(options.bind, options.port))
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
    {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {}:{}: {e}", options.bind, options.port);
            return ExitCode::from(EXIT_PROBLEMS);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_io()
        .enable_time()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the network runtime: {e}");
            return ExitCode::from(EXIT_PROBLEMS);
        }
    };
    let (to_room, from_ssh) = std::sync::mpsc::channel();
    let config = russh::server::Config {
        keys: vec![key],
        // Codes (and listed keys): no "none", no host-based, no keyboard-interactive to probe.
        methods: methods.into(),
        // Every refusal takes a second, whatever was wrong.
        auth_rejection_time: Duration::from_secs(1),
        auth_rejection_time_initial: Some(Duration::ZERO),
        // With keys, a client offers each of its own first (sshd allows six tries); codes
        // are limited per address by the gate whatever this says.
        max_auth_attempts: if gate.has_keys() { 6 } else { 3 },
        inactivity_timeout: None,
        // A client whose network went away is noticed and its seat shown empty.
        keepalive_interval: Some(Duration::from_secs(15)),
        nodelay: true,
        ..Default::default()
    };
    let mut server = ssh::Server { gate: gate.clone(), room: to_room, connections: 0 };
    runtime.spawn(async move {
        use russh::server::Server as _;
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => return eprintln!("error: the listening socket failed: {e}"),
        };
        if let Err(e) = server.run_on_socket(Arc::new(config), &listener).await {
            eprintln!("error: the SSH server stopped: {e}");
        }
    });

    let host =
        if options.bind.is_unspecified() { "HOST".to_owned() } else { options.bind.to_string() };
    let join = format!("join: ssh -p {} SEAT@{host}   host key {fingerprint}", options.port);
    eprintln!(
        "tabletop serve: {} (seed {}), log {}",
        terminal_safe(&drill.scenario().meta.title),
        drill.seed(),
        log_path.display()
    );
    eprintln!("{join}");
    if options.print_codes {
        let mut out = std::io::stdout();
        for (login, code) in gate.codes() {
            let _ = writeln!(out, "{login}\t{code}");
        }
        let _ = out.flush();
    }
    let mut room = Room::new(drill, log_path.clone(), Theme::from_env());
    room.pause_on_decision = options.pause_on_decision;
    room.starting.clone_from(&options.bots);
    let ended = if options.headless {
        headless(&mut room, &from_ssh)
    } else {
        console(&mut room, &from_ssh, &gate.seat_codes(), &join)
    };
    room.close_all("the drill server stopped; the drill log is saved\r\n");
    // Let the connections' tasks send their last words.
    runtime.shutdown_timeout(Duration::from_millis(500));
    let mut out = std::io::stdout();
    if let Some(s) = &room.console.session {
        if !s.drill.is_over() {
            let _ = writeln!(
                out,
                "the drill stopped at {} of {}; to continue it:\n  tabletop serve --resume {}",
                s.drill.now().clock(),
                s.drill.end().clock(),
                log_path.display()
            );
        }
        let _ = writeln!(out, "drill log: {}", log_path.display());
    }
    match ended {
        Ok(Some(signal)) => ExitCode::from(u8::try_from(128 + signal).unwrap_or(u8::MAX)),
        Ok(None) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the terminal failed: {e}");
            ExitCode::from(EXIT_PROBLEMS)
        }
    }
}

/// Passes what the connections sent to the room, waiting at most `wait` for the first.
/// Returns false once the SSH side is gone.
fn drain(room: &mut Room, from_ssh: &Receiver<ToRoom>, wait: Duration) -> bool {
    match from_ssh.recv_timeout(wait) {
        Ok(m) => room.handle(m),
        Err(RecvTimeoutError::Timeout) => return true,
        Err(RecvTimeoutError::Disconnected) => return false,
    }
    while let Ok(m) = from_ssh.try_recv() {
        room.handle(m);
    }
    true
}

/// The room with no local console, until an ending signal: returns its number.
fn headless(room: &mut Room, from_ssh: &Receiver<ToRoom>) -> std::io::Result<Option<i32>> {
    let signals = Signals::register()?;
    let mut last = Instant::now();
    loop {
        if let Some(signal) = signals.arrived() {
            return Ok(Some(signal));
        }
        if !drain(room, from_ssh, POLL) {
            return Ok(None);
        }
        let now = Instant::now();
        room.tick(now - last);
        last = now;
    }
}

/// The room with the facilitator's console in this terminal, until it quits.
fn console(
    room: &mut Room,
    from_ssh: &Receiver<ToRoom>,
    codes: &[(&str, &str, &str)],
    join: &str,
) -> std::io::Result<Option<i32>> {
    let signals = Signals::register()?.watching_the_terminal();
    let theme_restore = Restore;
    let mut terminal = ratatui::init();
    let mut last = Instant::now();
    loop {
        if let Some(signal) = signals.arrived() {
            signals.abandon_if_hung_up(terminal);
            return Ok(Some(signal));
        }
        terminal.draw(|frame| room.render_console(frame, codes, join))?;
        if signals.wait(POLL)?
            && let Event::Key(key) = event::read()?
            && key.is_press()
        {
            let mut next = crate::input::action_for(&room.console, key);
            while let Some(action) = next {
                // Leaving the summary, Ctrl-C, or `q` confirmed ends the drill server.
                if action == Action::Interrupt
                    || (matches!(room.console.screen, Screen::Summary)
                        && matches!(action, Action::Enter | Action::Back))
                {
                    drop(theme_restore);
                    return Ok(None);
                }
                next = if is_clock(&action) && matches!(room.console.screen, Screen::Drill) {
                    room.clock_action(action);
                    None
                } else {
                    room.console.update(action)
                };
                if room.console.quit {
                    drop(theme_restore);
                    return Ok(None);
                }
            }
            room.record_console_said();
        }
        if !drain(room, from_ssh, Duration::ZERO) {
            return Ok(None);
        }
        let now = Instant::now();
        room.tick(now - last);
        last = now;
    }
}
