//! tabletop's engine: the scenario model and its validation, the simulation, the drill log
//! and scoring. No terminal code; every client (the TUI, the headless runner, a future
//! network server) uses the façade exported here.

pub mod adherence;
pub mod balance;
mod drill;
pub mod generate;
pub mod log;
pub mod model;
pub mod playbook;
pub mod policy;
pub mod replay;
pub mod scenario;
pub mod score;
pub mod sim;
pub mod view;

pub use drill::{Drill, ENGINE_VERSION, Outcome};
pub use model::{Command, Event, Rejection, Seat, TimedEvent};

pub use scenario::{Checked, Diagnostic, Diagnostics, Scenario, Severity};
