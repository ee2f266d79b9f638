//! `--bot TEAM=POLICY` of `play` and `serve`: a built-in policy in a team's seat, so one
//! person can play a team against bots in the others.

use tabletop_engine::model::Player;
use tabletop_engine::policy::{Bot, Policy};
use tabletop_engine::{Command, Drill, Event, Seat};

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

/// Who plays each team's seat now, as the drill records it (in the scenario's team order).
pub fn players(drill: &Drill) -> Vec<(String, Player)> {
    let mut out: Vec<(String, Player)> =
        drill.scenario().teams.iter().map(|t| (t.id.clone(), Player::Person)).collect();
    for e in drill.events_since(0) {
        if let Event::SeatPlayer { team, player } = &e.event
            && let Some(seat) = out.iter_mut().find(|(t, _)| t == team)
        {
            seat.1 = player.clone();
        }
    }
    out
}

/// Bots for the seats the drill's log gives to built-in policies, one per policy; each
/// reads its seats from the drill's start, as a person taking a seat over reads its inbox.
pub fn recorded(drill: &Drill) -> Vec<Bot> {
    let players = players(drill);
    let mut bots: Vec<Bot> = Vec::new();
    for policy in Policy::ALL {
        let teams: Vec<&str> = players
            .iter()
            .filter(|(_, p)| *p == Player::Bot(policy))
            .map(|(t, _)| t.as_str())
            .collect();
        if !teams.is_empty() {
            bots.push(Bot::seats(policy, drill.scenario(), &teams));
        }
    }
    bots
}

/// Gives the seats a playbook held back to people: drill resumed without it, nobody plays
/// them by script any more. The log records it, as the facilitator would.
pub fn playbook_seats_to_people(drill: &mut Drill) {
    for (team, player) in players(drill) {
        if matches!(player, Player::Playbook(_)) {
            let _ = drill
                .submit(&Seat::Facilitator, Command::SeatPlayer { team, player: Player::Person });
        }
    }
}
