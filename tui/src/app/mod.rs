//! The application model: screens, overlays, one `Action` enum and `update`, which is the
//! only place the model changes. Talks to the engine through the drill façade only; no
//! drawing and no terminal code here.

mod menus;
mod review;
mod session;
mod words;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tabletop_engine::model::{InboxItem, ObservationKind, Player, Verdict};
use tabletop_engine::policy::Policy;
use tabletop_engine::scenario::Scenario;
use tabletop_engine::{Command, Drill, Seat};

pub use review::Review;
pub use session::{Pane, SPEEDS, SeatMode, Session};

/// A scenario the launcher offers.
#[derive(Clone)]
pub struct Offer {
    /// File name.
    pub file: String,
    /// Its text (recorded in the log).
    pub text: String,
    /// The checked scenario.
    pub scenario: Arc<Scenario>,
}

/// Opens the log file for a new drill: (given path, scenario id, seed) → (path, writer).
pub type LogOpener = fn(
    Option<&std::path::Path>,
    &str,
    u64,
) -> Result<(PathBuf, Box<dyn std::io::Write + Send>), String>;

/// What the main area shows.
pub enum Screen {
    /// Pick a scenario.
    Launcher {
        /// Highlighted row.
        selected: usize,
    },
    /// Pick how to seat the players.
    SeatPick {
        /// The scenario chosen.
        offer: usize,
        /// Highlighted row.
        selected: usize,
    },
    /// Hot seat: the next person confirms before their view is shown.
    Handover {
        /// The team taking the keyboard.
        team: String,
    },
    /// The drill.
    Drill,
    /// The drill is over.
    Summary,
}

/// One entry of a menu.
#[derive(Debug, Clone, PartialEq)]
pub struct MenuItem {
    /// What the entry reads.
    pub label: String,
    /// Why it cannot be chosen now, if it cannot.
    pub disabled: Option<String>,
    /// What choosing it would do, shown under the menu while it is highlighted.
    pub detail: Vec<String>,
    /// What choosing it does.
    pub choice: Choice,
}

/// What a menu entry does when chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    /// Submit a command to the drill.
    Send(Command),
    /// Select a system in the estate (by id).
    Show(String),
}

/// Rows a page key moves.
const PAGE: usize = 10;

/// Who the facilitator can hand a seat to: the policies that play (not `nothing`, which
/// leaves a seat as empty as nobody at it), or people.
const HANDS_TO: [Player; 4] = [
    Player::Bot(Policy::Coordinated),
    Player::Bot(Policy::ItFirst),
    Player::Bot(Policy::SecurityFirst),
    Player::Person,
];

/// Something drawn over the screen that takes the keys.
pub enum Overlay {
    /// The key help, generated from the keymap.
    Help,
    /// Actions on the selected system (and requests to other teams).
    Menu {
        /// Title.
        title: String,
        /// Entries.
        items: Vec<MenuItem>,
        /// Highlighted entry.
        selected: usize,
    },
    /// Ending the drill asks first: one key would end it for every seat.
    ConfirmEnd,
    /// Quitting in the middle of a drill asks first.
    ConfirmQuit,
    /// The seat's objectives: what it is scored on, and how it stands.
    Objectives,
    /// Text to read in full, scrolled by this many rows.
    Reader(Reading, u16),
    /// Typing text: a filter, a facilitator note.
    Input {
        /// What is being typed.
        purpose: InputPurpose,
        /// The text so far.
        text: String,
    },
}

/// What the reader shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// The scenario's summary and briefing.
    Briefing,
    /// An inject the seat received, by id; Enter goes on to its decision if one is open.
    Inject(String),
}

/// What typed text is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputPurpose {
    /// Filter the estate.
    Filter,
    /// A facilitator note.
    Note,
    /// Review: a drill time to jump to.
    GoTo,
    /// Why the team declines this request (the asking team sees it).
    DeclineReason(tabletop_engine::model::RequestId),
    /// After the drill, one of the hotwash's three remarks.
    Hotwash(ObservationKind),
}

