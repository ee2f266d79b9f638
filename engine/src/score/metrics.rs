//! The metrics, computed from the log's events alone: detection, containment, recovery of
//! critical services, cost, data lost and exfiltrated, systems hit, isolations, requests and
//! injects. Every definition is stated in `definition` and in docs/report-format.md.

use std::collections::{BTreeMap, BTreeSet};

use super::context::{Ctx, Hold, available, clock, count, span, total};
use super::report::{
    AlertCounts, Better, CompromisedSystem, Containment, ContainmentBasis, Cost, CostBasis,
    DecisionResult, Details, Detected, Detection, DisruptionResult, ExpectationOutcome,
    ExpectedResponse, InjectResult, Isolation, Metric, MissedFinding, OneOffCost, Overrule,
    Recovery, RequestOutcome, RequestResult, ServiceRecovery, SystemAmount, SystemPresence,
    SystemsHit, TimedSystem, Unit,
};
use crate::model::{Event, FootholdStatus, Verdict};
use crate::scenario::{ActionEffect, Phase, SystemState};

/// Computes the details behind the metrics.
pub(crate) fn details(ctx: &Ctx<'_>, critical_from: Option<u64>) -> Details {
    let systems = systems_hit(ctx);
    let detection = detection(ctx);
    let containment = containment(ctx, &detection);
    Details {
        detection,
        containment,
        recovery: recovery(ctx, critical_from),
        cost: cost(ctx),
        data_lost: per_system(ctx, |e| match e {
            Event::DataLost { system, minutes } => Some((system, f64::from(*minutes))),
            _ => None,
        }),
        exfiltrated: per_system(ctx, |e| match e {
            Event::Exfiltrated { system, gb } => Some((system, *gb)),
            _ => None,
        }),
        isolations: isolations(ctx, &systems),
        systems,
        requests: requests(ctx),
        injects: injects(ctx),
        alerts: alerts(ctx),
        missed_findings: missed_findings(ctx),
        dismissed_alerts: ctx
            .events
            .iter()
            .filter_map(|(at, e)| match e {
                Event::AlertTriaged {
                    team,
                    system,
                    verdict: Verdict::FalsePositive,
                    true_positive: true,
                    ..
                } => Some(MissedFinding { at: *at, team: team.clone(), system: system.clone() }),
                _ => None,
            })
            .collect(),
        overrules: ctx
            .events
            .iter()
            .filter_map(|(at, e)| match e {
                Event::RuleOverruled { team, action, target, approver, cost } => Some(Overrule {
                    at: *at,
                    team: team.clone(),
                    action: action.clone(),
                    target: target.clone(),
                    approver: approver.clone(),
                    cost: *cost,
                }),
                _ => None,
            })
            .collect(),
        disruptions: ctx
            .events
            .iter()
            .filter_map(|(at, e)| match e {
                Event::Disrupted { system, action, cause } => Some(DisruptionResult {
                    at: *at,
                    system: system.clone(),
                    action: action.clone(),
                    cause: cause.clone(),
                }),
                _ => None,
            })
            .collect(),
    }
}

fn detection(ctx: &Ctx<'_>) -> Detection {
    let first_compromise = ctx.events.iter().find_map(|(at, e)| match e {
        Event::Compromised { system, .. } => Some(TimedSystem { at: *at, system: system.clone() }),
        _ => None,
    });
    let first_finding = ctx.events.iter().find_map(|(at, e)| match e {
        Event::Finding { team, system, compromised: true, .. } => Some(Detected {
            at: *at,
            team: team.clone(),
            system: system.clone(),
            how: "finding".into(),
            alert_at: None,
        }),
        _ => None,
    });
    // A true-positive alert counts once its team acts on the alerted system: starts an
    // action on it or asks another team to.
    let mut alerted: BTreeMap<(&str, &str), u32> = BTreeMap::new();
    let mut first_alert_acted_on = None;
    for (at, e) in &ctx.events {
        let acted = match e {
            Event::Alert { team, system, true_positive: true, .. } => {
                alerted.entry((team.as_str(), system.as_str())).or_insert(*at);
                None
            }
            Event::ActionStarted { team, target: Some(t), .. } => Some((team, t)),
            Event::RequestSent { from, target: Some(t), .. } => Some((from, t)),
            _ => None,
        };
        if let Some((team, target)) = acted
            && let Some(alert_at) = alerted.get(&(team.as_str(), target.as_str()))
        {
            first_alert_acted_on = Some(Detected {
                at: *at,
                team: team.clone(),
                system: target.clone(),
                how: "alert_acted_on".into(),
                alert_at: Some(*alert_at),
            });
            break;
        }
    }
    let detected = match (&first_finding, &first_alert_acted_on) {
        (Some(f), Some(a)) => Some(if a.at < f.at { a.clone() } else { f.clone() }),
        (Some(x), None) | (None, Some(x)) => Some(x.clone()),
        (None, None) => None,
    };
    let time_to_detect = match (&first_compromise, &detected) {
        (Some(c), Some(d)) => Some(d.at.saturating_sub(c.at)),
        _ => None,
    };
    let until = detected.as_ref().map_or(u32::MAX, |d| d.at);
    let mut before = Vec::new();
    for (at, e) in &ctx.events {
        if let Event::Compromised { system, .. } = e
            && *at <= until
            && first_compromise.as_ref().is_some_and(|c| c.system != *system)
            && !before.contains(system)
        {
            before.push(system.clone());
        }
    }
    Detection {
        first_compromise,
        first_finding,
        first_alert_acted_on,
        detected,
        time_to_detect,
        compromised_before_detection: before,
    }
}

