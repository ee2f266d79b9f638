//! The room: one drill and everyone connected to it. It runs on one thread and owns the
//! drill, the clock and every connection's UI; SSH tasks only pass it bytes and sizes and
//! carry its frames away. The drill is one more client of the façade: it never waits on a
//! connection, and a connection that cannot keep up loses frames, never the drill's time.
//!
//! The UI model (`App`, `Session`) was written for one seat at one keyboard and owns its
//! drill. Each connection gets its own `App` for its seat, and the room's one drill is lent
//! to it (moved in and back) for the moment it handles a key or draws a frame; the rest of
//! the time that `App` holds a stand-in drill of the same scenario that nothing reads.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::KeyEvent;
use crossterm::terminal::{Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::layout::{Constraint, Layout, Rect, Size};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::{Frame, Terminal, TerminalOptions, Viewport};
use tabletop_engine::model::Player;
use tabletop_engine::scenario::Scenario;
use tabletop_engine::{Command, Drill, Event};
use tokio::sync::mpsc::error::TrySendError;

use super::gate::FACILITATOR;
use super::remote::{FrameBytes, RemoteBackend};
use crate::app::{Action, App, Choice, InputPurpose, Overlay, SPEEDS, Screen, SeatMode, Session};
use crate::input;
use crate::ui::{self, theme::Theme};

/// Frames queued for one client before new ones are dropped: a client that stops reading
/// holds at most this many frames of memory, and the room never waits for it.
pub const QUEUE_FRAMES: usize = 4;
/// The least time between two frames of one client whose screen changed only because the
/// clock moved (a key press is answered at once).
const FRAME_INTERVAL: Duration = Duration::from_millis(100);

/// Where a connection's frames go: a bounded queue its SSH task drains into the channel.
/// Dropping it closes the connection once the queue is drained.
pub type Outbox = tokio::sync::mpsc::Sender<Vec<u8>>;

/// What an SSH task tells the room.
pub enum ToRoom {
    /// A client authenticated for `seat`, has a terminal of `size` and wants its screen.
    Join {
        /// The connection.
        conn: u64,
        /// The seat it joined.
        seat: String,
        /// It watches the seat read-only (`SEAT-observer`).
        observer: bool,
        /// Where it connects from, to show who is in the room.
        peer: String,
        /// Its terminal: (columns, rows).
        size: (u16, u16),
        /// Where its frames go.
        out: Outbox,
    },
    /// Bytes the client's terminal sent (keys).
    Input {
        /// The connection.
        conn: u64,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// The client's terminal was resized to (columns, rows).
    Resize {
        /// The connection.
        conn: u64,
        /// Its new size.
        size: (u16, u16),
    },
    /// The connection closed.
    Leave {
        /// The connection.
        conn: u64,
    },
}

/// A client's terminal.
type Remote = Terminal<RemoteBackend>;

/// One client at a seat.
struct Conn {
    seat: String,
    /// Logged in to watch the seat: it may look around, never act.
    observer: bool,
    peer: String,
    app: App,
    terminal: Remote,
    bytes: FrameBytes,
    out: Outbox,
    /// Something it shows changed since its last frame.
    dirty: bool,
    /// A key was pressed: draw now, without waiting for the frame interval.
    urgent: bool,
    /// A frame was dropped, so the client's screen is not what the terminal thinks it is:
    /// the next frame repaints everything.
    repaint: bool,
    last_frame: Instant,
}

/// What drawing the clients' frames has cost so far (shown by `bench --seats`).
#[derive(Debug, Clone, Copy, Default)]
pub struct FrameStats {
    /// Frames drawn.
    pub drawn: u64,
    /// Frames dropped because a client's queue was full.
    pub dropped: u64,
    /// Time spent drawing them, the seat's view included.
    pub total: Duration,
    /// The slowest one.
    pub worst: Duration,
}

/// The drill and everyone in it.
pub struct Room {
    /// The facilitator's app: its session owns the drill and is the room's clock. It is
    /// drawn on the local console, or on nobody's screen when headless.
    pub console: App,
    scenario: Arc<Scenario>,
    log_path: PathBuf,
    conns: BTreeMap<u64, Conn>,
    /// The UI of the last client to leave each seat (players and observers apart), so
    /// whoever rejoins finds it as it was.
    parked: BTreeMap<(String, bool), App>,
    /// Where the drill was when clients last drew: (drill time, events so far).
    seen: (u32, usize),
    theme: Theme,
    /// Pause the clock when a decision is addressed to a seat (`--pause-on-decision`).
    pub pause_on_decision: bool,
    /// The inject whose decision holds the clock, while it does.
    waiting: Option<String>,
    /// Events of the drill already looked at for decisions.
    events_read: usize,
    /// What the clients' frames have cost.
    pub stats: FrameStats,
    /// Seats handed to bots as the drill starts (`--bot`): the hand-over takes effect at the
    /// first tick, and until then these seats are already the bots'.
    pub starting: Vec<(String, Player)>,
}

impl Room {
    /// A room for a drill already recording to `log_path`; the clock starts paused.
    pub fn new(drill: Drill, log_path: PathBuf, theme: Theme) -> Self {
        let scenario = Arc::new(drill.scenario().clone());
        // A resumed drill's past decisions do not stop the clock again.
        let events_read = drill.events_since(0).len();
        let mut console = App::new(Vec::new(), drill.seed(), None, |_, _, _| {
            Err("a served drill is started by `tabletop serve`".into())
        });
        console.with_session(Session::new(drill, log_path.clone(), SeatMode::Facilitator));
        Room {
            console,
            scenario,
            log_path,
            conns: BTreeMap::new(),
            parked: BTreeMap::new(),
            seen: (0, 0),
            theme,
            pause_on_decision: false,
            waiting: None,
            events_read,
            stats: FrameStats::default(),
            starting: Vec::new(),
        }
    }

    /// Who is connected, per seat: the addresses of those who play it and of those who
    /// watch it.
    pub fn who(&self) -> BTreeMap<&str, Here<'_>> {
        let mut out: BTreeMap<&str, Here<'_>> = BTreeMap::new();
        for c in self.conns.values() {
            let here = out.entry(c.seat.as_str()).or_default();
            if c.observer { &mut here.watching } else { &mut here.playing }.push(c.peer.as_str());
        }
        out
    }

    /// Who plays each team's seat now, as the drill records it, or as `--bot` handed it
    /// before the first tick records it.
    fn players(&self) -> Vec<(String, Player)> {
        let Some(s) = &self.console.session else { return Vec::new() };
        let mut players = s.players();
        let recorded =
            s.drill.events_since(0).iter().any(|e| matches!(e.event, Event::SeatPlayer { .. }));
        if !recorded {
            for (team, player) in &self.starting {
                if let Some(seat) = players.iter_mut().find(|(t, _)| t == team) {
                    seat.1 = player.clone();
                }
            }
        }
        players
    }

    /// The bot that plays a team's seat now, if one does: people joining it only watch.
    fn bot_at(&self, seat: &str) -> Option<Player> {
        let players = self.players();
        players.into_iter().find(|(t, p)| t == seat && matches!(p, Player::Bot(_))).map(|(_, p)| p)
    }

    /// Handles one message from the SSH side.
    pub fn handle(&mut self, message: ToRoom) {
        match message {
            ToRoom::Join { conn, seat, observer, peer, size, out } => {
                self.join(conn, (seat, observer), peer, size, out);
            }
            ToRoom::Input { conn, bytes } => {
                for key in super::keys::decode(&bytes) {
                    self.key(conn, key);
                }
            }
            ToRoom::Resize { conn, size } => {
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.terminal.backend_mut().set_size(Size::new(size.0, size.1));
                    let _ = c.terminal.resize(Rect::new(0, 0, size.0, size.1));
                    c.repaint = true;
                    c.dirty = true;
                    c.urgent = true;
                }
            }
            ToRoom::Leave { conn } => self.leave(conn, None),
        }
    }

    fn join(
        &mut self,
        conn: u64,
        (seat, observer): (String, bool),
        peer: String,
        size: (u16, u16),
        out: Outbox,
    ) {
        let mut app = match self.parked.remove(&(seat.clone(), observer)) {
            Some(mut app) => {
                app.quit = false;
                app.message = format!("rejoined {seat}");
                app
            }
            None => match self.seat_app(&seat) {
                Some(app) => app,
                None => return,
            },
        };
        if observer {
            app.message = format!("you watch the {seat} seat, read-only; ? for help");
        } else if let Some(bot) = self.bot_at(&seat) {
            app.message = bot_holds(&seat, &bot);
        }
        let viewport = Viewport::Fixed(Rect::new(0, 0, size.0, size.1));
        let bytes = FrameBytes::default();
        let backend = RemoteBackend::new(bytes.clone(), Size::new(size.0, size.1));
        let Ok(terminal) = Terminal::with_options(backend, TerminalOptions { viewport }) else {
            return;
        };
        let mut c = Conn {
            seat,
            observer,
            peer,
            app,
            terminal,
            bytes,
            out,
            dirty: true,
            urgent: true,
            repaint: true,
            last_frame: Instant::now(),
        };
        let mut hello = Vec::new();
        let _ = execute!(hello, EnterAlternateScreen, cursor::Hide, Clear(ClearType::All));
        let _ = c.out.try_send(hello);
        c.last_frame = Instant::now();
        self.conns.insert(conn, c);
        // Everyone at the seat sees who joined.
        self.touch_all();
    }

    /// A new UI for `seat`, built around the room's drill and then handed a stand-in.
    fn seat_app(&mut self, seat: &str) -> Option<App> {
        let room = self.console.session.as_mut()?;
        let stand_in = Drill::new(self.scenario.clone(), room.drill.seed());
        let drill = std::mem::replace(&mut room.drill, stand_in);
        let mode = if seat == FACILITATOR {
            SeatMode::Facilitator
        } else {
            SeatMode::Team(seat.to_owned())
        };
        let mut session = Session::new(drill, self.log_path.clone(), mode);
        std::mem::swap(&mut room.drill, &mut session.drill);
        let mut app = App::new(Vec::new(), room.drill.seed(), None, |_, _, _| {
            Err("a served drill is started by `tabletop serve`".into())
        });
        app.with_session(session);
        app.message = format!("you are at the {seat} seat; ? for help");
        Some(app)
    }

    /// A client left (or quit): its UI waits for whoever rejoins the seat.
    fn leave(&mut self, conn: u64, goodbye: Option<&str>) {
        let Some(c) = self.conns.remove(&conn) else { return };
        let mut bye = Vec::new();
        let _ = execute!(bye, Clear(ClearType::All), cursor::Show, LeaveAlternateScreen);
        if let Some(text) = goodbye {
            bye.extend_from_slice(text.as_bytes());
        }
        // Best effort: a full queue means the client is gone or stalled anyway.
        let _ = c.out.try_send(bye);
        self.parked.insert((c.seat, c.observer), c.app);
        self.touch_all();
    }

    fn touch_all(&mut self) {
        for c in self.conns.values_mut() {
            c.dirty = true;
        }
    }

    /// A key pressed by a client.
    fn key(&mut self, conn: u64, key: KeyEvent) {
        let Some(c) = self.conns.get(&conn) else { return };
        // Those who watch, and people at a seat a bot plays, look around and never act.
        let refusal = if c.observer {
            Some(format!("read-only: you watch the {} seat; only its players act", c.seat))
        } else {
            self.bot_at(&c.seat).map(|bot| format!("read-only: {}", bot_holds(&c.seat, &bot)))
        };
        let Some(c) = self.conns.get_mut(&conn) else { return };
        c.dirty = true;
        c.urgent = true;
        let Some(action) = input::action_for(&c.app, key) else { return };
        if let Some(refusal) = refusal
            && !matches!(action, Action::Quit | Action::Interrupt)
            && !looks_only(&c.app, &action)
        {
            c.app.message = refusal;
            return;
        }
        let clock = is_clock(&action);
        let in_drill = matches!(c.app.screen, Screen::Drill) && c.app.overlay.is_none();
        if clock && in_drill {
            // The facilitator owns the room's clock; the console's session is that clock.
            if c.seat == FACILITATOR {
                self.clock_action(action);
                let message = self.console.message.clone();
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.app.message = message;
                }
            } else {
                c.app.message = "the facilitator runs the clock in this room".into();
            }
            self.touch_all();
            return;
        }
        // Leaving is not ending: the seat can join again, so it needs no question.
        if matches!(action, Action::Quit | Action::Interrupt) {
            self.leave(conn, Some("left the drill; ssh again to rejoin your seat\r\n"));
            return;
        }
        let Some(c) = self.conns.get_mut(&conn) else { return };
        let waiting = self.waiting.clone();
        let answered = lend(&mut self.console, &mut c.app, |app| {
            let answers = waiting.is_some_and(|w| answers_decision(app, &action, &w));
            let mut next = Some(action);
            while let Some(a) = next {
                next = app.update(a);
            }
            answers
        });
        if answered == Some(true)
            && let Some(s) = self.console.session.as_mut()
        {
            // The answer applies at the next tick: the clock runs again to take it.
            self.waiting = None;
            s.paused = false;
        }
        if !c.app.said.is_empty() {
            let said = std::mem::take(&mut c.app.said);
            if let Err(e) = crate::cli::review::record(&self.log_path, &said) {
                c.app.message = format!("the hotwash was not recorded: {e}");
            }
        }
        if c.app.quit {
            self.leave(conn, Some("left the drill; ssh again to rejoin your seat\r\n"));
        }
        // A command may have changed what every seat sees.
        self.touch_all();
    }

    /// Writes the hotwash the facilitator gave at the local console to the drill's log.
    pub fn record_console_said(&mut self) {
        if self.console.said.is_empty() {
            return;
        }
        let said = std::mem::take(&mut self.console.said);
        if let Err(e) = crate::cli::review::record(&self.log_path, &said) {
            self.console.message = format!("the hotwash was not recorded: {e}");
        }
    }

    /// Advances the room's clock by wall time, then sends every client whose screen changed
    /// its new frame.
    pub fn tick(&mut self, elapsed: Duration) {
        // The clock waits while the facilitator decides whether to end the drill (or to
        // quit the console, which ends it too).
        let deciding =
            matches!(self.console.overlay, Some(Overlay::ConfirmEnd | Overlay::ConfirmQuit));
        if let Some(s) = self.console.session.as_mut()
            && matches!(self.console.screen, Screen::Drill)
            && !deciding
        {
            s.tick(elapsed);
            if s.drill.is_over() {
                self.console.screen = Screen::Summary;
            }
        }
        self.watch_decisions();
        let now =
            self.console.session.as_ref().map(|s| (s.drill.now().0, s.drill.events_since(0).len()));
        if let Some(now) = now
            && now != self.seen
        {
            self.seen = now;
            self.touch_all();
        }
        self.draw_clients();
    }

    /// A clock key of the facilitator's (local console or `facilitator` seat): the room's
    /// clock is the console's session. Resuming by hand ends a wait for a decision.
    pub fn clock_action(&mut self, action: Action) {
        if action == Action::Pause {
            self.waiting = None;
        }
        let mut next = self.console.update(action);
        while let Some(a) = next {
            next = self.console.update(a);
        }
        self.touch_all();
    }

    /// With `--pause-on-decision`, stops the clock when an inject asks a seat to decide.
    fn watch_decisions(&mut self) {
        let Some(s) = self.console.session.as_mut() else { return };
        let events = s.drill.events_since(self.events_read);
        self.events_read += events.len();
        if !self.pause_on_decision || self.waiting.is_some() {
            return;
        }
        let scenario = s.drill.scenario();
        let decision = events.iter().find_map(|e| match &e.event {
            Event::InjectDelivered { inject, .. } => {
                let i = scenario.injects.iter().find(|i| &i.id == inject)?;
                let d = i.decision.as_ref()?;
                Some((
                    format!("“{}”", i.title),
                    scenario
                        .teams
                        .iter()
                        .find(|t| t.id == d.team)
                        .map_or_else(|| d.team.clone(), |t| t.name.clone()),
                ))
            }
            _ => None,
        });
        if let Some((inject, teams)) = decision {
            s.paused = true;
            self.console.message =
                format!("paused: {teams} must decide on {inject}; space resumes the clock");
            self.waiting = Some(inject);
            let message = self.console.message.clone();
            for c in self.conns.values_mut() {
                c.app.message.clone_from(&message);
                c.dirty = true;
            }
        }
    }

    fn draw_clients(&mut self) {
        // How many play and watch each seat.
        let who: BTreeMap<String, (usize, usize)> = self
            .who()
            .into_iter()
            .map(|(k, h)| (k.to_owned(), (h.playing.len(), h.watching.len())))
            .collect();
        let players = self.players();
        let (paused, speed, over) = self
            .console
            .session
            .as_ref()
            .map_or((true, 0, false), |s| (s.paused, s.speed, s.drill.is_over()));
        let summary = matches!(self.console.screen, Screen::Summary);
        let theme = self.theme;
        let mut gone = Vec::new();
        for (id, c) in &mut self.conns {
            if !c.dirty || (!c.urgent && c.last_frame.elapsed() < FRAME_INTERVAL) {
                continue;
            }
            if let Some(s) = c.app.session.as_mut() {
                s.paused = paused;
                s.speed = speed;
            }
            if (over || summary) && matches!(c.app.screen, Screen::Drill) {
                c.app.screen = Screen::Summary;
                c.app.overlay = None;
            }
            let here = who.get(&c.seat).copied().unwrap_or_default();
            let bot = players
                .iter()
                .find(|(t, p)| *t == c.seat && matches!(p, Player::Bot(_)))
                .map(|(_, p)| p);
            let bar = room_line(&c.seat, (c.observer, bot), here, (paused, speed));
            let start = Instant::now();
            let sent = draw(&mut self.console, c, &bar, theme);
            let took = start.elapsed();
            self.stats.drawn += 1;
            self.stats.total += took;
            self.stats.worst = self.stats.worst.max(took);
            match sent {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => {
                    self.stats.dropped += 1;
                    c.repaint = true;
                }
                Err(TrySendError::Closed(_)) => gone.push(*id),
            }
        }
        for id in gone {
            self.leave(id, None);
        }
    }

    /// The console's frame: a panel of seats, their codes (to play and to watch) and who
    /// is connected, above the facilitator's own screen.
    pub fn render_console(&self, frame: &mut Frame, codes: &[(&str, &str, &str)], join: &str) {
        let who = self.who();
        let players = self.players();
        let rows = u16::try_from(codes.len()).unwrap_or(u16::MAX).saturating_add(1);
        let [panel, rest] =
            Layout::vertical([Constraint::Length(rows), Constraint::Min(1)]).areas(frame.area());
        let mut lines = vec![Line::from(Span::styled(join.to_owned(), self.theme.title()))];
        for &(seat, code, watch) in codes {
            let here = who.get(seat).map_or_else(
                || "nobody".to_owned(),
                |h| {
                    let mut parts = Vec::new();
                    if !h.playing.is_empty() {
                        parts.push(format!(
                            "{} playing: {}",
                            h.playing.len(),
                            h.playing.join(", ")
                        ));
                    }
                    if !h.watching.is_empty() {
                        parts.push(format!(
                            "{} watching: {}",
                            h.watching.len(),
                            h.watching.join(", ")
                        ));
                    }
                    parts.join("; ")
                },
            );
            let bot = match players.iter().find(|(t, _)| t == seat) {
                Some((_, p @ Player::Bot(_))) => format!("   played by {p}"),
                _ => String::new(),
            };
            lines.push(Line::from(format!("  {seat:<12} code {code}  watch {watch}  {here}{bot}")));
        }
        frame.render_widget(Paragraph::new(lines), panel);
        ui::render_in(&self.console, frame, rest, self.theme);
    }

    /// Ends every connection with a last word (the server is stopping).
    pub fn close_all(&mut self, goodbye: &str) {
        let ids: Vec<u64> = self.conns.keys().copied().collect();
        for id in ids {
            self.leave(id, Some(goodbye));
        }
    }
}

