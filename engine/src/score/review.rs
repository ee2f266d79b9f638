//! The review: the summary, strengths, areas for improvement and the improvement plan,
//! each derived from the metrics, the objectives and the expectations of the drill.

use super::context::{Ctx, and_list, clock, count, span, total};
use super::report::{
    AttackView, CostBasis, Details, ExpectationOutcome, ObjectiveResult, ObjectiveStatus,
    Observation, PlanItem, RequestOutcome, Scores,
};
use crate::model::{Decider, Event};
use crate::scenario::{Phase, Role, SystemState};

/// When every corrective action is due.
pub const DUE: &str = "next drill";

/// Who owns shared corrective actions.
pub const ALL_TEAMS: &str = "all teams";

/// The review's three lists.
pub(crate) struct Review {
    pub strengths: Vec<Observation>,
    pub improvements: Vec<Observation>,
    pub plan: Vec<PlanItem>,
}

/// The teams that watch for attacks (those that receive alerts, else the security role).
fn detection_owner(ctx: &Ctx<'_>) -> Option<String> {
    let teams = &ctx.scenario.teams;
    teams
        .iter()
        .find(|t| t.visibility.alerts)
        .or_else(|| teams.iter().find(|t| t.role == Role::Security))
        .map(|t| t.id.clone())
}

/// The team that runs the estate (the IT operations role).
fn recovery_owner(ctx: &Ctx<'_>) -> Option<String> {
    ctx.scenario.teams.iter().find(|t| t.role == Role::ItOps).map(|t| t.id.clone())
}

fn obs(text: String, phase: Phase, team: Option<String>) -> Observation {
    Observation { text, phase, team }
}

impl Review {
    fn strength(&mut self, text: String, phase: Phase, team: Option<String>) {
        self.strengths.push(obs(text, phase, team));
    }

    /// An area for improvement and its plan item: `id` keys the item for facilitators'
    /// edits, `at` is when what it addresses happened.
    #[allow(clippy::too_many_arguments)]
    fn improve(
        &mut self,
        id: String,
        at: Option<u32>,
        text: String,
        phase: Phase,
        team: Option<String>,
        action: String,
    ) {
        self.plan.push(PlanItem {
            id,
            at,
            capability: String::new(),
            observations: Vec::new(),
            edited: false,
            action,
            owner: team.clone().unwrap_or_else(|| ALL_TEAMS.to_owned()),
            due: DUE.to_owned(),
            phase,
            addresses: text.clone(),
        });
        self.improvements.push(obs(text, phase, team));
    }
}

fn target(t: &Option<String>) -> String {
    t.as_ref().map(|t| format!(" {t}")).unwrap_or_default()
}

/// An action a team took on a system.
struct TakenAction {
    started: u32,
    team: String,
    action: String,
}

/// The last action completed on `system` by `before`, with when it started.
fn last_action_on(ctx: &Ctx<'_>, system: &str, before: u32) -> Option<TakenAction> {
    let (done_id, team, action) = ctx.events.iter().rev().find_map(|(at, e)| match e {
        Event::ActionCompleted { id, team, action, target: Some(t) }
            if *at <= before && t == system =>
        {
            Some((*id, team, action))
        }
        _ => None,
    })?;
    let started = ctx.events.iter().find_map(|(at, e)| match e {
        Event::ActionStarted { id, .. } if *id == done_id => Some(*at),
        _ => None,
    })?;
    Some(TakenAction { started, team: team.clone(), action: action.clone() })
}