fn is_progress(e: &Event) -> bool {
    matches!(
        e,
        Event::Compromised { .. }
            | Event::StageSucceeded { .. }
            | Event::CredentialStolen { .. }
            | Event::BackupsDestroyed { .. }
            | Event::Exfiltrated { .. }
            | Event::Reinfected { .. }
            | Event::ReEncrypted { .. }
    )
}

fn containment(ctx: &Ctx<'_>, det: &Detection) -> Containment {
    let first = det.first_compromise.as_ref();
    let last_progress = ctx.events.iter().filter(|(_, e)| is_progress(e)).map(|(at, _)| *at).max();
    let evicted_at = ctx.evicted_at();
    let none = Containment {
        last_progress,
        contained_at: None,
        basis: None,
        by: None,
        time_to_contain: None,
        evicted_at,
        time_to_evict: first.zip(evicted_at).map(|(f, at)| at.saturating_sub(f.at)),
        present_at_end: ctx
            .present_at_end()
            .into_iter()
            .map(|(system, presence)| SystemPresence { system: system.to_owned(), presence })
            .collect(),
    };
    let Some(first) = first else { return none };
    if let Some(stalls) = &ctx.stalls {
        // Contained from the moment the campaign last stalled, if it never resumed.
        let Some(&(at, true)) = stalls.last() else { return none };
        let by = ctx
            .events
            .iter()
            .rev()
            .skip_while(|(t, _)| *t > at)
            .find(|(_, e)| matches!(e, Event::ActionCompleted { .. }))
            .map_or_else(|| "no attack stage could make progress".into(), |(_, e)| e.to_string());
        let from = det.detected.as_ref().map_or(first.at, |d| d.at.min(at));
        return Containment {
            contained_at: Some(at),
            basis: Some(ContainmentBasis::CampaignStalled),
            by: Some(by),
            time_to_contain: Some(at.saturating_sub(from)),
            ..none
        };
    }
    let blocked = last_progress.and_then(|p| {
        ctx.events.iter().find_map(|(at, e)| match e {
            Event::StageBlocked { stage, cause } if *at >= p && cause.by_defenders() => {
                Some((*at, format!("attack stage {stage} blocked: {cause}")))
            }
            _ => None,
        })
    });
    // The moment from which the attacker had no usable foothold left, to the end of the log.
    let mut usable: BTreeSet<&str> = BTreeSet::new();
    let mut holds = ctx.holds.iter().peekable();
    let mut unreachable_since: Option<(u32, String)> = None;
    let mut i = 0;
    while i < ctx.events.len() {
        let at = ctx.events[i].0;
        let mut last_action = None;
        while let Some(&(t, e)) = ctx.events.get(i)
            && t == at
        {
            if let Event::ActionCompleted { .. } = e {
                last_action = Some(e.to_string());
            }
            i += 1;
        }
        while let Some(f) = holds.next_if(|f| f.at <= at) {
            if f.hold == Hold::Foothold(FootholdStatus::Usable) {
                usable.insert(&f.system);
            } else {
                usable.remove(f.system.as_str());
            }
        }
        if at >= first.at && usable.is_empty() {
            if unreachable_since.is_none() {
                let by = last_action.unwrap_or_else(|| "the last foothold was cut off".into());
                unreachable_since = Some((at, by));
            }
        } else {
            unreachable_since = None;
        }
    }
    let candidates = [
        blocked.map(|(at, by)| (at, ContainmentBasis::StageBlocked, by)),
        unreachable_since.map(|(at, by)| (at, ContainmentBasis::NoReachableFoothold, by)),
    ];
    let Some((at, basis, by)) = candidates.into_iter().flatten().min_by_key(|(at, _, _)| *at)
    else {
        return none;
    };
    Containment {
        contained_at: Some(at),
        basis: Some(basis),
        by: Some(by),
        time_to_contain: Some(at.saturating_sub(first.at)),
        ..none
    }
}

