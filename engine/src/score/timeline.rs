//! The timeline of notable events, and what the timeline chart draws: system states over
//! time, team actions and attack stages.

use std::collections::{BTreeMap, BTreeSet};

use super::context::Ctx;
use super::report::{
    ActionBar, ActionOutcome, Chart, Lane, ObjectiveResult, Segment, StageBar, StageOutcome,
    TimelineEntry,
};
use crate::model::{Decider, Event, FootholdStatus};
use crate::scenario::Phase;

/// The events worth reading, in order. Monitoring observations and false-positive alerts
/// are left out; repeated true-positive alerts about the same thing appear once, counted.
pub(crate) fn timeline(ctx: &Ctx<'_>, objectives: &[ObjectiveResult]) -> Vec<TimelineEntry> {
    let mut alert_counts: BTreeMap<(&str, &str, &str), u32> = BTreeMap::new();
    for (_, e) in &ctx.events {
        if let Event::Alert { team, system, technique, true_positive: true, .. } = e {
            *alert_counts.entry((team, system, technique)).or_default() += 1;
        }
    }
    let mut requests: BTreeMap<u64, (&str, &str)> = BTreeMap::new();
    // Systems with a foothold: a new one's first "usable" repeats its compromise.
    let mut held: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    for (at, e) in &ctx.events {
        let attacker = || "attacker".to_owned();
        let engine = || "engine".to_owned();
        let mut text = e.to_string();
        let (kind, actor, phase, system): (&str, String, Option<Phase>, Option<&String>) = match e {
            // Availability follows the state changes already listed; a task never due is
            // not a moment of the drill (the ratings list it).
            Event::Observed { .. }
            | Event::Alert { true_positive: false, .. }
            | Event::AvailabilityChanged { .. }
            | Event::TaskNotDue { .. } => continue,
            Event::Alert { team, system, technique, .. } => {
                let key = (team.as_str(), system.as_str(), technique.as_str());
                match alert_counts.remove(&key) {
                    Some(n) if n > 1 => text.push_str(&format!(" ({n} alerts in all)")),
                    Some(_) => {}
                    None => continue,
                }
                ("alert", engine(), Some(Phase::Detect), Some(system))
            }
            Event::ActionStarted { team, action, target, .. } => {
                ("action_started", team.clone(), Some(ctx.phase_of(action)), target.as_ref())
            }
            Event::ActionCompleted { team, action, target, .. } => {
                ("action_completed", team.clone(), Some(ctx.phase_of(action)), target.as_ref())
            }
            Event::ActionFailed { team, action, target, .. } => {
                ("action_failed", team.clone(), Some(ctx.phase_of(action)), target.as_ref())
            }
            Event::ActionCancelled { team, .. } => ("action_cancelled", team.clone(), None, None),
            Event::StateChanged { system, .. } => ("state_changed", engine(), None, Some(system)),
            Event::DataLost { system, .. } => ("data_lost", engine(), None, Some(system)),
            Event::EvidenceDestroyed { system, .. } => {
                ("evidence_destroyed", engine(), None, Some(system))
            }
            Event::Reinfected { system } => ("reinfected", attacker(), None, Some(system)),
            Event::ReEncrypted { system } => ("re_encrypted", attacker(), None, Some(system)),
            Event::DecryptorReceived { .. } => ("decryptor_received", engine(), None, None),
            Event::Decrypted { system, .. } => {
                ("decrypted", engine(), Some(Phase::Recover), Some(system))
            }
            Event::RequestSent { id, from, to, action, target, .. } => {
                requests.insert(*id, (to, action));
                ("request_sent", from.clone(), Some(ctx.phase_of(action)), target.as_ref())
            }
            Event::RequestAnswered { id, .. } => {
                let (to, action) = requests.get(id).copied().unwrap_or(("engine", ""));
                ("request_answered", to.to_owned(), Some(ctx.phase_of(action)), None)
            }
            Event::RequestExpired { .. } => ("request_expired", engine(), None, None),
            Event::RequestWithdrawn { id } => {
                let (_, action) = requests.get(id).copied().unwrap_or(("engine", ""));
                ("request_withdrawn", engine(), Some(ctx.phase_of(action)), None)
            }
            Event::RequestEscalated { to, .. } => ("request_escalated", to.clone(), None, None),
            Event::RuleOverruled { team, action, target, .. } => {
                ("rule_overruled", team.clone(), Some(ctx.phase_of(action)), target.as_ref())
            }
            Event::Disrupted { system, .. } => ("disrupted", engine(), None, Some(system)),
            Event::DisasterStarted { .. } => ("disaster_started", engine(), None, None),
            Event::DisasterEnded { .. } => ("disaster_ended", engine(), None, None),
            Event::FlagSet { flag } => {
                text = format!("flag {flag} set");
                ("flag_set", engine(), None, None)
            }
            Event::CostIncurred { .. } => ("cost_incurred", engine(), None, None),
            Event::CostPerHour { .. } => ("cost_per_hour", engine(), None, None),
            Event::Finding { team, system, .. } => {
                ("finding", team.clone(), Some(Phase::Detect), Some(system))
            }
            Event::Compromised { system, .. } => ("compromised", attacker(), None, Some(system)),
            Event::FootholdChanged { system, foothold } => {
                let new = match foothold {
                    FootholdStatus::Removed => !held.remove(system.as_str()),
                    _ => held.insert(system),
                };
                if new && *foothold == FootholdStatus::Usable {
                    continue;
                }
                ("foothold_changed", attacker(), None, Some(system))
            }
            Event::Evicted { system } => ("evicted", attacker(), None, Some(system)),
            Event::EvictedFromEstate => ("evicted_from_estate", attacker(), None, None),
            // Footholds and evictions are listed already; the rest of what it holds is the
            // truth's detail, shown in the report's presence section.
            Event::PresenceChanged { .. } => continue,
            Event::CampaignStalled => ("campaign_stalled", attacker(), None, None),
            Event::CampaignResumed => ("campaign_resumed", attacker(), None, None),
            Event::StageReacted { .. } => ("stage_reacted", attacker(), None, None),
            Event::Suspected { team, system, .. } => {
                ("suspected", team.clone(), Some(Phase::Detect), Some(system))
            }
            Event::StageStarted { .. } => ("stage_started", attacker(), None, None),
            Event::StageSucceeded { .. } => ("stage_succeeded", attacker(), None, None),
            Event::StageBlocked { .. } => ("stage_blocked", attacker(), None, None),
            Event::BackupsDestroyed { system, .. } => {
                ("backups_destroyed", attacker(), None, Some(system))
            }
            Event::CredentialStolen { .. } => ("credential_stolen", attacker(), None, None),
            Event::CredentialsReset { system, .. } => {
                ("credentials_reset", engine(), Some(Phase::Respond), Some(system))
            }
            Event::Exfiltrated { system, .. } => ("exfiltrated", attacker(), None, Some(system)),
            Event::AlertTriaged { team, system, .. } => {
                ("alert_triaged", team.clone(), Some(Phase::Detect), Some(system))
            }
            Event::InjectDelivered { inject, teams } => {
                if let Some(i) = ctx.scenario.injects.iter().find(|i| i.id == *inject) {
                    text = format!("inject {inject} “{}” → {}", i.title, teams.join(", "));
                }
                ("inject_delivered", engine(), None, None)
            }
            Event::DecisionTaken { by, .. } => {
                let actor = match by {
                    Decider::Team(t) => t.clone(),
                    Decider::Facilitator => "facilitator".to_owned(),
                    Decider::Timeout => engine(),
                };
                ("decision_taken", actor, None, None)
            }
            Event::ExpectationMet { inject } | Event::ExpectationMissed { inject } => {
                let phase = ctx
                    .scenario
                    .injects
                    .iter()
                    .find(|i| i.id == *inject)
                    .and_then(|i| i.expects.as_ref())
                    .map(|x| ctx.phase_of(&x.action));
                let kind = if matches!(e, Event::ExpectationMet { .. }) {
                    "expectation_met"
                } else {
                    "expectation_missed"
                };
                (kind, engine(), phase, None)
            }
            Event::ObjectiveMet { objective } | Event::ObjectiveMissed { objective } => {
                let phase = objectives.iter().find(|o| o.id == *objective).map(|o| o.phase);
                let kind = if matches!(e, Event::ObjectiveMet { .. }) {
                    "objective_met"
                } else {
                    "objective_missed"
                };
                (kind, engine(), phase, None)
            }
            Event::TaskMet { task } | Event::TaskMissed { task } | Event::TaskDoneLate { task } => {
                let (kind, verdict) = match e {
                    Event::TaskMet { .. } => ("task_met", "done in time"),
                    Event::TaskMissed { .. } => ("task_missed", "missed"),
                    _ => ("task_done_late", "done late"),
                };
                if let Some(t) = ctx.scenario.critical_tasks.iter().find(|t| t.id == *task) {
                    text = format!("critical task {verdict}: {} ({task})", t.description);
                }
                (kind, engine(), None, None)
            }
            Event::Note { .. } => ("note", "facilitator".to_owned(), None, None),
            Event::SeatPlayer { .. } => ("seat_player", "facilitator".to_owned(), None, None),
            Event::DrillEnded { .. } => ("drill_ended", engine(), None, None),
        };
        out.push(TimelineEntry {
            at: *at,
            kind: kind.to_owned(),
            actor,
            phase,
            system: system.cloned(),
            text,
        });
    }
    out
}

