//! Bots in empty seats: a built-in policy playing some teams' seats while people play the
//! others. It acts only for its own seats, answers what people ask of them, can be handed a
//! seat mid-drill and give it back, and the log and report say who played each seat.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::SharedBuf;

use tabletop_engine::log::{Body, ReadLog, read_log};
use tabletop_engine::model::Player;
use tabletop_engine::policy::{Bot, Policy};
use tabletop_engine::scenario::{self, Minutes};
use tabletop_engine::score::{Stint, score};
use tabletop_engine::{Command, Drill, Event, Rejection, Seat};

const RANSOMWARE: &str = include_str!("../../scenarios/ransomware.ron");

fn drill(seed: u64) -> (Drill, SharedBuf) {
    let s =
        Arc::new(scenario::check_bytes("ransomware.ron", RANSOMWARE.as_bytes()).scenario.unwrap());
    let mut d = Drill::new(s, seed);
    let buf = SharedBuf::default();
    d.record_to(Box::new(buf.clone()), "ransomware.ron", RANSOMWARE).unwrap();
    (d, buf)
}

fn log(buf: &SharedBuf) -> ReadLog {
    read_log(std::str::from_utf8(&buf.bytes()).unwrap()).unwrap()
}

/// The seats that gave commands, with how many each.
fn commanders(log: &ReadLog) -> Vec<(Seat, usize)> {
    let mut out: Vec<(Seat, usize)> = Vec::new();
    for b in &log.records {
        if let Body::Command { seat, .. } = b {
            match out.iter_mut().find(|(s, _)| s == seat) {
                Some((_, n)) => *n += 1,
                None => out.push((seat.clone(), 1)),
            }
        }
    }
    out
}

fn team(t: &str) -> Seat {
    Seat::Team(t.to_owned())
}

/// Runs the drill to its end, the bot stepping before every tick as a UI loop would.
fn play_on(d: &mut Drill, bot: &mut Bot) {
    while !d.is_over() {
        bot.step(d);
        d.advance(1);
    }
}

#[test]
fn a_bot_playing_it_never_acts_for_security_and_answers_its_requests() {
    let (mut d, buf) = drill(3);
    let mut bot = Bot::seats(Policy::Coordinated, d.scenario(), &["it"]);
    let hand = Command::SeatPlayer { team: "it".into(), player: Player::Bot(Policy::Coordinated) };
    d.submit(&Seat::Facilitator, hand).unwrap();
    // Security (a person) asks IT to shut a workstation down: only IT may.
    let ask = Command::Request {
        to: "it".into(),
        action: "shut_down".into(),
        target: Some("ws-fin01".into()),
        note: "please".into(),
        approval: false,
    };
    d.submit(&team("security"), ask).unwrap();
    play_on(&mut d, &mut bot);

    let log = log(&buf);
    let seats = commanders(&log);
    assert!(seats.iter().any(|(s, n)| *s == team("it") && *n > 1), "the bot played IT: {seats:?}");
    // Security's one command is the person's request; management is nobody's.
    assert!(seats.contains(&(team("security"), 1)), "{seats:?}");
    assert!(!seats.iter().any(|(s, _)| *s == team("management")), "{seats:?}");
    let answered = log.records.iter().any(|b| {
        matches!(b, Body::Event(e) if matches!(&e.event,
            Event::RequestAnswered { accepted: true, .. }))
    });
    assert!(answered, "IT's bot accepted security's request");

    let report = score(&log, &Default::default()).unwrap();
    let played = |id: &str| report.teams.iter().find(|t| t.id == id).unwrap().played_by.clone();
    let bot_stint = Stint { from: 0, player: Player::Bot(Policy::Coordinated) };
    assert_eq!(played("it"), vec![bot_stint]);
    assert_eq!(played("security"), vec![Stint { from: 0, player: Player::Person }]);
}

#[test]
fn a_bot_for_every_seat_plays_as_play_does() {
    // Stepping tick by tick is the same bot as playing to the end: same commands, same log.
    let (mut a, buf_a) = drill(11);
    Bot::new(Policy::Coordinated, a.scenario()).play(&mut a);
    let (mut b, buf_b) = drill(11);
    let teams: Vec<String> = b.scenario().teams.iter().map(|t| t.id.clone()).collect();
    let ids: Vec<&str> = teams.iter().map(String::as_str).collect();
    let mut bot = Bot::seats(Policy::Coordinated, b.scenario(), &ids);
    play_on(&mut b, &mut bot);
    assert_eq!(buf_a.bytes(), buf_b.bytes());
}

#[test]
fn a_seat_handed_to_a_bot_and_taken_back_is_played_by_each_in_turn() {
    let (mut d, buf) = drill(5);
    let mut bot = Bot::seats(Policy::Coordinated, d.scenario(), &[]);
    d.advance_to(Minutes(60));
    let to_bot =
        Command::SeatPlayer { team: "it".into(), player: Player::Bot(Policy::Coordinated) };
    d.submit(&Seat::Facilitator, to_bot).unwrap();
    assert!(bot.set_seat("it", true));
    // Until IT sees the encryption at 09:38 it has nothing of its own to act on.
    while d.now() < Minutes(11 * 60) {
        bot.step(&mut d);
        d.advance(1);
    }
    d.submit(&Seat::Facilitator, Command::SeatPlayer { team: "it".into(), player: Player::Person })
        .unwrap();
    assert!(bot.set_seat("it", false));
    let handed_back = log(&buf).records.len();
    play_on(&mut d, &mut bot);

    let log = log(&buf);
    let it_commands = |records: &[Body]| {
        records
            .iter()
            .filter(|b| matches!(b, Body::Command { seat, .. } if *seat == team("it")))
            .count()
    };
    assert!(
        it_commands(&log.records[..handed_back]) > 0,
        "the bot played IT while it held the seat"
    );
    assert_eq!(it_commands(&log.records[handed_back..]), 0, "and nothing once people took it back");
    let report = score(&log, &Default::default()).unwrap();
    let it = report.teams.iter().find(|t| t.id == "it").unwrap();
    assert_eq!(
        it.played_by,
        vec![
            Stint { from: 0, player: Player::Person },
            Stint { from: 60, player: Player::Bot(Policy::Coordinated) },
            Stint { from: 660, player: Player::Person },
        ]
    );
}

