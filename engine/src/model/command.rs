//! What seats send to a drill, and why a command can be refused.

use serde::{Deserialize, Serialize};

/// Who sends a command or reads a view: a team's seat, or the facilitator.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Seat {
    /// The seat of the team with this id.
    Team(String),
    /// The facilitator, who sees the truth and runs the clock.
    Facilitator,
}

impl std::fmt::Display for Seat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Seat::Team(t) => f.write_str(t),
            Seat::Facilitator => f.write_str("facilitator"),
        }
    }
}

/// Id of an action a team started, unique within a drill.
pub type ActionId = u64;
/// Id of a request between teams, unique within a drill.
pub type RequestId = u64;

/// A command from a seat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Command {
    /// Start an action of the team's catalogue on a target (a system, zone or credential id;
    /// none for organisation-wide actions).
    Start {
        /// Action id.
        action: String,
        /// Target id.
        #[serde(default)]
        target: Option<String>,
        /// Take it although the rules of engagement want another team's approval, at the
        /// override cost they set (refused where they set none).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        overrule: bool,
    },
    /// Stop an action in progress; it has no effect and frees its capacity.
    Cancel {
        /// The id the action was started with.
        action: ActionId,
    },
    /// Ask another team to take an action (security asks IT to isolate a server).
    Request {
        /// The team asked.
        to: String,
        /// Action id.
        action: String,
        /// Target id.
        #[serde(default)]
        target: Option<String>,
        /// Why, in the asking team's words.
        #[serde(default)]
        note: String,
        /// Ask for approval to take the action ourselves (the rules of engagement name the
        /// approver), rather than for the asked team to take it.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        approval: bool,
    },
    /// Take back a request this team sent that is still open.
    Withdraw {
        /// The request.
        request: RequestId,
    },
    /// Accept (and start) or decline a request addressed to this team.
    Answer {
        /// The request.
        request: RequestId,
        /// Accept when true.
        accept: bool,
        /// Why (a decline should say; the asking team sees it).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// Answer an inject's decision.
    Decide {
        /// The inject id.
        inject: String,
        /// The choice id.
        choice: String,
    },
    /// Facilitator: deliver an inject now.
    FireInject {
        /// The inject id.
        inject: String,
    },
    /// Facilitator: start a disaster event now.
    StartEvent {
        /// The event id.
        event: String,
    },
    /// Facilitator: a note for the after-action review.
    Note {
        /// The note.
        text: String,
    },
    /// Triage an alert in the team's inbox: an analyst's few minutes, logged so the report
    /// can tell a true alert dismissed from a false one.
    Triage {
        /// The alert's id.
        alert: u64,
        /// The analyst's verdict.
        verdict: Verdict,
    },
    /// Facilitator: who plays a team's seat from now on (a bot takes an empty seat, or
    /// people take it back). It changes nothing in the drill; the log records it so the
    /// report can say who played.
    SeatPlayer {
        /// The team whose seat it is.
        team: String,
        /// Who plays it.
        player: Player,
    },
}

/// Who plays a team's seat. Every seat starts with people at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Player {
    /// People.
    Person,
    /// A built-in policy.
    Bot(crate::policy::Policy),
    /// A playbook (`run --script`), by its name: the file's name without `.ron`, or the
    /// bundled scenario whose reference playbook it is.
    Playbook(String),
}

impl std::fmt::Display for Player {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Player::Person => f.write_str("people"),
            Player::Bot(p) => write!(f, "{} (bot)", p.name()),
            Player::Playbook(name) => write!(f, "{name} (playbook)"),
        }
    }
}

/// What an analyst makes of an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Benign: nothing more to do.
    FalsePositive,
    /// Worth an investigation.
    Escalate,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Verdict::FalsePositive => "false positive",
            Verdict::Escalate => "escalated",
        })
    }
}

/// How long triaging one alert takes an analyst (one capacity slot).
pub const TRIAGE_MINUTES: u32 = 5;

