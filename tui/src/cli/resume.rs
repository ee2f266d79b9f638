//! `tabletop resume LOG`: a drill cut off by a crash, a kill or a power cut continues from
//! its last record, with the same seed stream, as if it had never stopped.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tabletop_engine::Drill;
use tabletop_engine::log::Body;
use tabletop_engine::playbook::PlaybookRunner;
use tabletop_engine::replay;

use super::continued::{self, Then};
use super::{EXIT_PROBLEMS, load, logread};
use crate::safe_text::terminal_safe;

/// Arguments of `tabletop resume`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The drill log to continue (appended to in place).
    log: PathBuf,
    /// How to go on.
    #[command(flatten)]
    then: Then,
}

/// Resumes the drill.
pub fn run(args: &Args) -> ExitCode {
    match rebuild(&args.log, args.then.script.as_deref()) {
        Ok((drill, runner)) => continued::play_on(drill, &args.log, &args.then, runner),
        Err(code) => code,
    }
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
            Ok(p) => Some(PlaybookRunner::new(&p)),
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
