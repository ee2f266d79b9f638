//! An attacker that stays until it is evicted, as a user meets it: presence is more than a
//! foothold and investigation finds each part with its own evidence; C2 and flows need a way
//! out; stages repeat and react as their author wrote; held footholds and flows keep making
//! telemetry; eviction and a stalled campaign are facts the report rests on; a finding points
//! at the next system to look at.
//!
//! Uses `fixtures/presence.ron` (its header says what happens when).

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::sync::{Arc, OnceLock};

use common::SharedBuf;

use tabletop_engine::log::read_log;
use tabletop_engine::model::{FindingSource, Indicator, Presence};
use tabletop_engine::scenario::{self, Minutes, Noticed, Privilege, Scenario};
use tabletop_engine::score::{self, ObjectiveStatus, Report};
use tabletop_engine::{Command, Drill, Event, Seat, TimedEvent};

const PRESENCE: &str = include_str!("fixtures/presence.ron");

fn load(name: &str, text: &str) -> Arc<Scenario> {
    let checked = scenario::check_bytes(name, text.as_bytes());
    let diagnostics = checked.diagnostics.to_string();
    Arc::new(
        checked.scenario.unwrap_or_else(|| panic!("{name} does not check clean:\n{diagnostics}")),
    )
}

fn presence() -> Arc<Scenario> {
    static S: OnceLock<Arc<Scenario>> = OnceLock::new();
    S.get_or_init(|| load("presence.ron", PRESENCE)).clone()
}

/// The fixture with `from` replaced by `to` (which must occur exactly once).
fn variant(from: &str, to: &str) -> Arc<Scenario> {
    assert_eq!(PRESENCE.matches(from).count(), 1, "`{from}` must occur exactly once");
    load("presence-variant.ron", &PRESENCE.replacen(from, to, 1))
}

/// A drill of the fixture (or a variant) that records its log, to be scored.
fn recorded(s: Arc<Scenario>, seed: u64) -> (Drill, SharedBuf) {
    let mut d = Drill::new(s, seed);
    let log = SharedBuf::default();
    d.record_to(Box::new(log.clone()), "presence.ron", PRESENCE).unwrap();
    (d, log)
}

/// The report of a recorded drill.
fn report_of(log: &SharedBuf) -> Report {
    let read = read_log(&String::from_utf8(log.bytes()).unwrap()).unwrap();
    score::score(&read, &Default::default()).unwrap()
}

/// Runs until a stage starts, and says when.
fn until_started(d: &mut Drill, id: &str) -> Option<Minutes> {
    let cursor = d.events_since(0).len();
    while !d.is_over() {
        d.advance(1);
        if let Some(e) = d.events_since(cursor).iter().find(|e| started(&e.event, id)) {
            return Some(e.at);
        }
    }
    None
}

fn hm(h: u32, m: u32) -> Minutes {
    Minutes(h * 60 + m)
}

/// Orders an action for security and runs until it completes.
fn act(d: &mut Drill, action: &str, target: &str) {
    let cmd = Command::Start {
        action: action.to_owned(),
        target: Some(target.to_owned()),
        overrule: false,
    };
    d.submit(&Seat::Team("security".into()), cmd)
        .unwrap_or_else(|r| panic!("{action} {target}: {r}"));
    let cursor = d.events_since(0).len();
    for _ in 0..200 {
        d.advance(1);
        let done = d.events_since(cursor).iter().any(|e| {
            matches!(&e.event, Event::ActionCompleted { action: a, target: Some(t), .. }
                | Event::ActionFailed { action: a, target: Some(t), .. }
                if a == action && t == target)
        });
        if done {
            return;
        }
    }
    panic!("{action} {target} never completed");
}

fn events(d: &Drill) -> Vec<TimedEvent> {
    d.events_since(0).to_vec()
}

fn count(d: &Drill, pred: impl Fn(&Event) -> bool) -> usize {
    d.events_since(0).iter().filter(|e| pred(&e.event)).count()
}

fn started(e: &Event, id: &str) -> bool {
    matches!(e, Event::StageStarted { stage, .. } if stage == id)
}

/// What the log last said the attacker holds on a system.
fn held(d: &Drill, system: &str) -> Presence {
    events(d)
        .iter()
        .rev()
        .find_map(|e| match &e.event {
            Event::PresenceChanged { system: s, presence } if s == system => Some(*presence),
            _ => None,
        })
        .unwrap_or_default()
}

// ------------------------------------------------------------------------------ 1. presence

