//! The `tabletop` binary: parses the command line and dispatches to a subcommand.

mod bundled;
mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