/// Who is connected to one seat: the addresses of those who play it and who watch it.
#[derive(Debug, Default)]
pub struct Here<'a> {
    /// Those who play the seat.
    pub playing: Vec<&'a str>,
    /// Those who watch it read-only.
    pub watching: Vec<&'a str>,
}

/// What a person who joins a seat a bot plays is told, and reminded of at each key that
/// would act.
fn bot_holds(seat: &str, bot: &Player) -> String {
    let name = match bot {
        Player::Bot(p) => p.name().to_owned(),
        other => other.to_string(),
    };
    format!("{seat} is played by the {name} bot; ask the facilitator to hand it back")
}

/// Whether an observer may do this: look around (move, switch panes, filter, help), never
/// act (no menu of actions, no answer, no verdict, no clock).
fn looks_only(app: &App, action: &Action) -> bool {
    match (&app.overlay, action) {
        (Some(Overlay::Input { purpose: InputPurpose::Filter, .. }), a) => {
            matches!(a, Action::Char(_) | Action::Backspace | Action::Enter | Action::Back)
        }
        (Some(Overlay::Help), a) => {
            matches!(a, Action::Help | Action::Back | Action::Enter | Action::Up | Action::Down)
        }
        // Reading is looking: the briefing, an inject (its decision is the players'), the
        // objectives.
        (Some(Overlay::Reader(..) | Overlay::Objectives), a) => matches!(
            a,
            Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Back
                | Action::Objectives
                | Action::Briefing
        ),
        (Some(_), a) => matches!(a, Action::Up | Action::Down | Action::Back),
        (None, a) => {
            matches!(
                a,
                Action::Help
                    | Action::Up
                    | Action::Down
                    | Action::Top
                    | Action::Bottom
                    | Action::PageUp
                    | Action::PageDown
                    | Action::Objectives
                    | Action::Briefing
                    | Action::Back
                    | Action::NextPane
                    | Action::PrevPane
                    | Action::ClickRow(_)
                    | Action::Filter
            ) || (matches!(app.screen, Screen::Summary) && *a == Action::Enter)
        }
    }
}

