//! `tabletop resume LOG`: a drill cut off by a crash, a kill or a power cut continues from
//! its last record, with the same seed stream, as if it had never stopped.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tabletop_engine::log::{Body, LogWriter, ReadLog};
use tabletop_engine::model::Player;
use tabletop_engine::playbook::PlaybookRunner;
use tabletop_engine::policy::{Bot, Policy};
use tabletop_engine::scenario::Scenario;
use tabletop_engine::{Command, Drill, Seat, replay};

use super::bots::{self, BotSeat};
use super::continued::{self, Then};
use super::{EXIT_PROBLEMS, load, logread};
use crate::safe_text::terminal_safe;

/// Arguments of `tabletop resume`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The drill log to continue (appended to in place).
    log: PathBuf,
    /// Play on headless with this built-in policy in every seat. Without it, a drill the
    /// log's bots played goes on with the same bots.
    #[arg(long, value_name = "POLICY", value_parser = bots::policy, conflicts_with = "script")]
    policy: Option<Policy>,
    /// How to go on.
    #[command(flatten)]
    then: Then,
}

/// Resumes the drill.
pub fn run(args: &Args) -> ExitCode {
    if args.then.script.is_some() {
        return match rebuild(&args.log, args.then.script.as_deref()) {
            Ok((drill, runner)) => continued::play_on(drill, &args.log, &args.then, runner, None),
            Err(code) => code,
        };
    }
    // A drill one policy played in every seat from the start (`run --policy`) is played
    // again by that policy up to where it stopped, so it goes on as it would have.
    if let Some((drill, bot)) = replayed_by_its_bot(&args.log, args.policy) {
        eprintln!(
            "{}: every seat goes on with the {} policy",
            args.log.display(),
            bot.policy().name()
        );
        return continued::play_on(drill, &args.log, &args.then, None, Some(vec![bot]));
    }
    let mut drill = match rebuild(&args.log, None) {
        Ok((drill, _)) => drill,
        Err(code) => return code,
    };
    let Some(policy) = args.policy else {
        return continued::play_on(drill, &args.log, &args.then, None, None);
    };
    let others: Vec<BotSeat> = bots::players(&drill)
        .into_iter()
        .filter(|(_, p)| *p != Player::Bot(policy))
        .map(|(team, _)| BotSeat { team, policy })
        .collect();
    if let Err(e) = bots::hand(&mut drill, &others) {
        eprintln!("error: {}", terminal_safe(&e));
        return ExitCode::from(EXIT_PROBLEMS);
    }
    eprintln!("{}: every seat goes on with the {} policy", args.log.display(), policy.name());
    // One bot for every seat, reading each from the drill's start.
    let bot = Bot::new(policy, drill.scenario());
    continued::play_on(drill, &args.log, &args.then, None, Some(vec![bot]))
}

/// The policy that played every seat of this log from its start, if one did: the log
/// opens with the facilitator handing each team's seat to it (as `run --policy` does) and
/// no seat changes hands after.
fn sole_policy(log: &ReadLog, scenario: &Scenario) -> Option<Policy> {
    let mut handed: Vec<(&str, Policy)> = Vec::new();
    for body in &log.records {
        let Body::Command { at, seat, command, .. } = body else { continue };
        match (seat, command) {
            (Seat::Facilitator, Command::SeatPlayer { team, player: Player::Bot(p) })
                if at.0 == 0 && handed.len() < scenario.teams.len() =>
            {
                handed.push((team, *p));
            }
            (Seat::Team(_), _) if handed.len() == scenario.teams.len() => {}
            _ => return None,
        }
    }
    let policy = handed.first()?.1;
    let every = scenario.teams.iter().all(|t| handed.contains(&(t.id.as_str(), policy)));
    (handed.len() == scenario.teams.len() && every).then_some(policy)
}

