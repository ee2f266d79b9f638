//! Scenario text written to attack whoever runs the drill: terminal escapes in string fields
//! must never reach the terminal through `run`, `check`, `balance` or `report`, and Markdown
//! syntax in them must not restructure the after-action report.

use std::fs;
use std::path::PathBuf;

use crate::support::{root, run, text};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tabletop-e2e-hostile-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    let _ = fs::remove_file(&path);
    path
}

fn s(p: &std::path::Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Escapes a terminal acts on, as raw characters: OSC 52 clipboard write, clear screen,
/// window title, an 8-bit CSI, a carriage return that lets later text overwrite the line.
const RAW: &str = "\x1b]52;c;AAAA\x07\x1b[2J\x1b]0;PWNED\x07\u{9b}31m\rOVER";
/// The same written with RON's `\u{..}` escapes, which the parser turns into the same
/// characters.
const RON_ESCAPED: &str = r"\u{1b}]52;c;AAAA\u{07}\u{1b}[2J\u{1b}]0;PWNED\u{07}\u{9b}31m\rOVER";

/// The reference scenario with `(from, to)` applied once each, written to `name`.
fn ransomware_with(name: &str, edits: &[(&str, String)]) -> String {
    let mut text =
        fs::read_to_string(root().join("scenarios/ransomware.ron")).expect("ransomware.ron");
    for (from, to) in edits {
        assert!(text.contains(from), "ransomware.ron no longer has `{from}`");
        text = text.replacen(from, to, 1);
    }
    let path = temp(name);
    fs::write(&path, text).expect("write scenario");
    s(&path)
}

/// The ransomware scenario with escapes in its title, summary, briefing, a system's name,
/// the teams' names, an inject's title and text and an objective's description.
fn hostile_scenario() -> String {
    ransomware_with(
        "hostile.ron",
        &[
            ("Ashen Ledger: ransomware through the VPN", format!("Ashen {RAW} Ledger")),
            ("A ransomware crew enters", format!("A crew {RON_ESCAPED} enters")),
            ("Monday, 07:30.", format!("Monday, {RAW} 07:30.")),
            ("name: \"Helpdesk workstation\"", format!("name: \"Helpdesk {RAW} PC\"")),
            ("name: \"IT Operations\"", format!("name: \"IT {RAW} Ops\"")),
            ("name: \"Security (SOC)\"", format!("name: \"SOC {RON_ESCAPED}\"")),
            ("to the KEV catalogue\"", format!("to the KEV {RAW} catalogue\"")),
            ("Vendor and CISA bulletin:", format!("Vendor {RON_ESCAPED} bulletin:")),
            ("description: \"", format!("description: \"{RAW} ")),
        ],
    )
}

/// Fails when `bytes` hold anything a terminal would act on: C0 controls other than
/// newline and tab (a carriage return only before a newline), DEL, or C1 controls.
fn assert_inert(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let ok = match c {
            '\n' | '\t' => true,
            '\r' => chars.peek() == Some(&'\n'),
            c => !c.is_control(),
        };
        assert!(ok, "{what} prints {c:?}:\n{text}");
    }
    // The same, on the raw bytes, in case the output were not UTF-8.
    for w in bytes.windows(2) {
        assert!(!(w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1])), "{what} prints a C1 control");
    }
    assert!(!bytes.iter().any(|&b| b == 0x1b || b == 0x07), "{what} prints ESC or BEL");
}

/// Runs `tabletop`, expecting `code`, and checks both streams are inert.
fn inert_run(args: &[&str], code: i32) -> (String, String) {
    let out = run(args);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(code), "{args:?}\n{stdout}\n{stderr}");
    assert_inert(&format!("{args:?} on stdout"), &out.stdout);
    assert_inert(&format!("{args:?} on stderr"), &out.stderr);
    (stdout, stderr)
}

#[test]
fn run_balance_and_report_show_hostile_text_without_its_escapes() {
    let scenario = hostile_scenario();
    let (stdout, _) = inert_run(&["check", &scenario], 0);
    // `ok`, with ransomware's `unread-flag` warnings until the scenario library issue gives
    // its flags consequences.
    assert!(stdout.contains(": ok"), "the escapes are in string fields: {stdout}");
    let (a, b) = (s(&temp("a.log")), s(&temp("b.log")));
    let playbook = "scenarios/playbooks/ransomware.ron";
    let (stdout, _) =
        inert_run(&["run", &scenario, "--seed", "1", "--script", playbook, "--log", &a], 0);
    // The title is still there, its escapes shown in caret notation.
    assert!(stdout.starts_with("Ashen ^[]52;c;AAAA^G^[[2J^[]0;PWNED^G\u{fffd}31m^MOVER Ledger"));
    inert_run(&["run", &scenario, "--seed", "2", "--log", &b], 0);
    inert_run(&["run", &scenario, "--seed", "2", "--json", "--log", &s(&temp("c.log"))], 0);
    inert_run(&["balance", &scenario, "--runs", "1", "--jobs", "1"], 0);
    let (md, _) = inert_run(&["report", &a], 0);
    for shown in ["Ashen ^\\[\\]52;c;AAAA^G", "IT ^\\[\\]52", "SOC ^\\[\\]52", "KEV ^\\[\\]52"] {
        assert!(md.contains(shown), "the report shows `{shown}`:\n{md}");
    }
    inert_run(&["report", &a, "--compare", &b], 0);
    inert_run(&["report", &a, "--format", "json"], 0);
    // A log whose scenario no longer checks: the error quotes the scenario.
    let log = fs::read_to_string(&a).expect("log");
    let broken = temp("broken.log");
    fs::write(&broken, log.replacen("\\\"it\\\"", "\\\"it\\u001b[2J\\\"", 1)).expect("write");
    let out = run(&["report", &s(&broken)]);
    assert_ne!(out.status.code(), Some(0));
    assert_inert("report of a broken log on stderr", &out.stderr);
}

