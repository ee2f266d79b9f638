//! What happens to the teams outside their own actions: disaster events, injects
//! (the master scenario events list of exercise practice), their triggers and conditions.

use serde::{Deserialize, Serialize};

use super::Minutes;

impl std::fmt::Display for Condition {
    /// What the condition asks, in words a player reads (a refused choice says what it
    /// waits for).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |f: &mut std::fmt::Formatter<'_>, all: &[Condition], join: &str| {
            for (i, c) in all.iter().enumerate() {
                if i > 0 {
                    f.write_str(join)?;
                }
                match c {
                    Condition::All(_) | Condition::Any(_) => write!(f, "({c})")?,
                    _ => write!(f, "{c}")?,
                }
            }
            Ok(())
        };
        match self {
            Condition::After(t) => write!(f, "it is {} or later", t.clock()),
            Condition::State { system, is } => write!(f, "{system} is {is:?}"),
            Condition::DownFor { system, span } => {
                write!(f, "{system} has been down for {span}")
            }
            Condition::Compromised(s) => write!(f, "{s} is compromised"),
            Condition::Present(s) => write!(f, "the attacker is on {s}"),
            Condition::Evicted => f.write_str("the attacker is evicted"),
            Condition::StageSucceeded(s) => write!(f, "attack stage {s} has succeeded"),
            Condition::ActionDone { action, target: Some(t) } => write!(f, "{action} done on {t}"),
            Condition::ActionDone { action, target: None } => write!(f, "{action} done"),
            Condition::TeamKnowsCompromised { team, system } => {
                write!(f, "{team} knows {system} is compromised")
            }
            Condition::InjectFired(i) => write!(f, "inject {i} has come"),
            Condition::Flag(flag) => write!(f, "{flag}"),
            Condition::All(all) => list(f, all, " and "),
            Condition::Any(any) => list(f, any, " or "),
            Condition::Not(c) => match &**c {
                Condition::Flag(flag) => write!(f, "not {flag}"),
                c => write!(f, "not ({c})"),
            },
        }
    }
}

/// When an event or inject fires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Trigger {
    /// At this drill time.
    At(Minutes),
    /// At the first tick on which the condition holds.
    When(Condition),
    /// Only when the facilitator fires it, or a decision's consequence does.
    Manual,
}

/// A state of the drill, read at the end of the previous tick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Condition {
    /// The drill clock has reached this time.
    After(Minutes),
    /// The system is in this state.
    State {
        /// System id.
        system: String,
        /// The state.
        is: SystemState,
    },
    /// The system has been unavailable for at least `span` without a break (customers
    /// calling, the board asking: pressure that grows with downtime).
    DownFor {
        /// System id.
        system: String,
        /// How long.
        span: Minutes,
    },
    /// The attacker holds a foothold on the system.
    Compromised(String),
    /// The attacker holds anything on the system: a foothold, persistence, C2 or a flow.
    Present(String),
    /// The attacker holds nothing anywhere in the estate (also true before it first gets
    /// in): `HoldAtEnd(Evicted)` asks that the teams evict it by the end.
    Evicted,
    /// The stage has succeeded at least once.
    StageSucceeded(String),
    /// A team has completed this action (on this target, when given).
    ActionDone {
        /// Action id.
        action: String,
        /// Target id; any target when absent.
        #[serde(default)]
        target: Option<String>,
    },
    /// A team believes the system is compromised.
    TeamKnowsCompromised {
        /// Team id.
        team: String,
        /// System id.
        system: String,
    },
    /// The inject has fired.
    InjectFired(String),
    /// A scenario flag is set.
    Flag(String),
    /// Every condition holds.
    All(Vec<Condition>),
    /// At least one condition holds.
    Any(Vec<Condition>),
    /// The condition does not hold.
    Not(Box<Condition>),
}

/// The operational state of a system as conditions and consequences name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SystemState {
    /// Available and healthy.
    Online,
    /// Available with reduced performance (running at the DR site, a dependency degraded).
    Degraded,
    /// Unavailable: powered off, failed, or something it needs is unavailable.
    Down,
    /// Cut off the network.
    Isolated,
    /// Data encrypted by the attacker.
    Encrypted,
    /// Wiped or physically lost; must be rebuilt or failed over.
    Destroyed,
}

/// A disaster or other happening outside the attacker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// When it happens.
    pub trigger: Trigger,
    /// What happens.
    pub kind: EventKind,
    /// How long until it resolves by itself; forever when absent.
    #[serde(default)]
    pub lasts: Option<Minutes>,
}