/// The drill of a log one policy played in every seat, re-simulated by that policy from
/// its start and checked record by record against the log; `None` when the log is not
/// such a drill, `policy` names another, or re-simulation does not reproduce it (then
/// nothing was written, and the log's own commands rebuild it instead).
fn replayed_by_its_bot(path: &Path, policy: Option<Policy>) -> Option<(Drill, Bot)> {
    // Quietly: when this is not such a log, `rebuild` reads it again and says what is wrong.
    let (log, text) = logread::load(path).ok()?;
    let ended = log.records.iter().any(
        |b| matches!(b, Body::Event(e) if matches!(e.event, tabletop_engine::Event::DrillEnded { .. })),
    );
    if ended || log.seal.is_some() {
        return None;
    }
    let scenario = replay::scenario_of(&log).ok()?;
    let recorded = sole_policy(&log, &scenario)?;
    if policy.is_some_and(|p| p != recorded) {
        return None;
    }
    let out = AppendLater::new(path.to_path_buf(), good_length(&text, log.torn_tail.is_some()));
    let out: Box<dyn std::io::Write + Send> = Box::new(out);
    let writer = LogWriter::continuing(out, log.records.len() as u64 + 1, log.last_hash.clone());
    let mut drill = Drill::new(scenario, log.header.seed);
    drill.continue_recording(writer, log.records.clone());
    // As `run --policy` plays: the seats handed over, then the bot before every tick.
    let seats: Vec<BotSeat> = drill
        .scenario()
        .teams
        .iter()
        .map(|t| BotSeat { team: t.id.clone(), policy: recorded })
        .collect();
    bots::hand(&mut drill, &seats).ok()?;
    let mut bot = Bot::new(recorded, drill.scenario());
    let last = replay::last_tick(&log.records);
    while drill.now() < last && !drill.is_over() && drill.divergence().is_none() {
        bot.step(&mut drill);
        drill.advance(1);
    }
    if drill.divergence().is_some() || drill.records_to_reproduce() > 0 {
        return None;
    }
    let name = path.display();
    if let Some(t) = &log.torn_tail {
        eprintln!("{name}:{}:{}: warning: {}", t.line, t.column, terminal_safe(&t.message));
    }
    eprintln!("{name}: resuming at T+{} (seed {})", last.clock(), log.header.seed);
    Some((drill, bot))
}

/// The drill of a log cut off before its end, re-simulated record by record and ready to
/// append to it (with the playbook's runner, when one is given), or the exit code after
/// saying why it cannot go on. `serve --resume` continues a served drill the same way.
pub fn rebuild(
    path: &Path,
    script: Option<&Path>,
) -> Result<(Drill, Option<PlaybookRunner>), ExitCode> {
    let Some((log, text)) = logread::read(path) else { return Err(ExitCode::from(EXIT_PROBLEMS)) };
    let name = path.display();
    let ended = log.records.iter().any(
        |b| matches!(b, Body::Event(e) if matches!(e.event, tabletop_engine::Event::DrillEnded { .. })),
    );
    if ended || log.seal.is_some() {
        eprintln!(
            "{name}: the drill already ended; `tabletop fork {name} --at HH:MM` plays on from a moment of it"
        );
        return Err(ExitCode::from(EXIT_PROBLEMS));
    }
    let scenario = match replay::scenario_of(&log) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{name}:{}", located(&e));
            return Err(ExitCode::from(EXIT_PROBLEMS));
        }
    };
    let mut runner = match script {
        Some(path) => match load::playbook(path, &scenario) {
            Ok(p) => Some(PlaybookRunner::new(&p).playing_as(&load::playbook_name(path))),
            Err(load::Failed(code)) => return Err(ExitCode::from(code)),
        },
        None => None,
    };
    // Nothing touches the file until re-simulation has reproduced every record it holds.
    let out = AppendLater::new(path.to_path_buf(), good_length(&text, log.torn_tail.is_some()));
    let drill = match replay::resume(&log, Box::new(out), runner.as_mut()) {
        Ok(drill) => drill,
        Err(e) => {
            eprintln!("{name}:{}; nothing was appended", located(&e));
            return Err(ExitCode::from(EXIT_PROBLEMS));
        }
    };
    let last = replay::last_tick(&log.records);
    eprintln!("{name}: resuming at T+{} (seed {})", last.clock(), log.header.seed);
    Ok((drill, runner))
}

/// ` line:col: error: message` for a replay error, or ` error: message` without a line.
pub(super) fn located(e: &replay::ReplayError) -> String {
    let message = terminal_safe(&e.message);
    match e.line {
        Some(line) => format!("{line}:1: error: {message}"),
        None => format!(" error: {message}"),
    }
}

/// Bytes of the log up to the end of its last complete line.
fn good_length(text: &str, torn: bool) -> usize {
    if !torn {
        return text.len();
    }
    text.trim_end_matches(|c| c != '\n').len()
}

/// Appends to the log, but only once there is something to append: then it first drops a
/// torn last line, so the log never changes while it is only being re-simulated.
struct AppendLater {
    path: PathBuf,
    good: usize,
    file: Option<std::fs::File>,
}

impl AppendLater {
    fn new(path: PathBuf, good: usize) -> Self {
        AppendLater { path, good, file: None }
    }

    fn file(&mut self) -> std::io::Result<&mut std::fs::File> {
        if self.file.is_none() {
            let f = OpenOptions::new().write(true).open(&self.path)?;
            f.set_len(self.good as u64)?;
            drop(f);
            self.file = Some(OpenOptions::new().append(true).open(&self.path)?);
        }
        self.file.as_mut().ok_or_else(|| std::io::Error::other("the log is not open"))
    }
}

impl std::io::Write for AppendLater {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}
