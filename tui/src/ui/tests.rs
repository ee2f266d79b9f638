//! Screens rendered into a test backend at 80x24 and 160x48 and snapshotted, and the
//! hot-seat no-leak guarantee checked on what is actually drawn.

use std::path::PathBuf;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tabletop_engine::scenario::Minutes;
use tabletop_engine::{Command, Seat};

use super::render;
use super::theme::Theme;
use crate::app::{Action, App, Overlay, Screen, SeatMode};

fn sink_log(
    _: Option<&std::path::Path>,
    id: &str,
    seed: u64,
) -> Result<(PathBuf, Box<dyn std::io::Write + Send>), String> {
    Ok((PathBuf::from(format!("{id}-seed{seed}.log")), Box::new(std::io::sink())))
}

fn app() -> App {
    App::new(crate::bundled::offers(), 7, None, sink_log)
}

fn draw(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|f| render(app, f, Theme { colour: false })).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let line: String =
            (0..buffer.area.width).map(|x| buffer[(x, y)].symbol().to_owned()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A drill of the ransomware scenario played by `mode`, advanced to `until`, with the
/// security seat having investigated the helpdesk PC.
fn drill(mode: SeatMode, until: Minutes) -> App {
    let mut app = app();
    app.start(0, mode);
    app.screen = Screen::Drill;
    let s = app.session.as_mut().expect("session");
    let it = Seat::Team("it".into());
    let _ = s.drill.submit(
        &it,
        Command::Start {
            action: "isolate".into(),
            target: Some("ws-it01".into()),
            overrule: false,
        },
    );
    let _ = s.drill.submit(
        &Seat::Team("security".into()),
        Command::Request {
            to: "it".into(),
            action: "reimage".into(),
            target: Some("ws-hr01".into()),
            note: "phishing victim".into(),
            approval: false,
        },
    );
    s.drill.advance_to(until);
    s.refresh();
    app
}

fn both_sizes(name: &str, app: &App) {
    insta::assert_snapshot!(format!("{name}_80x24"), draw(app, 80, 24));
    insta::assert_snapshot!(format!("{name}_160x48"), draw(app, 160, 48));
}

#[test]
fn launcher() {
    both_sizes("launcher", &app());
}

#[test]
fn seat_chooser() {
    let mut app = app();
    app.update(Action::Enter);
    both_sizes("seat_chooser", &app);
}

#[test]
fn it_drill_screen() {
    let mut app = drill(SeatMode::Team("it".into()), Minutes(10 * 60));
    app.update(Action::Down);
    both_sizes("it_drill", &app);
}

#[test]
fn security_drill_screen_with_the_inbox_focused() {
    let mut app = drill(SeatMode::Team("security".into()), Minutes(10 * 60));
    app.update(Action::NextPane);
    both_sizes("security_drill", &app);
}

#[test]
fn facilitator_console() {
    both_sizes("facilitator", &drill(SeatMode::Facilitator, Minutes(9 * 60)));
}

#[test]
fn help_overlay() {
    let mut app = drill(SeatMode::Team("it".into()), Minutes(60));
    app.update(Action::Help);
    assert!(matches!(app.overlay, Some(Overlay::Help)));
    both_sizes("help", &app);
}

#[test]
fn ending_the_drill_asks_first() {
    let mut app = drill(SeatMode::Team("it".into()), Minutes(60));
    app.update(Action::EndDrill);
    assert!(matches!(app.overlay, Some(Overlay::ConfirmEnd)));
    assert!(matches!(app.screen, Screen::Drill), "one key does not end the drill");
    both_sizes("confirm_end", &app);
    app.update(Action::Back);
    assert!(app.overlay.is_none() && matches!(app.screen, Screen::Drill), "Esc goes back");
    app.update(Action::EndDrill);
    app.update(Action::EndDrill);
    assert!(matches!(app.screen, Screen::Summary), "x twice ends it");
}

#[test]
fn action_menu_says_why_an_action_is_unavailable() {
    let mut app = drill(SeatMode::Team("it".into()), Minutes(60));
    app.update(Action::Enter);
    let screen = draw(&app, 160, 48);
    assert!(screen.contains("Isolate crm"), "{screen}");
    assert!(screen.contains("`reset_credentials` does not apply to crm"), "{screen}");
}

#[test]
fn end_summary() {
    let mut app = drill(SeatMode::Team("it".into()), Minutes(12 * 60));
    app.update(Action::Tick(std::time::Duration::from_millis(1)));
    assert!(matches!(app.screen, Screen::Summary));
    let head = app.session.as_ref().and_then(|s| s.drill.sealed_head()).expect("sealed").to_owned();
    for (w, h) in [(80, 24), (160, 48)] {
        let screen = draw(&app, w, h);
        assert!(screen.contains(&head), "the whole head hash shows at {w}x{h}:\n{screen}");
        // The hash changes with every rule or scenario change; the layout is what is pinned.
        insta::assert_snapshot!(format!("summary_{w}x{h}"), screen.replace(&head, "<head hash>"));
    }
}

#[test]
fn hot_seat_never_shows_one_seat_what_another_knows() {
    let mut app = app();
    app.start(0, SeatMode::HotSeat(vec!["security".into(), "it".into()]));
    assert!(matches!(app.screen, Screen::Handover { .. }));
    let handover = draw(&app, 80, 24);
    assert!(handover.contains("Hand the keyboard to Security (SOC)"), "{handover}");
    app.update(Action::Enter);
    // Security learns of credential dumping; IT, which gets no alerts, does not.
    let s = app.session.as_mut().expect("session");
    s.drill.advance_to(Minutes(4 * 60));
    s.refresh();
    app.update(Action::NextPane);
    let security = draw(&app, 160, 48);
    assert!(security.contains("LSASS Memory"), "security sees the EDR alert:\n{security}");
    app.update(Action::SwitchSeat);
    let handover = draw(&app, 160, 48);
    assert!(
        !handover.contains("LSASS"),
        "the handover screen shows nothing of the last seat:\n{handover}"
    );
    assert!(handover.contains("Hand the keyboard to IT Operations"));
    app.update(Action::Enter);
    let it = draw(&app, 160, 48);
    assert!(it.contains("IT Operations"), "{it}");
    for secret in ["LSASS", "T1003", "alert", "⚠"] {
        assert!(!it.contains(secret), "IT's screen shows `{secret}`:\n{it}");
    }
}

/// Terminal escapes an author (or an attacker handing out scenario files) could hide in
/// string fields: OSC 52 clipboard write, clear screen, window title, an 8-bit CSI, a lone
/// carriage return.
const HOSTILE: [&str; 5] =
    ["\x1b]52;c;AAAA\x07", "\x1b[2J", "\x1b]0;PWNED\x07", "\u{9b}31m", "\rOVERWRITE"];

/// The ransomware scenario with escapes in its title, summary, briefing, a system's name, a
/// team's name and the first inject's title and text (all free-text fields, so it checks
/// clean).
fn hostile_offer() -> crate::app::Offer {
    let b = crate::bundled::find("ransomware").expect("bundled ransomware");
    let mut text = b.text.to_owned();
    let all = HOSTILE.concat();
    for (from, to) in [
        ("Ashen Ledger: ransomware through the VPN", format!("Ashen {all} Ledger")),
        ("A ransomware crew enters", format!("A crew {all} enters")),
        ("Monday, 07:30.", format!("Monday, {all} 07:30.")),
        ("name: \"Helpdesk workstation\"", format!("name: \"Helpdesk {all} PC\"")),
        ("name: \"IT Operations\"", format!("name: \"IT {all} Ops\"")),
        ("to the KEV catalogue\"", format!("to the KEV {all} catalogue\"")),
        ("Vendor and CISA bulletin:", format!("Vendor {all} bulletin:")),
    ] {
        assert!(text.contains(from), "the scenario still has `{from}`");
        text = text.replacen(from, &to, 1);
    }
    let checked = tabletop_engine::scenario::check_bytes("hostile.ron", text.as_bytes());
    let scenario = checked.scenario.expect("the hostile scenario checks clean");
    assert!(scenario.meta.title.contains('\x1b'), "the escapes reach the scenario");
    crate::app::Offer { file: "hostile.ron".into(), text, scenario: std::sync::Arc::new(scenario) }
}

/// Every cell of a frame, as `(x, y, symbol)`.
fn cells(app: &App, width: u16, height: u16) -> Vec<(u16, u16, String)> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|f| render(app, f, Theme { colour: false })).expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = Vec::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push((x, y, buffer[(x, y)].symbol().to_owned()));
        }
    }
    out
}

