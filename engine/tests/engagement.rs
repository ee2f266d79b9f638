//! What the teams owe each other and the regulator, as a user meets it: deadlines that run
//! from a moment of the drill ("notify within 72 h of becoming aware"), not from a clock
//! time; alert triage as a logged command that costs an analyst's time.
//!
//! Uses `fixtures/presence.ron` with its objectives replaced.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::sync::Arc;

use tabletop_engine::log::read_log;
use tabletop_engine::model::{InboxItem, TRIAGE_MINUTES, Verdict};
use tabletop_engine::scenario::{self, Minutes, Scenario};
use tabletop_engine::score;
use tabletop_engine::{Command, Drill, Event, Rejection, Seat};

const PRESENCE: &str = include_str!("fixtures/presence.ron");

/// The fixture's text with `objectives` as given.
fn text_with_objectives(objectives: &str) -> String {
    let at = PRESENCE.find("    objectives: [").expect("the fixture has objectives");
    format!("{}    objectives: [{objectives}],\n)\n", &PRESENCE[..at])
}

/// The fixture with `objectives` as given.
fn with_objectives(objectives: &str) -> Arc<Scenario> {
    let text = text_with_objectives(objectives);
    let checked = scenario::check_bytes("engagement.ron", text.as_bytes());
    let diagnostics = checked.diagnostics.to_string();
    Arc::new(checked.scenario.unwrap_or_else(|| panic!("does not check clean:\n{diagnostics}")))
}

fn act(d: &mut Drill, action: &str, target: &str) {
    let cmd = Command::Start {
        action: action.to_owned(),
        target: Some(target.to_owned()),
        overrule: false,
    };
    d.submit(&Seat::Team("security".into()), cmd).unwrap_or_else(|r| panic!("{action}: {r}"));
    d.advance(1);
}

/// How the objective `id` was decided, and when.
fn decided(d: &Drill, id: &str) -> Option<(bool, Minutes)> {
    d.events_since(0).iter().find_map(|e| match &e.event {
        Event::ObjectiveMet { objective } if objective == id => Some((true, e.at)),
        Event::ObjectiveMissed { objective } if objective == id => Some((false, e.at)),
        _ => None,
    })
}

const BLOCK_WITHIN_AN_HOUR: &str = r#"
    (id: "block-fast", description: "Block fs01's C2 within 1 h of starting to investigate it",
        weight: 10, goal: Reach(condition: ActionDone(action: "block_c2", target: Some("fs01")),
            within: Some((span: "1h", after: ActionDone(action: "investigate", target: Some("fs01")))))),
"#;

#[test]
fn a_deadline_runs_from_the_moment_its_condition_first_holds() {
    let s = with_objectives(BLOCK_WITHIN_AN_HOUR);
    // Investigated (done at 01:00), then blocked within the hour: met.
    let mut d = Drill::new(s.clone(), 1);
    act(&mut d, "investigate", "fs01");
    d.advance_to(Minutes(70));
    act(&mut d, "block_c2", "fs01");
    d.run_to_end();
    assert_eq!(decided(&d, "block-fast").map(|x| x.0), Some(true));

    // Investigated, never blocked: missed an hour after the investigation, not at the end.
    let mut d = Drill::new(s.clone(), 1);
    act(&mut d, "investigate", "fs01");
    d.run_to_end();
    let (met, at) = decided(&d, "block-fast").unwrap();
    assert!(!met);
    assert!(at > Minutes(60) && at <= Minutes(125), "missed at {at:?}");

    // Never investigated: nothing was due, met at the end.
    let mut d = Drill::new(s, 1);
    d.run_to_end();
    assert_eq!(decided(&d, "block-fast").map(|x| x.0), Some(true));
}

#[test]
fn a_relative_deadline_is_checked_where_it_is_written() {
    let both = BLOCK_WITHIN_AN_HOUR.replace("within:", "by: Some(\"02:00\"), within:");
    let text = text_with_objectives(&both);
    let checked = scenario::check_bytes("engagement.ron", text.as_bytes());
    let d = checked.diagnostics.to_string();
    assert!(checked.scenario.is_none(), "both deadlines are refused");
    assert!(d.contains("objective `block-fast` has both `by` and `within`"), "{d}");
    assert!(d.contains("engagement.ron:"), "located: {d}");
}

