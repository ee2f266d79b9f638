//! One drill being played in the UI: the engine's drill, who is at the keyboard, the clock
//! mapping from wall time to simulated time, and what each seat has read and marked.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tabletop_engine::model::InboxItem;
use tabletop_engine::model::Player;
use tabletop_engine::policy::Bot;
use tabletop_engine::view::{SeatView, TruthView};
use tabletop_engine::{Command, Drill, Event, Rejection, Seat};

/// Simulated seconds per wall second at each speed step.
pub const SPEEDS: &[u32] = &[1, 10, 60, 300, 900, 3600];
/// The speed a drill starts at (×60: one simulated minute a second).
pub const DEFAULT_SPEED: usize = 2;
/// The most ticks simulated for one frame; beyond it the clock slows rather than freezes.
const MAX_TICKS_PER_FRAME: u32 = 120;

/// Who plays at this keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeatMode {
    /// All teams take turns; a key hands over to the next.
    HotSeat(Vec<String>),
    /// One team only.
    Team(String),
    /// The facilitator: the truth and the clock.
    Facilitator,
}

/// The panes of a team's drill screen, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The estate list.
    Estate,
    /// Injects and alerts.
    Inbox,
    /// Requests to and from the team.
    Requests,
    /// Actions in progress.
    Running,
}

impl Pane {
    /// The next pane in focus order.
    pub fn next(self) -> Self {
        match self {
            Pane::Estate => Pane::Inbox,
            Pane::Inbox => Pane::Requests,
            Pane::Requests => Pane::Running,
            Pane::Running => Pane::Estate,
        }
    }

    /// The previous pane in focus order.
    pub fn prev(self) -> Self {
        match self {
            Pane::Estate => Pane::Running,
            Pane::Inbox => Pane::Estate,
            Pane::Requests => Pane::Inbox,
            Pane::Running => Pane::Requests,
        }
    }
}

/// The estate's display order, for a team (first) and a filter (second): indices into the
/// team's view of the systems.
type EstateOrder = ((String, String), Vec<usize>);

/// A drill in the UI.
pub struct Session {
    /// The engine's drill.
    pub drill: Drill,
    /// Where the log is written.
    pub log_path: PathBuf,
    /// Who plays.
    pub mode: SeatMode,
    /// The seat now at the keyboard.
    pub seat: Seat,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Clock stopped.
    pub paused: bool,
    carry: f64,
    /// The current seat's view (teams) — refreshed after every change, shared with the
    /// drill, which updates it in place when this copy is dropped first.
    pub view: Option<Arc<SeatView>>,
    /// The truth (facilitator only).
    pub truth: Option<Arc<TruthView>>,
    /// What `view` and `truth` were read from: the drill's revision, the seat, a review.
    shown: Option<((u64, u64), Seat, bool)>,
    /// The estate's display order for a team and a filter: indices into its view's systems.
    order: RefCell<Option<EstateOrder>>,
    /// Focused pane.
    pub pane: Pane,
    /// Selected row per pane.
    pub selected: BTreeMap<&'static str, usize>,
    /// Estate filter text.
    pub filter: String,
    /// Inbox items read per seat: positions in the inbox, oldest first (an item is read
    /// once it has been selected, not when the pane is merely focused).
    pub read: BTreeMap<String, std::collections::BTreeSet<usize>>,
    /// Objectives decided so far: (id, met).
    pub objectives: Vec<(String, bool)>,
    /// Facilitator notes so far.
    pub notes: usize,
    events_seen: usize,
    /// Recent events (facilitator's feed), newest last.
    pub feed: Vec<String>,
    /// Set when reviewing a recorded drill (read-only).
    pub review: Option<super::review::Review>,
    /// Bots playing seats, one per policy, as the drill's `SeatPlayer` events hand seats
    /// out: whoever hands a seat over (the command line, the console, the facilitator's
    /// seat, or the log of a resumed drill), the session that runs the clock follows.
    bots: Vec<Bot>,
    /// Events already read for seat hand-overs.
    handovers_read: usize,
    /// Hands the seat's team has in use as a new action counts them: running, queued for
    /// the next tick, and kept for approved actions (the header and the menu agree).
    pub hands: u32,
    /// Display names by id: actions, then teams (people read names, not ids).
    names: (BTreeMap<String, String>, BTreeMap<String, String>),
}