/// Everything the user can do; keys and mouse map onto these.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Wall time passed.
    Tick(Duration),
    /// Leave the program (the log is complete as it stands); in a live drill, asks first.
    Quit,
    /// Leave the program at once (Ctrl-C): no question asked.
    Interrupt,
    /// Show or hide the key help.
    Help,
    /// Move the selection up.
    Up,
    /// Move the selection down.
    Down,
    /// Select the first row.
    Top,
    /// Select the last row.
    Bottom,
    /// A page of rows up.
    PageUp,
    /// A page of rows down.
    PageDown,
    /// The team's organisation-wide actions (notifications, declarations).
    OrganisationActions,
    /// Show or hide the seat's objectives.
    Objectives,
    /// Show or hide the scenario's briefing.
    Briefing,
    /// After the drill: say one strength, one problem and one suggestion (the hotwash).
    Hotwash,
    /// Choose / open.
    Enter,
    /// Close the overlay or go back.
    Back,
    /// Focus the next pane.
    NextPane,
    /// Focus the previous pane.
    PrevPane,
    /// Pause or resume the clock.
    Pause,
    /// Faster.
    SpeedUp,
    /// Slower.
    SpeedDown,
    /// One tick.
    Step,
    /// Hand the keyboard to the next team (hot seat).
    SwitchSeat,
    /// Filter the estate.
    Filter,
    /// Mark the selected alert a false positive.
    MarkFalsePositive,
    /// Escalate the selected alert.
    Escalate,
    /// Accept the selected request.
    Accept,
    /// Decline the selected request.
    Decline,
    /// Take back a request the team sent.
    Withdraw,
    /// Cancel the selected action in progress.
    Cancel,
    /// Facilitator: write a note.
    Note,
    /// Facilitator: choose an inject to fire.
    FireInject,
    /// Facilitator: hand a team's seat to a bot, or back to people.
    HandSeat,
    /// End the drill now.
    EndDrill,
    /// A typed character (in text input).
    Char(char),
    /// Delete the last typed character.
    Backspace,
    /// Select a row of the estate by click.
    ClickRow(usize),
    /// Review: one tick back.
    StepBack,
    /// Review: to just after the next recorded event.
    NextEvent,
    /// Review: type a time to jump to.
    GoToTime,
}

/// The whole UI state.
pub struct App {
    /// Scenarios offered by the launcher.
    pub offers: Vec<Offer>,
    /// The main screen.
    pub screen: Screen,
    /// The overlay, if any.
    pub overlay: Option<Overlay>,
    /// The drill, once started.
    pub session: Option<Session>,
    /// A line for the status bar.
    pub message: String,
    /// Set when the program should exit.
    pub quit: bool,
    /// The signal (SIGTERM, SIGINT, SIGHUP, SIGQUIT) that ended the program the way
    /// [`Action::Quit`] does, if one did; its number decides the exit code.
    pub ended_by_signal: Option<i32>,
    /// Seed for the next drill.
    pub seed: u64,
    /// Where to write the next drill's log (None: a fresh name in the current directory).
    pub log_path: Option<PathBuf>,
    /// Opens the log file for a drill; injected so tests need no files.
    pub open_log: LogOpener,
    /// Hotwash remarks said at this screen and not yet written to the drill's log: the
    /// program running the app appends them after the log's seal.
    pub said: Vec<tabletop_engine::model::Review>,
}

impl App {
    /// An app on the launcher.
    pub fn new(
        offers: Vec<Offer>,
        seed: u64,
        log_path: Option<PathBuf>,
        open_log: LogOpener,
    ) -> Self {
        App {
            offers,
            screen: Screen::Launcher { selected: 0 },
            overlay: None,
            session: None,
            message: String::new(),
            quit: false,
            ended_by_signal: None,
            said: Vec::new(),
            seed,
            log_path,
            open_log,
        }
    }

    /// The seat choices for a scenario: hot seat, each team, facilitator.
    pub fn seat_choices(scenario: &Scenario) -> Vec<(String, SeatMode)> {
        let teams: Vec<String> = scenario.teams.iter().map(|t| t.id.clone()).collect();
        let mut out = vec![(
            format!(
                "Hot seat: {} share this screen",
                scenario.teams.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
            ),
            SeatMode::HotSeat(teams),
        )];
        for t in &scenario.teams {
            out.push((format!("{} only (--team {})", t.name, t.id), SeatMode::Team(t.id.clone())));
        }
        out.push((
            "Facilitator: the truth, the clock and the injects".into(),
            SeatMode::Facilitator,
        ));
        out
    }