/// The line above a client's screen: its seat, whether it only watches (logged in to
/// watch, or a bot plays the seat), who else is there, who runs the clock.
fn room_line(
    seat: &str,
    (observer, bot): (bool, Option<&Player>),
    (playing, watching): (usize, usize),
    (paused, speed): (bool, usize),
) -> String {
    let me = match (observer, bot) {
        (true, Some(bot)) => format!(" · watching, read-only · played by {bot}"),
        (true, None) => " · watching, read-only".to_owned(),
        (false, Some(bot)) => format!(" · played by {bot}, read-only"),
        (false, None) => String::new(),
    };
    let mut others = match (playing + watching).saturating_sub(1) {
        0 => "only you at this seat".to_owned(),
        1 => "you and 1 other at this seat".to_owned(),
        n => format!("you and {n} others at this seat"),
    };
    let watchers = watching.saturating_sub(usize::from(observer));
    if watchers > 0 {
        others.push_str(&format!(" ({watchers} watching)"));
    }
    let clock = if paused {
        "clock paused by the facilitator".to_owned()
    } else {
        format!("clock running ×{}", SPEEDS.get(speed).copied().unwrap_or(1))
    };
    format!(" tabletop serve · {seat}{me} · {others} · {clock}")
}

/// Whether an action works the room's clock, which only the facilitator may.
pub fn is_clock(action: &Action) -> bool {
    matches!(
        action,
        Action::Pause | Action::SpeedUp | Action::SpeedDown | Action::Step | Action::EndDrill
    )
}

