//! The built-in response policies `tabletop balance` compares. Each is a bot that reads the
//! seats' views — never the truth — and submits commands, exactly as people in those seats
//! could. Their rules are short on purpose, so a scenario author can read what they do:
//!
//! - **nothing**: no team acts.
//! - **it-first** (keep services up): IT restores, fails over, repairs and reconnects
//!   whatever it sees down as soon as it can, and declines requests to isolate. Security
//!   investigates alerts but isolates nothing.
//! - **security-first** (isolate early and wide): at any alert, security isolates the
//!   system, blocks its C2 and resets every credential issuer; IT accepts every request
//!   and recovers only what nobody isolated.
//! - **coordinated**: security preserves evidence, then investigates alerts; what is
//!   confirmed compromised is isolated, its C2 blocked, credentials reset, the finding
//!   shared, and the host rebuilt (evicted) before IT restores and reconnects it. IT
//!   recovers the root causes of outages (not their dependants), accepts requests, and the
//!   organisation's own actions (notifications) are taken once an incident is confirmed.
//!
//! Decisions in injects are left to their defaults under every policy: a bot cannot read
//! what a choice means.

use std::collections::{BTreeMap, BTreeSet};

use crate::drill::Drill;
use crate::model::{Command, InboxItem, Rejection, Seat};
use crate::scenario::{
    ActionDef, Minutes, Role, Scenario, SystemState, TargetKind, resolve_actions,
};
use crate::view::SeatView;

/// A built-in response policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Policy {
    /// No team acts.
    Nothing,
    /// Keep services up: restore fast, isolate late.
    ItFirst,
    /// Isolate early and wide.
    SecurityFirst,
    /// Isolate what is confirmed, preserve evidence, restore after eviction.
    Coordinated,
}