/// What the attacker gained from `from` until `action` (any action when empty) was done on
/// `system`, or until the end: the cost of a moment that went wrong, as a sentence (empty
/// when it gained nothing).
fn meanwhile(ctx: &Ctx<'_>, from: u32, system: Option<&str>, action: &str) -> String {
    let done = system.and_then(|sys| {
        ctx.events.iter().find_map(|(at, e)| match e {
            Event::ActionCompleted { action: a, target: Some(t), .. }
                if *at >= from && t == sys && (action.is_empty() || a == action) =>
            {
                Some(*at)
            }
            _ => None,
        })
    });
    let until = done.unwrap_or(ctx.end);
    let mut gb = 0.0;
    let mut reached: Vec<String> = Vec::new();
    let mut encrypted: Vec<String> = Vec::new();
    for (at, e) in &ctx.events {
        if *at < from || *at >= until {
            continue;
        }
        match e {
            Event::Exfiltrated { gb: g, .. } => gb += g,
            Event::Compromised { system: s, .. } if !reached.contains(s) => reached.push(s.clone()),
            Event::StateChanged { system: s, to: SystemState::Encrypted, .. }
                if !encrypted.contains(s) =>
            {
                encrypted.push(s.clone());
            }
            _ => {}
        }
    }
    let mut gained = Vec::new();
    if gb >= 0.05 {
        gained.push(format!("{gb:.1} GB more data left"));
    }
    if !reached.is_empty() {
        gained.push(format!("the attacker gained {}", and_list(&reached)));
    }
    if !encrypted.is_empty() {
        gained.push(format!("{} encrypted", and_list(&encrypted)));
    }
    if gained.is_empty() {
        return String::new();
    }
    let when = match (done, system) {
        (Some(at), Some(sys)) => format!(
            "In the {} until {}{sys} at {}",
            span(at - from),
            if action.is_empty() { "a team acted on ".to_owned() } else { format!("{action} on ") },
            clock(at)
        ),
        _ => format!("In the {} to the end of the drill", span(ctx.end.saturating_sub(from))),
    };
    format!(" {when}, {}.", and_list(&gained))
}

