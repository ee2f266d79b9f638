//! The built-in response policies `tabletop balance` compares. Each is a bot that reads the
//! seats' views — never the truth — and submits commands, exactly as people in those seats
//! could. Their rules are short on purpose, so a scenario author can read what they do.
//!
//! What every bot reads: each seat's view (states seen, findings, running actions,
//! requests, inbox) and the alerts and injects in it. An alert names a system and an
//! ATT&CK technique. An inject that names a system by its host name (an id with a digit or
//! a hyphen, such as `ws-it01`, standing as a word in the title or text) is a report about
//! that system and counts as two alerts on it. Every team does the part of a policy its
//! own actions allow; an action is chosen by what it does (its effects), never by its id,
//! so scenario-defined actions (a "remediate account" that evicts, a "rebuild on a
//! known-good release" that evicts and patches) are used like the built-in ones.
//!
//! - **nothing**: no team acts.
//! - **it-first** (keep services up: restore fast, isolate late): IT brings back whatever
//!   it sees down as soon as it can — reconnects what is isolated, restores what is
//!   encrypted or destroyed, fails over, repairs or restores what is down, fails back once
//!   home is up — and declines requests to isolate, shut down or rebuild. Security
//!   investigates the systems that alert, most alerted first, and contains nothing.
//! - **security-first** (isolate early and wide): every system that alerts is isolated at
//!   once and its C2 blocked, and every credential issuer is reset at each new alert; a
//!   team that may not isolate or reset asks one that may. IT accepts every request and
//!   brings back only what nobody isolated.
//! - **coordinated** (isolate what is confirmed, preserve evidence, restore after
//!   eviction):
//!   - *Triage.* Security works the systems that alert: repeated alerts first, then
//!     suspects, then where evidence waits to be read, then the most valuable. A system
//!     that alerted twice (or is suspected) gets its evidence collected and an
//!     investigation beside it, which reads the evidence when it completes; a single
//!     alert gets an investigation only while another slot stays free, and gives way to
//!     what repeats. Alerts that arrive after an investigation started and found nothing
//!     bring another one.
//!   - *No-downtime measures on an alert alone.* An alert that names credential theft
//!     (an ATT&CK credential-access technique) has every credential issuer reset; one that
//!     names command and control, collection or exfiltration has that system's C2
//!     blocked (an investigation that has just started gives way).
//!   - *Containment*, as soon as a team knows a system is compromised (its own
//!     investigation, a shared finding, or seeing it encrypted): the finding is shared, C2
//!     blocked, every credential issuer reset (again after each new confirmation, by
//!     whichever team has room), evidence collected if it is not yet, and the system
//!     isolated — unless isolating it would take down more than a fifth of the estate's
//!     hourly cost (a domain controller, a database everything needs), in which case it
//!     is cut off only for a rebuild that requires it. The issuers it trusts and the
//!     systems beside it (same zone) that depend on it become suspects.
//!   - *Eviction and recovery.* Once its evidence is kept (or cannot be, or nobody came
//!     for it within the hour), the system is rebuilt, preferring a rebuild that also
//!     patches; only then is it restored from backup and reconnected. Nothing known
//!     compromised is restored or reconnected before it is rebuilt.
//!   - *Outages.* IT recovers root causes, not their dependants: a system whose site
//!     seems down (several independent failures there) is failed over if it can be; a
//!     single failed system is failed over, else repaired, else restored from backup,
//!     trying the next only when the previous did not bring it back. Failed-over systems
//!     fail back once their home site serves again.
//!   - Every team accepts every request it can carry out, and the organisation's own
//!     actions (notifications, statements) are taken once an incident is confirmed: a
//!     system known compromised or encrypted, or an outage seen.
//!
//! Decisions in injects are left to their defaults under every policy: a bot cannot read
//! what a choice means. Bots glance at their screens every five minutes, and act only when
//! something they can see changed (or a wait they set ran out), so that a policy costs
//! little beside the simulation.

