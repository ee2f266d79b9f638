//! How the built-in policies take the decisions injects ask for: by what each choice declares
//! it serves and risks, weighed by the policy and by what the deciding seat has seen; never
//! for another seat; and not at all when no choice declares a trade. Also the checks on the
//! declarations themselves.
//!
//! The scenario is written inline: one valuable system (`core`), one that hardly matters
//! (`kiosk`), a decision at 00:30 between a choice that serves containment and costs a
//! little (`one`, the default) and a free one that serves uptime (`other`). The ids and
//! labels say nothing, so that nothing can be read from them.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::SharedBuf;

use tabletop_engine::log::{Body, read_log};
use tabletop_engine::model::Decider;
use tabletop_engine::policy::{Bot, Policy};
use tabletop_engine::scenario::{self, Scenario};
use tabletop_engine::{Command, Drill, Event, Seat};

const SCENARIO: &str = r#"Scenario(
    format: 1,
    meta: (id: "decide", title: "Decide", kind: Disaster, summary: "One decision.",
        briefing: "Someone must choose.", duration: "3h"),
    estate: (
        sites: [(id: "hq", name: "HQ")],
        zones: [(id: "corp", name: "Corporate", site: "hq", internet_facing: true)],
        systems: [
            (id: "core", name: "Core", kind: Database, zone: "corp", criticality: 9000),
            (id: "kiosk", name: "Kiosk", kind: Workstation, zone: "corp", criticality: 100),
        ],
    ),
    teams: [
        (id: "it", name: "IT", role: ItOps, capacity: 1, actions: [IT_ACTIONS]),
        (id: "management", name: "Crisis team", role: Management, capacity: 1,
            actions: ["investigate"], visibility: (monitoring: false)),
    ],
    adversary: ADVERSARY,
    events: EVENTS,
    injects: [
        (id: "ask", title: "Which way?", trigger: At("00:30"), audience: ["it", "management"],
            text: "Choose.",
            decision: (team: "DECIDER", choices: [
                (id: "one", label: "One way", ONE consequences: [Cost(1000)]),
                (id: "other", label: "The other way", OTHER),
            ], within: "1h", default: "one")),
    ],
    objectives: [(id: "core-up", description: "Core stays up", weight: 10,
        goal: Avoid(State(system: "core", is: Down)))],
)"#;

/// The usual trade: `one` keeps the attacker out at the price of uptime, `other` the reverse.
const TRADE: (&str, &str) =
    ("serves: [Containment], risks: [Uptime],", "serves: [Uptime], risks: [Containment],");

/// What the deciding seat may have seen by 00:30.
#[derive(Clone, Copy)]
enum Seen {
    Nothing,
    /// `core` fails at 00:05: most of the estate's hourly cost is down.
    Outage,
    /// The attacker encrypts `kiosk` at 00:05: a compromise in plain sight, little down.
    Breach,
}

/// The scenario's text: `decider` decides, its choices declare `one` and `other`.
fn text(decider: &str, (one, other): (&str, &str), seen: Seen) -> String {
    text_sharing(decider, (one, other), seen, false)
}

/// The scenario's text, with IT able to share its findings when `share`.
fn text_sharing(decider: &str, (one, other): (&str, &str), seen: Seen, share: bool) -> String {
    let (adversary, events) = match seen {
        Seen::Nothing => ("None", "[]"),
        Seen::Outage => (
            "None",
            r#"[(id: "fault", name: "Fault", trigger: At("00:05"), kind: HardwareFailure("core"))]"#,
        ),
        Seen::Breach => (
            r#"Some((name: "Crew", stages: [(id: "lock", name: "Lock", technique: "T1486",
                targets: (ids: ["kiosk"]), earliest: "5m", duration: "5m", success: 1.0,
                noise: 0.0, effects: [Foothold(User), Encrypt])]))"#,
            "[]",
        ),
    };
    SCENARIO
        .replace("DECIDER", decider)
        .replace("ONE", one)
        .replace("OTHER", other)
        .replace("ADVERSARY", adversary)
        .replace("EVENTS", events)
        .replace(
            "IT_ACTIONS",
            if share { r#""investigate", "share_finding""# } else { r#""investigate""# },
        )
}

fn scenario(decider: &str, trade: (&str, &str), seen: Seen) -> Arc<Scenario> {
    load(&text(decider, trade, seen))
}