    /// Starts a drill of offer `i` with a seating; on a hot seat the first team confirms.
    pub fn start(&mut self, i: usize, mode: SeatMode) {
        let Some(offer) = self.offers.get(i).cloned() else { return };
        let (path, out) =
            match (self.open_log)(self.log_path.as_deref(), &offer.scenario.meta.id, self.seed) {
                Ok(x) => x,
                Err(e) => {
                    self.message = e;
                    return;
                }
            };
        let mut drill = Drill::new(offer.scenario.clone(), self.seed);
        if let Err(e) = drill.record_to(out, &offer.file, &offer.text) {
            self.message = format!("cannot write the log {}: {e}", path.display());
            return;
        }
        let session = Session::new(drill, path, mode.clone());
        self.screen = match &mode {
            SeatMode::HotSeat(_) => {
                Screen::Handover { team: session.team().unwrap_or_default().to_owned() }
            }
            _ => Screen::Drill,
        };
        // A team seated straight from the command line has not read the briefing yet.
        if matches!(mode, SeatMode::Team(_)) {
            self.overlay = Some(Overlay::Reader(Reading::Briefing, 0));
        }
        self.message = format!("log: {}", session.log_path.display());
        self.session = Some(session);
    }

    /// Takes over a drill already under way (resumed or forked from a log).
    pub fn with_session(&mut self, session: Session) {
        self.screen = match &session.mode {
            SeatMode::HotSeat(_) => {
                Screen::Handover { team: session.team().unwrap_or_default().to_owned() }
            }
            _ => Screen::Drill,
        };
        self.message = format!("log: {}", session.log_path.display());
        self.session = Some(session);
    }

    /// Keeps one hotwash remark (an empty one is skipped) and asks for the next.
    fn hotwash(&mut self, kind: ObservationKind, text: &str) {
        let by = self
            .session
            .as_ref()
            .and_then(|s| s.team().map(str::to_owned))
            .unwrap_or_else(|| "facilitator".to_owned());
        if !text.is_empty() {
            let team = (by != "facilitator").then(|| by.clone());
            self.said.push(tabletop_engine::model::Review::Observation {
                by,
                kind,
                text: text.to_owned(),
                capability: None,
                team,
                at: None,
                item: None,
            });
        }
        let next = match kind {
            ObservationKind::Strength => Some(ObservationKind::Problem),
            ObservationKind::Problem => Some(ObservationKind::Suggestion),
            ObservationKind::Suggestion => None,
        };
        match next {
            Some(kind) => {
                self.overlay = Some(Overlay::Input {
                    purpose: InputPurpose::Hotwash(kind),
                    text: String::new(),
                });
            }
            None => self.message = "hotwash recorded in the drill log: thank you".into(),
        }
    }

