//! Nothing a drill produced is ever lost: a scripted drill killed with SIGKILL at many
//! points and resumed ends with the same log, byte for byte, as one never interrupted;
//! and `verify` catches every single-byte change to a log.

use std::fs;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{root, run, tabletop};

const PLAYBOOK: &str = "scenarios/playbooks/ransomware.ron";

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tabletop-e2e-crash-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    let _ = fs::remove_file(&path);
    path
}

/// The bundled scenarios that have a reference playbook, by name.
fn bundled() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root().join("scenarios/playbooks"))
        .expect("the playbooks directory")
        .filter_map(|e| {
            let p = e.ok()?.path();
            if p.extension()? != "ron" {
                return None;
            }
            Some(p.file_stem()?.to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    assert!(names.len() >= 7, "the seven bundled scenarios: {names:?}");
    names
}

/// Starts a paced scripted drill, kills it with SIGKILL once its log holds `bytes` bytes, and
/// gives what the kill left. `None` when the drill ended first.
fn kill_when(scenario: &str, seed: &str, log: &std::path::Path, bytes: u64) -> Option<Vec<u8>> {
    let playbook = format!("scenarios/playbooks/{scenario}.ron");
    let mut child = Command::new(tabletop())
        .args(["run", scenario, "--seed", seed, "--pace", "25", "--script", &playbook, "--log"])
        .arg(log)
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tabletop");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let ended = loop {
        if fs::metadata(log).map(|m| m.len()).unwrap_or(0) >= bytes {
            break false;
        }
        if child.try_wait().ok().flatten().is_some() || std::time::Instant::now() > deadline {
            break true;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let _ = child.kill(); // SIGKILL on Unix
    let _ = child.wait();
    (!ended).then(|| fs::read(log).expect("killed log"))
}

#[test]
fn a_drill_killed_at_any_point_resumes_to_the_same_log() {
    let (mut kills, mut resumed) = (0, 0);
    for scenario in bundled() {
        let playbook = format!("scenarios/playbooks/{scenario}.ron");
        let whole = temp(&format!("{scenario}-whole.log"));
        let out = run(&[
            "run",
            &scenario,
            "--seed",
            "9",
            "--script",
            &playbook,
            "--log",
            &whole.to_string_lossy(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let expected = fs::read(&whole).expect("uninterrupted log");
        // Kills spread over the drill by how much of its log was written after the header
        // (which carries the scenario's text and can be a fifth of the log on its own).
        let header = expected.iter().position(|&b| b == b'\n').map_or(0, |p| p + 1) as u64;
        for k in 1..=4u64 {
            let log = temp(&format!("{scenario}-killed-{k}.log"));
            let at = header + (expected.len() as u64 - header) * k / 5;
            let Some(before) = kill_when(&scenario, "9", &log, at) else {
                continue;
            };
            kills += 1;
            let good = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            assert!(
                expected.starts_with(&before[..good]),
                "{scenario} kill {k}: what was written before the kill is a prefix of the uninterrupted log"
            );
            let out = run(&["resume", &log.to_string_lossy(), "--script", &playbook]);
            if String::from_utf8_lossy(&out.stderr).contains("already ended") {
                continue;
            }
            assert_eq!(
                out.status.code(),
                Some(0),
                "{scenario} kill {k}: resume failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                fs::read(&log).expect("resumed log") == expected,
                "{scenario} kill {k}: the resumed log differs from the uninterrupted one"
            );
            assert_eq!(run(&["verify", &log.to_string_lossy()]).status.code(), Some(0));
            resumed += 1;
        }
    }
    // Kills land mid-drill by construction; at most a drill or two may outrun its kill.
    assert!(kills >= 24, "only {kills} of 28 kills landed mid-drill");
    assert!(resumed + 2 >= kills, "resumed {resumed} of {kills} killed drills");
    eprintln!("killed {kills} drills mid-way and resumed {resumed} to identical logs");
}

#[test]
fn a_resume_whose_playbook_does_not_match_the_log_appends_nothing() {
    let log = temp("unscripted.log");
    let out = run(&[
        "run",
        "ransomware",
        "--seed",
        "4",
        "--until",
        "06:00",
        "--log",
        &log.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let before = fs::read(&log).expect("log");
    let out = run(&["resume", &log.to_string_lossy(), "--script", PLAYBOOK]);
    let (_, err) = crate::support::text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("nothing was appended"), "{err}");
    assert!(err.contains(".log:"), "the error names the log's line: {err}");
    assert_eq!(fs::read(&log).expect("log"), before, "the log is untouched");
    assert_eq!(run(&["verify", &log.to_string_lossy()]).status.code(), Some(3), "still intact");
}

#[test]
fn verify_tells_complete_incomplete_and_tampered_apart() {
    let log = temp("verdicts.log");
    let out = run(&["run", "bec", "--seed", "1", "--log", &log.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0));
    let (stdout, _) = crate::support::text(&out);
    let head = stdout
        .lines()
        .find_map(|l| l.split("head hash ").nth(1))
        .unwrap_or_else(|| panic!("run prints the head hash: {stdout}"))
        .trim()
        .to_owned();
    let out = run(&["verify", &log.to_string_lossy()]);
    let (stdout, stderr) = crate::support::text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains(&format!("intact, complete; head hash {head}")), "{stdout}");
    let whole = fs::read_to_string(&log).expect("log");
    let lines: Vec<&str> = whole.split_inclusive('\n').collect();
    // The end cut off, at a line end: intact but incomplete.
    let cut = temp("cut.log");
    fs::write(&cut, lines[..lines.len() - 5].concat()).expect("write");
    let out = run(&["verify", &cut.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(crate::support::text(&out).0.contains("intact but incomplete"));
    // A whitespace line appended: tampered at that line.
    let blank = temp("blank.log");
    fs::write(&blank, format!("{whole} \n")).expect("write");
    let out = run(&["verify", &blank.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = crate::support::text(&out);
    assert!(err.contains(&format!("tampered at line {}", lines.len() + 1)), "{err}");
}

#[test]
fn verify_accepts_a_good_log_and_catches_every_single_byte_change() {
    let log = temp("sample.log");
    let out = run(&[
        "run",
        "engine/tests/fixtures/base.ron",
        "--seed",
        "3",
        "--until",
        "03:00",
        "--log",
        &log.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let good = fs::read(&log).expect("sample log");
    let out = run(&["verify", &log.to_string_lossy()]);
    // Played to 03:00 only: intact but incomplete.
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    // Every byte, changed in place: the engine's reader must refuse each one. Running the
    // binary for each of thousands of bytes would take minutes, so the same check the
    // `verify` command makes first (the chain) runs in-process; a sample runs end to end.
    let text = String::from_utf8(good.clone()).expect("UTF-8 log");
    let mut end_to_end = 0;
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] = if bad[i] == b'x' { b'y' } else { b'x' };
        let caught = match String::from_utf8(bad.clone()) {
            Err(_) => true,
            Ok(t) => tabletop_engine::log::read_log(&t).map_or(true, |l| {
                l.torn_tail.is_some() || l.records.len() + 1 != text.lines().count()
            }),
        };
        assert!(caught, "changing byte {i} ({:?}) went unnoticed", good[i] as char);
        if i % 997 == 0 {
            let path = temp(&format!("bad-{i}.log"));
            fs::write(&path, &bad).expect("write");
            let out = run(&["verify", &path.to_string_lossy()]);
            assert_eq!(out.status.code(), Some(1), "verify passed a log with byte {i} changed");
            end_to_end += 1;
        }
    }
    assert!(end_to_end > 2);
}

#[test]
fn fork_replays_up_to_a_moment_and_can_be_compared() {
    let original = temp("original.log");
    assert_eq!(
        run(&[
            "run",
            "ransomware",
            "--seed",
            "4",
            "--script",
            PLAYBOOK,
            "--log",
            &original.to_string_lossy()
        ])
        .status
        .code(),
        Some(0)
    );
    let fork = temp("fork.log");
    let out = run(&[
        "fork",
        &original.to_string_lossy(),
        "--at",
        "03:00",
        "--log",
        &fork.to_string_lossy(),
        "--headless",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let (a, b) = (
        fs::read_to_string(&original).expect("original"),
        fs::read_to_string(&fork).expect("fork"),
    );
    let before = |t: &str| {
        t.lines().filter(|l| l.contains("\"at\":\"1h") || l.contains("\"at\":\"2h")).count()
    };
    assert_eq!(before(&a), before(&b), "the fork holds the same records before 03:00");
    assert_eq!(run(&["verify", &fork.to_string_lossy()]).status.code(), Some(0));
}

/// Recomputes every line's `prev` and hash, as a tool that rewrites a log would.
fn rechain(text: &str) -> String {
    let mut out = String::new();
    let mut prev = String::new();
    for line in text.lines() {
        let rec = line
            .strip_prefix("{\"rec\":")
            .and_then(|r| r.rfind(",\"hash\":\"").map(|i| &r[..i]))
            .expect("a record line");
        let start = rec.find("\"prev\":\"").expect("prev") + 8;
        let end = start + rec[start..].find('"').expect("end of prev");
        let mut rec = format!("{}{prev}{}", &rec[..start], &rec[end..]);
        // A seal carries the head hash too.
        if let Some(h) = rec.find("\"head\":\"").map(|i| i + 8) {
            rec.replace_range(h..h + 64, &prev);
        }
        let hash = tabletop_engine::log::sha256_hex(rec.as_bytes());
        out.push_str(&format!("{{\"rec\":{rec},\"hash\":\"{hash}\"}}\n"));
        prev = hash;
    }
    out
}

#[test]
fn a_log_of_another_engine_version_that_differs_is_not_called_tampered() {
    let log = temp("other-engine.log");
    let out = run(&["run", "bec", "--seed", "2", "--log", &log.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0));
    let text = fs::read_to_string(&log).expect("log");
    let ours = format!("\"engine\":\"{}\"", tabletop_engine::ENGINE_VERSION);
    assert!(text.contains(&ours));
    // Another engine wrote it, and its rules put an event one minute later than ours do.
    let event_line = text.lines().position(|l| l.contains("\"kind\":\"event\"")).expect("events");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[0] = lines[0].replacen(&ours, "\"engine\":\"0.0.9\"", 1);
    let at = lines[event_line].find("\"at\":\"").expect("at") + 6;
    lines[event_line].insert_str(at, "1h");
    let other = temp("other-engine-rewritten.log");
    fs::write(&other, rechain(&(lines.join("\n") + "\n"))).expect("write");
    let out = run(&["verify", &other.to_string_lossy()]);
    let (stdout, err) = crate::support::text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{err}");
    assert!(stdout.contains("hash chain intact"), "{stdout}");
    assert!(
        err.contains(&format!(
            "recorded by engine 0.0.9; re-simulation with {} differs at line {}",
            tabletop_engine::ENGINE_VERSION,
            event_line + 1
        )),
        "{err}"
    );
    assert!(!err.contains("tampered"), "{err}");
}
