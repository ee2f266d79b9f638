//! The real binary in a real terminal (tmux): start the bundled ransomware drill on a hot
//! seat, isolate a system, send and answer a request, quit; then the log exists and the
//! shell is usable (the terminal was restored).

use std::path::PathBuf;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::support::tabletop;

/// A tmux session driven like a person at a terminal (also used by `serve`'s test).
pub(crate) struct Tmux {
    session: String,
}

impl Tmux {
    /// A session running a clean-environment shell in `dir`.
    pub(crate) fn start(dir: &std::path::Path) -> Self {
        Self::start_running(dir, "shell", &["bash", "--norc", "--noprofile"])
    }

    /// A session `tag` whose pane runs `command` in `dir` with a clean environment, as the
    /// pane's own process (so `#{pane_pid}` is its pid).
    pub(crate) fn start_running(dir: &std::path::Path, tag: &str, command: &[&str]) -> Self {
        let session = format!("tabletop-e2e-{}-{tag}", std::process::id());
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", &session, "-x", "100", "-y", "30", "-c"])
            .arg(dir)
            .args(["env", "-i", "PATH=/usr/bin:/bin", "TERM=xterm-256color", "HOME=/tmp"])
            .args(["PS1=READY$ "])
            .args(command)
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        Tmux { session }
    }

    /// The tmux session's name, for tmux commands of a test's own.
    pub(crate) fn name(&self) -> String {
        self.session.clone()
    }

    /// A format of the pane (`#{alternate_on}`, see FORMATS in tmux(1)).
    pub(crate) fn format(&self, format: &str) -> String {
        let out = Command::new("tmux")
            .args(["display-message", "-p", "-t", &self.session, format])
            .output()
            .expect("tmux display-message");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    pub(crate) fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .expect("send-keys");
        assert!(status.success());
        sleep(Duration::from_millis(150));
    }

    pub(crate) fn type_line(&self, text: &str) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.session, "-l", text])
            .status()
            .expect("send-keys");
        assert!(status.success());
        self.keys(&["Enter"]);
    }

    pub(crate) fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the pane shows `text`, failing with the pane's content.
    pub(crate) fn expect(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "waited for `{text}`; the pane shows:\n{screen}"
            );
            sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.session]).status();
    }
}

/// Whether tmux is here to drive the UI. On CI (`CI` set, and not `false` or `0`) a missing
/// tmux fails the test instead of skipping it, so a green run means the UI was exercised.
pub(crate) fn require_tmux() -> bool {
    if Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success()) {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(!ci, "CI must install tmux (see .ci/run)");
    eprintln!("skipped: tmux is not installed");
    false
}

#[test]
fn a_hot_seat_drill_in_a_real_terminal() {
    if !require_tmux() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("tabletop-e2e-tui-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let log: PathBuf = dir.join("drill.log");
    let t = Tmux::start(&dir);
    t.expect("READY$");
    t.type_line(&format!(
        "{} play ransomware --hot-seat --seed 5 --log {}",
        tabletop().display(),
        log.display()
    ));

    // IT sits down first and isolates the VPN gateway.
    t.expect("Hand the keyboard to IT Operations");
    t.keys(&["Enter"]);
    t.expect("IT Operations │ T+00:00");
    t.keys(&["/"]);
    t.type_line("vpn-gw");
    t.expect("estate 1/31");
    t.keys(&["Enter"]);
    let menu = t.expect("Isolate vpn-gw");
    assert!(menu.contains("Ask Security (SOC) to"), "{menu}");
    // What can be done comes first: isolating is the first entry.
    t.keys(&["Enter"]);
    t.expect("Isolate vpn-gw: accepted");
    t.keys(&["."]);
    t.expect("Isolate vpn-gw (done 00:10)");

    // Security asks IT to isolate the domain controller.
    t.keys(&["s"]);
    let handover = t.expect("Hand the keyboard to Security (SOC)");
    assert!(!handover.contains("vpn-gw"), "the handover shows nothing of IT's screen:\n{handover}");
    t.keys(&["Enter"]);
    t.expect("Security (SOC) │ T+00:01");
    t.keys(&["/"]);
    t.type_line("dc01");
    t.keys(&["Enter"]);
    t.expect("Ask IT Operations to isolate dc01");
    // Security's menu: its own actions (isolating needs management's approval, a reset
    // IT's: ask, or override), then what it can ask of IT.
    for _ in 0..7 {
        t.keys(&["Down"]);
    }
    t.keys(&["Enter"]);
    t.expect("Ask IT Operations to isolate dc01: accepted");
    t.keys(&["."]);

    // Management, then IT again, who answers the request.
    t.keys(&["s"]);
    t.expect("Hand the keyboard to Crisis management");
    t.keys(&["Enter", "s"]);
    t.expect("Hand the keyboard to IT Operations");
    t.keys(&["Enter"]);
    t.expect("requests (1 to answer)");
    t.keys(&["Tab", "Tab", "a"]);
    t.expect("accepted (#");
    t.keys(&["."]);
    t.expect("Isolate dc01 (done");

    // Quit: the terminal is restored and the shell answers.
    t.keys(&["q"]);
    t.expect("tabletop resume");
    t.keys(&["Enter"]);
    t.expect(&format!("drill log: {}", log.display()));
    t.expect("to continue it:");
    assert!(t.screen().contains(&format!("tabletop resume {}", log.display())), "{}", t.screen());
    t.type_line("echo shell-$((40+2))");
    t.expect("shell-42");
    let text = std::fs::read_to_string(&log).expect("the drill log exists");
    assert!(text.contains("\"kind\":\"header\""));
    assert!(text.contains("\"type\":\"request_answered\""), "the answer is in the log");
}

/// The processes whose parent is `pid` (from /proc: the pane's shell runs tabletop).
fn children_of(pid: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
            let ppid = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.to_owned();
            (ppid == pid).then(|| e.file_name().to_string_lossy().into_owned())
        })
        .collect()
}

