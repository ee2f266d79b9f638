//! The after-action report as a [`Document`], in the shape of an HSEEP after-action report
//! and improvement plan: what each section says, decided once for every format.

use tabletop_engine::adherence::{Adherence, StepStatus};
use tabletop_engine::model::{Disruption, ObservationKind};
use tabletop_engine::score::{
    CostBasis, ExpectationOutcome, ObjectiveStatus, RatingBasis, Report, RequestOutcome, Score,
    Stint, TaskStatus, money,
};

use super::document::{
    Block, Document, Figure, Inline, Line, List, Moment, MomentKind, Section, Table, TimelineChart,
    Tone, clock, code, plain, span, status, strong, text,
};

/// The report of one drill as a document.
pub fn report(r: &Report) -> Document<'_> {
    let mut sections = vec![
        summary(r),
        participants(r),
        timeline(r),
        metrics(r),
        objectives(r),
        capabilities(r),
        observations(r),
        improvements(r),
        plan(r),
    ];
    if let Some(a) = &r.plan_adherence {
        sections.push(adherence(r, a));
    }
    sections.extend([observed(r), notes(r), attack(r)]);
    let sections = sections
        .into_iter()
        .enumerate()
        .map(|(i, (title, blocks))| Section { number: Some(i + 1), title, blocks })
        .collect();
    Document {
        kind: "After-action report",
        subject: r.drill.title.clone(),
        about: about(r),
        preamble: preamble(r),
        sections,
    }
}

/// A section's title and blocks, numbered in the order [`report`] lists them.
type Part<'a> = (&'static str, Vec<Block<'a>>);

/// Which drill: scenario, seed, engine, how far it ran, and the seal.
fn about(r: &Report) -> Vec<Line> {
    let d = &r.drill;
    let mut about = vec![vec![
        text("Drill of "),
        code(&d.scenario_name),
        text(" (sha256 "),
        code(short_hash(&d.scenario_sha256)),
        text(format!("), seed {}, engine ", d.seed)),
        text(&d.engine),
        text(format!("; played 00:00 → {} of {}.", clock(d.ended_at), span(d.duration))),
    ]];
    if let Some(head) = &d.head_hash {
        about.push(vec![text("The log is sealed with head hash "), code(head), text(".")]);
    }
    about
}

/// The first twelve hex digits of a hash, marked as cut.
pub fn short_hash(h: &str) -> String {
    format!("{}…", h.get(..12).unwrap_or(h))
}

/// The partial-report warning and the key figures.
fn preamble(r: &Report) -> Vec<Block<'_>> {
    let mut blocks = Vec::new();
    if r.partial {
        blocks.push(Block::Warning(vec![
            strong("Partial report."),
            text(" "),
            text(capitalise(&r.partial_reasons.join("; "))),
            text(". Results are as of the log's last line; undecided objectives count as not met."),
        ]));
    }
    let score = |s: &Score| s.score.map_or_else(|| "–".to_owned(), |x| format!("{x}/100"));
    let mut figures =
        vec![Figure { label: "Combined score".into(), value: score(&r.scores.combined) }];
    figures.extend(
        r.scores
            .teams
            .iter()
            .map(|t| Figure { label: team_name(r, &t.team), value: score(&t.score) }),
    );
    let det = &r.detail;
    // "not detected" only where there was something to detect.
    let never = |what: &str| {
        if det.detection.first_compromise.is_some() { what.to_owned() } else { "–".to_owned() }
    };
    figures.extend([
        Figure { label: "Business cost".into(), value: cur(r, det.cost.total) },
        Figure {
            label: "Time to detect".into(),
            value: det.detection.time_to_detect.map_or_else(|| never("not detected"), span),
        },
        Figure {
            label: "Time to contain".into(),
            value: det.containment.time_to_contain.map_or_else(|| never("not contained"), span),
        },
    ]);
    blocks.push(Block::Figures(figures));
    blocks
}

fn summary(r: &Report) -> Part<'_> {
    ("Summary", vec![bullets(r.summary.iter().map(plain))])
}

