//! One test per class of problem `tabletop check` reports: each breaks a valid scenario
//! in one way and snapshots the diagnostics (text, file, line and column, help).

use tabletop_engine::playbook::load_playbook;
use tabletop_engine::scenario::{self, Severity};

const BASE: &str = include_str!("fixtures/base.ron");

/// Checks `text` and renders its diagnostics as `file:line:col: severity: message (help)`.
fn diagnose(text: &[u8]) -> String {
    scenario::check_bytes("scenario.ron", text).diagnostics.to_string()
}

/// The base scenario with `from` replaced by `to` (which must occur exactly once).
fn broken(from: &str, to: &str) -> String {
    assert_eq!(BASE.matches(from).count(), 1, "`{from}` must occur once in base.ron");
    BASE.replacen(from, to, 1)
}

#[test]
fn base_scenario_is_clean() {
    let checked = scenario::check_bytes("base.ron", BASE.as_bytes());
    assert_eq!(checked.diagnostics.to_string(), "");
    assert!(checked.scenario.is_some());
}

macro_rules! case {
    ($name:ident, $from:expr, $to:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(diagnose(broken($from, $to).as_bytes()));
        }
    };
}

// Syntax and types, reported by the parser with its position.
case!(syntax_error, "title: \"Base\",", "title: \"Base\" summary_typo");
case!(unknown_field, "internet_facing: true", "internet_facng: true");
case!(missing_field, "title: \"Base\",", "");
case!(unknown_variant, "kind: Database, zone", "kind: Databse, zone");
case!(
    wrong_type,
    "capacity: 2,\n            actions: [\"isolate\", \"restore",
    "capacity: \"two\",\n            actions: [\"isolate\", \"restore"
);
case!(bad_duration, "duration: \"8h\"", "duration: \"8 hours\"");
case!(unsupported_format, "format: 1", "format: 7");

// References between parts of the scenario.
case!(unknown_dependency, "depends_on: [\"db01\"]", "depends_on: [\"db-01\"]");
case!(unknown_link_zone, "(from: \"corp\", to: \"dmz\"", "(from: \"corp\", to: \"dmzz\"");
case!(unknown_audience, "audience: [\"it\"]", "audience: [\"itops\"]");
case!(
    unknown_pointed_stage,
    "text: \"Users cannot log in.\",",
    "text: \"Users cannot log in.\", points_at: Some(\"phising\"),"
);
case!(unknown_target, "targets: (ids: [\"web01\"])", "targets: (ids: [\"web1\"])");
case!(
    unknown_team_action,
    "actions: [\"investigate\", \"isolate\"]",
    "actions: [\"investigate\", \"isolat\"]"
);
case!(duplicate_id, "(id: \"dc01\", name: \"DC\"", "(id: \"db01\", name: \"DC\"");
case!(dependency_cycle, "depends_on: [\"dc01\"]", "depends_on: [\"dc01\", \"web01\"]");
case!(self_dependency, "depends_on: [\"dc01\"]", "depends_on: [\"db01\"]");
case!(replica_same_site, "(site: \"dr\", rpo", "(site: \"hq\", rpo");
case!(
    objective_refers_to_nothing,
    "goal: Avoid(State(system: \"db01\"",
    "goal: Avoid(State(system: \"db02\""
);

// Things that can never happen.
case!(inject_after_the_end, "trigger: At(\"01:00\")", "trigger: At(\"09:00\")");
case!(stage_never_starts, "after: [\"dump\"],", "after: [\"dump\"], earliest: \"10h\",");
case!(
    stage_needs_unstolen_credential,
    "effects: [StealCredential(\"da\")]",
    "effects: [Foothold(Admin)]"
);
case!(
    stage_targets_nothing,
    "targets: (kinds: [Database], pick: All)",
    "targets: (kinds: [Email], pick: All)"
);
case!(
    flag_never_set,
    "trigger: When(State(system: \"db01\", is: Encrypted))",
    "trigger: When(Flag(\"breach-declared\"))"
);
case!(
    impossible_expectation,
    "expects: Some((action: \"isolate\"",
    "expects: Some((action: \"investigate\""
);
case!(decider_not_told, "audience: [\"it\", \"security\"]", "audience: [\"it\"]");

// How the crew repeats and reacts: references and values checked where they are written.
case!(
    reaction_falls_back_to_nothing,
    "effects: [StealCredential(\"da\")]),",
    "effects: [StealCredential(\"da\")],\n                reacts: [(on: CredentialReset, then: Fallback(\"dumpp\"))]),"
);
case!(
    reaction_accelerates_out_of_range,
    "effects: [StealCredential(\"da\")]),",
    "effects: [StealCredential(\"da\")],\n                reacts: [(on: C2Cut, then: Accelerate(1.5))]),"
);
case!(
    repeat_every_zero,
    "effects: [StealCredential(\"da\")]),",
    "effects: [StealCredential(\"da\")], repeat: Every(\"0m\")),"
);
case!(
    unknown_noticed,
    "effects: [StealCredential(\"da\")]),",
    "effects: [StealCredential(\"da\")], reacts: [(on: C2Blocked, then: GoQuiet(\"1h\"))]),"
);

