//! What the bots remember: of each system, what their teams did to it and saw of it; of
//! their own actions, which are still running. Kept up to date from the events the seats
//! see.

use crate::drill::Drill;
use crate::model::Event;
use crate::scenario::{ActionEffect, Minutes, Requirement, technique};

use super::Bot;
use super::acting::Need;
use super::recovery::SETTLE;

/// Whether a system's evidence is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Evidence {
    #[default]
    Untouched,
    Collected,
    Gone,
}

/// What the bots remember of one system: what their teams did to it and saw of it.
#[derive(Debug, Clone, Default)]
pub(super) struct Memory {
    /// When alerts about it arrived (at any team that receives alerts).
    pub(super) alerts: Vec<Minutes>,
    /// An alert named command and control, collection or exfiltration through it.
    pub(super) c2_alert: bool,
    /// Under suspicion since: a system that trusts it was confirmed compromised.
    pub(super) suspect: Option<Minutes>,
    /// When the last completed investigation of it started: alerts since are unexplained.
    pub(super) investigated: Option<Minutes>,
    pub(super) evidence: Evidence,
    pub(super) isolated: bool,
    pub(super) failed_over: bool,
    pub(super) c2_blocked: bool,
    /// When its last rebuild completed.
    pub(super) evicted: Option<Minutes>,
    /// When a finding about it was last shared.
    pub(super) shared: Option<Minutes>,
    /// Recovery actions tried on it in the current outage, and when the last completed.
    pub(super) recovery: Vec<Need>,
    pub(super) recovered_at: Option<Minutes>,
    /// A credential it uses was reset: it needs reconfiguring (the team that reset it knows
    /// which systems use it).
    pub(super) locked_out: bool,
}

/// An action of ours in progress.
#[derive(Debug, Clone)]
pub(super) struct Running {
    pub(super) team: usize,
    pub(super) action: usize,
    pub(super) target: Option<usize>,
    pub(super) started: Minutes,
    /// An investigation of a single alert, which gives way to more urgent work.
    pub(super) light: bool,
}

