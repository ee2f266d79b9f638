//! Scoring from hand-built drill logs with known answers: each metric, the objectives and
//! their weighted scores, the ratings, the ATT&CK view, partial logs and comparisons.

use std::io::Write;
use std::sync::{Arc, Mutex};

use tabletop_engine::log::{Body, Header, LOG_FORMAT, LogWriter, ReadLog, read_log, sha256_hex};
use tabletop_engine::model::{
    BlockCause, Decider, Defence, FindingSource, FootholdStatus, Presence,
};
use tabletop_engine::scenario::{self, Minutes, Privilege, SystemState};
use tabletop_engine::score::{
    self, CompareError, ContainmentBasis, CostBasis, ExpectationOutcome, Metric, ObjectiveStatus,
    Options, Rating, Report, RequestOutcome, Verdict,
};
use tabletop_engine::{Drill, Event, TimedEvent};

const TEXT: &str = include_str!("fixtures/score.ron");

fn header(text: &str) -> Header {
    Header {
        format: LOG_FORMAT,
        engine: "test".into(),
        seed: 7,
        scenario_name: "score.ron".into(),
        scenario_sha256: sha256_hex(text.as_bytes()),
        scenario: text.into(),
    }
}

fn records(events: Vec<(u32, Event)>) -> Vec<Body> {
    events
        .into_iter()
        .map(|(at, event)| Body::Event(TimedEvent { at: Minutes(at), event }))
        .collect()
}

fn log(events: Vec<(u32, Event)>) -> ReadLog {
    ReadLog {
        header: header(TEXT),
        records: records(events),
        last_hash: String::new(),
        torn_tail: None,
        seal: None,
        reviews: Vec::new(),
    }
}

fn report_with(events: Vec<(u32, Event)>, options: &Options) -> Report {
    score::score(&log(events), options).expect("the fixture scenario loads")
}

/// The report of a format 3 log (engine 0.3.0), whose containment rests on blocked stages
/// and reachable footholds rather than on recorded stalls.
fn report_v3(events: Vec<(u32, Event)>) -> Report {
    let mut old = log(events);
    old.header.format = 3;
    score::score(&old, &Options::default()).expect("scores")
}

fn report(events: Vec<(u32, Event)>) -> Report {
    report_with(events, &Options::default())
}

fn metric<'a>(r: &'a Report, id: &str) -> &'a Metric {
    let found = r.metrics.iter().find(|m| m.id == id);
    let ids: Vec<&str> = r.metrics.iter().map(|m| m.id.as_str()).collect();
    assert!(found.is_some(), "no metric {id} among {ids:?}");
    found.expect("checked above")
}

fn value(r: &Report, id: &str) -> Option<f64> {
    metric(r, id).value
}

fn s(x: &str) -> String {
    x.to_owned()
}

fn compromised(system: &str, privilege: Privilege) -> Event {
    Event::Compromised { system: s(system), privilege, stage: s("phish") }
}

fn finding(team: &str, system: &str, compromised: bool) -> Event {
    Event::Finding {
        team: s(team),
        system: s(system),
        compromised,
        source: FindingSource::Investigation,
    }
}

fn alert(id: u64, system: &str, technique: &str, true_positive: bool) -> Event {
    Event::Alert {
        id,
        team: s("security"),
        system: s(system),
        technique: s(technique),
        true_positive,
    }
}

fn started(id: u64, team: &str, action: &str, target: &str) -> Event {
    Event::ActionStarted {
        id,
        team: s(team),
        action: s(action),
        target: Some(s(target)),
        completes: Minutes(0),
        request: None,
    }
}

fn completed(id: u64, team: &str, action: &str, target: &str) -> Event {
    Event::ActionCompleted { id, team: s(team), action: s(action), target: Some(s(target)) }
}

fn state(system: &str, from: SystemState, to: SystemState) -> Event {
    Event::StateChanged { system: s(system), from, to }
}

fn blocked(stage: &str, cause: BlockCause) -> Event {
    Event::StageBlocked { stage: s(stage), cause }
}

fn stage_started(stage: &str, technique: &str, target: &str) -> Event {
    Event::StageStarted { stage: s(stage), technique: s(technique), targets: vec![s(target)] }
}

fn foothold(system: &str, foothold: FootholdStatus) -> Event {
    Event::FootholdChanged { system: s(system), foothold }
}

fn evicted(system: &str) -> Event {
    Event::Evicted { system: s(system) }
}