case!(
    expectation_after_names_nothing,
    "within: \"1h\"))),",
    "within: \"1h\", after: Some(Compromised(\"web-01\"))))),"
);

// Values out of range.
case!(success_out_of_range, "success: 0.9", "success: 1.9");
case!(zero_capacity, "role: ItOps, capacity: 2", "role: ItOps, capacity: 0");
case!(weight_out_of_range, "weight: 5", "weight: 500");
case!(
    criticality_out_of_range,
    "kind: DomainController, zone: \"corp\", criticality: 1000",
    "kind: DomainController, zone: \"corp\", criticality: 9223372036854775808"
);
case!(
    cost_out_of_range,
    "consequences: [Cost(1000)]",
    "consequences: [Cost(18446744073709551615)]"
);

// Durations: every span the clock is moved on by is at most 30d, so drill time plus any of
// them cannot overflow; a backup's age at most 366d; no text overflows the parser.
case!(duration_too_long_to_read, "duration: \"8h\"", "duration: \"99999999999d\"");
case!(expectation_within_out_of_range, "within: \"1h\"", "within: \"4294967295m\"");
case!(decision_within_out_of_range, "within: Some(\"30m\")", "within: Some(\"30d1m\")");
case!(
    event_lasts_out_of_range,
    "kind: HardwareFailure(\"dc01\")),",
    "kind: HardwareFailure(\"dc01\"), lasts: Some(\"31d\")),"
);
case!(restore_time_out_of_range, "restore_time: \"2h\"", "restore_time: \"999d\"");
case!(backup_age_out_of_range, "age: \"10h\"", "age: \"367d\"");
case!(rto_out_of_range, "rto: \"1h\"", "rto: \"31d\"");
case!(rpo_out_of_range, "rpo: \"15m\"", "rpo: \"31d\"");
case!(
    retry_out_of_range,
    "effects: [StealCredential(\"da\")]),",
    "effects: [StealCredential(\"da\")], on_blocked: Retry(\"31d\")),"
);
case!(earliest_out_of_range, "after: [\"dump\"],", "after: [\"dump\"], earliest: \"31d\",");
case!(
    stage_duration_out_of_range,
    "duration: \"30m\", success: 0.8",
    "duration: \"31d\", success: 0.8"
);
case!(
    action_duration_out_of_range,
    "    teams: [",
    "    actions: [(id: \"isolate\", duration: \"31d\")],\n    teams: ["
);
case!(
    monitoring_delay_out_of_range,
    "    teams: [",
    "    detection: (monitoring_delay: \"31d\"),\n    teams: ["
);

// A misspelt field inside an enum variant with fields is reported like any other.
case!(
    misspelt_field_in_state,
    "When(State(system: \"db01\", is: Encrypted))",
    "When(State(system: \"db01\", iz: Encrypted))"
);
case!(
    misspelt_field_in_action_done,
    "When(State(system: \"db01\", is: Encrypted))",
    "When(ActionDone(action: \"isolate\", targt: \"db01\"))"
);
case!(
    misspelt_field_in_team_knows_compromised,
    "When(State(system: \"db01\", is: Encrypted))",
    "When(TeamKnowsCompromised(team: \"it\", sytem: \"db01\"))"
);
case!(misspelt_field_in_reach, "by: Some(\"04:00\")", "deadline: Some(\"04:00\")");
case!(
    misspelt_field_in_link_failure,
    "kind: HardwareFailure(\"dc01\")",
    "kind: LinkFailure(from: \"corp\", too: \"dmz\")"
);
case!(
    misspelt_field_in_foothold_in,
    "FootholdIn(zone: \"dmz\", privilege: User)",
    "FootholdIn(zone: \"dmz\", privlege: User)"
);
case!(
    misspelt_field_in_exfiltrate,
    "noise: 0.2, effects: [Encrypt]",
    "noise: 0.2, effects: [Encrypt, Exfiltrate(gb_per_hr: 1.0)]"
);
case!(
    misspelt_field_in_set_state,
    "consequences: [Cost(1000)]",
    "consequences: [Cost(1000), SetState(system: \"db01\", stat: Down)]"
);

