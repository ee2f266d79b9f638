//! tabletop's engine: the scenario model and its validation, the simulation, the drill log
//! and scoring. No terminal code; every client (the TUI, the headless runner, a future
//! network server) uses the façade exported here.

pub mod scenario;

pub use scenario::{Checked, Diagnostic, Diagnostics, Scenario, Severity};