/// System state lanes, team action bars and attack stage bars.
pub(crate) fn chart(ctx: &Ctx<'_>) -> Chart {
    let stop = ctx.accrual_end();
    let end = stop.max(ctx.scenario.meta.duration.0);
    let order = |id: &str| ctx.scenario.estate.systems.iter().position(|s| s.id == id);
    let mut lanes: Vec<(u32, Option<usize>, Lane)> = ctx
        .state_history()
        .into_iter()
        .map(|(system, h)| {
            let segments = h
                .iter()
                .enumerate()
                .map(|(i, &(from, state))| Segment {
                    from,
                    to: h.get(i + 1).map_or(stop, |x| x.0),
                    state,
                })
                .filter(|s| s.to > s.from)
                .collect();
            let first = h.get(1).map_or(0, |x| x.0);
            (first, order(system), Lane { system: system.to_owned(), segments })
        })
        .collect();
    lanes.sort_by_key(|a| (a.0, a.1));

    let mut actions: Vec<ActionBar> = Vec::new();
    let mut open: BTreeMap<u64, usize> = BTreeMap::new();
    let mut stages: Vec<StageBar> = Vec::new();
    for (at, e) in &ctx.events {
        match e {
            Event::ActionStarted { id, team, action, target, .. } => {
                open.insert(*id, actions.len());
                actions.push(ActionBar {
                    team: team.clone(),
                    action: action.clone(),
                    target: target.clone(),
                    phase: ctx.phase_of(action),
                    from: *at,
                    to: stop,
                    outcome: ActionOutcome::Running,
                });
            }
            Event::ActionCompleted { id, .. }
            | Event::ActionFailed { id, .. }
            | Event::ActionCancelled { id, .. } => {
                if let Some(bar) = open.remove(id).and_then(|i| actions.get_mut(i)) {
                    bar.to = *at;
                    bar.outcome = match e {
                        Event::ActionCompleted { .. } => ActionOutcome::Completed,
                        Event::ActionFailed { .. } => ActionOutcome::Failed,
                        _ => ActionOutcome::Cancelled,
                    };
                }
            }
            Event::StageStarted { stage, technique, .. } => stages.push(StageBar {
                stage: stage.clone(),
                technique: technique.clone(),
                from: *at,
                to: stop,
                outcome: StageOutcome::Running,
            }),
            Event::StageSucceeded { stage, .. } | Event::StageBlocked { stage, .. } => {
                if let Some(bar) = stages
                    .iter_mut()
                    .rev()
                    .find(|b| b.stage == *stage && b.outcome == StageOutcome::Running)
                {
                    bar.to = *at;
                    bar.outcome = if matches!(e, Event::StageSucceeded { .. }) {
                        StageOutcome::Succeeded
                    } else {
                        StageOutcome::Blocked
                    };
                }
            }
            _ => {}
        }
    }
    Chart { end, lanes: lanes.into_iter().map(|(_, _, l)| l).collect(), actions, stages }
}