fn participants(r: &Report) -> Part<'_> {
    let d = &r.drill;
    let mut blocks = vec![Block::Paragraph(vec![
        strong(&d.title),
        text(format!(" — a {} drill of {}. ", d.kind.to_lowercase(), span(d.duration))),
        text(&d.summary),
    ])];
    if let Some(a) = &d.adversary {
        blocks.push(Block::Paragraph(vec![text("Adversary: "), text(a), text(".")]));
    }
    blocks.push(Block::Paragraph(plain("Briefing:")));
    blocks.push(Block::Quote(paragraphs(&d.briefing)));
    let mut teams = Table::new(&[
        "Team",
        "Role",
        "Played by",
        "Score",
        "Actions started",
        "Completed",
        "Failed",
        "Requests sent",
        "Requests answered",
    ]);
    for t in &r.teams {
        teams.row(vec![
            vec![text(&t.name), text(" ("), code(&t.id), text(")")],
            plain(&t.role),
            plain(played_by(&t.played_by)),
            plain(t.score.map_or_else(|| "–".into(), |s| s.to_string())),
            plain(t.actions_started.to_string()),
            plain(t.actions_completed.to_string()),
            plain(t.actions_failed.to_string()),
            plain(t.requests_sent.to_string()),
            plain(t.requests_answered.to_string()),
        ]);
    }
    blocks.push(Block::Table(teams));
    ("Scenario and participants", blocks)
}

/// Who played a seat, in words: `people`, or `coordinated (bot), then people from 01:30`.
pub fn played_by(stints: &[Stint]) -> String {
    let words: Vec<String> = stints
        .iter()
        .map(|s| match s.from {
            0 => s.player.to_string(),
            at => format!("{} from {}", s.player, clock(at)),
        })
        .collect();
    words.join(", then ")
}

/// Text split into paragraphs at blank lines.
fn paragraphs(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for line in s.lines() {
        if line.trim().is_empty() {
            open = false;
        } else if let Some(last) = out.last_mut().filter(|_| open) {
            last.push('\n');
            last.push_str(line);
        } else {
            out.push(line.to_owned());
            open = true;
        }
    }
    out
}

fn timeline(r: &Report) -> Part<'_> {
    let det = &r.detail;
    let moments = [
        (det.detection.first_compromise.as_ref().map(|c| c.at), MomentKind::FirstFoothold),
        (det.detection.detected.as_ref().map(|d| d.at), MomentKind::Detected),
        (det.containment.contained_at, MomentKind::Contained),
    ];
    let chart = TimelineChart {
        chart: &r.chart,
        teams: r.teams.iter().map(|t| t.id.as_str()).collect(),
        moments: moments
            .into_iter()
            .filter_map(|(at, kind)| at.map(|at| Moment { at, kind }))
            .collect(),
    };
    let mut events = Table::new(&["Time", "Who", "Phase", "What happened"]);
    for e in &r.timeline {
        events.row(vec![
            plain(clock(e.at)),
            plain(&e.actor),
            e.phase.map(Inline::Phase).into_iter().collect(),
            plain(&e.text),
        ]);
    }
    let blocks = vec![
        Block::Chart(chart),
        Block::Subheading("Events"),
        Block::Remark(plain(
            "Monitoring observations and false-positive alerts are left out; repeated alerts appear once.",
        )),
        Block::Table(events),
    ];
    ("Timeline", blocks)
}

