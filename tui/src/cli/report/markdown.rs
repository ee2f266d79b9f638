//! The report and the comparison as Markdown, in the shape of an HSEEP after-action report
//! and improvement plan.

use std::fmt::Write;

use tabletop_engine::scenario::{Minutes, Phase};
use tabletop_engine::score::{
    Comparison, ExpectationOutcome, ObjectiveStatus, Report, RequestOutcome, Verdict, money,
};

use crate::safe_text::terminal_safe;

/// A drill time: `02:55`.
pub fn clock(m: u32) -> String {
    Minutes(m).clock()
}

/// A span: `1h19m`.
pub fn span(m: u32) -> String {
    Minutes(m).to_string()
}

/// A phase tag: `detect`.
pub fn phase(p: Phase) -> &'static str {
    match p {
        Phase::Detect => "detect",
        Phase::Respond => "respond",
        Phase::Recover => "recover",
    }
}

/// An objective's result for people.
pub fn status(s: ObjectiveStatus) -> &'static str {
    match s {
        ObjectiveStatus::Met => "met",
        ObjectiveStatus::Missed => "missed",
        ObjectiveStatus::Undecided => "undecided",
    }
}

/// A request's outcome for people.
pub fn request_outcome(o: RequestOutcome) -> &'static str {
    match o {
        RequestOutcome::Accepted => "accepted",
        RequestOutcome::Declined => "declined",
        RequestOutcome::Expired => "expired",
        RequestOutcome::Open => "open",
    }
}

/// An expectation's outcome for people.
pub fn expectation_outcome(o: ExpectationOutcome) -> &'static str {
    match o {
        ExpectationOutcome::Met => "met",
        ExpectationOutcome::Missed => "missed",
        ExpectationOutcome::Pending => "pending",
    }
}

/// A comparison verdict for people.
pub fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Better => "better",
        Verdict::Worse => "worse",
        Verdict::Same => "same",
        Verdict::NotComparable => "changed",
    }
}

/// A team's display name from its id.
pub fn team_name(r: &Report, id: &str) -> String {
    r.teams.iter().find(|t| t.id == id).map_or_else(|| id.to_owned(), |t| t.name.clone())
}

