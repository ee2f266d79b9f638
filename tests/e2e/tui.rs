//! The real binary in a real terminal (tmux): start the bundled ransomware drill on a hot
//! seat, isolate a system, send and answer a request, quit; then the log exists and the
//! shell is usable (the terminal was restored).

use std::path::PathBuf;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::support::tabletop;

struct Tmux {
    session: String,
}

impl Tmux {
    fn start(dir: &std::path::Path) -> Self {
        let session = format!("tabletop-e2e-{}", std::process::id());
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", &session, "-x", "100", "-y", "30", "-c"])
            .arg(dir)
            .args([
                "env",
                "-i",
                "PATH=/usr/bin:/bin",
                "TERM=xterm-256color",
                "HOME=/tmp",
                "PS1=READY$ ",
                "bash",
                "--norc",
                "--noprofile",
            ])
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        Tmux { session }
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .expect("send-keys");
        assert!(status.success());
        sleep(Duration::from_millis(150));
    }

    fn type_line(&self, text: &str) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.session, "-l", text])
            .status()
            .expect("send-keys");
        assert!(status.success());
        self.keys(&["Enter"]);
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the pane shows `text`, failing with the pane's content.
    fn expect(&self, text: &str) -> String {
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

fn have_tmux() -> bool {
    Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success())
}

#[test]
fn a_hot_seat_drill_in_a_real_terminal() {
    if !have_tmux() {
        assert!(std::env::var_os("CI").is_none(), "CI must install tmux (see .ci/run)");
        eprintln!("skipped: tmux is not installed");
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
    t.keys(&["Down", "Down", "Enter"]);
    t.expect("Isolate vpn-gw: accepted");
    t.keys(&["."]);
    t.expect("isolate vpn-gw (done 00:10)");

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
    for _ in 0..8 {
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
    t.expect("isolate dc01 (done");

    // Quit: the terminal is restored and the shell answers.
    t.keys(&["q"]);
    t.expect(&format!("drill log: {}", log.display()));
    t.type_line("echo shell-$((40+2))");
    t.expect("shell-42");
    let text = std::fs::read_to_string(&log).expect("the drill log exists");
    assert!(text.contains("\"kind\":\"header\""));
    assert!(text.contains("\"type\":\"request_answered\""), "the answer is in the log");
}