#[test]
fn triage_is_a_command_that_takes_an_analyst_and_a_dismissed_true_alert_is_reported() {
    let s = with_objectives(BLOCK_WITHIN_AN_HOUR);
    let mut d = Drill::new(s.clone(), 1);
    let log = common::SharedBuf::default();
    let text = text_with_objectives(BLOCK_WITHIN_AN_HOUR);
    d.record_to(Box::new(log.clone()), "engagement.ron", &text).unwrap();
    // Beacons raise true alerts about the crew's C2 within the first hours.
    let alert = loop {
        d.advance(1);
        let v = d.view("security").unwrap();
        if let Some(id) = v.inbox.iter().find_map(|i| match i {
            InboxItem::Alert { id, .. } => Some(*id),
            _ => None,
        }) {
            break id;
        }
        assert!(d.now() < Minutes(600), "no alert reached security");
    };
    let seat = Seat::Team("security".into());
    let dismiss = Command::Triage { alert, verdict: Verdict::FalsePositive };
    d.submit(&seat, dismiss.clone()).unwrap();
    assert_eq!(d.submit(&seat, dismiss.clone()), Err(Rejection::UnknownAlert(alert)));
    d.advance(1);
    let v = d.view("security").unwrap();
    assert_eq!(v.triaged.get(&alert), Some(&Verdict::FalsePositive));
    assert_eq!(v.busy, 1, "triage takes an analyst");
    d.advance(TRIAGE_MINUTES);
    assert_eq!(d.view("security").unwrap().busy, 0, "for five minutes");
    assert_eq!(d.submit(&seat, dismiss), Err(Rejection::UnknownAlert(alert)), "once only");
    let unknown = Command::Triage { alert: 999_999, verdict: Verdict::Escalate };
    assert_eq!(d.submit(&seat, unknown), Err(Rejection::UnknownAlert(999_999)));
    assert!(d.events_since(0).iter().any(|e| matches!(&e.event,
        Event::AlertTriaged { alert: a, true_positive: true, verdict: Verdict::FalsePositive, .. }
            if *a == alert)));

    d.run_to_end();
    let read = read_log(&String::from_utf8(log.bytes()).unwrap()).unwrap();
    let report = score::score(&read, &Default::default()).unwrap();
    assert_eq!(report.detail.dismissed_alerts.len(), 1);
    let m = report.metrics.iter().find(|m| m.id == "true_alerts_dismissed").unwrap();
    assert_eq!(m.value, Some(1.0));
    assert!(
        report.improvements.iter().any(|o| o.text.contains("dismissed a true alert on")),
        "{:?}",
        report.improvements
    );
}

#[test]
fn an_expected_response_can_be_due_from_a_moment_after_delivery() {
    // The helpdesk call at 00:10 expects fs01's C2 blocked within 1 h of security starting
    // to investigate it, not of the call.
    let text = PRESENCE.replacen(
        "    objectives: [",
        r#"    injects: [
        (id: "call", title: "Helpdesk", trigger: At("00:10"), audience: ["security"],
            text: "The file server is slow.",
            expects: Some((action: "block_c2", target: Some("fs01"), within: "1h",
                after: Some(ActionDone(action: "investigate", target: Some("fs01")))))),
    ],
    objectives: ["#,
        1,
    );
    let checked = scenario::check_bytes("expects.ron", text.as_bytes());
    let diagnostics = checked.diagnostics.to_string();
    let s = Arc::new(checked.scenario.unwrap_or_else(|| panic!("{diagnostics}")));
    let outcome = |d: &Drill| {
        d.events_since(0).iter().find_map(|e| match &e.event {
            Event::ExpectationMet { .. } => Some((true, e.at)),
            Event::ExpectationMissed { .. } => Some((false, e.at)),
            _ => None,
        })
    };
    // Nothing is late before the investigation: at 03:00, still open.
    let mut d = Drill::new(s.clone(), 1);
    d.advance_to(Minutes(180));
    assert_eq!(outcome(&d), None);
    // Investigated from 03:00 (done 04:00): the block is due by 05:00.
    act(&mut d, "investigate", "fs01");
    d.advance_to(Minutes(300));
    assert_eq!(outcome(&d), None, "an hour from the investigation, not from the call");
    d.advance_to(Minutes(330));
    assert_eq!(outcome(&d).map(|o| o.0), Some(false));
    // In time: blocked within the hour after.
    let mut d = Drill::new(s, 1);
    d.advance_to(Minutes(180));
    act(&mut d, "investigate", "fs01");
    d.advance_to(Minutes(250));
    act(&mut d, "block_c2", "fs01");
    d.advance_to(Minutes(300));
    assert_eq!(outcome(&d).map(|o| o.0), Some(true));
}

