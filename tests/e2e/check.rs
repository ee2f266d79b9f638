//! `tabletop check` as a user runs it: exit codes, rendered diagnostics, JSON, bad files.

use std::fs;

use crate::support::{root, run, text};

const BASE: &str = include_str!("../../engine/tests/fixtures/base.ron");

fn scratch(name: &str, contents: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("tabletop-e2e-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    fs::write(&path, contents).expect("write scratch file");
    path.display().to_string()
}

fn three_mistakes() -> String {
    BASE.replacen("depends_on: [\"db01\"]", "depends_on: [\"db-01\"]", 1)
        .replacen("success: 0.9", "success: 1.9", 1)
        .replacen("audience: [\"it\"]", "audience: [\"itops\"]", 1)
}

#[test]
fn every_bundled_scenario_and_the_documented_example_check_clean() {
    let mut files: Vec<String> = fs::read_dir(root().join("scenarios"))
        .expect("scenarios/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "ron") && !p.to_string_lossy().contains(".playbook.")
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(!files.is_empty(), "scenarios/ has no scenario");
    files.push(root().join("docs/example.ron").display().to_string());
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let out = run(&args);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    // No warning and no error in the bundled scenarios or the example.
    let reported: Vec<&str> =
        stderr.lines().filter(|l| l.starts_with("warning[") || l.starts_with("error[")).collect();
    assert!(reported.is_empty(), "{stderr}");
    let ok = |l: &&str| l.ends_with(": ok") || l.contains(": ok, ");
    assert_eq!(stdout.lines().filter(ok).count(), files.len(), "{stdout}");
    assert!(stdout.lines().any(|l| l.ends_with("docs/example.ron: ok")), "{stdout}");
}

#[test]
fn three_mistakes_give_three_located_diagnostics_and_exit_1() {
    let path = scratch("three.ron", three_mistakes().as_bytes());
    let out = run(&["check", &path]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout, format!("{path}: 3 errors, 0 warnings\n"));
    insta::assert_snapshot!(stderr.replace(&path, "three.ron"));
}

#[test]
fn json_output_carries_the_same_diagnostics() {
    let path = scratch("three-json.ron", three_mistakes().as_bytes());
    let out = run(&["check", "--json", &path]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let file = &json["files"][0];
    assert_eq!(file["valid"], false);
    assert_eq!(file["errors"], 3);
    let first = &file["diagnostics"][0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "unknown-id");
    assert_eq!(first["message"], "unknown system `db-01` in `depends_on` of system `web01`");
    assert_eq!(first["location"]["line"], 28);
    assert_eq!(first["location"]["column"], 30);
    assert_eq!(first["help"], "did you mean `db01`?");
}

#[test]
fn a_valid_file_exits_0() {
    let path = scratch("valid.ron", BASE.as_bytes());
    let out = run(&["check", &path]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out).0, format!("{path}: ok\n"));
}

#[test]
fn warnings_alone_exit_0() {
    let path = scratch("warn.ron", BASE.replacen("T1566.001", "T1086", 1).as_bytes());
    let out = run(&["check", &path]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout, format!("{path}: ok, 1 warning\n"));
    assert!(stderr.contains("warning[retired-technique]"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    for args in [&["check"][..], &["check", "--frobnicate", "x.ron"], &["no-such-command"]] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out).1);
    }
}

#[test]
fn hostile_inputs_end_in_a_diagnostic_and_exit_1() {
    let mut huge = BASE.as_bytes().to_vec();
    huge.resize(50 * 1024 * 1024, b' ');
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.ron", vec![], "the file is empty"),
        ("truncated.ron", BASE.as_bytes()[..BASE.len() / 3].to_vec(), "truncated"),
        ("binary.ron", (0..=255u8).cycle().take(4096).collect(), "not UTF-8"),
        ("huge.ron", huge, "larger than 4 MiB"),
        (
            "deep.ron",
            format!("{}{}", "(".repeat(100_000), ")".repeat(100_000)).into_bytes(),
            "error",
        ),
        (
            "types.ron",
            BASE.replacen("capacity: 2", "capacity: [2]", 1).into_bytes(),
            "expected integer",
        ),
    ];
    for (name, bytes, expect) in cases {
        let path = scratch(name, &bytes);
        let out = run(&["check", &path]);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(expect), "{name}: expected `{expect}` in:\n{stderr}");
    }
}

#[test]
fn a_directory_or_missing_file_is_a_diagnostic() {
    let out = run(&["check", "scenarios", "no/such/file.ron"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("this is a directory, not a scenario file"), "{stderr}");
    assert!(stderr.contains("cannot read the file"), "{stderr}");
}

#[test]
fn a_playbook_file_is_checked_against_the_scenario_it_names() {
    // Every reference playbook, in place: against the scenario one folder up.
    let mut args = vec!["check".to_owned()];
    for e in fs::read_dir(root().join("scenarios/playbooks")).expect("playbooks exist") {
        args.push(e.expect("entry").path().display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&args);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(stdout.lines().filter(|l| l.ends_with(": ok")).count(), args.len() - 1);

    // Elsewhere, against the bundled scenario it names; a mistake is located.
    let book = fs::read_to_string(root().join("scenarios/playbooks/ransomware.ron"))
        .expect("the ransomware playbook");
    let broken = book.replacen("action: \"patch\"", "action: \"pach\"", 1);
    let path = scratch("my-playbook.ron", broken.as_bytes());
    let out = run(&["check", &path]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("error[playbook]: unknown action `pach`"), "{stderr}");
    assert!(stderr.contains("my-playbook.ron:"), "located: {stderr}");
    assert!(stderr.contains("did you mean `patch`?"), "{stderr}");
}