fn availability(system: &str, available: bool, cost_per_hour: u64) -> Event {
    Event::AvailabilityChanged { system: s(system), available, cost_per_hour }
}

fn ended(cost: u64) -> Event {
    Event::DrillEnded { cost }
}

use FootholdStatus::{CutOff, Removed, Usable};
use Privilege::{Admin, User};
use SystemState::{Degraded, Down, Encrypted, Isolated, Online};

#[test]
fn time_to_detect_runs_from_the_first_foothold_to_the_first_compromise_finding() {
    let r = report(vec![
        (60, compromised("ws01", User)),
        // A true-positive alert nobody acts on is not detection.
        (70, alert(1, "ws02", "T1003.001", true)),
        (100, compromised("ws02", Admin)),
        (130, finding("security", "ws01", true)),
    ]);
    assert_eq!(value(&r, "time_to_detect"), Some(70.0));
    let d = r.detail.detection.detected.as_ref().expect("detected");
    assert_eq!((d.at, d.team.as_str(), d.how.as_str()), (130, "security", "finding"));
    assert_eq!(r.detail.detection.compromised_before_detection, ["ws02"]);
    assert!(
        r.improvements.iter().any(|o| o.text.starts_with("Security took 1h10m to detect")),
        "{:#?}",
        r.improvements
    );
}

#[test]
fn a_true_positive_alert_counts_once_its_team_acts_on_the_alerted_system() {
    let r = report(vec![
        (60, compromised("ws01", User)),
        // A false positive acted on is not detection.
        (62, alert(1, "ws02", "T1046", false)),
        (63, started(1, "security", "investigate", "ws02")),
        (80, alert(2, "ws01", "T1566.001", true)),
        // Another team acting on the alerted system is not the alerted team acting.
        (90, started(2, "it", "isolate", "ws01")),
        (95, started(3, "security", "investigate", "ws01")),
        (155, finding("security", "ws01", true)),
    ]);
    let d = r.detail.detection.detected.as_ref().expect("detected");
    assert_eq!((d.at, d.how.as_str(), d.alert_at), (95, "alert_acted_on", Some(80)));
    assert_eq!(value(&r, "time_to_detect"), Some(35.0));
    assert!(r.detail.detection.compromised_before_detection.is_empty());
    assert!(
        r.strengths.iter().any(|o| o.text.contains("before the attacker reached another system")),
        "{:#?}",
        r.strengths
    );
}

#[test]
fn an_undetected_compromise_has_no_time_to_detect_and_is_an_area_for_improvement() {
    let r = report(vec![(60, compromised("ws01", User)), (479, ended(0))]);
    let m = metric(&r, "time_to_detect");
    assert_eq!((m.value, m.never, m.text.as_str()), (None, true, "not detected"));
    assert!(r.improvements.iter().any(|o| o.text.starts_with("No team detected the compromise")));
    let quiet = report(vec![(479, ended(0))]);
    let m = metric(&quiet, "time_to_detect");
    assert_eq!((m.value, m.never, m.text.as_str()), (None, false, "no system was compromised"));
}

#[test]
fn containment_is_the_first_defender_block_after_the_attackers_last_progress() {
    let r = report_v3(vec![
        (60, compromised("ws01", User)),
        (60, foothold("ws01", Usable)),
        (61, stage_started("dump", "T1003.001", "ws02")),
        (100, compromised("ws02", Admin)),
        (100, foothold("ws02", Usable)),
        // The attacker's own bad luck is not containment.
        (120, blocked("dump", BlockCause::Chance)),
        (150, stage_started("dump", "T1003.001", "ws02")),
        (200, blocked("dump", BlockCause::Defence(Defence::CredentialReset(s("da"))))),
        (479, ended(0)),
    ]);
    let c = &r.detail.containment;
    assert_eq!((c.last_progress, c.contained_at), (Some(100), Some(200)));
    assert_eq!(c.basis, Some(ContainmentBasis::StageBlocked));
    assert_eq!(value(&r, "time_to_contain"), Some(140.0));
}