fn metrics(r: &Report) -> Part<'_> {
    let mut table = Table::new(&["Phase", "Metric", "Value"]);
    for m in &r.metrics {
        table.row(vec![vec![Inline::Phase(m.phase)], plain(&m.name), plain(&m.text)]);
    }
    // One definition per family: every critical service's time to recover reads the same.
    let mut seen: Vec<&str> = Vec::new();
    let mut definitions = Vec::new();
    for m in &r.metrics {
        let family = m.id.split(':').next().unwrap_or(&m.id);
        if seen.contains(&family) {
            continue;
        }
        seen.push(family);
        let name =
            if m.id.contains(':') { "Time to recover (each critical service)" } else { &m.name };
        definitions.push(vec![strong(name), text(": "), text(&m.definition)]);
    }
    let mut blocks = vec![
        Block::Table(table),
        Block::Paragraph(plain("How they are measured:")),
        bullets(definitions),
    ];
    blocks.extend(critical_services(r));
    blocks.extend(cost(r));
    blocks.extend(requests(r));
    blocks.extend(engagement(r));
    blocks.extend(injects(r));
    blocks.extend(isolations(r));
    ("Metrics", blocks)
}

fn critical_services(r: &Report) -> Vec<Block<'_>> {
    let rec = &r.detail.recovery;
    let mut blocks = vec![
        Block::Subheading("Critical services"),
        Block::Remark(plain(format!(
            "Systems costing at least {} an hour down.",
            cur(r, rec.critical_from)
        ))),
    ];
    if rec.services.is_empty() {
        blocks.push(Block::Paragraph(plain("No critical service was unavailable.")));
    } else {
        let mut table = Table::new(&[
            "Service",
            "Cost an hour",
            "First down",
            "Back for good",
            "Time to recover",
            "Down in all",
            "Outages",
            "At the end",
        ]);
        for s in &rec.services {
            table.row(vec![
                vec![text(&s.system), text(" ("), text(&s.name), text(")")],
                plain(cur(r, s.criticality)),
                plain(clock(s.first_down)),
                plain(opt_clock(s.recovered_at)),
                s.time_to_recover
                    .map_or_else(|| vec![status(Tone::Bad, "not recovered")], |t| plain(span(t))),
                plain(span(s.minutes_down)),
                plain(s.outages.to_string()),
                plain(format!("{:?}", s.state_at_end)),
            ]);
        }
        blocks.push(Block::Table(table));
    }
    if !rec.unaffected.is_empty() {
        blocks.push(Block::Paragraph(vec![
            text("Never unavailable: "),
            text(rec.unaffected.join(", ")),
            text("."),
        ]));
    }
    blocks
}

/// The total, and one table of where the money went: downtime per system, then each one-off
/// cost with its reason and time.
fn cost(r: &Report) -> Vec<Block<'_>> {
    let c = &r.detail.cost;
    let estimated = match c.basis {
        CostBasis::Estimated => " (estimated: the drill did not finish)",
        CostBasis::DrillEnded => "",
    };
    let mut blocks = vec![
        Block::Subheading("Cost"),
        Block::Paragraph(plain(format!(
            "Total {}{estimated}; downtime rebuilt from the log {}.",
            cur(r, c.total),
            cur(r, c.downtime_estimated)
        ))),
    ];
    if !c.by_system.is_empty() || !c.one_off.is_empty() {
        let mut table = Table::new(&["What", "Kind", "Cost"]);
        for s in &c.by_system {
            table.row(vec![plain(&s.system), plain("downtime"), plain(cur(r, s.amount as u64))]);
        }
        for o in &c.one_off {
            table.row(vec![
                vec![text(&o.reason), text(format!(" at {}", clock(o.at)))],
                plain("one-off"),
                plain(cur(r, o.amount)),
            ]);
        }
        blocks.push(Block::Table(table));
    }
    blocks
}

