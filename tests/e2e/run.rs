//! `tabletop run` as a user runs it: headless drills, playbooks, logs and determinism.

use std::fs;
use std::path::PathBuf;

use crate::support::{run, text};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tabletop-e2e-run-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    let _ = fs::remove_file(&path);
    path
}

const PLAYBOOK: &str = "scenarios/playbooks/ransomware.ron";

fn outcome(args: &[&str], log: &str) -> serde_json::Value {
    let mut all = vec!["run", "ransomware", "--json", "--log", log];
    all.extend_from_slice(args);
    let out = run(&all);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    serde_json::from_slice(&out.stdout).expect("JSON outcome")
}

#[test]
fn same_scenario_seed_and_playbook_give_byte_identical_logs_and_outcomes() {
    let (a, b) = (temp("a.log"), temp("b.log"));
    let (a, b) = (a.to_string_lossy().into_owned(), b.to_string_lossy().into_owned());
    let oa = outcome(&["--seed", "42", "--script", PLAYBOOK], &a);
    let ob = outcome(&["--seed", "42", "--script", PLAYBOOK], &b);
    assert_eq!(fs::read(&a).expect("log a"), fs::read(&b).expect("log b"));
    assert_eq!(oa["outcome"], ob["outcome"]);
}

#[test]
fn doing_nothing_loses_and_the_reference_playbook_does_clearly_better() {
    for seed in ["1", "2", "3"] {
        let nothing = outcome(&["--seed", seed], &temp(&format!("n{seed}.log")).to_string_lossy());
        let played = outcome(
            &["--seed", seed, "--script", PLAYBOOK],
            &temp(&format!("p{seed}.log")).to_string_lossy(),
        );
        let (n, p) = (&nothing["outcome"], &played["outcome"]);
        let encrypted = |o: &serde_json::Value| {
            o["systems_down"]
                .as_array()
                .map_or(0, |v| v.iter().filter(|s| s[1] == "Encrypted").count())
        };
        assert!(
            encrypted(n) >= 3,
            "seed {seed}: doing nothing should end with encrypted systems: {n}"
        );
        assert_eq!(encrypted(p), 0, "seed {seed}: the playbook should prevent encryption: {p}");
        let (nc, pc) = (n["cost"].as_u64().unwrap_or(0), p["cost"].as_u64().unwrap_or(u64::MAX));
        assert!(pc * 10 < nc, "seed {seed}: playbook cost {pc} should be far below {nc}");
        assert!(n["exfiltrated_gb"].as_f64().unwrap_or(0.0) > 1.0);
        assert_eq!(p["exfiltrated_gb"].as_f64(), Some(0.0));
    }
}

#[test]
fn the_human_outcome_names_the_log_and_the_cost() {
    let log = temp("human.log");
    let out = run(&["run", "ransomware", "--until", "10:00", "--log", &log.to_string_lossy()]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout.contains(&format!("log {}", log.display())), "{stdout}");
    assert!(stdout.contains("played 00:00 → 10:00"), "{stdout}");
    assert!(stdout.contains("attack stage encrypt (T1486) began"), "{stdout}");
    assert!(stdout.contains("cost          USD "), "{stdout}");
    assert!(log.exists());
}

#[test]
fn an_existing_log_is_never_overwritten() {
    let log = temp("exists.log");
    fs::write(&log, b"precious").expect("write");
    let out = run(&["run", "ransomware", "--log", &log.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("never overwritten"), "{}", text(&out).1);
    assert_eq!(fs::read(&log).expect("read"), b"precious");
}

#[test]
fn a_broken_playbook_is_reported_with_its_location_and_exits_1() {
    let book = temp("broken.playbook.ron");
    fs::write(
        &book,
        "Playbook(format: 1, scenario: \"ransomware\", steps: [\n  (team: \"it\", command: Start(action: \"isolate\", target: \"dc-01\")),\n  (team: \"secops\", command: AcceptRequests),\n])\n",
    )
    .expect("write");
    let out = run(&[
        "run",
        "ransomware",
        "--script",
        &book.to_string_lossy(),
        "--log",
        &temp("never.log").to_string_lossy(),
    ]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("unknown target `dc-01`"), "{stderr}");
    assert!(stderr.contains("did you mean `dc01`?"), "{stderr}");
    assert!(stderr.contains("unknown team `secops`"), "{stderr}");
    assert!(stderr.contains(":2:"), "located on line 2: {stderr}");
}

#[test]
fn a_missing_scenario_lists_the_bundled_ones() {
    let out = run(&["run", "no-such-scenario"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("the bundled scenarios are: ransomware.ron"), "{}", text(&out).1);
}

#[test]
fn a_scenario_id_cannot_choose_where_the_log_goes() {
    let dir = temp("hostile-id");
    fs::create_dir_all(&dir).expect("dir");
    let base = fs::read_to_string(crate::support::root().join("engine/tests/fixtures/base.ron"))
        .expect("base fixture");
    for id in ["../../escaped-by-id", "/tmp/escaped-by-id"] {
        let file = dir.join("hostile.ron");
        fs::write(&file, base.replacen("id: \"base\"", &format!("id: \"{id}\""), 1))
            .expect("write");
        let out = std::process::Command::new(crate::support::tabletop())
            .args(["run", "hostile.ron", "--seed", "1"])
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .output()
            .expect("tabletop runs");
        let (_, err) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("is not a valid scenario id"), "{err}");
        assert!(!dir.join("../../escaped-by-id-seed1.log").exists());
        assert!(!std::path::Path::new("/tmp/escaped-by-id-seed1.log").exists());
    }
}

#[test]
fn bench_refuses_absurd_sizes_as_a_usage_error() {
    for args in [
        ["bench", "--generate", "18446744073709551615"],
        ["bench", "--generate", "0"],
        ["bench", "--generate", "2000000"],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out).1);
    }
    let out = run(&["bench", "ransomware", "--ticks", "4294967295"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out).1);
}

