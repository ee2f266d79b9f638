//! Paying the ransom and waiting it out, as a user meets them: the decryptor a decision buys
//! (slow, not always whole, refused where it cannot help) and pressure that grows with the
//! time a system stays down.
//!
//! Uses `fixtures/ransom.ron`.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;

use tabletop_engine::scenario::{self, Scenario, SystemState};
use tabletop_engine::{Command, Drill, Event, Rejection, Seat};

const RANSOM: &str = include_str!("fixtures/ransom.ron");

fn scenario() -> Arc<Scenario> {
    let checked = scenario::check_bytes("ransom.ron", RANSOM.as_bytes());
    let diagnostics = checked.diagnostics.to_string();
    assert_eq!(diagnostics, "", "ransom.ron checks clean");
    Arc::new(checked.scenario.unwrap())
}

fn diagnose(from: &str, to: &str) -> String {
    assert_eq!(RANSOM.matches(from).count(), 1, "`{from}` must occur once in ransom.ron");
    scenario::check_bytes("ransom.ron", RANSOM.replacen(from, to, 1).as_bytes())
        .diagnostics
        .to_string()
}

fn it() -> Seat {
    Seat::Team("it".into())
}

fn decrypt(target: &str) -> Command {
    Command::Start { action: "decrypt".into(), target: Some(target.into()), overrule: false }
}

fn pay(d: &mut Drill) {
    d.submit(
        &Seat::Team("management".into()),
        Command::Decide { inject: "ransom".into(), choice: "pay".into() },
    )
    .unwrap();
    d.advance(1);
}

/// A drill at 00:31, both servers encrypted and the ransom paid.
fn paid(seed: u64) -> Drill {
    let mut d = Drill::new(scenario(), seed);
    d.advance(31);
    pay(&mut d);
    d
}

fn state(d: &mut Drill, system: &str) -> SystemState {
    d.truth().systems.iter().find(|s| s.id == system).unwrap().state
}

fn events(d: &Drill) -> Vec<(u32, Event)> {
    d.events_since(0).iter().map(|e| (e.at.0, e.event.clone())).collect()
}

