//! Critical tasks rate capabilities (HSEEP exercise evaluation guides): the engine records
//! each task done in time, missed, or done late; the report rates the capability from them;
//! a facilitator's override and observations, appended after the seal, show in the report.
//!
//! Uses `fixtures/base.ron` with critical tasks added.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::sync::Arc;

use tabletop_engine::log::{Body, LogWriter, read_log};
use tabletop_engine::model::{ObservationKind, Review};
use tabletop_engine::scenario::{self, Minutes, Scenario};
use tabletop_engine::score::{self, Rating, RatingBasis, Report, TaskStatus};
use tabletop_engine::{Command, Drill, Seat};

const BASE: &str = include_str!("fixtures/base.ron");

/// Two Containment tasks: IT isolates web01 by 01:00; security investigates it by 02:30.
const TASKS: &str = r#"
    critical_tasks: [
        (id: "isolate-web", capability: "Containment", team: Some("it"),
            description: "Isolate the web server by 01:00",
            goal: Reach(condition: ActionDone(action: "isolate", target: Some("web01")),
                by: Some("01:00"))),
        (id: "look-at-web", capability: "Containment", team: Some("security"),
            description: "Investigate the web server within 2 h of 00:30",
            goal: Reach(condition: ActionDone(action: "investigate", target: Some("web01")),
                within: Some((span: "2h", after: After("00:30"))))),
    ],
"#;

fn text() -> String {
    let at = BASE.rfind("\n)").expect("the scenario's end");
    format!("{}\n{TASKS}{}", &BASE[..at], &BASE[at..])
}

fn scenario(text: &str) -> Arc<Scenario> {
    let checked = scenario::check_bytes("tasks.ron", text.as_bytes());
    let diagnostics = checked.diagnostics.to_string();
    Arc::new(checked.scenario.unwrap_or_else(|| panic!("does not check clean:\n{diagnostics}")))
}

fn start(d: &mut Drill, team: &str, action: &str, target: &str) {
    let cmd =
        Command::Start { action: action.into(), target: Some(target.into()), overrule: false };
    d.submit(&Seat::Team(team.into()), cmd).unwrap_or_else(|r| panic!("{action}: {r}"));
}

/// Plays the drill: IT isolates web01 at `isolate_at` (never when `None`), security
/// investigates it at 00:30 when `investigate`; gives the log's text.
fn play(isolate_at: Option<u32>, investigate: bool) -> String {
    let text = text();
    let mut d = Drill::new(scenario(&text), 1);
    let log = common::SharedBuf::default();
    d.record_to(Box::new(log.clone()), "tasks.ron", &text).unwrap();
    let mut moments: Vec<(u32, &str, &str)> = Vec::new();
    if let Some(at) = isolate_at {
        moments.push((at, "it", "isolate"));
    }
    if investigate {
        moments.push((30, "security", "investigate"));
    }
    moments.sort();
    for (at, team, action) in moments {
        d.advance_to(Minutes(at));
        start(&mut d, team, action, "web01");
    }
    d.run_to_end();
    String::from_utf8(log.bytes()).unwrap()
}

fn report(log: &str) -> Report {
    score::score(&read_log(log).unwrap(), &Default::default()).unwrap()
}

fn containment(r: &Report) -> &score::CapabilityRating {
    r.capabilities.iter().find(|c| c.capability == "Containment").expect("rated")
}

#[test]
fn every_task_in_time_performs_the_capability_without_challenges() {
    let r = report(&play(Some(0), true));
    let c = containment(&r);
    assert_eq!(c.basis, RatingBasis::CriticalTasks);
    let status: Vec<TaskStatus> = c.tasks.iter().map(|t| t.status).collect();
    assert_eq!(status, [TaskStatus::OnTime, TaskStatus::OnTime]);
    assert_eq!(c.rating, Rating::P, "{}", c.reason);
}

#[test]
fn a_task_done_after_its_deadline_counts_late_and_by_how_much() {
    let r = report(&play(Some(120), true));
    let c = containment(&r);
    let isolate = &c.tasks[0];
    assert_eq!(isolate.status, TaskStatus::Late);
    // Started at 02:00, the isolation completes some minutes later: over an hour late.
    let late = isolate.late_by.expect("how late");
    assert!((60..=120).contains(&late), "late by {late} minutes");
    assert_eq!(c.rating, Rating::S, "{}", c.reason);
    assert!(c.reason.contains("“Isolate the web server by 01:00”"), "{}", c.reason);
}

#[test]
fn tasks_not_done_lower_the_rating_to_major_challenges_then_unable() {
    let half = report(&play(None, true));
    assert_eq!(containment(&half).tasks[0].status, TaskStatus::NotDone);
    assert_eq!(containment(&half).rating, Rating::M);
    let none = report(&play(None, false));
    assert_eq!(containment(&none).rating, Rating::U, "{}", containment(&none).reason);
}

#[test]
fn a_capability_without_tasks_is_still_rated_from_its_objectives() {
    let r = report(&play(Some(0), true));
    let detection = r.capabilities.iter().find(|c| c.capability == "Detection").unwrap();
    assert_eq!(detection.basis, RatingBasis::Objectives);
    assert!(detection.tasks.is_empty());
}