/// What a disaster event does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum EventKind {
    /// Every system at the site goes down.
    PowerLoss(String),
    /// Every system at the (cloud) site becomes unavailable.
    RegionOutage(String),
    /// The system fails and must be repaired, restored or failed over.
    HardwareFailure(String),
    /// The system's data is corrupted, and so are its online backups taken since.
    DataCorruption(String),
    /// The link between two zones fails.
    LinkFailure {
        /// Zone id.
        from: String,
        /// Zone id.
        to: String,
    },
}

/// A message to one or more teams.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    /// Stable id.
    pub id: String,
    /// One-line title shown in the inbox.
    pub title: String,
    /// When it is delivered.
    pub trigger: Trigger,
    /// Team ids it is addressed to.
    pub audience: Vec<String>,
    /// The message.
    pub text: String,
    /// The response the facilitator expects, and by when.
    #[serde(default)]
    pub expects: Option<Expectation>,
    /// A choice the addressed team must make.
    #[serde(default)]
    pub decision: Option<Decision>,
    /// An attack stage whose systems the report names (a user who reports a phish is at
    /// her own desk): on delivery, every audience team that sees them suspects the systems
    /// that stage has succeeded on.
    #[serde(default)]
    pub points_at: Option<String>,
}

/// A response expected to an inject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The action id expected.
    pub action: String,
    /// On this target, when given.
    #[serde(default)]
    pub target: Option<String>,
    /// Time allowed from delivery, or from `after` first holding when given.
    pub within: Minutes,
    /// A moment the time allowed runs from instead of the delivery: the first time this
    /// condition holds once the inject is delivered. Until then nothing is late.
    #[serde(default)]
    pub after: Option<Condition>,
}

/// A decision an inject asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The team that decides (one of the audience).
    pub team: String,
    /// The options.
    pub choices: Vec<Choice>,
    /// Time allowed; when it runs out the default choice is taken.
    #[serde(default)]
    pub within: Option<Minutes>,
    /// The choice id taken when time runs out.
    #[serde(default)]
    pub default: Option<String>,
}

/// One option of a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Stable id, unique within the decision.
    pub id: String,
    /// What the team reads.
    pub label: String,
    /// What taking it does.
    #[serde(default)]
    pub consequences: Vec<Consequence>,
    /// What taking it protects or brings about; nothing said when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub serves: Vec<Stake>,
    /// What taking it gives up or puts at risk; nothing said when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risks: Vec<Stake>,
    /// It can be taken only while this holds (an insurer's consent before a ransom is paid);
    /// always when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<Condition>,
}

/// What a decision's choice trades: each choice may say which of these it serves and which
/// it risks, so that a reader (a person skimming the scenario, a built-in policy) sees the
/// trade without the label's prose. Money is not among them: a choice's `Cost` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Stake {
    /// The business keeps running: services stay up, or come back sooner.
    Uptime,
    /// The attacker is found, stopped or kept out: containment, eviction, security
    /// controls kept on.
    Containment,
    /// Obligations to regulators, courts, customers and contracts are met: notifications
    /// and reports in time, the controls the rules require, a case that will stand.
    Compliance,
    /// Nobody is hurt.
    Safety,
}

/// What a decision's choice does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Consequence {
    /// Set a scenario flag.
    SetFlag(String),
    /// Deliver another inject now.
    FireInject(String),
    /// Start a disaster event now.
    StartEvent(String),
    /// Force a system into a state (`Down`, `Online` or `Destroyed`).
    SetState {
        /// System id.
        system: String,
        /// The state.
        state: SystemState,
    },
    /// A one-off cost (a fine, a ransom, overtime).
    Cost(u64),
    /// The attacker's decryptor arrives (a ransom paid): from now on a team may run the
    /// built-in `decrypt` on an encrypted system. It takes the system's data at
    /// `gb_per_hour`, and the system comes back whole with probability `recovers`; otherwise
    /// its files stay unreadable and it must be restored or rebuilt.
    Decryptor {
        /// Gigabytes of a system's data decrypted per hour.
        gb_per_hour: f64,
        /// The chance that a system comes back whole, 0 to 1.
        recovers: f64,
    },
    /// A running cost from now until the drill ends, or until `until` first holds
    /// (reputational damage until a statement is out, a negotiator's retainer).
    CostPerHour {
        /// Currency per hour.
        amount: u64,
        /// What it pays for, as the report lists it.
        reason: String,
        /// It stops when this first holds.
        #[serde(default)]
        until: Option<Condition>,
    },
}
