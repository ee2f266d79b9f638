//! Screens rendered into a test backend at 80x24 and 160x48 and snapshotted, and the
//! hot-seat no-leak guarantee checked on what is actually drawn.

use std::path::PathBuf;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tabletop_engine::model::{ObservationKind, Review};
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
    // The briefing a team seat opens with is read and closed.
    app.overlay = None;
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

/// The entries of the open menu; none when no menu is open.
fn menu(app: &App) -> Vec<crate::app::MenuItem> {
    match &app.overlay {
        Some(Overlay::Menu { items, .. }) => items.clone(),
        _ => Vec::new(),
    }
}

fn both_sizes(name: &str, app: &App) {
    insta::assert_snapshot!(format!("{name}_80x24"), draw(app, 80, 24));
    insta::assert_snapshot!(format!("{name}_120x40"), draw(app, 120, 40));
    insta::assert_snapshot!(format!("{name}_160x48"), draw(app, 160, 48));
}

#[test]
fn launcher() {
    both_sizes("launcher", &app());
}

#[test]
fn the_launcher_reads_a_briefing_in_full() {
    let mut app = app();
    app.update(Action::Briefing);
    assert!(matches!(app.overlay, Some(Overlay::Reader(crate::app::Reading::Briefing, 0))));
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("briefing ↓ more") && screen.contains("back to the scenarios"),
        "{screen}"
    );
    app.update(Action::Back);
    assert!(app.overlay.is_none() && matches!(app.screen, Screen::Launcher { .. }));
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
    let app = drill(SeatMode::Facilitator, Minutes(9 * 60));
    // The feed names injects and objectives as the scenario words them, not by id.
    let screen = draw(&app, 160, 48);
    assert!(screen.contains("late: the response to “CISA adds NetScaler"), "{screen}");
    assert!(!screen.contains("inj-citrix-advisory"), "{screen}");
    both_sizes("facilitator", &app);
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
    let items = menu(&app);
    assert!(!items.is_empty(), "the menu opens");
    // What can be done comes first; what cannot follows, with the reason.
    let first_refused = items.iter().position(|i| i.disabled.is_some()).expect("a refusal");
    assert!(items[first_refused..].iter().all(|i| i.disabled.is_some()), "{items:#?}");
    let fail_over = items.iter().find(|i| i.label == "Fail over crm").expect("Fail over offered");
    assert_eq!(fail_over.disabled.as_deref(), Some("crm is not replicated to a DR site"));
    // What another team is asked to do takes that team's hands, not ours.
    let ask = items.iter().find(|i| i.label.starts_with("Ask Security (SOC) to")).expect("an ask");
    assert!(ask.detail.iter().any(|l| l.contains("of Security (SOC)'s 2 hands")), "{ask:#?}");
    // Actions that do not apply to the system at all are not offered.
    assert!(!items.iter().any(|i| i.label.contains("Reset credentials")), "{items:#?}");
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("Takes 10m and 1 of your 3 hands; done at 01:10 at the earliest"),
        "what it takes:\n{screen}"
    );
    both_sizes("action_menu", &app);
    // The highlighted refusal says why in full, wrapped, at 80 columns.
    let refused = first_refused;
    for _ in 0..refused {
        app.update(Action::Down);
    }
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("Not now:"), "{screen}");
    both_sizes("action_menu_refused", &app);
}

#[test]
fn an_action_that_would_end_after_the_drill_says_so() {
    let mut app = drill(SeatMode::Team("it".into()), Minutes(11 * 60 + 30));
    app.update(Action::Enter);
    let items = menu(&app);
    assert!(!items.is_empty(), "the menu opens");
    let reimage = items.iter().find(|i| i.label.starts_with("Reimage")).expect("reimage");
    assert_eq!(reimage.label, "Reimage crm (ends after the drill)");
    assert!(reimage.detail.iter().any(|l| l.contains("after the drill ends at 12:00")));
}

#[test]
fn a_declined_request_shows_its_answer_to_the_team_that_asked() {
    let mut app = drill(SeatMode::Team("security".into()), Minutes(2));
    let s = app.session.as_mut().expect("session");
    let id = s
        .drill
        .seat_view("it")
        .and_then(|v| v.requests_in.first().map(|r| r.id))
        .expect("IT has security's request");
    s.drill
        .submit(
            &Seat::Team("it".into()),
            Command::Answer { request: id, accept: false, reason: "payroll run today".into() },
        )
        .expect("IT declines");
    s.drill.advance(2);
    s.refresh();
    for _ in 0..2 {
        app.update(Action::NextPane);
    }
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("declined"), "{screen}");
    assert!(screen.contains("payroll run today"), "the reason reaches the asker:\n{screen}");
    both_sizes("request_declined", &app);
}