/// The default threshold of a critical service: a tenth of the highest criticality.
pub(crate) fn default_critical_from(ctx: &Ctx<'_>) -> u64 {
    let max = ctx.scenario.estate.systems.iter().map(|s| s.criticality).max().unwrap_or(0);
    (max / 10).max(1)
}

fn recovery(ctx: &Ctx<'_>, critical_from: Option<u64>) -> Recovery {
    let critical_from = critical_from.unwrap_or_else(|| default_critical_from(ctx));
    let history = ctx.state_history();
    let end = ctx.accrual_end();
    let mut services = Vec::new();
    let mut unaffected = Vec::new();
    let mut critical: Vec<_> =
        ctx.scenario.estate.systems.iter().filter(|s| s.criticality >= critical_from).collect();
    critical.sort_by(|a, b| b.criticality.cmp(&a.criticality).then(a.id.cmp(&b.id)));
    for sys in critical {
        let Some(h) = history.get(sys.id.as_str()).filter(|h| h.iter().any(|x| !available(x.1)))
        else {
            unaffected.push(sys.id.clone());
            continue;
        };
        let mut first_down = None;
        let mut minutes_down = 0;
        let mut outages = 0;
        let mut back_since = None;
        for (i, &(at, state)) in h.iter().enumerate() {
            let next = h.get(i + 1).map_or(end, |x| x.0);
            if available(state) {
                if first_down.is_some() && back_since.is_none() {
                    back_since = Some(at);
                }
            } else {
                if i == 0 || available(h[i - 1].1) {
                    outages += 1;
                }
                first_down.get_or_insert(at);
                back_since = None;
                minutes_down += next.saturating_sub(at);
            }
        }
        let first_down = first_down.unwrap_or(0);
        let state_at_end = h.last().map_or(SystemState::Online, |x| x.1);
        services.push(ServiceRecovery {
            system: sys.id.clone(),
            name: sys.name.clone(),
            criticality: sys.criticality,
            first_down,
            recovered_at: back_since,
            time_to_recover: back_since.map(|b| b - first_down),
            minutes_down,
            outages,
            state_at_end,
        });
    }
    Recovery { critical_from, services, unaffected }
}

/// Downtime cost from the availability the engine recorded: each system's cost per hour
/// for as long as it was unavailable, to the end of the log.
fn cost(ctx: &Ctx<'_>) -> Cost {
    let end = ctx.accrual_end();
    let mut down: BTreeMap<&str, (u32, u64)> = BTreeMap::new();
    let mut x60: BTreeMap<&str, u64> = BTreeMap::new();
    let mut charge = |system, since: u32, rate: u64, until: u32| {
        let amount = rate.saturating_mul(u64::from(until.saturating_sub(since)));
        let total: &mut u64 = x60.entry(system).or_default();
        *total = total.saturating_add(amount);
    };
    for f in &ctx.availability {
        if let Some((since, rate)) = down.remove(f.system.as_str()) {
            charge(f.system.as_str(), since, rate, f.at);
        }
        if !f.available {
            down.insert(&f.system, (f.at, f.cost_per_hour));
        }
    }
    for (system, (since, rate)) in down {
        charge(system, since, rate, end);
    }
    let total_x60 = x60.values().fold(0u64, |sum, x| sum.saturating_add(*x));
    let mut by_system: Vec<SystemAmount> = x60
        .into_iter()
        .filter(|(_, x)| *x > 0)
        .map(|(system, x)| SystemAmount { system: system.to_owned(), amount: (x / 60) as f64 })
        .collect();
    by_system.sort_by(|a, b| b.amount.total_cmp(&a.amount).then(a.system.cmp(&b.system)));
    let one_off: Vec<OneOffCost> = ctx
        .events
        .iter()
        .filter_map(|(at, e)| match e {
            Event::CostIncurred { amount, reason } => {
                Some(OneOffCost { at: *at, amount: *amount, reason: reason.clone() })
            }
            _ => None,
        })
        .collect();
    let downtime = total_x60 / 60;
    let estimated = one_off.iter().fold(downtime, |total, c| total.saturating_add(c.amount));
    let ended = ctx.events.iter().rev().find_map(|(_, e)| match e {
        Event::DrillEnded { cost } => Some(*cost),
        _ => None,
    });
    Cost {
        total: ended.unwrap_or(estimated),
        basis: if ended.is_some() { CostBasis::DrillEnded } else { CostBasis::Estimated },
        downtime_estimated: downtime,
        one_off,
        by_system,
    }
}