#[test]
fn c2_and_a_flow_without_a_foothold_are_presence_found_by_network_evidence() {
    let mut found = 0;
    for seed in 1..=20 {
        let mut d = Drill::new(presence(), seed);
        d.advance_to(hm(1, 0));
        let fs01 = held(&d, "fs01");
        assert_eq!(
            fs01,
            Presence { foothold: None, persistence: false, c2: true, exfiltration: true },
            "seed {seed}: C2 and a flow on fs01, no foothold"
        );
        act(&mut d, "investigate", "fs01");
        let v = d.view("security").unwrap();
        let fs = v.systems.iter().find(|s| s.id == "fs01").unwrap();
        if matches!(fs.compromise, Some((true, _, FindingSource::Investigation))) {
            found += 1;
        }
    }
    // fs01 logs fully: its flow records show the channel nine times in ten.
    assert!(found >= 14, "network evidence found fs01's C2 in only {found} of 20 drills");
}

#[test]
fn blocking_c2_evicts_the_attacker_from_a_system_it_held_only_by_c2() {
    let mut d = Drill::new(presence(), 1);
    d.advance_to(hm(1, 0));
    assert!(count(&d, |e| matches!(e, Event::Evicted { system } if system == "fs01")) == 0);
    act(&mut d, "isolate", "fs01");
    d.advance(1);
    assert!(held(&d, "fs01").any(), "isolating cuts the flow but removes nothing");
    act(&mut d, "block_c2", "fs01");
    d.advance(1);
    assert_eq!(held(&d, "fs01"), Presence::default());
    assert_eq!(count(&d, |e| matches!(e, Event::Evicted { system } if system == "fs01")), 1);
}

#[test]
fn evidence_collected_before_the_intrusion_holds_nothing_of_it() {
    // Phishing at 02:00; collecting evidence takes 45 minutes.
    let s = variant(r#"earliest: "5m","#, r#"earliest: "2h","#);
    let destroyed = |collect_at: Minutes| {
        let mut d = Drill::new(s.clone(), 3);
        d.advance_to(collect_at);
        act(&mut d, "collect_evidence", "ws01");
        d.advance_to(hm(3, 30));
        act(&mut d, "shut_down", "ws01");
        count(&d, |e| matches!(e, Event::EvidenceDestroyed { system, .. } if system == "ws01"))
    };
    // Collected before the intrusion, the image holds nothing of it: the host's evidence is
    // still only on the host, and shutting it down destroys it.
    assert_eq!(destroyed(Minutes::ZERO), 1);
    // Collected after the intrusion, it is preserved.
    assert_eq!(destroyed(hm(2, 30)), 0);
}

// ------------------------------------------------------------------------------- 2. egress

#[test]
fn without_a_path_out_c2_stops_and_data_stays() {
    // A variant where corp reaches the internet only through the firewall fw01's zone.
    let text = PRESENCE.replacen(
        r#"zones: [(id: "corp", name: "Corporate", site: "hq", internet_facing: true)],"#,
        r#"zones: [(id: "corp", name: "Corporate", site: "hq"),
            (id: "edge", name: "Edge", site: "hq", internet_facing: true)],
        links: [(from: "corp", to: "edge", via: "fw01")],"#,
        1,
    );
    let text = text.replacen(
        "systems: [",
        r#"systems: [(id: "fw01", name: "Firewall", kind: Firewall, zone: "edge"),"#,
        1,
    );
    let mut d = Drill::new(load("presence-edge.ron", &text), 2);
    // Flows are reported on the hour.
    d.advance_to(hm(1, 5));
    let out = |d: &Drill| -> f64 {
        events(d)
            .iter()
            .filter_map(|e| match &e.event {
                Event::Exfiltrated { gb, .. } => Some(*gb),
                _ => None,
            })
            .sum()
    };
    assert!(out(&d) > 0.0, "data leaves through the firewall");
    act(&mut d, "isolate", "fw01");
    d.advance(2);
    let before = out(&d);
    d.advance_to(hm(4, 0));
    assert_eq!(out(&d), before, "with the only way out cut, no data leaves");
}

// ----------------------------------------------------------------------- 3. repeat, react

#[test]
fn a_credential_reset_while_a_foothold_remains_sends_the_crew_back_to_dump_it() {
    let mut d = Drill::new(presence(), 1);
    d.advance_to(hm(1, 0));
    assert_eq!(count(&d, |e| started(e, "dump")), 1);
    act(&mut d, "reset_credentials", "dc01");
    d.advance(3);
    assert_eq!(count(&d, |e| started(e, "dump")), 2, "the dump repeats: it was undone");
}