use std::collections::{BTreeMap, BTreeSet};

use crate::drill::Drill;
use crate::model::{Command, Compiled, Event, FindingSource, Rejection, Seat, SysIx};
use crate::scenario::{
    ActionDef, ActionEffect, Minutes, Requirement, Scenario, SystemKind, SystemState, TargetKind,
    resolve_actions, technique,
};
use crate::sim::{available, blast_radius};
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
const RETRY_AFTER: u32 = 60;
/// How long a rebuild waits for evidence that nobody is collecting.
const EVIDENCE_WAIT: u32 = 60;
/// Isolating a confirmed system is worth it unless it takes down more than this share of
/// the estate's hourly cost.
const BLAST_LIMIT: f64 = 0.2;
/// What suspicion weighs in triage, in alerts: a system a confirmed compromise trusts, or
/// that depends on it beside it, comes before a system that alerted twice.
const SUSPECT: usize = 3;
/// How long after an outage's recovery action completes before the next one is tried.
const SETTLE: u32 = 15;

/// What a policy wants done, whatever the scenario calls the action that does it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Need {
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
}

impl Need {
    fn effect(self) -> ActionEffect {
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
        }
    }
}

/// What every team knows of its estate before the drill starts (the asset inventory), and
/// of the actions it may take.
struct Estate {
    ids: Vec<String>,
    index: BTreeMap<String, usize>,
    kind: Vec<SystemKind>,
    zone: Vec<usize>,
    site: Vec<usize>,
    criticality: Vec<u64>,
    depends_on: Vec<Vec<usize>>,
    replicated: Vec<bool>,
    backups: Vec<bool>,
    /// Hourly cost of what isolating the system takes down (itself, what needs it, what
    /// reaches its dependencies through it).
    blast: Vec<u64>,
    total: u64,
    /// Systems whose reset voids some credential.
    issuers: Vec<usize>,
    actions: Vec<ActionDef>,
    action_index: BTreeMap<String, usize>,
    /// Per inject: the systems its title or text names by host name.
    named: BTreeMap<String, Vec<usize>>,
    teams: Vec<TeamInfo>,
    team_index: BTreeMap<String, usize>,
}

struct TeamInfo {
    id: String,
    alerts: bool,
    /// Per action of the catalogue: may the team take it.
    may: Vec<bool>,
    /// Per system: its position in the team's view, if the team sees it.
    pos: Vec<Option<usize>>,
    /// Organisation-wide actions the team may take.
    organisation: Vec<usize>,
}

