//! `tabletop report` as a user runs it: the after-action report of a played drill in
//! Markdown, JSON (checked against the schema in docs/report-format.md), HTML and as an
//! ATT&CK Navigator layer; comparisons; and damaged logs.

use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

use crate::support::{root, run, text};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tabletop-e2e-report-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    let _ = fs::remove_file(&path);
    path
}

fn s(p: &std::path::Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Plays the ransomware scenario (seed 1) into a log, once per test run.
fn drill(name: &str, playbook: bool) -> PathBuf {
    let log = temp(name);
    let mut args = vec!["run", "ransomware", "--seed", "1"];
    if playbook {
        args.extend(["--script", "scenarios/playbooks/ransomware.ron"]);
    }
    let path = s(&log);
    args.extend(["--log", &path]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    log
}

fn played() -> &'static PathBuf {
    static LOG: OnceLock<PathBuf> = OnceLock::new();
    LOG.get_or_init(|| drill("played.log", true))
}

fn nothing() -> &'static PathBuf {
    static LOG: OnceLock<PathBuf> = OnceLock::new();
    LOG.get_or_init(|| drill("nothing.log", false))
}

fn report(args: &[&str]) -> (Option<i32>, String, String) {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    let out = run(&all);
    let (stdout, stderr) = text(&out);
    (out.status.code(), stdout, stderr)
}

#[test]
fn the_markdown_report_of_the_reference_playbook() {
    let (code, md, stderr) = report(&[&s(played())]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.is_empty(), "a whole log gives no warning: {stderr}");
    for heading in [
        "## 1. Summary",
        "## 2. Scenario and participants",
        "## 3. Timeline",
        "## 4. Metrics",
        "## 5. Objectives",
        "## 6. Capability ratings",
        "## 7. Strengths",
        "## 8. Areas for improvement",
        "## 9. Improvement plan",
        "## 10. Observations",
        "## 11. Facilitator notes",
        "## 12. ATT&CK techniques",
    ] {
        assert!(md.contains(heading), "missing {heading}");
    }
    assert!(!md.contains("Partial report"));
    // The head hash the report prints is the one `verify` prints for the same log.
    let out = crate::support::run(&["verify", &s(played())]);
    let verified = String::from_utf8_lossy(&out.stdout).into_owned();
    let head = verified
        .split("head hash ")
        .nth(1)
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|| panic!("verify prints the head hash: {verified}"));
    assert!(md.contains(&format!("sealed with head hash `{head}`")), "{md}");
    // The hash changes with every rule or scenario change; the report's text is what is pinned.
    insta::assert_snapshot!(md.replace(&head, "<head hash>"));
}

/// The JSON Schema with `$id` = `id` from docs/report-format.md.
fn documented_schema(id: &str) -> Value {
    let doc = fs::read_to_string(root().join("docs/report-format.md")).expect("the doc");
    let schema = doc
        .split("```json")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .filter_map(|block| serde_json::from_str::<Value>(block).ok())
        .find(|schema| schema["$id"] == id);
    assert!(schema.is_some(), "docs/report-format.md has no schema {id}");
    schema.unwrap_or_default()
}

/// Checks `value` against the subset of JSON Schema the doc uses: type, enum, const,
/// required, properties, additionalProperties: false, items, anyOf and local $ref.
fn validate(value: &Value, schema: &Value, root: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/$defs/");
        return validate(value, &root["$defs"][name], root, path, errors);
    }
    if let Some(options) = schema["anyOf"].as_array() {
        let fits = options.iter().any(|o| {
            let mut e = Vec::new();
            validate(value, o, root, path, &mut e);
            e.is_empty()
        });
        if !fits {
            errors.push(format!("{path}: {value} fits none of anyOf"));
        }
        return;
    }
    if let Some(c) = schema.get("const")
        && value != c
    {
        errors.push(format!("{path}: {value} is not {c}"));
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        errors.push(format!("{path}: {value} is not one of {allowed:?}"));
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let is = |t: &str| match t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_u64() || value.is_i64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => false,
    };
    if !types.is_empty() && !types.iter().any(|t| is(t)) {
        errors.push(format!("{path}: {value} is not {types:?}"));
        return;
    }
    if let Some(obj) = value.as_object() {
        for key in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !obj.contains_key(key) {
                errors.push(format!("{path}: missing required `{key}`"));
            }
        }
        for (key, v) in obj {
            match schema["properties"].get(key) {
                Some(sub) => validate(v, sub, root, &format!("{path}.{key}"), errors),
                None if schema["additionalProperties"] == false => {
                    errors.push(format!("{path}: `{key}` is not documented"));
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(schema)) = (value.as_array(), schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            validate(item, schema, root, &format!("{path}[{i}]"), errors);
        }
    }
}

