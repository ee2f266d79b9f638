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