fn per_system<'a>(
    ctx: &Ctx<'a>,
    pick: impl Fn(&'a Event) -> Option<(&'a String, f64)>,
) -> Vec<SystemAmount> {
    let mut sums: BTreeMap<&str, f64> = BTreeMap::new();
    for (_, e) in &ctx.events {
        if let Some((system, amount)) = pick(e) {
            *sums.entry(system.as_str()).or_default() += amount;
        }
    }
    sums.into_iter().map(|(s, amount)| SystemAmount { system: s.to_owned(), amount }).collect()
}

fn systems_hit(ctx: &Ctx<'_>) -> SystemsHit {
    let mut compromised: Vec<CompromisedSystem> = Vec::new();
    let mut encrypted = Vec::new();
    let mut reinfected = Vec::new();
    let mut re_encrypted = Vec::new();
    let first = |list: &mut Vec<TimedSystem>, at: u32, system: &str| {
        if !list.iter().any(|x| x.system == system) {
            list.push(TimedSystem { at, system: system.to_owned() });
        }
    };
    for (at, e) in &ctx.events {
        match e {
            Event::Compromised { system, privilege, stage } => {
                match compromised.iter_mut().find(|c| c.system == *system) {
                    Some(c) => c.privilege = c.privilege.max(*privilege),
                    None => compromised.push(CompromisedSystem {
                        system: system.clone(),
                        at: *at,
                        privilege: *privilege,
                        stage: stage.clone(),
                    }),
                }
            }
            Event::Reinfected { system } => first(&mut reinfected, *at, system),
            Event::ReEncrypted { system } => first(&mut re_encrypted, *at, system),
            Event::StateChanged { system, to: SystemState::Encrypted, .. } => {
                first(&mut encrypted, *at, system)
            }
            _ => {}
        }
    }
    let mut held: BTreeSet<&str> = BTreeSet::new();
    let mut evicted = Vec::new();
    for f in &ctx.holds {
        match f.hold {
            Hold::Evicted => {
                if held.remove(f.system.as_str()) {
                    evicted.push(TimedSystem { at: f.at, system: f.system.clone() });
                }
            }
            Hold::Foothold(FootholdStatus::Usable | FootholdStatus::CutOff) => {
                held.insert(&f.system);
            }
            Hold::Foothold(FootholdStatus::Removed) => {}
        }
    }
    SystemsHit {
        compromised,
        encrypted,
        reinfected,
        re_encrypted,
        evicted,
        still_compromised: held.into_iter().map(str::to_owned).collect(),
    }
}

fn isolations(ctx: &Ctx<'_>, hit: &SystemsHit) -> Vec<Isolation> {
    let ever: BTreeSet<&str> = hit
        .compromised
        .iter()
        .map(|c| c.system.as_str())
        .chain(hit.reinfected.iter().map(|r| r.system.as_str()))
        .collect();
    let mut out = Vec::new();
    for (i, (at, e)) in ctx.events.iter().enumerate() {
        let Event::ActionCompleted { team, action, target: Some(t), .. } = e else { continue };
        if !ctx.has_effect(action, &ActionEffect::Isolate) || !ctx.is_system(t) {
            continue;
        }
        let until = ctx.events[i + 1..].iter().find_map(|(at, e)| match e {
            Event::ActionCompleted { action, target: Some(x), .. }
                if x == t && ctx.has_effect(action, &ActionEffect::Reconnect) =>
            {
                Some(*at)
            }
            _ => None,
        });
        let minutes = u64::from(until.unwrap_or(ctx.accrual_end()).saturating_sub(*at));
        let compromised = ever.contains(t.as_str());
        out.push(Isolation {
            system: t.clone(),
            team: team.clone(),
            at: *at,
            until,
            compromised,
            unnecessary: !compromised,
            cost: ctx.criticality(t).saturating_mul(minutes) / 60,
        });
    }
    out
}

