//! The launcher (bundled scenarios), the seat chooser and the hot-seat handover screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

use super::theme::Theme;
use crate::app::App;
use tabletop_engine::scenario::DrillKind;

pub(super) fn render_launcher(
    app: &App,
    selected: usize,
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    let [list, detail] =
        Layout::horizontal([Constraint::Percentage(38), Constraint::Min(20)]).areas(area);
    let items: Vec<ListItem> = app
        .offers
        .iter()
        .map(|o| {
            let kind = match o.scenario.meta.kind {
                DrillKind::Breach => "breach",
                DrillKind::Disaster => "DR",
            };
            ListItem::new(Line::from(vec![
                Span::raw(o.scenario.meta.title.clone()),
                Span::styled(format!("  {kind}"), theme.dim()),
            ]))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(selected));
    frame.render_stateful_widget(
        List::new(items)
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(Span::styled(" tabletop — choose a scenario ", theme.title())),
            )
            .highlight_style(theme.selected())
            .highlight_symbol("› "),
        list,
        &mut state,
    );
    let Some(o) = app.offers.get(selected) else { return };
    let m = &o.scenario.meta;
    let kind = match m.kind {
        DrillKind::Breach => "breach drill",
        DrillKind::Disaster => "disaster-recovery drill",
    };
    let teams: Vec<&str> = o.scenario.teams.iter().map(|t| t.name.as_str()).collect();
    let mut text = Text::from(vec![
        Line::styled(m.title.clone(), theme.title()),
        Line::styled(
            format!(
                "{kind} · {} systems · {} sites · lasts {} · teams: {}",
                o.scenario.estate.systems.len(),
                o.scenario.estate.sites.len(),
                m.duration.clock(),
                teams.join(", ")
            ),
            theme.dim(),
        ),
        Line::raw(""),
        Line::raw(m.summary.clone()),
        Line::raw(""),
    ]);
    text.extend(m.briefing.lines().map(|l| Line::raw(l.trim().to_owned())));
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" briefing — r reads it in full, Enter to start "),
        ),
        detail,
    );
}

pub(super) fn render_seat_pick(
    app: &App,
    offer: usize,
    selected: usize,
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    let Some(o) = app.offers.get(offer) else { return };
    let choices = App::seat_choices(&o.scenario);
    let items: Vec<ListItem> =
        choices.iter().map(|(label, _)| ListItem::new(label.clone())).collect();
    let mut state = ListState::default().with_selected(Some(selected));
    let [top, list] = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
    frame.render_widget(
        Paragraph::new(vec![
            Line::styled(o.scenario.meta.title.clone(), theme.title()),
            Line::raw(format!("Who plays at this screen? (seed {}; Esc goes back)", app.seed)),
        ]),
        top,
    );
    frame.render_stateful_widget(
        List::new(items)
            .block(Block::default().borders(Borders::ALL).title(" seats "))
            .highlight_style(theme.selected())
            .highlight_symbol("› "),
        list,
        &mut state,
    );
}

pub(super) fn render_handover(app: &App, team: &str, frame: &mut Frame, area: Rect, theme: Theme) {
    let name = app
        .session
        .as_ref()
        .and_then(|s| {
            s.drill.scenario().teams.iter().find(|t| t.id == team).map(|t| t.name.clone())
        })
        .unwrap_or_else(|| team.to_owned());
    let text = vec![
        Line::raw(""),
        Line::styled(format!("Hand the keyboard to {name}."), theme.title()),
        Line::raw(""),
        Line::raw("The clock is paused and the previous seat's screen is gone."),
        Line::raw(format!("{name}: press Enter when you are seated.")),
    ];
    frame.render_widget(
        Paragraph::new(text)
            .alignment(ratatui::layout::Alignment::Center)
            .block(Block::default().borders(Borders::ALL).title(" hot seat ")),
        area,
    );
}