impl Bot {
    /// Takes in the events its seats see about themselves (their alerts, observations,
    /// findings, injects, requests and their own actions); the truth's other events, and
    /// what only the seats people play were told, are skipped. A seat handed to the bot
    /// mid-drill is caught up on what it was told before (its inbox, its own actions), as
    /// a person taking it over would read its screen. Returns whether any of its seats'
    /// views changed.
    pub(super) fn read_events(&mut self, drill: &Drill) -> bool {
        let teams = self.estate.teams.len();
        let all_events = drill.events_since(0);
        let Some(from) = (0..teams).filter(|&t| self.plays[t]).map(|t| self.read[t]).min() else {
            return false;
        };
        // Where each seat had read to before this call: an event before it was taken in then.
        let read = self.read.clone();
        for t in 0..teams {
            if self.plays[t] {
                self.read[t] = all_events.len();
            }
        }
        let mut changed = false;
        let alerts: Vec<bool> = self.estate.teams.iter().map(|x| x.alerts).collect();
        // A team's event at index `i` is taken in only if the bot plays that team's seat and
        // has not read it there yet: a bot in IT's seat never acts on an alert only
        // security (a person) received.
        let plays = &self.plays;
        let fresh = |t: usize, i: usize| plays[t] && read[t] <= i;
        let team =
            |id: &str, i: usize| self.estate.team_index.get(id).copied().filter(|&t| fresh(t, i));
        // Every team that receives alerts gets the same ones (in the same tick, so on the
        // same side of every seat's reading position): they count once, at the first such
        // seat, unless a seat read them before.
        let counts_alerts = |t: usize, i: usize| {
            (0..teams).find(|&u| alerts[u] && fresh(u, i)) == Some(t)
                && !(0..teams).any(|u| alerts[u] && read[u] > i)
        };
        let mut stale = vec![false; teams];
        let mut all = false;
        let mut ended: Vec<(Running, Minutes, bool)> = Vec::new();
        // A decision taken, or an action that sets a flag, may have opened a gate: a flag
        // some action requires.
        let mut gates = false;
        for (i, e) in all_events.iter().enumerate().skip(from) {
            match &e.event {
                Event::Alert { team: t, system, technique, .. } => {
                    if let Some(t) = team(t, i) {
                        stale[t] = true;
                        if counts_alerts(t, i)
                            && let Some(&s) = self.estate.index.get(system)
                        {
                            let m = &mut self.memory[s];
                            m.alerts.push(e.at);
                            let tactics = tactics(technique);
                            if tactics.contains(&"credential-access") {
                                self.credential_alert = self.credential_alert.max(Some(e.at));
                            }
                            if tactics.iter().any(|t| {
                                matches!(*t, "command-and-control" | "collection" | "exfiltration")
                            }) {
                                m.c2_alert = true;
                            }
                        }
                    }
                }
                Event::Observed { team: t, .. } | Event::Finding { team: t, .. } => {
                    if let Some(t) = team(t, i) {
                        stale[t] = true;
                    }
                }
                // An investigation's indicator points here: a suspect, as scoping makes one.
                Event::Suspected { team: t, system, .. } => {
                    let Some(t) = team(t, i) else { continue };
                    stale[t] = true;
                    if let Some(&s) = self.estate.index.get(system) {
                        let m = &mut self.memory[s];
                        m.suspect = Some(m.suspect.map_or(e.at, |x| x.max(e.at)));
                    }
                }
                Event::InjectDelivered { inject, teams: audience } => {
                    let mine: Vec<usize> = audience.iter().filter_map(|t| team(t, i)).collect();
                    if mine.is_empty() {
                        continue;
                    }
                    for t in mine {
                        stale[t] = true;
                    }
                    // Read at another seat already: its report was counted then.
                    let counted = audience
                        .iter()
                        .any(|t| self.estate.team_index.get(t).is_some_and(|&u| read[u] > i));
                    if counted {
                        continue;
                    }
                    // A report that names a system counts as two alerts on it.
                    for &s in self.estate.named.get(inject).into_iter().flatten() {
                        self.memory[s].alerts.extend([e.at, e.at]);
                    }
                }
                Event::ActionStarted { id, team: t, action, target, .. } => {
                    if let (Some(t), Some(&a)) = (team(t, i), self.estate.action_index.get(action))
                    {
                        stale[t] = true;
                        let target =
                            target.as_ref().and_then(|x| self.estate.index.get(x).copied());
                        self.running.entry(*id).or_insert(Running {
                            team: t,
                            action: a,
                            target,
                            started: e.at,
                            light: false,
                        });
                    }
                }
                Event::ActionCompleted { id, team: t, .. } => {
                    if let Some(t) = team(t, i) {
                        stale[t] = true;
                    }
                    if let Some(r) = self.running.remove(id) {
                        ended.push((r, e.at, true));
                    }
                }
                Event::ActionFailed { id, team: t, .. } => {
                    if let Some(t) = team(t, i) {
                        stale[t] = true;
                    }
                    if let Some(r) = self.running.remove(id) {
                        ended.push((r, e.at, false));
                    }
                }
                Event::ActionCancelled { id, team: t } => {
                    if let Some(t) = team(t, i) {
                        stale[t] = true;
                    }
                    self.running.remove(id);
                }
                Event::RequestSent { from, to, .. } => {
                    for t in [from, to] {
                        if let Some(t) = team(t, i) {
                            stale[t] = true;
                        }
                    }
                }
                Event::Disrupted {
                    system,
                    cause: crate::model::Disruption::CredentialReset { .. },
                    ..
                } => {
                    if let Some(&s) = self.estate.index.get(system) {
                        self.memory[s].locked_out = true;
                    }
                    all = true;
                }
                Event::DecisionTaken { .. } => {
                    all = true;
                    gates = true;
                }
                Event::RequestAnswered { .. }
                | Event::RequestExpired { .. }
                | Event::RequestEscalated { .. }
                | Event::RequestWithdrawn { .. }
                | Event::FlagSet { .. } => all = true,
                _ => {}
            }
        }
        for (r, at, ok) in ended {
            let effects = &self.estate.actions[r.action].effects;
            gates |= ok && effects.iter().any(|e| matches!(e, ActionEffect::SetFlag(_)));
            if ok {
                self.completed(&r, at);
            } else {
                self.failed(&r, at);
            }
        }
        if gates {
            // What was refused for want of a flag may start now: waiting out the retry
            // would leave a DR invocation, say, unused for an hour.
            let actions = &self.estate.actions;
            self.refused.retain(|&(_, a, _), _| {
                !actions[a].requires.iter().any(|r| matches!(r, Requirement::Flag(_)))
            });
        }
        for (t, s) in stale.into_iter().enumerate() {
            if s || all {
                self.stale[t] = true;
                changed = true;
            }
        }
        changed
    }