impl Policy {
    /// Every built-in policy, in the order reports list them.
    pub const ALL: [Policy; 4] =
        [Policy::Nothing, Policy::ItFirst, Policy::SecurityFirst, Policy::Coordinated];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Nothing => "nothing",
            Policy::ItFirst => "it-first",
            Policy::SecurityFirst => "security-first",
            Policy::Coordinated => "coordinated",
        }
    }

    /// The policy with this command-line name.
    pub fn from_name(name: &str) -> Option<Policy> {
        Policy::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// How often the bots look at their views, in simulated minutes: people glance at their
/// screens, they do not react within the tick.
const LOOK_EVERY: u32 = 5;
/// How long a bot waits before trying a refused command again.
const RETRY_AFTER: u32 = 30;

/// A policy playing every seat of one drill.
pub struct Bot {
    policy: Policy,
    actions: BTreeMap<String, ActionDef>,
    /// Per team: (action, target) it may not try again before the given time.
    tried: BTreeMap<(String, String, String), Minutes>,
    /// Systems confirmed compromised by any team (the coordinated teams talk).
    confirmed: BTreeSet<String>,
    /// Systems rebuilt after being confirmed compromised.
    evicted: BTreeSet<String>,
    /// Systems with evidence preserved.
    preserved: BTreeSet<String>,
    /// Systems investigated.
    investigated: BTreeSet<String>,
    /// Organisation actions already taken.
    notified: BTreeSet<String>,
}

impl Bot {
    /// A bot for `policy` on `scenario`.
    pub fn new(policy: Policy, scenario: &Scenario) -> Self {
        Bot {
            policy,
            actions: resolve_actions(scenario).into_iter().map(|a| (a.id.clone(), a)).collect(),
            tried: BTreeMap::new(),
            confirmed: BTreeSet::new(),
            evicted: BTreeSet::new(),
            preserved: BTreeSet::new(),
            investigated: BTreeSet::new(),
            notified: BTreeSet::new(),
        }
    }

    /// Plays the drill to its end.
    pub fn play(&mut self, drill: &mut Drill) {
        while !drill.is_over() {
            if self.policy != Policy::Nothing && drill.now().0.is_multiple_of(LOOK_EVERY) {
                self.look(drill);
            }
            drill.advance(1);
        }
    }

    /// One look at every seat's view, and the commands that follow.
    fn look(&mut self, drill: &mut Drill) {
        let scenario = drill.scenario().clone();
        let now = drill.now();
        let views: Vec<SeatView> =
            scenario.teams.iter().filter_map(|t| drill.view(&t.id)).collect();
        for v in &views {
            for s in v.known_compromised() {
                self.confirmed.insert(s.id.clone());
            }
        }
        for v in &views {
            match v.role {
                Role::Security => self.security(drill, &scenario, v, now),
                Role::ItOps => self.it(drill, &scenario, v, now),
                _ => self.organisation(drill, v, now),
            }
        }
    }

    /// Tries a command once in a while; true when accepted.
    fn try_start(
        &mut self,
        drill: &mut Drill,
        v: &SeatView,
        action: &str,
        target: Option<&str>,
        now: Minutes,
    ) -> bool {
        if !v.actions.iter().any(|a| a == action) {
            return false;
        }
        let key = (v.team.clone(), action.to_owned(), target.unwrap_or_default().to_owned());
        if self.tried.get(&key).is_some_and(|until| now < *until) {
            return false;
        }
        let running = v.running.iter().any(|r| r.action == action && r.target.as_deref() == target);
        if running {
            return false;
        }
        let command =
            Command::Start { action: action.to_owned(), target: target.map(str::to_owned) };
        match drill.submit(&Seat::Team(v.team.clone()), command) {
            Ok(_) => {
                self.tried.insert(key, Minutes(now.0 + RETRY_AFTER));
                true
            }
            // Busy: try again at the next look. Anything else: not before a while.
            Err(Rejection::NoCapacity { .. }) => false,
            Err(_) => {
                self.tried.insert(key, Minutes(now.0 + RETRY_AFTER));
                false
            }
        }
    }

    /// Does it itself if it may, or asks a team that may.
    fn do_or_ask(
        &mut self,
        drill: &mut Drill,
        scenario: &Scenario,
        v: &SeatView,
        action: &str,
        target: &str,
        now: Minutes,
    ) -> bool {
        if v.actions.iter().any(|a| a == action) {
            return self.try_start(drill, v, action, Some(target), now);
        }
        let Some(other) =
            scenario.teams.iter().find(|t| t.id != v.team && t.actions.iter().any(|a| a == action))
        else {
            return false;
        };
        let key = (v.team.clone(), format!("ask:{action}"), target.to_owned());
        if self.tried.get(&key).is_some_and(|until| now < *until) {
            return false;
        }
        self.tried.insert(key, Minutes(now.0 + 60));
        let command = Command::Request {
            to: other.id.clone(),
            action: action.to_owned(),
            target: Some(target.to_owned()),
            note: format!("{} asks: {action} {target}", v.name),
        };
        drill.submit(&Seat::Team(v.team.clone()), command).is_ok()
    }

    /// Alerted systems, most alerted first (a real intrusion keeps raising alerts; noise
    /// rarely strikes the same system twice), then the most recent.
    fn alerted(v: &SeatView) -> Vec<String> {
        let mut count: BTreeMap<String, (usize, Minutes)> = BTreeMap::new();
        for i in &v.inbox {
            if let InboxItem::Alert { system, at, .. } = i {
                let e = count.entry(system.clone()).or_insert((0, *at));
                e.0 += 1;
                e.1 = e.1.max(*at);
            }
        }
        let mut list: Vec<(String, (usize, Minutes))> = count.into_iter().collect();
        list.sort_by(|a, b| (b.1.0, b.1.1, &a.0).cmp(&(a.1.0, a.1.1, &b.0)));
        list.into_iter().map(|(s, _)| s).collect()
    }

    fn security(&mut self, drill: &mut Drill, scenario: &Scenario, v: &SeatView, now: Minutes) {
        let issuers: BTreeSet<String> =
            scenario.estate.credentials.iter().map(|c| c.issuer.clone()).collect();
        match self.policy {
            Policy::Nothing => {}
            Policy::ItFirst => {
                for s in Self::alerted(v) {
                    if self.investigated.insert(s.clone()) {
                        self.try_start(drill, v, "investigate", Some(&s), now);
                    }
                }
            }
            Policy::SecurityFirst => {
                let alerted = Self::alerted(v);
                if !alerted.is_empty() {
                    for issuer in &issuers {
                        self.do_or_ask(drill, scenario, v, "reset_credentials", issuer, now);
                    }
                }
                for s in alerted {
                    self.do_or_ask(drill, scenario, v, "isolate", &s, now);
                    self.try_start(drill, v, "block_c2", Some(&s), now);
                }
            }
            Policy::Coordinated => {
                let confirmed: Vec<String> =
                    self.confirmed.iter().filter(|s| !self.evicted.contains(*s)).cloned().collect();
                // Stolen credentials are the attacker's road: closing it costs no downtime.
                if !confirmed.is_empty() || Self::alerted(v).len() >= 2 {
                    for issuer in &issuers {
                        let key = format!("reset:{issuer}");
                        if !self.notified.contains(&key)
                            && self.do_or_ask(drill, scenario, v, "reset_credentials", issuer, now)
                        {
                            self.notified.insert(key);
                        }
                    }
                }
                for s in Self::alerted(v) {
                    if self.confirmed.contains(&s) || self.investigated.contains(&s) {
                        continue;
                    }
                    // Evidence first, the investigation beside it: it reads what was kept.
                    if !self.preserved.contains(&s)
                        && self.try_start(drill, v, "collect_evidence", Some(&s), now)
                    {
                        self.preserved.insert(s.clone());
                    }
                    if self.try_start(drill, v, "investigate", Some(&s), now) {
                        self.investigated.insert(s.clone());
                    }
                }
                for s in confirmed {
                    self.try_start(drill, v, "share_finding", Some(&s), now);
                    self.try_start(drill, v, "block_c2", Some(&s), now);
                    let isolated =
                        v.systems.iter().any(|k| {
                            k.id == s && matches!(k.state, Some((SystemState::Isolated, _)))
                        }) || self.isolated_by_someone(drill, &s);
                    if !isolated {
                        self.do_or_ask(drill, scenario, v, "isolate", &s, now);
                    } else if self.do_or_ask(drill, scenario, v, "reimage", &s, now) {
                        self.evicted.insert(s);
                    }
                }
            }
        }
    }

    fn isolated_by_someone(&self, drill: &mut Drill, system: &str) -> bool {
        let teams: Vec<String> = drill.scenario().teams.iter().map(|t| t.id.clone()).collect();
        teams.iter().filter_map(|t| drill.view(t)).any(|v| {
            v.systems
                .iter()
                .any(|k| k.id == system && matches!(k.state, Some((SystemState::Isolated, _))))
        })
    }

    fn it(&mut self, drill: &mut Drill, scenario: &Scenario, v: &SeatView, now: Minutes) {
        if self.policy == Policy::Nothing {
            return;
        }
        for r in &v.requests_in {
            let accept = match self.policy {
                Policy::ItFirst => {
                    !matches!(r.action.as_str(), "isolate" | "shut_down" | "reimage")
                }
                _ => true,
            };
            let _ = drill
                .submit(&Seat::Team(v.team.clone()), Command::Answer { request: r.id, accept });
        }
        let down: BTreeMap<&str, SystemState> = v
            .systems
            .iter()
            .filter_map(|k| k.state.map(|(s, _)| (k.id.as_str(), s)))
            .filter(|(_, s)| !matches!(s, SystemState::Online | SystemState::Degraded))
            .collect();
        for (id, state) in down.clone() {
            let Some(sys) = scenario.estate.systems.iter().find(|s| s.id == id) else { continue };
            // Only root causes: a system down because what it needs is down comes back with it.
            if state == SystemState::Down
                && sys.depends_on.iter().any(|d| down.contains_key(d.as_str()))
            {
                continue;
            }
            let compromised = self.confirmed.contains(id) && !self.evicted.contains(id);
            match (self.policy, state) {
                (Policy::ItFirst, SystemState::Isolated) => {
                    self.try_start(drill, v, "reconnect", Some(id), now);
                }
                (Policy::Coordinated, SystemState::Isolated) if self.evicted.contains(id) => {
                    self.try_start(drill, v, "reconnect", Some(id), now);
                }
                (_, SystemState::Isolated) => {}
                (Policy::Coordinated, _) if compromised => {}
                (Policy::SecurityFirst, _) if self.confirmed.contains(id) => {}
                (_, SystemState::Encrypted | SystemState::Destroyed) => {
                    let _ = self.try_start(drill, v, "restore_backup", Some(id), now)
                        || self.try_start(drill, v, "fail_over", Some(id), now);
                }
                (_, _) => {
                    let _ = self.try_start(drill, v, "fail_over", Some(id), now)
                        || self.try_start(drill, v, "power_on", Some(id), now)
                        || self.try_start(drill, v, "repair", Some(id), now)
                        || self.try_start(drill, v, "restore_backup", Some(id), now);
                }
            }
        }
        if self.policy == Policy::Coordinated {
            // Back home once the home site serves again: failing back is cheap to retry.
            for k in
                v.systems.iter().filter(|k| matches!(k.state, Some((SystemState::Degraded, _))))
            {
                let key = (v.team.clone(), "fail_back".to_owned(), k.id.clone());
                if let std::collections::btree_map::Entry::Vacant(e) = self.tried.entry(key) {
                    e.insert(Minutes(now.0 + 120));
                } else {
                    self.try_start(drill, v, "fail_back", Some(&k.id), now);
                }
            }
            self.organisation(drill, v, now);
        }
    }

    /// The organisation's own actions (notifications, statements), once an incident is
    /// confirmed: something known compromised, or something seen down.
    fn organisation(&mut self, drill: &mut Drill, v: &SeatView, now: Minutes) {
        if self.policy != Policy::Coordinated {
            return;
        }
        let incident =
            !self.confirmed.is_empty() || v.known_down().next().is_some() || !v.inbox.is_empty();
        if !incident {
            return;
        }
        let own: Vec<String> = v
            .actions
            .iter()
            .filter(|a| self.actions.get(*a).is_some_and(|d| d.target == TargetKind::Organisation))
            .cloned()
            .collect();
        for a in own {
            if !self.notified.contains(&a) && self.try_start(drill, v, &a, None, now) {
                self.notified.insert(a);
            }
        }
    }
}
