//! Disaster recovery that obeys physics, on `fixtures/dr.ron`: a failed-over system uses the
//! dependencies of its DR site, an off-site backup restores into another site, a DR site
//! runs only as many systems as it can hold, and failovers and restores meet uncertainty
//! drawn from the drill's seed.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;

use tabletop_engine::scenario::{self, Minutes, Scenario, SystemState};
use tabletop_engine::{Command, Drill, Event, Seat, TimedEvent};

const DR: &str = include_str!("fixtures/dr.ron");

fn scenario() -> Arc<Scenario> {
    let checked = scenario::check_bytes("dr.ron", DR.as_bytes());
    let diagnostics = checked.diagnostics.to_string();
    Arc::new(checked.scenario.unwrap_or_else(|| panic!("dr.ron does not check:\n{diagnostics}")))
}

fn it() -> Seat {
    Seat::Team("it".to_owned())
}

/// Starts an action and runs the drill until it ends; returns how it ended.
fn act(d: &mut Drill, action: &str, target: &str) -> TimedEvent {
    let cursor = d.events_since(0).len();
    let command =
        Command::Start { action: action.into(), target: Some(target.into()), overrule: false };
    let id = d.submit(&it(), command).unwrap_or_else(|r| panic!("{action} {target}: {r}"));
    for _ in 0..24 * 60 {
        d.advance(1);
        let ended = d.events_since(cursor).iter().find(|e| {
            matches!(&e.event,
                Event::ActionCompleted { id: x, .. } | Event::ActionFailed { id: x, .. } if *x == id)
        });
        if let Some(e) = ended {
            return e.clone();
        }
    }
    panic!("{action} {target} never ended")
}

fn completed(e: &TimedEvent) -> bool {
    matches!(e.event, Event::ActionCompleted { .. })
}

fn state(d: &mut Drill, id: &str) -> (SystemState, bool) {
    let s = d.truth().systems.into_iter().find(|s| s.id == id).unwrap();
    (s.state, s.available)
}

fn fire(d: &mut Drill, event: &str) {
    d.submit(&Seat::Facilitator, Command::StartEvent { event: event.into() }).unwrap();
    d.advance(1);
}

#[test]
fn a_failed_over_system_uses_the_dependencies_of_its_dr_site() {
    let mut d = Drill::new(scenario(), 1);
    assert!(completed(&act(&mut d, "isolate", "dc01")));
    assert_eq!(state(&mut d, "db01"), (SystemState::Down, false), "db01 needs dc01 at HQ");
    assert!(completed(&act(&mut d, "fail_over", "db01")));
    assert_eq!(
        state(&mut d, "db01"),
        (SystemState::Degraded, true),
        "at Northgate db01 needs dc02, which runs"
    );
}

#[test]
fn an_off_site_backup_restores_into_the_dr_site_while_hq_is_dark() {
    let mut d = Drill::new(scenario(), 1);
    fire(&mut d, "hq-power");
    let end = act(&mut d, "restore_backup", "fs01");
    assert!(completed(&end), "{end:?}");
    assert_eq!(state(&mut d, "fs01"), (SystemState::Degraded, true), "running at Northgate");
    // Taken 12 h before the drill; fs01 stopped taking writes when the power went.
    let lost = d.truth().systems.iter().find(|s| s.id == "fs01").unwrap().data_lost;
    assert_eq!(lost, 12 * 60);
}

#[test]
fn a_dr_site_runs_only_as_many_systems_as_it_can_hold() {
    let mut d = Drill::new(scenario(), 1);
    fire(&mut d, "hq-power");
    assert!(completed(&act(&mut d, "fail_over", "db01")));
    assert!(completed(&act(&mut d, "restore_backup", "fs01")));
    let third = act(&mut d, "fail_over", "app01");
    let Event::ActionFailed { reason, .. } = &third.event else {
        panic!("Northgate holds two: {third:?}")
    };
    assert!(reason.contains("all the systems it can hold"), "{reason}");
    // Failing one back frees room.
    d.advance_to(Minutes(11 * 60));
    assert!(completed(&act(&mut d, "fail_back", "db01")));
    assert!(completed(&act(&mut d, "fail_over", "app01")));
}

#[test]
fn failovers_can_fail_and_take_a_time_drawn_from_the_seed() {
    let mut failed = 0;
    let mut took = std::collections::BTreeSet::new();
    for seed in 0..40 {
        let run = |seed| {
            let mut d = Drill::new(scenario(), seed);
            let start = d.now();
            let end = act(&mut d, "fail_over", "erp01");
            (completed(&end), end.at.0 - start.0)
        };
        let (ok, minutes) = run(seed);
        assert_eq!(run(seed), (ok, minutes), "same seed, same draws");
        assert!((65..=185).contains(&minutes), "5m plus 1h to 3h, took {minutes}");
        failed += usize::from(!ok);
        took.insert(minutes);
    }
    assert!((8..=32).contains(&failed), "about one in two fails: {failed} of 40");
    assert!(took.len() > 10, "the times vary: {took:?}");
}

#[test]
fn restores_take_a_time_drawn_from_the_backups_range() {
    let took: std::collections::BTreeSet<u32> = (0..20)
        .map(|seed| {
            let mut d = Drill::new(scenario(), seed);
            let start = d.now();
            let end = act(&mut d, "restore_backup", "fs01");
            assert!(completed(&end));
            end.at.0 - start.0
        })
        .collect();
    assert!(took.iter().all(|m| (65..=185).contains(m)), "{took:?}");
    assert!(took.len() > 5, "{took:?}");
}