#[test]
fn isolating_every_foothold_contains_the_attack_until_one_is_reconnected() {
    let held = vec![
        (60, compromised("ws01", User)),
        (60, foothold("ws01", Usable)),
        (80, started(1, "it", "isolate", "ws01")),
        (90, completed(1, "it", "isolate", "ws01")),
        (90, foothold("ws01", CutOff)),
    ];
    let r = report_v3(held.clone());
    assert_eq!(r.detail.containment.basis, Some(ContainmentBasis::NoReachableFoothold));
    assert_eq!(value(&r, "time_to_contain"), Some(30.0));
    assert_eq!(r.detail.containment.by.as_deref(), Some("it completed isolate ws01"));

    let mut reconnected = held;
    reconnected.push((150, completed(2, "it", "reconnect", "ws01")));
    reconnected.push((150, foothold("ws01", Usable)));
    let r = report_v3(reconnected);
    let m = metric(&r, "time_to_contain");
    assert_eq!((m.value, m.never, m.text.as_str()), (None, true, "not contained"));
}

#[test]
fn containment_and_eviction_follow_the_engines_facts_not_the_actions() {
    // The engine recorded no change to the foothold: the isolation did not cut it off
    // (whatever the reason), so the report does not call the attack contained either.
    let r = report(vec![
        (60, compromised("ws01", User)),
        (60, foothold("ws01", Usable)),
        (90, completed(1, "it", "isolate", "ws01")),
        (200, completed(2, "it", "reimage", "ws01")),
        (479, ended(0)),
    ]);
    assert_eq!(value(&r, "time_to_contain"), None);
    assert_eq!(r.detail.systems.still_compromised, ["ws01"]);
    // A foothold gained by persistence alone (no `Compromised`) still counts as held.
    let r = report(vec![(60, foothold("ws02", Usable)), (479, ended(0))]);
    assert_eq!(r.detail.systems.still_compromised, ["ws02"]);
}

#[test]
fn logs_before_format_3_derive_the_attackers_hold_from_actions_as_0_2_0_did() {
    let mut old = log(vec![
        (60, compromised("ws01", User)),
        (80, started(1, "it", "isolate", "ws01")),
        (90, completed(1, "it", "isolate", "ws01")),
        (90, state("ws01", Online, Isolated)),
        (300, completed(2, "it", "reimage", "ws01")),
        (479, ended(0)),
    ]);
    old.header.format = 2;
    let r = score::score(&old, &Options::default()).expect("scores");
    assert_eq!(r.detail.containment.basis, Some(ContainmentBasis::NoReachableFoothold));
    assert_eq!(value(&r, "time_to_contain"), Some(30.0));
    assert_eq!(r.detail.systems.evicted.len(), 1);
    assert!(r.detail.systems.still_compromised.is_empty());
    // Availability from the state: ws01 (60/h) isolated from 90 to the end of the tick at 479.
    assert_eq!(r.detail.cost.downtime_estimated, 390);
}

fn presence(system: &str, foothold: Option<Privilege>, c2: bool) -> Event {
    Event::PresenceChanged {
        system: s(system),
        presence: Presence { foothold, persistence: false, c2, exfiltration: false },
    }
}

#[test]
fn contained_from_the_recorded_stall_evicted_when_nothing_is_left_anywhere() {
    let mut events = vec![
        (60, compromised("ws01", User)),
        (60, presence("ws01", Some(User), true)),
        (90, finding("security", "ws01", true)),
        (100, presence("fs01", None, true)),
        (200, completed(1, "security", "reset_credentials", "dc01")),
        (200, Event::CampaignStalled),
        (300, completed(2, "security", "reimage", "ws01")),
        (300, presence("ws01", None, false)),
        (300, evicted("ws01")),
    ];
    let mut end = events.clone();
    end.push((479, ended(0)));
    let r = report(end);
    let c = &r.detail.containment;
    assert_eq!((c.contained_at, c.basis), (Some(200), Some(ContainmentBasis::CampaignStalled)));
    assert_eq!(c.by.as_deref(), Some("security completed reset_credentials dc01"));
    // From the first detection, not the first foothold.
    assert_eq!(value(&r, "time_to_contain"), Some(110.0));
    // C2 on fs01 is still there: stalled, not evicted, and not called contained.
    assert_eq!(c.present_at_end.len(), 1);
    assert_eq!(c.present_at_end[0].system, "fs01");
    let m = metric(&r, "time_to_evict");
    assert_eq!(
        (m.value, m.never, m.text.as_str()),
        (None, true, "not evicted: still on fs01 (C2)")
    );
    assert!(r.summary.iter().any(|l| l.contains("stalled after 1h50m but it was never evicted")));
    assert!(r.strengths.iter().all(|o| !o.text.contains("contained")));

    events.push((400, completed(3, "security", "block_c2", "fs01")));
    events.push((400, presence("fs01", None, false)));
    events.push((400, evicted("fs01")));
    events.push((400, Event::EvictedFromEstate));
    let mut end = events.clone();
    end.push((479, ended(0)));
    let r = report(end);
    assert_eq!(value(&r, "time_to_evict"), Some(340.0));
    assert!(r.detail.containment.present_at_end.is_empty());
    assert!(r.summary.iter().any(|l| l.contains("it was contained after 1h50m")));

    // The campaign resumed after it stalled: not contained.
    events.push((420, Event::CampaignResumed));
    events.push((479, ended(0)));
    let r = report(events);
    assert_eq!(value(&r, "time_to_contain"), None);
}

