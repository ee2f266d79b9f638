//! A team's drill screen: its own view of the estate, inbox, requests, actions in progress,
//! its key figure and the clock. Everything here comes from the seat's view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, List, ListItem, ListState, Paragraph, Wrap};
use tabletop_engine::model::{InboxItem, RequestState, Verdict};
use tabletop_engine::scenario::{Role, SystemState, alert_summary};
use tabletop_engine::view::SeatView;

use super::theme::{Theme, glyph};
use super::{money, window};
use crate::app::{Pane, SPEEDS, Session};

/// The estate list's area within the main area (shared with mouse hit-testing).
pub(super) fn estate_area(main: Rect) -> Rect {
    let [_, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(main);
    let [left, _] =
        Layout::horizontal([Constraint::Percentage(48), Constraint::Min(20)]).areas(body);
    left
}

pub(super) fn render(s: &Session, frame: &mut Frame, area: Rect, theme: Theme) {
    let Some(v) = &s.view else { return };
    let [header, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    render_header(s, v, frame, header, theme);
    let left = estate_area(area);
    let [_, right] =
        Layout::horizontal([Constraint::Percentage(48), Constraint::Min(20)]).areas(body);
    render_estate(s, frame, left, theme);
    let detail_rows = if matches!(s.pane, Pane::Inbox | Pane::Requests) { 9 } else { 5 };
    // The requests and in-progress panes grow with what they hold (up to what the team
    // can have running), the inbox takes the rest.
    let requests_rows = (v.requests_in.len() + v.sent.len()).clamp(1, 6) as u16 + 2;
    let running_rows = v.running.len().clamp(1, v.capacity.max(1) as usize) as u16 + 2;
    let [detail, inbox, requests, running] = Layout::vertical([
        Constraint::Length(detail_rows),
        Constraint::Min(3),
        Constraint::Length(requests_rows),
        Constraint::Length(running_rows),
    ])
    .areas(right);
    if s.pane == Pane::Inbox {
        render_message(s, v, frame, detail, theme);
    } else if s.pane == Pane::Requests {
        render_request(s, v, frame, detail, theme);
    } else {
        render_detail(s, frame, detail, theme);
    }
    render_inbox(s, v, frame, inbox, theme);
    render_requests(s, v, frame, requests, theme);
    render_running(s, v, frame, running, theme);
}

fn block(title: String, focused: bool, theme: Theme) -> Block<'static> {
    let b = Block::default().borders(Borders::ALL).title(title);
    if focused { b.border_style(theme.title()) } else { b }
}

fn render_header(s: &Session, v: &SeatView, frame: &mut Frame, area: Rect, theme: Theme) {
    let clock = format!(
        "T+{}/{} {}",
        v.now.clock(),
        v.end.clock(),
        if s.paused { "⏸".to_owned() } else { format!("▶×{}", SPEEDS[s.speed]) }
    );
    let currency = &s.drill.scenario().meta.currency;
    let figure = match v.role {
        Role::Security => {
            format!("alerts {} · compromised {}", s.open_alerts(), v.known_compromised().count())
        }
        // A seat that watches no systems (management, legal) has decisions, not outages.
        _ if v.systems.is_empty() => format!("decisions waiting {}", v.decisions.len()),
        _ => {
            let rate: u64 = v.known_down().map(|k| k.criticality).sum();
            format!("down {} · {}/h", v.known_down().count(), money(rate, currency))
        }
    };
    let free = v.capacity.saturating_sub(s.hands);
    let line = Line::from(vec![
        Span::styled(format!(" {} ", v.name), theme.title()),
        Span::raw(format!("│ {clock} │ ")),
        Span::styled(figure, theme.bad()),
        Span::raw(format!(" │ hands free {free}/{}", v.capacity)),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn render_estate(s: &Session, frame: &mut Frame, area: Rect, theme: Theme) {
    let systems = s.visible_systems();
    let height = area.height.saturating_sub(2) as usize;
    let sel = s.sel("estate").min(systems.len().saturating_sub(1));
    let (rows, at) = window(systems.len(), sel, height);
    // The id takes what the row has left after the state, flags, zone and word.
    let id_width = (area.width.saturating_sub(2) as usize).saturating_sub(26).max(11);
    let items: Vec<ListItem> = systems[rows]
        .iter()
        .map(|k| {
            let state = k.state.map(|(st, _)| st);
            let (g, word) = glyph(state);
            // An indicator pointing at a system counts until a finding answers it.
            let flag = match (k.compromise, &k.suspected) {
                (Some((true, _, _)), _) => Span::styled(" !", theme.bad()),
                (_, Some(_)) => Span::styled(" ?", theme.bad()),
                (Some((false, _, _)), None) => Span::styled(" -", theme.dim()),
                (None, None) => Span::raw("  "),
            };
            ListItem::new(Line::from(vec![
                Span::styled(format!("{g} "), theme.state(state)),
                Span::raw(format!("{:<id_width$.id_width$}", k.id)),
                flag,
                Span::styled(format!(" {:<10.10}", k.zone), theme.dim()),
                Span::styled(format!(" {word}"), theme.state(state)),
            ]))
        })
        .collect();
    let filter =
        if s.filter.is_empty() { String::new() } else { format!(" filter: {} ", s.filter) };
    let title = format!(
        " estate {}/{}{filter}",
        systems.len(),
        s.view.as_ref().map_or(0, |v| v.systems.len())
    );
    let mut state = ListState::default().with_selected(Some(at));
    frame.render_stateful_widget(
        List::new(items)
            .block(block(title, s.pane == Pane::Estate, theme))
            .highlight_style(theme.selected()),
        area,
        &mut state,
    );
}

fn render_detail(s: &Session, frame: &mut Frame, area: Rect, theme: Theme) {
    let systems = s.visible_systems();
    let Some(k) = systems.get(s.sel("estate")) else {
        frame.render_widget(
            Paragraph::new("no system matches the filter").block(block(
                " system ".into(),
                false,
                theme,
            )),
            area,
        );
        return;
    };
    let mut state = match k.state {
        Some((st, at)) => format!("{} since {}", glyph(Some(st)).1, at.clock()),
        None => "not seen yet".to_owned(),
    };
    // A system down for want of another says so: fixing it means fixing that one.
    if matches!(k.state, Some((st, _)) if st != SystemState::Online) {
        let waits: Vec<String> = s
            .drill
            .scenario()
            .estate
            .systems
            .iter()
            .find(|x| x.id == k.id)
            .map(|x| x.depends_on.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(|d| {
                let known = s.view.as_ref()?.systems.iter().find(|y| &y.id == d)?;
                let (st, _) = known.state?;
                (st != SystemState::Online).then(|| format!("{d} ({})", glyph(Some(st)).1))
            })
            .collect();
        if !waits.is_empty() {
            state.push_str(&format!(", waits on {}", waits.join(", ")));
        }
    }
    let compromise = match k.compromise {
        Some((true, at, how)) => format!("compromised (found {} by {how:?})", at.clock()),
        Some((false, at, _)) => {
            format!("nothing found when checked at {} (not an all-clear)", at.clock())
        }
        None => "no finding".to_owned(),
    };
    let currency = &s.drill.scenario().meta.currency;
    let mut lines = vec![
        Line::from(vec![
            Span::styled(k.name.clone(), theme.title()),
            Span::styled(format!("  {:?} · {}/{}", k.kind, k.site, k.zone), theme.dim()),
        ]),
        Line::from(vec![
            Span::styled(state, theme.state(k.state.map(|x| x.0))),
            Span::raw(format!(" · {}/h down", money(k.criticality, currency))),
        ]),
        Line::raw(compromise),
    ];
    // A suspicion stands until a finding about the system answers it: it says more than
    // "no finding", in the line that has room for it.
    if let Some((at, why)) = &k.suspected
        && !matches!(k.compromise, Some((true, _, _)))
        && let Some(last) = lines.last_mut()
    {
        *last = Line::styled(format!("suspected since {}: {why}", at.clock()), theme.bad());
    }
    frame.render_widget(
        Paragraph::new(lines).block(block(format!(" {} — Enter: actions ", k.id), false, theme)),
        area,
    );
}

fn render_inbox(s: &Session, v: &SeatView, frame: &mut Frame, area: Rect, theme: Theme) {
    let scenario = s.drill.scenario();
    let len = v.inbox.len();
    let items: Vec<ListItem> = v
        .inbox
        .iter()
        .enumerate()
        .rev()
        .map(|(ix, item)| (s.is_read(ix), item))
        .map(|(read, item)| match item {
            InboxItem::Inject { at, id } => {
                let inject = scenario.injects.iter().find(|i| &i.id == id);
                let title = inject.map_or(id.as_str(), |i| i.title.as_str());
                let decide = if v.decisions.iter().any(|d| &d.inject == id) {
                    " [decide: Enter]"
                } else {
                    ""
                };
                ListItem::new(Line::from(vec![
                    unread_mark(read, theme),
                    Span::styled(format!("{} ✉ ", at.clock()), theme.dim()),
                    Span::styled(format!("{title}{decide}"), theme.title()),
                ]))
            }
            InboxItem::Alert { at, id, system, technique } => {
                let summary = alert_summary(technique);
                let (mark, style) = match v.triaged.get(id) {
                    Some(Verdict::FalsePositive) => ("  false positive", theme.dim()),
                    Some(Verdict::Escalate) => ("▲ escalated ", theme.bad()),
                    None => ("", Style::default()),
                };
                ListItem::new(Line::from(vec![
                    unread_mark(read, theme),
                    Span::styled(format!("{} ⚠ ", at.clock()), theme.bad()),
                    Span::styled(mark, style),
                    Span::styled(format!("{system}: {summary}"), style),
                ]))
            }
        })
        .collect();
    let title = format!(" inbox ({} unread of {len}) ", s.unread());
    let mut state =
        ListState::default().with_selected((s.pane == Pane::Inbox).then(|| s.sel("inbox")));
    frame.render_stateful_widget(
        List::new(items)
            .block(block(title, s.pane == Pane::Inbox, theme))
            .highlight_style(theme.selected()),
        area,
        &mut state,
    );
}

/// The selected inbox item in full.
fn render_message(s: &Session, v: &SeatView, frame: &mut Frame, area: Rect, theme: Theme) {
    let item = v.inbox.iter().rev().nth(s.sel("inbox"));
    let (title, body) = match item {
        Some(InboxItem::Inject { at, id }) => {
            let inject = s.drill.scenario().injects.iter().find(|i| &i.id == id);
            let text = inject
                .map(|i| i.text.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            let decide =
                if v.decisions.iter().any(|d| &d.inject == id) { "  Enter: decide" } else { "" };
            (
                format!(
                    " {} {}{decide} ",
                    at.clock(),
                    inject.map_or(id.as_str(), |i| i.title.as_str())
                ),
                text,
            )
        }
        Some(InboxItem::Alert { at, id, system, technique }) => (
            format!(" {} alert #{id} — Enter: triage ", at.clock()),
            format!(
                "{} on {system}. Investigate to tell a real intrusion from noise.",
                alert_summary(technique)
            ),
        ),
        None => (" message ".to_owned(), "nothing in the inbox yet".to_owned()),
    };
    frame.render_widget(
        Paragraph::new(body).wrap(Wrap { trim: true }).block(block(title, false, theme)),
        area,
    );
}

/// The selected request in full: who asked what, its price, and every answer it got.
fn render_request(s: &Session, v: &SeatView, frame: &mut Frame, area: Rect, theme: Theme) {
    let currency = &s.drill.scenario().meta.currency;
    let ix = s.sel("requests");
    let target = |t: &Option<String>| t.as_deref().map(|t| format!(" {t}")).unwrap_or_default();
    let (title, lines) = if let Some(r) = v.requests_in.get(ix) {
        let mut lines = vec![Line::raw(format!(
            "{} {} {}{} (sent {}).",
            s.team_name(&r.from),
            if r.approval { "asks your approval to" } else { "asks you to" },
            s.action_phrase(&r.action),
            target(&r.target),
            r.sent.clock()
        ))];
        if !r.note.trim().is_empty() {
            lines.push(Line::raw(format!("“{}”", r.note.trim())));
        }
        if r.cost_per_hour > 0 {
            lines.push(Line::styled(
                format!("Outage while it runs: ~{}/h", money(r.cost_per_hour, currency)),
                theme.bad(),
            ));
        }
        lines.push(Line::styled(
            format!("Expires {}: a accepts, d declines (say why).", r.expires.clock()),
            theme.dim(),
        ));
        (format!(" request #{} to your team ", r.id), lines)
    } else if let Some(r) =
        ix.checked_sub(v.requests_in.len()).and_then(|i| v.sent.iter().rev().nth(i))
    {
        let style = match r.state {
            RequestState::Declined { .. } | RequestState::Expired => theme.bad(),
            RequestState::Accepted => theme.good(),
            _ => Style::default(),
        };
        let mut lines = vec![
            Line::raw(format!(
                "Your team asked {} {}{}{} at {}.",
                s.team_name(&r.to),
                if r.approval { "to approve: " } else { "to " },
                s.action_phrase(&r.action),
                target(&r.target),
                r.at.clock()
            )),
            Line::styled(format!("Answer: {}", r.state), style),
        ];
        if matches!(r.state, RequestState::Open { .. }) {
            lines.push(Line::styled("w withdraws it.", theme.dim()));
        }
        (format!(" request #{} from your team ", r.id), lines)
    } else {
        (" request ".to_owned(), vec![Line::styled("no requests yet", theme.dim())])
    };
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block(title, false, theme)),
        area,
    );
}

fn render_requests(s: &Session, v: &SeatView, frame: &mut Frame, area: Rect, theme: Theme) {
    let currency = &s.drill.scenario().meta.currency;
    let mut items: Vec<ListItem> = v
        .requests_in
        .iter()
        .map(|r| {
            let what = if r.approval { "asks approval to" } else { "asks you to" };
            let cost = if r.cost_per_hour > 0 {
                format!(", outage ~{}/h", money(r.cost_per_hour, currency))
            } else {
                String::new()
            };
            ListItem::new(Line::from(vec![
                Span::styled("← ", theme.bad()),
                Span::raw(format!(
                    "{} {what} {} {}{cost} (a/d, expires {})",
                    s.team_name(&r.from),
                    s.action_phrase(&r.action),
                    r.target.clone().unwrap_or_default(),
                    r.expires.clock()
                )),
            ]))
        })
        .collect();
    // What the team asked, newest first, with every answer it got.
    items.extend(v.sent.iter().rev().map(|r| {
        let open = matches!(r.state, RequestState::Open { .. });
        let style = match r.state {
            RequestState::Declined { .. } | RequestState::Expired => theme.bad(),
            _ if open => Style::default(),
            _ => theme.dim(),
        };
        ListItem::new(Line::styled(
            format!(
                "→ {} {}{} {}: {}{}",
                s.team_name(&r.to),
                if r.approval { "to approve " } else { "" },
                s.action_phrase(&r.action),
                r.target.clone().unwrap_or_default(),
                r.state,
                if open { " (w: withdraw)" } else { "" }
            ),
            style,
        ))
    }));
    let rows = v.requests_in.len() + v.sent.len();
    let mut state = ListState::default()
        .with_selected((s.pane == Pane::Requests && rows > 0).then(|| s.sel("requests")));
    frame.render_stateful_widget(
        List::new(items)
            .block(block(
                format!(" requests ({} to answer) ", v.requests_in.len()),
                s.pane == Pane::Requests,
                theme,
            ))
            .highlight_style(theme.selected()),
        area,
        &mut state,
    );
}

fn render_running(s: &Session, v: &SeatView, frame: &mut Frame, area: Rect, theme: Theme) {
    let b = block(
        format!(" in progress ({}/{} busy) ", v.busy, v.capacity),
        s.pane == Pane::Running,
        theme,
    );
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if v.running.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled("nothing running", theme.dim())).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    for (i, r) in v.running.iter().enumerate().take(inner.height as usize) {
        let row = Rect { y: inner.y + i as u16, height: 1, ..inner };
        let total = r.completes.0.saturating_sub(r.started.0).max(1);
        let done = v.now.0.saturating_sub(r.started.0).min(total);
        let selected = s.pane == Pane::Running && s.sel("running") == i;
        let label = format!(
            "{} {} (done {})",
            s.action_name(&r.action),
            r.target.clone().unwrap_or_default(),
            r.completes.clock()
        );
        let gauge = Gauge::default()
            .ratio(f64::from(done) / f64::from(total))
            .label(label)
            .gauge_style(if theme.colour { theme.title() } else { Style::default() });
        let gauge = if selected { gauge.style(theme.selected()) } else { gauge };
        frame.render_widget(gauge, row);
    }
}

/// A dot before an inbox item not yet read (selected) by this seat.
fn unread_mark(read: bool, theme: Theme) -> Span<'static> {
    if read { Span::raw("  ") } else { Span::styled("• ", theme.title()) }
}