/// Strengths, areas for improvement and the plan.
#[allow(clippy::too_many_lines)]
pub(crate) fn review(
    ctx: &Ctx<'_>,
    d: &Details,
    objectives: &[ObjectiveResult],
    attack: &AttackView,
) -> Review {
    let mut r = Review { strengths: Vec::new(), improvements: Vec::new(), plan: Vec::new() };
    let security = detection_owner(ctx);
    let it = recovery_owner(ctx);
    let name = |team: &str| ctx.team_name(team);

    // Objectives.
    for o in objectives {
        match o.status {
            ObjectiveStatus::Met => r.strength(
                format!("Objective met: {} ({}, weight {}).", o.description, o.id, o.weight),
                o.phase,
                o.team.clone(),
            ),
            ObjectiveStatus::Missed => {
                let action = match o.phase {
                    Phase::Detect => format!(
                        "Review alert triage and investigation so that “{}” is met",
                        o.description
                    ),
                    Phase::Respond => format!(
                        "Agree and rehearse the containment steps, and who takes them, that achieve “{}”",
                        o.description
                    ),
                    Phase::Recover => {
                        format!("Plan and rehearse the recovery that achieves “{}”", o.description)
                    }
                };
                r.improve(
                    format!("objective-{}", o.id),
                    o.at,
                    format!(
                        "Objective missed{}: {} ({}, weight {}).",
                        o.at.map(|at| format!(" at {}", clock(at))).unwrap_or_default(),
                        o.description,
                        o.id,
                        o.weight
                    ),
                    o.phase,
                    o.team.clone(),
                    action,
                );
            }
            ObjectiveStatus::Undecided => {}
        }
    }

    // Detection.
    let det = &d.detection;
    // What the attacker still holds is said once: with the containment it qualifies, or
    // with the systems still compromised.
    let mut left_said = false;
    if let Some(first) = &det.first_compromise {
        match (&det.detected, det.time_to_detect) {
            (Some(x), Some(t)) if det.compromised_before_detection.is_empty() => r.strength(
                format!(
                    "{} detected the compromise {} after the first foothold ({} at {}), before the attacker reached another system.",
                    name(&x.team),
                    span(t),
                    first.system,
                    clock(first.at)
                ),
                Phase::Detect,
                Some(x.team.clone()),
            ),
            (Some(x), Some(t)) => r.improve(
                "detection-late".into(),
                Some(first.at),
                format!(
                    "{} took {} to detect the compromise (first foothold {} on {}, detected {} on {}); meanwhile the attacker reached {}.",
                    name(&x.team),
                    span(t),
                    clock(first.at),
                    first.system,
                    clock(x.at),
                    x.system,
                    and_list(&det.compromised_before_detection)
                ),
                Phase::Detect,
                Some(x.team.clone()),
                "Act on true-positive alerts sooner: triage each alert on a user or admin endpoint within 30 minutes and investigate the host".into(),
            ),
            _ => r.improve(
                "detection-none".into(),
                Some(first.at),
                format!(
                    "No team detected the compromise: the attacker's first foothold was {} at {}.",
                    first.system,
                    clock(first.at)
                ),
                Phase::Detect,
                security.clone(),
                "Review which alerts were raised and why none led to an investigation; investigate hosts named in alerts and user reports".into(),
            ),
        }

        // Containment.
        let con = &d.containment;
        let left: Vec<String> =
            con.present_at_end.iter().map(|p| format!("{} ({})", p.system, p.presence)).collect();
        match (con.time_to_contain, &con.by) {
            // Never called contained while the attacker is still there.
            (Some(t), Some(_)) if !left.is_empty() => {
                left_said = true;
                r.improve(
                    "eviction".into(),
                    con.contained_at,
                format!(
                    "The campaign stalled {} after the first foothold, at {}, but the attacker was never evicted: when the drill ended it still held {}.",
                    span(t),
                    clock(con.contained_at.unwrap_or(0)),
                    and_list(&left)
                ),
                Phase::Respond,
                security.clone(),
                format!(
                    "Evict, not only contain: hunt for what the attacker still holds ({}) and remove it (reimage, block C2), then check it is gone",
                    con.present_at_end.iter().map(|p| p.system.as_str()).collect::<Vec<_>>().join(", ")
                ),
            );
            }
            (Some(t), Some(by)) => {
                let clean = d.systems.encrypted.is_empty()
                    && d.exfiltrated.iter().all(|x| x.amount <= 0.0);
                r.strength(
                    format!(
                        "The attack was contained {} after the first foothold, at {} ({by}){}.",
                        span(t),
                        clock(con.contained_at.unwrap_or(0)),
                        if clean { ", before any data was encrypted or exfiltrated" } else { "" }
                    ),
                    Phase::Respond,
                    None,
                );
            }
            _ => r.improve(
                "containment".into(),
                con.last_progress,
                format!(
                    "The attack was never contained: the attacker's last progress was at {} and compromised systems stayed reachable.",
                    clock(con.last_progress.unwrap_or(first.at))
                ),
                Phase::Respond,
                None,
                "Agree containment triggers (isolate, reset credentials, block C2) and who may pull them without waiting for approval".into(),
            ),
        }
    }

    let hit = &d.systems;
    if left_said {
        // Said with the containment above.
    } else if !hit.still_compromised.is_empty() {
        let isolated_at_end =
            |s: &str| d.isolations.iter().any(|i| i.system == s && i.until.is_none());
        let listed: Vec<String> = hit
            .still_compromised
            .iter()
            .map(|s| if isolated_at_end(s) { format!("{s} (isolated)") } else { s.clone() })
            .collect();
        r.improve(
            "footholds-left".into(),
            None,
            format!(
                "{} still compromised when the drill ended (never reimaged): {}.",
                if hit.still_compromised.len() == 1 { "One system was" } else { "Systems were" },
                and_list(&listed)
            ),
            Phase::Respond,
            security.clone(),
            format!(
                "Hunt for and remove the remaining footholds ({}); keep a list of compromised hosts and check it off as they are cleaned",
                hit.still_compromised.join(", ")
            ),
        );
    } else if !d.containment.present_at_end.is_empty() {
        let con = &d.containment;
        let left: Vec<String> =
            con.present_at_end.iter().map(|p| format!("{} ({})", p.system, p.presence)).collect();
        r.improve(
            "eviction".into(),
            None,
            format!(
                "The attacker was never evicted: when the drill ended it still held {}.",
                and_list(&left)
            ),
            Phase::Respond,
            security.clone(),
            "Investigate the systems that talk to the attacker (network evidence finds C2 and flows) and cut what is left (block C2, reimage)".into(),
        );
    } else if !hit.compromised.is_empty() {
        r.strength(
            format!(
                "Every compromised system ({}) was reimaged by the end.",
                count(hit.compromised.len(), "system", "systems")
            ),
            Phase::Respond,
            None,
        );
    }
    if !hit.encrypted.is_empty() {
        let list: Vec<String> =
            hit.encrypted.iter().map(|e| format!("{} ({})", e.system, clock(e.at))).collect();
        r.improve(
            "encrypted".into(),
            hit.encrypted.iter().map(|e| e.at).min(),
            format!("{} encrypted: {}.", count(list.len(), "system was", "systems were"), and_list(&list)),
            Phase::Respond,
            None,
            "Contain before the attacker reaches the servers: rehearse credential resets and isolating the server zone".into(),
        );
    }
    let gb: f64 = total(&d.exfiltrated);
    if gb > 0.0 {
        let through: Vec<String> = d.exfiltrated.iter().map(|x| x.system.clone()).collect();
        r.improve(
            "exfiltrated".into(),
            None,
            format!("{gb:.1} GB of data was exfiltrated through {}.", and_list(&through)),
            Phase::Respond,
            security.clone(),
            format!(
                "Block C2 and exfiltration at the first sign of large uploads (block_c2 on {})",
                through.join(", ")
            ),
        );
    } else if !hit.compromised.is_empty() {
        r.strength("No data was exfiltrated.".into(), Phase::Respond, None);
    }
    for x in &hit.reinfected {
        r.improve(
            format!("reinfected-{}", x.system),
            Some(x.at),
            format!(
                "{} was restored from an infected backup and re-infected at {}.",
                x.system,
                clock(x.at)
            ),
            Phase::Recover,
            it.clone(),
            "Restore only from backups taken before the intrusion, or reimage instead".into(),
        );
    }
    for x in &hit.re_encrypted {
        let restored = last_action_on(ctx, &x.system, x.at);
        let text = match &restored {
            Some(a) => format!(
                "{} {} started to {} {} before the attacker was evicted; it was encrypted again at {}.",
                clock(a.started),
                name(&a.team),
                a.action,
                x.system,
                clock(x.at)
            ),
            None => format!(
                "{} was restored before the attacker was evicted and encrypted again at {}.",
                x.system,
                clock(x.at)
            ),
        };
        let owner = restored.as_ref().map(|a| a.team.clone()).or_else(|| it.clone());
        r.improve(
            format!("re-encrypted-{}", x.system),
            restored.as_ref().map_or(Some(x.at), |r| Some(r.started)),
            text,
            Phase::Recover,
            owner,
            "Evict the attacker (reimage, reset credentials) before restoring from backup".into(),
        );
    }

    // Isolations.
    let unnecessary: Vec<_> = d.isolations.iter().filter(|i| i.unnecessary).collect();
    for i in &unnecessary {
        r.improve(
            format!("isolated-{}-{}", i.system, i.at),
            Some(i.at),
            format!(
                "{} isolated {} at {} though it was never compromised ({} of its own downtime).",
                name(&i.team),
                i.system,
                clock(i.at),
                ctx.money(i.cost)
            ),
            Phase::Respond,
            Some(i.team.clone()),
            "Confirm a compromise (investigate, or ask the security team) before isolating a system".into(),
        );
    }
    if unnecessary.is_empty() && !d.isolations.is_empty() {
        r.strength(
            format!(
                "Every isolation hit a compromised system ({}).",
                and_list(&d.isolations.iter().map(|i| i.system.clone()).collect::<Vec<_>>())
            ),
            Phase::Respond,
            None,
        );
    }

    // Requests.
    for q in &d.requests {
        let what = format!(
            "{}'s request to {} to {}{}",
            name(&q.from),
            name(&q.to),
            q.action,
            target(&q.target)
        );
        match q.outcome {
            RequestOutcome::Expired => r.improve(
                format!("request-{}-expired", q.id),
                q.closed_at,
                format!(
                    "{} {what} (sent {}) expired unanswered.{}",
                    clock(q.closed_at.unwrap_or(q.sent)),
                    clock(q.sent),
                    meanwhile(ctx, q.closed_at.unwrap_or(q.sent), q.target.as_deref(), &q.action)
                ),
                q.phase,
                Some(q.to.clone()),
                format!(
                    "Agree a response time for requests from {} to {}",
                    name(&q.from),
                    name(&q.to)
                ),
            ),
            RequestOutcome::Declined => r.improve(
                format!("request-{}-declined", q.id),
                q.closed_at,
                format!(
                    "{} {} declined {}'s request to {}{} (sent {}){}.{}",
                    clock(q.closed_at.unwrap_or(q.sent)),
                    name(&q.to),
                    name(&q.from),
                    q.action,
                    target(&q.target),
                    clock(q.sent),
                    if q.reason.is_empty() {
                        String::new()
                    } else {
                        format!(": “{}”", q.reason)
                    },
                    meanwhile(ctx, q.closed_at.unwrap_or(q.sent), q.target.as_deref(), &q.action)
                ),
                q.phase,
                Some(q.to.clone()),
                format!(
                    "Agree beforehand when {} may {} at {}'s request",
                    name(&q.to),
                    q.action,
                    name(&q.from)
                ),
            ),
            RequestOutcome::Accepted | RequestOutcome::Open | RequestOutcome::Withdrawn => {}
        }
        if let Some(last) = q.escalated_to.last() {
            r.improve(
                format!("request-{}-escalated", q.id),
                Some(q.sent),
                format!("{what} had to be escalated to {} for a decision.", name(last)),
                q.phase,
                Some(q.to.clone()),
                format!(
                    "Agree in the rules of engagement who decides on {} without escalation",
                    q.action
                ),
            );
        }
    }
    for o in &d.overrules {
        r.improve(
            format!("overrule-{}-{}", o.action, o.at),
            Some(o.at),
            format!(
                "{} took {}{} against the rules of engagement, without {}'s approval (cost {}).",
                name(&o.team),
                o.action,
                target(&o.target),
                name(&o.approver),
                o.cost
            ),
            Phase::Respond,
            Some(o.team.clone()),
            format!(
                "Ask {} in time, or agree rules of engagement that let {} {} there",
                name(&o.approver),
                name(&o.team),
                o.action
            ),
        );
    }
    let answered: Vec<u32> = d
        .requests
        .iter()
        .filter(|q| q.outcome == RequestOutcome::Accepted)
        .filter_map(|q| q.response_time)
        .collect();
    if !answered.is_empty() && answered.len() == d.requests.len() {
        r.strength(
            format!(
                "Every request between teams was accepted ({}, slowest in {}).",
                count(answered.len(), "request", "requests"),
                span(answered.iter().copied().max().unwrap_or(0))
            ),
            Phase::Respond,
            None,
        );
    }

    // Injects.
    for i in &d.injects {
        let audience: Vec<String> = i.teams.iter().map(|t| name(t)).collect();
        let owner = if i.teams.len() == 1 { i.teams.first().cloned() } else { None };
        if let Some(x) = &i.expected {
            match x.outcome {
                ExpectationOutcome::Met => r.strength(
                    format!(
                        "“{1}” (to {0}) was answered with {2}{3} in {4} (allowed {5}).",
                        and_list(&audience),
                        i.title,
                        x.action,
                        target(&x.target),
                        span(x.response_time.unwrap_or(0)),
                        span(x.within)
                    ),
                    x.phase,
                    owner.clone(),
                ),
                ExpectationOutcome::Missed => r.improve(
                    format!("inject-{}-{}", i.inject, i.delivered),
                    Some(i.delivered.saturating_add(x.within)),
                    format!(
                        "No {}{} within {} of “{}” ({}, delivered {}).",
                        x.action,
                        target(&x.target),
                        span(x.within),
                        i.title,
                        and_list(&audience),
                        clock(i.delivered)
                    ),
                    x.phase,
                    owner.clone(),
                    format!(
                        "Add “{}{}” to the runbook for “{}”, to be done within {}",
                        x.action,
                        target(&x.target),
                        i.title,
                        span(x.within)
                    ),
                ),
                ExpectationOutcome::Pending => {}
            }
        }
        if let Some(dec) = &i.decision
            && dec.by == Decider::Timeout
        {
            let decider = ctx
                .scenario
                .injects
                .iter()
                .find(|x| x.id == i.inject)
                .and_then(|x| x.decision.as_ref())
                .map(|x| x.team.clone());
            r.improve(
                format!("decision-{}-{}", i.inject, i.delivered),
                Some(dec.at),
                format!(
                    "Nobody decided “{}”: after {} the default applied ({}).",
                    i.title,
                    span(dec.time_to_decide),
                    if dec.label.is_empty() { dec.choice.clone() } else { dec.label.clone() }
                ),
                Phase::Respond,
                decider,
                format!("Agree in advance who decides “{}” and on what grounds", i.title),
            );
        }
    }

    // Recovery.
    let mut down = Vec::new();
    for s in &d.recovery.services {
        match s.time_to_recover {
            Some(t) => r.strength(
                format!(
                    "{} was back {} after it went down (at {}).",
                    s.system,
                    span(t),
                    clock(s.recovered_at.unwrap_or(0))
                ),
                Phase::Recover,
                it.clone(),
            ),
            None => down.push(s),
        }
    }
    if !down.is_empty() {
        let listed: Vec<String> = down
            .iter()
            .map(|s| {
                format!(
                    "{} ({:?} since {}, {} an hour)",
                    s.system,
                    s.state_at_end,
                    clock(s.first_down),
                    ctx.money(s.criticality)
                )
            })
            .collect();
        let ids: Vec<String> = down.iter().map(|s| s.system.clone()).collect();
        r.improve(
            "recovery".into(),
            None,
            format!(
                "{} not recovered by the end: {}.",
                if down.len() == 1 { "A critical service was" } else { "Critical services were" },
                and_list(&listed)
            ),
            Phase::Recover,
            it.clone(),
            format!(
                "Plan the recovery of {}: failover, clean backups, and the order of restores",
                and_list(&ids)
            ),
        );
    }

    // Detection quality.
    for m in &d.dismissed_alerts {
        r.improve(
            format!("dismissed-{}-{}", m.system, m.at),
            Some(m.at),
            format!(
                "{} {} dismissed a true alert on {} as a false positive.{}",
                clock(m.at),
                name(&m.team),
                m.system,
                meanwhile(ctx, m.at, Some(&m.system), "")
            ),
            Phase::Detect,
            Some(m.team.clone()),
            format!(
                "Before closing an alert as benign, check {} for the technique it names; escalate what cannot be ruled out",
                m.system
            ),
        );
    }
    let mut grouped: Vec<(&str, &str, Vec<String>)> = Vec::new();
    for m in &d.missed_findings {
        match grouped.iter_mut().find(|g| g.0 == m.team && g.1 == m.system) {
            Some(g) => g.2.push(clock(m.at)),
            None => grouped.push((&m.team, &m.system, vec![clock(m.at)])),
        }
    }
    for (team, system, times) in grouped {
        r.improve(
            format!("finding-{team}-{system}"),
            None,
            format!(
                "{}'s {} of {system} at {} found nothing though the attacker was on it.",
                name(team),
                if times.len() == 1 { "investigation" } else { "investigations" },
                and_list(&times)
            ),
            Phase::Detect,
            Some(team.to_owned()),
            format!(
                "Collect evidence before investigating {system}, and investigate again while alerts continue"
            ),
        );
    }
    let missed: Vec<String> = attack
        .techniques
        .iter()
        .filter(|t| !t.detected)
        .map(|t| if t.name.is_empty() { t.id.clone() } else { format!("{} {}", t.id, t.name) })
        .collect();
    if !missed.is_empty() {
        r.improve(
            "techniques".into(),
            None,
            format!(
                "{} of {} ATT&CK techniques ran undetected: {}.",
                missed.len(),
                attack.techniques.len(),
                and_list(&missed)
            ),
            Phase::Detect,
            security.clone(),
            format!(
                "Add or tune detections for {}",
                attack
                    .techniques
                    .iter()
                    .filter(|t| !t.detected)
                    .map(|t| t.id.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    } else if !attack.techniques.is_empty() {
        r.strength(
            format!(
                "Every ATT&CK technique the attacker used ({}) was detected.",
                attack.techniques.len()
            ),
            Phase::Detect,
            security.clone(),
        );
    }
    r
}

/// The headline sentences.
pub(crate) fn summary(
    ctx: &Ctx<'_>,
    d: &Details,
    objectives: &[ObjectiveResult],
    scores: &Scores,
) -> Vec<String> {
    let mut out = Vec::new();
    let teams: Vec<String> = scores
        .teams
        .iter()
        .map(|t| {
            format!(
                "{} {}",
                ctx.team_name(&t.team),
                t.score.score.map_or_else(|| "–".to_owned(), |s| s.to_string())
            )
        })
        .collect();
    match scores.combined.score {
        Some(s) => out.push(format!("Score {s}/100 combined ({}).", teams.join(", "))),
        None => out.push("The scenario has no objectives to score.".into()),
    }
    let n = |s: ObjectiveStatus| objectives.iter().filter(|o| o.status == s).count();
    let undecided = n(ObjectiveStatus::Undecided);
    out.push(format!(
        "Objectives: {} met, {} missed{}.",
        n(ObjectiveStatus::Met),
        n(ObjectiveStatus::Missed),
        if undecided > 0 { format!(", {undecided} undecided") } else { String::new() }
    ));
    let det = &d.detection;
    if let Some(first) = &det.first_compromise {
        let detected = match (&det.detected, det.time_to_detect) {
            (Some(x), Some(t)) => {
                format!("{} detected it after {}", ctx.team_name(&x.team), span(t))
            }
            _ => "no team detected it".into(),
        };
        let con = &d.containment;
        let contained = match (con.time_to_contain, con.present_at_end.is_empty()) {
            (Some(t), true) => format!("it was contained after {}", span(t)),
            (Some(t), false) => format!(
                "its campaign stalled after {} but it was never evicted (still on {})",
                span(t),
                con.present_at_end.iter().map(|p| p.system.as_str()).collect::<Vec<_>>().join(", ")
            ),
            (None, _) => "it was never contained".into(),
        };
        out.push(format!(
            "The attacker first got in at {} ({}); {detected}; {contained}.",
            clock(first.at),
            first.system
        ));
    } else if ctx.scenario.adversary.is_some() {
        out.push("The attacker never gained a foothold.".into());
    }
    let gb: f64 = total(&d.exfiltrated);
    let lost: f64 = total(&d.data_lost);
    out.push(format!(
        "Business cost {}{}; {} compromised, {} encrypted; {gb:.1} GB exfiltrated; {}.",
        ctx.money(d.cost.total),
        if d.cost.basis == CostBasis::Estimated { " (estimated)" } else { "" },
        count(d.systems.compromised.len(), "system", "systems"),
        d.systems.encrypted.len(),
        if lost > 0.0 {
            format!("{} of data lost to restores", span(lost as u32))
        } else {
            "no data lost to restores".into()
        }
    ));
    let expected: Vec<_> = d.injects.iter().filter_map(|i| i.expected.as_ref()).collect();
    if !expected.is_empty() {
        let met = expected.iter().filter(|x| x.outcome == ExpectationOutcome::Met).count();
        out.push(format!("{met} of {} inject deadlines met.", expected.len()));
    }
    out
}