#[test]
fn reimaging_evicts_and_a_chance_failure_alone_never_contains() {
    let r = report_v3(vec![
        (60, compromised("ws01", User)),
        (60, foothold("ws01", Usable)),
        (70, blocked("dump", BlockCause::Chance)),
        (479, ended(0)),
    ]);
    assert_eq!(value(&r, "time_to_contain"), None);
    let r = report_v3(vec![
        (60, compromised("ws01", User)),
        (60, foothold("ws01", Usable)),
        (250, completed(1, "it", "reimage", "ws01")),
        (250, foothold("ws01", Removed)),
        (250, evicted("ws01")),
        (250, Event::EvictedFromEstate),
        (479, ended(0)),
    ]);
    assert_eq!(value(&r, "time_to_contain"), Some(190.0));
    assert_eq!(r.detail.systems.evicted.len(), 1);
    assert!(r.detail.systems.still_compromised.is_empty());
}

#[test]
fn critical_services_recover_from_first_outage_to_back_for_good() {
    let events = vec![
        (120, state("db01", Online, Encrypted)),
        (120, state("web01", Online, Down)),
        (125, state("ws01", Online, Down)),
        (240, state("db01", Encrypted, Online)),
        (240, state("web01", Down, Online)),
        (300, state("web01", Online, Down)),
        (330, state("web01", Down, Degraded)),
        (479, ended(0)),
    ];
    let r = report(events.clone());
    // Default threshold: a tenth of the highest criticality (12,000) = 1,200 per hour.
    assert_eq!(r.detail.recovery.critical_from, 1200);
    let services: Vec<&str> =
        r.detail.recovery.services.iter().map(|s| s.system.as_str()).collect();
    assert_eq!(services, ["web01", "db01"], "ws01 (60/h) is not critical");
    let web = &r.detail.recovery.services[0];
    assert_eq!(
        (web.first_down, web.recovered_at, web.outages, web.minutes_down),
        (120, Some(330), 2, 150)
    );
    assert_eq!(value(&r, "time_to_recover:web01"), Some(210.0));
    assert_eq!(value(&r, "time_to_recover:db01"), Some(120.0));
    assert_eq!(value(&r, "critical_services_down_at_end"), Some(0.0));

    let only_web = report_with(events, &Options { critical_from: Some(10_000) });
    assert_eq!(only_web.detail.recovery.services.len(), 1);
    assert!(only_web.metrics.iter().all(|m| m.id != "time_to_recover:db01"));

    let never_back = report(vec![(400, state("db01", Online, Encrypted)), (479, ended(0))]);
    let m = metric(&never_back, "time_to_recover:db01");
    assert_eq!((m.value, m.never), (None, true));
    assert_eq!(value(&never_back, "critical_services_down_at_end"), Some(1.0));
    assert_eq!(never_back.detail.recovery.services[0].minutes_down, 80);
}

#[test]
fn cost_is_the_engines_total_else_rebuilt_the_way_the_engine_accrues_it() {
    let events = vec![
        (100, state("ws01", Online, Isolated)),
        (100, availability("ws01", false, 60)),
        (120, Event::CostIncurred { amount: 5000, reason: s("decision `wait`") }),
        (159, Event::Note { text: s("lunch") }),
    ];
    // Unfinished: ws01 (60/h) down from 100 through the tick at 159 = 60 minutes = 60.
    let r = report(events.clone());
    assert_eq!((r.detail.cost.total, r.detail.cost.basis), (5060, CostBasis::Estimated));
    assert_eq!(r.detail.cost.downtime_estimated, 60);
    assert_eq!(value(&r, "business_cost"), Some(5060.0));
    assert!(metric(&r, "business_cost").text.starts_with("EUR 5,060, estimated"));

    let mut finished = events;
    finished.push((479, ended(7777)));
    let r = report(finished);
    assert_eq!((r.detail.cost.total, r.detail.cost.basis), (7777, CostBasis::DrillEnded));
}