fn precondition(result: Result<impl std::fmt::Debug, Rejection>) -> String {
    match result {
        Err(Rejection::Precondition(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn the_decryptor_is_refused_until_the_ransom_is_paid() {
    let mut d = Drill::new(scenario(), 1);
    d.advance(31);
    assert_eq!(state(&mut d, "srv01"), SystemState::Encrypted);
    let why = precondition(d.submit(&it(), decrypt("srv01")));
    assert!(why.contains("decryptor"), "{why}");
    pay(&mut d);
    let received = events(&d).into_iter().any(
        |(_, e)| matches!(e, Event::DecryptorReceived { gb_per_hour, .. } if gb_per_hour == 60.0),
    );
    assert!(received, "the log says the decryptor arrived");
    d.submit(&it(), decrypt("srv01")).unwrap();
}

#[test]
fn the_decryptor_only_runs_on_encrypted_systems() {
    let seed = (0..100).find(|s| decrypt_to_end(*s).1).unwrap();
    let (mut d, _) = decrypt_to_end(seed);
    let why = precondition(d.submit(&it(), decrypt("srv01")));
    assert_eq!(why, "srv01 is not encrypted");
}

#[test]
fn decrypting_takes_longer_the_more_data_a_system_holds() {
    let mut d = paid(1);
    d.submit(&it(), decrypt("srv01")).unwrap();
    d.submit(&it(), decrypt("srv02")).unwrap();
    d.advance(1);
    let completes = |d: &Drill, system: &str| {
        events(d)
            .into_iter()
            .find_map(|(_, e)| match e {
                Event::ActionStarted { target: Some(t), completes, .. } if t == system => {
                    Some(completes.0)
                }
                _ => None,
            })
            .unwrap()
    };
    // 30 minutes of set-up, then 60 GB at 60 GB an hour; a server with no data: set-up
    // and a minute.
    assert_eq!(completes(&d, "srv01"), 32 + 30 + 60);
    assert_eq!(completes(&d, "srv02"), 32 + 30 + 1);
}

/// Runs the decryptor on srv01 to its end and says whether srv01 came back whole.
fn decrypt_to_end(seed: u64) -> (Drill, bool) {
    let mut d = paid(seed);
    d.submit(&it(), decrypt("srv01")).unwrap();
    d.advance(91);
    let whole = events(&d).into_iter().find_map(|(_, e)| match e {
        Event::Decrypted { system, whole } if system == "srv01" => Some(whole),
        _ => None,
    });
    (d, whole.expect("the decryptor finished within its time"))
}

#[test]
fn the_decryptor_brings_back_some_systems_whole_and_fails_on_others() {
    let outcomes: Vec<bool> = (0..40).map(|seed| decrypt_to_end(seed).1).collect();
    let whole = outcomes.iter().filter(|w| **w).count();
    assert!((8..=32).contains(&whole), "about half come back whole at 0.5: {whole} of 40");
    for seed in 0..40 {
        let (mut d, whole) = decrypt_to_end(seed);
        let after = state(&mut d, "srv01");
        if whole {
            assert_eq!(after, SystemState::Online, "seed {seed}: decrypted whole");
        } else {
            assert_eq!(after, SystemState::Encrypted, "seed {seed}: still unreadable");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_decryption() {
    for seed in 0..10 {
        assert_eq!(decrypt_to_end(seed).1, decrypt_to_end(seed).1, "seed {seed}");
    }
}

#[test]
fn a_failed_decryption_is_not_retried_but_a_restore_still_works() {
    let seed = (0..100).find(|s| !decrypt_to_end(*s).1).unwrap();
    let (mut d, _) = decrypt_to_end(seed);
    let why = precondition(d.submit(&it(), decrypt("srv01")));
    assert_eq!(why, "the decryptor already failed on srv01; restore or rebuild it");
    d.submit(
        &it(),
        Command::Start {
            action: "restore_backup".into(),
            target: Some("srv01".into()),
            overrule: false,
        },
    )
    .unwrap();
    d.advance(120);
    assert_eq!(state(&mut d, "srv01"), SystemState::Online, "restored from its backup");
}

#[test]
fn pressure_grows_only_once_a_system_has_been_down_long_enough() {
    let calls = |d: &Drill| {
        events(d).into_iter().find_map(|(at, e)| match e {
            Event::InjectDelivered { inject, .. } if inject == "calls" => Some(at),
            _ => None,
        })
    };
    let mut d = Drill::new(scenario(), 1);
    d.advance(60 * 8);
    let at = calls(&d).expect("customers call once the file server has been down 2 h");
    // Encrypted at 00:20; monitoring and the tick may add a minute.
    assert!((140..=142).contains(&at), "the calls came at minute {at}");

    let seed = (0..100).find(|s| decrypt_to_end(*s).1).unwrap();
    let mut d = paid(seed);
    d.submit(&it(), decrypt("srv01")).unwrap();
    d.advance(60 * 7);
    assert_eq!(state(&mut d, "srv01"), SystemState::Online);
    assert_eq!(calls(&d), None, "back within 2 h of set-up and decryption: no calls");
}

#[test]
fn a_decryptor_out_of_range_is_named_with_what_to_give() {
    insta::assert_snapshot!(diagnose(
        "Decryptor(gb_per_hour: 60.0, recovers: 0.5)",
        "Decryptor(gb_per_hour: 0.0, recovers: 1.5)"
    ));
}

#[test]
fn a_decryptor_no_team_can_run_is_a_warning() {
    insta::assert_snapshot!(diagnose(
        "actions: [\"decrypt\", \"restore_backup\", \"isolate\"]",
        "actions: [\"restore_backup\", \"isolate\"]"
    ));
}

#[test]
fn downtime_longer_than_the_drill_never_triggers() {
    insta::assert_snapshot!(diagnose("span: \"2h\"", "span: \"10h\""));
}
