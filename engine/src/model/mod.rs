//! ECS data only: the compiled scenario, components, resources, events and commands.
//! No systems and no I/O live here.

mod command;
mod compiled;
mod components;
mod event;
mod resources;
mod review;

pub use command::{ActionId, Command, Player, Rejection, RequestId, Seat, TRIAGE_MINUTES, Verdict};
pub use compiled::{Compiled, LinkInfo, Selector, StageInfo, SysIx, SystemInfo, TeamInfo, TeamIx};
pub use components::{
    ActionRun, BackupState, Compromise, Evidence, InboxItem, Knowledge, Observed, OpState,
    PendingRequest, RequestState, SentRequest, StageRun, StageStatus, SystemFacts, TeamState,
};
pub use event::{
    BlockCause, Decider, Defence, Disruption, Event, FindingSource, FootholdStatus, Indicator,
    Presence, TimedEvent,
};
pub use resources::{
    AlertTruth, Attack, Clock, CommandQueue, Done, Entities, Flags, Ledger, Network,
    RecordedEvents, SimRng, Tally,
};
pub use review::{ObservationKind, Rating, Review};
