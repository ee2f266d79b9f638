//! `serve --keys FILE`: participants' OpenSSH public keys, listed per seat, so a listed
//! participant joins without a code. One key a line, as in `authorized_keys` but led by the
//! login it opens (a seat, or `SEAT-observer` to watch one read-only):
//!
//! ```text
//! # security's analysts
//! security ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI... alice@laptop
//! it-observer ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY... auditor
//! ```
//!
//! Blank lines and lines starting with `#` are skipped. Every problem is reported at once,
//! each with `file:line:column` and what to do about it.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use russh::keys::ssh_key::public::KeyData;
use russh::keys::{Algorithm, PublicKey};

/// The largest keys file read: a line per participant is a few hundred bytes.
pub const MAX_BYTES: u64 = 1024 * 1024;

/// The keys each login accepts.
pub type Keys = BTreeMap<String, Vec<KeyData>>;

/// Reads the keys file at `path` for a drill whose logins are `logins` (seats and their
/// `-observer` logins), or every problem found, each a line ready to print.
pub fn load(path: &Path, logins: &[String]) -> Result<Keys, Vec<String>> {
    let name = path.display().to_string();
    let mut bytes = Vec::new();
    let read =
        std::fs::File::open(path).and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        return Err(vec![format!("{name}: error: cannot read the keys file: {e}")]);
    }
    if bytes.len() as u64 > MAX_BYTES {
        return Err(vec![format!(
            "{name}: error: the keys file is larger than {} KiB; it lists one public key a line \
             (`security ssh-ed25519 AAAA… comment`), not private keys or key archives",
            MAX_BYTES / 1024
        )]);
    }
    parse(&name, &bytes, logins)
}

/// Parses a keys file's bytes; `name` places the problems.
pub fn parse(name: &str, bytes: &[u8], logins: &[String]) -> Result<Keys, Vec<String>> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let column = good.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            return Err(vec![format!(
                "{name}:{line}:{column}: error: not UTF-8 text; a keys file holds lines such as \
                 `security ssh-ed25519 AAAA… comment`"
            )]);
        }
    };
    let mut keys = Keys::new();
    let mut problems = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let at = |column: usize| format!("{name}:{}:{column}", i + 1);
        let line = raw.trim_end_matches('\r');
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        let (login, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
        if !logins.iter().any(|l| l == login) {
            let seats: Vec<&str> =
                logins.iter().map(String::as_str).filter(|l| !l.ends_with("-observer")).collect();
            problems.push(format!(
                "{}: error: `{}` is not a seat of this drill; a line starts with a seat ({}), \
                 or with SEAT-observer to watch one read-only",
                at(indent + 1),
                crate::safe_text::terminal_safe(login),
                seats.join(", ")
            ));
            continue;
        }
        let key_text = rest.trim_start();
        // Columns count bytes from 1, as the other located errors do.
        let column = line.len() - key_text.len() + 1;
        if key_text.is_empty() {
            problems.push(format!(
                "{}: error: a public key must follow `{login}`: paste the participant's \
                 `~/.ssh/id_ed25519.pub` line after the seat name",
                at(column)
            ));
            continue;
        }
        let key = match PublicKey::from_openssh(key_text) {
            Ok(k) => k,
            Err(e) => {
                problems.push(format!(
                    "{}: error: not an OpenSSH public key ({e}); paste the participant's \
                     `~/.ssh/id_ed25519.pub` line after the seat name, options such as \
                     `from=` are not supported",
                    at(column)
                ));
                continue;
            }
        };
        if !matches!(key.algorithm(), Algorithm::Ed25519 | Algorithm::Ecdsa { .. }) {
            problems.push(format!(
                "{}: error: {} keys are not accepted (this server verifies Ed25519 and ECDSA \
                 only); ask the participant for an Ed25519 key (`ssh-keygen -t ed25519`)",
                at(column),
                key.algorithm().as_str()
            ));
            continue;
        }
        keys.entry(login.to_owned()).or_default().push(key.key_data().clone());
    }
    if problems.is_empty() { Ok(keys) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ5cAMqem2WoKFFCToqg8PB0vK0HBUAPBsJZpbNwQBGK";

    /// An RSA key, which this server cannot verify.
    const RSA: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDK2FsXe9Oj7HIZBNtsV5JB9OqFAwdmFDjGHGDOzBqFnSPqgS0rx4ZjjwYtPOONlJuAn4NfjK1u8gAcKvDLI5YnQ9gZjVlNAhuPx3FkT2YcUVstJxThhLwtoukzD2lDIGyHxs7N7x4memtljjVZOEi4ty6ynisA/fSacqFoIp++zQ==";

    fn logins() -> Vec<String> {
        ["it", "it-observer", "security", "security-observer"].map(str::to_owned).to_vec()
    }

    #[test]
    fn each_line_lists_a_key_for_a_login() {
        let text = format!("# analysts\n\nsecurity {ALICE} alice@laptop\n  it-observer {ALICE}\n");
        let keys = parse("k", text.as_bytes(), &logins()).expect("parses");
        assert_eq!(keys.len(), 2);
        assert_eq!(keys["security"].len(), 1);
        assert_eq!(keys["security"], keys["it-observer"]);
    }

    #[test]
    fn every_problem_is_located_and_says_what_to_do() {
        let text = format!("secruity {ALICE}\nsecurity\nit   ssh-ed25519 AAAA-broken\nit {RSA}\n");
        let problems = parse("keys.txt", text.as_bytes(), &logins()).expect_err("problems");
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].starts_with("keys.txt:1:1: error: `secruity` is not a seat"));
        assert!(problems[0].contains("(it, security)"), "{}", problems[0]);
        assert!(problems[1].starts_with("keys.txt:2:9: error: a public key must follow"));
        assert!(
            problems[2].starts_with("keys.txt:3:6: error: not an OpenSSH public key"),
            "{}",
            problems[2]
        );
        assert!(
            problems[3].starts_with("keys.txt:4:4: error: ssh-rsa keys are not accepted"),
            "{}",
            problems[3]
        );
    }

    #[test]
    fn binary_is_refused_with_its_place() {
        let problems = parse("k", b"it ssh-ed25519\n\xff\xfe", &logins()).expect_err("binary");
        assert!(problems[0].starts_with("k:2:1: error: not UTF-8"), "{}", problems[0]);
    }
}