/// Whether `action` on `app` now submits a decision on `inject` that the drill accepts.
fn answers_decision(app: &mut App, action: &Action, inject: &str) -> bool {
    let Some(Overlay::Menu { items, selected, .. }) = &app.overlay else { return false };
    let Some(item) = items.get(*selected) else { return false };
    let (Choice::Send(command @ Command::Decide { inject: i, .. }), Action::Enter) =
        (&item.choice, action)
    else {
        return false;
    };
    let command = command.clone();
    i == inject
        && app.session.as_mut().is_some_and(|s| {
            let seat = s.seat.clone();
            s.drill.check(&seat, &command).is_ok()
        })
}

/// Lends the room's drill to a client's app for `f`, and takes it back.
fn lend<R>(console: &mut App, app: &mut App, f: impl FnOnce(&mut App) -> R) -> Option<R> {
    let (Some(room), Some(mine)) = (console.session.as_mut(), app.session.as_mut()) else {
        return None;
    };
    std::mem::swap(&mut room.drill, &mut mine.drill);
    let out = f(app);
    if let (Some(room), Some(mine)) = (console.session.as_mut(), app.session.as_mut()) {
        std::mem::swap(&mut room.drill, &mut mine.drill);
    }
    Some(out)
}

/// Draws a client's screen and queues the frame; a full queue drops it.
fn draw(
    console: &mut App,
    c: &mut Conn,
    bar: &str,
    theme: Theme,
) -> Result<(), TrySendError<Vec<u8>>> {
    if c.repaint {
        let _ = c.terminal.clear();
    }
    let terminal = &mut c.terminal;
    let drawn = lend(console, &mut c.app, |app| {
        if let Some(s) = app.session.as_mut() {
            s.refresh();
        }
        terminal
            .draw(|frame| {
                let [top, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)])
                    .areas(frame.area());
                frame
                    .render_widget(Paragraph::new(Line::from(Span::styled(bar, theme.dim()))), top);
                ui::render_in(app, frame, rest, theme);
            })
            .map(|_| ())
    });
    c.dirty = false;
    c.urgent = false;
    c.last_frame = Instant::now();
    let bytes = c.bytes.take();
    if !matches!(drawn, Some(Ok(()))) {
        return Ok(());
    }
    c.out.try_send(bytes)?;
    c.repaint = false;
    Ok(())
}

