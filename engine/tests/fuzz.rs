//! Fuzzing every reader of untrusted input: scenarios, playbooks and drill logs. Each case
//! takes a file of the corpus (`engine/fuzz-corpus/`, plus the bundled scenarios and
//! playbooks and the format 1 log fixtures) and mutates it: flipped, inserted, deleted and
//! duplicated bytes, cuts, and hostile tokens (deep nesting, huge numbers, escapes). The
//! reader must never panic or hang, and every error it gives must be located inside the
//! input. Mutated logs are also re-chained (hashes recomputed, as a tamperer would), so
//! the mutation reaches the record parser, the replay and the report.
//!
//! CI runs the default number of cases; a long run sets `PROPTEST_CASES`:
//!
//! ```text
//! PROPTEST_CASES=20000 cargo test -p tabletop-engine --release --test fuzz
//! ```

#![allow(clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use tabletop_engine::Scenario;
use tabletop_engine::log::{read_log_bytes, sha256_hex};
use tabletop_engine::playbook::load_playbook;
use tabletop_engine::replay;
use tabletop_engine::scenario::{Diagnostics, Severity, check_bytes};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    found.retain(|p| p.extension().is_some_and(|x| x == ext));
    found.sort();
    found
}

/// A corpus: each seed file's name and bytes.
type Corpus = Vec<(String, Vec<u8>)>;

fn read_all(paths: Vec<PathBuf>) -> Corpus {
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), bytes)
        })
        .collect()
}

fn scenarios() -> &'static Corpus {
    static C: OnceLock<Corpus> = OnceLock::new();
    C.get_or_init(|| {
        let mut all = files(&repo().join("engine/fuzz-corpus/scenario"), "ron");
        all.extend(files(&repo().join("scenarios"), "ron"));
        read_all(all)
    })
}

/// Playbooks, each with its bytes and the scenario it plays.
type Playbooks = Vec<(String, Vec<u8>, Arc<Scenario>)>;

fn playbooks() -> &'static Playbooks {
    static C: OnceLock<Playbooks> = OnceLock::new();
    C.get_or_init(|| {
        let mut pairs = Vec::new();
        for p in files(&repo().join("engine/fuzz-corpus/playbook"), "ron") {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            pairs.push((p.clone(), repo().join("engine/tests/fixtures").join(&name)));
        }
        for p in files(&repo().join("scenarios/playbooks"), "ron") {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            pairs.push((p.clone(), repo().join("scenarios").join(&name)));
        }
        pairs
            .into_iter()
            .map(|(playbook, scenario)| {
                let text = std::fs::read(&scenario).expect("the playbook's scenario");
                let s = check_bytes("s.ron", &text).scenario.expect("checks clean");
                let name = playbook.display().to_string();
                (name, std::fs::read(&playbook).expect("playbook"), Arc::new(s))
            })
            .collect()
    })
}

fn logs() -> &'static Corpus {
    static C: OnceLock<Corpus> = OnceLock::new();
    C.get_or_init(|| {
        let mut all = files(&repo().join("engine/fuzz-corpus/log"), "log");
        all.extend(files(&repo().join("tests/fixtures/logs"), "log"));
        read_all(all)
    })
}

/// Snippets that have broken parsers before: nesting, numbers at and past their limits,
/// terminal escapes, quotes, line ends, durations that wrap, record syntax.
const TOKENS: &[&str] = &[
    "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "18446744073709551615",
    "18446744073709551616",
    "-1",
    "1e309",
    "NaN",
    "\"4294967295m\"",
    "\"99999999h\"",
    "\u{1b}]52;c;QUFB\u{7}",
    "\u{1b}[2J",
    "\"",
    "\\",
    "\n",
    "\r",
    "\0",
    "Some(",
    "None",
    "{\"rec\":",
    ",\"hash\":\"",
    "\"kind\":\"seal\"",
    "\"at\":\"999999h\"",
    "\u{ff}",
    "é",
];

/// One change to the input.
#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, byte: u8 },
    Insert { at: usize, bytes: Vec<u8> },
    Delete { at: usize, len: usize },
    Cut { at: usize },
    Duplicate { at: usize, len: usize },
    Token { at: usize, token: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Flip { at, byte }),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<usize>(), 1usize..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        any::<usize>().prop_map(|at| Mutation::Cut { at }),
        (any::<usize>(), 1usize..256).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, token)| Mutation::Token { at, token }),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len();
    let pos = |at: usize| if n == 0 { 0 } else { at % (n + 1) };
    match m {
        Mutation::Flip { at, byte } if n > 0 => bytes[at % n] = *byte,
        Mutation::Flip { .. } => {}
        Mutation::Insert { at, bytes: b } => {
            let p = pos(*at);
            bytes.splice(p..p, b.iter().copied());
        }
        Mutation::Delete { at, len } => {
            let p = pos(*at);
            bytes.drain(p..(p + len).min(n));
        }
        Mutation::Cut { at } => bytes.truncate(pos(*at)),
        Mutation::Duplicate { at, len } => {
            let p = pos(*at);
            let chunk: Vec<u8> = bytes[p..(p + len).min(n)].to_vec();
            bytes.splice(p..p, chunk);
        }
        Mutation::Token { at, token } => {
            let p = pos(*at);
            bytes.splice(p..p, TOKENS[*token].bytes());
        }
    }
}