#[test]
fn a_stage_that_sees_a_credential_reset_hurries_and_one_that_sees_c2_cut_falls_back() {
    let mut d = Drill::new(presence(), 1);
    d.advance_to(hm(1, 0));
    act(&mut d, "reset_credentials", "dc01");
    d.advance(3);
    let reacted = events(&d).into_iter().find_map(|e| match e.event {
        Event::StageReacted { stage, noticed, .. } if stage == "encrypt" => Some(noticed),
        _ => None,
    });
    assert_eq!(reacted, Some(Noticed::CredentialReset));
    // Re-dumped, the credential is back, and the hurried stage no longer waits for 06:00.
    let began = until_started(&mut d, "encrypt");
    assert!(began.is_some_and(|t| t < hm(6, 0)), "encryption began at {began:?}");

    let mut d = Drill::new(presence(), 1);
    d.advance_to(hm(1, 0));
    assert_eq!(count(&d, |e| started(e, "dns-c2")), 0, "a fallback waits to be released");
    act(&mut d, "block_c2", "ws01");
    d.advance(3);
    assert_eq!(count(&d, |e| started(e, "dns-c2")), 1, "C2 cut: the crew falls back to DNS");
}

#[test]
fn a_restored_system_is_encrypted_again_while_the_crew_holds_what_it_needs() {
    let mut d = Drill::new(presence(), 1);
    d.advance_to(hm(8, 30));
    assert!(
        count(&d, |e| matches!(e, Event::StageSucceeded { stage, .. } if stage == "encrypt")) == 1
    );
    act(&mut d, "restore_backup", "srv01");
    d.advance_to(hm(11, 0));
    assert_eq!(count(&d, |e| started(e, "encrypt")), 2, "restored but not evicted: again");
}

// ---------------------------------------------------------------------------- 4. telemetry

#[test]
fn held_footholds_and_c2_beacon_and_flows_raise_alerts_while_they_run() {
    let alerts = |s: Arc<Scenario>, technique: &str| {
        let mut d = Drill::new(s, 5);
        d.advance_to(hm(4, 0));
        count(
            &d,
            |e| matches!(e, Event::Alert { technique: t, true_positive: true, .. } if t == technique),
        )
    };
    assert!(alerts(presence(), "T1071.001") > 0, "C2 beacons are seen");
    let silent = variant("beacons_per_hour: 2.0", "beacons_per_hour: 0.0");
    assert_eq!(alerts(silent, "T1071.001"), 0, "no beacon rate, no beacons");
    let loud = variant("exfiltration_alerts_per_hour: 0.0", "exfiltration_alerts_per_hour: 2.0");
    assert!(alerts(loud, "T1041") > 0, "data flowing out raises exfiltration alerts");
}

// ----------------------------------------------------------------------------- 5. eviction

/// Removes everything the crew holds: the workstations isolated (so phishing cannot come
/// back) and rebuilt, fs01's channel blocked, the stolen credential reset.
fn evict_all(d: &mut Drill) {
    for (action, target) in [
        ("isolate", "ws01"),
        ("isolate", "ws02"),
        ("reimage", "ws01"),
        ("reimage", "ws02"),
        ("block_c2", "fs01"),
        ("reset_credentials", "dc01"),
    ] {
        act(d, action, target);
    }
    d.advance(2);
}

#[test]
fn eviction_is_recorded_and_scored_and_a_stall_is_not_called_containment_while_it_stays() {
    let (mut d, log) = recorded(presence(), 1);
    d.advance_to(hm(1, 0));
    evict_all(&mut d);
    d.run_to_end();
    assert_eq!(count(&d, |e| matches!(e, Event::EvictedFromEstate)), 1);
    assert!(count(&d, |e| matches!(e, Event::CampaignStalled)) >= 1);
    let report = report_of(&log);
    assert!(
        report.objectives.iter().all(|o| o.status == ObjectiveStatus::Met),
        "evicted: both objectives met"
    );
    let con = &report.detail.containment;
    assert!(con.time_to_evict.is_some() && con.present_at_end.is_empty());
    assert!(report.summary.iter().any(|l| l.contains("it was contained after")));

    // Only fs01's channel cut and the credential reset: the campaign stalls (nothing it
    // can do without the credential), but the workstations are still the crew's.
    let (mut d, log) = recorded(presence(), 1);
    d.advance_to(hm(1, 0));
    act(&mut d, "block_c2", "fs01");
    act(&mut d, "isolate", "ws01");
    act(&mut d, "isolate", "ws02");
    act(&mut d, "reset_credentials", "dc01");
    d.run_to_end();
    let report = report_of(&log);
    let con = &report.detail.containment;
    assert!(con.contained_at.is_some(), "the campaign stalled");
    assert_eq!(con.time_to_evict, None);
    let left: Vec<&str> = con.present_at_end.iter().map(|p| p.system.as_str()).collect();
    assert_eq!(left, ["ws01", "ws02"]);
    assert_eq!(con.present_at_end[0].presence.foothold, Some(Privilege::User));
    assert!(report.summary.iter().all(|l| !l.contains("it was contained")), "{:?}", report.summary);
    assert!(report.strengths.iter().all(|s| !s.text.contains("contained")));
    assert!(
        report.improvements.iter().any(
            |s| s.text.contains("never evicted") && s.text.contains("ws01 (user foothold, C2)")
        ),
        "{:?}",
        report.improvements
    );
    let evict = report.objectives.iter().find(|o| o.id == "evict").unwrap();
    assert_eq!(
        evict.status,
        ObjectiveStatus::Missed,
        "HoldAtEnd(Evicted) is missed while it stays"
    );
}