#[test]
fn a_task_naming_an_unknown_team_or_repeating_an_id_does_not_check() {
    let bad = text().replacen(
        "team: Some(\"security\"),\n            description",
        "team: Some(\"soc\"),\n            description",
        1,
    );
    let checked = scenario::check_bytes("tasks.ron", bad.as_bytes());
    assert!(checked.scenario.is_none());
    let shown = checked.diagnostics.to_string();
    assert!(shown.contains("critical task `look-at-web`"), "{shown}");
    let twice = text().replacen("id: \"look-at-web\"", "id: \"isolate-web\"", 1);
    let codes: Vec<&str> = scenario::check_bytes("tasks.ron", twice.as_bytes())
        .diagnostics
        .items
        .iter()
        .map(|d| d.code)
        .collect();
    assert!(codes.contains(&"duplicate-id"), "{codes:?}");
}

#[test]
fn a_facilitators_override_and_observations_after_the_seal_show_in_the_report() {
    let log = play(Some(120), true);
    let read = read_log(&log).unwrap();
    let next = read.records.len() as u64 + 2;
    let mut out = log.clone().into_bytes();
    let mut w = LogWriter::continuing(&mut out, next, read.last_hash.clone());
    w.append(Body::Review(Review::Rating {
        capability: "Containment".into(),
        rating: Rating::M,
        reason: "isolated only after the database call".into(),
    }))
    .unwrap();
    w.append(Body::Review(Review::Observation {
        by: "it".into(),
        kind: ObservationKind::Problem,
        text: "we waited for the change board".into(),
        capability: None,
        team: None,
        at: Some(Minutes(125)),
        item: None,
    }))
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    let r = report(&text);
    let c = containment(&r);
    assert_eq!(c.rating, Rating::M);
    let o = c.overridden.as_ref().expect("overridden");
    assert_eq!(
        (o.computed, o.reason.as_str()),
        (Rating::S, "isolated only after the database call")
    );
    assert_eq!(r.observations.len(), 1);
    assert_eq!(r.observations[0].by, "it");
    // The record is chained: changing it breaks the log.
    let tampered = text.replace("change board", "change bored");
    assert!(read_log(&tampered).is_err());
    // Nothing but review records may follow the seal.
    let lines: Vec<&str> = log.lines().collect();
    let event_line = lines[lines.len() - 2];
    assert!(read_log(&format!("{log}{event_line}\n")).is_err());
}

#[test]
fn a_task_whose_moment_never_came_was_never_due_and_does_not_rate() {
    // Nobody comments to the press, so the follow-up call never comes: investigating
    // within 2 h of it was never due, and Containment rests on the isolation alone.
    let text = text().replacen("after: After(\"00:30\")", "after: InjectFired(\"follow-up\")", 1);
    let mut d = Drill::new(scenario(&text), 1);
    let log = common::SharedBuf::default();
    d.record_to(Box::new(log.clone()), "tasks.ron", &text).unwrap();
    start(&mut d, "it", "isolate", "web01");
    d.run_to_end();
    let r = report(&String::from_utf8(log.bytes()).unwrap());
    let c = containment(&r);
    assert_eq!(c.tasks[1].status, TaskStatus::NotDue);
    assert_eq!(c.rating, Rating::P, "{}", c.reason);
    assert!(c.reason.starts_with("1 of 1 critical task due done in time"), "{}", c.reason);
}

/// The organisation's plan beside the drill: a step the team took on time, one it never
/// took, and what the engine says taking it would have changed.
#[test]
fn the_plan_beside_the_drill_says_which_steps_were_followed_and_what_the_rest_cost() {
    use tabletop_engine::adherence::{StepStatus, adherence};
    use tabletop_engine::playbook::load_playbook;
    let log = play(Some(0), false);
    let read = read_log(&log).unwrap();
    let plan = r#"Playbook(format: 1, scenario: "base", description: "Our plan", steps: [
        (team: "it", command: Start(action: "isolate", target: Some("web01"))),
        (team: "security", at: "00:30", command: Start(action: "investigate", target: Some("web01"))),
        (team: "it", when: Some(Alerted("db01")), command: Start(action: "isolate", target: Some("db01"))),
    ])"#;
    let s = scenario(&text());
    let playbook = load_playbook("plan.ron", plan.as_bytes(), &s).expect("the plan checks");
    let a = adherence(&read, &s, &playbook);
    let status: Vec<StepStatus> = a.steps.iter().map(|x| x.status).collect();
    assert_eq!(status[..2], [StepStatus::OnTime, StepStatus::NotDone]);
    assert_eq!(a.steps[1].planned, Some(30));
    assert!(a.steps[1].with_step.is_some(), "what taking it would have changed");
    assert_eq!(a.steps[0].with_step, None, "a step followed needs no what-if");
    // The baseline of every what-if is the drill as played, re-simulated from its log.
    let played_cost = read.records.iter().find_map(|b| match b {
        Body::Event(e) => match e.event {
            tabletop_engine::Event::DrillEnded { cost } => Some(cost),
            _ => None,
        },
        _ => None,
    });
    assert_eq!(Some(a.played.cost), played_cost);
    assert_eq!(a.description, "Our plan");
}
