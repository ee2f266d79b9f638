//! `tabletop serve` with real SSH clients: IT, security and the facilitator join one
//! headless drill with OpenSSH in tmux, each in their own terminal; what one seat does
//! arrives in another's view, no seat's screen shows what only another seat knows, a wrong
//! code and a command (`ssh … ls`) are refused, and a killed server continues from its log.
//! Observers watch a seat read-only, people at a seat a bot plays only watch until the
//! facilitator hands it back (also after a resume), and a participant whose public key is
//! listed for a seat joins without a code.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::tabletop;
use crate::tui::{Tmux, require_tmux};

/// OpenSSH options for a throwaway client: no host key bookkeeping, codes only, one try.
const SSH_OPTIONS: [&str; 12] = [
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "PubkeyAuthentication=no",
    "-o",
    "NumberOfPasswordPrompts=1",
    "-o",
    "LogLevel=ERROR",
    "-o",
    "ConnectTimeout=10",
];

/// Whether the OpenSSH client is here. On CI a missing client fails the test instead of
/// skipping it, so a green run means the seats were joined over SSH.
fn require_ssh() -> bool {
    if Command::new("ssh").arg("-V").output().is_ok_and(|o| o.status.success()) {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(!ci, "CI must install openssh-client (see .ci/run)");
    eprintln!("skipped: the OpenSSH client is not installed");
    false
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("its address").port()
}

/// A running `tabletop serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    /// (login, code) as `--print-codes` printed them: seats, then `SEAT-observer`.
    codes: Vec<(String, String)>,
}

impl Server {
    fn start(dir: &Path, args: &[&str]) -> Self {
        let port = free_port();
        let stderr = std::fs::File::create(dir.join(format!("serve-{port}.err"))).expect("file");
        let mut child = Command::new(tabletop())
            .arg("serve")
            .args(args)
            .args(["--headless", "--print-codes", "--port", &port.to_string()])
            .arg("--host-key")
            .arg(dir.join("host_key"))
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("tabletop serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut codes = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("a line of codes");
            let (seat, code) = line.split_once('\t').expect("seat<TAB>code");
            codes.push((seat.to_owned(), code.to_owned()));
            if seat == "security-observer" {
                break;
            }
        }
        Server { child, port, codes }
    }

    fn code(&self, seat: &str) -> &str {
        self.codes.iter().find(|(s, _)| s == seat).map(|(_, c)| c.as_str()).expect("a code")
    }

    /// An SSH client in tmux (session `tag`), at a terminal of `size` (columns, rows),
    /// joined to `seat` with `code`.
    fn join(&self, dir: &Path, tag: &str, seat: &str, code: &str, size: (u16, u16)) -> Tmux {
        let target = format!("{seat}@127.0.0.1");
        let port = self.port.to_string();
        let mut command = vec!["ssh", "-p", &port];
        command.extend(SSH_OPTIONS);
        command.push(&target);
        let t = Tmux::start_running(dir, &format!("serve-{}-{tag}", self.port), &command);
        let _ = Command::new("tmux")
            .args(["resize-window", "-t", &t.name(), "-x", &size.0.to_string()])
            .args(["-y", &size.1.to_string()])
            .status();
        t.expect("password:");
        t.type_line(code);
        t
    }

