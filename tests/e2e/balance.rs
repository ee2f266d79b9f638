//! `tabletop balance` split over machines: seed ranges run apart and merged give the very
//! spread and verdict of one run over all the seeds; overlapping or foreign shares are
//! refused.

use std::fs;
use std::path::PathBuf;

use crate::support::{run, text};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tabletop-e2e-balance-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

/// Runs `balance` with `--json` and writes its output to a file; returns the file.
fn share(name: &str, args: &[&str]) -> PathBuf {
    let out = run(&[&["balance", "--json", "--jobs", "1"], args].concat());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let path = temp(name);
    fs::write(&path, &out.stdout).expect("write the share");
    path
}

fn json(path: &PathBuf) -> serde_json::Value {
    serde_json::from_slice(&fs::read(path).expect("results")).expect("JSON")
}

#[test]
fn shares_of_a_sweep_merge_into_the_spread_and_verdict_of_the_whole() {
    let policies = ["--policy", "coordinated", "--policy", "nothing"];
    let a = share("a.json", &[&["ransomware", "--seeds", "1..6"], &policies[..]].concat());
    let b = share("b.json", &[&["ransomware", "--seeds", "7..12"], &policies[..]].concat());
    let whole = share("whole.json", &[&["ransomware", "--runs", "12"], &policies[..]].concat());
    let out = run(&["balance", "--json", "--merge", &a.to_string_lossy(), &b.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let merged: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let whole = json(&whole);
    assert_eq!(merged["policies"], whole["policies"], "the same spread per policy");
    assert_eq!(merged["verdict"], whole["verdict"]);
    assert_eq!(merged["runs"], whole["runs"], "every run, in seed order");
    assert_eq!(json(&a)["runs"][0]["results"].as_array().map(Vec::len), Some(6));

    let table = run(&["balance", "--merge", &a.to_string_lossy(), &b.to_string_lossy()]);
    let (stdout, _) = text(&table);
    assert!(stdout.contains("12 seeded drills per policy, merged from 2 files"), "{stdout}");
    assert!(stdout.contains("Verdict"), "{stdout}");
}

#[test]
fn overlapping_or_foreign_shares_are_refused() {
    let a = share("o-a.json", &["ransomware", "--seeds", "1..3", "--policy", "nothing"]);
    let b = share("o-b.json", &["ransomware", "--seeds", "3..4", "--policy", "nothing"]);
    let out = run(&["balance", "--merge", &a.to_string_lossy(), &b.to_string_lossy()]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("seed 3 of nothing is in both"), "{stderr}");

    let other = share("o-c.json", &["bec", "--seeds", "5..6", "--policy", "nothing"]);
    let out = run(&["balance", "--merge", &a.to_string_lossy(), &other.to_string_lossy()]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("a sweep of another scenario"), "{stderr}");

    let junk = temp("junk.json");
    fs::write(&junk, "{\"seeds\": [1, 2]}").expect("write");
    let out = run(&["balance", "--merge", &junk.to_string_lossy()]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("junk.json:1:") && stderr.contains("balance --json"), "{stderr}");

    let out = run(&["balance", "ransomware", "--seeds", "9..2"]);
    assert_eq!(out.status.code(), Some(2), "an empty range is a usage error");
}
