//! Drill time cannot overflow: `check` bounds every span a scenario adds to the clock, and
//! the simulation adds them saturating, so a deadline beyond every drill stays beyond it
//! instead of wrapping round to the minute it was set (and a debug build does not panic).

#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;

use tabletop_engine::scenario::{self, Minutes, Scenario};
use tabletop_engine::{Drill, Event, TimedEvent};

const BASE: &str = include_str!("fixtures/base.ron");

/// The base scenario with `from` replaced by `to` (which must occur exactly once).
fn with(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replacen(from, to, 1)
}

fn load(text: &str) -> Scenario {
    let checked = scenario::check_bytes("time.ron", text.as_bytes());
    let diagnostics = checked.diagnostics.to_string();
    checked.scenario.unwrap_or_else(|| panic!("does not check clean:\n{diagnostics}"))
}

fn codes(text: &str) -> Vec<&'static str> {
    let checked = scenario::check_bytes("time.ron", text.as_bytes());
    checked.diagnostics.items.iter().map(|d| d.code).collect()
}

fn delivered(events: &[TimedEvent], id: &str) -> Option<Minutes> {
    events.iter().find_map(|e| match &e.event {
        Event::InjectDelivered { inject, .. } if inject == id => Some(e.at),
        _ => None,
    })
}

fn missed(events: &[TimedEvent]) -> Vec<(Minutes, String)> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            Event::ExpectationMissed { inject } => Some((e.at, inject.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn the_longest_within_check_accepts_is_30d() {
    let text = with(BASE, "within: \"1h\"", "within: \"30d\"");
    assert_eq!(codes(&text), Vec::<&str>::new());
    for longer in ["30d1m", "4294967295m"] {
        let text = with(BASE, "within: \"1h\"", &format!("within: \"{longer}\""));
        assert_eq!(codes(&text), ["out-of-range"], "{longer}");
    }
    let text = with(BASE, "within: \"1h\"", "within: \"4294967296m\"");
    assert_eq!(codes(&text), ["syntax"], "past 2^32-1 minutes is not a duration");
}

#[test]
fn an_expectation_within_the_longest_span_is_open_all_drill() {
    // The longest drill, the inject at 01:00, and as long to respond as a drill lasts: the
    // deadline falls after the end, so the expectation is never missed during the drill.
    let text = with(BASE, "duration: \"8h\"", "duration: \"30d\"");
    let text = with(&text, "within: \"1h\"", "within: \"30d\"");
    let mut drill = Drill::new(Arc::new(load(&text)), 1);
    drill.run_to_end();
    let events = drill.events_since(0);
    assert_eq!(delivered(events, "call"), Some(Minutes(60)));
    assert!(events.iter().any(|e| matches!(e.event, Event::DrillEnded { .. })));
    assert_eq!(missed(events), []);
}

#[test]
fn a_deadline_past_the_end_of_time_saturates_instead_of_wrapping() {
    // `check` rejects these spans; the simulation must still not wrap them round to the
    // minute they were set (in release) or panic (in debug) for a scenario built in code.
    let mut s = load(BASE);
    for inject in &mut s.injects {
        if let Some(exp) = &mut inject.expects {
            exp.within = Minutes::MAX;
        }
        if let Some(d) = &mut inject.decision {
            d.within = Some(Minutes::MAX);
        }
    }
    for event in &mut s.events {
        event.lasts = Some(Minutes::MAX);
    }
    let mut drill = Drill::new(Arc::new(s), 1);
    drill.advance_to(Minutes::hours(8));
    let events = drill.events_since(0);
    assert_eq!(delivered(events, "call"), Some(Minutes(60)));
    assert_eq!(missed(events), [], "missed the minute its inject arrived");
    assert!(events.iter().any(|e| matches!(e.event, Event::DrillEnded { .. })));
}
