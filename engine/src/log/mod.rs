//! The drill log: one JSON record a line, appended and flushed as the drill goes, each line
//! chained to the one before by hash. Records what happened; never decides it.
//!
//! A line is `{"rec":{...},"hash":"<sha256 of the rec text>"}`; each rec carries `seq` (its
//! line number from 0) and `prev` (the previous line's hash), so a changed, dropped or
//! reordered line is found by the first hash or sequence that does not match.
//!
//! A drill that ran to its end closes its log with a seal record carrying the chain's head
//! hash (format 2 on): a log without one was cut off, whether by a crash or by a tamperer
//! who removed its end, and `verify` says so.
//!
//! After the seal come only review records (the facilitator's rating overrides, the
//! observations of the hotwash, edits to the improvement plan), chained like the rest: none
//! can be changed or reordered, and the drill before the seal stays as it was played.

mod read;
mod upgrade;
mod write;

use serde::{Deserialize, Serialize};

use crate::model::{Command, Review, Seat, TimedEvent};
use crate::scenario::Minutes;

pub use read::{LogError, ReadLog, read_log, read_log_bytes};
pub use write::LogWriter;

/// Version of the log format written by this build. Format 1 (engine 0.1.0) had no seal
/// and read floats back inexactly; format 2 (0.2.0) seals complete drills; format 3 records
/// the attacker's hold on systems and their availability as events; format 4 (0.4.0)
/// records all its presence (C2, flows, persistence), when its campaign stalls and resumes,
/// its stages' reactions and the suspicions investigations raise.
pub const LOG_FORMAT: u32 = 4;

/// The oldest log format this build still reads.
pub const OLDEST_LOG_FORMAT: u32 = 1;

/// Largest log accepted by the reader: a day-long drill of a large estate stays far below.
pub const MAX_LOG_BYTES: u64 = 256 * 1024 * 1024;

/// The first record: enough to replay the drill without anything else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Log format version.
    pub format: u32,
    /// Version of the engine that wrote the log.
    pub engine: String,
    /// The RNG seed.
    pub seed: u64,
    /// The scenario's file name as given.
    pub scenario_name: String,
    /// SHA-256 of the scenario text.
    pub scenario_sha256: String,
    /// The scenario text itself.
    pub scenario: String,
}

/// One record of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Body {
    /// The header (first line only).
    Header(Header),
    /// A command accepted from a seat, applied at the start of tick `at`.
    Command {
        /// The tick it applies at.
        at: Minutes,
        /// Who sent it.
        seat: Seat,
        /// Its id (for actions it starts, the id its `ActionStarted` event carries).
        id: u64,
        /// The command.
        command: Command,
    },
    /// An event of the engine.
    Event(TimedEvent),
    /// The last line of a drill that ran to its end (format 2 on).
    Seal(Seal),
    /// What people added after the drill ended (engine 0.4.0 on, in a log of any format):
    /// only after the seal.
    Review(Review),
}

/// What closes a complete drill's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seal {
    /// Lines before the seal, the header included.
    pub lines: u64,
    /// The chain's head hash: the hash of the line before the seal. Participants note it at
    /// the end of the drill; `verify` and the report print it again.
    pub head: String,
}

/// A record with its place in the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Line number, from 0.
    pub seq: u64,
    /// Hash of the previous line's record (empty for the header).
    pub prev: String,
    /// The record.
    #[serde(flatten)]
    pub body: Body,
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
