//! Reading a drill log given on the command line, with located errors.

use std::io::Read;
use std::path::Path;

use tabletop_engine::log::{LogError, MAX_LOG_BYTES, ReadLog, read_log_bytes};

use crate::safe_text::terminal_safe;

/// Why a log could not be read.
pub enum Failure {
    /// The file could not be read at all.
    Io(String),
    /// The file was read, and is not an intact log: the first place it goes wrong.
    Damaged(LogError),
}

/// Reads and checks a log, giving its text too.
pub fn load(path: &Path) -> Result<(ReadLog, String), Failure> {
    let bytes = std::fs::File::open(path)
        .and_then(|f| {
            let mut bytes = Vec::new();
            // One byte more than the limit, so the reader can tell a log that is too large.
            f.take(MAX_LOG_BYTES + 1).read_to_end(&mut bytes)?;
            Ok(bytes)
        })
        .map_err(|e| Failure::Io(format!("cannot read the log: {e}")))?;
    let log = read_log_bytes(&bytes).map_err(Failure::Damaged)?;
    // read_log_bytes has checked that the bytes are UTF-8.
    let text = String::from_utf8(bytes).map_err(|e| Failure::Io(e.to_string()))?;
    Ok((log, text))
}

/// Reads and checks a log; on failure prints `FILE:line:col: error: ...` and gives `None`.
/// A torn last line is dropped with a warning.
pub fn read(path: &Path) -> Option<(ReadLog, String)> {
    let name = path.display();
    match load(path) {
        Ok((log, text)) => {
            if let Some(t) = &log.torn_tail {
                eprintln!("{name}:{}:{}: warning: {}", t.line, t.column, terminal_safe(&t.message));
            }
            Some((log, text))
        }
        Err(Failure::Io(e)) => {
            eprintln!("{name}: error: {e}");
            None
        }
        Err(Failure::Damaged(e)) => {
            eprintln!("{name}:{}:{}: error: {}", e.line, e.column, terminal_safe(&e.message));
            None
        }
    }
}
