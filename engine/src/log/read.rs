//! Reading a drill log back, checking every line's hash and place in the chain. Logs are
//! untrusted: every problem is an error naming the line, never a panic.

use std::fmt;

use super::{Body, Header, LOG_FORMAT, Record, sha256_hex};

/// A problem with a log, located by line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, where known.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for LogError {}

/// A log read back.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadLog {
    /// The header.
    pub header: Header,
    /// The records after the header, in order.
    pub records: Vec<Body>,
    /// The hash of the last good line (to continue the chain).
    pub last_hash: String,
    /// A last line cut short by a crash (partial write), dropped.
    pub torn_tail: Option<LogError>,
}

fn err(line: usize, column: usize, message: impl Into<String>) -> LogError {
    LogError { line, column, message: message.into() }
}

/// Reads and checks a whole log. A torn last line (no newline, or not a complete record)
/// is dropped and reported in `torn_tail`; any other damage is an error.
pub fn read_log(text: &str) -> Result<ReadLog, LogError> {
    if text.is_empty() {
        return Err(err(1, 1, "the log is empty"));
    }
    let ends_with_newline = text.ends_with('\n');
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut header = None;
    let mut records = Vec::new();
    let mut prev = String::new();
    let mut torn_tail = None;
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        let last = i + 1 == lines.len();
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        match parse_line(line, n, i as u64, &prev) {
            Ok((record, hash)) => {
                if last && !ends_with_newline {
                    torn_tail = Some(err(
                        n,
                        line.len() + 1,
                        "the last line has no end of line (the write was cut short)",
                    ));
                    break;
                }
                prev = hash;
                match (i, record.body) {
                    (0, Body::Header(h)) => {
                        if h.format != LOG_FORMAT {
                            return Err(err(
                                1,
                                1,
                                format!(
                                    "log format {} is not one this tabletop reads ({LOG_FORMAT})",
                                    h.format
                                ),
                            ));
                        }
                        header = Some(h);
                    }
                    (0, _) => return Err(err(1, 1, "the first line is not a log header")),
                    (_, Body::Header(_)) => {
                        return Err(err(n, 1, "a second header in the middle of the log"));
                    }
                    (_, body) => records.push(body),
                }
            }
            Err(e) if last && (!ends_with_newline || line.trim().is_empty()) && i > 0 => {
                if !line.trim().is_empty() {
                    torn_tail = Some(LogError {
                        message: format!(
                            "the last line is incomplete and was dropped ({})",
                            e.message
                        ),
                        ..e
                    });
                }
                break;
            }
            Err(e) => return Err(e),
        }
    }
    let header = header.ok_or_else(|| err(1, 1, "the log has no header"))?;
    Ok(ReadLog { header, records, last_hash: prev, torn_tail })
}

fn parse_line(line: &str, n: usize, seq: u64, prev: &str) -> Result<(Record, String), LogError> {
    const PREFIX: &str = "{\"rec\":";
    let Some(rest) = line.strip_prefix(PREFIX) else {
        return Err(err(n, 1, "not a log record (expected `{\"rec\":`)"));
    };
    // The line ends with `,"hash":"<64 hex>"}`.
    let suffix_len = ",\"hash\":\"\"}".len() + 64;
    if rest.len() < suffix_len || !rest.is_char_boundary(rest.len() - suffix_len) {
        return Err(err(n, line.len().max(1), "the line is cut short"));
    }
    let (rec, tail) = rest.split_at(rest.len() - suffix_len);
    let hash = tail
        .strip_prefix(",\"hash\":\"")
        .and_then(|t| t.strip_suffix("\"}"))
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| {
            err(n, PREFIX.len() + rec.len() + 1, "the line's hash is missing or malformed")
        })?;
    if sha256_hex(rec.as_bytes()) != hash {
        return Err(err(n, 1, "the record does not match its hash: the line was changed"));
    }
    let record: Record = serde_json::from_str(rec)
        .map_err(|e| err(n, PREFIX.len() + e.column(), format!("not a valid record: {e}")))?;
    if record.seq != seq {
        return Err(err(
            n,
            1,
            format!(
                "record {} found where record {seq} belongs: lines were dropped or reordered",
                record.seq
            ),
        ));
    }
    if record.prev != prev {
        return Err(err(
            n,
            1,
            "the record does not follow the line before it: lines were dropped, reordered or changed",
        ));
    }
    Ok((record, hash.to_owned()))
}
