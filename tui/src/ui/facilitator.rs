//! The facilitator console: the truth (state and compromise of every system, the stages,
//! what each team knows), the clock, the feed of events.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph};

use super::theme::{Theme, glyph};
use super::{money, window};
use tabletop_engine::model::StageStatus;

use crate::app::{SPEEDS, Session};

pub(super) fn render(s: &Session, frame: &mut Frame, area: Rect, theme: Theme) {
    let Some(t) = &s.truth else { return };
    let [header, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let currency = &s.drill.scenario().meta.currency;
    let clock = format!(
        "T+{} / {} {}",
        t.now.clock(),
        t.end.clock(),
        if s.paused { "⏸ paused".to_owned() } else { format!("▶ ×{}", SPEEDS[s.speed]) }
    );
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" Facilitator (truth) ", theme.title()),
            Span::raw(format!(
                "│ {clock} │ cost {} ({}/h) │ exfiltrated {:.1} GB │ notes {}",
                money(t.cost, currency),
                money(t.cost_rate, currency),
                t.exfiltrated_gb,
                s.notes
            )),
        ])),
        header,
    );
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Min(20)]).areas(body);
    let height = left.height.saturating_sub(2) as usize;
    let sel = s.sel("truth").min(t.systems.len().saturating_sub(1));
    let (rows, at) = window(t.systems.len(), sel, height);
    let items: Vec<ListItem> = t.systems[rows]
        .iter()
        .map(|sys| {
            let (g, word) = glyph(Some(sys.state));
            // Everything the attacker holds there, so the facilitator sees what is left.
            let held: Vec<String> = [
                sys.foothold.map(|p| format!("{p:?}")),
                sys.persistence.then(|| "pers".to_owned()),
                sys.c2.then(|| "C2".to_owned()),
                sys.exfiltration.then(|| "exfil".to_owned()),
            ]
            .into_iter()
            .flatten()
            .collect();
            let attacker = if held.is_empty() {
                Span::raw("")
            } else {
                Span::styled(format!(" {}", held.join("+")), theme.bad())
            };
            ListItem::new(Line::from(vec![
                Span::styled(format!("{g} "), theme.state(Some(sys.state))),
                Span::raw(format!("{:<11.11}", sys.id)),
                Span::styled(format!(" {word:<9}"), theme.state(Some(sys.state))),
                attacker,
            ]))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(at));
    frame.render_stateful_widget(
        List::new(items)
            .block(Block::default().borders(Borders::ALL).title(" systems: truth "))
            .highlight_style(theme.selected()),
        left,
        &mut state,
    );
    // Every stage shows when there is room: the late ones are what the facilitator waits for.
    let stage_rows = (t.stages.len() as u16 + 2).clamp(3, (body.height / 2).max(9));
    let team_rows = (t.teams.len() as u16 + 2).clamp(3, 6);
    let [stages, teams, feed] = Layout::vertical([
        Constraint::Length(stage_rows),
        Constraint::Length(team_rows),
        Constraint::Min(3),
    ])
    .areas(right);
    let stage_items: Vec<ListItem> = t
        .stages
        .iter()
        .map(|st| {
            let style = match st.status {
                StageStatus::Succeeded => theme.bad(),
                StageStatus::Running { .. } => theme.title(),
                StageStatus::Waiting | StageStatus::Retrying { .. } | StageStatus::Abandoned => {
                    theme.dim()
                }
            };
            ListItem::new(Line::from(vec![
                Span::raw(format!("{:<14.14} {:<10}", st.id, st.technique)),
                Span::styled(st.status.to_string(), style),
            ]))
        })
        .collect();
    let attacker = if t.stages.is_empty() {
        " attacker: none ".to_owned()
    } else {
        " attacker stages ".to_owned()
    };
    frame.render_widget(
        List::new(stage_items).block(Block::default().borders(Borders::ALL).title(attacker)),
        stages,
    );
    let team_items: Vec<ListItem> = t
        .teams
        .iter()
        .map(|k| {
            ListItem::new(format!(
                "{:<10.10} down {} · alerts {} · compromised: {}",
                k.team,
                k.sees_down.len(),
                k.alerts,
                if k.believes_compromised.is_empty() {
                    "none".to_owned()
                } else {
                    k.believes_compromised.join(", ")
                }
            ))
        })
        .collect();
    frame.render_widget(
        List::new(team_items)
            .block(Block::default().borders(Borders::ALL).title(" what each team knows ")),
        teams,
    );
    let rows = feed.height.saturating_sub(2) as usize;
    let start = s.feed.len().saturating_sub(rows);
    let feed_items: Vec<ListItem> =
        s.feed[start..].iter().map(|l| ListItem::new(l.clone())).collect();
    frame.render_widget(
        List::new(feed_items).block(Block::default().borders(Borders::ALL).title(
            if s.review.is_some() {
                " events so far (notes included) "
            } else {
                " events — i: fire inject · n: note · x: end "
            },
        )),
        feed,
    );
}