/// Each signal that asks a program to end (SIGTERM, SIGINT, SIGHUP, SIGQUIT) ends a drill the
/// way `q` does: the terminal leaves the alternate screen with the cursor shown, the drill
/// log is named, the exit status is 128 + the signal's number and the log verifies.
#[test]
fn ending_signals_restore_the_terminal_and_keep_the_log() {
    if !require_tmux() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("tabletop-e2e-signals-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (name, number) in [("TERM", 15), ("INT", 2), ("HUP", 1), ("QUIT", 3)] {
        let log = dir.join(format!("{name}.log")).display().to_string();
        let t =
            Tmux::start_running(&dir, &format!("sig{name}"), &["bash", "--norc", "--noprofile"]);
        t.expect("READY$");
        assert_eq!(t.format("#{alternate_on} #{cursor_flag}"), "0 1", "a shell to start with");
        t.type_line(&format!(
            "{} play ransomware --team it --seed 5 --log {log}",
            tabletop().display()
        ));
        // A seat taken from the command line reads the briefing first.
        t.expect("briefing");
        t.keys(&["Escape"]);
        t.expect("IT Operations │ T+00:00");
        assert_eq!(t.format("#{alternate_on} #{cursor_flag}"), "1 0", "the UI is up");
        let shell = t.format("#{pane_pid}");
        let children = children_of(&shell);
        assert_eq!(children.len(), 1, "the shell {shell} runs tabletop alone: {children:?}");
        let pid = &children[0];
        let status = Command::new("kill").args(["-s", name, pid]).status().expect("kill");
        assert!(status.success(), "kill -s {name} {pid}");
        let screen = t.expect(&format!("drill log: {log}"));
        assert!(screen.contains("after-action report: tabletop report"), "{screen}");
        // Not "READY$ ": the pane drops trailing spaces.
        t.expect("READY$");
        assert_eq!(
            t.format("#{alternate_on} #{cursor_flag}"),
            "0 1",
            "after SIG{name}: the main screen, the cursor shown; the pane:\n{}",
            t.screen()
        );
        t.type_line("echo status=$?");
        t.expect(&format!("status={}", 128 + number));
        let out = crate::support::run(&["verify", &log]);
        let (stdout, stderr) = crate::support::text(&out);
        assert!(
            matches!(out.status.code(), Some(0 | 3)) && stdout.contains("hash chain intact"),
            "the log of a drill ended by SIG{name} verifies (complete or resumable):\n{stdout}{stderr}"
        );
    }
}

/// A closed terminal ends a drill even when no SIGHUP reaches the program: the kernel sends
/// it only to the session's leader, here a shell that ignores it. The program saw
/// end-of-file on every read and ran on at full CPU; now it ends as SIGHUP would (status
/// 129, not an abort from writing to the dead terminal), and its log verifies.
#[test]
fn a_closed_terminal_ends_the_drill_when_no_hangup_signal_comes() {
    if !require_tmux() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("tabletop-e2e-hangup-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let log = dir.join("hangup.log").display().to_string();
    let status = dir.join("status");
    let line = format!(
        "trap '' HUP; {} play ransomware --team it --seed 5 --log {log}; echo $? > {}",
        tabletop().display(),
        status.display()
    );
    let t = Tmux::start_running(&dir, "hangup", &["sh", "-c", &line]);
    t.expect("briefing");
    t.keys(&["Escape"]);
    t.expect("IT Operations │ T+00:00");
    let shell = t.format("#{pane_pid}");
    let children = children_of(&shell);
    assert_eq!(children.len(), 1, "the shell {shell} runs tabletop alone: {children:?}");
    let proc_dir = PathBuf::from("/proc").join(&children[0]);
    drop(t);
    let start = Instant::now();
    while proc_dir.exists() {
        if start.elapsed() > Duration::from_secs(10) {
            // Not left spinning for the rest of the test run.
            let _ = Command::new("kill").args(["-9", &children[0]]).status();
            panic!("tabletop ({}) still ran 10 s after its terminal closed", children[0]);
        }
        sleep(Duration::from_millis(100));
    }
    let out = crate::support::run(&["verify", &log]);
    let (stdout, stderr) = crate::support::text(&out);
    assert!(
        matches!(out.status.code(), Some(0 | 3)) && stdout.contains("hash chain intact"),
        "the log of a drill whose terminal closed verifies:\n{stdout}{stderr}"
    );
    let start = Instant::now();
    while !status.exists() && start.elapsed() < Duration::from_secs(5) {
        sleep(Duration::from_millis(100));
    }
    let code = std::fs::read_to_string(&status).unwrap_or_default();
    assert_eq!(code.trim(), "129", "the exit status after the terminal closed");
}
