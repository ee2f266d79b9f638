//! Acting on an intent: the team's best action for what it needs done, started if the
//! bots think it can start and the team has room, else asked of a team that may; and
//! answers to the requests the team receives.

use crate::drill::Drill;
use crate::model::{Command, Rejection};
use crate::scenario::{ActionDef, ActionEffect, Minutes, Requirement, SystemState};

use super::Bot;
use super::memory::{Evidence, Running};

/// How long a bot waits before trying a refused command again.
const RETRY_AFTER: u32 = 60;

/// What a policy wants done, whatever the scenario calls the action that does it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Need {
    Isolate,
    Reconnect,
    BlockC2,
    Reset,
    Evidence,
    Investigate,
    Share,
    Evict,
    Restore,
    FailOver,
    FailBack,
    Repair,
    Restart,
}

impl Need {
    pub(super) fn effect(self) -> ActionEffect {
        match self {
            Need::Isolate => ActionEffect::Isolate,
            Need::Reconnect => ActionEffect::Reconnect,
            Need::BlockC2 => ActionEffect::BlockC2,
            Need::Reset => ActionEffect::ResetCredentials,
            Need::Evidence => ActionEffect::CollectEvidence,
            Need::Investigate => ActionEffect::Investigate,
            Need::Share => ActionEffect::ShareFinding,
            Need::Evict => ActionEffect::Reimage,
            Need::Restore => ActionEffect::RestoreBackup,
            Need::FailOver => ActionEffect::FailOver,
            Need::FailBack => ActionEffect::FailBack,
            Need::Repair => ActionEffect::Repair,
            Need::Restart => ActionEffect::PowerOn,
        }
    }
}

impl Bot {
    /// Whether an action with this effect is running on the system (any team).
    pub(super) fn busy_with(&self, need: Need, s: usize) -> bool {
        let effect = need.effect();
        self.running
            .values()
            .any(|r| r.target == Some(s) && self.estate.actions[r.action].effects.contains(&effect))
    }

    pub(super) fn free(&self, team: usize) -> u32 {
        self.view(team).map_or(0, |v| v.capacity.saturating_sub(v.busy + self.taken[team]))
    }

    /// Whether the requirements of an action on a system hold, as far as the bots know;
    /// what they cannot know (flags, backups deleted) the engine tells them by refusing.
    pub(super) fn plausible(&self, team: usize, action: usize, s: usize) -> bool {
        let m = &self.memory[s];
        let state = self.sees(team, s);
        let isolated = m.isolated || state == Some(SystemState::Isolated);
        self.estate.actions[action].requires.iter().all(|r| match r {
            Requirement::Isolated => isolated,
            Requirement::NotIsolated => !isolated,
            Requirement::PoweredOn => true,
            // Off or hung shows as Down; the engine refuses a start of what runs.
            Requirement::PoweredOff => state == Some(SystemState::Down),
            Requirement::HasBackup => self.estate.backups[s],
            Requirement::HasReplication => self.estate.replicated[s] && !m.failed_over,
            Requirement::FailedOver => m.failed_over,
            Requirement::NotDestroyed => state != Some(SystemState::Destroyed),
            Requirement::EvidenceCollected => m.evidence == Evidence::Collected,
            Requirement::Flag(_) => true,
        })
    }

    /// Starts the team's best action for a need on a system, if it has one, the bots
    /// think it can start, and the team has room; true when it started.
    pub(super) fn start(
        &mut self,
        drill: &mut Drill,
        now: Minutes,
        team: usize,
        need: Need,
        s: usize,
    ) -> bool {
        let Some(action) = self.estate.pick(team, need, s) else { return false };
        if self.busy_with(need, s) || !self.plausible(team, action, s) {
            return false;
        }
        self.submit(drill, now, team, action, Some(s))
    }

    /// Submits an action start unless it was refused lately or the team has no room.
    pub(super) fn submit(
        &mut self,
        drill: &mut Drill,
        now: Minutes,
        team: usize,
        action: usize,
        target: Option<usize>,
    ) -> bool {
        let key = (team, action, target);
        if self.refused.get(&key).is_some_and(|until| now < *until) {
            return false;
        }
        let def = &self.estate.actions[action];
        if self.free(team) < def.capacity {
            return false;
        }
        let command = Command::Start {
            action: def.id.clone(),
            target: target.map(|s| self.estate.ids[s].clone()),
        };
        let Some(seat) = self.seat(team) else { return false };
        match drill.submit(&seat, command) {
            Ok(id) => {
                self.taken[team] += def.capacity;
                self.running
                    .insert(id, Running { team, action, target, started: now, light: false });
                true
            }
            Err(Rejection::NoCapacity { .. }) => false,
            Err(_) => {
                let until = now.saturating_add(Minutes(RETRY_AFTER));
                self.refused.insert(key, until);
                self.wake_at(until);
                false
            }
        }
    }

    /// Does it itself if it may, or asks a team that may (once an hour).
    pub(super) fn do_or_ask(
        &mut self,
        drill: &mut Drill,
        now: Minutes,
        team: usize,
        need: Need,
        s: usize,
    ) -> bool {
        if self.estate.pick(team, need, s).is_some() {
            return self.start(drill, now, team, need, s);
        }
        if self.busy_with(need, s) {
            return false;
        }
        let Some(seat) = self.seat(team) else { return false };
        let Some((other, action)) = (0..self.estate.teams.len())
            .filter(|&o| o != team)
            .find_map(|o| self.estate.pick(o, need, s).map(|a| (o, a)))
        else {
            return false;
        };
        if !self.plausible(other, action, s) {
            return false;
        }
        let key = (team, action, s);
        if self.asked.get(&key).is_some_and(|until| now < *until) {
            return false;
        }
        self.asked.insert(key, now.saturating_add(Minutes(RETRY_AFTER)));
        self.wake_at(now.saturating_add(Minutes(RETRY_AFTER)));
        let from = &self.estate.teams[team];
        let command = Command::Request {
            to: self.estate.teams[other].id.clone(),
            action: self.estate.actions[action].id.clone(),
            target: Some(self.estate.ids[s].clone()),
            note: format!(
                "{} asks: {} {}",
                from.id, self.estate.actions[action].id, self.estate.ids[s]
            ),
        };
        drill.submit(&seat, command).is_ok()
    }

    /// Answers the team's open requests: accepted when there is room, unless `decline`
    /// says no; a request the team cannot carry out is declined.
    pub(super) fn answer(
        &mut self,
        drill: &mut Drill,
        team: usize,
        decline: &dyn Fn(&ActionDef) -> bool,
    ) {
        let Some(v) = self.view(team) else { return };
        let requests: Vec<(u64, Option<usize>)> = v
            .requests_in
            .iter()
            .map(|r| (r.id, self.estate.action_index.get(&r.action).copied()))
            .collect();
        let Some(seat) = self.seat(team) else { return };
        for (id, action) in requests {
            let def = action.map(|a| &self.estate.actions[a]);
            let capacity = def.map_or(1, |d| d.capacity);
            let accept = !def.is_some_and(decline);
            if accept && self.free(team) < capacity {
                continue;
            }
            match drill.submit(&seat, Command::Answer { request: id, accept }) {
                Ok(_) if accept => self.taken[team] += capacity,
                Ok(_) | Err(Rejection::NoCapacity { .. }) => {}
                Err(_) => {
                    let _ = drill.submit(&seat, Command::Answer { request: id, accept: false });
                }
            }
        }
    }
}
