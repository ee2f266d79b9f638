//! `tabletop review LOG`: what the facilitator and the seats add after the drill — a rating
//! override with its reason, an observation tied to a moment, a capability and a team, a
//! plan item's owner and due date — appended to the log after its seal, hash-chained.
//! Without a change it lists what can be reviewed.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tabletop_engine::log::{Body, LogWriter, ReadLog};
use tabletop_engine::model::{ObservationKind, Rating, Review};
use tabletop_engine::scenario::Minutes;
use tabletop_engine::score::{self, Options, Report};

use super::logread;
use super::{EXIT_PROBLEMS, EXIT_USAGE};
use crate::safe_text::terminal_safe;

/// Longest text a review record takes: a paragraph, not a document.
const MAX_TEXT: usize = 2000;

/// Arguments of `tabletop review`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    tabletop review drill.log                                   list capabilities and plan items\n  \
    tabletop review drill.log --rate Containment=S --reason \"isolated late, but before spread\"\n  \
    tabletop review drill.log --observe \"nobody owned the VPN\" --kind problem --team it --at 14:10\n  \
    tabletop review drill.log --item 3 --owner it --due 2027-01-31\n\n\
    Each change is one line appended after the log's seal; the drill itself is never changed.")]
pub struct Args {
    /// The log of a drill that ran to its end.
    log: PathBuf,
    /// Override a capability's rating: CAPABILITY=P|S|M|U (needs --reason).
    #[arg(long, value_name = "CAPABILITY=RATING", conflicts_with_all = ["observe", "owner", "due"])]
    rate: Option<String>,
    /// Why the rating is overridden.
    #[arg(long, requires = "rate")]
    reason: Option<String>,
    /// Record an observation (a hotwash remark or a facilitator note).
    #[arg(long, value_name = "TEXT", conflicts_with_all = ["owner", "due"])]
    observe: Option<String>,
    /// What the observation is.
    #[arg(long, value_enum, default_value = "problem", requires = "observe")]
    kind: KindArg,
    /// Who made the observation: `facilitator` or a team id.
    #[arg(long, default_value = "facilitator", requires = "observe")]
    by: String,
    /// The capability the observation concerns.
    #[arg(long, requires = "observe")]
    capability: Option<String>,
    /// The team the observation concerns.
    #[arg(long, requires = "observe")]
    team: Option<String>,
    /// The drill time the observation is pinned to (HH:MM).
    #[arg(long, value_name = "HH:MM", requires = "observe")]
    at: Option<String>,
    /// A plan item (its number or id): the one to edit, or the one an observation is pinned to.
    #[arg(long, value_name = "N|ID")]
    item: Option<String>,
    /// The plan item's new owner (a team id, or any text such as "all teams").
    #[arg(long, requires = "item")]
    owner: Option<String>,
    /// The plan item's new due date.
    #[arg(long, requires = "item")]
    due: Option<String>,
}

/// Observation kinds on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum KindArg {
    Strength,
    Problem,
    Suggestion,
}

/// Records the change, or lists what can be reviewed.
pub fn run(args: &Args) -> ExitCode {
    let name = args.log.display().to_string();
    let Some((log, _)) = logread::read(&args.log) else {
        return ExitCode::from(EXIT_PROBLEMS);
    };
    let report = match score::score(&log, &Options::default()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{name}: error: {e}");
            return ExitCode::from(EXIT_PROBLEMS);
        }
    };
    let review = match review_of(args, &report) {
        Ok(Some(r)) => r,
        Ok(None) => {
            print!("{}", listing(&report));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{name}: error: {}", terminal_safe(&e));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if log.seal.is_none() || log.torn_tail.is_some() {
        eprintln!(
            "{name}: error: the drill did not run to its end, so it cannot be reviewed yet: \
             `tabletop resume {name}` finishes it"
        );
        return ExitCode::from(EXIT_PROBLEMS);
    }
    match append(&args.log, &log, &[review]) {
        Ok(()) => {
            println!("{name}: recorded; `tabletop report {name}` shows it");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{name}: error: cannot append to the log: {e}");
            ExitCode::from(EXIT_PROBLEMS)
        }
    }
}

/// Appends review records after the last line of a sealed log, continuing the chain.
fn append(path: &Path, log: &ReadLog, reviews: &[Review]) -> std::io::Result<()> {
    let file = OpenOptions::new().append(true).open(path)?;
    // The header, the records, the seal and the reviews so far.
    let next = log.records.len() as u64 + 2 + log.reviews.len() as u64;
    let mut writer = LogWriter::continuing(file, next, log.last_hash.clone());
    for r in reviews {
        writer.append(Body::Review(r.clone()))?;
    }
    Ok(())
}

/// Appends what was said at the end of a drill (the hotwash) to its log, read afresh: the
/// drill must have run to its end. Says why not, for the screen, when it cannot.
pub fn record(path: &Path, reviews: &[Review]) -> Result<(), String> {
    if reviews.is_empty() {
        return Ok(());
    }
    let (log, _) = logread::load(path).map_err(|e| match e {
        logread::Failure::Io(e) => e,
        logread::Failure::Damaged(e) => {
            format!("the log is damaged at line {}: {}", e.line, e.message)
        }
    })?;
    if log.seal.is_none() || log.torn_tail.is_some() {
        return Err("the drill has not ended, so its log takes no review yet".into());
    }
    append(path, &log, reviews).map_err(|e| format!("cannot append to the log: {e}"))
}

