//! Drill records you can trust: every genuine log of every bundled scenario verifies, with
//! and without its playbook; a log cut off anywhere resumes to the very log an uninterrupted
//! drill writes; a resume that does not match the log appends nothing; a complete drill is
//! sealed, and a log whose end was removed is incomplete, never complete.

#![allow(clippy::panic)]

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use common::{SharedBuf, repo};

use tabletop_engine::log::{read_log, read_log_bytes};
use tabletop_engine::playbook::{PlaybookRunner, load_playbook};
use tabletop_engine::replay;
use tabletop_engine::scenario::check_bytes;
use tabletop_engine::{Drill, Scenario};

/// Seeds each bundled scenario is recorded with (more in the README's reliability run).
const SEEDS: std::ops::RangeInclusive<u64> = 1..=6;

/// A bundled scenario: file name, text, the scenario, and its reference playbook's text.
struct Bundled {
    name: String,
    text: String,
    scenario: Arc<Scenario>,
    playbook: String,
}

fn bundled() -> Vec<Bundled> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("scenarios"))
        .expect("the scenarios directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    assert!(files.len() >= 7, "the seven bundled scenarios, found {files:?}");
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).expect("a readable scenario");
            let scenario = check_bytes(&name, text.as_bytes()).scenario.expect("checks clean");
            let playbook = std::fs::read_to_string(repo().join("scenarios/playbooks").join(&name))
                .expect("every bundled scenario has a reference playbook");
            Bundled { name, text, scenario: Arc::new(scenario), playbook }
        })
        .collect()
}

fn runner(b: &Bundled) -> PlaybookRunner {
    let p = load_playbook(&b.name, b.playbook.as_bytes(), &b.scenario).expect("playbook loads");
    PlaybookRunner::new(&p)
}

/// The whole log of a drill, played to its end with or without the playbook.
fn record(b: &Bundled, seed: u64, scripted: bool) -> Vec<u8> {
    let mut drill = Drill::new(b.scenario.clone(), seed);
    let buf = SharedBuf::default();
    drill.record_to(Box::new(buf.clone()), &b.name, &b.text).expect("recording starts");
    if scripted {
        let end = drill.end();
        runner(b).play(&mut drill, end);
    } else {
        drill.run_to_end();
    }
    assert!(drill.log_error().is_none());
    assert!(drill.sealed_head().is_some(), "{} seed {seed}: a finished drill is sealed", b.name);
    buf.bytes()
}

#[test]
fn every_genuine_log_of_every_bundled_scenario_verifies_complete() {
    let mut checked = 0;
    for b in bundled() {
        for seed in SEEDS {
            for scripted in [false, true] {
                let bytes = record(&b, seed, scripted);
                let log = read_log_bytes(&bytes).expect("a genuine log reads back");
                let v = replay::verify(&log)
                    .unwrap_or_else(|e| panic!("{} seed {seed} scripted {scripted}: {e}", b.name));
                assert!(v.complete, "{} seed {seed}: the log is complete", b.name);
                assert_eq!(v.head, log.seal.as_ref().map(|s| s.head.clone()));
                checked += 1;
            }
        }
    }
    assert!(checked >= 7 * 6 * 2, "{checked} logs verified");
}

#[test]
fn exfiltration_floats_read_back_exactly() {
    // bec's exfiltration amounts are sums like 1.4999999999999987 GB, which an inexact
    // float parser reads back as 1.499999999999999: the log must hold what the engine had.
    let b = bundled().into_iter().find(|b| b.name == "bec.ron").expect("bec is bundled");
    let bytes = record(&b, 1, false);
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(text.contains("\"gb\":"), "the drill exfiltrates");
    let log = read_log(&text).expect("reads");
    replay::verify(&log).expect("every float reads back as written");
}

/// Resumes a log cut after `keep` bytes (what a kill at that moment leaves) and gives the
/// bytes of the finished log.
fn resume_cut(b: &Bundled, whole: &[u8], keep: usize, seed: u64, scripted: bool) -> Vec<u8> {
    let cut = &whole[..keep];
    let log = read_log_bytes(cut).unwrap_or_else(|e| panic!("{} cut at {keep}: {e}", b.name));
    let good = cut.iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
    let good = if log.torn_tail.is_some() { good } else { keep };
    let buf = SharedBuf::with(&cut[..good]);
    let mut playbook = scripted.then(|| runner(b));
    let mut drill = replay::resume(&log, Box::new(buf.clone()), playbook.as_mut())
        .unwrap_or_else(|e| panic!("{} seed {seed} cut at {keep}: {e}", b.name));
    match playbook.as_mut() {
        Some(p) => {
            let end = drill.end();
            p.play(&mut drill, end);
        }
        None => drill.run_to_end(),
    }
    assert!(drill.divergence().is_none());
    assert_eq!(log.header.seed, seed);
    buf.bytes()
}

