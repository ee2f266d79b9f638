//! Reading a drill log back, checking every line's hash and place in the chain. Logs are
//! untrusted: every problem is an error naming the line, never a panic.

use std::fmt;

use super::{Body, Header, LOG_FORMAT, MAX_LOG_BYTES, OLDEST_LOG_FORMAT, Record, Seal, sha256_hex};
use crate::model::Review;

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
    /// The records after the header, in order (the seal is not among them).
    pub records: Vec<Body>,
    /// The hash of the last good line (to continue the chain).
    pub last_hash: String,
    /// A last line cut short by a crash (partial write), dropped.
    pub torn_tail: Option<LogError>,
    /// The seal of a drill that ran to its end (format 2 on).
    pub seal: Option<Seal>,
    /// The review records after the seal, in order, with their 1-based lines.
    pub reviews: Vec<(usize, Review)>,
}

impl ReadLog {
    /// The 1-based line of the log that holds `records[i]`.
    pub fn line_of(i: usize) -> usize {
        i + 2
    }
}

fn err(line: usize, column: usize, message: impl Into<String>) -> LogError {
    LogError { line, column, message: message.into() }
}

/// Reads and checks a whole log from its bytes: too large or not UTF-8 is an error that
/// names the line and column it starts at.
pub fn read_log_bytes(bytes: &[u8]) -> Result<ReadLog, LogError> {
    if bytes.len() as u64 > MAX_LOG_BYTES {
        let line = 1 + bytes.iter().take(MAX_LOG_BYTES as usize).filter(|&&b| b == b'\n').count();
        return Err(err(
            line,
            1,
            format!(
                "the log is larger than {} MiB, more than any drill writes",
                MAX_LOG_BYTES / (1024 * 1024)
            ),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = 1 + good.iter().filter(|&&b| b == b'\n').count();
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        // Column in characters, as editors count it.
        let column = 1 + String::from_utf8_lossy(&good[line_start..]).chars().count();
        err(
            line,
            column,
            format!("byte {} is not UTF-8 text: a drill log is JSON text", e.valid_up_to()),
        )
    })?;
    read_log(text)
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
    let mut seal: Option<(usize, Seal)> = None;
    let mut reviews = Vec::new();
    // The header's format: later records are read as that format wrote them.
    let mut format = LOG_FORMAT;
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        let last = i + 1 == lines.len();
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        if line.trim().is_empty() {
            return Err(err(
                n,
                1,
                "a blank line: a drill log has none, so something was added to it",
            ));
        }
        let torn = last && !ends_with_newline;
        if torn && i == 0 {
            return Err(err(
                1,
                line.chars().count() + 1,
                "the header is cut short (the write stopped before its end of line): \
                 the log holds no drill",
            ));
        }
        match parse_line(line, n, i as u64, &prev, format) {
            Ok((record, hash)) => {
                if torn {
                    torn_tail = Some(err(
                        n,
                        line.chars().count() + 1,
                        "the last line has no end of line (the write was cut short)",
                    ));
                    break;
                }
                prev = hash;
                if let Some((at, _)) = &seal {
                    match record.body {
                        Body::Review(r) => {
                            reviews.push((n, r));
                            continue;
                        }
                        _ => {
                            return Err(err(
                                n,
                                1,
                                format!(
                                    "a line after the seal on line {at} that is not a review \
                                     record: a complete drill's log ends with its seal"
                                ),
                            ));
                        }
                    }
                }
                match (i, record.body) {
                    (0, Body::Header(h)) => {
                        if !(OLDEST_LOG_FORMAT..=LOG_FORMAT).contains(&h.format) {
                            return Err(err(
                                1,
                                1,
                                format!(
                                    "log format {} is not one this tabletop reads \
                                     ({OLDEST_LOG_FORMAT} to {LOG_FORMAT})",
                                    h.format
                                ),
                            ));
                        }
                        format = h.format;
                        header = Some(h);
                    }
                    (0, _) => return Err(err(1, 1, "the first line is not a log header")),
                    (_, Body::Header(_)) => {
                        return Err(err(n, 1, "a second header in the middle of the log"));
                    }
                    (_, Body::Seal(s)) => {
                        if s.lines != i as u64 || s.head != record.prev {
                            return Err(err(
                                n,
                                1,
                                "the seal does not close the lines before it: lines were \
                                 dropped or added",
                            ));
                        }
                        seal = Some((n, s));
                    }
                    (_, Body::Review(_)) => {
                        return Err(err(
                            n,
                            1,
                            "a review record before the seal: reviews are added to a drill \
                             that ran to its end",
                        ));
                    }
                    (_, body) => records.push(body),
                }
            }
            Err(e) if torn => {
                torn_tail = Some(LogError {
                    message: format!("the last line is incomplete and was dropped ({})", e.message),
                    ..e
                });
                break;
            }
            Err(e) => return Err(e),
        }
    }
    let header = header.ok_or_else(|| err(1, 1, "the log has no header"))?;
    Ok(ReadLog { header, records, last_hash: prev, torn_tail, seal: seal.map(|(_, s)| s), reviews })
}

fn parse_line(
    line: &str,
    n: usize,
    seq: u64,
    prev: &str,
    format: u32,
) -> Result<(Record, String), LogError> {
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
    let invalid = |e: serde_json::Error| {
        err(n, PREFIX.len() + e.column().max(1), format!("not a valid record: {e}"))
    };
    let record: Record = if format < LOG_FORMAT {
        let mut value: serde_json::Value = serde_json::from_str(rec).map_err(invalid)?;
        super::upgrade::upgrade(format, &mut value);
        serde_json::from_value(value).map_err(invalid)?
    } else {
        serde_json::from_str(rec).map_err(invalid)?
    };
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
