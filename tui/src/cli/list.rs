//! `tabletop list`: the scenarios and reference playbooks bundled in the binary, so a new
//! user knows what `tabletop play NAME` and `tabletop run NAME --script NAME` accept.

use std::process::ExitCode;

use tabletop_engine::scenario;

use crate::bundled::SCENARIOS;
use crate::safe_text::terminal_safe;

/// Arguments of `tabletop list`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Prints one line per bundled scenario: name, kind, length, teams and title.
pub fn run(_: &Args) -> ExitCode {
    println!("{:<15} {:<9} {:>6}  {:<40} title", "name", "kind", "length", "teams");
    for b in SCENARIOS {
        let name = b.file.strip_suffix(".ron").unwrap_or(b.file);
        let Some(s) = scenario::check_bytes(b.file, b.text.as_bytes()).scenario else {
            println!("{name:<15} (does not check: `tabletop check {name}` says why)");
            continue;
        };
        let teams: Vec<&str> = s.teams.iter().map(|t| t.id.as_str()).collect();
        let line = format!(
            "{name:<15} {:<9} {:>6}  {:<40} {}",
            format!("{:?}", s.meta.kind).to_lowercase(),
            s.meta.duration.to_string(),
            teams.join(", "),
            s.meta.title
        );
        println!("{}", terminal_safe(&line));
    }
    println!();
    println!("Each has a reference playbook by the same name:");
    println!("  tabletop play ransomware");
    println!("  tabletop run ransomware --script ransomware");
    ExitCode::SUCCESS
}
