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
//!   - *Outages.* IT recovers root causes, not their dependants — except at a site that
//!     seems dark (several independent failures there seen down), where a system comes
//!     back only by its own failover, so each is failed over (else restarted) even while
//!     what it needs is still down. A single failed system is restarted, else failed over,
//!     else repaired, else restored from backup, trying the next only when the previous did
//!     not bring it back. Failed-over systems fail back once their home site serves again.
//!   - Every team accepts every request it can carry out, and the organisation's own
//!     actions (notifications, statements) are taken once an incident is confirmed: a
//!     system known compromised or encrypted, or an outage seen.
//!
//! **Decisions.** Every policy but nothing takes each decision waiting in a seat's view, at
//! its next glance, with the `Decide` command a person in that seat would use; a decision
//! addressed to another team is not in the seat's view and is never taken. A bot reads
//! what each choice declares it serves and risks (`Choice::serves`, `Choice::risks`) and
//! what it costs (its `Cost` consequences), never its id or label: a decision none of
//! whose choices declares a stake is left to its default. A choice scores the weights of
//! the stakes it serves minus those it risks; the best score wins, then the cheaper choice,
//! then the default, then the first listed. Safety weighs 4 under every policy. It-first
//! weighs uptime 3 and the rest 1; security-first containment 3 and the rest 1.
//! Coordinated weighs by what the seat knows: uptime 2 while it sees down a fifth of the
//! hourly cost of what it sees, else 1; containment 2 while it knows a system compromised,
//! else 1; compliance always 2. An action refused for want of a flag (a DR invocation not
//! yet decided) is tried again as soon as a decision is taken or an action that sets a
//! flag completes; other refusals wait an hour.
//!
//! Bots glance at their screens every five minutes, and act only when something they can
//! see changed (or a wait they set ran out), so that a policy costs little beside the
//! simulation.
//!
//! **Bots in empty seats.** A bot may play only some seats while people play the others
//! (`Bot::seats`, `Bot::set_seat`): it then reads only its own seats' views and the events
//! those seats were told of (their alerts, injects, findings, requests and their own
//! actions; never an alert only a people-played seat received), and submits only for them,
//! so it answers what people ask of its teams and asks them in turn, as a person in the
//! seat would. A seat handed to it mid-drill is read from the drill's start, as a person
//! taking the seat over reads its inbox. `Bot::step` acts at the drill's current tick, for loops that run the
//! clock while people play; `Bot::play` runs a drill to its end with every seat a bot's.

mod acting;
mod coordinated;
mod decisions;
mod inventory;
mod it_first;
mod memory;
mod recovery;
mod security_first;

use std::collections::{BTreeMap, BTreeSet};

use crate::drill::Drill;
use crate::model::{FindingSource, Seat};
use crate::scenario::{Minutes, Scenario, SystemState};
use crate::view::SeatView;

use inventory::Estate;
use memory::{Memory, Running};