fn requests(ctx: &Ctx<'_>) -> Vec<RequestResult> {
    let mut out: Vec<RequestResult> = Vec::new();
    for (at, e) in &ctx.events {
        match e {
            Event::RequestSent {
                id, from, to, action, target, approval, cost_per_hour, ..
            } => out.push(RequestResult {
                approval: *approval,
                cost_per_hour: *cost_per_hour,
                reason: String::new(),
                escalated_to: Vec::new(),
                id: *id,
                from: from.clone(),
                to: to.clone(),
                action: action.clone(),
                target: target.clone(),
                phase: ctx.phase_of(action),
                sent: *at,
                outcome: RequestOutcome::Open,
                closed_at: None,
                response_time: None,
            }),
            Event::RequestAnswered { id, accepted, reason } => {
                if let Some(r) = out.iter_mut().find(|r| r.id == *id) {
                    r.outcome =
                        if *accepted { RequestOutcome::Accepted } else { RequestOutcome::Declined };
                    r.closed_at = Some(*at);
                    r.response_time = Some(at.saturating_sub(r.sent));
                    r.reason = reason.clone();
                }
            }
            Event::RequestExpired { id } => {
                if let Some(r) = out.iter_mut().find(|r| r.id == *id) {
                    r.outcome = RequestOutcome::Expired;
                    r.closed_at = Some(*at);
                }
            }
            Event::RequestWithdrawn { id } => {
                if let Some(r) = out.iter_mut().find(|r| r.id == *id) {
                    r.outcome = RequestOutcome::Withdrawn;
                    r.closed_at = Some(*at);
                }
            }
            // It stays one request, now waiting on the team it escalated to.
            Event::RequestEscalated { id, to, .. } => {
                if let Some(r) = out.iter_mut().find(|r| r.id == *id) {
                    r.escalated_to.push(to.clone());
                    r.to = to.clone();
                    r.approval = true;
                    r.outcome = RequestOutcome::Open;
                }
            }
            _ => {}
        }
    }
    out
}