fn load(text: &str) -> Arc<Scenario> {
    let checked = scenario::check_bytes("decide.ron", text.as_bytes());
    let diagnostics = checked.diagnostics.to_string();
    Arc::new(checked.scenario.unwrap_or_else(|| panic!("does not check:\n{diagnostics}")))
}

/// Plays one drill under the policy; returns which choice of decision `ask` was taken, and
/// by whom.
fn decided_in(scenario: &Arc<Scenario>, policy: Policy) -> (String, Decider) {
    let mut drill = Drill::new(scenario.clone(), 1);
    Bot::new(policy, scenario).play(&mut drill);
    let taken = drill.events_since(0).iter().find_map(|e| match &e.event {
        Event::DecisionTaken { inject, choice, by } if inject == "ask" => {
            Some((choice.clone(), by.clone()))
        }
        _ => None,
    });
    taken.unwrap_or_else(|| panic!("{}: nobody decided", policy.name()))
}

fn decided(decider: &str, trade: (&str, &str), seen: Seen, policy: Policy) -> (String, Decider) {
    decided_in(&scenario(decider, trade, seen), policy)
}

fn team(id: &str) -> Decider {
    Decider::Team(id.to_owned())
}

#[test]
fn it_first_takes_uptime_and_security_first_containment_whatever_the_seat_has_seen() {
    for seen in [Seen::Nothing, Seen::Outage, Seen::Breach] {
        assert_eq!(decided("it", TRADE, seen, Policy::ItFirst), ("other".into(), team("it")));
        assert_eq!(decided("it", TRADE, seen, Policy::SecurityFirst), ("one".into(), team("it")));
    }
}

#[test]
fn coordinated_takes_uptime_when_the_seat_sees_the_business_down() {
    assert_eq!(
        decided("it", TRADE, Seen::Outage, Policy::Coordinated),
        ("other".into(), team("it"))
    );
}

#[test]
fn coordinated_takes_containment_when_the_seat_knows_a_compromise() {
    assert_eq!(decided("it", TRADE, Seen::Breach, Policy::Coordinated), ("one".into(), team("it")));
}

#[test]
fn coordinated_takes_the_cheaper_of_equal_choices_when_the_seat_knows_nothing() {
    // Uptime and containment weigh the same: `other` costs nothing, `one` 1000.
    assert_eq!(
        decided("it", TRADE, Seen::Nothing, Policy::Coordinated),
        ("other".into(), team("it"))
    );
}

#[test]
fn a_running_cost_counts_against_a_choice_as_if_it_ran_to_the_end() {
    // `other` now costs 1,000 an hour: with 2.5 h of the drill left at 00:30 it is the
    // dearer of the two, and coordinated takes `one` (1,000 once).
    let other = r#"serves: [Uptime], risks: [Containment],
        consequences: [CostPerHour(amount: 1000, reason: "Overtime")],"#;
    assert_eq!(
        decided("it", (TRADE.0, other), Seen::Nothing, Policy::Coordinated),
        ("one".into(), team("it"))
    );
}

#[test]
fn coordinated_weighs_what_the_deciding_seat_knows_not_what_another_seat_saw() {
    // The crisis team has no monitoring: the encrypted kiosk IT sees is not in its view, so
    // to it the choices weigh the same and the cheaper one wins...
    assert_eq!(
        decided("management", TRADE, Seen::Breach, Policy::Coordinated),
        ("other".into(), team("management"))
    );
    // ...until IT may share what it found: then the crisis team knows it too.
    let told = load(&text_sharing("management", TRADE, Seen::Breach, true));
    assert_eq!(decided_in(&told, Policy::Coordinated), ("one".into(), team("management")));
}

#[test]
fn coordinated_counts_compliance_against_an_outage() {
    // `one` meets an obligation at the price of uptime; `other` the reverse. A pressing
    // outage weighs as much as the obligation; the tie goes to the free choice, so `one`
    // (costing 1000) is taken only while nothing is down.
    let trade =
        ("serves: [Compliance], risks: [Uptime],", "serves: [Uptime], risks: [Compliance],");
    assert_eq!(decided("it", trade, Seen::Nothing, Policy::Coordinated).0, "one");
    assert_eq!(decided("it", trade, Seen::Outage, Policy::Coordinated).0, "other");
}