    /// Applies an action; may return a follow-up.
    pub fn update(&mut self, action: Action) -> Option<Action> {
        if let Action::Tick(elapsed) = action {
            if let Some(s) = &mut self.session
                && matches!(self.screen, Screen::Drill)
                && self.overlay.is_none()
            {
                s.tick(elapsed);
                if s.drill.is_over() {
                    self.screen = Screen::Summary;
                }
            }
            return None;
        }
        if action == Action::Interrupt {
            self.quit = true;
            return None;
        }
        if action == Action::Quit {
            // Quitting a live drill midway asks first: it stops the clock for everyone at
            // this screen. Anywhere else (or asked twice) it quits.
            let live = matches!(self.screen, Screen::Drill)
                && self.session.as_ref().is_some_and(|s| s.review.is_none() && !s.drill.is_over());
            if live && !matches!(self.overlay, Some(Overlay::ConfirmQuit)) {
                self.overlay = Some(Overlay::ConfirmQuit);
            } else {
                self.quit = true;
            }
            return None;
        }
        if let Some(overlay) = self.overlay.take() {
            return self.update_overlay(overlay, action);
        }
        if action == Action::Help {
            self.overlay = Some(Overlay::Help);
            return None;
        }
        match &mut self.screen {
            Screen::Launcher { selected } => match action {
                Action::Briefing if !self.offers.is_empty() => {
                    self.overlay = Some(Overlay::Reader(Reading::Briefing, 0));
                }
                Action::Up => *selected = selected.saturating_sub(1),
                Action::Down => {
                    *selected = (*selected + 1).min(self.offers.len().saturating_sub(1))
                }
                Action::Enter if !self.offers.is_empty() => {
                    self.screen = Screen::SeatPick { offer: *selected, selected: 0 };
                }
                Action::Back => self.quit = true,
                _ => {}
            },
            Screen::SeatPick { offer, selected } => {
                let choices = self
                    .offers
                    .get(*offer)
                    .map(|o| App::seat_choices(&o.scenario))
                    .unwrap_or_default();
                match action {
                    Action::Up => *selected = selected.saturating_sub(1),
                    Action::Down => {
                        *selected = (*selected + 1).min(choices.len().saturating_sub(1))
                    }
                    Action::Enter => {
                        let (offer, mode) = (*offer, choices.get(*selected).map(|c| c.1.clone()));
                        if let Some(mode) = mode {
                            self.start(offer, mode);
                        }
                    }
                    Action::Back => self.screen = Screen::Launcher { selected: *offer },
                    _ => {}
                }
            }
            Screen::Handover { team } => {
                if action == Action::Enter {
                    let team = team.clone();
                    if let Some(s) = &mut self.session {
                        s.switch_to(Seat::Team(team));
                    }
                    self.screen = Screen::Drill;
                }
            }
            Screen::Summary => match action {
                Action::Enter | Action::Back => self.quit = true,
                Action::Hotwash if self.session.as_ref().is_some_and(|s| s.review.is_none()) => {
                    // Remarks follow the drill's seal in its log: a drill ended early is
                    // resumed to its end first.
                    if self.session.as_ref().is_some_and(|s| s.drill.is_over()) {
                        self.overlay = Some(Overlay::Input {
                            purpose: InputPurpose::Hotwash(ObservationKind::Strength),
                            text: String::new(),
                        });
                    } else {
                        self.message = "the drill ended early: its log takes the hotwash once \
                                        `tabletop resume` has run it to its end"
                            .into();
                    }
                }
                _ => {}
            },
            Screen::Drill => return self.update_drill(action),
        }
        None
    }