fn injects(ctx: &Ctx<'_>) -> Vec<InjectResult> {
    let mut out: Vec<InjectResult> = Vec::new();
    for (at, e) in &ctx.events {
        match e {
            Event::InjectDelivered { inject, teams } => {
                let def = ctx.scenario.injects.iter().find(|i| i.id == *inject);
                out.push(InjectResult {
                    inject: inject.clone(),
                    title: def.map(|d| d.title.clone()).unwrap_or_default(),
                    teams: teams.clone(),
                    delivered: *at,
                    expected: def.and_then(|d| d.expects.as_ref()).map(|x| ExpectedResponse {
                        action: x.action.clone(),
                        target: x.target.clone(),
                        phase: ctx.phase_of(&x.action),
                        within: x.within.0,
                        outcome: ExpectationOutcome::Pending,
                        response_time: None,
                    }),
                    decision: None,
                });
            }
            Event::ExpectationMet { inject } | Event::ExpectationMissed { inject } => {
                let met = matches!(e, Event::ExpectationMet { .. });
                let open = out.iter_mut().find(|r| {
                    r.inject == *inject
                        && r.expected
                            .as_ref()
                            .is_some_and(|x| x.outcome == ExpectationOutcome::Pending)
                });
                if let Some(r) = open {
                    let delivered = r.delivered;
                    if let Some(x) = r.expected.as_mut() {
                        x.outcome =
                            if met { ExpectationOutcome::Met } else { ExpectationOutcome::Missed };
                        x.response_time = met.then(|| at.saturating_sub(delivered));
                    }
                }
            }
            Event::DecisionTaken { inject, choice, by } => {
                let label = ctx
                    .scenario
                    .injects
                    .iter()
                    .find(|i| i.id == *inject)
                    .and_then(|i| i.decision.as_ref())
                    .and_then(|d| d.choices.iter().find(|c| c.id == *choice))
                    .map(|c| c.label.clone())
                    .unwrap_or_default();
                if let Some(r) =
                    out.iter_mut().rev().find(|r| r.inject == *inject && r.decision.is_none())
                {
                    r.decision = Some(DecisionResult {
                        choice: choice.clone(),
                        label,
                        by: by.clone(),
                        at: *at,
                        time_to_decide: at.saturating_sub(r.delivered),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

fn alerts(ctx: &Ctx<'_>) -> AlertCounts {
    let mut counts = AlertCounts { true_positive: 0, false_positive: 0 };
    for (_, e) in &ctx.events {
        if let Event::Alert { true_positive, .. } = e {
            if *true_positive {
                counts.true_positive += 1;
            } else {
                counts.false_positive += 1;
            }
        }
    }
    counts
}

fn missed_findings(ctx: &Ctx<'_>) -> Vec<MissedFinding> {
    let mut held: BTreeSet<&str> = BTreeSet::new();
    let mut holds = ctx.holds.iter().peekable();
    let mut out = Vec::new();
    for (at, e) in &ctx.events {
        while let Some(f) = holds.next_if(|f| f.at <= *at) {
            match f.hold {
                Hold::Evicted => held.remove(f.system.as_str()),
                Hold::Foothold(_) => held.insert(&f.system),
            };
        }
        if let Event::Finding { team, system, compromised: false, .. } = e
            && held.contains(system.as_str())
        {
            out.push(MissedFinding { at: *at, team: team.clone(), system: system.clone() });
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn metric(
    id: impl Into<String>,
    name: impl Into<String>,
    phase: Phase,
    unit: Unit,
    better: Better,
    value: Option<f64>,
    text: String,
    definition: &str,
) -> Metric {
    Metric {
        id: id.into(),
        name: name.into(),
        phase,
        unit,
        better,
        value,
        never: false,
        service: None,
        text,
        definition: definition.to_owned(),
    }
}

/// "none", or how many and which.
fn listed(n: usize, list: String) -> String {
    if n == 0 { "none".into() } else { format!("{n} ({list})") }
}

/// A detection metric that counts moments a team got something wrong, listing each.
fn team_moments(
    (id, name): (&str, &str),
    items: &[MissedFinding],
    each: impl Fn(&MissedFinding) -> String,
    definition: &str,
) -> Metric {
    let list = items.iter().map(each).collect::<Vec<_>>().join(", ");
    metric(
        id,
        name,
        Phase::Detect,
        Unit::Count,
        Better::Lower,
        Some(items.len() as f64),
        listed(items.len(), list),
        definition,
    )
}

/// Marks the last metric as never achieved (its missing value is the worst).
fn set_never(out: &mut [Metric], never: bool) {
    if let Some(m) = out.last_mut() {
        m.never = never;
    }
}

fn mean(values: &[u32]) -> Option<f64> {
    (!values.is_empty()).then(|| f64::from(values.iter().sum::<u32>()) / values.len() as f64)
}

fn mean_text(values: &[u32]) -> Option<String> {
    mean(values).map(|m| span(m.round() as u32))
}

/// The flat list of metrics, each tagged with its phase.
#[allow(clippy::too_many_lines)]
pub(crate) fn metrics(ctx: &Ctx<'_>, d: &Details, techniques: (usize, usize)) -> Vec<Metric> {
    use Better::{Higher, Lower};
    use Phase::{Detect, Recover, Respond};
    let mut out = Vec::new();
    let no_compromise = "no system was compromised".to_owned();

    let det = &d.detection;
    let text = match (&det.first_compromise, &det.detected, det.time_to_detect) {
        (None, _, _) => no_compromise.clone(),
        (Some(_), None, _) => "not detected".into(),
        (Some(c), Some(x), Some(t)) if x.at < c.at => {
            format!("{} (before the first foothold)", span(t))
        }
        (Some(_), Some(x), Some(t)) => format!("{} ({} at {})", span(t), x.team, clock(x.at)),
        _ => "not detected".into(),
    };
    out.push(metric(
        "time_to_detect",
        "Time to detect",
        Detect,
        Unit::Minutes,
        Lower,
        det.time_to_detect.map(f64::from),
        text,
        "From the first foothold (Compromised) to the first Finding of a compromise by any team, \
         or the first true-positive alert its team acted on (started an action on, or asked \
         another team to act on, the alerted system), whichever came first.",
    ));
    set_never(&mut out, det.first_compromise.is_some() && det.time_to_detect.is_none());

    let con = &d.containment;
    let text = match (&det.first_compromise, con.time_to_contain) {
        (None, _) => no_compromise.clone(),
        (Some(_), Some(t)) => format!("{} (at {})", span(t), clock(con.contained_at.unwrap_or(0))),
        (Some(_), None) => "not contained".into(),
    };
    out.push(metric(
        "time_to_contain",
        "Time to contain",
        Respond,
        Unit::Minutes,
        Lower,
        con.time_to_contain.map(f64::from),
        text,
        if ctx.stalls.is_some() {
            "From the first detection (or the first foothold, when the campaign stalled before \
             any detection) to the moment the engine recorded that no attack stage could make \
             progress (CampaignStalled) without a later CampaignResumed: nothing running, no \
             data flowing, and no stage that could start again with its preconditions and a \
             target in reach. A campaign that did all it set out to do is not contained."
        } else {
            "From the first foothold to the earlier of: the first attack stage blocked by the \
             defenders (not by a failed roll) after the attacker's last progress; the moment \
             from which no compromised system stayed reachable (every foothold reimaged, \
             isolated, powered off or destroyed) to the end of the log."
        },
    ));
    set_never(&mut out, det.first_compromise.is_some() && con.time_to_contain.is_none());

    let text = match (&det.first_compromise, con.time_to_evict) {
        (None, _) => no_compromise.clone(),
        (Some(_), Some(t)) => format!("{} (at {})", span(t), clock(con.evicted_at.unwrap_or(0))),
        (Some(_), None) => {
            let left: Vec<String> = con
                .present_at_end
                .iter()
                .map(|p| format!("{} ({})", p.system, p.presence))
                .collect();
            format!("not evicted: still on {}", left.join(", "))
        }
    };
    out.push(metric(
        "time_to_evict",
        "Time to evict",
        Respond,
        Unit::Minutes,
        Lower,
        con.time_to_evict.map(f64::from),
        text,
        "From the first foothold to the moment the attacker held nothing left anywhere in the \
         estate (no foothold, persistence, C2 or exfiltration flow; EvictedFromEstate) and \
         got nothing back before the end of the log.",
    ));
    set_never(&mut out, det.first_compromise.is_some() && con.time_to_evict.is_none());

    let rec = &d.recovery;
    for s in &rec.services {
        let text = match s.time_to_recover {
            Some(t) => format!(
                "{} (down {}, back {})",
                span(t),
                clock(s.first_down),
                clock(s.recovered_at.unwrap_or(0))
            ),
            None => format!(
                "not recovered (down since {}, {:?} at the end)",
                clock(s.first_down),
                s.state_at_end
            ),
        };
        out.push(metric(
            format!("time_to_recover:{}", s.system),
            format!("Time to recover {}", s.system),
            Recover,
            Unit::Minutes,
            Lower,
            s.time_to_recover.map(f64::from),
            text,
            "From the critical service first becoming unavailable (Down, Isolated, Encrypted or \
             Destroyed) to its return to Online or Degraded for good.",
        ));
        set_never(&mut out, s.time_to_recover.is_none());
        if let Some(m) = out.last_mut() {
            m.service = Some(s.system.clone());
        }
    }
    let down: Vec<&str> = rec
        .services
        .iter()
        .filter(|s| s.recovered_at.is_none())
        .map(|s| s.system.as_str())
        .collect();
    out.push(metric(
        "critical_services_down_at_end",
        "Critical services down at the end",
        Recover,
        Unit::Count,
        Lower,
        Some(down.len() as f64),
        if down.is_empty() {
            "none".into()
        } else {
            format!("{} ({})", down.len(), down.join(", "))
        },
        "Critical services (criticality at or above the threshold) unavailable when the log ends.",
    ));

    let c = &d.cost;
    let one_off: u64 = c.one_off.iter().fold(0, |total, x| total.saturating_add(x.amount));
    out.push(metric(
        "business_cost",
        "Business cost",
        Recover,
        Unit::Money,
        Lower,
        Some(c.total as f64),
        format!(
            "{}{} (downtime {}, one-off {})",
            ctx.money(c.total),
            if c.basis == CostBasis::Estimated { ", estimated" } else { "" },
            ctx.money(c.downtime_estimated),
            ctx.money(one_off)
        ),
        "The engine's total at the drill's end (DrillEnded); for a drill that did not finish, \
         rebuilt from the log: each system's criticality per hour for the time it was \
         unavailable, plus one-off costs.",
    ));

    let lost: f64 = total(&d.data_lost);
    out.push(metric(
        "data_lost",
        "Data lost to restores and failovers",
        Recover,
        Unit::Minutes,
        Lower,
        Some(lost),
        if lost > 0.0 {
            format!(
                "{} of writes over {}",
                span(lost as u32),
                count(d.data_lost.len(), "system", "systems")
            )
        } else {
            "none".into()
        },
        "Sum of DataLost: the minutes of writes lost by each restore or failover (RPO).",
    ));

    let gb: f64 = total(&d.exfiltrated);
    out.push(metric(
        "exfiltrated_gb",
        "Data exfiltrated",
        Respond,
        Unit::Gigabytes,
        Lower,
        Some(gb),
        format!("{gb:.1} GB"),
        "Sum of Exfiltrated: gigabytes that left the organisation.",
    ));

    let hit = &d.systems;
    let names = |v: &mut dyn Iterator<Item = &String>| v.cloned().collect::<Vec<_>>().join(", ");
    out.push(metric(
        "systems_compromised",
        "Systems compromised",
        Respond,
        Unit::Count,
        Lower,
        Some(hit.compromised.len() as f64),
        listed(hit.compromised.len(), names(&mut hit.compromised.iter().map(|c| &c.system))),
        "Distinct systems with a Compromised event (an attacker foothold).",
    ));
    out.push(metric(
        "systems_encrypted",
        "Systems encrypted",
        Respond,
        Unit::Count,
        Lower,
        Some(hit.encrypted.len() as f64),
        listed(hit.encrypted.len(), names(&mut hit.encrypted.iter().map(|c| &c.system))),
        "Distinct systems whose state changed to Encrypted.",
    ));
    out.push(metric(
        "systems_reinfected",
        "Systems re-infected",
        Recover,
        Unit::Count,
        Lower,
        Some(hit.reinfected.len() as f64),
        listed(hit.reinfected.len(), names(&mut hit.reinfected.iter().map(|c| &c.system))),
        "Distinct systems re-infected by a restore from an infected backup (Reinfected).",
    ));
    out.push(metric(
        "systems_re_encrypted",
        "Systems re-encrypted",
        Recover,
        Unit::Count,
        Lower,
        Some(hit.re_encrypted.len() as f64),
        listed(hit.re_encrypted.len(), names(&mut hit.re_encrypted.iter().map(|c| &c.system))),
        "Distinct systems encrypted again after a restore because the attacker was never \
         evicted (ReEncrypted).",
    ));
    out.push(metric(
        "systems_still_compromised",
        "Systems still compromised at the end",
        Respond,
        Unit::Count,
        Lower,
        Some(hit.still_compromised.len() as f64),
        listed(hit.still_compromised.len(), hit.still_compromised.join(", ")),
        "Compromised systems never reimaged by the end of the log (isolated ones included).",
    ));

    let unnecessary: Vec<String> =
        d.isolations.iter().filter(|i| i.unnecessary).map(|i| i.system.clone()).collect();
    out.push(metric(
        "unnecessary_isolations",
        "Unnecessary isolations",
        Respond,
        Unit::Count,
        Lower,
        Some(unnecessary.len() as f64),
        listed(unnecessary.len(), unnecessary.join(", ")),
        "Isolations of a system that no Compromised (or Reinfected) event ever touched.",
    ));

    let answered: Vec<u32> = d.requests.iter().filter_map(|r| r.response_time).collect();
    let expired = d.requests.iter().filter(|r| r.outcome == RequestOutcome::Expired).count();
    out.push(metric(
        "request_response_time",
        "Request response time (mean)",
        Respond,
        Unit::Minutes,
        Lower,
        mean(&answered),
        match mean_text(&answered) {
            Some(m) => {
                format!("{m} over {} answered", count(answered.len(), "request", "requests"))
            }
            None if d.requests.is_empty() => "no requests".into(),
            None => "none answered".into(),
        },
        "Mean time from RequestSent to RequestAnswered (accepted or declined).",
    ));
    set_never(&mut out, !d.requests.is_empty() && answered.is_empty());
    out.push(metric(
        "requests_expired",
        "Requests left unanswered",
        Respond,
        Unit::Count,
        Lower,
        Some(expired as f64),
        format!("{expired} of {}", d.requests.len()),
        "Requests that expired before the asked team answered.",
    ));

    let expected: Vec<&ExpectedResponse> =
        d.injects.iter().filter_map(|i| i.expected.as_ref()).collect();
    let times: Vec<u32> = expected.iter().filter_map(|x| x.response_time).collect();
    let met = expected.iter().filter(|x| x.outcome == ExpectationOutcome::Met).count();
    let missed = expected.iter().filter(|x| x.outcome == ExpectationOutcome::Missed).count();
    out.push(metric(
        "inject_response_time",
        "Inject response time (mean)",
        Respond,
        Unit::Minutes,
        Lower,
        mean(&times),
        mean_text(&times).map_or_else(
            || "no expected response came in time".into(),
            |m| format!("{m} over {}", count(times.len(), "response", "responses")),
        ),
        "Mean time from an inject's delivery to its expected response (ExpectationMet).",
    ));
    set_never(&mut out, !expected.is_empty() && times.is_empty());
    out.push(metric(
        "deadlines_met",
        "Inject deadlines met",
        Respond,
        Unit::Count,
        Higher,
        Some(met as f64),
        format!("{met} of {}", expected.len()),
        "Expected responses to injects that came in time (ExpectationMet) out of all delivered.",
    ));
    out.push(metric(
        "deadlines_missed",
        "Inject deadlines missed",
        Respond,
        Unit::Count,
        Lower,
        Some(missed as f64),
        format!("{missed} of {}", expected.len()),
        "Expected responses to injects that did not come in time (ExpectationMissed).",
    ));
    let undetected = techniques.1 - techniques.0;
    out.push(metric(
        "techniques_undetected",
        "ATT&CK techniques undetected",
        Detect,
        Unit::Count,
        Lower,
        Some(undetected as f64),
        format!("{undetected} of {} ({} detected)", techniques.1, techniques.0),
        "Techniques used whose targets no true-positive alert or compromise finding touched \
         while or after a run of them went on.",
    ));
    out.push(team_moments(
        ("investigations_missed", "Investigations that missed a compromise"),
        &d.missed_findings,
        |m| format!("{} at {}", m.system, clock(m.at)),
        "Findings of no compromise on a system the attacker held at the time.",
    ));
    out.push(team_moments(
        ("true_alerts_dismissed", "True alerts dismissed"),
        &d.dismissed_alerts,
        |m| format!("{} ({}) at {}", m.system, m.team, clock(m.at)),
        "Alerts raised by the attacker's activity that a team triaged as false positives \
         (AlertTriaged with verdict false_positive and true_positive true).",
    ));
    out
}