/// Recomputes every line's `prev` and hash, as someone rewriting a log would, so that a
/// mutation inside a record is judged by the record parser and the replay, not the chain.
fn rechain(bytes: &[u8]) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(bytes) else { return bytes.to_vec() };
    let mut out = String::new();
    let mut prev = String::new();
    for line in text.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let rec = body
            .strip_prefix("{\"rec\":")
            .and_then(|r| r.rfind(",\"hash\":\"").map(|i| &r[..i]))
            .map(|rec| match (rec.find("\"prev\":\""), rec.find("\"prev\":\"").map(|i| i + 8)) {
                (Some(i), Some(j)) => match rec[j..].find('"') {
                    Some(k) => format!("{}\"prev\":\"{prev}\"{}", &rec[..i], &rec[j + k + 1..]),
                    None => rec.to_owned(),
                },
                _ => rec.to_owned(),
            });
        match rec {
            Some(rec) => {
                let hash = sha256_hex(rec.as_bytes());
                out.push_str(&format!("{{\"rec\":{rec},\"hash\":\"{hash}\"}}"));
                if line.ends_with('\n') {
                    out.push('\n');
                }
                prev = hash;
            }
            None => out.push_str(line),
        }
    }
    out.into_bytes()
}

fn lines_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count() + 1
}

/// Every error is located inside the input (or says why it has no place).
fn assert_located(d: &Diagnostics, input: &[u8]) {
    for item in d.items.iter().filter(|i| i.severity == Severity::Error) {
        if let Some(loc) = &item.location {
            assert!(
                loc.line >= 1 && loc.column >= 1 && loc.line <= lines_in(input),
                "{}: {} at {}:{} outside the input",
                d.file,
                item.message,
                loc.line,
                loc.column
            );
        }
    }
    assert!(
        d.items.iter().any(|i| i.severity == Severity::Error),
        "a rejected input has at least one error"
    );
}

fn config() -> ProptestConfig {
    // Each case runs a reader once; the default 256 a reader keeps CI fast.
    ProptestConfig { failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn scenario_reader(seed in any::<prop::sample::Index>(),
                       muts in proptest::collection::vec(mutation(), 1..6)) {
        let (name, original) = seed.get(scenarios());
        let mut bytes = original.clone();
        for m in &muts {
            apply(&mut bytes, m);
        }
        let checked = check_bytes(name, &bytes);
        if checked.scenario.is_none() {
            assert_located(&checked.diagnostics, &bytes);
        }
    }

    #[test]
    fn playbook_reader(seed in any::<prop::sample::Index>(),
                       muts in proptest::collection::vec(mutation(), 1..6)) {
        let (name, original, scenario) = seed.get(playbooks());
        let mut bytes = original.clone();
        for m in &muts {
            apply(&mut bytes, m);
        }
        if let Err(d) = load_playbook(name, &bytes, scenario) {
            assert_located(&d, &bytes);
        }
    }

    #[test]
    fn log_reader(seed in any::<prop::sample::Index>(),
                  muts in proptest::collection::vec(mutation(), 1..4),
                  rechained in any::<bool>()) {
        let (_, original) = seed.get(logs());
        let mut bytes = original.clone();
        for m in &muts {
            apply(&mut bytes, m);
        }
        if rechained {
            bytes = rechain(&bytes);
        }
        match read_log_bytes(&bytes) {
            Err(e) => {
                prop_assert!(e.line >= 1 && e.column >= 1, "{e}");
                prop_assert!(e.line <= lines_in(&bytes), "{e} is past the input's end");
            }
            Ok(log) => {
                if replay::verify(&log).is_ok() {
                    let _ = tabletop_engine::score::score(&log, &Default::default());
                }
            }
        }
    }
}

#[test]
fn the_corpus_is_there_and_reads_clean() {
    assert!(scenarios().len() >= 12, "scenario corpus");
    assert!(playbooks().len() >= 8, "playbook corpus");
    assert!(logs().len() >= 5, "log corpus");
    for (name, bytes) in logs() {
        let log = read_log_bytes(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Logs of this engine re-simulate exactly; older engines' may differ by their rules.
        if log.header.engine == tabletop_engine::ENGINE_VERSION {
            replay::verify(&log).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        // Re-chaining an untouched log changes nothing.
        assert!(&rechain(bytes) == bytes, "{name}: rechain is the identity on a good log");
    }
}