/// A `Write` whose bytes stay readable after the drill took the writer.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_rebuilt_cost_of_a_real_drill_equals_the_engines_total() {
    let text = include_str!("../../scenarios/ransomware.ron");
    let scenario = scenario::check_bytes("ransomware.ron", text.as_bytes());
    let scenario = Arc::new(scenario.scenario.expect("the bundled scenario is valid"));
    let out = Shared::default();
    let mut drill = Drill::new(scenario, 1);
    drill.record_to(Box::new(out.clone()), "ransomware.ron", text).expect("record");
    drill.run_to_end();
    let outcome = drill.outcome();
    let bytes = out.0.lock().expect("lock").clone();
    let log = read_log(&String::from_utf8(bytes).expect("utf-8")).expect("a good log");
    let r = score::score(&log, &Options::default()).expect("scores");
    let one_off: u64 = r.detail.cost.one_off.iter().map(|c| c.amount).sum();
    assert!(outcome.cost > 0, "doing nothing costs something");
    assert_eq!(r.detail.cost.total, outcome.cost);
    assert_eq!(r.detail.cost.downtime_estimated + one_off, outcome.cost);
    assert!(!r.partial);
}

#[test]
fn data_lost_and_exfiltrated_are_summed_per_system() {
    let r = report(vec![
        (100, Event::DataLost { system: s("db01"), minutes: 30 }),
        (200, Event::DataLost { system: s("db01"), minutes: 15 }),
        (210, Event::DataLost { system: s("web01"), minutes: 5 }),
        (60, Event::Exfiltrated { system: s("db01"), gb: 1.5 }),
        (120, Event::Exfiltrated { system: s("db01"), gb: 2.5 }),
    ]);
    assert_eq!(value(&r, "data_lost"), Some(50.0));
    assert_eq!(r.detail.data_lost[0].system, "db01");
    assert_eq!(r.detail.data_lost[0].amount, 45.0);
    assert_eq!(value(&r, "exfiltrated_gb"), Some(4.0));
    assert_eq!(metric(&r, "exfiltrated_gb").text, "4.0 GB");
    let none = report(vec![]);
    assert_eq!(metric(&none, "exfiltrated_gb").text, "0.0 GB", "never -0.0");
}

#[test]
fn systems_compromised_encrypted_reinfected_and_still_held() {
    let r = report(vec![
        (60, compromised("ws01", User)),
        (60, foothold("ws01", Usable)),
        (70, compromised("ws01", Admin)),
        (90, compromised("db01", Admin)),
        (90, foothold("db01", Usable)),
        (100, state("db01", Online, Encrypted)),
        (200, completed(1, "it", "reimage", "ws01")),
        (200, foothold("ws01", Removed)),
        (200, evicted("ws01")),
        (250, Event::Reinfected { system: s("db01") }),
        (250, Event::ReEncrypted { system: s("db01") }),
    ]);
    assert_eq!(value(&r, "systems_compromised"), Some(2.0));
    assert_eq!(r.detail.systems.compromised[0].privilege, Admin, "the highest privilege");
    assert_eq!(value(&r, "systems_encrypted"), Some(1.0));
    assert_eq!(value(&r, "systems_reinfected"), Some(1.0));
    assert_eq!(value(&r, "systems_re_encrypted"), Some(1.0));
    assert_eq!(r.detail.systems.still_compromised, ["db01"]);
    assert_eq!(value(&r, "systems_still_compromised"), Some(1.0));
    assert!(
        r.improvements.iter().any(|o| o.text.contains("restored before the attacker was evicted"))
    );
}

#[test]
fn isolating_a_system_never_compromised_is_unnecessary_and_costed() {
    let r = report(vec![
        (60, compromised("ws01", User)),
        (80, completed(1, "it", "isolate", "ws01")),
        (90, completed(2, "security", "isolate", "ws02")),
        (150, completed(3, "it", "reconnect", "ws02")),
        (479, ended(0)),
    ]);
    assert_eq!(value(&r, "unnecessary_isolations"), Some(1.0));
    let ws02 = r.detail.isolations.iter().find(|i| i.system == "ws02").expect("ws02");
    assert!(ws02.unnecessary);
    assert_eq!((ws02.team.as_str(), ws02.until, ws02.cost), ("security", Some(150), 60));
    assert!(!r.detail.isolations.iter().any(|i| i.system == "ws01" && i.unnecessary));
    let plan =
        r.improvement_plan.iter().find(|p| p.addresses.contains("ws02")).expect("a plan row");
    assert_eq!((plan.owner.as_str(), plan.due.as_str()), ("security", "next drill"));
}

