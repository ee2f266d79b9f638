//! Where drill logs go: a name of the user's choice, or a fresh one, never overwriting.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Opens the log for writing without ever overwriting an earlier drill's log.
pub fn open_log(given: Option<&Path>, id: &str, seed: u64) -> Result<(PathBuf, File), String> {
    let create = |p: &Path| OpenOptions::new().write(true).create_new(true).open(p);
    if let Some(p) = given {
        return create(p).map(|f| (p.to_path_buf(), f)).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                format!(
                    "{} already exists; a drill log is never overwritten: choose another --log",
                    p.display()
                )
            }
            _ => format!("cannot create the log {}: {e}", p.display()),
        });
    }
    let id = file_stem(id);
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{id}-seed{seed}.log")
        } else {
            format!("{id}-seed{seed}-{n}.log")
        };
        let path = PathBuf::from(name);
        match create(&path) {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot create the log {}: {e}", path.display())),
        }
    }
    Err("too many logs of this scenario and seed here; pass --log".into())
}

/// A scenario id made safe as the stem of a file in the working directory: `check` already
/// rejects ids that are not letters, digits, `-`, `_` and `.`, but a log names a file from
/// whatever id it holds, so anything else becomes `_`, no leading dot survives (no hidden
/// files, no `..`), and the stem is at most 64 characters.
fn file_stem(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .take(64)
        .collect();
    let safe = safe.trim_start_matches('.');
    if safe.is_empty() { "drill".to_owned() } else { safe.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn a_default_log_name_stays_in_the_working_directory() {
        for hostile in ["../../../x", "/etc/passwd", "..", "a/../../b", "C:\\x", "", ".hidden"] {
            let stem = file_stem(hostile);
            let name = format!("{stem}-seed1.log");
            let path = std::path::Path::new(&name);
            assert_eq!(path.file_name().map(|f| f.len()), Some(name.len()), "{hostile} -> {name}");
            assert!(!stem.starts_with('.'), "{hostile} -> {name}");
        }
        assert_eq!(file_stem("ransomware"), "ransomware");
    }
}
