//! The coordinated policy: isolate what is confirmed, preserve evidence, restore after
//! eviction.

use crate::drill::Drill;
use crate::model::Command;
use crate::scenario::{ActionEffect, Minutes, Requirement, SystemState};
use crate::sim::available;

use super::Bot;
use super::acting::Need;
use super::memory::Evidence;

/// How long a rebuild waits for evidence that nobody is collecting.
const EVIDENCE_WAIT: u32 = 60;
/// Isolating a confirmed system is worth it unless it takes down more than this share of
/// the estate's hourly cost.
const BLAST_LIMIT: f64 = 0.2;
/// What suspicion weighs in triage, in alerts: a system a confirmed compromise trusts, or
/// that depends on it beside it, comes before a system that alerted twice.
const SUSPECT: usize = 3;

impl Bot {
    pub(super) fn coordinated(&mut self, drill: &mut Drill, now: Minutes) {
        let teams = self.estate.teams.len();
        if !self.incident {
            self.incident = (0..teams).any(|t| {
                (0..self.estate.ids.len()).any(|s| {
                    self.knows_compromised(t, s).is_some()
                        || self.sees(t, s).is_some_and(|st| !available(st))
                })
            });
        }
        // Stolen credentials are the attacker's road, and resetting them costs no downtime:
        // every issuer is reset after each new confirmation (from when the first team knew)
        // and each alert that names credential theft.
        let confirmed = (0..self.estate.ids.len())
            .filter_map(|s| {
                (0..teams).filter_map(|o| self.knows_compromised(o, s)).map(|k| k.0).min()
            })
            .max();
        if let Some(since) = confirmed.max(self.credential_alert) {
            self.reset_issuers(drill, now, since);
        }
        for t in 0..teams {
            self.answer(drill, t, &|_| false);
            if self.estate.teams[t].alerts {
                self.suspect(drill, now, t);
            }
            self.contain(drill, now, t);
            if self.estate.teams[t].alerts {
                self.investigate(drill, now, t);
            }
            // Nothing known compromised comes back before it is rebuilt.
            self.recover(drill, now, t, &|bot, s| {
                (0..bot.estate.teams.len()).all(|o| bot.knows_compromised(o, s).is_none())
                    && (!bot.memory[s].isolated || bot.memory[s].evicted.is_some())
            });
            self.fail_back(drill, now, t);
            if self.incident {
                self.organisation(drill, now, t);
            }
        }
    }

    /// Resets every issuer not reset since `since`, each by the team that may and has the
    /// most room (the teams talk), so that the team working the alerts keeps its slots.
    fn reset_issuers(&mut self, drill: &mut Drill, now: Minutes, since: Minutes) {
        for i in self.estate.issuers.clone() {
            if self.reset.get(&i).is_some_and(|r| *r >= since) || self.busy_with(Need::Reset, i) {
                continue;
            }
            let best = (0..self.estate.teams.len())
                .filter_map(|t| {
                    let a = self.estate.pick(t, Need::Reset, i)?;
                    let room = self.free(t).checked_sub(self.estate.actions[a].capacity)?;
                    self.plausible(t, a, i).then_some((room, !self.estate.teams[t].alerts, t))
                })
                .max_by_key(|&(room, quiet, t)| (room, quiet, std::cmp::Reverse(t)));
            if let Some((_, _, t)) = best
                && self.start(drill, now, t, Need::Reset, i)
            {
                self.reset.insert(i, now);
            }
        }
    }

    /// Whether isolating a confirmed system is worth what it takes down.
    fn worth_isolating(&self, s: usize) -> bool {
        (self.estate.blast[s] as f64) <= BLAST_LIMIT * self.estate.total as f64
    }