fn requests(r: &Report) -> Vec<Block<'_>> {
    let requests = &r.detail.requests;
    if requests.is_empty() {
        return Vec::new();
    }
    let mut table = Table::new(&[
        "#",
        "From",
        "To",
        "Asked",
        "Outage/h",
        "Phase",
        "Sent",
        "Outcome",
        "Response time",
    ]);
    for q in requests {
        let (tone, word) = match q.outcome {
            RequestOutcome::Accepted => (Tone::Good, "accepted".to_owned()),
            RequestOutcome::Declined if q.reason.is_empty() => (Tone::Bad, "declined".to_owned()),
            RequestOutcome::Declined => (Tone::Bad, format!("declined: {}", q.reason)),
            RequestOutcome::Expired => (Tone::Bad, "expired".to_owned()),
            RequestOutcome::Open => (Tone::Unsettled, "open".to_owned()),
            RequestOutcome::Withdrawn => (Tone::Unsettled, "withdrawn".to_owned()),
        };
        let mut outcome = vec![status(tone, word)];
        if !q.escalated_to.is_empty() {
            outcome.push(text(format!(" (escalated to {})", q.escalated_to.join(", then "))));
        }
        let asked = with_target(&q.action, q.target.as_deref());
        table.row(vec![
            plain(q.id.to_string()),
            plain(&q.from),
            plain(&q.to),
            plain(if q.approval { format!("approve: {asked}") } else { asked }),
            plain(if q.cost_per_hour > 0 { cur(r, q.cost_per_hour) } else { "—".to_owned() }),
            vec![Inline::Phase(q.phase)],
            plain(clock(q.sent)),
            outcome,
            plain(opt_span(q.response_time)),
        ]);
    }
    let mut blocks = vec![Block::Subheading("Requests between teams"), Block::Table(table)];
    let answered: Vec<u32> = requests.iter().filter_map(|q| q.response_time).collect();
    let escalated = requests.iter().filter(|q| !q.escalated_to.is_empty()).count();
    let mut summary = vec![text(format!("{} of {} answered", answered.len(), requests.len()))];
    if !answered.is_empty() {
        let mean = answered.iter().map(|&m| u64::from(m)).sum::<u64>() / answered.len() as u64;
        summary.push(text(format!(
            ", in {} on average (slowest {})",
            opt_span(Some(u32::try_from(mean).unwrap_or(u32::MAX))),
            opt_span(answered.iter().copied().max())
        )));
    }
    summary.push(text(format!("; {escalated} escalated.")));
    blocks.push(Block::Paragraph(summary));
    blocks
}

/// Actions taken against the rules of engagement, and what the response actions cost the
/// business besides their time (their side effects).
fn engagement(r: &Report) -> Vec<Block<'_>> {
    let mut blocks = Vec::new();
    let d = &r.detail;
    if !d.overrules.is_empty() {
        let mut table = Table::new(&["When", "Team", "Action", "Without approval of", "Cost"]);
        for o in &d.overrules {
            table.row(vec![
                plain(clock(o.at)),
                plain(&o.team),
                plain(with_target(&o.action, o.target.as_deref())),
                plain(&o.approver),
                vec![status(Tone::Bad, cur(r, o.cost))],
            ]);
        }
        blocks.push(Block::Subheading("Actions against the rules of engagement"));
        blocks.push(Block::Table(table));
    }
    if !d.disruptions.is_empty() {
        let mut table = Table::new(&["When", "System", "By", "Price"]);
        for x in &d.disruptions {
            let price = match &x.cause {
                Disruption::Maintenance { until } => {
                    format!("out of service until {}", clock(until.0))
                }
                Disruption::CredentialReset { credential } => {
                    format!("locked out ({credential} reset) until reconfigured")
                }
                Disruption::EgressCut { until } => {
                    format!("own outbound traffic cut until {}", clock(until.0))
                }
            };
            table.row(vec![plain(clock(x.at)), plain(&x.system), plain(&x.action), plain(price)]);
        }
        blocks.push(Block::Subheading("What the response actions cost"));
        blocks.push(Block::Table(table));
    }
    blocks
}

