//! Every response has a price, and the teams must agree on it: side effects of response
//! actions (outages while work runs, data lost to rebuilds, services locked out by credential
//! resets, traffic cut by C2 blocks) and rules of engagement (approvals, overrides at a cost,
//! declines with reasons, withdrawals, expiry and escalation), as a user meets them.
//!
//! Uses `fixtures/prices.ron`.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::sync::Arc;

use tabletop_engine::log::read_log;
use tabletop_engine::model::{Disruption, RequestState};
use tabletop_engine::scenario::{self, Scenario, SystemState};
use tabletop_engine::score;
use tabletop_engine::{Command, Drill, Event, Rejection, Seat};

const PRICES: &str = include_str!("fixtures/prices.ron");

fn scenario() -> Arc<Scenario> {
    load("prices.ron", PRICES)
}

fn load(name: &str, text: &str) -> Arc<Scenario> {
    let checked = scenario::check_bytes(name, text.as_bytes());
    let diagnostics = checked.diagnostics.to_string();
    Arc::new(
        checked.scenario.unwrap_or_else(|| panic!("{name} does not check clean:\n{diagnostics}")),
    )
}

/// A drill that records its log, and the report of that log once the drill has ended.
fn recorded() -> (Drill, common::SharedBuf) {
    let mut d = Drill::new(scenario(), 1);
    let log = common::SharedBuf::default();
    d.record_to(Box::new(log.clone()), "prices.ron", PRICES).unwrap();
    (d, log)
}

fn report(mut d: Drill, log: &common::SharedBuf) -> score::Report {
    d.run_to_end();
    let read = read_log(&String::from_utf8(log.bytes()).unwrap()).unwrap();
    score::score(&read, &Default::default()).unwrap()
}

fn team(t: &str) -> Seat {
    Seat::Team(t.into())
}

fn start(action: &str, target: &str) -> Command {
    Command::Start { action: action.into(), target: Some(target.into()), overrule: false }
}

fn ask_approval(to: &str, action: &str, target: &str) -> Command {
    Command::Request {
        to: to.into(),
        action: action.into(),
        target: Some(target.into()),
        note: "please".into(),
        approval: true,
    }
}

fn answer(request: u64, accept: bool, reason: &str) -> Command {
    Command::Answer { request, accept, reason: reason.into() }
}

/// A system's state now (the truth: monitoring shows it a few minutes later).
fn seen(d: &mut Drill, system: &str) -> SystemState {
    d.truth().systems.iter().find(|s| s.id == system).unwrap().state
}

fn events(d: &Drill) -> Vec<Event> {
    d.events_since(0).iter().map(|e| e.event.clone()).collect()
}

#[test]
fn a_patch_takes_a_system_out_of_service_while_it_runs_unless_it_is_redundant() {
    let mut d = Drill::new(scenario(), 1);
    d.submit(&team("it"), start("patch", "vpn01")).unwrap();
    d.submit(&team("it"), start("patch", "web02")).unwrap();
    d.advance(5);
    assert_eq!(seen(&mut d, "vpn01"), SystemState::Down, "a patch restarts the VPN");
    assert_eq!(
        seen(&mut d, "web02"),
        SystemState::Online,
        "a redundant farm is patched node by node"
    );
    d.advance(30);
    assert_eq!(seen(&mut d, "vpn01"), SystemState::Online, "back once the patch is done");
    let disrupted = events(&d).into_iter().any(|e| {
        matches!(e, Event::Disrupted { system, cause: Disruption::Maintenance { .. }, .. } if system == "vpn01")
    });
    assert!(disrupted, "the log says why vpn01 was down");
}

#[test]
fn cancelling_work_gives_the_system_back() {
    let mut d = Drill::new(scenario(), 1);
    let id = d.submit(&team("it"), start("patch", "vpn01")).unwrap();
    d.advance(5);
    assert_eq!(seen(&mut d, "vpn01"), SystemState::Down);
    d.submit(&team("it"), Command::Cancel { action: id }).unwrap();
    d.advance(2);
    assert_eq!(seen(&mut d, "vpn01"), SystemState::Online);
}

#[test]
fn a_rebuild_leaves_a_data_system_empty_until_it_is_restored() {
    let mut d = Drill::new(scenario(), 1);
    d.submit(&team("it"), start("reimage", "db01")).unwrap();
    d.advance(60);
    assert_eq!(seen(&mut d, "db01"), SystemState::Down, "out of service while it is rebuilt");
    d.advance(70);
    assert_eq!(seen(&mut d, "db01"), SystemState::Destroyed, "rebuilt without its data");
    d.submit(&team("it"), start("restore_backup", "db01")).unwrap();
    d.advance(60);
    assert_eq!(seen(&mut d, "db01"), SystemState::Online);
    let lost = events(&d)
        .into_iter()
        .any(|e| matches!(e, Event::DataLost { system, .. } if system == "db01"));
    assert!(lost, "the restore loses what was written since the backup");
}