impl Session {
    /// Starts the UI side of a drill.
    pub fn new(drill: Drill, log_path: PathBuf, mode: SeatMode) -> Self {
        let seat = match &mode {
            SeatMode::HotSeat(teams) => Seat::Team(teams.first().cloned().unwrap_or_default()),
            SeatMode::Team(t) => Seat::Team(t.clone()),
            SeatMode::Facilitator => Seat::Facilitator,
        };
        let mut s = Session {
            drill,
            log_path,
            mode,
            seat,
            speed: DEFAULT_SPEED,
            paused: true,
            carry: 0.0,
            view: None,
            truth: None,
            shown: None,
            order: RefCell::new(None),
            pane: Pane::Estate,
            selected: BTreeMap::new(),
            filter: String::new(),
            read: BTreeMap::new(),
            objectives: Vec::new(),
            notes: 0,
            events_seen: 0,
            feed: Vec::new(),
            review: None,
            bots: Vec::new(),
            handovers_read: 0,
            hands: 0,
            names: (BTreeMap::new(), BTreeMap::new()),
        };
        let scenario = s.drill.scenario();
        s.names = (
            tabletop_engine::scenario::resolve_actions(scenario)
                .into_iter()
                .map(|a| (a.id, a.name))
                .collect(),
            scenario.teams.iter().map(|t| (t.id.clone(), t.name.clone())).collect(),
        );
        s.refresh();
        s
    }

    /// Who plays each team's seat, as the drill records it (in the scenario's team order).
    pub fn players(&self) -> Vec<(String, Player)> {
        let mut out: Vec<(String, Player)> =
            self.drill.scenario().teams.iter().map(|t| (t.id.clone(), Player::Person)).collect();
        for e in self.drill.events_since(0) {
            if let Event::SeatPlayer { team, player } = &e.event
                && let Some(seat) = out.iter_mut().find(|(t, _)| t == team)
            {
                seat.1 = player.clone();
            }
        }
        out
    }

    /// Follows the seat hand-overs recorded since the last call, then lets each bot act at
    /// the current tick. Never in a review: a recorded drill is only watched.
    fn step_bots(&mut self) {
        if self.review.is_some() {
            return;
        }
        let handovers: Vec<(String, Player)> = self
            .drill
            .events_since(self.handovers_read)
            .iter()
            .filter_map(|e| match &e.event {
                Event::SeatPlayer { team, player } => Some((team.clone(), player.clone())),
                _ => None,
            })
            .collect();
        self.handovers_read = self.drill.events_since(0).len();
        for (team, player) in handovers {
            for b in &mut self.bots {
                b.set_seat(&team, false);
            }
            if let Player::Bot(policy) = player {
                match self.bots.iter_mut().find(|b| b.policy() == policy) {
                    Some(b) => {
                        b.set_seat(&team, true);
                    }
                    None => {
                        let bot = Bot::seats(policy, self.drill.scenario(), &[team.as_str()]);
                        self.bots.push(bot);
                    }
                }
            }
        }
        self.bots.retain(Bot::plays_any);
        for b in &mut self.bots {
            b.step(&mut self.drill);
        }
    }

    /// Re-reads the seat's view (or the truth) after the drill changed. The previous seat's
    /// view is dropped first: nothing of it survives a seat change.
    pub fn refresh(&mut self) {
        // Rebuilding a view costs the whole estate: only when the drill or the seat changed.
        let shown = (self.drill.revision(), self.seat.clone(), self.review.is_some());
        let missing = match &self.seat {
            Seat::Team(_) => self.view.is_none(),
            Seat::Facilitator => self.truth.is_none(),
        };
        if missing || self.shown.as_ref() != Some(&shown) {
            self.view = None;
            self.truth = None;
            match &self.seat {
                Seat::Team(t) => self.view = self.drill.seat_view(t),
                Seat::Facilitator => self.truth = Some(self.drill.shared_truth()),
            }
            // A review shows the truth beside the seat's view.
            if self.review.is_some() && self.truth.is_none() {
                self.truth = Some(self.drill.shared_truth());
            }
            self.hands = match &self.seat {
                Seat::Team(t) => self.drill.hands_in_use(t),
                Seat::Facilitator => 0,
            };
            self.shown = Some(shown);
        }
        let new: Vec<(String, Event)> = self
            .drill
            .events_since(self.events_seen)
            .iter()
            .map(|e| (e.at.clock(), e.event.clone()))
            .collect();
        for (at, e) in new {
            match &e {
                Event::ObjectiveMet { objective } => {
                    self.objectives.push((objective.clone(), true))
                }
                Event::ObjectiveMissed { objective } => {
                    self.objectives.push((objective.clone(), false))
                }
                Event::Note { .. } => self.notes += 1,
                _ => {}
            }
            // Availability follows the state changes the feed already shows.
            if !matches!(e, Event::Observed { .. } | Event::AvailabilityChanged { .. }) {
                let line = format!("{at} {}", super::words::describe(self, &e));
                self.feed.push(line);
            }
        }
        let excess = self.feed.len().saturating_sub(200);
        self.feed.drain(..excess);
        self.events_seen = self.drill.events_since(0).len();
    }