impl Estate {
    fn new(scenario: &Scenario) -> Self {
        let e = &scenario.estate;
        let ids: Vec<String> = e.systems.iter().map(|s| s.id.clone()).collect();
        let index: BTreeMap<String, usize> =
            ids.iter().enumerate().map(|(i, id)| (id.clone(), i)).collect();
        let zone_index: BTreeMap<&str, usize> =
            e.zones.iter().enumerate().map(|(i, z)| (z.id.as_str(), i)).collect();
        let site_index: BTreeMap<&str, usize> =
            e.sites.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
        let zone_of: Vec<usize> = e
            .systems
            .iter()
            .map(|s| zone_index.get(s.zone.as_str()).copied().unwrap_or(0))
            .collect();
        let site = zone_of
            .iter()
            .map(|&z| {
                e.zones.get(z).and_then(|z| site_index.get(z.site.as_str()).copied()).unwrap_or(0)
            })
            .collect();
        let depends_on: Vec<Vec<usize>> = e
            .systems
            .iter()
            .map(|s| s.depends_on.iter().filter_map(|d| index.get(d).copied()).collect())
            .collect();
        let criticality: Vec<u64> = e.systems.iter().map(|s| s.criticality).collect();
        // What isolating each system would cost an hour, by the engine's own rule.
        let compiled = Compiled::new(std::sync::Arc::new(scenario.clone()));
        let blast = (0..ids.len())
            .map(|s| {
                blast_radius(&compiled, s as SysIx)
                    .iter()
                    .map(|&x| criticality[x as usize])
                    .fold(0u64, u64::saturating_add)
            })
            .collect();
        let issuers: BTreeSet<usize> =
            e.credentials.iter().filter_map(|c| index.get(&c.issuer).copied()).collect();
        let actions = resolve_actions(scenario);
        let action_index = actions.iter().enumerate().map(|(i, a)| (a.id.clone(), i)).collect();
        let teams: Vec<TeamInfo> = scenario
            .teams
            .iter()
            .map(|t| {
                let may: Vec<bool> = actions.iter().map(|a| t.actions.contains(&a.id)).collect();
                let sees = |z: usize| {
                    t.visibility.zones.is_empty()
                        || e.zones.get(z).is_some_and(|z| t.visibility.zones.contains(&z.id))
                };
                let mut next = 0;
                let pos = zone_of
                    .iter()
                    .map(|&z| {
                        sees(z).then(|| {
                            next += 1;
                            next - 1
                        })
                    })
                    .collect();
                let organisation = actions
                    .iter()
                    .enumerate()
                    .filter(|(i, a)| may[*i] && a.target == TargetKind::Organisation)
                    .map(|(i, _)| i)
                    .collect();
                TeamInfo { id: t.id.clone(), alerts: t.visibility.alerts, may, pos, organisation }
            })
            .collect();
        let team_index = teams.iter().enumerate().map(|(i, t)| (t.id.clone(), i)).collect();
        let named = scenario
            .injects
            .iter()
            .map(|i| (i.id.clone(), names(&format!("{} {}", i.title, i.text), &ids)))
            .collect();
        Estate {
            named,
            zone: zone_of.clone(),
            kind: e.systems.iter().map(|s| s.kind).collect(),
            replicated: e.systems.iter().map(|s| s.replication.is_some()).collect(),
            backups: e.systems.iter().map(|s| !s.backups.is_empty()).collect(),
            total: criticality.iter().sum(),
            ids,
            index,
            site,
            criticality,
            depends_on,
            blast,
            issuers: issuers.into_iter().collect(),
            actions,
            action_index,
            teams,
            team_index,
        }
    }

    /// The team's best action for a need on a system: one that has the effect and applies
    /// to the system's kind; for a rebuild, one that also patches; then the one with the
    /// fewest other effects, then the quickest.
    fn pick(&self, team: usize, need: Need, system: usize) -> Option<usize> {
        let effect = need.effect();
        let kind = self.kind[system];
        self.actions
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                self.teams[team].may[*i]
                    && a.target == TargetKind::System
                    && a.effects.contains(&effect)
                    && (a.applies_to.is_empty() || a.applies_to.contains(&kind))
            })
            .min_by_key(|(_, a)| {
                let patches = need == Need::Evict && a.effects.contains(&ActionEffect::Patch);
                (!patches, a.effects.len(), a.duration, a.id.clone())
            })
            .map(|(i, _)| i)
    }

    /// Any team that may act on the need for this system.
    fn anyone(&self, need: Need, system: usize) -> bool {
        (0..self.teams.len()).any(|t| self.pick(t, need, system).is_some())
    }

    fn requires(&self, action: usize, r: &Requirement) -> bool {
        self.actions[action].requires.contains(r)
    }
}

/// The systems a message names by host name: an id with a digit or a hyphen in it
/// (`ws-it01`, `dc01`), standing as a word of its own. Ids that are plain words (`payroll`)
/// are left out: in prose they mean the thing, not the host.
fn names(text: &str, ids: &[String]) -> Vec<usize> {
    let part = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let words: BTreeSet<&str> =
        text.split(|c: char| !part(c) && c != '.').map(|w| w.trim_end_matches('.')).collect();
    ids.iter()
        .enumerate()
        .filter(|(_, id)| id.chars().any(|c| c.is_ascii_digit() || c == '-'))
        .filter(|(_, id)| words.contains(id.as_str()))
        .map(|(i, _)| i)
        .collect()
}

