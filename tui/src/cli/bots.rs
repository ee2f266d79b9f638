//! `--bot TEAM=POLICY` of `play` and `serve`: a built-in policy in a team's seat, so one
//! person can play a team against bots in the others.

use tabletop_engine::model::Player;
use tabletop_engine::policy::Policy;
use tabletop_engine::{Command, Drill, Seat};

/// A team's seat given to a built-in policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotSeat {
    /// Team id.
    pub team: String,
    /// The policy that plays it.
    pub policy: Policy,
}

/// Reads `TEAM=POLICY` (`it=coordinated`).
pub fn parse(s: &str) -> Result<BotSeat, String> {
    let (team, name) =
        s.split_once('=').ok_or_else(|| format!("`{s}` is not TEAM=POLICY (it=coordinated)"))?;
    let policy = policy(name)?;
    Ok(BotSeat { team: team.to_owned(), policy })
}

/// Reads a policy's name (`coordinated`).
pub fn policy(name: &str) -> Result<Policy, String> {
    Policy::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Policy::ALL.iter().map(|p| p.name()).collect();
        format!("there is no policy `{name}`; the policies are {}", names.join(", "))
    })
}

/// Hands the seats to their bots at the drill's current time, as the facilitator would:
/// the log records it and the bots of the session that runs the clock follow it.
pub fn hand(drill: &mut Drill, bots: &[BotSeat]) -> Result<(), String> {
    for b in bots {
        let command = Command::SeatPlayer { team: b.team.clone(), player: Player::Bot(b.policy) };
        if let Err(why) = drill.submit(&Seat::Facilitator, command) {
            let teams: Vec<&str> = drill.scenario().teams.iter().map(|t| t.id.as_str()).collect();
            return Err(format!(
                "--bot {}={}: {why}; the teams are {}",
                b.team,
                b.policy.name(),
                teams.join(", ")
            ));
        }
    }
    Ok(())
}