    /// Ends the server as a supervisor would (SIGTERM) and returns its exit code.
    fn stop(mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-s", "TERM", &pid]).status();
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            assert!(start.elapsed() < Duration::from_secs(10), "serve did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh directory for one test.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tabletop-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// How many commands a seat's team gave, as the log records them.
fn commands_of(log: &Path, team: &str) -> usize {
    let text = std::fs::read_to_string(log).expect("the drill log");
    let seat = format!("\"seat\":{{\"Team\":\"{team}\"}}");
    text.lines().filter(|l| l.contains("\"kind\":\"command\"") && l.contains(&seat)).count()
}

/// Every screen a seat showed, to search afterwards for what it must never show.
struct Seen(Vec<String>);

impl Seen {
    fn expect(&mut self, t: &Tmux, text: &str) -> String {
        let screen = t.expect(text);
        self.0.push(screen.clone());
        screen
    }

    fn never(&self, seat: &str, fact: &str) {
        for screen in &self.0 {
            assert!(!screen.contains(fact), "{seat}'s screen shows `{fact}`:\n{screen}");
        }
    }
}

#[test]
fn seats_in_separate_rooms_over_ssh() {
    if !require_tmux() || !require_ssh() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("tabletop-e2e-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let log = dir.join("drill.log");
    let server =
        Server::start(&dir, &["ransomware", "--seed", "5", "--log", &log.display().to_string()]);
    let (mut it_seen, mut sec_seen) = (Seen(Vec::new()), Seen(Vec::new()));

    // Three people, three terminals of their own sizes.
    let it = server.join(&dir, "it", "it", server.code("it"), (120, 40));
    let screen = it_seen.expect(&it, "IT Operations │ T+00:00");
    assert!(screen.contains("tabletop serve · it · only you at this seat"), "{screen}");
    assert!(screen.lines().any(|l| l.chars().count() > 100), "drawn at 120 columns:\n{screen}");
    let sec = server.join(&dir, "security", "security", server.code("security"), (100, 30));
    sec_seen.expect(&sec, "Security (SOC) │ T+00:00");
    let fac =
        server.join(&dir, "facilitator", "facilitator", server.code("facilitator"), (140, 35));
    fac.expect("Facilitator (truth)");

    // IT isolates the VPN gateway: only IT sees it under way.
    it.keys(&["/"]);
    it.type_line("vpn-gw");
    it.keys(&["Enter"]);
    it_seen.expect(&it, "Isolate vpn-gw");
    it.keys(&["Enter"]);
    it_seen.expect(&it, "Isolate vpn-gw: accepted");

    // Only the facilitator moves the clock.
    sec.keys(&["."]);
    sec_seen.expect(&sec, "the facilitator runs the clock in this room");
    fac.keys(&["."]);
    it_seen.expect(&it, "Isolate vpn-gw (done 00:10)");
    sec_seen.expect(&sec, "Security (SOC) │ T+00:01");

    // Security asks IT to isolate the domain controller; the request arrives at IT's seat.
    sec.keys(&["/"]);
    sec.type_line("dc01");
    sec.keys(&["Enter"]);
    sec_seen.expect(&sec, "Ask IT Operations to isolate dc01");
    // Security's menu: its own actions (isolating needs management's approval, a reset
    // IT's: ask, or override), then what it can ask of IT.
    for _ in 0..7 {
        sec.keys(&["Down"]);
    }
    sec.keys(&["Enter"]);
    sec_seen.expect(&sec, "Ask IT Operations to isolate dc01: accepted");
    fac.keys(&["."]);
    it_seen.expect(&it, "requests (1 to answer)");
    it_seen.expect(&it, "Security (SOC) asks you to isolate dc01");
    sec_seen.expect(&sec, "Security (SOC) │ T+00:02");

    // No seat saw another's facts, nor the truth.
    sec_seen.never("security", "Isolate vpn-gw");
    sec_seen.never("security", "Facilitator (truth)");
    it_seen.never("it", "Facilitator (truth)");
    it_seen.never("it", "Ask IT Operations to isolate dc01: accepted");

    // A wrong code is refused, and so is a command instead of a terminal.
    let shell = Tmux::start_running(
        &dir,
        &format!("serve-{}-shell", server.port),
        &["bash", "--norc", "--noprofile"],
    );
    shell.expect("READY$");
    let ssh = format!("ssh -p {} {}", server.port, SSH_OPTIONS.join(" "));
    shell.type_line(&format!("{ssh} security@127.0.0.1; echo WRONG=$?"));
    shell.expect("password:");
    shell.type_line("wrong-code");
    shell.expect("Permission denied");
    shell.expect("WRONG=255");
    shell.type_line("clear");
    shell.type_line(&format!("{ssh} security@127.0.0.1 ls /; echo EXIT=$?"));
    shell.expect("password:");
    shell.type_line(server.code("security"));
    let screen = shell.expect("EXIT=255");
    assert!(screen.contains("exec request failed"), "{screen}");
    assert!(!screen.contains("proc"), "no listing of the server's files:\n{screen}");

    // The server is killed; the drill continues from its log with the request still open.
    assert_eq!(server.stop(), Some(128 + 15), "SIGTERM ends serve as a signal does");
    drop((it, sec, fac));
    let text = std::fs::read_to_string(&log).expect("the drill log");
    assert!(text.contains("\"type\":\"request_sent\""), "the request is in the log");
    let resumed = Server::start(&dir, &["--resume", &log.display().to_string()]);
    let it = resumed.join(&dir, "it-again", "it", resumed.code("it"), (120, 40));
    let screen = it.expect("requests (1 to answer)");
    assert!(screen.contains("T+00:02"), "resumed where it stopped:\n{screen}");
    assert_eq!(resumed.stop(), Some(128 + 15));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bot_plays_an_empty_seat_until_the_facilitator_takes_it_back() {
    if !require_tmux() || !require_ssh() {
        return;
    }
    let dir = scratch("serve-bot");
    let log = dir.join("drill.log");
    let log_arg = log.display().to_string();
    let server = Server::start(
        &dir,
        &["ransomware", "--seed", "5", "--log", &log_arg, "--bot", "it=coordinated"],
    );

    // One analyst plays security against IT's bot; the facilitator runs the clock.
    let sec = server.join(&dir, "security", "security", server.code("security"), (120, 40));
    sec.expect("Security (SOC) │ T+00:00");
    let fac =
        server.join(&dir, "facilitator", "facilitator", server.code("facilitator"), (160, 45));
    fac.expect("Facilitator (truth)");

    // Someone joins IT's seat while the bot plays it: told so, and only watches.
    let it = server.join(&dir, "it", "it", server.code("it"), (140, 40));
    it.expect("it is played by the coordinated bot; ask the facilitator to hand it back");
    it.expect("played by coordinated (bot), read-only");
    it.keys(&["Enter"]);
    it.expect("read-only: it is played by the coordinated bot");

    // Security asks IT to isolate the domain controller.
    sec.keys(&["/"]);
    sec.type_line("dc01");
    sec.keys(&["Enter"]);
    sec.expect("Ask IT Operations to isolate dc01");
    // Security's menu: its own actions (isolating needs management's approval, a reset
    // IT's: ask, or override), then what it can ask of IT.
    for _ in 0..7 {
        sec.keys(&["Down"]);
    }
    sec.keys(&["Enter"]);
    sec.expect("Ask IT Operations to isolate dc01: accepted");
    fac.keys(&["."]);
    sec.expect("→ IT Operations isolate dc01: open until");

    // The bot glances at IT's screen every five minutes and takes the request on.
    for _ in 0..6 {
        fac.keys(&["."]);
    }
    let screen = sec.expect("Security (SOC) │ T+00:07");
    assert!(
        screen.contains("→ IT Operations isolate dc01: accepted"),
        "IT's bot answered:\n{screen}"
    );
    fac.expect("IT Operations started isolate dc01");
    assert_eq!(commands_of(&log, "it"), 1, "the bot's command alone, none of the watcher's");

    // The server is killed and resumed: the bot still holds IT's seat.
    assert_eq!(server.stop(), Some(128 + 15));
    drop((sec, fac, it));
    let server = Server::start(&dir, &["--resume", &log_arg]);
    let fac = server.join(&dir, "fac-again", "facilitator", server.code("facilitator"), (160, 45));
    fac.expect("Facilitator (truth)");
    let it = server.join(&dir, "it-again", "it", server.code("it"), (120, 40));
    it.expect("played by coordinated (bot), read-only");

    // The facilitator takes IT's seat back for people (the third choice for IT): the
    // person there plays it now.
    fac.keys(&["b"]);
    fac.expect("it → people (now coordinated (bot))");
    fac.keys(&["Down", "Down", "Enter"]);
    fac.expect("it → people (now coordinated (bot)): accepted");
    fac.keys(&["."]);
    fac.expect("it is played by people");
    it.expect("only you at this seat");
    it.keys(&["/"]);
    it.type_line("vpn-gw");
    it.keys(&["Enter"]);
    it.expect("Isolate vpn-gw");

    assert_eq!(server.stop(), Some(128 + 15));
    drop((fac, it));
    let report = Command::new(tabletop()).args(["report", &log_arg]).output().expect("report");
    let report = String::from_utf8_lossy(&report.stdout);
    let row = |id: &str| {
        report.lines().find(|l| l.contains(&format!("(`{id}`)"))).unwrap_or_default().to_owned()
    };
    assert!(row("it").contains("| coordinated (bot), then people from 00:0"), "{report}");
    assert!(row("security").contains("| people |"), "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_observer_watches_a_seat_live_and_cannot_act() {
    if !require_tmux() || !require_ssh() {
        return;
    }
    let dir = scratch("serve-observer");
    let log = dir.join("drill.log");
    let server =
        Server::start(&dir, &["ransomware", "--seed", "5", "--log", &log.display().to_string()]);
    let sec = server.join(&dir, "security", "security", server.code("security"), (120, 40));
    sec.expect("Security (SOC) │ T+00:00");
    // The observer's login and code are printed beside the seat's (`security-observer`).
    let watch = server.code("security-observer");
    assert_ne!(watch, server.code("security"));
    let obs = server.join(&dir, "observer", "security-observer", watch, (120, 40));
    obs.expect("Security (SOC) │ T+00:00");
    obs.expect("tabletop serve · security · watching, read-only");
    sec.expect("you and 1 other at this seat (1 watching)");
    let fac =
        server.join(&dir, "facilitator", "facilitator", server.code("facilitator"), (140, 35));
    fac.expect("Facilitator (truth)");

    // Security asks IT to isolate the domain controller; the observer sees it live.
    sec.keys(&["/"]);
    sec.type_line("dc01");
    sec.keys(&["Enter"]);
    sec.expect("Ask IT Operations to isolate dc01");
    // Security's menu: its own actions (isolating needs management's approval, a reset
    // IT's: ask, or override), then what it can ask of IT.
    for _ in 0..7 {
        sec.keys(&["Down"]);
    }
    sec.keys(&["Enter"]);
    sec.expect("Ask IT Operations to isolate dc01: accepted");
    fac.keys(&["."]);
    obs.expect("→ IT Operations isolate dc01: open until");

    // The observer may look around, but every key that would act is refused.
    obs.keys(&["/"]);
    obs.type_line("vpn-gw");
    obs.expect("filter: vpn-gw");
    obs.keys(&["Enter"]);
    obs.expect("read-only: you watch the security seat; only its players act");
    obs.keys(&["Tab", "Tab", "Tab", "c"]);
    obs.keys(&["."]);
    obs.expect("read-only: you watch the security seat");
    let screen = obs.screen();
    assert!(!screen.contains("Isolate vpn-gw"), "no menu of actions for an observer:\n{screen}");
    assert!(screen.contains("T+00:01"), "nor the clock:\n{screen}");

    assert_eq!(server.stop(), Some(128 + 15));
    drop((sec, obs, fac));
    assert_eq!(commands_of(&log, "security"), 1, "the player's request, nothing of the observer's");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh Ed25519 key pair `dir/name` (and `name.pub`), as a participant makes one.
fn key_pair(dir: &Path, name: &str) -> String {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(dir.join(name))
        .status()
        .expect("ssh-keygen runs");
    assert!(status.success(), "ssh-keygen failed");
    std::fs::read_to_string(dir.join(format!("{name}.pub"))).expect("public key").trim().to_owned()
}

#[test]
fn a_participant_whose_key_is_listed_joins_without_a_code() {
    if !require_tmux() || !require_ssh() {
        return;
    }
    let dir = scratch("serve-keys");
    let (alice, bob) = (key_pair(&dir, "alice"), key_pair(&dir, "bob"));
    let keys = format!("# who may join without a code\nsecurity {alice}\nit-observer {bob}\n");
    std::fs::write(dir.join("keys"), keys).expect("keys file");

    // The facilitator's console in a terminal of its own.
    let port = free_port().to_string();
    let bin = tabletop().display().to_string();
    let console = Tmux::start_running(
        &dir,
        &format!("serve-{port}-console"),
        &[&bin, "serve", "ransomware", "--seed", "5", "--port", &port, "--keys", "keys"]
            .into_iter()
            .chain(["--host-key", "host_key", "--log", "drill.log"])
            .collect::<Vec<&str>>(),
    );
    let _ = Command::new("tmux")
        .args(["resize-window", "-t", &console.name(), "-x", "150", "-y", "40"])
        .status();
    console.expect("Facilitator (truth)");

    let join = |tag: &str, key: &str, login: &str| {
        let target = format!("{login}@127.0.0.1");
        let command = [
            "ssh",
            "-p",
            &port,
            "-i",
            key,
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "NumberOfPasswordPrompts=1",
            &target,
        ];
        Tmux::start_running(&dir, &format!("serve-{port}-{tag}"), &command)
    };
    // Alice's key is listed for security: no password prompt.
    let sec = join("alice", "alice", "security");
    let screen = sec.expect("Security (SOC) │ T+00:00");
    assert!(!screen.contains("password"), "{screen}");
    // Bob's for watching IT.
    let obs = join("bob", "bob", "it-observer");
    obs.expect("IT Operations │ T+00:00");
    obs.expect("watching, read-only");
    // The console shows who plays and who watches.
    let screen = console.expect("1 watching: 127.0.0.1");
    let line = |seat: &str| {
        screen.lines().find(|l| l.trim_start().starts_with(seat)).unwrap_or_default().to_owned()
    };
    assert!(line("it ").contains("1 watching: 127.0.0.1"), "{screen}");
    assert!(line("security ").contains("1 playing: 127.0.0.1"), "{screen}");
    // Alice's key does not open IT's seat: the code is asked for.
    let other = join("alice-it", "alice", "it");
    other.expect("password:");

    // `q`, confirmed, ends the server: its terminal's session goes with it.
    console.keys(&["q"]);
    console.expect("Quit in the middle of the drill?");
    console.keys(&["q"]);
    let start = Instant::now();
    while Command::new("tmux")
        .args(["has-session", "-t", &console.name()])
        .status()
        .is_ok_and(|s| s.success())
    {
        assert!(start.elapsed() < Duration::from_secs(10), "q did not end serve");
        std::thread::sleep(Duration::from_millis(100));
    }
    drop((sec, obs, other, console));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_keys_file_with_mistakes_names_each_and_starts_nothing() {
    let dir = scratch("serve-badkeys");
    std::fs::write(dir.join("keys"), "secruity ssh-ed25519 AAAAC3Nza\nit\n").expect("keys file");
    let out = Command::new(tabletop())
        .args(["serve", "ransomware", "--headless", "--keys", "keys", "--log", "drill.log"])
        .args(["--host-key", "host_key", "--port", &free_port().to_string()])
        .current_dir(&dir)
        .output()
        .expect("serve runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("keys:1:1: error: `secruity` is not a seat of this drill"), "{stderr}");
    assert!(stderr.contains("keys:2:3: error: a public key must follow `it`"), "{stderr}");
    assert!(!dir.join("drill.log").exists(), "no drill was started");
    let _ = std::fs::remove_dir_all(&dir);
}