#[cfg(test)]
mod tests {
    use tabletop_engine::Seat;

    use super::*;

    fn room() -> Room {
        let offer = crate::bundled::offers()
            .into_iter()
            .find(|o| o.scenario.meta.id == "ransomware")
            .expect("ransomware is bundled");
        Room::new(Drill::new(offer.scenario, 5), "x.log".into(), Theme::from_env())
    }

    fn clock(room: &mut Room) -> &mut Session {
        room.console.session.as_mut().expect("a drill")
    }

    #[test]
    fn a_client_that_stops_reading_loses_frames_not_the_clock() {
        let mut room = room();
        let (out, mut frames) = tokio::sync::mpsc::channel(QUEUE_FRAMES);
        let join = ToRoom::Join {
            conn: 1,
            seat: "it".into(),
            observer: false,
            peer: "10.0.0.1".into(),
            size: (100, 30),
            out,
        };
        room.handle(join);
        let s = clock(&mut room);
        s.paused = false;
        s.speed = SPEEDS.len() - 1;
        for _ in 0..40 {
            room.handle(ToRoom::Input { conn: 1, bytes: b"j".to_vec() });
            room.tick(Duration::from_millis(200));
        }
        // ×3600 for 8 s is 8 simulated hours: the stalled client held nothing back.
        assert!(clock(&mut room).drill.now().0 >= 7 * 60, "the clock kept pace");
        assert!(frames.len() <= QUEUE_FRAMES, "the queue stays bounded");
        // Once it reads again, the next frame repaints the whole screen, not a diff
        // against frames it never got.
        while frames.try_recv().is_ok() {}
        room.handle(ToRoom::Input { conn: 1, bytes: b"k".to_vec() });
        room.tick(Duration::ZERO);
        let frame = frames.try_recv().expect("a frame");
        assert!(String::from_utf8_lossy(&frame).contains("IT Operations"));
    }

    #[test]
    fn a_decision_for_a_seat_stops_the_clock_until_the_facilitator_resumes() {
        let mut room = room();
        room.pause_on_decision = true;
        let s = clock(&mut room);
        let fire = Command::FireInject { inject: "inj-ransom-note".into() };
        s.drill.submit(&Seat::Facilitator, fire).expect("the facilitator fires an inject");
        s.paused = false;
        room.tick(Duration::from_secs(2));
        assert!(clock(&mut room).paused, "paused for the decision");
        let title = &room
            .scenario
            .injects
            .iter()
            .find(|i| i.id == "inj-ransom-note")
            .expect("inject")
            .title;
        assert!(
            room.console.message.contains(&format!("must decide on “{title}”")),
            "{}",
            room.console.message
        );
        let held = clock(&mut room).drill.now();
        room.tick(Duration::from_secs(10));
        assert_eq!(clock(&mut room).drill.now(), held, "no time passes while it waits");
        room.clock_action(Action::Pause);
        room.tick(Duration::from_secs(10));
        assert!(clock(&mut room).drill.now() > held, "the facilitator resumed it");
    }
}