#[test]
fn a_credential_reset_locks_out_the_services_that_use_it_until_reconfigured() {
    let mut d = Drill::new(scenario(), 1);
    d.submit(&team("it"), start("reset_credentials", "dc01")).unwrap();
    d.advance(35);
    assert_eq!(seen(&mut d, "app01"), SystemState::Down, "app01 still logs in with the old secret");
    d.advance(60);
    assert_eq!(seen(&mut d, "app01"), SystemState::Down, "nothing brings it back by itself");
    d.submit(&team("it"), start("reconfigure", "app01")).unwrap();
    d.advance(25);
    assert_eq!(seen(&mut d, "app01"), SystemState::Online);
}

#[test]
fn blocking_c2_on_a_system_that_needs_egress_cuts_it_off_for_a_while() {
    let mut d = Drill::new(scenario(), 1);
    d.submit(&team("security"), start("block_c2", "pay01")).unwrap();
    d.advance(20);
    assert_eq!(seen(&mut d, "pay01"), SystemState::Down, "the broad block takes its traffic");
    d.advance(30);
    assert_eq!(
        seen(&mut d, "pay01"),
        SystemState::Online,
        "the block is narrowed after 30 minutes"
    );
}

#[test]
fn a_scenario_can_waive_a_side_effect_per_action() {
    let text = PRICES.replace(
        "    engagement: (",
        "    actions: [(id: \"patch\", side_effects: Some((out_of_service: Never)))],\n    engagement: (",
    );
    let checked = scenario::check_bytes("prices.ron", text.as_bytes());
    let mut d = Drill::new(Arc::new(checked.scenario.unwrap()), 1);
    d.submit(&team("it"), start("patch", "vpn01")).unwrap();
    d.advance(5);
    assert_eq!(seen(&mut d, "vpn01"), SystemState::Online);
}

#[test]
fn the_rules_of_engagement_decide_who_may_act_alone() {
    let mut d = Drill::new(scenario(), 1);
    // A workstation: security isolates it on its own.
    d.submit(&team("security"), start("isolate", "ws01")).unwrap();
    // The app server's outage costs 2,000 an hour: IT approves.
    match d.submit(&team("security"), start("isolate", "app01")) {
        Err(Rejection::NeedsApproval { approver, cost_per_hour, overrule_cost }) => {
            assert_eq!(
                (approver.as_str(), cost_per_hour, overrule_cost),
                ("it", 2000, Some(20000))
            );
        }
        other => panic!("expected a refusal naming the approver, got {other:?}"),
    }
    // The database costs 8,000 an hour: management's call, and no override.
    let refused = d.submit(&team("security"), start("isolate", "db01")).unwrap_err();
    assert!(refused.to_string().contains("`management`'s approval"), "{refused}");
    // IT is bound by no rule.
    d.submit(&team("it"), start("isolate", "db01")).unwrap();
    // An approval goes to the approver the rules name (or the escalation team), nobody else.
    let wrong = d.submit(&team("security"), ask_approval("it", "isolate", "ws01")).unwrap_err();
    assert!(wrong.to_string().contains("without approval"), "{wrong}");
}

#[test]
fn an_approval_starts_the_action_and_its_requester_sees_the_answer() {
    let mut d = Drill::new(scenario(), 1);
    let r = d.submit(&team("security"), ask_approval("it", "isolate", "app01")).unwrap();
    d.advance(1);
    let v = d.view("it").unwrap();
    let shown = v.requests_in.iter().find(|q| q.id == r).unwrap();
    assert!(shown.approval);
    assert_eq!(shown.cost_per_hour, 2000, "the approver sees what the outage costs");
    d.submit(&team("it"), answer(r, true, "")).unwrap();
    d.advance(1);
    let v = d.view("security").unwrap();
    assert_eq!(v.sent.iter().find(|q| q.id == r).unwrap().state, RequestState::Accepted);
    assert!(
        v.running.iter().any(|a| a.action == "isolate" && a.target.as_deref() == Some("app01")),
        "the approved action runs for the team that asked"
    );
}

#[test]
fn a_decline_carries_its_reason_and_escalates() {
    let mut d = Drill::new(scenario(), 1);
    let r = d.submit(&team("security"), ask_approval("it", "isolate", "app01")).unwrap();
    d.advance(1);
    d.submit(&team("it"), answer(r, false, "month-end close runs on it")).unwrap();
    d.advance(1);
    let all = events(&d);
    assert!(all.iter().any(|e| matches!(e, Event::RequestAnswered { reason, accepted: false, .. } if reason == "month-end close runs on it")));
    assert!(all.iter().any(
        |e| matches!(e, Event::RequestEscalated { id, to, .. } if *id == r && to == "management")
    ));
    let v = d.view("security").unwrap();
    let mine = v.sent.iter().find(|q| q.id == r).unwrap();
    assert_eq!(mine.to, "management", "the requester sees where its request went");
    assert!(d.view("management").unwrap().requests_in.iter().any(|q| q.id == r));
}