/// The ATT&CK tactics of the technique an alert matched.
fn tactics(id: &str) -> &'static [&'static str] {
    technique(id).map_or(&[], |t| t.tactics.as_slice())
}

/// Whether a system's evidence is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Evidence {
    #[default]
    Untouched,
    Collected,
    Gone,
}

/// What the bots remember of one system: what their teams did to it and saw of it.
#[derive(Debug, Clone, Default)]
struct Memory {
    /// When alerts about it arrived (at any team that receives alerts).
    alerts: Vec<Minutes>,
    /// An alert named command and control, collection or exfiltration through it.
    c2_alert: bool,
    /// Under suspicion since: a system that trusts it was confirmed compromised.
    suspect: Option<Minutes>,
    /// When the last completed investigation of it started: alerts since are unexplained.
    investigated: Option<Minutes>,
    evidence: Evidence,
    isolated: bool,
    failed_over: bool,
    c2_blocked: bool,
    /// When its last rebuild completed.
    evicted: Option<Minutes>,
    /// When a finding about it was last shared.
    shared: Option<Minutes>,
    /// Recovery actions tried on it in the current outage, and when the last completed.
    recovery: Vec<Need>,
    recovered_at: Option<Minutes>,
}

/// An action of ours in progress.
#[derive(Debug, Clone)]
struct Running {
    team: usize,
    action: usize,
    target: Option<usize>,
    started: Minutes,
    /// An investigation of a single alert, which gives way to more urgent work.
    light: bool,
}

/// A policy playing every seat of one drill.
pub struct Bot {
    policy: Policy,
    estate: Estate,
    /// Each team's view as last read, and whether something it can see changed since.
    views: Vec<Option<SeatView>>,
    stale: Vec<bool>,
    /// Capacity taken this look by commands not yet in the view.
    taken: Vec<u32>,
    /// Events read so far.
    cursor: usize,
    /// Times a bot wants to look at even if nothing changes.
    wake: BTreeSet<Minutes>,
    memory: Vec<Memory>,
    running: BTreeMap<u64, Running>,
    /// (team, action, target) refused: not again before the given time.
    refused: BTreeMap<(usize, usize, Option<usize>), Minutes>,
    /// Requests sent: (team, action, target) → not again before the given time.
    asked: BTreeMap<(usize, usize, usize), Minutes>,
    /// Per credential issuer: when its credentials were last reset (or a reset started).
    reset: BTreeMap<usize, Minutes>,
    /// Organisation actions taken.
    done: BTreeSet<usize>,
    /// An incident is confirmed.
    incident: bool,
    /// When the security-first teams last reset every issuer, and the alerts seen then.
    alerts_seen: usize,
    /// When an alert last named a credential-theft technique.
    credential_alert: Option<Minutes>,
}

impl Bot {
    /// A bot for `policy` on `scenario`.
    pub fn new(policy: Policy, scenario: &Scenario) -> Self {
        let estate = Estate::new(scenario);
        let teams = estate.teams.len();
        let systems = estate.ids.len();
        Bot {
            policy,
            estate,
            views: vec![None; teams],
            stale: vec![true; teams],
            taken: vec![0; teams],
            cursor: 0,
            wake: BTreeSet::new(),
            memory: vec![Memory::default(); systems],
            running: BTreeMap::new(),
            refused: BTreeMap::new(),
            asked: BTreeMap::new(),
            reset: BTreeMap::new(),
            done: BTreeSet::new(),
            incident: false,
            alerts_seen: 0,
            credential_alert: None,
        }
    }