#[test]
fn a_team_seat_reads_the_briefing_first_and_can_scroll_it() {
    let mut app = app();
    app.start(0, SeatMode::Team("it".into()));
    assert!(
        matches!(app.overlay, Some(Overlay::Reader(crate::app::Reading::Briefing, 0))),
        "the briefing opens"
    );
    let top = draw(&app, 80, 24);
    assert!(top.contains("briefing ↓ more"), "{top}");
    app.update(Action::PageDown);
    let scrolled = draw(&app, 80, 24);
    assert_ne!(top, scrolled, "PgDn scrolls it");
    both_sizes("briefing", &app);
    app.update(Action::Back);
    assert!(app.overlay.is_none() && matches!(app.screen, Screen::Drill));
    app.update(Action::Briefing);
    assert!(
        matches!(app.overlay, Some(Overlay::Reader(crate::app::Reading::Briefing, 0))),
        "r opens it again"
    );
}

#[test]
fn objectives_panel() {
    let mut app = drill(SeatMode::Team("it".into()), Minutes(10 * 60));
    app.update(Action::Objectives);
    assert!(matches!(app.overlay, Some(Overlay::Objectives)));
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("met so far: weight"), "{screen}");
    both_sizes("objectives", &app);
    app.update(Action::Objectives);
    assert!(app.overlay.is_none(), "o closes it again");
}

#[test]
fn unread_stays_unread_until_selected() {
    let mut app = drill(SeatMode::Team("security".into()), Minutes(10 * 60));
    let before = app.session.as_ref().map(crate::app::Session::unread).expect("session");
    assert!(before > 2, "the SOC has alerts waiting: {before}");
    app.update(Action::NextPane);
    let s = app.session.as_ref().expect("session");
    assert_eq!(s.unread(), before - 1, "focusing the inbox reads only the selected item");
    app.update(Action::Down);
    let s = app.session.as_ref().expect("session");
    assert_eq!(s.unread(), before - 2);
    app.update(Action::Bottom);
    assert_eq!(app.session.as_ref().map(crate::app::Session::unread), Some(before - 3));
}

#[test]
fn enter_on_an_alert_offers_triage_and_the_system() {
    let mut app = drill(SeatMode::Team("security".into()), Minutes(10 * 60));
    app.update(Action::NextPane);
    let alert = app
        .session
        .as_ref()
        .and_then(|s| {
            s.view
                .as_ref()?
                .inbox
                .iter()
                .rev()
                .position(|i| matches!(i, tabletop_engine::model::InboxItem::Alert { .. }))
        })
        .expect("an alert");
    for _ in 0..alert {
        app.update(Action::Down);
    }
    app.update(Action::Enter);
    let items = menu(&app);
    assert!(!items.is_empty(), "a triage menu opens");
    let labels: Vec<String> = items.iter().map(|i| i.label.clone()).collect();
    assert_eq!(labels[..2], ["Escalate", "Mark a false positive"], "{labels:?}");
    assert!(labels[2].starts_with("Show "), "{labels:?}");
    app.update(Action::Bottom);
    app.update(Action::Enter);
    let s = app.session.as_ref().expect("session");
    assert_eq!(s.pane, crate::app::Pane::Estate, "the estate has the focus");
    let shown = s.visible_systems()[s.sel("estate")].id.clone();
    assert!(labels[2].contains(&shown), "{shown} selected for {labels:?}");
}

#[test]
fn replay_plays() {
    let offer = crate::bundled::offers().into_iter().next().expect("a bundled scenario");
    let mut live = tabletop_engine::Drill::new(offer.scenario.clone(), 7);
    let log = crate::test_log::Shared::default();
    live.record_to(Box::new(log.clone()), &offer.file, &offer.text).expect("record");
    live.advance_to(Minutes(3 * 60));
    let text = log.text();
    let recorded = tabletop_engine::log::read_log(&text).expect("log reads back");
    let mut review = crate::app::Review::new(offer.scenario.clone(), 7, recorded.records);
    let drill = review.start();
    let teams: Vec<String> = offer.scenario.teams.iter().map(|t| t.id.clone()).collect();
    let mut session =
        crate::app::Session::new(drill, "x.log".into(), SeatMode::HotSeat(teams.clone()));
    session.review = Some(review);
    session.switch_to(Seat::Team(teams[0].clone()));
    let mut app = App::new(Vec::new(), 7, None, sink_log);
    app.with_session(session);
    app.screen = Screen::Drill;
    app.update(Action::Pause);
    assert!(app.message.contains("replaying"), "{}", app.message);
    app.update(Action::Tick(std::time::Duration::from_secs(60)));
    let now = app.session.as_ref().map(|s| s.drill.now()).expect("session");
    assert!(now > Minutes(0), "the replay moved on by itself");
    both_sizes("replay_playing", &app);
    app.update(Action::Tick(std::time::Duration::from_secs(3600)));
    let s = app.session.as_ref().expect("session");
    assert!(s.drill.now() <= Minutes(3 * 60), "it stops where the record does");
    let help = {
        app.update(Action::Help);
        draw(&app, 120, 40)
    };
    assert!(!help.contains("end the drill"), "review has no x:\n{help}");
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
        // A team seat opens on the briefing (checked above); on to the drill.
        app.overlay = None;
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

#[test]
fn enter_on_an_inject_reads_it_in_full_then_decides() {
    let mut app = drill(SeatMode::Team("management".into()), Minutes(0));
    let s = app.session.as_mut().expect("session");
    let fire = Command::FireInject { inject: "inj-ransom-note".into() };
    s.drill.submit(&Seat::Facilitator, fire).expect("fired");
    s.drill.advance(1);
    s.refresh();
    app.update(Action::NextPane);
    app.update(Action::Enter);
    assert!(
        matches!(&app.overlay, Some(Overlay::Reader(crate::app::Reading::Inject(id), 0)) if id == "inj-ransom-note"),
        "the message opens to read"
    );
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("Enter: decide"), "{screen}");
    app.update(Action::Enter);
    let items = menu(&app);
    assert!(!items.is_empty(), "Enter goes on to the decision");
    let Some(Overlay::Menu { title, .. }) = &app.overlay else { return };
    assert!(title.starts_with("Decide: ") && !title.contains("inj-"), "{title}");
}