#[test]
fn an_unanswered_request_expires_when_the_rules_say_and_escalates() {
    let mut d = Drill::new(scenario(), 1);
    let r = d.submit(&team("security"), ask_approval("it", "isolate", "app01")).unwrap();
    d.advance(29);
    assert!(!events(&d).iter().any(|e| matches!(e, Event::RequestExpired { .. })));
    d.advance(3);
    let all = events(&d);
    assert!(
        all.iter().any(|e| matches!(e, Event::RequestExpired { id } if *id == r)),
        "expired after 30m"
    );
    assert!(all.iter().any(|e| matches!(e, Event::RequestEscalated { id, .. } if *id == r)));
}

#[test]
fn a_request_can_be_withdrawn_while_it_is_open() {
    let mut d = Drill::new(scenario(), 1);
    let r = d.submit(&team("security"), ask_approval("it", "isolate", "app01")).unwrap();
    d.advance(1);
    d.submit(&team("security"), Command::Withdraw { request: r }).unwrap();
    d.advance(1);
    assert!(d.view("it").unwrap().requests_in.is_empty());
    let v = d.view("security").unwrap();
    assert_eq!(v.sent.iter().find(|q| q.id == r).unwrap().state, RequestState::Withdrawn);
    assert!(d.submit(&team("security"), Command::Withdraw { request: r }).is_err(), "only once");
}

#[test]
fn an_override_costs_what_the_rules_say_and_the_report_lists_it() {
    let (mut d, log) = recorded();
    let overrule =
        Command::Start { action: "isolate".into(), target: Some("app01".into()), overrule: true };
    d.submit(&team("security"), overrule).unwrap();
    // Where the rules set no override, there is none.
    let db =
        Command::Start { action: "isolate".into(), target: Some("db01".into()), overrule: true };
    assert!(matches!(
        d.submit(&team("security"), db),
        Err(Rejection::NeedsApproval { overrule_cost: None, .. })
    ));
    let report = report(d, &log);
    assert_eq!(report.detail.overrules.len(), 1);
    assert_eq!(report.detail.overrules[0].cost, 20000);
    assert!(report.detail.cost.one_off.iter().any(|o| o.amount == 20000), "counted in the cost");
}

#[test]
fn the_turnaround_and_escalations_reach_the_report() {
    let (mut d, log) = recorded();
    let r = d.submit(&team("security"), ask_approval("it", "isolate", "app01")).unwrap();
    d.advance(12);
    d.submit(&team("it"), answer(r, false, "not now")).unwrap();
    let report = report(d, &log);
    let q = report.detail.requests.iter().find(|q| q.id == r).unwrap();
    assert_eq!(q.response_time, Some(12));
    assert_eq!(q.reason, "not now");
    assert_eq!(q.escalated_to, vec!["management".to_owned()]);
    assert_eq!(q.cost_per_hour, 2000);
}

#[test]
fn an_approved_action_keeps_the_next_free_hands_of_its_team() {
    // False alarms, so that the analyst has an alert to triage.
    let noisy = PRICES.replacen(
        "    objectives: [",
        "    detection: (false_positives_per_hour: 30.0),\n    objectives: [",
        1,
    );
    let mut d = Drill::new(load("prices-noisy.ron", &noisy), 1);
    d.submit(&team("security"), start("investigate", "ws01")).unwrap();
    let r = d.submit(&team("security"), ask_approval("it", "reset_credentials", "dc01")).unwrap();
    d.advance(1);
    d.submit(&team("it"), answer(r, true, "")).unwrap();
    d.advance(1);
    let busy = |d: &mut Drill, action: &str| {
        d.view("security").unwrap().running.iter().any(|a| a.action == action)
    };
    assert!(!busy(&mut d, "reset_credentials"), "the only analyst is still investigating");
    while busy(&mut d, "investigate") {
        d.advance(1);
    }
    // The analyst is free: the approved reset has the first claim on them.
    let refused = d.submit(&team("security"), start("investigate", "app01")).unwrap_err();
    assert!(matches!(refused, Rejection::NoCapacity { held: 1, .. }), "{refused}");
    assert!(refused.to_string().contains("1 kept for approved actions"), "{refused}");
    // Nor may it triage an alert first: that, too, takes the analyst.
    let alert = d.view("security").unwrap().inbox.iter().find_map(|i| match i {
        tabletop_engine::model::InboxItem::Alert { id, .. } => Some(*id),
        _ => None,
    });
    let alert = alert.expect("a false alarm reached security in an hour");
    let verdict = tabletop_engine::model::Verdict::FalsePositive;
    let triage = d.submit(&team("security"), Command::Triage { alert, verdict });
    assert!(matches!(triage, Err(Rejection::NoCapacity { held: 1, .. })), "{triage:?}");
    d.advance(1);
    assert!(busy(&mut d, "reset_credentials"), "the approved reset started");
}
