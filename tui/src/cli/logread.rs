//! Reading a drill log given on the command line, with located errors.

use std::io::Read;
use std::path::Path;

use tabletop_engine::log::{MAX_LOG_BYTES, ReadLog, read_log};

/// Reads and checks a log; on failure prints `FILE:line:col: error: ...` and gives `None`.
/// A torn last line is dropped with a warning.
pub fn read(path: &Path) -> Option<(ReadLog, String)> {
    let name = path.display();
    let text = match std::fs::File::open(path).and_then(|f| {
        let mut bytes = Vec::new();
        f.take(MAX_LOG_BYTES + 1).read_to_end(&mut bytes)?;
        Ok(bytes)
    }) {
        Ok(bytes) if bytes.len() as u64 > MAX_LOG_BYTES => {
            eprintln!(
                "{name}: error: the log is larger than {} MiB",
                MAX_LOG_BYTES / (1024 * 1024)
            );
            return None;
        }
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                eprintln!(
                    "{name}: error: the log is not UTF-8 text (byte {})",
                    e.utf8_error().valid_up_to()
                );
                return None;
            }
        },
        Err(e) => {
            eprintln!("{name}: error: cannot read the log: {e}");
            return None;
        }
    };
    match read_log(&text) {
        Ok(log) => {
            if let Some(t) = &log.torn_tail {
                eprintln!("{name}:{}:{}: warning: {}", t.line, t.column, t.message);
            }
            Some((log, text))
        }
        Err(e) => {
            eprintln!("{name}:{}:{}: error: {}", e.line, e.column, e.message);
            None
        }
    }
}
