//! Finding and checking the scenario (a file, or a bundled scenario by name) and the
//! playbook a command was given, printing diagnostics when they are broken.

use std::path::Path;
use std::sync::Arc;

use tabletop_engine::Scenario;
use tabletop_engine::playbook::{Playbook, load_playbook};
use tabletop_engine::scenario::{self, MAX_SCENARIO_BYTES};

use super::render;
use crate::bundled;
use crate::safe_text::terminal_safe;

/// A scenario ready to play, with the name and text a log records.
pub struct Loaded {
    /// The checked scenario.
    pub scenario: Arc<Scenario>,
    /// File name as given (or the bundled file name).
    pub name: String,
    /// Its text.
    pub text: String,
}

/// Why loading failed: the diagnostics were printed; the exit code to use.
pub struct Failed(pub u8);

/// Loads `arg`: a scenario file, or the name of a bundled scenario.
pub fn scenario(arg: &str) -> Result<Loaded, Failed> {
    let bundled = (!Path::new(arg).exists()).then(|| bundled::find(arg)).flatten();
    let checked = match bundled {
        Some(b) => scenario::check_bytes(b.file, b.text.as_bytes()),
        None => scenario::check_file(Path::new(arg)),
    };
    match (checked.scenario.is_some(), bundled.is_some()) {
        // A bundled scenario's warnings are the project's to fix (`tabletop check NAME`
        // lists them), not something a facilitator can act on before a drill.
        (true, true) => {}
        // A scenario that plays: its warnings are for its author, whom `check` serves; a
        // drill's output should not start with a screenful of them.
        (true, false) if !checked.diagnostics.items.is_empty() => {
            let n = checked.diagnostics.items.len();
            eprintln!(
                "{}: {n} warning{} for the scenario's author (`tabletop check` on the file lists {})",
                terminal_safe(&checked.diagnostics.file),
                if n == 1 { "" } else { "s" },
                if n == 1 { "it" } else { "them" }
            );
        }
        _ => render::eprint(&checked.diagnostics),
    }
    match checked.scenario {
        Some(s) => Ok(Loaded {
            scenario: Arc::new(s),
            name: checked.diagnostics.file.clone(),
            text: checked.diagnostics.source,
        }),
        None => {
            if !Path::new(arg).exists() {
                let names: Vec<&str> = bundled::SCENARIOS.iter().map(|b| b.file).collect();
                eprintln!("(the bundled scenarios are: {})", names.join(", "));
            }
            Err(Failed(super::EXIT_PROBLEMS))
        }
    }
}

/// The name a playbook plays seats under in the log: its file's name without `.ron`, which
/// for a bundled reference playbook is the scenario's (`ransomware`), however it was named
/// on the command line.
pub fn playbook_name(path: &Path) -> String {
    path.file_stem().map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into())
}

/// Loads and checks a playbook for `scenario`.
pub fn playbook(path: &Path, scenario: &Scenario) -> Result<Playbook, Failed> {
    let name = path.display().to_string();
    // A bundled scenario's reference playbook, by name, from any directory.
    if !path.exists()
        && let Some(b) = bundled::find_playbook(&name)
    {
        let file = format!("playbooks/{}", b.file);
        return load_playbook(&file, b.playbook.as_bytes(), scenario).map_err(|d| {
            render::eprint(&d);
            Failed(super::EXIT_PROBLEMS)
        });
    }
    let bytes = std::fs::metadata(path).map_err(|e| e.to_string()).and_then(|m| {
        if m.len() > MAX_SCENARIO_BYTES as u64 {
            Err(format!("{name} is larger than {} MiB", MAX_SCENARIO_BYTES / (1024 * 1024)))
        } else if m.is_dir() {
            Err(format!("{name} is a directory, not a playbook"))
        } else {
            std::fs::read(path).map_err(|e| e.to_string())
        }
    });
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            let names: Vec<&str> =
                bundled::SCENARIOS.iter().filter_map(|b| b.file.strip_suffix(".ron")).collect();
            eprintln!(
                "error: cannot read the playbook {}: {e}\n  help: a file, or the name of a bundled scenario's reference playbook: {}",
                terminal_safe(&name),
                names.join(", ")
            );
            return Err(Failed(super::EXIT_PROBLEMS));
        }
    };
    load_playbook(&name, &bytes, scenario).map_err(|d| {
        render::eprint(&d);
        Failed(super::EXIT_PROBLEMS)
    })
}