// What a consequence, an action or an objective says must be something the drill can do.
case!(
    set_state_only_down_online_destroyed,
    "consequences: [Cost(1000)]",
    "consequences: [Cost(1000), SetState(system: \"db01\", state: Encrypted)]"
);
case!(
    zone_target_unsupported,
    "    teams: [",
    "    actions: [(id: \"quarantine\", name: \"Quarantine\", target: Zone, duration: \"1h\",\n        effects: [Isolate])],\n    teams: ["
);
case!(
    credential_target_unsupported,
    "    teams: [",
    "    actions: [(id: \"isolate\", target: Credential)],\n    teams: ["
);

// Flags set that nothing reads.
case!(
    unread_flag,
    "    teams: [",
    "    actions: [(id: \"notify\", name: \"Notify\", target: Organisation, duration: \"30m\",\n        effects: [SetFlag(\"notified\")])],\n    teams: ["
);
case!(misspelt_flag_is_unread, "SetFlag(\"commented\")", "SetFlag(\"comented\")");

// Objectives decided on the drill's first tick.
case!(
    avoid_what_holds_at_the_start,
    "goal: Avoid(State(system: \"db01\", is: Encrypted))",
    "goal: Avoid(State(system: \"db01\", is: Online))"
);
case!(
    reach_what_holds_at_the_start,
    "goal: Reach(condition: TeamKnowsCompromised(team: \"security\", system: \"web01\"),",
    "goal: Reach(condition: All([State(system: \"web01\", is: Online), Not(Flag(\"commented\"))]),"
);
case!(
    deadline_at_the_start,
    "TeamKnowsCompromised(team: \"security\", system: \"web01\"),\n                by: Some(\"04:00\")",
    "StageSucceeded(\"dump\"),\n                by: Some(\"00:00\")"
);
case!(cost_below_zero, "goal: Avoid(State(system: \"db01\", is: Encrypted))", "goal: CostBelow(0)");
case!(
    exfiltration_below_zero,
    "goal: Avoid(State(system: \"db01\", is: Encrypted))",
    "goal: ExfiltrationBelow(0.0)"
);
case!(
    data_loss_below_zero,
    "goal: Avoid(State(system: \"db01\", is: Encrypted))",
    "goal: DataLossBelow(\"0m\")"
);

/// Codes of the diagnostics of `text`.
fn codes(text: &str) -> Vec<&'static str> {
    scenario::check_bytes("scenario.ron", text.as_bytes())
        .diagnostics
        .items
        .iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn an_event_that_may_strike_at_the_start_leaves_states_undecided() {
    let online = "goal: Avoid(State(system: \"db01\", is: Online))";
    let warned = broken("goal: Avoid(State(system: \"db01\", is: Encrypted))", online);
    assert_eq!(codes(&warned), ["missed-at-start"]);
    for trigger in ["At(\"00:00\")", "Manual", "When(After(\"00:00\"))"] {
        let text = warned.replacen("trigger: At(\"06:00\")", &format!("trigger: {trigger}"), 1);
        assert_eq!(codes(&text), Vec::<&str>::new(), "{trigger}");
    }
}

#[test]
fn a_system_whose_dependency_it_cannot_reach_is_down_at_the_start() {
    // web01 (dmz) needs db01 (corp): without the link it is down from the first tick.
    let text = broken(
        "goal: Avoid(State(system: \"db01\", is: Encrypted))",
        "goal: Avoid(State(system: \"web01\", is: Down))",
    );
    assert_eq!(codes(&text), Vec::<&str>::new());
    let unlinked =
        text.replacen("links: [(from: \"corp\", to: \"dmz\", via: Some(\"fw01\"))],", "", 1);
    assert_eq!(codes(&unlinked), ["missed-at-start"]);
}

#[test]
fn a_misspelt_field_in_a_playbook_variant_is_reported() {
    let base = scenario::check_bytes("base.ron", BASE.as_bytes()).scenario.expect("base checks");
    for (command, field) in [
        ("Start(acton: \"isolate\", target: \"web01\")", "acton"),
        ("Request(too: \"it\", action: \"isolate\", target: \"web01\")", "too"),
        ("Decide(inject: \"press\", choise: \"quiet\")", "choise"),
    ] {
        let text = format!(
            "Playbook(format: 1, scenario: \"base\", steps: [(team: \"security\", command: {command})])"
        );
        let err = load_playbook("p.ron", text.as_bytes(), &base).expect_err(command);
        assert_eq!(err.items[0].code, "unknown-field", "{command}: {err}");
        assert!(err.items[0].message.contains(&format!("`{field}`")), "{command}: {err}");
    }
    let text = "Playbook(format: 1, scenario: \"base\", steps: [(team: \"it\", \
                when: Sees(sytem: \"db01\", state: Down), command: AcceptRequests)])";
    let err = load_playbook("p.ron", text.as_bytes(), &base).expect_err("Sees");
    assert_eq!(err.items[0].code, "unknown-field", "{err}");
    assert!(err.items[0].message.contains("`sytem` in `Sees`"), "{err}");
}

