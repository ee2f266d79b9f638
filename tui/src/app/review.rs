//! Review mode (`tabletop replay`): a recorded drill re-simulated to any moment, read-only.
//! The views at time T are what each seat saw live at T, because the drill is a pure
//! function of its scenario, seed and commands, all of which the log holds. The commands are
//! given the way verify and resume give them ([`replay::replay_commands`]); a command the
//! engine now refuses ends that, and the reviewer is told.

use std::sync::Arc;

use tabletop_engine::Drill;
use tabletop_engine::log::Body;
use tabletop_engine::replay::{self, ReplayError};
use tabletop_engine::scenario::{Minutes, Scenario};

use crate::safe_text::terminal_safe;

/// A recorded drill under review.
pub struct Review {
    scenario: Arc<Scenario>,
    seed: u64,
    records: Vec<Body>,
    /// Index of the next command record to submit.
    next: usize,
    /// The drill time the recorded drill reached.
    pub recorded_end: Minutes,
    /// Times at which something was recorded (event times), ascending.
    event_times: Vec<Minutes>,
    /// The recorded command the engine refused when the drill under review reached it.
    refusal: Option<Refusal>,
    /// The refusal is news: the reviewer has not been told since the drill reached it.
    unseen: bool,
}

/// A recorded command the engine refuses on re-simulation. From its time on, the drill under
/// review is no longer the recorded one: no later command is given, since each would be
/// judged against a drill the seats never saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// When the command was to apply.
    pub at: Minutes,
    /// Why, and at which line of the log.
    pub error: ReplayError,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "review: {}; from {} on this is not the recorded drill",
            self.error,
            self.at.clock()
        )
    }
}

impl Review {
    /// Prepares to review a log's records.
    pub fn new(scenario: Arc<Scenario>, seed: u64, records: Vec<Body>) -> Self {
        let mut event_times: Vec<Minutes> = records
            .iter()
            .filter_map(|b| match b {
                Body::Event(e) => Some(e.at),
                _ => None,
            })
            .collect();
        event_times.dedup();
        let recorded_end = replay::last_tick(&records);
        Review {
            scenario,
            seed,
            records,
            next: 0,
            recorded_end,
            event_times,
            refusal: None,
            unseen: false,
        }
    }

    /// A fresh drill at 00:00.
    pub fn start(&mut self) -> Drill {
        self.next = 0;
        self.refusal = None;
        self.unseen = false;
        Drill::new(self.scenario.clone(), self.seed)
    }

    /// Moves `drill` forward to `t` (not past the recorded end), giving the recorded commands
    /// on the way, up to the first the engine refuses. Going back is done by the caller with
    /// a fresh `start`.
    pub fn forward(&mut self, drill: &mut Drill, t: Minutes) {
        let t = t.min(self.recorded_end);
        if self.refusal.is_none() {
            let from = self.next;
            let rest = &self.records[from..];
            // A command recorded for tick `t` applies when that tick runs, after `t`.
            let due = rest
                .iter()
                .position(|b| matches!(b, Body::Command { at, .. } if *at >= t))
                .unwrap_or(rest.len());
            self.next = from + due;
            if let Err(e) = replay::replay_commands(drill, &rest[..due], None) {
                // Its lines count from the slice given; the log's count from its start.
                let error = ReplayError { line: e.line.map(|l| l + from), ..e };
                self.refusal = Some(Refusal { at: drill.now(), error });
                self.unseen = true;
            }
        }
        drill.advance_to(t);
    }

    /// What to tell the reviewer, once, when the drill under review has just reached a
    /// refused command (again, after going back before it).
    pub fn take_refusal_message(&mut self) -> Option<String> {
        let news = std::mem::take(&mut self.unseen);
        // The message quotes the log, whose text can be anything.
        self.refusal.as_ref().filter(|_| news).map(|r| terminal_safe(&r.to_string()).into_owned())
    }

