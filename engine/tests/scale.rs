//! Sizes an author or a generator can reach, done in time: a long chain of stages listed
//! in reverse order checks, and a campaign whose stages take every system of a big estate
//! runs its course. Not timing tests: done quadratically, each of these would take minutes
//! (the check hundreds of seconds), so a quadratic path shows as a test that never ends.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::fmt::Write as _;
use std::sync::Arc;

use tabletop_engine::generate::generate_estate;
use tabletop_engine::scenario::{
    self, Adversary, Minutes, OnBlocked, Pick, Privilege, Repeat, Stage, StageEffect,
    StageRequirement, SystemKind, Targets,
};
use tabletop_engine::{Drill, Event, Scenario, Severity};

// ------------------------------------------------------------------------------ the check

/// A scenario whose campaign is a chain of `n` stages, stage `s{i}` waiting for `s{i-1}`,
/// listed last stage first; `root` is spliced into the first stage (`s0`).
fn stage_chain(n: usize, root: &str) -> String {
    let mut stages = String::new();
    for i in (0..n).rev() {
        let after = if i == 0 { root.to_owned() } else { format!("after: [\"s{}\"], ", i - 1) };
        writeln!(
            stages,
            "(id: \"s{i}\", name: \"Stage {i}\", technique: \"T1021.002\", {after}\
             targets: (zones: [\"corp\"]), duration: \"1m\", success: 1.0, noise: 0.1, \
             effects: [Foothold(User)]),"
        )
        .unwrap();
    }
    format!(
        r#"Scenario(
    format: 1,
    meta: (id: "chain", title: "Chain", kind: Breach, summary: "A long chain.",
        briefing: "Stage after stage.", duration: "8h"),
    estate: (
        sites: [(id: "hq", name: "HQ")],
        zones: [(id: "corp", name: "Corporate", site: "hq")],
        systems: [(id: "ws01", name: "Workstation", kind: Workstation, zone: "corp")],
    ),
    teams: [(id: "it", name: "IT", role: ItOps, capacity: 1, actions: ["isolate"])],
    adversary: Some((name: "Crew", stages: [
{stages}    ])),
    injects: [(id: "last", title: "Last", trigger: When(StageSucceeded("s{last}")),
        audience: ["it"], text: "The chain has run its course.")],
    objectives: [(id: "cheap", description: "Keep it cheap", weight: 1, goal: CostBelow(1000))],
)
"#,
        last = n - 1
    )
}

/// The diagnostics of `text`, one `severity code: message` line each.
fn diagnostics(text: &str) -> Vec<String> {
    let checked = scenario::check_bytes("chain.ron", text.as_bytes());
    checked
        .diagnostics
        .items
        .iter()
        .map(|d| {
            let at = d.location.as_ref().map_or(0, |l| l.line);
            format!("{:?} {} at line {at}: {}", d.severity, d.code, d.message)
        })
        .collect()
}

const CHAIN: usize = 16_000;

#[test]
fn a_long_stage_chain_in_reverse_order_checks() {
    let text = stage_chain(CHAIN, "");
    let checked = scenario::check_bytes("chain.ron", text.as_bytes());
    let errors: Vec<String> = checked
        .diagnostics
        .items
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(errors, Vec::<String>::new());
    assert_eq!(checked.scenario.map(|s| s.adversary.map_or(0, |a| a.stages.len())), Some(CHAIN));
}

#[test]
fn a_dead_root_is_reported_once_and_its_chain_is_dead() {
    // The first stage can never start; every other stage waits on it. Only the root gets a
    // diagnostic, and the inject waiting for the last stage is told why.
    let text = stage_chain(CHAIN, "earliest: \"9h\", ");
    let found = diagnostics(&text);
    let last = CHAIN - 1;
    let root_line = text.lines().position(|l| l.contains("(id: \"s0\"")).unwrap() + 1;
    let inject_line = text.lines().position(|l| l.contains("(id: \"last\"")).unwrap() + 1;
    assert_eq!(
        found,
        vec![
            format!(
                "Error never-triggers at line {root_line}: stage `s0` can never start: its \
                 earliest start 09:00 is after the drill ends (08:00)"
            ),
            format!(
                "Error never-triggers at line {inject_line}: inject `last` can never trigger: \
                 stage `s{last}` can never start (it waits for stage `s{}`, which never \
                 succeeds)",
                last - 1
            ),
        ]
    );
}