#[test]
fn escapes_in_scenario_text_never_reach_a_cell() {
    // ratatui drops graphemes that contain a control character when it sets a span into the
    // buffer (ratatui-core `Span::styled_graphemes`, `Buffer::set_stringn`); this holds the
    // UI to that on every screen that shows scenario text.
    fn check(name: &str, app: &App) {
        for (w, h) in [(80, 24), (160, 48)] {
            for (x, y, symbol) in cells(app, w, h) {
                assert!(
                    !symbol.chars().any(char::is_control),
                    "{name} {w}x{h}: cell ({x}, {y}) holds {symbol:?}"
                );
            }
        }
    }
    let mut app = App::new(vec![hostile_offer()], 7, None, sink_log);
    check("launcher", &app);
    // The text is shown, only its escapes are gone.
    let launcher = draw(&app, 160, 48);
    assert!(launcher.contains("Ashen ]52;c;AAAA[2J]0;PWNED31mOVERWRITE Ledger"), "{launcher}");
    app.update(Action::Enter);
    check("seat chooser", &app);
    for mode in [SeatMode::Team("it".into()), SeatMode::Facilitator] {
        app.start(0, mode.clone());
        app.screen = Screen::Drill;
        let s = app.session.as_mut().expect("session");
        s.drill.advance_to(Minutes(30));
        s.refresh();
        check(&format!("{mode:?} drill"), &app);
        app.update(Action::NextPane);
        app.update(Action::Enter);
        check(&format!("{mode:?} inbox"), &app);
        if mode != SeatMode::Facilitator {
            let screen = draw(&app, 160, 48);
            assert!(screen.contains("IT ]52;c;AAAA[2J]0;PWNED31mOVERWRITE Ops"), "{screen}");
            assert!(screen.contains("Vendor ]52;c;AAAA"), "the inject is open:\n{screen}");
        }
    }
}