    /// Plays the drill to its end.
    pub fn play(&mut self, drill: &mut Drill) {
        if self.policy == Policy::Nothing {
            drill.run_to_end();
            return;
        }
        while !drill.is_over() {
            let now = drill.now();
            if now.0.is_multiple_of(LOOK_EVERY) {
                self.look(drill, now);
            }
            drill.advance(LOOK_EVERY - now.0 % LOOK_EVERY);
        }
    }

    /// Reads what the teams could see change since the last look; looks again at the views
    /// that changed and decides, if anything did or a wait ran out.
    fn look(&mut self, drill: &mut Drill, now: Minutes) {
        let due = self.wake.first().is_some_and(|w| *w <= now);
        self.wake.retain(|w| *w > now);
        let changed = self.read_events(drill);
        if !changed && !due {
            return;
        }
        for t in 0..self.estate.teams.len() {
            if self.stale[t] || self.views[t].is_none() {
                self.views[t] = drill.view(&self.estate.teams[t].id);
                self.stale[t] = false;
            }
            self.taken[t] = 0;
        }
        match self.policy {
            Policy::Nothing => {}
            Policy::ItFirst => self.it_first(drill, now),
            Policy::SecurityFirst => self.security_first(drill, now),
            Policy::Coordinated => self.coordinated(drill, now),
        }
    }