fn injects(r: &Report) -> Vec<Block<'_>> {
    let injects = &r.detail.injects;
    if injects.is_empty() {
        return Vec::new();
    }
    let mut table = Table::new(&[
        "Delivered",
        "Inject",
        "Teams",
        "Expected",
        "Within",
        "Result",
        "Response time",
    ]);
    for i in injects {
        let [expected, within, result, time] = match (&i.expected, &i.decision) {
            (Some(x), _) => {
                let (tone, word) = match x.outcome {
                    ExpectationOutcome::Met => (Tone::Good, "met"),
                    ExpectationOutcome::Missed => (Tone::Bad, "missed"),
                    ExpectationOutcome::Pending => (Tone::Unsettled, "pending"),
                };
                [
                    vec![
                        text(with_target(&x.action, x.target.as_deref())),
                        text(" ("),
                        Inline::Phase(x.phase),
                        text(")"),
                    ],
                    plain(span(x.within)),
                    vec![status(tone, word)],
                    plain(opt_span(x.response_time)),
                ]
            }
            (None, Some(dec)) => [
                plain("a decision"),
                plain("–"),
                plain(format!(
                    "{} chose “{}”",
                    dec.by,
                    if dec.label.is_empty() { &dec.choice } else { &dec.label }
                )),
                plain(span(dec.time_to_decide)),
            ],
            (None, None) => [plain("–"), plain("–"), plain("–"), plain("–")],
        };
        table.row(vec![
            plain(clock(i.delivered)),
            vec![text(&i.title), text(" ("), code(&i.inject), text(")")],
            plain(i.teams.join(", ")),
            expected,
            within,
            result,
            time,
        ]);
    }
    vec![Block::Subheading("Injects"), Block::Table(table)]
}

fn isolations(r: &Report) -> Vec<Block<'_>> {
    let isolations = &r.detail.isolations;
    if isolations.is_empty() {
        return Vec::new();
    }
    let mut table = Table::new(&[
        "System",
        "Team",
        "Isolated",
        "Reconnected",
        "Compromised",
        "Own downtime cost",
    ]);
    for i in isolations {
        table.row(vec![
            plain(&i.system),
            plain(&i.team),
            plain(clock(i.at)),
            plain(opt_clock(i.until)),
            vec![if i.compromised {
                status(Tone::Good, "yes")
            } else {
                status(Tone::Bad, "no (unnecessary)")
            }],
            plain(cur(r, i.cost)),
        ]);
    }
    vec![Block::Subheading("Isolations"), Block::Table(table)]
}

fn objectives(r: &Report) -> Part<'_> {
    if r.objectives.is_empty() {
        return ("Objectives", vec![Block::Paragraph(plain("The scenario has no objectives."))]);
    }
    let mut table =
        Table::new(&["Objective", "Team", "Capability", "Phase", "Weight", "Result", "Decided"]);
    for ob in &r.objectives {
        table.row(vec![
            vec![text(&ob.description), text(" ("), code(&ob.id), text(")")],
            plain(ob.team.as_deref().unwrap_or("shared")),
            plain(&ob.capability),
            vec![Inline::Phase(ob.phase)],
            plain(ob.weight.to_string()),
            vec![objective_status(ob.status)],
            plain(opt_clock(ob.at)),
        ]);
    }
    let mut scores = Table::new(&["Who", "Score", "Weight met", "Missed", "Undecided", "Total"]);
    let score_row = |who: String, s: &Score| {
        vec![
            plain(who),
            plain(s.score.map_or_else(|| "–".to_owned(), |x| format!("{x}/100"))),
            plain(s.met_weight.to_string()),
            plain(s.missed_weight.to_string()),
            plain(s.undecided_weight.to_string()),
            plain(s.total_weight.to_string()),
        ]
    };
    scores.row(score_row("Combined".into(), &r.scores.combined));
    for t in &r.scores.teams {
        scores.row(score_row(team_name(r, &t.team), &t.score));
    }
    let blocks = vec![
        Block::Table(table),
        Block::Remark(plain(
            "Scores are the share of objective weight met (a team counts its own objectives and the shared ones).",
        )),
        Block::Table(scores),
    ];
    ("Objectives", blocks)
}

/// An objective's result, toned.
pub fn objective_status(s: ObjectiveStatus) -> Inline {
    match s {
        ObjectiveStatus::Met => status(Tone::Good, "met"),
        ObjectiveStatus::Missed => status(Tone::Bad, "missed"),
        ObjectiveStatus::Undecided => status(Tone::Unsettled, "undecided"),
    }
}