    /// What a completed action of ours changed, as the team that took it sees.
    fn completed(&mut self, r: &Running, at: Minutes) {
        let Some(s) = r.target else { return };
        let effects = self.estate.actions[r.action].effects.clone();
        let m = &mut self.memory[s];
        for effect in &effects {
            match effect {
                ActionEffect::Isolate => m.isolated = true,
                ActionEffect::Reconnect => m.isolated = false,
                ActionEffect::CollectEvidence => m.evidence = Evidence::Collected,
                ActionEffect::Investigate => m.investigated = Some(r.started),
                ActionEffect::Reimage => {
                    m.evicted = Some(at);
                    m.evidence = Evidence::Gone;
                    m.locked_out = false;
                }
                ActionEffect::Reconfigure => m.locked_out = false,
                ActionEffect::RestoreBackup | ActionEffect::PowerOff => {
                    m.evidence = Evidence::Gone;
                }
                ActionEffect::FailOver => m.failed_over = true,
                ActionEffect::FailBack => m.failed_over = false,
                ActionEffect::BlockC2 => m.c2_blocked = true,
                _ => {}
            }
        }
        if effects.iter().any(|e| {
            matches!(e, ActionEffect::RestoreBackup | ActionEffect::FailOver | ActionEffect::Repair)
        }) {
            m.recovered_at = Some(at);
            self.wake_at(at.saturating_add(Minutes(SETTLE)));
        }
    }

    fn failed(&mut self, r: &Running, at: Minutes) {
        let Some(s) = r.target else { return };
        let effects = &self.estate.actions[r.action].effects;
        if effects.contains(&ActionEffect::CollectEvidence) {
            self.memory[s].evidence = Evidence::Gone;
        }
        if effects.iter().any(|e| {
            matches!(e, ActionEffect::RestoreBackup | ActionEffect::FailOver | ActionEffect::Repair)
        }) {
            self.memory[s].recovered_at = Some(at);
        }
    }

    /// Systems that alerted, most alerts first, then the most valuable, then the latest;
    /// with how many alerts arrived after `since` gives for each.
    pub(super) fn triage(&self, since: &dyn Fn(usize) -> Option<Minutes>) -> Vec<(usize, usize)> {
        let mut leads: Vec<(usize, usize, u64, Minutes)> = self
            .memory
            .iter()
            .enumerate()
            .filter_map(|(s, m)| {
                let after = since(s);
                let fresh: Vec<Minutes> =
                    m.alerts.iter().copied().filter(|a| after.is_none_or(|x| *a > x)).collect();
                let latest = *fresh.last()?;
                Some((s, fresh.len(), self.estate.criticality[s], latest))
            })
            .collect();
        leads.sort_by(|a, b| (b.1, b.2, b.3, a.0).cmp(&(a.1, a.2, a.3, b.0)));
        leads.into_iter().map(|(s, n, _, _)| (s, n)).collect()
    }
}

/// The ATT&CK tactics of the technique an alert matched.
fn tactics(id: &str) -> &'static [&'static str] {
    technique(id).map_or(&[], |t| t.tactics.as_slice())
}