/// Scenario or log text made inert for Markdown: it reads the same once rendered, but cannot
/// open a heading, list, quote, code block, table, link, image, emphasis or raw HTML, and
/// carries no terminal control characters (the report is often read with `cat`).
///
/// Line breaks become spaces, so the text stays inside the line (list item, table cell,
/// heading) it was placed in; the start of the text is treated as a line start, since that is
/// where most of it lands (`- {text}`). Backslash escapes are used where CommonMark allows
/// them; `<` and `>` become `&lt;` and `&gt;` so no tag survives even a renderer that
/// ignores escapes; `_` between two letters is left alone because it cannot open emphasis
/// there, which keeps action names like `collect_evidence` readable.
pub fn md_escape(s: &str) -> String {
    let safe = terminal_safe(s);
    let chars: Vec<char> = safe.chars().filter(|&c| c != '\r').collect();
    let mut out = String::with_capacity(safe.len() + 8);
    let lead = chars.iter().take_while(|c| matches!(c, ' ' | '\t')).count();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        match c {
            '\n' => out.push(' '),
            '\\' | '`' | '*' | '~' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '_' if !(prev.is_some_and(char::is_alphanumeric)
                && next.is_some_and(char::is_alphanumeric)) =>
            {
                out.push_str("\\_");
            }
            // `](` is where a link destination starts; `]` is escaped too, this is for
            // renderers and readers that look for the pair.
            '(' if prev == Some(']') => out.push_str("\\("),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' if starts_entity(&chars[i + 1..]) => out.push_str("&amp;"),
            // A heading at the start.
            '#' if i == lead => out.push_str("\\#"),
            // A list item (`- x`), thematic break (`---`) or setext underline (`===`) at the
            // start; `-5` or `+1` cannot be one and stays readable.
            '-' | '+' | '='
                if i == lead && next.is_none_or(|n| n == c || n == ' ' || n == '\t') =>
            {
                out.push('\\');
                out.push(c);
            }
            // An ordered list item (`1. x`, `1) x`) at the start; `0.1.0` cannot be one.
            '.' | ')'
                if i > lead
                    && chars[lead..i].iter().all(char::is_ascii_digit)
                    && next.is_none_or(|n| n == ' ' || n == '\t') =>
            {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether the text after an `&` reads as a character reference (`&lt;`, `&#60;`).
fn starts_entity(rest: &[char]) -> bool {
    let name = rest.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '#').count();
    name > 0 && rest.get(name) == Some(&';')
}

/// Scenario or log text as inline code (`` `id` ``) when it can be one safely, else as
/// escaped text: a backtick would end the span early and a `|` would split a table cell.
fn code(s: &str) -> String {
    let plain = s.chars().all(|c| !c.is_control() && !matches!(c, '`' | '|'));
    if plain && !s.is_empty() && !s.starts_with(' ') && !s.ends_with(' ') {
        format!("`{s}`")
    } else {
        md_escape(s)
    }
}

/// Scenario or log texts, each escaped, joined with commas.
fn list(items: &[String]) -> String {
    items.iter().map(|s| md_escape(s)).collect::<Vec<_>>().join(", ")
}

/// A table cell from Markdown the caller built (scenario text in it already escaped with
/// [`md_escape`] or [`code`]): a line break would end the table row.
fn cell(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

fn row(out: &mut String, cells: &[String]) {
    let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

fn header(out: &mut String, names: &[&str]) {
    let _ = writeln!(out, "| {} |", names.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(names.len()));
}

fn opt_span(m: Option<u32>) -> String {
    m.map_or_else(|| "–".to_owned(), span)
}

fn opt_clock(m: Option<u32>) -> String {
    m.map_or_else(|| "–".to_owned(), clock)
}

/// The report as Markdown.
#[allow(clippy::too_many_lines)]
pub fn report(r: &Report) -> String {
    let mut o = String::new();
    let d = &r.drill;
    let cur = |n: u64| money(n, &d.currency);
    let _ = writeln!(o, "# After-action report: {}\n", md_escape(&d.title));
    let _ = writeln!(
        o,
        "Drill of {} (sha256 {}), seed {}, engine {}; played 00:00 → {} of {}.\n",
        code(&d.scenario_name),
        code(&format!("{}…", d.scenario_sha256.get(..12).unwrap_or(&d.scenario_sha256))),
        d.seed,
        md_escape(&d.engine),
        clock(d.ended_at),
        span(d.duration)
    );
    if let Some(head) = &d.head_hash {
        let _ = writeln!(o, "The log is sealed with head hash {}.\n", code(head));
    }
    if r.partial {
        let _ = writeln!(
            o,
            "> **Partial report.** {}. Results are as of the log's last line; undecided objectives count as not met.\n",
            md_escape(&capitalise(&r.partial_reasons.join("; ")))
        );
    }

    o.push_str("## 1. Summary\n\n");
    for s in &r.summary {
        let _ = writeln!(o, "- {}", md_escape(s));
    }
    o.push('\n');

    o.push_str("## 2. Scenario and participants\n\n");
    let _ = writeln!(
        o,
        "**{}** — a {} drill of {}. {}\n",
        md_escape(&d.title),
        md_escape(&d.kind.to_lowercase()),
        span(d.duration),
        md_escape(&d.summary)
    );
    if let Some(a) = &d.adversary {
        let _ = writeln!(o, "Adversary: {}.\n", md_escape(a));
    }
    o.push_str("Briefing:\n\n");
    for line in d.briefing.lines() {
        let line = md_escape(line);
        let _ = writeln!(o, ">{}{line}", if line.is_empty() { "" } else { " " });
    }
    o.push('\n');
    header(
        &mut o,
        &[
            "Team",
            "Role",
            "Score",
            "Actions started",
            "Completed",
            "Failed",
            "Requests sent",
            "Requests answered",
        ],
    );
    for t in &r.teams {
        row(
            &mut o,
            &[
                format!("{} ({})", md_escape(&t.name), code(&t.id)),
                md_escape(&t.role),
                t.score.map_or_else(|| "–".to_owned(), |s| s.to_string()),
                t.actions_started.to_string(),
                t.actions_completed.to_string(),
                t.actions_failed.to_string(),
                t.requests_sent.to_string(),
                t.requests_answered.to_string(),
            ],
        );
    }
    o.push('\n');

    o.push_str("## 3. Timeline\n\n");
    o.push_str(
        "Monitoring observations and false-positive alerts are left out; repeated alerts appear once.\n\n",
    );
    header(&mut o, &["Time", "Who", "Phase", "What happened"]);
    for e in &r.timeline {
        row(
            &mut o,
            &[
                clock(e.at),
                md_escape(&e.actor),
                e.phase.map_or("", phase).to_owned(),
                md_escape(&e.text),
            ],
        );
    }
    o.push('\n');

    o.push_str("## 4. Metrics\n\n");
    header(&mut o, &["Phase", "Metric", "Value"]);
    for m in &r.metrics {
        row(&mut o, &[phase(m.phase).to_owned(), md_escape(&m.name), md_escape(&m.text)]);
    }
    o.push_str("\nHow they are measured:\n\n");
    let mut seen: Vec<&str> = Vec::new();
    for m in &r.metrics {
        let id = m.id.split(':').next().unwrap_or(&m.id);
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let name =
            if m.id.contains(':') { "Time to recover (each critical service)" } else { &m.name };
        let _ = writeln!(o, "- **{}**: {}", md_escape(name), md_escape(&m.definition));
    }
    o.push('\n');

    let det = &r.detail;
    let _ = writeln!(
        o,
        "### Critical services\n\nSystems costing at least {} an hour down.\n",
        cur(det.recovery.critical_from)
    );
    if det.recovery.services.is_empty() {
        o.push_str("No critical service was unavailable.\n\n");
    } else {
        header(
            &mut o,
            &[
                "Service",
                "Cost an hour",
                "First down",
                "Back for good",
                "Time to recover",
                "Down in all",
                "Outages",
                "At the end",
            ],
        );
        for s in &det.recovery.services {
            row(
                &mut o,
                &[
                    format!("{} ({})", md_escape(&s.system), md_escape(&s.name)),
                    cur(s.criticality),
                    clock(s.first_down),
                    opt_clock(s.recovered_at),
                    s.time_to_recover.map_or_else(|| "not recovered".to_owned(), span),
                    span(s.minutes_down),
                    s.outages.to_string(),
                    format!("{:?}", s.state_at_end),
                ],
            );
        }
        o.push('\n');
    }
    if !det.recovery.unaffected.is_empty() {
        let _ = writeln!(o, "Never unavailable: {}.\n", list(&det.recovery.unaffected));
    }

    o.push_str("### Cost\n\n");
    let _ = writeln!(
        o,
        "Total {}{}; downtime rebuilt from the log {}.\n",
        cur(det.cost.total),
        if det.cost.basis == "estimated" { " (estimated: the drill did not finish)" } else { "" },
        cur(det.cost.downtime_estimated)
    );
    if !det.cost.by_system.is_empty() {
        header(&mut o, &["System", "Downtime cost"]);
        for s in &det.cost.by_system {
            row(&mut o, &[md_escape(&s.system), cur(s.amount as u64)]);
        }
        o.push('\n');
    }
    for c in &det.cost.one_off {
        let _ = writeln!(
            o,
            "- {} one-off cost of {} ({})",
            clock(c.at),
            cur(c.amount),
            md_escape(&c.reason)
        );
    }
    if !det.cost.one_off.is_empty() {
        o.push('\n');
    }

    if !det.requests.is_empty() {
        o.push_str("### Requests between teams\n\n");
        header(&mut o, &["#", "From", "To", "Asked", "Phase", "Sent", "Outcome", "Response time"]);
        for q in &det.requests {
            row(
                &mut o,
                &[
                    q.id.to_string(),
                    md_escape(&q.from),
                    md_escape(&q.to),
                    format!(
                        "{}{}",
                        md_escape(&q.action),
                        q.target.as_ref().map(|t| format!(" {}", md_escape(t))).unwrap_or_default()
                    ),
                    phase(q.phase).to_owned(),
                    clock(q.sent),
                    request_outcome(q.outcome).to_owned(),
                    opt_span(q.response_time),
                ],
            );
        }
        o.push('\n');
    }

    if !det.injects.is_empty() {
        o.push_str("### Injects\n\n");
        header(
            &mut o,
            &["Delivered", "Inject", "Teams", "Expected", "Within", "Result", "Response time"],
        );
        for i in &det.injects {
            let (expected, within, result, time) = match &i.expected {
                Some(x) => (
                    format!(
                        "{}{} ({})",
                        md_escape(&x.action),
                        x.target.as_ref().map(|t| format!(" {}", md_escape(t))).unwrap_or_default(),
                        phase(x.phase)
                    ),
                    span(x.within),
                    expectation_outcome(x.outcome).to_owned(),
                    opt_span(x.response_time),
                ),
                None => match &i.decision {
                    Some(dec) => (
                        "a decision".to_owned(),
                        "–".to_owned(),
                        format!(
                            "{} chose “{}”",
                            md_escape(&dec.by),
                            md_escape(if dec.label.is_empty() { &dec.choice } else { &dec.label })
                        ),
                        span(dec.time_to_decide),
                    ),
                    None => ("–".into(), "–".into(), "–".into(), "–".into()),
                },
            };
            row(
                &mut o,
                &[
                    clock(i.delivered),
                    format!("{} ({})", md_escape(&i.title), code(&i.inject)),
                    list(&i.teams),
                    expected,
                    within,
                    result,
                    time,
                ],
            );
        }
        o.push('\n');
    }

    if !det.isolations.is_empty() {
        o.push_str("### Isolations\n\n");
        header(
            &mut o,
            &["System", "Team", "Isolated", "Reconnected", "Compromised", "Own downtime cost"],
        );
        for i in &det.isolations {
            row(
                &mut o,
                &[
                    md_escape(&i.system),
                    md_escape(&i.team),
                    clock(i.at),
                    opt_clock(i.until),
                    if i.compromised { "yes".into() } else { "no (unnecessary)".into() },
                    cur(i.cost),
                ],
            );
        }
        o.push('\n');
    }

    o.push_str("## 5. Objectives\n\n");
    if r.objectives.is_empty() {
        o.push_str("The scenario has no objectives.\n\n");
    } else {
        header(
            &mut o,
            &["Objective", "Team", "Capability", "Phase", "Weight", "Result", "Decided"],
        );
        for ob in &r.objectives {
            row(
                &mut o,
                &[
                    format!("{} ({})", md_escape(&ob.description), code(&ob.id)),
                    ob.team.as_deref().map_or_else(|| "shared".into(), md_escape),
                    md_escape(&ob.capability),
                    phase(ob.phase).to_owned(),
                    ob.weight.to_string(),
                    status(ob.status).to_owned(),
                    opt_clock(ob.at),
                ],
            );
        }
        o.push_str("\nScores are the share of objective weight met (a team counts its own objectives and the shared ones).\n\n");
        header(&mut o, &["Who", "Score", "Weight met", "Missed", "Undecided", "Total"]);
        let mut score_row = |who: String, s: &tabletop_engine::score::Score| {
            row(
                &mut o,
                &[
                    who,
                    s.score.map_or_else(|| "–".to_owned(), |x| format!("{x}/100")),
                    s.met_weight.to_string(),
                    s.missed_weight.to_string(),
                    s.undecided_weight.to_string(),
                    s.total_weight.to_string(),
                ],
            );
        };
        score_row("Combined".into(), &r.scores.combined);
        for t in &r.scores.teams {
            score_row(md_escape(&team_name(r, &t.team)), &t.score);
        }
        o.push('\n');
    }

    o.push_str("## 6. Capability ratings\n\n");
    for rule in &r.rating_rules {
        let _ = writeln!(o, "- {}", md_escape(rule));
    }
    o.push('\n');
    if !r.capabilities.is_empty() {
        header(&mut o, &["Capability", "Phase", "Rating", "Objectives", "Why"]);
        for c in &r.capabilities {
            row(
                &mut o,
                &[
                    md_escape(&c.capability),
                    phase(c.phase).to_owned(),
                    format!(
                        "**{:?}** ({}){}",
                        c.rating,
                        c.rating.meaning(),
                        if c.provisional { ", provisional" } else { "" }
                    ),
                    list(&c.objectives),
                    md_escape(&c.reason),
                ],
            );
        }
        o.push('\n');
    }

    o.push_str("## 7. Strengths\n\n");
    if r.strengths.is_empty() {
        o.push_str("None recorded.\n");
    }
    for s in &r.strengths {
        let _ = writeln!(o, "- [{}] {}", phase(s.phase), md_escape(&s.text));
    }
    o.push('\n');

    o.push_str("## 8. Areas for improvement\n\n");
    if r.improvements.is_empty() {
        o.push_str("None recorded.\n");
    }
    for (i, s) in r.improvements.iter().enumerate() {
        let _ = writeln!(o, "{}. [{}] {}", i + 1, phase(s.phase), md_escape(&s.text));
    }
    o.push('\n');

    o.push_str("## 9. Improvement plan\n\n");
    if r.improvement_plan.is_empty() {
        o.push_str("Nothing to plan.\n\n");
    } else {
        o.push_str("Each row answers the area for improvement with the same number.\n\n");
        header(&mut o, &["#", "Corrective action", "Owner", "Due", "Phase"]);
        for (i, p) in r.improvement_plan.iter().enumerate() {
            row(
                &mut o,
                &[
                    (i + 1).to_string(),
                    md_escape(&p.action),
                    md_escape(&team_name(r, &p.owner)),
                    md_escape(&p.due),
                    phase(p.phase).to_owned(),
                ],
            );
        }
        o.push('\n');
    }

    o.push_str("## 10. Facilitator notes\n\n");
    if r.notes.is_empty() {
        o.push_str("No notes were recorded.\n");
    }
    for n in &r.notes {
        let _ = writeln!(o, "- {} {}", clock(n.at), md_escape(&n.text));
    }
    o.push('\n');

    let _ = writeln!(
        o,
        "## 11. ATT&CK techniques\n\nMITRE ATT&CK Enterprise {}. A technique counts as detected when a true-positive alert or a compromise finding touched its targets while or after it ran.\n",
        md_escape(&r.attack.catalogue)
    );
    if r.attack.techniques.is_empty() {
        o.push_str("The attacker used no technique.\n");
    } else {
        header(
            &mut o,
            &["Technique", "Tactics", "Stages", "Targets", "Started", "Succeeded", "Detected"],
        );
        for t in &r.attack.techniques {
            row(
                &mut o,
                &[
                    format!("{} {}", md_escape(&t.id), md_escape(&t.name)),
                    list(&t.tactics),
                    list(&t.stages),
                    list(&t.targets),
                    clock(t.first_started),
                    opt_clock(t.succeeded_at),
                    match (t.detected_at, &t.detected_by) {
                        (Some(at), Some(by)) => format!("yes, {} ({})", clock(at), md_escape(by)),
                        _ => "**no**".into(),
                    },
                ],
            );
        }
    }
    o
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().collect::<String>() + c.as_str())
}

fn signed(d: f64, unit: tabletop_engine::score::Unit, currency: &str) -> String {
    use tabletop_engine::score::Unit;
    let sign = if d < 0.0 { "−" } else { "+" };
    let a = d.abs();
    match unit {
        Unit::Minutes => format!("{sign}{}", span(a.round() as u32)),
        Unit::Money => format!("{sign}{}", money(a.round() as u64, currency)),
        Unit::Gigabytes => format!("{sign}{a:.1} GB"),
        Unit::Count => format!("{sign}{}", a.round() as u64),
    }
}

/// A metric's change for people: `−1h10m`, `+USD 4,450`, `0`.
pub fn delta_text(m: &tabletop_engine::score::MetricDelta, currency: &str) -> String {
    match m.delta {
        Some(d) if d.abs() < 1e-9 => "0".into(),
        Some(d) => signed(d, m.unit, currency),
        None => "–".into(),
    }
}

/// The comparison as Markdown.
pub fn comparison(c: &Comparison) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# Drill comparison: {}\n", md_escape(&c.title));
    let _ = writeln!(
        o,
        "A = {} (seed {}, ends {}{}), B = {} (seed {}, ends {}{}). Both ran scenario {} (sha256 {}). Changes are A − B.\n",
        code(&c.a.label),
        c.a.seed,
        clock(c.a.ended_at),
        if c.a.partial { ", partial" } else { "" },
        code(&c.b.label),
        c.b.seed,
        clock(c.b.ended_at),
        if c.b.partial { ", partial" } else { "" },
        code(&c.scenario_id),
        code(&format!("{}…", c.scenario_sha256.get(..12).unwrap_or(&c.scenario_sha256)))
    );
    o.push_str("## Scores\n\n");
    header(&mut o, &["Who", "A", "B", "Change"]);
    let sc = |s: Option<u32>| s.map_or_else(|| "–".to_owned(), |x| x.to_string());
    for s in &c.scores {
        row(
            &mut o,
            &[
                md_escape(&s.who),
                sc(s.a),
                sc(s.b),
                s.delta.map_or_else(|| "–".to_owned(), |d| format!("{d:+}")),
            ],
        );
    }
    o.push_str("\n## Metrics\n\n");
    header(&mut o, &["Phase", "Metric", "A", "B", "Change", "A is"]);
    for m in &c.metrics {
        row(
            &mut o,
            &[
                phase(m.phase).to_owned(),
                md_escape(&m.name),
                md_escape(&m.a_text),
                md_escape(&m.b_text),
                delta_text(m, &c.currency),
                verdict(m.verdict).to_owned(),
            ],
        );
    }
    o.push_str("\n## Objectives that changed\n\n");
    let changed: Vec<_> = c.objectives.iter().filter(|x| x.changed).collect();
    if changed.is_empty() {
        o.push_str("Every objective had the same result in both drills.\n");
    } else {
        header(&mut o, &["Objective", "Weight", "A", "B"]);
        for x in changed {
            row(
                &mut o,
                &[
                    format!("{} ({})", md_escape(&x.description), code(&x.id)),
                    x.weight.to_string(),
                    status(x.a).to_owned(),
                    status(x.b).to_owned(),
                ],
            );
        }
    }
    o.push_str("\n## Capability ratings\n\n");
    header(&mut o, &["Capability", "A", "B", "Changed"]);
    let rt = |r: Option<tabletop_engine::score::Rating>| {
        r.map_or_else(|| "–".to_owned(), |r| format!("{r:?}"))
    };
    for x in &c.capabilities {
        row(
            &mut o,
            &[
                md_escape(&x.capability),
                rt(x.a),
                rt(x.b),
                if x.changed { "yes".into() } else { "no".into() },
            ],
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_is_left_readable() {
        for s in [
            "Security (SOC) started collect_evidence ws-it01",
            "USD 4,450 (downtime USD 4,450, one-off USD 0)",
            "0.1.0",
            "-5 systems",
            "request #4 & R&D, 40% of orders",
        ] {
            assert_eq!(md_escape(s), s);
        }
    }

    #[test]
    fn block_markers_at_the_start_are_neutralised() {
        assert_eq!(md_escape("# heading"), "\\# heading");
        assert_eq!(md_escape("  ## heading"), "  \\## heading");
        assert_eq!(md_escape("- item"), "\\- item");
        assert_eq!(md_escape("+ item"), "\\+ item");
        assert_eq!(md_escape("---"), "\\---");
        assert_eq!(md_escape("==="), "\\===");
        assert_eq!(md_escape("12. item"), "12\\. item");
        assert_eq!(md_escape("3) item"), "3\\) item");
        assert_eq!(md_escape("> quote"), "&gt; quote");
    }

    #[test]
    fn inline_syntax_is_escaped() {
        assert_eq!(md_escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(md_escape("[x](javascript:alert(1))"), "\\[x\\]\\(javascript:alert(1))");
        assert_eq!(md_escape("![i](http://x/y.png)"), "!\\[i\\]\\(http://x/y.png)");
        assert_eq!(md_escape("```rust"), "\\`\\`\\`rust");
        assert_eq!(md_escape("~~~"), "\\~\\~\\~");
        assert_eq!(md_escape("a | b"), "a \\| b");
        assert_eq!(md_escape("*bold* _em_ __x__"), "\\*bold\\* \\_em\\_ \\_\\_x\\_\\_");
        assert_eq!(md_escape("back\\slash"), "back\\\\slash");
        assert_eq!(md_escape("&lt;b&gt; &#60;"), "&amp;lt;b&amp;gt; &amp;#60;");
    }

    #[test]
    fn line_breaks_stay_inside_the_line() {
        assert_eq!(md_escape("one\n# two\r\n- three"), "one # two - three");
    }

    #[test]
    fn terminal_controls_are_made_visible() {
        let e = md_escape("a\x1b]52;c;AAAA\x07b\u{9b}2J");
        assert!(!e.chars().any(char::is_control), "{e:?}");
        assert!(e.starts_with("a^\\[\\]52;c;AAAA^Gb"), "{e:?}");
    }

    #[test]
    fn code_spans_only_when_they_cannot_break_out() {
        assert_eq!(code("ransomware.ron"), "`ransomware.ron`");
        assert_eq!(code("a`b"), "a\\`b");
        assert_eq!(code("a|b"), "a\\|b");
        assert_eq!(code(""), "");
    }
}