fn capabilities(r: &Report) -> Part<'_> {
    let mut blocks = vec![bullets(r.rating_rules.iter().map(plain))];
    if !r.capabilities.is_empty() {
        let mut table = Table::new(&["Capability", "Phase", "Rating", "Rated from", "Why"]);
        for c in &r.capabilities {
            let from = match c.basis {
                RatingBasis::CriticalTasks => format!(
                    "critical tasks: {}",
                    c.tasks.iter().map(|t| t.id.as_str()).collect::<Vec<_>>().join(", ")
                ),
                RatingBasis::Objectives => format!("objectives: {}", c.objectives.join(", ")),
            };
            let why = match &c.overridden {
                Some(o) => format!(
                    "Rated {:?} by the facilitator (computed {:?}: {}): {}",
                    c.rating, o.computed, c.reason, o.reason
                ),
                None => c.reason.clone(),
            };
            table.row(vec![
                plain(&c.capability),
                vec![Inline::Phase(c.phase)],
                vec![
                    Inline::Rating(c.rating),
                    text(format!(
                        " ({}){}{}",
                        c.rating.meaning(),
                        if c.provisional { ", provisional" } else { "" },
                        if c.overridden.is_some() { ", overridden" } else { "" }
                    )),
                ],
                plain(from),
                plain(why),
            ]);
        }
        blocks.push(Block::Table(table));
    }
    if r.capabilities.iter().any(|c| !c.tasks.is_empty()) {
        blocks.push(Block::Paragraph(plain("Critical tasks, per capability:")));
        let mut table = Table::new(&["Capability", "Critical task", "Team", "Result", "At"]);
        for c in &r.capabilities {
            for t in &c.tasks {
                table.row(vec![
                    plain(&c.capability),
                    plain(format!("{} ({})", t.description, t.id)),
                    plain(t.team.as_deref().map_or_else(|| "any".to_owned(), |x| team_name(r, x))),
                    vec![task_status(t.status, t.late_by)],
                    plain(opt_clock(t.at)),
                ]);
            }
        }
        blocks.push(Block::Table(table));
    }
    ("Capability ratings", blocks)
}

/// A critical task's result, toned.
fn task_status(s: TaskStatus, late_by: Option<u32>) -> Inline {
    match s {
        TaskStatus::OnTime => status(Tone::Good, "in time"),
        TaskStatus::Late => status(Tone::Unsettled, format!("late by {}", opt_span(late_by))),
        TaskStatus::NotDone => status(Tone::Bad, "not done"),
        TaskStatus::Undecided => status(Tone::Unsettled, "undecided"),
        TaskStatus::NotDue => status(Tone::Unsettled, "never due"),
    }
}

fn observations(r: &Report) -> Part<'_> {
    ("Strengths", tagged(&r.strengths, false))
}

fn improvements(r: &Report) -> Part<'_> {
    ("Areas for improvement", tagged(&r.improvements, true))
}

/// Observations, each tagged with its phase; numbered when the plan refers to them.
fn tagged(items: &[tabletop_engine::score::Observation], ordered: bool) -> Vec<Block<'_>> {
    if items.is_empty() {
        return vec![Block::Paragraph(plain("None recorded."))];
    }
    let items = items.iter().map(|o| vec![Inline::Phase(o.phase), text(" "), text(&o.text)]);
    vec![Block::List(List { ordered, items: items.collect() })]
}