/// Why a command was refused; `Display` gives the sentence the UI shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rejection {
    /// The seat is not a team of this scenario.
    UnknownSeat(String),
    /// The action id is not in the scenario's catalogue.
    UnknownAction(String),
    /// The team may not take this action.
    NotAllowed {
        /// Team id.
        team: String,
        /// Action id.
        action: String,
    },
    /// The command needs a target and has none, or the target does not exist.
    BadTarget(String),
    /// A precondition of the action does not hold.
    Precondition(String),
    /// The team has no free capacity.
    NoCapacity {
        /// Capacity in use, or kept for approved actions.
        busy: u32,
        /// Total capacity.
        capacity: u32,
        /// Of `busy`, what is kept for approved actions waiting to start.
        #[serde(default)]
        held: u32,
    },
    /// The same action is already running on the target.
    AlreadyRunning,
    /// No such action in progress for this team.
    UnknownActionRun(ActionId),
    /// No such open request for this team.
    UnknownRequest(RequestId),
    /// No such inject, decision or choice.
    UnknownInject(String),
    /// The decision was already taken.
    AlreadyDecided(String),
    /// The choice needs a condition that does not hold now (its `requires`).
    ChoiceUnavailable {
        /// The choice id.
        choice: String,
        /// What it needs, in words.
        needs: String,
    },
    /// No such event.
    UnknownEvent(String),
    /// Only the facilitator may do this.
    FacilitatorOnly,
    /// The facilitator does not act in the estate.
    NotATeam,
    /// The drill is over.
    DrillOver,
    /// No such alert in the team's inbox, or it was triaged already.
    UnknownAlert(u64),
    /// The rules of engagement want another team's approval for this action on this
    /// target.
    NeedsApproval {
        /// The team whose approval is needed.
        approver: String,
        /// What the outage it causes is expected to cost per hour.
        cost_per_hour: u64,
        /// What acting without the approval costs, where the rules allow it.
        overrule_cost: Option<u64>,
    },
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejection::UnknownSeat(s) => write!(f, "there is no team `{s}` in this scenario"),
            Rejection::UnknownAction(a) => write!(f, "there is no action `{a}`"),
            Rejection::NotAllowed { team, action } => {
                write!(f, "team `{team}` may not `{action}`; ask a team that may")
            }
            Rejection::BadTarget(why) => f.write_str(why),
            Rejection::Precondition(why) => f.write_str(why),
            Rejection::NoCapacity { busy, capacity, held: 0 } => {
                write!(
                    f,
                    "no free capacity ({busy} of {capacity} in use); wait or cancel an action"
                )
            }
            Rejection::NoCapacity { busy, capacity, held } => {
                write!(
                    f,
                    "no free capacity ({busy} of {capacity} in use, {held} kept for approved \
                     actions that start next); wait or cancel an action"
                )
            }
            Rejection::AlreadyRunning => {
                f.write_str("that action is already running on the target")
            }
            Rejection::UnknownActionRun(id) => write!(f, "no action #{id} in progress"),
            Rejection::UnknownRequest(id) => write!(f, "no open request #{id} for this team"),
            Rejection::UnknownInject(i) => write!(f, "no open decision `{i}`"),
            Rejection::AlreadyDecided(i) => write!(f, "decision `{i}` was already taken"),
            Rejection::ChoiceUnavailable { choice, needs } => {
                write!(f, "`{choice}` is not open: it needs {needs}")
            }
            Rejection::UnknownEvent(e) => write!(f, "there is no event `{e}`"),
            Rejection::FacilitatorOnly => f.write_str("only the facilitator may do that"),
            Rejection::NotATeam => f.write_str("the facilitator does not act in the estate"),
            Rejection::DrillOver => f.write_str("the drill is over"),
            Rejection::UnknownAlert(id) => {
                write!(f, "no alert #{id} waiting for triage in this team's inbox")
            }
            Rejection::NeedsApproval { approver, cost_per_hour, overrule_cost } => {
                write!(
                    f,
                    "the rules of engagement want `{approver}`'s approval for this (its outage \
                     costs {cost_per_hour} an hour): ask `{approver}` to approve it"
                )?;
                match overrule_cost {
                    Some(cost) => write!(f, ", or override the rules at a cost of {cost}"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl std::error::Error for Rejection {}