    fn update_overlay(&mut self, overlay: Overlay, action: Action) -> Option<Action> {
        match overlay {
            Overlay::Help => {
                if !matches!(action, Action::Back | Action::Help | Action::Enter) {
                    self.overlay = Some(Overlay::Help);
                }
            }
            Overlay::Reader(reading, scroll) => {
                let scroll = match action {
                    Action::Up => scroll.saturating_sub(1),
                    Action::Down => scroll.saturating_add(1),
                    Action::PageUp => scroll.saturating_sub(PAGE as u16),
                    Action::PageDown => scroll.saturating_add(PAGE as u16),
                    Action::Top => 0,
                    Action::Enter => {
                        if let Reading::Inject(id) = &reading {
                            self.decide(id);
                        }
                        return None;
                    }
                    Action::Back | Action::Briefing => return None,
                    _ => scroll,
                };
                self.overlay = Some(Overlay::Reader(reading, scroll));
            }
            Overlay::Objectives => {
                if !matches!(action, Action::Back | Action::Objectives | Action::Enter) {
                    self.overlay = Some(Overlay::Objectives);
                }
            }
            Overlay::Menu { title, items, mut selected } => match action {
                Action::Up => {
                    selected = selected.saturating_sub(1);
                    self.overlay = Some(Overlay::Menu { title, items, selected });
                }
                Action::Down | Action::Top | Action::Bottom | Action::PageUp | Action::PageDown => {
                    let last = items.len().saturating_sub(1);
                    selected = match action {
                        Action::Down => selected + 1,
                        Action::Top => 0,
                        Action::Bottom => last,
                        Action::PageUp => selected.saturating_sub(PAGE),
                        _ => selected + PAGE,
                    }
                    .min(last);
                    self.overlay = Some(Overlay::Menu { title, items, selected });
                }
                Action::Enter => {
                    let item = items.get(selected).cloned()?;
                    if let Some(why) = &item.disabled {
                        self.message = format!("{}: {why}", item.label);
                        self.overlay = Some(Overlay::Menu { title, items, selected });
                        return None;
                    }
                    match item.choice {
                        // A verdict's entry reads "Escalate": the status line says which alert.
                        Choice::Send(command @ Command::Triage { alert, .. }) => {
                            let label = format!("alert #{alert}: {}", item.label.to_lowercase());
                            self.send(command, &label);
                        }
                        Choice::Send(command) => self.send(command, &item.label),
                        Choice::Show(system) => self.show_system(&system),
                    }
                }
                Action::Back => {}
                _ => self.overlay = Some(Overlay::Menu { title, items, selected }),
            },
            Overlay::ConfirmQuit => {
                if action == Action::Enter {
                    self.quit = true;
                } else if action != Action::Back {
                    self.overlay = Some(Overlay::ConfirmQuit);
                }
            }
            Overlay::ConfirmEnd => match action {
                Action::Enter | Action::EndDrill => {
                    if let Some(s) = &mut self.session {
                        s.paused = true;
                    }
                    self.screen = Screen::Summary;
                }
                Action::Back => {}
                _ => self.overlay = Some(Overlay::ConfirmEnd),
            },
            Overlay::Input { purpose, mut text } => match action {
                Action::Char(c) => {
                    text.push(c);
                    if purpose == InputPurpose::Filter
                        && let Some(s) = &mut self.session
                    {
                        s.filter = text.clone();
                        // An exact id is what the user is after, even if others match too.
                        let exact = s
                            .visible_systems()
                            .iter()
                            .position(|k| k.id.eq_ignore_ascii_case(&text));
                        s.selected.insert("estate", exact.unwrap_or(0));
                    }
                    self.overlay = Some(Overlay::Input { purpose, text });
                }
                Action::Backspace => {
                    text.pop();
                    if purpose == InputPurpose::Filter
                        && let Some(s) = &mut self.session
                    {
                        s.filter = text.clone();
                    }
                    self.overlay = Some(Overlay::Input { purpose, text });
                }
                Action::Enter => {
                    if let InputPurpose::DeclineReason(request) = purpose {
                        let reason = text.trim().to_owned();
                        let command = Command::Answer { request, accept: false, reason };
                        self.send(command, &format!("decline request #{request}"));
                    }
                    if let InputPurpose::Hotwash(kind) = purpose {
                        self.hotwash(kind, text.trim());
                    }
                    if purpose == InputPurpose::Note && !text.trim().is_empty() {
                        self.send(Command::Note { text: text.trim().to_owned() }, "note");
                    }
                    if purpose == InputPurpose::GoTo
                        && let Some(s) = &mut self.session
                    {
                        match tabletop_engine::scenario::Minutes::parse(&text) {
                            Some(t) => s.review_goto(t),
                            None => self.message = format!("`{text}` is not a time; write 02:30"),
                        }
                        if let Some(m) = s.review.as_mut().and_then(Review::take_refusal_message) {
                            self.message = m;
                        }
                    }
                }
                Action::Back => {
                    if purpose == InputPurpose::Filter
                        && let Some(s) = &mut self.session
                    {
                        s.filter.clear();
                    }
                }
                _ => self.overlay = Some(Overlay::Input { purpose, text }),
            },
        }
        None
    }

    fn send(&mut self, command: Command, label: &str) {
        let Some(s) = &mut self.session else { return };
        self.message = match s.submit(command) {
            Ok(id) => format!("{label}: accepted (#{id})"),
            Err(why) => format!("{label}: refused: {why}"),
        };
    }