#[test]
fn a_drill_cut_off_anywhere_resumes_to_the_uninterrupted_log() {
    let mut resumed = 0;
    for b in bundled() {
        for (seed, scripted) in [(1, true), (2, false), (3, true)] {
            let whole = record(&b, seed, scripted);
            let header_end = whole.iter().position(|&c| c == b'\n').expect("a header") + 1;
            // The seal's line is the last: a cut inside it leaves the drill's end without a
            // seal, which is for fork, not resume; cut anywhere before.
            let ended_at =
                String::from_utf8_lossy(&whole).find("\"drill_ended\"").expect("the drill ended");
            let last_start = whole[..ended_at].iter().rposition(|&c| c == b'\n').expect("lines");
            // Seven cuts spread over the drill, inside lines and at line ends.
            for k in 0..7 {
                let span = last_start - header_end;
                let keep = header_end + span * k / 7 + (k * 37) % 50;
                let keep = keep.min(last_start);
                let bytes = resume_cut(&b, &whole, keep, seed, scripted);
                assert!(
                    bytes == whole,
                    "{} seed {seed} scripted {scripted}: resumed after a cut at byte {keep} \
                     differs from the uninterrupted log",
                    b.name
                );
                resumed += 1;
            }
        }
    }
    assert!(resumed >= 7 * 3 * 7, "every cut was resumed: {resumed}");
}

#[test]
fn a_resume_that_does_not_match_the_log_appends_nothing() {
    let b = bundled().into_iter().find(|b| b.name == "ransomware.ron").expect("bundled");
    // Recorded without the playbook, resumed with it: the playbook's first command is not
    // in the log, so re-simulation differs there.
    let whole = record(&b, 4, false);
    let keep = whole.len() * 2 / 3;
    let keep = whole[..keep].iter().rposition(|&c| c == b'\n').expect("lines") + 1;
    let log = read_log_bytes(&whole[..keep]).expect("reads");
    let buf = SharedBuf::with(&whole[..keep]);
    let mut playbook = runner(&b);
    let e = match replay::resume(&log, Box::new(buf.clone()), Some(&mut playbook)) {
        Err(e) => e,
        Ok(_) => panic!("a playbook that does not match the log cannot resume it"),
    };
    assert!(e.line.is_some_and(|l| l >= 2), "the divergence names its line: {e}");
    assert_eq!(buf.bytes(), whole[..keep], "nothing was appended");
    // And a drill that diverges after resume started never writes either.
    let mut drill = Drill::new(b.scenario.clone(), 4);
    drill.continue_recording(
        tabletop_engine::log::LogWriter::continuing(
            Box::new(buf.clone()),
            log.records.len() as u64 + 1,
            log.last_hash.clone(),
        ),
        log.records.clone(),
    );
    let end = drill.end();
    runner(&b).play(&mut drill, end);
    assert!(drill.divergence().is_some());
    assert!(drill.sealed_head().is_none());
    assert_eq!(buf.bytes(), whole[..keep], "a divergent drill appends nothing");
    let after = read_log_bytes(&buf.bytes()).expect("the log still reads");
    replay::verify(&after).expect("and still verifies");
}

#[test]
fn a_log_without_its_end_is_incomplete_and_blank_lines_are_refused() {
    let b = bundled().into_iter().find(|b| b.name == "dc-power.ron").expect("bundled");
    let whole = String::from_utf8(record(&b, 2, true)).expect("UTF-8");
    let lines: Vec<&str> = whole.split_inclusive('\n').collect();
    let n = lines.len();
    let sealed = read_log(&whole).expect("reads");
    let seal = sealed.seal.clone().expect("sealed");
    assert_eq!(seal.lines as usize, n - 1);
    assert!(lines[n - 2].contains(&seal.head), "the seal carries the head hash of the line before");
    // Every cut at a line end short of the seal is intact but incomplete.
    for keep in [n - 1, n - 2, n / 2, 2] {
        let cut = lines[..keep].concat();
        let log = read_log(&cut).unwrap_or_else(|e| panic!("{keep} lines: {e}"));
        assert!(log.seal.is_none());
        let v = replay::verify(&log).unwrap_or_else(|e| panic!("{keep} lines: {e}"));
        assert!(!v.complete, "{keep} of {n} lines is not a complete drill");
    }
    // Blank and whitespace lines, anywhere, are refused at their line.
    for (at, blank) in [(n, "\n"), (n, "  \n"), (3, " \t\n"), (1, "\n")] {
        let mut changed: Vec<&str> = lines.clone();
        changed.insert(at, blank);
        let e = read_log(&changed.concat()).err().unwrap_or_else(|| panic!("blank at {at}"));
        assert_eq!(e.line, at + 1, "{e}");
        assert!(e.message.contains("blank"), "{e}");
    }
    // Nothing may follow the seal.
    let mut extra = whole.clone();
    extra.push_str(lines[n - 2]);
    let e = read_log(&extra).expect_err("a line after the seal");
    assert_eq!(e.line, n + 1);
}

