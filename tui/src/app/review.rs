//! Review mode (`tabletop replay`): a recorded drill re-simulated to any moment, read-only.
//! The views at time T are what each seat saw live at T, because the drill is a pure
//! function of its scenario, seed and commands, all of which the log holds.

use std::sync::Arc;

use tabletop_engine::Drill;
use tabletop_engine::log::Body;
use tabletop_engine::replay;
use tabletop_engine::scenario::{Minutes, Scenario};

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
        Review { scenario, seed, records, next: 0, recorded_end, event_times }
    }

    /// A fresh drill at 00:00.
    pub fn start(&mut self) -> Drill {
        self.next = 0;
        Drill::new(self.scenario.clone(), self.seed)
    }

    /// Moves `drill` forward to `t` (not past the recorded end), submitting the recorded
    /// commands on the way. Going back is done by the caller with a fresh `start`.
    pub fn forward(&mut self, drill: &mut Drill, t: Minutes) {
        let t = t.min(self.recorded_end);
        while let Some(record) = self.records.get(self.next) {
            if let Body::Command { at, seat, command, .. } = record {
                // A command recorded for tick `t` applies when that tick runs, after `t`.
                if *at >= t {
                    break;
                }
                drill.advance_to(*at);
                let _ = drill.submit(seat, command.clone());
            }
            self.next += 1;
        }
        drill.advance_to(t);
    }

    /// The first recorded event time at or after `now`: the moment after which its effect
    /// shows.
    pub fn next_event_after(&self, now: Minutes) -> Option<Minutes> {
        self.event_times.iter().find(|t| **t >= now).map(|t| Minutes(t.0 + 1))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tabletop_engine::log::read_log;
    use tabletop_engine::playbook::{PlaybookRunner, load_playbook};
    use tabletop_engine::scenario::Minutes;
    use tabletop_engine::{Drill, Seat};

    use super::Review;
    use crate::app::{SeatMode, Session};

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

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
            assert_eq!(&session.view, view, "{team} at {}", t.clock());
        }
    }
}