// ------------------------------------------------------------------------------ the drill

const ESTATE: usize = 20_000;

/// A generated estate of `systems` systems over 12 hours, whose crew gets in on one
/// workstation of the last production zone, then works on every system at once: C2 to all
/// of them (no foothold, so each is reached through the network from the one it holds),
/// footholds on all, exfiltration through half, then encryption of all.
fn sweeping_campaign(systems: usize) -> Arc<Scenario> {
    let mut s = generate_estate(systems, 1);
    s.meta.duration = Minutes::hours(12);
    let zones = s.estate.zones.len();
    // The last zone is the DR zone; the one before it is the last production zone.
    let entry_zone = s.estate.zones[zones - 2].id.clone();
    let everything = |pick: Pick| Targets { pick, ..Targets::default() };
    let stage = |id: &str, after: &[&str], targets: Targets, effects: Vec<StageEffect>| Stage {
        id: id.to_owned(),
        name: id.to_owned(),
        technique: "T1021.002".to_owned(),
        after: after.iter().map(|a| (*a).to_owned()).collect(),
        requires: Vec::new(),
        earliest: Minutes::ZERO,
        targets,
        duration: Minutes(30),
        success: 1.0,
        noise: 0.05,
        effects,
        on_blocked: OnBlocked::Retry(Minutes(30)),
        repeat: Repeat::Once,
        reacts: Vec::new(),
    };
    s.adversary = Some(Adversary {
        name: "Sweeping crew".to_owned(),
        stages: vec![
            stage(
                "phish",
                &[],
                Targets {
                    zones: vec![entry_zone.clone()],
                    kinds: vec![SystemKind::Workstation],
                    ..Targets::default()
                },
                vec![StageEffect::Foothold(Privilege::User)],
            ),
            Stage {
                requires: vec![StageRequirement::FootholdIn {
                    zone: entry_zone,
                    privilege: Privilege::User,
                }],
                ..stage(
                    "beacon",
                    &["phish"],
                    everything(Pick::All),
                    vec![StageEffect::CommandAndControl],
                )
            },
            stage(
                "spread",
                &["beacon"],
                everything(Pick::All),
                vec![StageEffect::Foothold(Privilege::Admin)],
            ),
            stage(
                "exfiltrate",
                &["spread"],
                everything(Pick::Some(u32::try_from(systems / 2).unwrap())),
                vec![StageEffect::Exfiltrate { gb_per_hour: 1.0 }],
            ),
            stage(
                "encrypt",
                &["exfiltrate"],
                everything(Pick::All),
                vec![StageEffect::DestroyBackups, StageEffect::Encrypt],
            ),
        ],
    });
    Arc::new(s)
}

#[test]
fn a_campaign_that_takes_every_system_runs_its_course() {
    let mut drill = Drill::new(sweeping_campaign(ESTATE), 1);
    drill.run_to_end();
    let events = drill.events_since(0);
    let succeeded = |id: &str| {
        events.iter().find_map(|e| match &e.event {
            Event::StageSucceeded { stage, targets } if stage == id => Some(targets.len()),
            _ => None,
        })
    };
    // The network devices the crew's own traffic runs through stay up, so every system
    // is in reach; a quiet crew (no team acts) takes them all.
    assert_eq!(succeeded("phish"), Some(1));
    assert_eq!(succeeded("beacon"), Some(ESTATE));
    assert_eq!(succeeded("spread"), Some(ESTATE));
    assert_eq!(succeeded("exfiltrate"), Some(ESTATE / 2));
    assert!(succeeded("encrypt").is_some_and(|n| n > ESTATE / 2), "{:?}", succeeded("encrypt"));
    assert!(drill.outcome().systems_down.len() > ESTATE / 2);
}
