//! The drill log: one JSON record a line, appended and flushed as the drill goes, each line
//! chained to the one before by hash. Records what happened; never decides it.
//!
//! A line is `{"rec":{...},"hash":"<sha256 of the rec text>"}`; each rec carries `seq` (its
//! line number from 0) and `prev` (the previous line's hash), so a changed, dropped or
//! reordered line is found by the first hash or sequence that does not match.

mod read;
mod write;

use serde::{Deserialize, Serialize};

use crate::model::{Command, Seat, TimedEvent};
use crate::scenario::Minutes;

pub use read::{LogError, ReadLog, read_log};
pub use write::LogWriter;

/// Version of the log format written by this build.
pub const LOG_FORMAT: u32 = 1;

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