    /// Takes in the events a seat sees about itself (its alerts, observations, findings,
    /// injects, requests and its own actions); the truth's other events are skipped.
    /// Returns whether any team's view changed.
    fn read_events(&mut self, drill: &Drill) -> bool {
        let events = drill.events_since(self.cursor);
        self.cursor += events.len();
        let mut changed = false;
        let team = |id: &str| self.estate.team_index.get(id).copied();
        let mut stale = vec![false; self.estate.teams.len()];
        let mut all = false;
        let mut ended: Vec<(Running, Minutes, bool)> = Vec::new();
        for e in events {
            match &e.event {
                Event::Alert { team: t, system, technique, .. } => {
                    if let Some(t) = team(t) {
                        stale[t] = true;
                        // Every team that receives alerts gets the same ones: count each once.
                        if self.estate.teams.iter().position(|x| x.alerts) == Some(t)
                            && let Some(&s) = self.estate.index.get(system)
                        {
                            let m = &mut self.memory[s];
                            m.alerts.push(e.at);
                            let tactics = tactics(technique);
                            if tactics.contains(&"credential-access") {
                                self.credential_alert = Some(e.at);
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
                    if let Some(t) = team(t) {
                        stale[t] = true;
                    }
                }
                Event::InjectDelivered { inject, teams } => {
                    for t in teams {
                        if let Some(t) = team(t) {
                            stale[t] = true;
                        }
                    }
                    // A report that names a system counts as two alerts on it.
                    for &s in self.estate.named.get(inject).into_iter().flatten() {
                        self.memory[s].alerts.extend([e.at, e.at]);
                    }
                }
                Event::ActionStarted { id, team: t, action, target, .. } => {
                    if let (Some(t), Some(&a)) = (team(t), self.estate.action_index.get(action)) {
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
                    if let Some(t) = team(t) {
                        stale[t] = true;
                    }
                    if let Some(r) = self.running.remove(id) {
                        ended.push((r, e.at, true));
                    }
                }
                Event::ActionFailed { id, team: t, .. } => {
                    if let Some(t) = team(t) {
                        stale[t] = true;
                    }
                    if let Some(r) = self.running.remove(id) {
                        ended.push((r, e.at, false));
                    }
                }
                Event::ActionCancelled { id, team: t } => {
                    if let Some(t) = team(t) {
                        stale[t] = true;
                    }
                    self.running.remove(id);
                }
                Event::RequestSent { from, to, .. } => {
                    for t in [from, to] {
                        if let Some(t) = team(t) {
                            stale[t] = true;
                        }
                    }
                }
                Event::RequestAnswered { .. }
                | Event::RequestExpired { .. }
                | Event::DecisionTaken { .. }
                | Event::FlagSet { .. } => all = true,
                _ => {}
            }
        }
        for (r, at, ok) in ended {
            if ok {
                self.completed(&r, at);
            } else {
                self.failed(&r, at);
            }
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
                }
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
            self.wake_at(Minutes(at.0 + SETTLE));
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

    fn wake_at(&mut self, t: Minutes) {
        self.wake.insert(t);
    }

    fn view(&self, team: usize) -> Option<&SeatView> {
        self.views[team].as_ref()
    }

    /// The state the team last saw the system in.
    fn sees(&self, team: usize, s: usize) -> Option<SystemState> {
        let pos = self.estate.teams[team].pos[s]?;
        self.view(team)?.systems.get(pos)?.state.map(|(st, _)| st)
    }

    /// When the team came to believe the system compromised, if it does and the belief is
    /// newer than the system's last rebuild (seeing it encrypted counts), and whether it
    /// found out itself rather than being told.
    fn knows_compromised(&self, team: usize, s: usize) -> Option<(Minutes, bool)> {
        let pos = self.estate.teams[team].pos[s]?;
        let k = self.view(team)?.systems.get(pos)?;
        let evicted = self.memory[s].evicted;
        let after = |at: Minutes| evicted.is_none_or(|e| at > e);
        match (k.compromise, k.state) {
            (Some((true, at, source)), _) if after(at) => {
                Some((at, source != FindingSource::Shared))
            }
            (_, Some((SystemState::Encrypted, at))) if after(at) => Some((at, true)),
            _ => None,
        }
    }

    /// Whether an action with this effect is running on the system (any team).
    fn busy_with(&self, need: Need, s: usize) -> bool {
        let effect = need.effect();
        self.running
            .values()
            .any(|r| r.target == Some(s) && self.estate.actions[r.action].effects.contains(&effect))
    }

    fn free(&self, team: usize) -> u32 {
        self.view(team).map_or(0, |v| v.capacity.saturating_sub(v.busy + self.taken[team]))
    }

    /// Whether the requirements of an action on a system hold, as far as the bots know;
    /// what they cannot know (flags, backups deleted) the engine tells them by refusing.
    fn plausible(&self, team: usize, action: usize, s: usize) -> bool {
        let m = &self.memory[s];
        let state = self.sees(team, s);
        let isolated = m.isolated || state == Some(SystemState::Isolated);
        self.estate.actions[action].requires.iter().all(|r| match r {
            Requirement::Isolated => isolated,
            Requirement::NotIsolated => !isolated,
            Requirement::PoweredOn => true,
            Requirement::PoweredOff => false,
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
    fn start(
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
    fn submit(
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
        let seat = Seat::Team(self.estate.teams[team].id.clone());
        match drill.submit(&seat, command) {
            Ok(id) => {
                self.taken[team] += def.capacity;
                self.running
                    .insert(id, Running { team, action, target, started: now, light: false });
                true
            }
            Err(Rejection::NoCapacity { .. }) => false,
            Err(_) => {
                let until = Minutes(now.0 + RETRY_AFTER);
                self.refused.insert(key, until);
                self.wake_at(until);
                false
            }
        }
    }

    /// Does it itself if it may, or asks a team that may (once an hour).
    fn do_or_ask(
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
        self.asked.insert(key, Minutes(now.0 + RETRY_AFTER));
        self.wake_at(Minutes(now.0 + RETRY_AFTER));
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
        drill.submit(&Seat::Team(from.id.clone()), command).is_ok()
    }

    /// Answers the team's open requests: accepted when there is room, unless `decline`
    /// says no; a request the team cannot carry out is declined.
    fn answer(&mut self, drill: &mut Drill, team: usize, decline: &dyn Fn(&ActionDef) -> bool) {
        let Some(v) = self.view(team) else { return };
        let requests: Vec<(u64, Option<usize>)> = v
            .requests_in
            .iter()
            .map(|r| (r.id, self.estate.action_index.get(&r.action).copied()))
            .collect();
        let seat = Seat::Team(self.estate.teams[team].id.clone());
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

    /// Systems that alerted, most alerts first, then the most valuable, then the latest;
    /// with how many alerts arrived after `since` gives for each.
    fn triage(&self, since: &dyn Fn(usize) -> Option<Minutes>) -> Vec<(usize, usize)> {
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

    // ------------------------------------------------------------------------ it-first

    fn it_first(&mut self, drill: &mut Drill, now: Minutes) {
        for t in 0..self.estate.teams.len() {
            let blocks_service = |d: &ActionDef| {
                d.effects.iter().any(|e| {
                    matches!(
                        e,
                        ActionEffect::Isolate | ActionEffect::PowerOff | ActionEffect::Reimage
                    )
                })
            };
            self.answer(drill, t, &blocks_service);
            if self.estate.teams[t].alerts {
                // Investigate what alerts, once per new alert; contain nothing.
                let leads = self.triage(&|s| self.memory[s].investigated);
                for (s, _) in leads {
                    if !self.busy_with(Need::Investigate, s) {
                        self.start(drill, now, t, Need::Investigate, s);
                    }
                }
            }
            self.recover(drill, now, t, &|_, _| true);
            self.fail_back(drill, now, t);
        }
    }

    // ------------------------------------------------------------------ security-first

    fn security_first(&mut self, drill: &mut Drill, now: Minutes) {
        for t in 0..self.estate.teams.len() {
            self.answer(drill, t, &|_| false);
            if self.estate.teams[t].alerts {
                let alerted: Vec<usize> =
                    self.triage(&|_| None).into_iter().map(|(s, _)| s).collect();
                let count: usize = self.memory.iter().map(|m| m.alerts.len()).sum();
                if count > self.alerts_seen {
                    // Every new alert: reset every issuer (or ask who may).
                    self.alerts_seen = count;
                    for i in self.estate.issuers.clone() {
                        if !self.busy_with(Need::Reset, i) {
                            self.do_or_ask(drill, now, t, Need::Reset, i);
                        }
                    }
                }
                for s in alerted {
                    if !self.memory[s].c2_blocked {
                        self.start(drill, now, t, Need::BlockC2, s);
                    }
                    if !self.memory[s].isolated && self.sees(t, s) != Some(SystemState::Isolated) {
                        self.do_or_ask(drill, now, t, Need::Isolate, s);
                    }
                }
            }
            // What nobody isolated comes back; the isolated stay cut off.
            self.recover(drill, now, t, &|bot, s| !bot.memory[s].isolated);
        }
    }

    // --------------------------------------------------------------------- coordinated

    fn coordinated(&mut self, drill: &mut Drill, now: Minutes) {
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
                || (!self.busy_with(Need::Evidence, s) && now.0 >= at.0 + EVIDENCE_WAIT);
            if !settled {
                if now.0 < at.0 + EVIDENCE_WAIT {
                    self.wake_at(Minutes(at.0 + EVIDENCE_WAIT));
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
        let kept = now.0 + self.estate.actions[evidence].duration.0;
        let early = self.running.iter().find(|(_, r)| {
            r.team == t
                && r.target == Some(s)
                && self.estate.actions[r.action].effects.contains(&ActionEffect::Investigate)
                && r.started.0 + self.estate.actions[r.action].duration.0 < kept
        });
        if let Some((&id, _)) = early {
            let seat = Seat::Team(self.estate.teams[t].id.clone());
            if drill.submit(&seat, Command::Cancel { action: id }).is_ok() {
                self.running.remove(&id);
            }
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
        let fresh = mine.clone().next().filter(|(_, r)| urgent && now.0 < r.started.0 + 20);
        let Some((&id, _)) = light.or(fresh) else {
            return;
        };
        let seat = Seat::Team(self.estate.teams[t].id.clone());
        if drill.submit(&seat, Command::Cancel { action: id }).is_ok() {
            self.running.remove(&id);
        }
    }

    /// Brings back what the team sees down: only root causes (a system down because what it
    /// needs is down comes back with it), only those `allowed` lets it touch; rebuilt
    /// systems are reconnected and restored.
    fn recover(
        &mut self,
        drill: &mut Drill,
        now: Minutes,
        t: usize,
        allowed: &dyn Fn(&Bot, usize) -> bool,
    ) {
        if self.view(t).is_none() {
            return;
        }
        let n = self.estate.ids.len();
        let seen: Vec<Option<SystemState>> = (0..n).map(|s| self.sees(t, s)).collect();
        let up = |st: Option<SystemState>| st.is_none_or(available);
        for s in 0..n {
            let state = seen[s];
            if up(state) {
                if state.is_some() && !self.memory[s].recovery.is_empty() {
                    self.memory[s].recovery.clear();
                }
                continue;
            }
            let evicted = self.memory[s].evicted.is_some();
            let coordinated = self.policy == Policy::Coordinated;
            match state {
                Some(SystemState::Isolated) => {
                    let ours = coordinated && evicted && self.memory[s].isolated;
                    if ours || self.policy == Policy::ItFirst {
                        self.start(drill, now, t, Need::Reconnect, s);
                    }
                    continue;
                }
                _ if !allowed(self, s) => continue,
                // Encrypted means compromised: rebuilt first (contain), restored after.
                Some(SystemState::Encrypted)
                    if coordinated && self.estate.anyone(Need::Evict, s) =>
                {
                    continue;
                }
                Some(SystemState::Down)
                    if self.estate.depends_on[s].iter().any(|&d| !up(seen[d])) =>
                {
                    continue;
                }
                _ => {}
            }
            // One recovery at a time, and time for it to show before the next.
            let recovering = [Need::Restore, Need::FailOver, Need::Repair]
                .into_iter()
                .any(|need| self.busy_with(need, s));
            let settling = self.memory[s].recovered_at.is_some_and(|r| now.0 < r.0 + SETTLE);
            if recovering || settling {
                continue;
            }
            // Several independent failures at one site: the site is down.
            let site = self.estate.site[s];
            let site_down = (0..n)
                .filter(|&o| {
                    o != s
                        && self.estate.site[o] == site
                        && !up(seen[o])
                        && self.estate.depends_on[o].iter().all(|&d| up(seen[d]))
                })
                .count()
                >= 2;
            let order: &[Need] = match state {
                Some(SystemState::Encrypted | SystemState::Destroyed) => {
                    &[Need::Restore, Need::FailOver]
                }
                _ if site_down => &[Need::FailOver],
                _ => &[Need::FailOver, Need::Repair, Need::Restore],
            };
            for &need in order {
                if self.memory[s].recovery.contains(&need) {
                    continue;
                }
                if self.start(drill, now, t, need, s) {
                    self.memory[s].recovery.push(need);
                    break;
                }
            }
        }
    }

    /// Moves failed-over systems home once their home site serves again (another system
    /// there is seen online).
    fn fail_back(&mut self, drill: &mut Drill, now: Minutes, t: usize) {
        let n = self.estate.ids.len();
        for s in 0..n {
            if !self.memory[s].failed_over || self.busy_with(Need::FailBack, s) {
                continue;
            }
            let site = self.estate.site[s];
            let home_up = (0..n).any(|o| {
                o != s
                    && self.estate.site[o] == site
                    && !self.memory[o].failed_over
                    && self.sees(t, o) == Some(SystemState::Online)
            });
            if home_up {
                self.start(drill, now, t, Need::FailBack, s);
            }
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