#[test]
fn requests_are_timed_from_sent_to_answered() {
    let sent = |id, at: u32| {
        (
            at,
            Event::RequestSent {
                id,
                from: s("security"),
                to: s("it"),
                action: s("isolate"),
                target: Some(s("ws01")),
                note: String::new(),
                approval: false,
                cost_per_hour: 0,
            },
        )
    };
    let r = report(vec![
        sent(1, 100),
        (112, Event::RequestAnswered { id: 1, accepted: true, reason: String::new() }),
        sent(2, 120),
        (180, Event::RequestExpired { id: 2 }),
        sent(3, 200),
        (230, Event::RequestAnswered { id: 3, accepted: false, reason: String::new() }),
    ]);
    assert_eq!(value(&r, "request_response_time"), Some(21.0));
    assert_eq!(value(&r, "requests_expired"), Some(1.0));
    let outcomes: Vec<RequestOutcome> = r.detail.requests.iter().map(|q| q.outcome).collect();
    assert_eq!(
        outcomes,
        [RequestOutcome::Accepted, RequestOutcome::Expired, RequestOutcome::Declined]
    );
    assert!(
        r.improvements
            .iter()
            .any(|o| o.text.contains("expired unanswered") && o.team.as_deref() == Some("it"))
    );
}

#[test]
fn inject_responses_are_timed_and_deadlines_counted() {
    let r = report(vec![
        (60, Event::InjectDelivered { inject: s("tip"), teams: vec![s("security")] }),
        (85, Event::ExpectationMet { inject: s("tip") }),
        (200, Event::InjectDelivered { inject: s("outage"), teams: vec![s("it")] }),
        (230, Event::ExpectationMissed { inject: s("outage") }),
        (
            260,
            Event::DecisionTaken { inject: s("outage"), choice: s("wait"), by: Decider::Timeout },
        ),
    ]);
    assert_eq!(value(&r, "inject_response_time"), Some(25.0));
    assert_eq!(value(&r, "deadlines_met"), Some(1.0));
    assert_eq!(value(&r, "deadlines_missed"), Some(1.0));
    let outage = &r.detail.injects[1];
    assert_eq!(outage.expected.as_ref().map(|x| x.outcome), Some(ExpectationOutcome::Missed));
    let decision = outage.decision.as_ref().expect("decided");
    assert_eq!((decision.label.as_str(), decision.time_to_decide), ("Wait", 60));
    assert!(r.improvements.iter().any(|o| o.text.starts_with("Nobody decided “Shop down”")));
    assert!(r.improvements.iter().any(|o| o.text.starts_with("No restore_backup db01 within 30m")));
}

#[test]
fn objectives_give_weighted_scores_per_team_and_capability_ratings() {
    let r = report(vec![
        (100, Event::ObjectiveMet { objective: s("find") }),
        (200, Event::ObjectiveMissed { objective: s("keep-db") }),
        (300, Event::ObjectiveMet { objective: s("notify") }),
    ]);
    let status: Vec<(&str, ObjectiveStatus)> =
        r.objectives.iter().map(|o| (o.id.as_str(), o.status)).collect();
    assert_eq!(
        status,
        [
            ("find", ObjectiveStatus::Met),
            ("keep-db", ObjectiveStatus::Missed),
            ("shop-up", ObjectiveStatus::Undecided),
            ("notify", ObjectiveStatus::Met),
        ]
    );
    // 40 of 100 met; security: find + shared keep-db = 30/70; it: keep-db + shop-up = 0/60;
    // management: keep-db + notify = 10/50.
    assert_eq!(r.scores.combined.score, Some(40));
    let team = |t: &str| r.scores.teams.iter().find(|x| x.team == t).and_then(|x| x.score.score);
    assert_eq!((team("security"), team("it"), team("management")), (Some(43), Some(0), Some(20)));
    assert_eq!(r.scores.combined.undecided_weight, 20);

    let rated: Vec<(&str, Rating, bool)> =
        r.capabilities.iter().map(|c| (c.capability.as_str(), c.rating, c.provisional)).collect();
    assert_eq!(
        rated,
        [
            ("Detection", Rating::P, false),
            ("Containment", Rating::M, false),
            ("Recovery", Rating::U, true),
        ],
        "an objective without a capability takes its phase's default"
    );
    assert!(r.partial, "no DrillEnded");
}