    /// The first recorded event time at or after `now`: the moment after which its effect
    /// shows.
    pub fn next_event_after(&self, now: Minutes) -> Option<Minutes> {
        self.event_times.iter().find(|t| **t >= now).map(|t| Minutes(t.0 + 1))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tabletop_engine::log::{Body, ReadLog, read_log};
    use tabletop_engine::playbook::{PlaybookRunner, load_playbook};
    use tabletop_engine::scenario::{Minutes, Scenario};
    use tabletop_engine::{Command, Drill, Event, Seat};

    use super::Review;
    use crate::app::{Action, App, Screen, SeatMode, Session};

    use crate::test_log::Shared;

    #[test]
    fn replay_shows_each_seat_what_it_saw_live_at_that_moment() {
        let offer = crate::bundled::offers().into_iter().next().expect("a bundled scenario");
        let book = include_bytes!("../../../scenarios/playbooks/ransomware.ron");
        let playbook = load_playbook("ransomware.ron", book, &offer.scenario).expect("playbook");
        let log = Shared::default();
        let mut live = Drill::new(offer.scenario.clone(), 11);
        live.record_to(Box::new(log.clone()), &offer.file, &offer.text).expect("record");
        let mut runner = PlaybookRunner::new(&playbook);
        let moments = [Minutes(0), Minutes(95), Minutes(180), Minutes(241), Minutes(600)];
        let teams: Vec<String> = offer.scenario.teams.iter().map(|t| t.id.clone()).collect();
        let mut seen = Vec::new();
        for t in moments {
            runner.play(&mut live, t);
            for team in &teams {
                seen.push((t, team.clone(), live.view(team)));
            }
        }
        runner.play(&mut live, Minutes(720));
        let text = String::from_utf8(log.0.lock().expect("log").clone()).expect("UTF-8");
        let recorded = read_log(&text).expect("log reads back");
        let mut review = Review::new(offer.scenario.clone(), 11, recorded.records);
        let mut session = Session::new(review.start(), "x.log".into(), SeatMode::Facilitator);
        session.review = Some(review);
        // Jump about, forward and back, as a reviewer would.
        for &(t, ref team, ref view) in seen.iter().rev().chain(seen.iter()) {
            session.switch_to(Seat::Team(team.clone()));
            session.review_goto(t);
            assert_eq!(session.view.as_deref(), view.as_ref(), "{team} at {}", t.clock());
        }
    }

    /// The ransomware drill (seed 11) played to its end by the reference playbook: the
    /// scenario and the log's records.
    fn recorded() -> (Arc<Scenario>, Vec<Body>) {
        let offer = crate::bundled::offers().into_iter().next().expect("a bundled scenario");
        let book = include_bytes!("../../../scenarios/playbooks/ransomware.ron");
        let playbook = load_playbook("ransomware.ron", book, &offer.scenario).expect("playbook");
        let log = Shared::default();
        let mut live = Drill::new(offer.scenario.clone(), 11);
        live.record_to(Box::new(log.clone()), &offer.file, &offer.text).expect("record");
        PlaybookRunner::new(&playbook).play(&mut live, Minutes(720));
        let text = String::from_utf8(log.0.lock().expect("log").clone()).expect("UTF-8");
        (offer.scenario, read_log(&text).expect("log reads back").records)
    }

    fn started(events: &[tabletop_engine::TimedEvent]) -> Vec<u64> {
        let ids = events.iter().filter_map(|e| match e.event {
            Event::ActionStarted { id, .. } => Some(id),
            _ => None,
        });
        ids.collect()
    }

    #[test]
    fn a_recorded_command_the_engine_refuses_is_told_and_ends_the_replay_of_commands() {
        let (scenario, mut records) = recorded();
        let commands: Vec<(usize, Minutes, u64)> = records
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match b {
                Body::Command { at, id, .. } => Some((i, *at, *id)),
                _ => None,
            })
            .collect();
        assert!(commands.len() > 3, "the playbook gives commands: {commands:?}");
        // The second command, changed into one the engine refuses.
        let (i, at, id) = commands[1];
        if let Some(Body::Command { command, .. }) = records.get_mut(i) {
            *command =
                Command::Start { action: "no-such-action".into(), target: None, overrule: false };
        }
        let recorded_started = started(
            &records
                .iter()
                .filter_map(|b| match b {
                    Body::Event(e) => Some(e.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        );
        assert!(recorded_started.iter().any(|s| *s > id), "later commands started actions");

        let mut review = Review::new(scenario, 11, records);
        let mut session = Session::new(review.start(), "x.log".into(), SeatMode::Facilitator);
        session.review = Some(review);
        let mut app = App::new(Vec::new(), 11, None, |_, _, _| Err("review only".into()));
        app.with_session(session);
        app.screen = Screen::Drill;
        // Jump from event to event, as a reviewer would, to the end.
        let mut told = Vec::new();
        for _ in 0..1000 {
            app.update(Action::NextEvent);
            if app.message.contains("refuses") && !told.contains(&app.message) {
                told.push(app.message.clone());
            }
            if app.message == "no later event" {
                break;
            }
        }
        assert_eq!(told.len(), 1, "told once: {told:?}");
        let line = ReadLog::line_of(i);
        assert!(
            told[0].starts_with(&format!(
                "review: line {line}: the engine now refuses command #{id}: "
            )) && told[0].contains("no-such-action")
                && told[0]
                    .ends_with(&format!("; from {} on this is not the recorded drill", at.clock())),
            "{}",
            told[0]
        );
        let s = app.session.as_mut().expect("the session");
        let review = s.review.as_mut().expect("still a review");
        assert_eq!(review.refusal.as_ref().map(|r| r.at), Some(at));
        assert_eq!(review.take_refusal_message(), None, "news once");
        // No command after the refused one was given.
        assert_eq!(s.drill.now(), review.recorded_end);
        assert!(started(s.drill.events_since(0)).iter().all(|s| *s < id));

        // Back before it, the drill follows the log again; past it, the reviewer is told again.
        s.review_goto(Minutes(at.0.saturating_sub(1)));
        let review = s.review.as_mut().expect("still a review");
        assert_eq!(review.refusal, None);
        s.review_goto(Minutes(at.0 + 1));
        let review = s.review.as_mut().expect("still a review");
        assert!(review.take_refusal_message().is_some());
    }
}