fn plan(r: &Report) -> Part<'_> {
    if r.improvement_plan.is_empty() {
        return ("Improvement plan", vec![Block::Paragraph(plain("Nothing to plan."))]);
    }
    let mut table = Table::new(&[
        "#",
        "When",
        "What happened",
        "Corrective action",
        "Owner",
        "Due",
        "Capability",
    ]);
    for (i, p) in r.improvement_plan.iter().enumerate() {
        let mut happened = vec![text(&p.addresses)];
        for o in &p.observations {
            happened.push(text(format!(
                " {} ({}, {}): “{}”",
                observation_kind(o.kind),
                by_name(r, &o.by),
                o.at.map_or_else(|| "after the drill".to_owned(), clock),
                o.text
            )));
        }
        table.row(vec![
            vec![text((i + 1).to_string()), text(" "), code(&p.id)],
            plain(opt_clock(p.at)),
            happened,
            plain(&p.action),
            plain(team_name(r, &p.owner)),
            plain(if p.edited { format!("{} (set in review)", p.due) } else { p.due.clone() }),
            vec![text(&p.capability), text(" "), Inline::Phase(p.phase)],
        ]);
    }
    let blocks = vec![
        Block::Remark(vec![
            text(
                "Each row answers the area for improvement with the same number. Change an \
                 item's owner or due date with ",
            ),
            code("tabletop review LOG --item ID --owner TEAM --due DATE"),
            text("."),
        ]),
        Block::Table(table),
    ];
    ("Improvement plan", blocks)
}

fn adherence<'a>(r: &'a Report, a: &'a Adherence) -> Part<'a> {
    let score = |x: f64| format!("{x:.0}");
    let mut blocks = vec![Block::Paragraph(plain(format!(
        "The plan{}, played alone on this drill's scenario and seed, scores {} at a cost of {}; \
         the drill as played scores {} at {}. Each step the teams did not follow (late, \
         differently, not at all) is played again into the drill as played, at the moment the \
         plan took it: the last column is what the engine says that step alone would have \
         changed.",
        if a.description.is_empty() {
            String::new()
        } else {
            format!(" (“{}”)", a.description)
        },
        score(a.plan.score),
        cur(r, a.plan.cost),
        score(a.played.score),
        cur(r, a.played.cost)
    )))];
    let mut table = Table::new(&[
        "#",
        "Team",
        "Plan step",
        "Planned",
        "Done",
        "Result",
        "Had it been followed",
    ]);
    for s in &a.steps {
        let result = match s.status {
            StepStatus::OnTime => status(Tone::Good, "on time"),
            StepStatus::Late => status(Tone::Unsettled, format!("late by {}", opt_span(s.late_by))),
            StepStatus::Differently => status(
                Tone::Unsettled,
                format!("differently: {}", s.instead.as_deref().unwrap_or("another way")),
            ),
            StepStatus::NotDone => status(Tone::Bad, "not done"),
            StepStatus::NotDue => status(Tone::Unsettled, "not due (the plan never took it)"),
            StepStatus::NotAssessed => status(Tone::Unsettled, "not assessed"),
        };
        let followed = s.with_step.map_or_else(
            || "–".to_owned(),
            |w| {
                format!(
                    "score {} ({:+.0}), cost {} ({})",
                    score(w.score),
                    w.score - a.played.score,
                    cur(r, w.cost),
                    signed_money(r, i128::from(w.cost) - i128::from(a.played.cost))
                )
            },
        );
        table.row(vec![
            plain(s.step.to_string()),
            plain(if s.team == "facilitator" {
                "Facilitator".to_owned()
            } else {
                team_name(r, &s.team)
            }),
            vec![code(&s.what)],
            plain(opt_clock(s.planned)),
            plain(opt_clock(s.done)),
            vec![result],
            plain(followed),
        ]);
    }
    blocks.push(Block::Table(table));
    ("Plan adherence", blocks)
}

/// A change of money with its sign.
fn signed_money(r: &Report, delta: i128) -> String {
    let amount = u64::try_from(delta.unsigned_abs()).unwrap_or(u64::MAX);
    let sign = if delta < 0 { "−" } else { "+" };
    format!("{sign}{}", cur(r, amount))
}