#[test]
fn only_the_facilitator_hands_seats_and_only_to_teams_that_exist() {
    let (mut d, _) = drill(1);
    let hand =
        |t: &str| Command::SeatPlayer { team: t.into(), player: Player::Bot(Policy::ItFirst) };
    assert_eq!(d.submit(&team("security"), hand("it")), Err(Rejection::FacilitatorOnly));
    assert_eq!(
        d.submit(&Seat::Facilitator, hand("legal")),
        Err(Rejection::UnknownSeat("legal".into()))
    );
}

/// Security's alerts name credential theft on dc01 from 00:20 to 00:50; IT may reset dc01's
/// credentials but receives no alerts. Nothing else happens that IT could see.
const LEAK: &str = r#"Scenario(
    format: 1,
    meta: (id: "leak", title: "Leak", kind: Breach, summary: "Credential theft only security sees.",
        briefing: "Watch the alerts.", duration: "4h"),
    estate: (
        sites: [(id: "hq", name: "HQ")],
        zones: [(id: "corp", name: "Corporate", site: "hq", internet_facing: true)],
        systems: [
            (id: "ws01", name: "Workstation", kind: Workstation, zone: "corp"),
            (id: "dc01", name: "Domain controller", kind: DomainController, zone: "corp",
                criticality: 1000, controls: (edr: true, logging: Full, mfa: false)),
        ],
        credentials: [(id: "cred-admin", name: "Domain admin", issuer: "dc01", privilege: Domain)],
    ),
    teams: [
        (id: "it", name: "IT", role: ItOps, capacity: 2, actions: ["reset_credentials"],
            visibility: (monitoring: true, alerts: false)),
        (id: "security", name: "Security", role: Security, capacity: 2,
            actions: ["investigate"], visibility: (monitoring: false, alerts: true)),
    ],
    adversary: Some((name: "Crew", stages: [
        (id: "phish", name: "Phishing", technique: "T1566.001", targets: (ids: ["ws01"]),
            duration: "5m", success: 1.0, noise: 0.01, effects: [Foothold(User)]),
        (id: "dump", name: "Credential dumping", technique: "T1003.001", after: ["phish"],
            earliest: "20m", targets: (ids: ["dc01"]), duration: "30m", success: 1.0,
            noise: 1.0, effects: [StealCredential("cred-admin")]),
    ])),
    detection: (false_positives_per_hour: 0.0, beacons_per_hour: 0.0),
    objectives: [(id: "keep", description: "Keep the credential", weight: 10,
        goal: Avoid(State(system: "dc01", is: Encrypted)))],
)"#;

/// The commands a coordinated bot gave for IT over the leak drill, playing `bot_seats` and
/// from 01:00 also `later` (if any), and whether security got an alert that names
/// credential theft.
fn leak_drill(bot_seats: &[&str], later: Option<&str>) -> (Vec<String>, bool) {
    let s = Arc::new(scenario::check_bytes("leak.ron", LEAK.as_bytes()).scenario.unwrap());
    let mut d = Drill::new(s, 7);
    let buf = SharedBuf::default();
    d.record_to(Box::new(buf.clone()), "leak.ron", LEAK).unwrap();
    let mut bot = Bot::seats(Policy::Coordinated, d.scenario(), bot_seats);
    if let Some(seat) = later {
        while d.now() < Minutes(60) {
            bot.step(&mut d);
            d.advance(1);
        }
        assert!(bot.set_seat(seat, true));
    }
    play_on(&mut d, &mut bot);
    let log = log(&buf);
    let it: Vec<String> = log
        .records
        .iter()
        .filter_map(|b| match b {
            Body::Command { seat, command, .. } if *seat == team("it") => {
                Some(format!("{command:?}"))
            }
            _ => None,
        })
        .collect();
    let alerted = log.records.iter().any(|b| {
        matches!(b, Body::Event(e) if matches!(&e.event,
            Event::Alert { team, technique, .. } if team == "security" && technique == "T1003.001"))
    });
    (it, alerted)
}

#[test]
fn a_bot_in_one_seat_acts_only_on_what_that_seat_was_told() {
    // The bot holding both seats hears security's alert and has IT reset the credentials:
    // the alert is enough to act on.
    let (both, alerted) = leak_drill(&["it", "security"], None);
    assert!(alerted, "security was alerted to credential dumping");
    assert!(both.iter().any(|c| c.contains("reset_credentials")), "{both:?}");
    // Holding IT's seat alone, it never saw that alert (IT receives none), so IT does not
    // act on it: a person at IT's screen would not have known.
    let (alone, alerted) = leak_drill(&["it"], None);
    assert!(alerted, "security was alerted all the same");
    assert!(alone.is_empty(), "IT's bot acted on security's alert: {alone:?}");
}

#[test]
fn a_seat_handed_to_a_bot_mid_drill_is_read_from_its_start() {
    // Security's alerts stopped at 00:50; handed security's seat at 01:00, the bot reads its
    // inbox as a person taking the seat over would, and IT resets the credentials.
    let (it, _) = leak_drill(&["it"], Some("security"));
    assert!(it.iter().any(|c| c.contains("reset_credentials")), "{it:?}");
}