#[test]
fn a_response_taken_before_the_inject_asks_for_it_meets_the_expectation() {
    // The helpdesk call at 02:00 expects fs01's C2 blocked within 1 h (or, with no target
    // named, some block within the hour after the call).
    let scenario = |target: &str| {
        let text = PRESENCE.replacen(
            "    objectives: [",
            &format!(
                r#"    injects: [
        (id: "call", title: "Helpdesk", trigger: At("02:00"), audience: ["security"],
            text: "The file server is slow.",
            expects: Some((action: "block_c2", target: {target}, within: "1h"))),
    ],
    objectives: ["#
            ),
            1,
        );
        let checked = scenario::check_bytes("expects.ron", text.as_bytes());
        let diagnostics = checked.diagnostics.to_string();
        Arc::new(checked.scenario.unwrap_or_else(|| panic!("{diagnostics}")))
    };
    let outcome = |d: &Drill| {
        d.events_since(0).iter().find_map(|e| match &e.event {
            Event::ExpectationMet { .. } => Some((true, e.at)),
            Event::ExpectationMissed { .. } => Some((false, e.at)),
            _ => None,
        })
    };
    // Blocked at 01:00, before the call: met as the call comes.
    let mut d = Drill::new(scenario(r#"Some("fs01")"#), 1);
    d.advance_to(Minutes(60));
    act(&mut d, "block_c2", "fs01");
    d.advance_to(Minutes(200));
    assert_eq!(outcome(&d), Some((true, Minutes(120))));
    // With no target named, the response must come after the call: missed at 03:00.
    let mut d = Drill::new(scenario("None"), 1);
    d.advance_to(Minutes(60));
    act(&mut d, "block_c2", "fs01");
    d.advance_to(Minutes(200));
    assert_eq!(outcome(&d), Some((false, Minutes(180))));
}

#[test]
fn a_team_cannot_act_on_a_system_outside_the_zones_it_sees() {
    let text = include_str!("fixtures/base.ron").replacen(
        r#"actions: ["investigate", "isolate"], visibility: (alerts: true)),"#,
        r#"actions: ["investigate", "isolate"], visibility: (alerts: true, zones: ["corp"])),"#,
        1,
    );
    let checked = scenario::check_bytes("zones.ron", text.as_bytes());
    let diagnostics = checked.diagnostics.to_string();
    let s = Arc::new(checked.scenario.unwrap_or_else(|| panic!("{diagnostics}")));
    let mut d = Drill::new(s, 1);
    let security = Seat::Team("security".into());
    let isolate = |target: &str| Command::Start {
        action: "isolate".into(),
        target: Some(target.into()),
        overrule: false,
    };
    let refused = d.submit(&security, isolate("web01")).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "Security cannot see web01: it is outside the zones the team watches"
    );
    assert!(d.view("security").unwrap().systems.iter().all(|s| s.id != "web01"));
    d.submit(&security, isolate("db01")).unwrap();
    // IT, which watches every zone, may.
    d.submit(&Seat::Team("it".into()), isolate("web01")).unwrap();
}