// The scenario id names default drill logs: it may not name a path.
case!(scenario_id_is_a_path, "id: \"base\",", "id: \"../../../x\",");
case!(scenario_id_is_absolute, "id: \"base\",", "id: \"/tmp/x\",");

// ATT&CK technique ids.
case!(unknown_technique, "technique: \"T1003.001\"", "technique: \"T1003.01\"");
case!(revoked_technique_warns, "technique: \"T1566.001\"", "technique: \"T1086\"");

// New actions must be complete.
case!(
    incomplete_new_action,
    "    teams: [",
    "    actions: [(id: \"notify_regulator\", duration: \"30m\")],\n    teams: ["
);

#[test]
fn every_mistake_is_reported_at_once() {
    let text = broken("depends_on: [\"db01\"]", "depends_on: [\"db-01\"]")
        .replacen("success: 0.9", "success: 1.9", 1)
        .replacen("audience: [\"it\"]", "audience: [\"itops\"]", 1);
    let checked = scenario::check_bytes("three.ron", text.as_bytes());
    assert_eq!(checked.diagnostics.error_count(), 3, "{}", checked.diagnostics);
    assert!(checked.scenario.is_none());
}

#[test]
fn warnings_do_not_make_a_scenario_invalid() {
    let text = broken("technique: \"T1566.001\"", "technique: \"T1086\"");
    let checked = scenario::check_bytes("warn.ron", text.as_bytes());
    assert!(checked.diagnostics.items.iter().all(|d| d.severity == Severity::Warning));
    assert!(checked.scenario.is_some());
}

// Hostile bytes: each ends in one clear diagnostic, never a panic or a hang.
#[test]
fn empty_file() {
    insta::assert_snapshot!(diagnose(b""));
}

#[test]
fn truncated_file() {
    insta::assert_snapshot!(diagnose(&BASE.as_bytes()[..BASE.len() / 2]));
}

#[test]
fn binary_file() {
    insta::assert_snapshot!(diagnose(&[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0]));
}

#[test]
fn invalid_utf8() {
    let mut bytes = BASE.as_bytes().to_vec();
    let at = BASE.find("Base\"").expect("title in base") + 1;
    bytes[at] = 0xff;
    insta::assert_snapshot!(diagnose(&bytes));
}

#[test]
fn huge_file() {
    let mut bytes = BASE.as_bytes().to_vec();
    bytes.resize(50 * 1024 * 1024, b' ');
    insta::assert_snapshot!(diagnose(&bytes));
}

#[test]
fn brackets_thousands_deep() {
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    insta::assert_snapshot!(diagnose(deep.as_bytes()));
}

#[test]
fn conditions_thousands_deep() {
    let deep = format!("{}Flag(\"x\"){}", "Not(".repeat(3000), ")".repeat(3000));
    let text = broken("When(State(system: \"db01\", is: Encrypted))", &format!("When({deep})"));
    insta::assert_snapshot!(diagnose(text.as_bytes()));
}

/// Every flag a bundled scenario sets is read by a condition, a requirement or a rule: a
/// decision whose flag nothing reads changes nothing, and is no decision.
#[test]
fn every_flag_a_bundled_scenario_sets_is_read() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios/")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    assert!(files.len() >= 7, "the bundled scenarios: {files:?}");
    let mut unread = Vec::new();
    for file in &files {
        let text = std::fs::read(file).expect("read");
        let checked = scenario::check_bytes(&file.display().to_string(), &text);
        assert!(checked.scenario.is_some(), "{}:\n{}", file.display(), checked.diagnostics);
        for d in checked.diagnostics.items.iter().filter(|d| d.code == "unread-flag") {
            unread.push(format!("{}: {}", file.display(), d.message));
        }
    }
    assert!(unread.is_empty(), "flags set and never read:\n{}", unread.join("\n"));
}

/// A `Reach` with `within` is judged only once its `after` holds: its condition holding at
/// 00:00 is no "met at the start" unless `after` holds then too.
#[test]
fn a_relative_goal_whose_condition_holds_at_the_start_is_not_met_there() {
    let goal = |after: &str| {
        broken(
            "goal: Avoid(State(system: \"db01\", is: Encrypted))",
            &format!(
                "goal: Reach(condition: Not(State(system: \"db01\", is: Down)), within: Some((span: \"1h\", after: {after})))"
            ),
        )
    };
    assert_eq!(codes(&goal("Compromised(\"web01\")")), Vec::<&str>::new());
    assert_eq!(codes(&goal("After(\"00:00\")")), ["met-at-start"]);
}