#[test]
fn a_click_selects_an_estate_row_only_within_the_list() {
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let app = drill(SeatMode::Team("it".into()), Minutes(60));
    let size = ratatui::layout::Rect::new(0, 0, 120, 40);
    let rows = super::estate_rows(size);
    let click = |column, row| MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    let input = crate::input::mouse_action;
    assert_eq!(input(&app, click(rows.x + 3, rows.y + 2), rows), Some(Action::ClickRow(2)));
    // The same row in the pane beside the list, or on the list's border, selects nothing.
    assert_eq!(input(&app, click(rows.x + rows.width + 5, rows.y + 2), rows), None);
    assert_eq!(input(&app, click(rows.x.saturating_sub(1), rows.y + 2), rows), None);
    assert_eq!(input(&app, click(rows.x + 3, rows.y + rows.height), rows), None);
}

#[test]
fn quitting_a_live_drill_asks_first_and_names_the_resume_command() {
    let mut app = drill(SeatMode::Team("it".into()), Minutes(60));
    app.update(Action::Quit);
    assert!(matches!(app.overlay, Some(Overlay::ConfirmQuit)) && !app.quit);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("tabletop resume ransomware-seed7.log"), "{screen}");
    both_sizes("confirm_quit", &app);
    app.update(Action::Back);
    assert!(app.overlay.is_none() && !app.quit, "Esc goes back to the drill");
    app.update(Action::Quit);
    app.update(Action::Quit);
    assert!(app.quit, "q twice quits");
    let mut app = drill(SeatMode::Team("it".into()), Minutes(60));
    app.update(Action::Interrupt);
    assert!(app.quit, "Ctrl-C quits at once");
}

#[test]
fn after_the_drill_a_seat_gives_its_hotwash_in_three_remarks() {
    // A drill ended early is not over: its log is resumed, not reviewed.
    let mut early = drill(SeatMode::Team("it".into()), Minutes(60));
    early.update(Action::EndDrill);
    early.update(Action::EndDrill);
    assert!(matches!(early.screen, Screen::Summary));
    assert!(!draw(&early, 100, 30).contains("h hotwash"));
    early.update(Action::Hotwash);
    assert!(early.overlay.is_none() && early.message.contains("tabletop resume"));
    let mut app = drill(SeatMode::Team("it".into()), Minutes(60));
    if let Some(s) = app.session.as_mut() {
        s.drill.run_to_end();
    }
    app.update(Action::Tick(std::time::Duration::from_millis(1)));
    assert!(matches!(app.screen, Screen::Summary));
    assert!(draw(&app, 100, 30).contains("h hotwash"), "the footer offers it");
    app.update(Action::Hotwash);
    assert!(draw(&app, 100, 30).contains("hotwash 1/3: one thing that went well"));
    for c in "fast failover".chars() {
        app.update(Action::Char(c));
    }
    app.update(Action::Enter);
    // A problem left empty is skipped; the suggestion is kept.
    app.update(Action::Enter);
    for c in "patch sooner".chars() {
        app.update(Action::Char(c));
    }
    app.update(Action::Enter);
    assert!(app.overlay.is_none());
    let said: Vec<(ObservationKind, String, String)> = app
        .said
        .iter()
        .filter_map(|r| match r {
            Review::Observation { by, kind, text, .. } => Some((*kind, by.clone(), text.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        said,
        [
            (ObservationKind::Strength, "it".to_owned(), "fast failover".to_owned()),
            (ObservationKind::Suggestion, "it".to_owned(), "patch sooner".to_owned()),
        ]
    );
}