    /// Advances simulated time by `elapsed` wall time at the current speed.
    pub fn tick(&mut self, elapsed: Duration) {
        if self.paused || self.drill.is_over() {
            return;
        }
        let tick_seconds = f64::from(self.drill.scenario().meta.tick.0.max(1)) * 60.0;
        self.carry += elapsed.as_secs_f64() * f64::from(SPEEDS[self.speed]);
        let due = (self.carry / tick_seconds).floor();
        if due < 1.0 {
            return;
        }
        let ticks = (due as u32).min(MAX_TICKS_PER_FRAME);
        self.carry -= f64::from(ticks) * tick_seconds;
        if due as u32 > MAX_TICKS_PER_FRAME {
            // Behind: let the backlog go rather than freeze the screen.
            self.carry = 0.0;
        }
        // A review plays the record forward, and stops where the record does.
        if let Some(end) = self.review.as_ref().map(|r| r.recorded_end) {
            let step = self.drill.scenario().meta.tick.0.max(1);
            let target = self.drill.now().0.saturating_add(ticks.saturating_mul(step)).min(end.0);
            self.review_goto(tabletop_engine::scenario::Minutes(target));
            if target >= end.0 {
                self.paused = true;
            }
            return;
        }
        // Tick by tick, so the bots glance at their screens at their times.
        for _ in 0..ticks {
            self.step_bots();
            self.drill.advance(1);
        }
        self.refresh();
    }

    /// Review: moves to drill time `t`, forward by re-simulating on, backward by
    /// re-simulating from the start.
    pub fn review_goto(&mut self, t: tabletop_engine::scenario::Minutes) {
        let Some(mut review) = self.review.take() else { return };
        if t < self.drill.now() {
            self.drill = review.start();
            self.events_seen = 0;
            self.feed.clear();
            self.objectives.clear();
            self.notes = 0;
        }
        review.forward(&mut self.drill, t);
        self.review = Some(review);
        self.refresh();
    }

    /// Review: the seats in turn (each team, then the facilitator's truth), no handover.
    pub fn review_next_seat(&mut self) {
        let teams: Vec<String> = self.drill.scenario().teams.iter().map(|t| t.id.clone()).collect();
        let next = match &self.seat {
            Seat::Team(t) => match teams.iter().position(|x| x == t) {
                Some(i) if i + 1 < teams.len() => Seat::Team(teams[i + 1].clone()),
                _ => Seat::Facilitator,
            },
            Seat::Facilitator => Seat::Team(teams.first().cloned().unwrap_or_default()),
        };
        self.switch_to(next);
    }

    /// Advances exactly one tick (single step, usually while paused).
    pub fn step(&mut self) {
        self.step_bots();
        self.drill.advance(1);
        self.refresh();
    }

    /// Submits a command for the current seat; the refusal reason on failure.
    pub fn submit(&mut self, command: Command) -> Result<u64, Rejection> {
        let seat = self.seat.clone();
        let result = self.drill.submit(&seat, command);
        self.refresh();
        result
    }

    /// The team id at the keyboard, if a team.
    pub fn team(&self) -> Option<&str> {
        match &self.seat {
            Seat::Team(t) => Some(t),
            Seat::Facilitator => None,
        }
    }