fn observed(r: &Report) -> Part<'_> {
    const TITLE: &str = "Observations";
    if r.observations.is_empty() {
        return (
            TITLE,
            vec![Block::Paragraph(vec![
                text("None recorded. Add the hotwash with "),
                code("tabletop review LOG --observe TEXT"),
                text("."),
            ])],
        );
    }
    let mut table =
        Table::new(&["At", "By", "Kind", "Capability", "Team", "Observation", "Plan item"]);
    for o in &r.observations {
        let item = r
            .improvement_plan
            .iter()
            .position(|p| p.observations.iter().any(|x| x.line == o.line))
            .map_or_else(|| "–".to_owned(), |i| (i + 1).to_string());
        table.row(vec![
            plain(opt_clock(o.at)),
            plain(by_name(r, &o.by)),
            plain(observation_kind(o.kind)),
            plain(o.capability.as_deref().unwrap_or("–")),
            plain(o.team.as_deref().map_or_else(|| "–".to_owned(), |t| team_name(r, t))),
            plain(&o.text),
            plain(item),
        ]);
    }
    (TITLE, vec![Block::Table(table)])
}

fn observation_kind(k: ObservationKind) -> &'static str {
    match k {
        ObservationKind::Strength => "Strength",
        ObservationKind::Problem => "Problem",
        ObservationKind::Suggestion => "Suggestion",
    }
}

/// Who made an observation, for people.
fn by_name(r: &Report, by: &str) -> String {
    if by == "facilitator" { "Facilitator".to_owned() } else { team_name(r, by) }
}

fn notes(r: &Report) -> Part<'_> {
    if r.notes.is_empty() {
        return ("Facilitator notes", vec![Block::Paragraph(plain("No notes were recorded."))]);
    }
    let items = r.notes.iter().map(|n| vec![text(clock(n.at)), text(" "), text(&n.text)]);
    ("Facilitator notes", vec![bullets(items)])
}

fn attack(r: &Report) -> Part<'_> {
    let mut blocks = vec![Block::Remark(plain(format!(
        "MITRE ATT&CK Enterprise {}. A technique counts as detected when a true-positive alert or a compromise finding touched its targets while or after it ran.",
        r.attack.catalogue
    )))];
    if r.attack.techniques.is_empty() {
        blocks.push(Block::Paragraph(plain("The attacker used no technique.")));
        return ("ATT&CK techniques", blocks);
    }
    let mut table = Table::new(&[
        "Technique",
        "Tactics",
        "Stages",
        "Targets",
        "Started",
        "Succeeded",
        "Detected",
    ]);
    for t in &r.attack.techniques {
        let detected = match (t.detected_at, &t.detected_by) {
            (Some(at), Some(by)) => vec![
                status(Tone::Good, format!("yes, {}", clock(at))),
                text(" ("),
                text(by),
                text(")"),
            ],
            _ => vec![status(Tone::Bad, "no")],
        };
        table.row(vec![
            vec![text(&t.id), text(" "), text(&t.name)],
            plain(t.tactics.join(", ")),
            plain(t.stages.join(", ")),
            plain(t.targets.join(", ")),
            plain(clock(t.first_started)),
            plain(opt_clock(t.succeeded_at)),
            detected,
        ]);
    }
    blocks.push(Block::Table(table));
    ("ATT&CK techniques", blocks)
}

fn bullets<'a>(items: impl IntoIterator<Item = Line>) -> Block<'a> {
    Block::List(List { ordered: false, items: items.into_iter().collect() })
}

fn cur(r: &Report, amount: u64) -> String {
    money(amount, &r.drill.currency)
}

/// A team's display name from its id.
fn team_name(r: &Report, id: &str) -> String {
    r.teams.iter().find(|t| t.id == id).map_or_else(|| id.to_owned(), |t| t.name.clone())
}

fn with_target(action: &str, target: Option<&str>) -> String {
    match target {
        Some(t) => format!("{action} {t}"),
        None => action.to_owned(),
    }
}

fn opt_span(m: Option<u32>) -> String {
    m.map_or_else(|| "–".to_owned(), span)
}

fn opt_clock(m: Option<u32>) -> String {
    m.map_or_else(|| "–".to_owned(), clock)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().collect::<String>() + c.as_str())
}
