//! Acting on an intent: the team's best action for what it needs done, started if the
//! bots think it can start and the team has room, else asked of a team that may; and
//! answers to the requests the team receives.

use crate::drill::Drill;
use crate::model::{Command, Rejection};
use crate::scenario::{ActionDef, ActionEffect, Minutes, Requirement, SystemState};

use super::memory::{Evidence, Running};
use super::{Bot, Policy};

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
    Reconfigure,
    Decrypt,
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
            Need::Reconfigure => ActionEffect::Reconfigure,
            Need::Decrypt => ActionEffect::Decrypt,
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
            Requirement::Encrypted => state == Some(SystemState::Encrypted),
            // Like flags: the engine refuses when no decision bought one.
            Requirement::Decryptor | Requirement::Flag(_) => true,
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
        let mut command = Command::Start {
            action: def.id.clone(),
            target: target.map(|s| self.estate.ids[s].clone()),
            overrule: false,
        };
        let Some(seat) = self.seat(team) else { return false };
        let mut result = drill.submit(&seat, command.clone());
        if let Err(Rejection::NeedsApproval { approver, overrule_cost, .. }) = &result {
            // Security-first pays to override the rules where they let it; every policy
            // otherwise asks the approver, as the rules want.
            if self.policy == Policy::SecurityFirst && overrule_cost.is_some() {
                if let Command::Start { overrule, .. } = &mut command {
                    *overrule = true;
                }
                result = drill.submit(&seat, command);
            } else {
                let approver = approver.clone();
                self.ask_approval(drill, now, team, action, target, approver);
                return false;
            }
        }
        match result {
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

    /// Asks the approver the rules of engagement name to let the team act (once an hour);
    /// the approval starts the action when it comes.
    fn ask_approval(
        &mut self,
        drill: &mut Drill,
        now: Minutes,
        team: usize,
        action: usize,
        target: Option<usize>,
        approver: String,
    ) {
        let Some(s) = target else { return };
        let key = (team, action, s);
        if self.asked.get(&key).is_some_and(|until| now < *until) {
            return;
        }
        let waiting = self.views[team].as_ref().is_some_and(|v| {
            v.sent.iter().any(|r| {
                matches!(r.state, crate::model::RequestState::Open { .. })
                    && r.action == self.estate.actions[action].id
                    && r.target.as_deref() == Some(self.estate.ids[s].as_str())
            })
        });
        if waiting {
            return;
        }
        let Some(seat) = self.seat(team) else { return };
        self.asked.insert(key, now.saturating_add(Minutes(RETRY_AFTER)));
        self.wake_at(now.saturating_add(Minutes(RETRY_AFTER)));
        let def = &self.estate.actions[action];
        let command = Command::Request {
            to: approver,
            action: def.id.clone(),
            target: Some(self.estate.ids[s].clone()),
            note: format!(
                "{} asks approval to {} {}",
                self.estate.teams[team].id, def.id, self.estate.ids[s]
            ),
            approval: true,
        };
        let _ = drill.submit(&seat, command);
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
            approval: false,
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
        let requests: Vec<(u64, Option<usize>, bool)> = v
            .requests_in
            .iter()
            .map(|r| (r.id, self.estate.action_index.get(&r.action).copied(), r.approval))
            .collect();
        let Some(seat) = self.seat(team) else { return };
        for (id, action, approval) in requests {
            let def = action.map(|a| &self.estate.actions[a]);
            // Approving takes no capacity of the approver; acting does.
            let capacity = if approval { 0 } else { def.map_or(1, |d| d.capacity) };
            let accept = !def.is_some_and(decline);
            if accept && self.free(team) < capacity {
                continue;
            }
            let reason = if accept { String::new() } else { self.policy.decline_reason() };
            match drill.submit(&seat, Command::Answer { request: id, accept, reason }) {
                Ok(_) if accept => self.taken[team] += capacity,
                Ok(_) | Err(Rejection::NoCapacity { .. }) => {}
                Err(e) => {
                    let reason = format!("cannot carry it out: {e}");
                    let _ =
                        drill.submit(&seat, Command::Answer { request: id, accept: false, reason });
                }
            }
        }
    }
}
