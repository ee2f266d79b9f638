//! Events in the words of the scenario: action, team, inject and objective names where the
//! engine's one-line form has ids, for what people read on screen (the facilitator's feed,
//! a replay's jumps). Events without ids keep the engine's wording.

use tabletop_engine::Event;

use super::Session;

/// One line for `e`, with names instead of ids.
pub fn describe(s: &Session, e: &Event) -> String {
    let scenario = s.drill.scenario();
    let on = |t: &Option<String>| t.as_deref().map(|t| format!(" {t}")).unwrap_or_default();
    let inject = |id: &str| {
        scenario
            .injects
            .iter()
            .find(|i| i.id == id)
            .map_or_else(|| id.to_owned(), |i| format!("“{}”", i.title))
    };
    match e {
        Event::ActionStarted { team, action, target, completes, .. } => format!(
            "{} started {}{} (done {})",
            s.team_name(team),
            s.action_phrase(action),
            on(target),
            completes.clock()
        ),
        Event::ActionCompleted { team, action, target, .. } => {
            format!("{} completed {}{}", s.team_name(team), s.action_phrase(action), on(target))
        }
        Event::ActionFailed { team, action, target, reason, .. } => format!(
            "{}: {}{} failed: {reason}",
            s.team_name(team),
            s.action_phrase(action),
            on(target)
        ),
        Event::RequestSent { id, from, to, action, target, .. } => format!(
            "{} asked {} to {}{} (request #{id})",
            s.team_name(from),
            s.team_name(to),
            s.action_phrase(action),
            on(target)
        ),
        Event::InjectDelivered { inject: id, teams } => format!(
            "{} to {}",
            inject(id),
            teams.iter().map(|t| s.team_name(t)).collect::<Vec<_>>().join(", ")
        ),
        Event::DecisionTaken { inject: id, choice, by } => {
            let label = scenario
                .injects
                .iter()
                .find(|i| &i.id == id)
                .and_then(|i| i.decision.as_ref()?.choices.iter().find(|c| &c.id == choice))
                .map_or_else(|| choice.clone(), |c| format!("“{}”", c.label));
            format!("{by} chose {label} for {}", inject(id))
        }
        Event::ExpectationMet { inject: id } => {
            format!("in time: the response to {}", inject(id))
        }
        Event::ExpectationMissed { inject: id } => {
            format!("late: the response to {}", inject(id))
        }
        Event::ObjectiveMet { objective } | Event::ObjectiveMissed { objective } => {
            let what = scenario
                .objectives
                .iter()
                .find(|o| &o.id == objective)
                .map_or_else(|| objective.clone(), |o| format!("“{}”", o.description));
            let verdict = if matches!(e, Event::ObjectiveMet { .. }) { "met" } else { "missed" };
            format!("objective {verdict}: {what}")
        }
        Event::TaskMet { task }
        | Event::TaskMissed { task }
        | Event::TaskDoneLate { task }
        | Event::TaskNotDue { task } => {
            let what = scenario
                .critical_tasks
                .iter()
                .find(|t| &t.id == task)
                .map_or_else(|| task.clone(), |t| format!("“{}”", t.description));
            let verdict = match e {
                Event::TaskMet { .. } => "done in time",
                Event::TaskMissed { .. } => "missed",
                Event::TaskDoneLate { .. } => "done late",
                _ => "never due",
            };
            format!("critical task {verdict}: {what}")
        }
        other => other.to_string(),
    }
}