#[test]
fn every_policy_puts_safety_first() {
    let trade = ("serves: [Safety], risks: [Uptime],", "serves: [Uptime], risks: [Safety],");
    for p in [Policy::ItFirst, Policy::SecurityFirst, Policy::Coordinated] {
        assert_eq!(
            decided("it", trade, Seen::Outage, p),
            ("one".into(), team("it")),
            "{}",
            p.name()
        );
    }
}

#[test]
fn a_decision_no_choice_of_which_declares_a_trade_is_left_to_its_default() {
    // The costs differ, but without a declared trade a bot does not know what either does.
    for p in Policy::ALL {
        assert_eq!(
            decided("it", ("", ""), Seen::Outage, p),
            ("one".into(), Decider::Timeout),
            "{}",
            p.name()
        );
    }
}

#[test]
fn nothing_leaves_every_decision_to_its_default() {
    for seen in [Seen::Nothing, Seen::Outage, Seen::Breach] {
        assert_eq!(decided("it", TRADE, seen, Policy::Nothing), ("one".into(), Decider::Timeout));
    }
}

#[test]
fn a_bot_decides_only_through_the_seat_the_decision_is_addressed_to() {
    // Both teams receive the inject; only the crisis team's seat may answer it, and only it
    // submits a decision, through the command a person in that seat would use.
    for p in [Policy::ItFirst, Policy::SecurityFirst, Policy::Coordinated] {
        let text = text("management", TRADE, Seen::Outage);
        let scenario = scenario("management", TRADE, Seen::Outage);
        let mut drill = Drill::new(scenario.clone(), 1);
        let log = SharedBuf::default();
        drill.record_to(Box::new(log.clone()), "decide.ron", &text).unwrap();
        Bot::new(p, &scenario).play(&mut drill);
        let read = read_log(&String::from_utf8(log.bytes()).unwrap()).unwrap();
        let deciders: Vec<&Seat> = read
            .records
            .iter()
            .filter_map(|r| match r {
                Body::Command { seat, command: Command::Decide { .. }, .. } => Some(seat),
                _ => None,
            })
            .collect();
        assert_eq!(deciders, [&Seat::Team("management".into())], "{}", p.name());
    }
}

// ------------------------------------------------------------------ the checks on the field

const BASE: &str = include_str!("fixtures/base.ron");

/// Checks the base scenario with the decision's first choice given `trade`.
fn diagnose(trade: &str) -> String {
    let from = r#"(id: "talk", label: "Comment","#;
    assert_eq!(BASE.matches(from).count(), 1);
    let text = BASE.replacen(from, &format!("{from} {trade}"), 1);
    scenario::check_bytes("scenario.ron", text.as_bytes()).diagnostics.to_string()
}

#[test]
fn declared_trades_check_clean() {
    assert_eq!(diagnose("serves: [Uptime, Compliance], risks: [Containment, Safety],"), "");
}

#[test]
fn a_misspelt_stake_is_an_unknown_variant() {
    insta::assert_snapshot!(diagnose("serves: [Uptme],"));
}

#[test]
fn a_stake_both_served_and_risked_warns() {
    insta::assert_snapshot!(diagnose("serves: [Uptime, Containment], risks: [Containment],"));
}

// ------------------------------------------- choices that need a condition, running costs

/// `other` serves uptime and needs it to be 01:00 or later (or `needs`).
fn gated(needs: &str) -> Arc<Scenario> {
    let other = format!("serves: [Uptime], risks: [Containment], requires: Some({needs}),");
    load(&text("it", (TRADE.0, &other), Seen::Nothing))
}

#[test]
fn a_choice_that_needs_a_condition_is_refused_with_what_it_needs_until_it_holds() {
    let s = gated(r#"After("01:00")"#);
    let mut drill = Drill::new(s, 1);
    drill.advance_to(tabletop_engine::scenario::Minutes(31));
    let it = Seat::Team("it".into());
    let view = drill.view("it").unwrap();
    let labels: Vec<&str> = view.decisions[0].choices.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels, ["One way", "The other way (needs: it is 01:00 or later)"]);
    let early = drill.submit(&it, Command::Decide { inject: "ask".into(), choice: "other".into() });
    let refusal = early.unwrap_err();
    assert_eq!(refusal.to_string(), "`other` is not open: it needs it is 01:00 or later");
    drill.advance_to(tabletop_engine::scenario::Minutes(60));
    drill.submit(&it, Command::Decide { inject: "ask".into(), choice: "other".into() }).unwrap();
    drill.advance(1);
    let taken = drill.events_since(0).iter().find_map(|e| match &e.event {
        Event::DecisionTaken { choice, by, .. } => Some((choice.clone(), by.clone(), e.at)),
        _ => None,
    });
    assert_eq!(taken, Some(("other".into(), team("it"), tabletop_engine::scenario::Minutes(60))));
}