// ---------------------------------------------------------------------------- 6. indicators

#[test]
fn a_finding_puts_the_systems_it_points_at_under_suspicion() {
    let mut suspected = 0;
    for seed in 1..=10 {
        let mut d = Drill::new(presence(), seed);
        d.advance_to(hm(1, 0));
        act(&mut d, "investigate", "fs01");
        let v = d.view("security").unwrap();
        let fs = v.systems.iter().find(|s| s.id == "fs01").unwrap();
        if !matches!(fs.compromise, Some((true, _, _))) {
            continue;
        }
        // fs01's flow records name the C2 endpoint; both workstations talk to it.
        for ws in ["ws01", "ws02"] {
            let s = v.systems.iter().find(|s| s.id == ws).unwrap();
            assert!(
                matches!(&s.suspected, Some((_, Indicator::C2Endpoint { found_on })) if found_on == "fs01"),
                "seed {seed}: {ws} is not suspected: {:?}",
                s.suspected
            );
        }
        assert_eq!(
            count(&d, |e| matches!(e, Event::Suspected { team, .. } if team == "security")),
            2
        );
        // IT, which did not investigate, suspects nothing.
        let it = d.view("it").unwrap();
        assert!(it.systems.iter().all(|s| s.suspected.is_none()));
        suspected += 1;
    }
    assert!(suspected > 0, "no investigation of fs01 found it in ten drills");
}

/// The fixture with a user report of the phish, addressed to security, that points (or not)
/// at the workstations the phish took.
fn reported(points_at: &str) -> Arc<Scenario> {
    variant(
        "    objectives: [",
        &format!(
            "    injects: [(id: \"user-report\", title: \"User report: odd attachment\",
        trigger: When(StageSucceeded(\"phish\")), audience: [\"security\"],
        text: \"A user says she opened an attachment.\"{points_at})],
    objectives: ["
        ),
    )
}

#[test]
fn an_inject_that_points_at_a_stage_puts_its_systems_under_its_audiences_suspicion() {
    let mut d = Drill::new(reported(", points_at: Some(\"phish\")"), 1);
    d.advance_to(hm(0, 30));
    let v = d.view("security").unwrap();
    for ws in ["ws01", "ws02"] {
        let s = v.systems.iter().find(|s| s.id == ws).unwrap();
        assert!(
            matches!(&s.suspected, Some((_, Indicator::Reported { inject, .. })) if inject == "user-report"),
            "{ws} is not suspected from the report: {:?}",
            s.suspected
        );
        // Suspicion is where to look, not a finding.
        assert!(s.compromise.is_none(), "{ws}: {:?}", s.compromise);
    }
    // Only the systems the stage took, and only for the report's audience.
    let suspects: Vec<_> =
        v.systems.iter().filter(|s| s.suspected.is_some()).map(|s| s.id.as_str()).collect();
    assert_eq!(suspects, ["ws01", "ws02"]);
    let it = d.view("it").unwrap();
    assert!(it.systems.iter().all(|s| s.suspected.is_none()));
    let line = d
        .events_since(0)
        .iter()
        .find(|e| matches!(e.event, Event::Suspected { .. }))
        .map(|e| e.event.to_string())
        .unwrap();
    assert!(line.contains("reported in “User report: odd attachment”"), "{line}");

    // The same report without `points_at` names no system.
    let mut d = Drill::new(reported(""), 1);
    d.advance_to(hm(0, 30));
    assert_eq!(count(&d, |e| matches!(e, Event::Suspected { .. })), 0);
    assert_eq!(count(&d, |e| matches!(e, Event::InjectDelivered { .. })), 1);
}