fn text_arg(what: &str, text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("{what} is empty: say it in a few words"));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(format!("{what} is longer than {MAX_TEXT} characters: shorten it"));
    }
    Ok(text.to_owned())
}

/// The review record the arguments ask for; `None` when they ask for none.
fn review_of(args: &Args, report: &Report) -> Result<Option<Review>, String> {
    let teams: Vec<&str> = report.teams.iter().map(|t| t.id.as_str()).collect();
    let team_arg = |t: &str, what: &str| {
        if teams.contains(&t) {
            Ok(t.to_owned())
        } else {
            Err(format!(
                "{what} `{t}` is not a team of this drill: give one of {}",
                teams.join(", ")
            ))
        }
    };
    if let Some(rate) = &args.rate {
        let Some((capability, rating)) = rate.rsplit_once('=') else {
            return Err(format!("--rate `{rate}` is not CAPABILITY=RATING, such as Containment=S"));
        };
        let Some(c) = report.capabilities.iter().find(|c| c.capability == capability.trim()) else {
            let known: Vec<&str> =
                report.capabilities.iter().map(|c| c.capability.as_str()).collect();
            return Err(format!(
                "`{capability}` is not a capability this drill rates: give one of {}",
                known.join(", ")
            ));
        };
        let Some(rating) = Rating::parse(rating) else {
            return Err(format!("`{rating}` is not a rating: give P, S, M or U"));
        };
        let Some(reason) = &args.reason else {
            return Err("an override needs its reason: add --reason \"...\"".into());
        };
        return Ok(Some(Review::Rating {
            capability: c.capability.clone(),
            rating,
            reason: text_arg("the reason", reason)?,
        }));
    }
    let item = match &args.item {
        Some(given) => Some(plan_item(report, given)?),
        None => None,
    };
    if let Some(text) = &args.observe {
        let at = match &args.at {
            Some(at) => {
                let m = Minutes::parse(at)
                    .ok_or_else(|| format!("--at `{at}` is not a drill time such as 14:10"))?;
                if m.0 > report.drill.duration {
                    return Err(format!(
                        "--at {} is after the drill's end ({})",
                        m.clock(),
                        Minutes(report.drill.duration).clock()
                    ));
                }
                Some(m)
            }
            None => None,
        };
        if let Some(c) = &args.capability
            && !report.capabilities.iter().any(|x| &x.capability == c)
        {
            let known: Vec<&str> =
                report.capabilities.iter().map(|c| c.capability.as_str()).collect();
            return Err(format!(
                "`{c}` is not a capability this drill rates: give one of {}",
                known.join(", ")
            ));
        }
        let by =
            if args.by == "facilitator" { args.by.clone() } else { team_arg(&args.by, "--by")? };
        return Ok(Some(Review::Observation {
            by,
            kind: match args.kind {
                KindArg::Strength => ObservationKind::Strength,
                KindArg::Problem => ObservationKind::Problem,
                KindArg::Suggestion => ObservationKind::Suggestion,
            },
            text: text_arg("the observation", text)?,
            capability: args.capability.clone(),
            team: args.team.as_deref().map(|t| team_arg(t, "--team")).transpose()?,
            at,
            item,
        }));
    }
    if let Some(item) = item {
        if args.owner.is_none() && args.due.is_none() {
            return Err("say what to change: --owner TEAM, --due DATE or both".into());
        }
        return Ok(Some(Review::Plan {
            item,
            owner: args.owner.as_deref().map(|o| text_arg("the owner", o)).transpose()?,
            due: args.due.as_deref().map(|d| text_arg("the due date", d)).transpose()?,
        }));
    }
    Ok(None)
}

/// A plan item's id from its number (as the report numbers it) or its id.
fn plan_item(report: &Report, given: &str) -> Result<String, String> {
    let plan = &report.improvement_plan;
    if plan.is_empty() {
        return Err("the improvement plan of this drill is empty: there is no item to edit".into());
    }
    let found = match given.trim().parse::<usize>() {
        Ok(n) => n.checked_sub(1).and_then(|i| plan.get(i)),
        Err(_) => plan.iter().find(|p| p.id == given.trim()),
    };
    found.map(|p| p.id.clone()).ok_or_else(|| {
        format!(
            "the improvement plan has no item `{given}`: give its number (1 to {}) or its id; \
             `tabletop review LOG` lists them",
            plan.len()
        )
    })
}

/// What can be reviewed: the ratings and the plan's items.
fn listing(report: &Report) -> String {
    let mut out =
        format!("{} (seed {})\n\nCapability ratings:\n", report.drill.title, report.drill.seed);
    for c in &report.capabilities {
        out.push_str(&format!("  {:<24} {:?}  {}\n", c.capability, c.rating, c.reason));
        if let Some(o) = &c.overridden {
            out.push_str(&format!(
                "  {:<24}     overridden (computed {:?}): {}\n",
                "", o.computed, o.reason
            ));
        }
    }
    out.push_str("\nImprovement plan:\n");
    for (i, p) in report.improvement_plan.iter().enumerate() {
        out.push_str(&format!(
            "  {:>2}. {} [{}] owner {}, due {}\n      {}\n",
            i + 1,
            p.id,
            p.at.map_or_else(|| "--:--".to_owned(), |m| Minutes(m).clock()),
            p.owner,
            p.due,
            p.addresses
        ));
    }
    out.push_str(&format!("\n{} observation(s) recorded.\n", report.observations.len()));
    terminal_safe(&out).into_owned()
}