#[test]
fn ratings_follow_the_stated_rules() {
    assert_eq!(score::rating(3, 3, true), Rating::P);
    assert_eq!(score::rating(40, 60, false), Rating::S);
    assert_eq!(score::rating(39, 60, false), Rating::M);
    assert_eq!(score::rating(0, 60, false), Rating::U);
    assert!(score::RATING_RULES.iter().any(|r| r.contains("two thirds of their weight")));
}

#[test]
fn techniques_are_detected_by_true_positive_alerts_or_findings_on_their_targets() {
    let r = report(vec![
        (10, stage_started("phish", "T1566.001", "ws01")),
        (20, alert(1, "ws01", "T1566.001", true)),
        (40, Event::StageSucceeded { stage: s("phish"), targets: vec![s("ws01")] }),
        (41, stage_started("dump", "T1003.001", "ws02")),
        // An alert about another technique on the same target does not detect this one.
        (50, alert(2, "ws02", "T1566.001", true)),
        // Nor does an alert about the target before the stage ran.
        (90, alert(3, "db01", "T1486", true)),
        (101, Event::StageSucceeded { stage: s("dump"), targets: vec![s("ws02")] }),
        (102, stage_started("encrypt", "T1486", "db01")),
        (300, finding("security", "db01", true)),
    ]);
    let t: Vec<(&str, &str, bool, Option<u32>)> = r
        .attack
        .techniques
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str(), t.detected, t.detected_at))
        .collect();
    assert_eq!(
        t,
        [
            ("T1566.001", "Spearphishing Attachment", true, Some(20)),
            ("T1003.001", "LSASS Memory", false, None),
            ("T1486", "Data Encrypted for Impact", true, Some(300)),
        ]
    );
    assert_eq!(value(&r, "techniques_undetected"), Some(1.0));
    let layer = score::navigator_layer(&r);
    assert_eq!(layer.domain, "enterprise-attack");
    assert_eq!(
        (
            layer.versions.attack.as_str(),
            layer.versions.navigator.as_str(),
            layer.versions.layer.as_str()
        ),
        ("18", "5.1.0", "4.5")
    );
    let colours: Vec<(&str, &str, u32)> = layer
        .techniques
        .iter()
        .map(|t| (t.technique_id.as_str(), t.color.as_str(), t.score))
        .collect();
    assert_eq!(
        colours,
        [
            ("T1566.001", score::DETECTED_COLOUR, 1),
            ("T1003.001", score::MISSED_COLOUR, 0),
            ("T1486", score::DETECTED_COLOUR, 1)
        ]
    );
}

#[test]
fn investigations_that_find_nothing_on_a_held_system_are_missed_findings() {
    let r = report(vec![
        (60, compromised("ws01", User)),
        (60, foothold("ws01", Usable)),
        (100, finding("security", "ws01", false)),
        (110, finding("security", "ws02", false)),
    ]);
    assert_eq!(value(&r, "investigations_missed"), Some(1.0));
    assert_eq!(r.detail.missed_findings[0].system, "ws01");
}