#[test]
fn bench_times_the_launchers_first_frame_and_its_memory() {
    let out = run(&["bench", "--launcher"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("launcher")
            && first.contains("ms to the first frame (9 bundled scenarios)"),
        "{stdout}"
    );
    assert!(stdout.lines().any(|l| l.starts_with("peak memory") && l.ends_with("MiB")), "{stdout}");
    // It times the launcher alone: a drill's figures would not say what it measured.
    let out = run(&["bench", "--launcher", "--frames", "5"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out).1);
}

#[test]
fn bundled_scenarios_and_their_playbooks_work_by_name_from_any_directory() {
    let elsewhere = temp("elsewhere");
    fs::create_dir_all(&elsewhere).expect("a directory outside the checkout");
    let here = |args: &[&str]| {
        std::process::Command::new(crate::support::tabletop())
            .args(args)
            .current_dir(&elsewhere)
            .output()
            .expect("run tabletop")
    };
    let list = here(&["list"]);
    let (stdout, _) = text(&list);
    assert_eq!(list.status.code(), Some(0));
    for name in ["ransomware", "bec", "dc-power", "region-outage"] {
        assert!(stdout.lines().any(|l| l.starts_with(name)), "{name} listed: {stdout}");
    }
    assert!(stdout.contains("tabletop run ransomware --script ransomware"), "{stdout}");
    let check = here(&["check", "dc-power"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check).1);
    assert!(text(&check).0.contains("dc-power.ron: ok"));
    let run = here(&["run", "ransomware", "--script", "ransomware", "--json", "--log", "r.log"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    let scripted: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON");
    let from_file = outcome(&["--script", PLAYBOOK], &temp("file.log").to_string_lossy());
    assert_eq!(scripted["cost"], from_file["cost"], "the bundled playbook is the file's");
    let missing = here(&["run", "ransomware", "--script", "nosuch", "--log", "n.log"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing).1.contains("bundled scenario's reference playbook: ransomware"));
}

#[test]
fn a_bot_played_drill_cut_off_goes_on_with_its_policy_as_if_never_stopped() {
    let (whole, cut) = (temp("bot-whole.log"), temp("bot-cut.log"));
    let (whole, cut) = (whole.to_string_lossy().into_owned(), cut.to_string_lossy().into_owned());
    let bot = ["--seed", "3", "--policy", "coordinated"];
    outcome(&bot, &whole);
    outcome(&[&bot[..], &["--until", "04:00"]].concat(), &cut);
    let out = run(&["resume", &cut, "--headless"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("every seat goes on with the coordinated policy"), "{stderr}");
    // The policy played on from where it stopped, exactly as it would have.
    assert_eq!(fs::read(&cut).expect("resumed log"), fs::read(&whole).expect("whole log"));
}

#[test]
fn resume_with_a_policy_hands_every_seat_to_it() {
    let cut = temp("people-cut.log");
    let cut = cut.to_string_lossy().into_owned();
    outcome(&["--seed", "3", "--until", "02:00"], &cut);
    let out = run(&["resume", &cut, "--policy", "it-first"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let out = run(&["report", &cut]);
    let (md, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let it = md.lines().find(|l| l.contains("(`it`)")).expect("IT's row");
    assert!(it.contains("| people, then it-first (bot) from 01:"), "{it}");
    // And the bot played: IT started actions after the hand-over.
    let started: u32 = it.split('|').nth(5).and_then(|c| c.trim().parse().ok()).unwrap_or(0);
    assert!(started > 0, "{it}");
    let out = run(&["verify", &cut]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).0);
}