#[test]
fn log_errors_name_their_line_and_column() {
    let b = bundled().into_iter().find(|b| b.name == "bec.ron").expect("bundled");
    let whole = record(&b, 1, false);
    // Not UTF-8 on line 3, after 10 characters.
    let line3 = whole
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == b'\n')
        .nth(1)
        .map(|(i, _)| i + 1)
        .expect("three lines");
    let mut bad = whole.clone();
    bad[line3 + 10] = 0xff;
    let e = read_log_bytes(&bad).expect_err("not UTF-8");
    assert_eq!((e.line, e.column), (3, 11), "{e}");
    // A header cut short says so, on line 1.
    let header_end = whole.iter().position(|&c| c == b'\n').expect("a header");
    let e = read_log_bytes(&whole[..header_end - 30]).expect_err("a cut header");
    assert_eq!(e.line, 1);
    assert!(e.message.contains("header is cut short"), "{e}");
    // A header whose scenario does not match its hash names line 1.
    let text = String::from_utf8(whole).expect("UTF-8");
    let mut log = read_log(&text).expect("reads");
    log.header.scenario.push(' ');
    let e = replay::scenario_of(&log).expect_err("hash mismatch");
    assert_eq!(e.line, Some(1), "{e}");
}

/// A log written by an older engine, kept as a fixture.
fn old_log(name: &str) -> tabletop_engine::log::ReadLog {
    let bytes = std::fs::read(repo().join("tests/fixtures/logs").join(name)).expect("fixture");
    read_log_bytes(&bytes).unwrap_or_else(|e| panic!("{name} still reads: {e}"))
}

/// The report of an old log, with the fields added since it was written taken out, against
/// the report that engine wrote for it.
fn same_report_as_then(log: &tabletop_engine::log::ReadLog, report_file: &str) {
    let report = tabletop_engine::score::score(log, &Default::default()).expect("scores");
    let mut now = serde_json::to_value(&report).expect("JSON");
    if log.header.format < 2 {
        // Fields added by 0.2.0, absent from 0.1.0's report.
        if let Some(drill) = now.get_mut("drill").and_then(|d| d.as_object_mut()) {
            assert_eq!(drill.remove("head_hash"), Some(serde_json::Value::Null));
        }
        for m in now.get_mut("metrics").and_then(|m| m.as_array_mut()).into_iter().flatten() {
            if let Some(m) = m.as_object_mut() {
                m.remove("service");
            }
        }
    }
    if log.header.format < 4 {
        // Fields added by 0.4.0: eviction, and what the attacker held at the end.
        let con = now.pointer_mut("/detail/containment").and_then(|c| c.as_object_mut());
        for field in ["evicted_at", "time_to_evict", "present_at_end"] {
            assert!(con.as_ref().is_some_and(|c| c.contains_key(field)), "{field} is reported");
        }
        if let Some(con) = con {
            con.retain(|k, _| {
                !["evicted_at", "time_to_evict", "present_at_end"].contains(&k.as_str())
            });
        }
        if let Some(metrics) = now.get_mut("metrics").and_then(|m| m.as_array_mut()) {
            metrics.retain(|m| {
                let id = m.get("id").and_then(|i| i.as_str());
                id != Some("time_to_evict") && id != Some("true_alerts_dismissed")
            });
        }
        // Triage, logged from 0.4.0 on.
        let detail = now.get_mut("detail").and_then(|d| d.as_object_mut());
        assert!(detail.is_some_and(|d| d.remove("dismissed_alerts").is_some()));
        // Who played each seat: engines before 0.4.0 had only people (or playbooks) at them.
        for team in now.get_mut("teams").and_then(|t| t.as_array_mut()).into_iter().flatten() {
            let played = team.as_object_mut().and_then(|t| t.remove("played_by"));
            assert_eq!(played, Some(serde_json::json!([{ "from": 0, "player": "person" }])));
        }
    }
    // Rules of engagement and the prices of actions, from 0.5.0 on: logs before have none.
    if let Some(detail) = now.get_mut("detail").and_then(|d| d.as_object_mut()) {
        for key in ["overrules", "disruptions"] {
            assert_eq!(detail.remove(key), Some(serde_json::json!([])), "{key}");
        }
        for q in detail.get_mut("requests").and_then(|r| r.as_array_mut()).into_iter().flatten() {
            let q = q.as_object_mut().expect("a request");
            assert_eq!(q.remove("approval"), Some(serde_json::json!(false)));
            assert_eq!(q.remove("cost_per_hour"), Some(serde_json::json!(0)));
            assert_eq!(q.remove("reason"), Some(serde_json::json!("")));
            assert_eq!(q.remove("escalated_to"), Some(serde_json::json!([])));
        }
    }
    // Critical tasks, review records and the evidence behind plan items, from 0.4.0 on:
    // logs before have no tasks and no reviews, and their plan items gain keys and moments.
    assert_eq!(
        now.as_object_mut().and_then(|r| r.remove("observations")),
        Some(serde_json::json!([]))
    );
    if let Some(rules) = now.get_mut("rating_rules") {
        *rules = serde_json::Value::Null;
    }
    for c in now.get_mut("capabilities").and_then(|c| c.as_array_mut()).into_iter().flatten() {
        let c = c.as_object_mut().expect("a capability");
        assert_eq!(c.remove("basis"), Some(serde_json::json!("objectives")));
        assert_eq!(c.remove("tasks"), Some(serde_json::json!([])));
        assert_eq!(c.remove("overridden"), Some(serde_json::Value::Null));
    }
    for p in now.get_mut("improvement_plan").and_then(|p| p.as_array_mut()).into_iter().flatten() {
        let p = p.as_object_mut().expect("a plan item");
        for key in ["id", "at", "capability", "observations", "edited"] {
            assert!(p.remove(key).is_some(), "{key}");
        }
    }
    let mut then: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("tests/fixtures/logs").join(report_file)).expect("report"),
    )
    .expect("JSON");
    // From 0.4.0 on a team's role reads as people say it ("IT operations", not "ItOps").
    for team in then.get_mut("teams").and_then(|t| t.as_array_mut()).into_iter().flatten() {
        if let Some(role) = team.get_mut("role")
            && role == "ItOps"
        {
            *role = serde_json::json!("IT operations");
        }
    }
    if let Some(rules) = then.get_mut("rating_rules") {
        *rules = serde_json::Value::Null;
    }
    assert!(now == then, "the report of {report_file}'s log changed");
}