#[test]
fn check_quotes_hostile_lines_without_their_escapes_and_keeps_the_carets_in_place() {
    const BASE: &str = include_str!("../../engine/tests/fixtures/base.ron");
    // A raw title and an unknown team id with escapes on the same line: the line is quoted,
    // and the message quotes the id; and an id written with RON escapes, quoted decoded.
    let broken = BASE
        .replacen(
            "(id: \"call\", title: \"Helpdesk\", trigger: At(\"01:00\"), audience: [\"it\"],",
            &format!(
                "(id: \"call\", title: \"Help{RAW}\", trigger: At(\"01:00\"), audience: [\"it\x1b[2J\"],"
            ),
            1,
        )
        .replacen(
            "audience: [\"it\", \"security\"]",
            "audience: [\"\\u{1b}]0;T\\u{07}\", \"security\"]",
            1,
        );
    assert_ne!(broken, BASE);
    let path = temp("broken.ron");
    fs::write(&path, &broken).expect("write");
    let path = s(&path);
    let (stdout, stderr) = inert_run(&["check", &path], 1);
    assert_eq!(stdout, format!("{path}: 2 errors, 0 warnings\n"));
    insta::assert_snapshot!(stderr.replace(&path, "broken.ron"));
}

#[test]
fn markdown_in_scenario_text_stays_text_in_the_report() {
    let attack = "# INJECTED heading\n- INJECTED item\n<script>alert(1)</script>\n\
                  [INJECTED](javascript:alert(1)) ![x](javascript:alert(2))\n```\n| a | b |\n|---|---|\n\
                  1. INJECTED\n> INJECTED quote\n***\n<img src=x onerror=alert(3)>";
    // RON strings take raw newlines; quotes and backslashes are not in the attack.
    let scenario = ransomware_with(
        "markdown.ron",
        &[
            ("Ashen Ledger: ransomware through the VPN", format!("Ashen {attack}")),
            ("A ransomware crew enters", format!("{attack} A crew enters")),
            ("Monday, 07:30.", format!("{attack}\nMonday, 07:30.")),
            ("name: \"IT Operations\"", format!("name: \"IT | Ops {attack}\"")),
            ("to the KEV catalogue\"", format!("to the KEV {attack}\"")),
            ("description: \"", format!("description: \"{attack} ")),
        ],
    );
    let log = s(&temp("markdown.log"));
    let playbook = "scenarios/playbooks/ransomware.ron";
    inert_run(&["run", &scenario, "--seed", "1", "--script", playbook, "--log", &log], 0);
    let (md, _) = inert_run(&["report", &log], 0);
    assert_markdown_is_ours(&md);
    let (cmp, _) = inert_run(&["report", &log, "--compare", &log], 0);
    assert_markdown_is_ours(&cmp);
}

/// No block, link or HTML from the scenario: every heading, list item, fence and table row
/// is one the report writes itself.
fn assert_markdown_is_ours(md: &str) {
    assert!(md.contains("INJECTED"), "the scenario text is in the report");
    assert!(!md.contains("<script") && !md.contains("<img"), "raw HTML:\n{md}");
    assert!(!md.contains("](javascript:"), "a javascript: link:\n{md}");
    let mut table_pipes = None;
    for line in md.lines() {
        // Inside the briefing's quote a line is still a line.
        let inner = line.strip_prefix('>').map_or(line, str::trim_start);
        // The report's own headings may quote the title, mid-line.
        let ours = ["# After-action report: Ashen ", "# Drill comparison: Ashen "];
        if ours.iter().any(|h| inner.starts_with(h)) {
            continue;
        }
        for block in ["#", "- INJECTED", "1. INJECTED", "```", "***", "> INJECTED", "|---"] {
            assert!(
                !(inner.starts_with(block) && inner.contains("INJECTED")),
                "a `{block}` block from the scenario: {line}"
            );
        }
        assert!(!inner.starts_with("```"), "a code fence: {line}");
        // A table row has as many cell separators as its header: escaped pipes are text.
        if line.starts_with('|') {
            let pipes =
                line.match_indices('|').filter(|(i, _)| !line[..*i].ends_with('\\')).count();
            let header = *table_pipes.get_or_insert(pipes);
            assert_eq!(pipes, header, "a row with more cells than its header: {line}");
        } else {
            table_pipes = None;
        }
    }
}