#[test]
fn a_bot_takes_the_next_best_choice_when_the_best_is_not_open() {
    // It-first wants `other` (uptime), which opens only after the decision's deadline.
    let s = gated(r#"After("02:00")"#);
    assert_eq!(decided_in(&s, Policy::ItFirst), ("one".into(), team("it")));
    // Open in time, it is taken.
    let s = gated(r#"After("00:10")"#);
    assert_eq!(decided_in(&s, Policy::ItFirst), ("other".into(), team("it")));
}

/// `other` starts a running cost of 6,000 an hour, stopping at `until` if given.
fn running(until: &str) -> Arc<Scenario> {
    let other = format!(
        r#"serves: [Uptime], consequences: [CostPerHour(amount: 6000, reason: "Retainer", until: {until})],"#
    );
    load(&text("it", (TRADE.0, &other), Seen::Nothing))
}

/// Takes `other` as soon as it is asked (the choice applies on the next tick, 00:31) and plays to the end: (when the running cost started, the cost
/// booked and its reason, the drill's total cost).
fn run_cost(s: Arc<Scenario>) -> (u32, Vec<(u32, u64, String)>, u64) {
    let mut drill = Drill::new(s, 1);
    drill.advance_to(tabletop_engine::scenario::Minutes(31));
    let it = Seat::Team("it".into());
    drill.submit(&it, Command::Decide { inject: "ask".into(), choice: "other".into() }).unwrap();
    drill.run_to_end();
    let events = drill.events_since(0);
    let started = events
        .iter()
        .find_map(|e| match &e.event {
            Event::CostPerHour { per_hour: 6000, reason } if reason == "Retainer" => Some(e.at.0),
            _ => None,
        })
        .unwrap();
    let booked = events
        .iter()
        .filter_map(|e| match &e.event {
            Event::CostIncurred { amount, reason } => Some((e.at.0, *amount, reason.clone())),
            _ => None,
        })
        .collect();
    let total = events
        .iter()
        .find_map(|e| match e.event {
            Event::DrillEnded { cost } => Some(cost),
            _ => None,
        })
        .unwrap();
    (started, booked, total)
}

#[test]
fn a_running_cost_accrues_until_its_condition_holds_and_is_booked_then() {
    let (started, booked, total) = run_cost(running(r#"Some(After("02:00"))"#));
    assert_eq!(started, 31);
    // 89 minutes at 6,000 an hour, booked when 02:00 comes.
    assert_eq!(booked, [(120, 8900, "Retainer (6000 an hour, 00:31–02:00)".to_owned())]);
    assert_eq!(total, 8900);
}

#[test]
fn a_running_cost_without_an_end_runs_to_the_end_of_the_drill() {
    let (started, booked, total) = run_cost(running("None"));
    assert_eq!(started, 31);
    // From 00:31 through the last tick of a 3 h drill, booked as the drill ends.
    assert_eq!(booked, [(179, 14900, "Retainer (6000 an hour, 00:31–02:59)".to_owned())]);
    assert_eq!(total, 14900);
}

#[test]
fn the_default_choice_cannot_need_a_condition() {
    let from = r#"(id: "quiet", label: "No comment","#;
    assert_eq!(BASE.matches(from).count(), 1);
    let text = BASE.replacen(from, &format!(r#"{from} requires: Some(Flag("commented")),"#), 1);
    insta::assert_snapshot!(
        scenario::check_bytes("scenario.ron", text.as_bytes()).diagnostics.to_string()
    );
}

#[test]
fn a_choice_that_needs_a_flag_nothing_sets_can_never_be_taken() {
    let from = r#"(id: "talk", label: "Comment","#;
    let text = BASE.replacen(from, &format!(r#"{from} requires: Some(Flag("comented")),"#), 1);
    insta::assert_snapshot!(
        scenario::check_bytes("scenario.ron", text.as_bytes()).diagnostics.to_string()
    );
}