/// A built-in response policy. Logs name it by its command-line name.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
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

    /// Why a bot of this policy declines a request, for the team that asked.
    pub fn decline_reason(self) -> String {
        match self {
            Policy::ItFirst => "it would take services down; we keep them up".to_owned(),
            _ => "declined".to_owned(),
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

/// A policy playing seats of one drill: every seat, or some while people play the others.
pub struct Bot {
    policy: Policy,
    estate: Estate,
    /// Per team, whether the bot plays its seat. It reads only the views of the seats it
    /// plays and submits only for them.
    plays: Vec<bool>,
    /// The drill time it last looked at, so a second call at the same tick does nothing.
    looked: Option<Minutes>,
    /// Each team's view as last read, and whether something it can see changed since.
    views: Vec<Option<std::sync::Arc<SeatView>>>,
    stale: Vec<bool>,
    /// Capacity taken this look by commands not yet in the view.
    taken: Vec<u32>,
    /// Per team, the events its seat has read so far (they stay where they were while
    /// people play the seat, so a seat handed back to the bot is caught up).
    read: Vec<usize>,
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
    /// Injects whose decision the bot has taken or left to its default.
    decided: BTreeSet<String>,
}

impl Bot {
    /// A bot for `policy` on `scenario`, playing every seat.
    pub fn new(policy: Policy, scenario: &Scenario) -> Self {
        let estate = Estate::new(scenario);
        let teams = estate.teams.len();
        let systems = estate.ids.len();
        Bot {
            policy,
            estate,
            plays: vec![true; teams],
            looked: None,
            views: vec![None; teams],
            stale: vec![true; teams],
            taken: vec![0; teams],
            read: vec![0; teams],
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
            decided: BTreeSet::new(),
        }
    }

    /// A bot for `policy` on `scenario` playing only the seats of these teams (ids); people
    /// play the others. Unknown ids are ignored.
    pub fn seats(policy: Policy, scenario: &Scenario, teams: &[&str]) -> Self {
        let mut bot = Bot::new(policy, scenario);
        for t in 0..bot.plays.len() {
            bot.plays[t] = teams.contains(&bot.estate.teams[t].id.as_str());
        }
        bot
    }

    /// The policy it plays by.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// Whether it plays the seat of the team with this id.
    pub fn plays(&self, team: &str) -> bool {
        self.estate.team_index.get(team).is_some_and(|&t| self.plays[t])
    }

    /// Whether it plays any seat at all.
    pub fn plays_any(&self) -> bool {
        self.plays.contains(&true)
    }

    /// Starts or stops playing a team's seat (a facilitator handing an empty seat to the
    /// bot, or taking it back for people). False for an unknown team.
    pub fn set_seat(&mut self, team: &str, play: bool) -> bool {
        let Some(&t) = self.estate.team_index.get(team) else { return false };
        self.plays[t] = play;
        if play {
            // Look at the new seat at the next glance, whether or not anything changed.
            self.stale[t] = true;
            self.wake_at(Minutes(0));
        } else {
            // What it saw there is no longer its to act on.
            self.views[t] = None;
        }
        true
    }

    /// Acts for its seats at the drill's current time, if it is time to glance at the
    /// screens (every five minutes) and it has not yet at this tick. A loop that runs the
    /// clock while people play calls it before every tick; commands it submits apply at
    /// the start of that tick, like people's.
    pub fn step(&mut self, drill: &mut Drill) {
        let now = drill.now();
        if self.policy == Policy::Nothing
            || drill.is_over()
            || !now.0.is_multiple_of(LOOK_EVERY)
            || self.looked == Some(now)
        {
            return;
        }
        self.looked = Some(now);
        self.look(drill, now);
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
            if self.plays[t] && (self.stale[t] || self.views[t].is_none()) {
                // Dropped first: the drill then updates the view it keeps in place.
                self.views[t] = None;
                self.views[t] = drill.seat_view(&self.estate.teams[t].id);
                self.stale[t] = false;
            }
            self.taken[t] = 0;
        }
        if self.policy != Policy::Nothing {
            for t in 0..self.estate.teams.len() {
                if self.plays[t] {
                    self.decide(drill, t);
                }
            }
        }
        match self.policy {
            Policy::Nothing => {}
            Policy::ItFirst => self.it_first(drill, now),
            Policy::SecurityFirst => self.security_first(drill, now),
            Policy::Coordinated => self.coordinated(drill, now),
        }
    }

    fn wake_at(&mut self, t: Minutes) {
        self.wake.insert(t);
    }

    /// The seat of team `t`, if the bot plays it: every command it sends goes through here,
    /// so it never acts for a seat people hold.
    fn seat(&self, t: usize) -> Option<Seat> {
        self.plays[t].then(|| Seat::Team(self.estate.teams[t].id.clone()))
    }

    fn view(&self, team: usize) -> Option<&SeatView> {
        self.views[team].as_deref()
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
}
