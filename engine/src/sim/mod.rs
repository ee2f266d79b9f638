//! The simulation: the world built from a scenario, the tick schedule and its phases.
//! The only code that mutates the World; no file I/O.

mod account;
mod actions;
mod adversary;
mod blast;
mod build;
mod commands;
mod conditions;
mod detect;
mod effects;
mod engagement;
mod objectives;
mod presence;
mod propagate;
mod script;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};

pub use blast::{available, blast_radius};
pub use build::build_world;
pub use commands::{hands_in_use, validate as validate_command};
pub use conditions::holds as condition_holds;
pub use effects::{Dirty, TickEvents};
pub use engagement::outage_cost;
pub use propagate::{recompute_network, settle_all as settle};
pub use script::ScriptState;

/// The schedule run once per tick.
#[derive(Debug, Clone, PartialEq, Eq, Hash, ScheduleLabel)]
pub struct Tick;

/// The phases of a tick, run in this order (see docs/design.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, SystemSet)]
pub enum Phase {
    /// Apply the commands accepted since the last tick.
    Commands,
    /// Fire disaster events and injects whose time or condition has come.
    Script,
    /// Advance the attacker's stages.
    Adversary,
    /// Complete team actions and apply their effects.
    Actions,
    /// Settle availability and reachability; accrue cost.
    Propagate,
    /// Alerts, monitoring and investigation results into the teams' knowledge.
    Detect,
    /// The attacker's presence recorded, then deadlines, request expiry, the end of the drill.
    Account,
    /// Stamp the tick's events and append them to the record.
    Emit,
}

/// Builds the tick schedule: one system per phase step, chained, single-threaded, with
/// any unordered pair of conflicting systems an error rather than a heisenbug.
pub fn tick_schedule() -> Schedule {
    let mut schedule = Schedule::new(Tick);
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.set_build_settings(ScheduleBuildSettings {
        ambiguity_detection: LogLevel::Error,
        ..Default::default()
    });
    schedule.configure_sets(
        (
            Phase::Commands,
            Phase::Script,
            Phase::Adversary,
            Phase::Actions,
            Phase::Propagate,
            Phase::Detect,
            Phase::Account,
            Phase::Emit,
        )
            .chain(),
    );
    schedule.add_systems((
        commands::apply_commands.in_set(Phase::Commands),
        script::fire_script.in_set(Phase::Script),
        adversary::advance_stages.in_set(Phase::Adversary),
        actions::complete_actions.in_set(Phase::Actions),
        (propagate::propagate, propagate::accrue_cost).chain().in_set(Phase::Propagate),
        detect::detect.in_set(Phase::Detect),
        (presence::track_presence, objectives::track_objectives, account::account)
            .chain()
            .in_set(Phase::Account),
        account::emit.in_set(Phase::Emit),
    ));
    schedule
}