    fn update_drill(&mut self, action: Action) -> Option<Action> {
        let s = self.session.as_mut()?;
        let navigation = matches!(
            action,
            Action::Up
                | Action::Down
                | Action::Top
                | Action::Bottom
                | Action::PageUp
                | Action::PageDown
                | Action::Objectives
                | Action::Briefing
                | Action::NextPane
                | Action::PrevPane
                | Action::Filter
                | Action::ClickRow(_)
        );
        if s.review.is_some() && !navigation {
            return self.update_review(action);
        }
        let facilitator = s.seat == Seat::Facilitator;
        match action {
            Action::Pause => {
                s.paused = !s.paused;
                self.message = if s.paused {
                    "paused".into()
                } else {
                    format!("running at ×{}", SPEEDS[s.speed])
                };
            }
            Action::SpeedUp | Action::SpeedDown => {
                self.message = s.change_speed(action == Action::SpeedUp);
            }
            Action::Step => {
                s.step();
                if s.drill.is_over() {
                    self.screen = Screen::Summary;
                }
            }
            Action::EndDrill => self.overlay = Some(Overlay::ConfirmEnd),
            Action::SwitchSeat => match s.next_team() {
                Some(team) => {
                    s.paused = true;
                    // The old view, and any message about it, goes before anyone else sits down.
                    s.view = None;
                    self.message.clear();
                    self.screen = Screen::Handover { team };
                }
                None => self.message = "switching seats needs a hot-seat drill".into(),
            },
            Action::Note if facilitator => {
                self.overlay =
                    Some(Overlay::Input { purpose: InputPurpose::Note, text: String::new() });
            }
            Action::FireInject if facilitator => {
                let items = s
                    .drill
                    .scenario()
                    .injects
                    .iter()
                    .map(|i| MenuItem {
                        label: format!("{} — {}", i.id, i.title),
                        disabled: None,
                        detail: vec![i.text.split_whitespace().collect::<Vec<_>>().join(" ")],
                        choice: Choice::Send(Command::FireInject { inject: i.id.clone() }),
                    })
                    .collect();
                self.overlay =
                    Some(Overlay::Menu { title: "Fire an inject now".into(), items, selected: 0 });
            }
            Action::HandSeat if facilitator => {
                let players = s.players();
                let items = players
                    .into_iter()
                    .flat_map(|(team, now)| {
                        let held = now.clone();
                        HANDS_TO.into_iter().filter(move |p| *p != held).map(move |player| {
                            MenuItem {
                                label: format!("{team} → {player} (now {now})"),
                                disabled: None,
                                detail: Vec::new(),
                                choice: Choice::Send(Command::SeatPlayer {
                                    team: team.clone(),
                                    player,
                                }),
                            }
                        })
                    })
                    .collect();
                self.overlay = Some(Overlay::Menu {
                    title: "Hand a seat to a bot, or back to people".into(),
                    items,
                    selected: 0,
                });
            }
            Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown => {
                let key = pane_key(s.pane, facilitator);
                let last = pane_len(s, facilitator).saturating_sub(1);
                let cur = s.sel(key);
                let next = match action {
                    Action::Up => cur.saturating_sub(1),
                    Action::Down => cur + 1,
                    Action::Top => 0,
                    Action::Bottom => last,
                    Action::PageUp => cur.saturating_sub(PAGE),
                    _ => cur + PAGE,
                };
                s.selected.insert(key, next.min(last));
                if s.pane == Pane::Inbox && !facilitator {
                    s.mark_selected_read();
                }
            }
            Action::Objectives => self.overlay = Some(Overlay::Objectives),
            Action::Briefing => self.overlay = Some(Overlay::Reader(Reading::Briefing, 0)),
            Action::OrganisationActions if !facilitator => {
                if let Some(team) = s.team().map(str::to_owned) {
                    match menus::organisation_menu(s, &team) {
                        Overlay::Menu { items, .. } if items.is_empty() => {
                            self.message = "your team has no organisation-wide actions".into();
                        }
                        menu => self.overlay = Some(menu),
                    }
                }
            }
            Action::ClickRow(row) => {
                s.pane = Pane::Estate;
                let len = pane_len(s, facilitator);
                s.selected
                    .insert(pane_key(Pane::Estate, facilitator), row.min(len.saturating_sub(1)));
            }
            Action::NextPane if !facilitator => {
                s.pane = s.pane.next();
                if s.pane == Pane::Inbox {
                    s.mark_selected_read();
                }
            }
            Action::PrevPane if !facilitator => s.pane = s.pane.prev(),
            Action::Filter if !facilitator => {
                self.overlay =
                    Some(Overlay::Input { purpose: InputPurpose::Filter, text: s.filter.clone() });
            }
            Action::Enter if !facilitator => return self.open_selected(),
            Action::MarkFalsePositive | Action::Escalate if s.pane == Pane::Inbox => {
                let alert =
                    s.view.as_ref().and_then(|v| v.inbox.iter().rev().nth(s.sel("inbox")).cloned());
                if let Some(InboxItem::Alert { id, system, .. }) = alert {
                    // A verdict is a command: logged, and an analyst's few minutes.
                    let verdict = if action == Action::Escalate {
                        Verdict::Escalate
                    } else {
                        Verdict::FalsePositive
                    };
                    let label = format!("alert #{id} on {system}: {verdict}");
                    self.send(Command::Triage { alert: id, verdict }, &label);
                } else {
                    self.message = "select an alert in the inbox first".into();
                }
            }
            Action::Accept | Action::Decline if s.pane == Pane::Requests => {
                let req =
                    s.view.as_ref().and_then(|v| v.requests_in.get(s.sel("requests")).cloned());
                match req {
                    // A decline asks why first: the team that asked sees the reason.
                    Some(r) if action == Action::Decline => {
                        self.overlay = Some(Overlay::Input {
                            purpose: InputPurpose::DeclineReason(r.id),
                            text: String::new(),
                        });
                    }
                    Some(r) => {
                        let label = format!(
                            "accept request #{} ({} {})",
                            r.id,
                            r.action,
                            r.target.clone().unwrap_or_default()
                        );
                        let command =
                            Command::Answer { request: r.id, accept: true, reason: String::new() };
                        self.send(command, &label);
                    }
                    None => self.message = "select a request sent to your team".into(),
                }
            }
            Action::Withdraw if s.pane == Pane::Requests => {
                let open = s.view.as_ref().and_then(|v| {
                    let ix = s.sel("requests").checked_sub(v.requests_in.len())?;
                    v.sent.iter().rev().nth(ix).cloned()
                });
                match open {
                    Some(r)
                        if matches!(r.state, tabletop_engine::model::RequestState::Open { .. }) =>
                    {
                        let label = format!("withdraw request #{}", r.id);
                        self.send(Command::Withdraw { request: r.id }, &label);
                    }
                    Some(r) => self.message = format!("request #{} is {} already", r.id, r.state),
                    None => self.message = "select a request your team sent".into(),
                }
            }
            Action::Cancel if s.pane == Pane::Running => {
                let run = s.view.as_ref().and_then(|v| v.running.get(s.sel("running")).cloned());
                if let Some(r) = run {
                    self.send(Command::Cancel { action: r.id }, &format!("cancel {}", r.action));
                }
            }
            Action::Back => {}
            _ => {}
        }
        None
    }