    /// Containment and eviction of what the team knows is compromised.
    fn contain(&mut self, drill: &mut Drill, now: Minutes, t: usize) {
        let mut known: Vec<(Minutes, usize, bool)> = (0..self.estate.ids.len())
            .filter_map(|s| self.knows_compromised(t, s).map(|(at, own)| (at, s, own)))
            .collect();
        known.sort();
        // Scoping: the issuers a compromised system trusts, and what depends on it beside it
        // (same zone), become suspects.
        let firsts: Vec<(usize, Minutes)> = known
            .iter()
            .filter_map(|&(_, s, _)| {
                let teams = 0..self.estate.teams.len();
                teams
                    .filter_map(|o| self.knows_compromised(o, s))
                    .map(|k| k.0)
                    .min()
                    .map(|at| (s, at))
            })
            .collect();
        for (s, at) in firsts {
            let zone = self.estate.zone[s];
            let scope: Vec<usize> = (0..self.estate.ids.len())
                .filter(|&o| {
                    let trusted =
                        self.estate.depends_on[s].contains(&o) && self.estate.issuers.contains(&o);
                    let beside =
                        self.estate.depends_on[o].contains(&s) && self.estate.zone[o] == zone;
                    trusted || beside
                })
                .collect();
            for o in scope {
                if self.memory[o].suspect.is_none_or(|x| x < at) {
                    self.memory[o].suspect = Some(at);
                }
            }
        }
        for (at, s, own) in known {
            // Tell the others what the team found itself.
            if own
                && self.memory[s].shared.is_none_or(|x| x < at)
                && self.start(drill, now, t, Need::Share, s)
            {
                self.memory[s].shared = Some(now);
            }
            if !self.memory[s].c2_blocked {
                self.start(drill, now, t, Need::BlockC2, s);
            }
            let state = self.sees(t, s);
            let isolated = self.memory[s].isolated || state == Some(SystemState::Isolated);
            let collectable = !matches!(state, Some(SystemState::Destroyed))
                && self.estate.anyone(Need::Evidence, s);
            if self.memory[s].evidence == Evidence::Untouched && collectable {
                self.start(drill, now, t, Need::Evidence, s);
            }
            if !isolated && self.worth_isolating(s) {
                self.start(drill, now, t, Need::Isolate, s);
            }
            // Rebuild once the evidence is kept, cannot be, or nobody came for it.
            let settled = self.memory[s].evidence != Evidence::Untouched
                || !collectable
                || (!self.busy_with(Need::Evidence, s)
                    && now.0 >= at.0.saturating_add(EVIDENCE_WAIT));
            if !settled {
                if now.0 < at.0.saturating_add(EVIDENCE_WAIT) {
                    self.wake_at(at.saturating_add(Minutes(EVIDENCE_WAIT)));
                }
                continue;
            }
            if self.busy_with(Need::Evict, s) {
                continue;
            }
            let Some(evict) = self.estate.pick(t, Need::Evict, s) else { continue };
            // Isolation first where it is worth it or the rebuild requires it.
            let needs_isolation = self.estate.requires(evict, &Requirement::Isolated);
            if isolated || !(needs_isolation || self.worth_isolating(s)) {
                self.start(drill, now, t, Need::Evict, s);
            } else if needs_isolation {
                self.start(drill, now, t, Need::Isolate, s);
            }
        }
    }

    /// What costs no downtime is done on an alert alone: C2 blocked where one names command
    /// and control, collection or exfiltration (credentials: see `reset_issuers`). A team
    /// that may not asks one that may.
    fn suspect(&mut self, drill: &mut Drill, now: Minutes, t: usize) {
        for s in 0..self.estate.ids.len() {
            if !self.memory[s].c2_alert
                || self.memory[s].c2_blocked
                || self.busy_with(Need::BlockC2, s)
            {
                continue;
            }
            // Data may be leaving: an investigation gives way.
            if self.estate.pick(t, Need::BlockC2, s).is_some() && self.free(t) == 0 {
                self.give_way(drill, now, t, true);
            }
            self.do_or_ask(drill, now, t, Need::BlockC2, s);
        }
    }