    /// The next team in a hot-seat rotation.
    pub fn next_team(&self) -> Option<String> {
        let SeatMode::HotSeat(teams) = &self.mode else { return None };
        let i = teams.iter().position(|t| Some(t.as_str()) == self.team()).unwrap_or(0);
        teams.get((i + 1) % teams.len().max(1)).cloned()
    }

    /// Hands the keyboard to another seat: the old view is dropped before the new is read.
    pub fn switch_to(&mut self, seat: Seat) {
        self.view = None;
        self.truth = None;
        self.seat = seat;
        self.pane = Pane::Estate;
        self.selected.clear();
        self.filter.clear();
        self.refresh();
    }

    /// One step faster or slower on [`SPEEDS`]; says the new speed.
    pub fn change_speed(&mut self, faster: bool) -> String {
        self.speed = if faster {
            (self.speed + 1).min(SPEEDS.len() - 1)
        } else {
            self.speed.saturating_sub(1)
        };
        format!("speed ×{}", SPEEDS[self.speed])
    }

    /// An action's display name.
    pub fn action_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.0.get(id).map_or(id, String::as_str)
    }

    /// An action's display name inside a sentence ("asks you to block C2 on …").
    pub fn action_phrase(&self, id: &str) -> String {
        lower_first(self.action_name(id))
    }

    /// A team's display name.
    pub fn team_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.1.get(id).map_or(id, String::as_str)
    }

    /// Unread inbox items for the current seat.
    pub fn unread(&self) -> usize {
        let read = self.team().and_then(|t| self.read.get(t)).map_or(0, |r| r.len());
        self.view.as_ref().map_or(0, |v| v.inbox.len().saturating_sub(read))
    }

    /// Whether the current seat has read inbox item `ix` (oldest first).
    pub fn is_read(&self, ix: usize) -> bool {
        self.team().and_then(|t| self.read.get(t)).is_some_and(|r| r.contains(&ix))
    }

    /// Marks the selected inbox item read for the current seat: it is on screen in full.
    pub fn mark_selected_read(&mut self) {
        let Some(len) = self.view.as_ref().map(|v| v.inbox.len()) else { return };
        let Some(ix) = len.checked_sub(1 + self.sel("inbox")) else { return };
        if let Some(t) = self.team().map(str::to_owned) {
            self.read.entry(t).or_default().insert(ix);
        }
    }

    /// Open (untriaged) alerts of the current seat.
    pub fn open_alerts(&self) -> usize {
        self.view.as_ref().map_or(0, |v| {
            v.inbox
                .iter()
                .filter(|i| matches!(i, InboxItem::Alert { id, .. } if !v.triaged.contains_key(id)))
                .count()
        })
    }

    /// Systems of the view that pass the filter, in display order (by site, zone, id).
    pub fn visible_systems(&self) -> Vec<&tabletop_engine::view::KnownSystem> {
        let Some(v) = &self.view else { return Vec::new() };
        // Which systems a seat sees and their names never change: the order and the filter
        // are worked out once per seat and filter, not on every frame.
        let key = (v.team.clone(), self.filter.clone());
        let mut cached = self.order.borrow_mut();
        if cached.as_ref().is_none_or(|(k, _)| *k != key) {
            let f = self.filter.to_lowercase();
            let mut list: Vec<usize> = (0..v.systems.len())
                .filter(|&i| {
                    let s = &v.systems[i];
                    f.is_empty()
                        || s.id.to_lowercase().contains(&f)
                        || s.name.to_lowercase().contains(&f)
                        || s.zone.to_lowercase().contains(&f)
                })
                .collect();
            let k = |i: usize| (&v.systems[i].site, &v.systems[i].zone, &v.systems[i].id);
            list.sort_by(|&a, &b| k(a).cmp(&k(b)));
            *cached = Some((key, list));
        }
        cached.as_ref().map_or_else(Vec::new, |(_, list)| {
            list.iter().filter_map(|&i| v.systems.get(i)).collect()
        })
    }

    /// The selected row of a pane.
    pub fn sel(&self, pane: &'static str) -> usize {
        self.selected.get(pane).copied().unwrap_or(0)
    }
}

/// A name inside a sentence: its first letter lower-cased, the rest (C2, DR) as written.
pub(super) fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}