fn assert_valid(value: &Value, schema_id: &str) {
    let schema = documented_schema(schema_id);
    let mut errors = Vec::new();
    validate(value, &schema, &schema, "$", &mut errors);
    assert!(errors.is_empty(), "not the documented shape:\n{}", errors.join("\n"));
}

#[test]
fn the_json_report_has_the_documented_shape() {
    let (code, json, stderr) = report(&[&s(played()), "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_valid(&v, "tabletop-report");
    // The validator itself catches a wrong shape.
    let mut broken = v.clone();
    broken["metrics"][0]["phase"] = Value::from("detect");
    broken["drill"]["undocumented"] = Value::from(1);
    let schema = documented_schema("tabletop-report");
    let mut errors = Vec::new();
    validate(&broken, &schema, &schema, "$", &mut errors);
    assert_eq!(errors.len(), 2, "{errors:?}");

    // What a tool would read: the drill, a metric per phase, objectives and scores.
    assert_eq!(v["drill"]["scenario_id"], "ransomware");
    assert_eq!(v["drill"]["finished"], true);
    assert_eq!(v["partial"], false);
    for phase in ["Detect", "Respond", "Recover"] {
        assert!(v["metrics"].as_array().is_some_and(|m| m.iter().any(|m| m["phase"] == phase)));
    }
    let metric =
        |id: &str| v["metrics"].as_array().and_then(|m| m.iter().find(|m| m["id"] == id)).cloned();
    assert_eq!(metric("systems_encrypted").map(|m| m["value"].clone()), Some(Value::from(0.0)));
    assert_eq!(metric("exfiltrated_gb").map(|m| m["value"].clone()), Some(Value::from(0.0)));
    assert!(metric("time_to_detect").is_some_and(|m| m["value"].is_number()));
    assert_eq!(v["objectives"].as_array().map(Vec::len), Some(7));
    assert!(v["scores"]["combined"]["score"].as_u64().is_some_and(|s| s > 50));
    // The reference playbook evicts the crew: nothing of its is left.
    assert!(metric("time_to_evict").is_some_and(|m| m["value"].is_number()));
    assert_eq!(v["detail"]["containment"]["present_at_end"], Value::Array(Vec::new()));
}

#[test]
fn the_navigator_layer_has_what_navigator_requires() {
    let layer = temp("layer.json");
    let (code, _, stderr) = report(&[&s(played()), "--navigator", &s(&layer)]);
    assert_eq!(code, Some(0), "{stderr}");
    let v: Value =
        serde_json::from_str(&fs::read_to_string(&layer).expect("layer written")).expect("JSON");
    assert!(v["name"].as_str().is_some_and(|n| !n.is_empty()));
    assert_eq!(v["domain"], "enterprise-attack");
    assert_eq!(v["versions"]["layer"], "4.5");
    assert_eq!(v["versions"]["attack"], "18");
    assert_eq!(v["versions"]["navigator"], "5.1.0");
    let techniques = v["techniques"].as_array().expect("techniques");
    assert!(!techniques.is_empty());
    for t in techniques {
        let id = t["techniqueID"].as_str().expect("techniqueID");
        let (base, sub) = id.split_once('.').unwrap_or((id, "000"));
        assert!(
            base.len() == 5
                && base.starts_with('T')
                && base[1..].bytes().all(|b| b.is_ascii_digit())
                && sub.len() == 3,
            "{id}"
        );
        let colour = t["color"].as_str().expect("color");
        assert!(colour.len() == 7 && colour.starts_with('#'), "{colour}");
        assert!(t["score"].is_number() && t["comment"].is_string());
    }
    let colour_of =
        |id: &str| techniques.iter().find(|t| t["techniqueID"] == id).map(|t| t["color"].clone());
    // The phish raised alerts, and the crew, its workstation rebuilt, got no further; the
    // VPN, patched on the advisory, was never attacked: the layer holds only what the crew
    // tried.
    assert_eq!(colour_of("T1566.001"), Some(Value::from("#31a354")));
    assert_eq!(colour_of("T1003.001"), None);
    assert_eq!(colour_of("T1190"), None);
    // Left alone, the crew exploits the VPN unseen.
    let layer = temp("layer-nothing.json");
    let (code, _, stderr) = report(&[&s(nothing()), "--navigator", &s(&layer)]);
    assert_eq!(code, Some(0), "{stderr}");
    let v: Value =
        serde_json::from_str(&fs::read_to_string(&layer).expect("layer written")).expect("JSON");
    let exploit = v["techniques"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["techniqueID"] == "T1190"))
        .map(|t| t["color"].clone());
    assert_eq!(exploit, Some(Value::from("#e34a33")));
}

#[test]
fn comparing_the_playbook_with_doing_nothing_shows_what_changed() {
    let (code, md, stderr) = report(&[&s(played()), "--compare", &s(nothing())]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(md.contains("A = `played.log`"), "{md}");
    assert!(
        md.contains(
            "| The ERP database is never encrypted (`protect-erp-db`) | 25 | met | **missed** |"
        ),
        "{md}"
    );
    let cost = md.lines().find(|l| l.contains("| Business cost |")).expect("cost row");
    assert!(cost.ends_with("| better |"), "{cost}");

    let (code, json, stderr) =
        report(&[&s(played()), "--compare", &s(nothing()), "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_valid(&v, "tabletop-comparison");
    let combined = &v["scores"][0];
    assert_eq!(combined["who"], "combined");
    assert!(combined["delta"].as_i64().is_some_and(|d| d > 0), "{combined}");
}

#[test]
fn progress_across_drills_in_markdown_json_and_html() {
    let logs = [s(nothing()), s(played())];
    let (code, md, stderr) = report(&["--history", &logs[0], &logs[1]]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(md.starts_with("# Progress across drills: ransomware"), "{md}");
    let cost = md.lines().find(|l| l.starts_with("| Business cost |")).expect("cost row");
    assert!(cost.ends_with("| better |"), "doing nothing, then the playbook: {cost}");
    let (code, json, stderr) = report(&["--history", &logs[0], &logs[1], "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_valid(&v, "tabletop-history");
    assert_eq!(v["drills"][1]["label"], "played.log");
    let (code, page, stderr) = report(&["--history", &logs[0], &logs[1], "--format", "html"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(page.contains("<polyline") && !page.contains("<script"), "one self-contained page");
    // One log is no history, and several logs need --history.
    let (code, _, stderr) = report(&["--history", &logs[0]]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("at least two drill logs"), "{stderr}");
    let (code, _, stderr) = report(&[&logs[0], &logs[1]]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--history"), "{stderr}");
}

#[test]
fn comparing_drills_of_different_scenarios_is_refused() {
    let other = temp("other.log");
    let out = run(&["run", "engine/tests/fixtures/score.ron", "--log", &s(&other)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let (code, stdout, stderr) = report(&[&s(played()), "--compare", &s(&other)]);
    assert_eq!(code, Some(1));
    assert!(stdout.is_empty());
    assert!(stderr.contains("different scenarios"), "{stderr}");
}

#[test]
fn a_tampered_log_is_refused_naming_the_line() {
    let bytes = fs::read(played()).expect("log");
    let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let middle = lines.len() / 2;
    let line = &mut lines[middle];
    let at = line.len() / 2;
    line[at] = if line[at] == b'0' { b'1' } else { b'0' };
    let tampered = temp("tampered.log");
    fs::write(&tampered, lines.join(&b'\n')).expect("write");
    let (code, stdout, stderr) = report(&[&s(&tampered)]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.is_empty());
    let located = format!("{}:{}:", tampered.display(), middle + 1);
    assert!(stderr.contains(&located) && stderr.contains("error"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_log_cut_mid_line_gives_a_partial_report() {
    let text = fs::read_to_string(played()).expect("log");
    let starts: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
    // Cut line 40 in the middle, as a crash would.
    let cut = starts[38] + (starts[39] - starts[38]) / 2;
    let truncated = temp("truncated.log");
    fs::write(&truncated, &text[..cut]).expect("write");
    let (code, md, stderr) = report(&[&s(&truncated)]);
    assert_eq!(code, Some(0), "{stderr}");
    let located = format!("{}:40:", truncated.display());
    assert!(stderr.contains(&located) && stderr.contains("warning"), "{stderr}");
    assert!(stderr.contains("the report is partial"), "{stderr}");
    assert!(md.contains("> **Partial report.**"), "{md}");
    assert!(md.contains("the drill did not finish"), "{md}");
    assert!(md.contains("| undecided |"), "objectives not yet decided: {md}");
    let (_, json, _) = report(&[&s(&truncated), "--format", "json"]);
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["partial"], true);
    assert_eq!(v["drill"]["finished"], false);
}

#[test]
fn the_html_report_is_one_self_contained_page_with_a_timeline_chart() {
    let page = temp("report.html");
    let (code, stdout, stderr) = report(&[&s(nothing()), "--format", "html", "-o", &s(&page)]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.is_empty(), "-o writes the file, not standard output");
    let html = fs::read_to_string(&page).expect("page written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg") && html.contains("</svg>"));
    for external in ["http:", "https:", "<script", "src=", "<link", "@import", "url("] {
        assert!(!html.contains(external), "the page must not load anything: found {external}");
    }
    // A lane per system that changed state, with the encrypted spans drawn.
    assert!(html.contains("fs01: Encrypted 09:15–12:00"), "no encrypted span for fs01");
    assert!(html.contains("After-action report"));
}

#[test]
fn a_report_never_overwrites_its_log() {
    let before = fs::read(played()).expect("log");
    let (code, _, stderr) = report(&[&s(played()), "-o", &s(played())]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("never overwrites a log"), "{stderr}");
    assert_eq!(fs::read(played()).expect("log"), before);
}

#[test]
fn a_drill_compared_with_a_bot_played_one_names_who_played() {
    let bot = temp("coordinated.log");
    let out =
        run(&["run", "ransomware", "--seed", "1", "--policy", "coordinated", "--log", &s(&bot)]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("every seat played by the coordinated policy (bot)"), "{stdout}");

    let (code, md, stderr) = report(&[&s(&bot)]);
    assert_eq!(code, Some(0), "{stderr}");
    let it = md.lines().find(|l| l.contains("(`it`)")).expect("IT's row");
    assert!(it.contains("| coordinated (bot) |"), "{it}");

    let (code, md, stderr) = report(&[&s(played()), "--compare", &s(&bot)]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        md.contains(
            "Who played A: it: ransomware (playbook); security: ransomware (playbook); \
             management: ransomware (playbook)."
        ),
        "{md}"
    );
    assert!(
        md.contains(
            "Who played B: it: coordinated (bot); security: coordinated (bot); \
             management: coordinated (bot)."
        ),
        "{md}"
    );
    let (code, json, stderr) = report(&[&s(played()), "--compare", &s(&bot), "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_valid(&v, "tabletop-comparison");
    assert_eq!(v["b"]["played_by"][0]["played_by"][0]["player"]["bot"], "coordinated");
}

#[test]
fn a_drill_a_playbook_played_names_the_playbook_and_people_after_it() {
    // `run --script` plays every seat by the playbook, under its name however it was given.
    let (code, md, stderr) = report(&[&s(played())]);
    assert_eq!(code, Some(0), "{stderr}");
    for id in ["it", "security", "management"] {
        let row = md.lines().find(|l| l.contains(&format!("(`{id}`)"))).expect("a team's row");
        assert!(row.contains("| ransomware (playbook) |"), "{row}");
    }
    let (code, json, stderr) = report(&[&s(played()), "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_valid(&v, "tabletop-report");
    assert_eq!(v["teams"][0]["played_by"][0]["player"]["playbook"], "ransomware");

    // Cut off and resumed without the playbook, its seats go back to people.
    let cut = temp("playbook-cut.log");
    let out = run(&[
        "run",
        "ransomware",
        "--seed",
        "1",
        "--script",
        "ransomware",
        "--until",
        "03:00",
        "--log",
        &s(&cut),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let out = run(&["resume", &s(&cut), "--headless"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let (code, md, stderr) = report(&[&s(&cut)]);
    assert_eq!(code, Some(0), "{stderr}");
    let it = md.lines().find(|l| l.contains("(`it`)")).expect("IT's row");
    assert!(it.contains("| ransomware (playbook), then people from 0"), "{it}");
}

fn review(args: &[&str]) -> (Option<i32>, String, String) {
    let mut all = vec!["review"];
    all.extend_from_slice(args);
    let out = run(&all);
    let (stdout, stderr) = text(&out);
    (out.status.code(), stdout, stderr)
}

#[test]
fn a_review_adds_overrides_observations_and_plan_edits_that_the_report_shows() {
    // Doing nothing leaves plenty to plan.
    let log = temp("reviewed.log");
    fs::copy(nothing(), &log).expect("copy");
    let path = s(&log);
    let (code, listing, stderr) = review(&[&path]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        listing.contains("Capability ratings:") && listing.contains("Containment"),
        "{listing}"
    );
    let rate = ["--rate", "Containment=M", "--reason", "isolated only after the database call"];
    let (code, _, stderr) = review(&[&path, rate[0], rate[1], rate[2], rate[3]]);
    assert_eq!(code, Some(0), "{stderr}");
    let observe = [
        "--observe",
        "we waited for the change board",
        "--kind",
        "problem",
        "--by",
        "it",
        "--item",
        "1",
    ];
    let mut args = vec![path.as_str()];
    args.extend(observe);
    let (code, _, stderr) = review(&args);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = review(&[&path, "--item", "1", "--owner", "it", "--due", "2027-01-31"]);
    assert_eq!(code, Some(0), "{stderr}");
    // The drill is untouched: the chain holds through the reviews and re-simulates.
    let out = run(&["verify", &path]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let (code, md, stderr) = report(&[&path]);
    assert_eq!(code, Some(0), "{stderr}");
    let row = md.lines().find(|l| l.starts_with("| Containment |")).expect("containment row");
    assert!(row.contains("**M**") && row.contains("overridden"), "{row}");
    assert!(row.contains("(computed U"), "{row}");
    assert!(row.contains("isolated only after the database call"), "{row}");
    assert!(md.contains("## 10. Observations"), "{md}");
    assert!(md.contains("| IT Operations | Problem |"), "{md}");
    let plan = md.lines().find(|l| l.starts_with("| 1 ")).expect("plan item 1");
    assert!(plan.contains("we waited for the change board"), "{plan}");
    assert!(plan.contains("2027-01-31 (set in review)"), "{plan}");
    let (code, json, stderr) = report(&[&path, "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["observations"][0]["by"], "it");
    assert_eq!(v["improvement_plan"][0]["owner"], "it");
}

#[test]
fn a_review_names_what_is_wrong_and_never_touches_an_unfinished_drill() {
    let log = temp("review-errors.log");
    fs::copy(nothing(), &log).expect("copy");
    let path = s(&log);
    let before = fs::read(&log).expect("log");
    let (code, _, stderr) = review(&[&path, "--rate", "Telepathy=P", "--reason", "x"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("`Telepathy` is not a capability this drill rates"), "{stderr}");
    let (code, _, stderr) = review(&[&path, "--rate", "Containment=Q", "--reason", "x"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("give P, S, M or U"), "{stderr}");
    let (code, _, stderr) = review(&[&path, "--rate", "Containment=S"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--reason"), "{stderr}");
    let (code, _, stderr) = review(&[&path, "--item", "999", "--owner", "it"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no item `999`"), "{stderr}");
    assert_eq!(fs::read(&log).expect("log"), before, "a refused review writes nothing");
    // A drill cut off before its end is resumed, not reviewed.
    let text = String::from_utf8(before).expect("text");
    let cut = temp("review-cut.log");
    let lines: Vec<&str> = text.lines().collect();
    fs::write(&cut, format!("{}\n", lines[..lines.len() / 2].join("\n"))).expect("write");
    let (code, _, stderr) = review(&[&s(&cut), "--observe", "x"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("tabletop resume"), "{stderr}");
}

#[test]
fn the_plan_beside_the_drill_in_markdown_json_and_html() {
    // A small drill in which nobody did anything, against a two-step plan: each step not
    // followed is re-simulated, so the estate is kept small for a debug build.
    let log = temp("plan-base.log");
    let out = run(&["run", "engine/tests/fixtures/base.ron", "--log", &s(&log)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let plan = temp("plan.ron");
    fs::write(
        &plan,
        r#"Playbook(format: 1, scenario: "base", description: "Our plan", steps: [
            (team: "it", command: Start(action: "isolate", target: Some("web01"))),
            (team: "security", at: "00:30", command: Start(action: "investigate", target: Some("web01"))),
        ])"#,
    )
    .expect("plan");
    let (log, plan) = (s(&log), s(&plan));
    let (code, md, stderr) = report(&[&log, "--plan", &plan]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(md.contains("## 10. Plan adherence"), "{md}");
    let isolate = md.lines().find(|l| l.contains("`isolate web01`")).expect("the isolate step");
    assert!(isolate.contains("**not done**") && isolate.contains("score "), "{isolate}");
    let (code, json, stderr) = report(&[&log, "--plan", &plan, "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_valid(&v, "tabletop-report");
    let steps = v["plan_adherence"]["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 2);
    assert!(steps.iter().all(|s| s["status"] == "not_done" && s["with_step"]["cost"].is_u64()));
    let (code, page, stderr) = report(&[&log, "--plan", &plan, "--format", "html"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(page.contains("Plan adherence") && !page.contains("<script"), "one page");
    // A plan for another scenario is refused, located.
    let (code, _, stderr) = report(&[&log, "--plan", "scenarios/playbooks/bec.ron"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("bec.ron"), "{stderr}");
}