    /// Triage of alerts: investigate, with evidence, what keeps alerting or is suspected.
    fn investigate(&mut self, drill: &mut Drill, now: Minutes, t: usize) {
        let explained = |s: usize| {
            if self.knows_compromised(t, s).is_some() {
                return Some(Minutes(u32::MAX));
            }
            [self.memory[s].investigated, self.memory[s].evicted].into_iter().flatten().max()
        };
        let mut leads = self.triage(&explained);
        // Suspects count as several alerts.
        for (s, m) in self.memory.iter().enumerate() {
            let Some(at) = m.suspect else { continue };
            if explained(s).is_some_and(|x| x >= at) {
                continue;
            }
            match leads.iter_mut().find(|(x, _)| *x == s) {
                Some(lead) => lead.1 += SUSPECT,
                None => leads.push((s, SUSPECT)),
            }
        }
        // Most alerts first; then where evidence waits to be read; then the most valuable.
        let key = |&(s, n): &(usize, usize)| {
            (n, self.memory[s].evidence == Evidence::Collected, self.estate.criticality[s])
        };
        leads.sort_by_key(|l| std::cmp::Reverse(key(l)));
        for (s, fresh) in leads {
            let serious = self.memory[s].alerts.len() >= 2 || fresh >= 2;
            if !serious {
                // A single alert waits while only one slot is free: keep it for what repeats.
                if self.free(t) >= 2
                    && !self.busy_with(Need::Investigate, s)
                    && self.start(drill, now, t, Need::Investigate, s)
                    && let Some(r) = self.running.values_mut().next_back()
                {
                    r.light = true;
                }
                continue;
            }
            // What repeats, or is suspected, gets evidence first and the investigation
            // beside it; a single alert's investigation gives way if need be.
            let evidence = self.memory[s].evidence == Evidence::Untouched
                && !self.busy_with(Need::Evidence, s)
                && self.sees(t, s) != Some(SystemState::Destroyed)
                && self.estate.pick(t, Need::Evidence, s).is_some();
            let investigation = !self.busy_with(Need::Investigate, s);
            if self.free(t) < u32::from(evidence) + u32::from(investigation) {
                self.give_way(drill, now, t, false);
            }
            if evidence && self.start(drill, now, t, Need::Evidence, s) {
                self.restart_after_evidence(drill, now, t, s);
            }
            if investigation {
                self.start(drill, now, t, Need::Investigate, s);
            }
        }
    }

    /// An investigation reads the evidence when it completes: one that would complete
    /// before the evidence just started is kept is started again, to read it.
    fn restart_after_evidence(&mut self, drill: &mut Drill, now: Minutes, t: usize, s: usize) {
        let Some(evidence) = self.estate.pick(t, Need::Evidence, s) else { return };
        let kept = now.0.saturating_add(self.estate.actions[evidence].duration.0);
        let early = self.running.iter().find(|(_, r)| {
            r.team == t
                && r.target == Some(s)
                && self.estate.actions[r.action].effects.contains(&ActionEffect::Investigate)
                && r.started.0.saturating_add(self.estate.actions[r.action].duration.0) < kept
        });
        if let Some((&id, _)) = early
            && let Some(seat) = self.seat(t)
            && drill.submit(&seat, Command::Cancel { action: id }).is_ok()
        {
            self.running.remove(&id);
        }
    }

    /// Cancels the team's latest investigation of a single alert, to free its slot; when
    /// `urgent`, else any investigation of the team's that started in the last few minutes.
    fn give_way(&mut self, drill: &mut Drill, now: Minutes, t: usize, urgent: bool) {
        let mine = self.running.iter().rev().filter(|(_, r)| {
            r.team == t
                && self.estate.actions[r.action].effects.contains(&ActionEffect::Investigate)
        });
        let light = mine.clone().find(|(_, r)| r.light);
        let fresh =
            mine.clone().next().filter(|(_, r)| urgent && now.0 < r.started.0.saturating_add(20));
        let Some((&id, _)) = light.or(fresh) else {
            return;
        };
        let Some(seat) = self.seat(t) else { return };
        if drill.submit(&seat, Command::Cancel { action: id }).is_ok() {
            self.running.remove(&id);
        }
    }

    /// The organisation's own actions, each once.
    fn organisation(&mut self, drill: &mut Drill, now: Minutes, t: usize) {
        for a in self.estate.teams[t].organisation.clone() {
            if !self.done.contains(&a)
                && !self.running.values().any(|r| r.action == a)
                && self.submit(drill, now, t, a, None)
            {
                self.done.insert(a);
            }
        }
    }
}