    /// Review mode: move through time and seats; nothing changes the recorded drill.
    fn update_review(&mut self, action: Action) -> Option<Action> {
        let s = self.session.as_mut()?;
        let now = s.drill.now();
        match action {
            Action::Step => s.review_goto(tabletop_engine::scenario::Minutes(now.0 + 1)),
            Action::StepBack => {
                s.review_goto(tabletop_engine::scenario::Minutes(now.0.saturating_sub(1)))
            }
            Action::NextEvent => {
                let next = s.review.as_ref().and_then(|r| r.next_event_after(now));
                match next {
                    Some(t) => {
                        let seen = s.drill.events_since(0).len();
                        s.review_goto(t);
                        // Say what the jump landed on: the reviewer asked for an event.
                        let new = s.drill.events_since(seen);
                        let more = new.len().saturating_sub(1);
                        self.message = match new.first() {
                            Some(e) => format!(
                                "{}: {}{}",
                                e.at.clock(),
                                words::describe(s, &e.event),
                                if more > 0 {
                                    format!(" (and {more} more)")
                                } else {
                                    String::new()
                                }
                            ),
                            None => format!("at {}", t.clock()),
                        };
                    }
                    None => self.message = "no later event".into(),
                }
            }
            Action::Pause => {
                s.paused = !s.paused;
                self.message = if s.paused {
                    "replay paused".into()
                } else {
                    format!("replaying at ×{} (space pauses)", SPEEDS[s.speed])
                };
            }
            Action::SpeedUp | Action::SpeedDown => {
                self.message = s.change_speed(action == Action::SpeedUp);
            }
            Action::GoToTime => {
                self.overlay =
                    Some(Overlay::Input { purpose: InputPurpose::GoTo, text: String::new() });
            }
            Action::SwitchSeat => s.review_next_seat(),
            Action::Back => self.quit = true,
            _ => self.message = "review: the recorded drill is read-only".into(),
        }
        // A recorded command the engine now refuses: the drill shown stops being the record.
        if let Some(m) = s.review.as_mut().and_then(Review::take_refusal_message) {
            self.message = m;
        }
        None
    }