#[test]
fn logs_of_engine_0_1_0_still_read_verify_their_chain_and_give_the_same_report() {
    // Engine 0.3.0 records facts (footholds, availability) that 0.1.0 did not, so its
    // re-simulation differs at the first of them; the chain itself still checks (the CLI
    // names both engines rather than calling it tampering).
    let log = old_log("bec-seed1-engine0.1.0.log");
    assert_eq!((log.header.format, log.header.engine.as_str()), (1, "0.1.0"));
    let e = replay::verify(&log).expect_err("0.3.0 records the attacker's foothold");
    assert_eq!(e.line, Some(13), "{e}");
    assert!(e.message.contains("the attacker's foothold on mbx-ap is usable"), "{e}");
    let log = old_log("ransomware-seed3-engine0.1.0.log");
    assert!(replay::verify(&log).is_err(), "0.3.0 words the drill differently");
    same_report_as_then(&log, "ransomware-seed3-engine0.1.0.report.json");
}

#[test]
fn logs_of_engine_0_2_0_still_read_and_give_the_same_report() {
    for (log, report) in [
        (
            "ransomware-seed5-playbook-engine0.2.0.log",
            "ransomware-seed5-playbook-engine0.2.0.report.json",
        ),
        ("dc-power-seed2-engine0.2.0.log", "dc-power-seed2-engine0.2.0.report.json"),
    ] {
        let log = old_log(log);
        assert_eq!((log.header.format, log.header.engine.as_str()), (2, "0.2.0"));
        assert!(log.seal.is_some(), "0.2.0 sealed its complete drills");
        same_report_as_then(&log, report);
    }
}

#[test]
fn logs_of_engine_0_3_0_still_read_and_give_the_same_report() {
    // 0.3.0 recorded footholds and availability as facts but neither the rest of the
    // attacker's presence nor when its campaign stalled: its containment stays as it was.
    for (log, report) in [
        (
            "ransomware-seed4-playbook-engine0.3.0.log",
            "ransomware-seed4-playbook-engine0.3.0.report.json",
        ),
        ("cloud-leak-seed2-engine0.3.0.log", "cloud-leak-seed2-engine0.3.0.report.json"),
    ] {
        let log = old_log(log);
        assert_eq!((log.header.format, log.header.engine.as_str()), (3, "0.3.0"));
        assert!(log.seal.is_some(), "0.3.0 sealed its complete drills");
        same_report_as_then(&log, report);
    }
}