/// Log text for the events, written the way the engine writes logs.
fn log_text(events: Vec<(u32, Event)>) -> String {
    let mut out = Vec::new();
    let mut w = LogWriter::new(&mut out, header(TEXT)).expect("header");
    for body in records(events) {
        w.append(body).expect("append");
    }
    drop(w);
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn a_drill_that_did_not_finish_or_a_torn_last_line_makes_the_report_partial() {
    let text = log_text(vec![
        (60, compromised("ws01", User)),
        (479, ended(0)),
        (479, Event::ObjectiveMet { objective: s("shop-up") }),
    ]);
    let whole =
        score::score(&read_log(&text).expect("reads"), &Options::default()).expect("scores");
    assert!(!whole.partial, "{:?}", whole.partial_reasons);
    assert_eq!(whole.objectives[2].status, ObjectiveStatus::Met);

    // Cut the last line in the middle: it is dropped, and its objective is undecided.
    let cut = &text[..text.len() - 30];
    let torn = read_log(cut).expect("a torn tail is not an error");
    assert!(torn.torn_tail.is_some());
    let r = score::score(&torn, &Options::default()).expect("scores");
    assert!(r.partial);
    assert!(r.partial_reasons[0].contains("line 4) was cut short"), "{:?}", r.partial_reasons);
    assert_eq!(r.objectives[2].status, ObjectiveStatus::Undecided);

    let unfinished =
        report(vec![(60, compromised("ws01", User)), (75, Event::Note { text: s("pause") })]);
    assert!(unfinished.partial);
    assert_eq!(
        unfinished.partial_reasons,
        ["the drill did not finish: the log ends at 01:15 of 8h"]
    );
    assert_eq!(unfinished.notes[0].text, "pause");
}

#[test]
fn two_drills_of_one_scenario_compare_and_of_two_scenarios_refuse() {
    let slow =
        report(vec![(60, compromised("ws01", User)), (130, finding("security", "ws01", true))]);
    let fast =
        report(vec![(60, compromised("ws01", User)), (95, finding("security", "ws01", true))]);
    let cmp = score::compare(&slow, &fast).expect("same scenario");
    let ttd = cmp.metrics.iter().find(|m| m.id == "time_to_detect").expect("ttd");
    assert_eq!((ttd.delta, ttd.verdict), (Some(35.0), Verdict::Worse));
    let undetected = report(vec![(60, compromised("ws01", User))]);
    let cmp = score::compare(&fast, &undetected).expect("same scenario");
    let ttd = cmp.metrics.iter().find(|m| m.id == "time_to_detect").expect("ttd");
    assert_eq!(ttd.verdict, Verdict::Better, "any detection beats none");

    let other_text = TEXT.replace("Scoring fixture", "Another fixture");
    let other = ReadLog { header: header(&other_text), ..log(vec![]) };
    let other = score::score(&other, &Options::default()).expect("scores");
    let err = score::compare(&slow, &other).expect_err("different scenarios");
    assert!(matches!(err, CompareError::DifferentScenarios { .. }));
    assert!(err.to_string().contains("different scenarios"), "{err}");
}

/// The improvement plan names the moments that went wrong — a declined request, a true
/// alert dismissed, a restore before eviction — with their time, the seat whose call it
/// was, and what the attacker gained meanwhile.
#[test]
fn the_plan_names_each_moment_that_went_wrong_with_its_time_and_seat() {
    let r = report(vec![
        (30, compromised("ws01", User)),
        (60, alert(1, "ws01", "T1566.001", true)),
        (
            70,
            Event::AlertTriaged {
                team: s("security"),
                alert: 1,
                system: s("ws01"),
                verdict: tabletop_engine::model::Verdict::FalsePositive,
                true_positive: true,
            },
        ),
        (
            120,
            Event::RequestSent {
                id: 1,
                from: s("security"),
                to: s("it"),
                action: s("isolate"),
                target: Some(s("ws01")),
                note: String::new(),
                approval: true,
                cost_per_hour: 60,
            },
        ),
        (130, Event::RequestAnswered { id: 1, accepted: false, reason: s("payroll run") }),
        (150, Event::Exfiltrated { system: s("ws01"), gb: 3.0 }),
        (200, state("db01", Online, Encrypted)),
        (240, started(5, "it", "restore_backup", "db01")),
        (300, completed(5, "it", "restore_backup", "db01")),
        (300, state("db01", Encrypted, Online)),
        (330, Event::ReEncrypted { system: s("db01") }),
        (330, state("db01", Online, Encrypted)),
        (480, ended(0)),
    ]);
    let item = |id: &str| {
        r.improvement_plan
            .iter()
            .find(|p| p.id == id)
            .expect("the plan has an item for each moment")
    };
    let declined = item("request-1-declined");
    assert_eq!((declined.at, declined.owner.as_str()), (Some(130), "it"));
    assert!(
        declined.addresses.starts_with(
            "02:10 IT Operations declined Security's request to isolate ws01 (sent 02:00): “payroll run”."
        ),
        "{}",
        declined.addresses
    );
    assert!(declined.addresses.contains("3.0 GB more data left"), "{}", declined.addresses);
    let dismissed = item("dismissed-ws01-70");
    assert_eq!((dismissed.at, dismissed.owner.as_str()), (Some(70), "security"));
    assert!(
        dismissed.addresses.starts_with("01:10 Security dismissed a true alert on ws01"),
        "{}",
        dismissed.addresses
    );
    let restored = item("re-encrypted-db01");
    assert_eq!((restored.at, restored.owner.as_str()), (Some(240), "it"));
    assert_eq!(
        restored.addresses,
        "04:00 IT Operations started to restore_backup db01 before the attacker was evicted; \
         it was encrypted again at 05:30."
    );
}