    /// Enter on the focused pane: the action menu for a system, a decision for an inject,
    /// a verdict for an alert.
    fn open_selected(&mut self) -> Option<Action> {
        let s = self.session.as_mut()?;
        let view = s.view.clone()?;
        let team = s.team().map(str::to_owned)?;
        match s.pane {
            Pane::Estate => {
                let systems = s.visible_systems();
                let sys = systems.get(s.sel("estate")).map(|k| (*k).clone())?;
                self.overlay = Some(menus::system_menu(s, &team, &sys));
            }
            Pane::Inbox => match view.inbox.iter().rev().nth(s.sel("inbox")).cloned() {
                Some(InboxItem::Inject { id, .. }) => {
                    self.overlay = Some(Overlay::Reader(Reading::Inject(id), 0));
                }
                Some(InboxItem::Alert { id, system, technique, .. }) => {
                    let summary = tabletop_engine::scenario::alert_summary(&technique);
                    self.overlay = Some(menus::alert_menu(s, id, &system, &summary));
                }
                None => {}
            },
            Pane::Requests => return Some(Action::Accept),
            Pane::Running => return Some(Action::Cancel),
        }
        None
    }

    /// The decision menu of an inject, when the seat has that decision open.
    fn decide(&mut self, inject: &str) {
        let Some(s) = self.session.as_ref() else { return };
        let Some(d) = s.view.as_ref().and_then(|v| v.decisions.iter().find(|d| d.inject == inject))
        else {
            return;
        };
        let title = s
            .drill
            .scenario()
            .injects
            .iter()
            .find(|i| i.id == inject)
            .map_or_else(|| inject.to_owned(), |i| i.title.clone());
        self.overlay = Some(menus::decision_menu(&title, inject, &d.choices));
    }

    /// Selects a system in the estate (clearing a filter that hides it).
    fn show_system(&mut self, id: &str) {
        let Some(s) = self.session.as_mut() else { return };
        let find = |s: &Session| s.visible_systems().iter().position(|k| k.id == id);
        if find(s).is_none() {
            s.filter.clear();
        }
        match find(s) {
            Some(ix) => {
                s.pane = Pane::Estate;
                s.selected.insert("estate", ix);
            }
            None => self.message = format!("{id} is not in your view of the estate"),
        }
    }
}

fn pane_key(pane: Pane, facilitator: bool) -> &'static str {
    if facilitator {
        return "truth";
    }
    match pane {
        Pane::Estate => "estate",
        Pane::Inbox => "inbox",
        Pane::Requests => "requests",
        Pane::Running => "running",
    }
}

fn pane_len(s: &Session, facilitator: bool) -> usize {
    if facilitator {
        return s.truth.as_ref().map_or(0, |t| t.systems.len());
    }
    let v = s.view.as_ref();
    match s.pane {
        Pane::Estate => s.visible_systems().len(),
        Pane::Inbox => v.map_or(0, |v| v.inbox.len()),
        Pane::Requests => v.map_or(0, |v| v.requests_in.len() + v.sent.len()),
        Pane::Running => v.map_or(0, |v| v.running.len()),
    }
}
