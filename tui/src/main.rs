//! The `tabletop` binary: parses the command line and dispatches to a subcommand.

mod app;
mod bundled;
mod cli;
mod input;
mod safe_text;
mod serve;
mod terminal;
#[cfg(test)]
mod test_log;
mod ui;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
