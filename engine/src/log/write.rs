//! Appending records to a drill log, flushed one by one so a crash loses nothing accepted.

use std::io::{self, Write};

use super::{Body, Record, Seal, sha256_hex};

/// Writes a drill log, chaining each line to the one before.
pub struct LogWriter<W: Write> {
    out: W,
    seq: u64,
    prev: String,
}

impl<W: Write> LogWriter<W> {
    /// Starts a log with its first record (the header).
    pub fn new(out: W, header: super::Header) -> io::Result<Self> {
        let mut writer = LogWriter { out, seq: 0, prev: String::new() };
        writer.append(Body::Header(header))?;
        Ok(writer)
    }

    /// The hash of the last line written: the head of the chain so far.
    pub fn head(&self) -> &str {
        &self.prev
    }

    /// Continues an existing log after its last good record (for `resume`).
    pub fn continuing(out: W, next_seq: u64, prev: String) -> Self {
        LogWriter { out, seq: next_seq, prev }
    }

    /// Closes the log of a drill that ran to its end; gives the head hash the seal carries.
    pub fn seal(&mut self) -> io::Result<String> {
        let head = self.prev.clone();
        self.append(Body::Seal(Seal { lines: self.seq, head: head.clone() }))?;
        Ok(head)
    }

    /// Appends one record and flushes it.
    pub fn append(&mut self, body: Body) -> io::Result<()> {
        let record = Record { seq: self.seq, prev: self.prev.clone(), body };
        let rec = serde_json::to_string(&record).map_err(io::Error::other)?;
        let hash = sha256_hex(rec.as_bytes());
        let line = format!("{{\"rec\":{rec},\"hash\":\"{hash}\"}}\n");
        self.out.write_all(line.as_bytes())?;
        self.out.flush()?;
        self.seq += 1;
        self.prev = hash;
        Ok(())
    }
}
