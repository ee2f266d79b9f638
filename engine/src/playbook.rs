//! Playbooks: scripted team responses, so a drill can be played headless. A playbook is a
//! RON list of steps; each step is a command a seat gives at a time, once what the team
//! knows satisfies a condition. Conditions read the team's own view, never the truth, so a
//! playbook plays exactly as people in that seat could.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::drill::Drill;
use crate::model::{Command, Event, Player, Seat};
use crate::scenario::load::{RonFile, parse_ron};
use crate::scenario::locate::{Seg, SpanTree};
use crate::scenario::validate::closest;
use crate::scenario::{
    Diagnostic, Diagnostics, Minutes, Scenario, Severity, SystemState, diagnostic::locate_span,
    resolve_actions,
};
use crate::view::SeatView;

/// The playbook format version this build reads.
pub const PLAYBOOK_FORMAT: u32 = 1;

/// A scripted response to one scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    /// Format version; this build reads [`PLAYBOOK_FORMAT`].
    pub format: u32,
    /// The `meta.id` of the scenario it plays.
    pub scenario: String,
    /// What it does, for people.
    #[serde(default)]
    pub description: String,
    /// The steps, each taken once.
    pub steps: Vec<Step>,
}

/// One scripted command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The team that acts (its seat), or `facilitator`.
    pub team: String,
    /// Not before this drill time.
    #[serde(default)]
    pub at: Minutes,
    /// Not before this holds in the team's view.
    #[serde(default)]
    pub when: Option<When>,
    /// What the team does. A refused command is tried again on later ticks while its
    /// condition holds (the team waits for free capacity), until the drill ends.
    pub command: PlayCommand,
}

/// A condition on what the acting team knows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum When {
    /// The team believes the system compromised.
    KnowsCompromised(String),
    /// The team suspects the system: an investigation elsewhere pointed at it.
    Suspected(String),
    /// The team has received an alert about the system.
    Alerted(String),
    /// The team last saw the system in this state.
    Sees {
        /// System id.
        system: String,
        /// State.
        state: SystemState,
    },
    /// The team has received the inject.
    Received(String),
    /// A request to the team is open.
    RequestOpen,
    /// Every condition holds.
    All(Vec<When>),
    /// Any condition holds.
    Any(Vec<When>),
    /// The condition does not hold.
    Not(Box<When>),
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum PlayCommand {
    /// Start an action.
    Start {
        /// Action id.
        action: String,
        /// Target id.
        #[serde(default)]
        target: Option<String>,
    },
    /// Ask another team to act.
    Request {
        /// Team asked.
        to: String,
        /// Action id.
        action: String,
        /// Target id.
        #[serde(default)]
        target: Option<String>,
        /// Why.
        #[serde(default)]
        note: String,
        /// Ask `to` to approve that the team takes the action itself, as the rules of
        /// engagement want (default false: ask `to` to take it).
        #[serde(default)]
        approval: bool,
    },
    /// Accept every open request addressed to the team.
    AcceptRequests,
    /// Decline every open request addressed to the team.
    DeclineRequests,
    /// Answer a decision.
    Decide {
        /// Inject id.
        inject: String,
        /// Choice id.
        choice: String,
    },
    /// Facilitator: a note for the record.
    Note(String),
}

impl When {
    fn holds(&self, v: &SeatView) -> bool {
        match self {
            When::KnowsCompromised(id) => {
                v.systems.iter().any(|s| &s.id == id && matches!(s.compromise, Some((true, _, _))))
            }
            When::Suspected(id) => v.systems.iter().any(|s| &s.id == id && s.suspected.is_some()),
            When::Alerted(id) => v.inbox.iter().any(
                |i| matches!(i, crate::model::InboxItem::Alert { system, .. } if system == id),
            ),
            When::Sees { system, state } => {
                v.systems.iter().any(|s| &s.id == system && s.state.map(|(x, _)| x) == Some(*state))
            }
            When::Received(inject) => v
                .inbox
                .iter()
                .any(|i| matches!(i, crate::model::InboxItem::Inject { id, .. } if id == inject)),
            When::RequestOpen => !v.requests_in.is_empty(),
            When::All(w) => w.iter().all(|w| w.holds(v)),
            When::Any(w) => w.iter().any(|w| w.holds(v)),
            When::Not(w) => !w.holds(v),
        }
    }
}

/// Whether a file's text is a playbook (its first value is `Playbook(...)`) rather than a
/// scenario, and if so the scenario id it names, read leniently so that a playbook with
/// other problems still says which scenario to check it against.
pub fn names_scenario(bytes: &[u8]) -> Option<Option<String>> {
    let text = String::from_utf8_lossy(bytes);
    let first = text
        .lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with("#!"))?;
    if !first.starts_with("Playbook") {
        return None;
    }
    /// Only the field that names the scenario.
    #[derive(Deserialize)]
    #[serde(rename = "Playbook")]
    struct Head {
        scenario: String,
    }
    Some(ron::from_str::<Head>(&text).ok().map(|h| h.scenario))
}

/// Reads and checks a playbook against the scenario it plays.
pub fn load_playbook(
    name: &str,
    bytes: &[u8],
    scenario: &Scenario,
) -> Result<Playbook, Diagnostics> {
    let what = RonFile {
        kind: "playbook",
        start: "Playbook(format: 1, scenario: \"...\", steps: [...])",
        doc: "docs/playbook-format.md",
    };
    let (playbook, text) = parse_ron::<Playbook>(name, bytes, &what)?;
    let items = validate(&playbook, scenario, &text);
    if items.iter().any(|d| d.severity == Severity::Error) {
        return Err(Diagnostics { file: name.to_owned(), source: text, items });
    }
    Ok(playbook)
}

fn validate(p: &Playbook, s: &Scenario, text: &str) -> Vec<Diagnostic> {
    let tree = SpanTree::new(text);
    let mut out = Vec::new();
    let mut push = |path: Vec<Seg>, message: String, help: Option<String>| {
        let location = tree.span(&path).map(|span| locate_span(text, span));
        out.push(Diagnostic {
            severity: Severity::Error,
            code: "playbook",
            message,
            location,
            help,
        });
    };
    if p.format != PLAYBOOK_FORMAT {
        push(
            vec![Seg::Field("format")],
            format!("playbook format {} is not one this tabletop reads", p.format),
            Some(format!("this build reads format {PLAYBOOK_FORMAT}")),
        );
    }
    if p.scenario != s.meta.id {
        push(
            vec![Seg::Field("scenario")],
            format!("this playbook is for scenario `{}`, not `{}`", p.scenario, s.meta.id),
            None,
        );
    }
    let teams: BTreeSet<&str> = s.teams.iter().map(|t| t.id.as_str()).collect();
    let systems: BTreeSet<&str> = s.estate.systems.iter().map(|x| x.id.as_str()).collect();
    let targets: BTreeSet<&str> = systems
        .iter()
        .copied()
        .chain(s.estate.zones.iter().map(|z| z.id.as_str()))
        .chain(s.estate.credentials.iter().map(|c| c.id.as_str()))
        .collect();
    let actions: Vec<String> = resolve_actions(s).into_iter().map(|a| a.id).collect();
    let injects: BTreeSet<&str> = s.injects.iter().map(|i| i.id.as_str()).collect();
    let unknown = |what: &str, id: &str, known: &mut dyn Iterator<Item = &str>| {
        let help = closest(id, known).map(|b| format!("did you mean `{b}`?"));
        (format!("unknown {what} `{id}`"), help)
    };
    for (i, step) in p.steps.iter().enumerate() {
        let at = |f: &'static str| vec![Seg::Field("steps"), Seg::Index(i), Seg::Field(f)];
        let team = s.teams.iter().find(|t| t.id == step.team);
        if step.team != "facilitator" && team.is_none() {
            let (m, h) = unknown("team", &step.team, &mut teams.iter().copied());
            push(at("team"), m, h);
        }
        let mut whens: Vec<&When> = step.when.iter().collect();
        while let Some(w) = whens.pop() {
            match w {
                When::KnowsCompromised(sys)
                | When::Suspected(sys)
                | When::Alerted(sys)
                | When::Sees { system: sys, .. }
                    if !systems.contains(sys.as_str()) =>
                {
                    let (m, h) = unknown("system", sys, &mut systems.iter().copied());
                    push(at("when"), m, h);
                }
                When::Received(inj) if !injects.contains(inj.as_str()) => {
                    let (m, h) = unknown("inject", inj, &mut injects.iter().copied());
                    push(at("when"), m, h);
                }
                When::All(ws) | When::Any(ws) => whens.extend(ws.iter()),
                When::Not(w) => whens.push(w),
                _ => {}
            }
        }
        let (action, target) = match &step.command {
            PlayCommand::Start { action, target } | PlayCommand::Request { action, target, .. } => {
                (Some(action), target.as_ref())
            }
            _ => (None, None),
        };
        if let PlayCommand::Request { to, .. } = &step.command
            && !teams.contains(to.as_str())
        {
            let (m, h) = unknown("team", to, &mut teams.iter().copied());
            push(at("command"), m, h);
        }
        if let Some(action) = action {
            if !actions.contains(action) {
                let (m, h) = unknown("action", action, &mut actions.iter().map(String::as_str));
                push(at("command"), m, h);
            } else if let (PlayCommand::Start { .. }, Some(team)) = (&step.command, team)
                && !team.actions.contains(action)
            {
                push(
                    at("command"),
                    format!("team `{}` may not `{action}`", team.id),
                    Some(format!("its actions are {}", team.actions.join(", "))),
                );
            }
        }
        if let Some(t) = target
            && !targets.contains(t.as_str())
        {
            let (m, h) = unknown("target", t, &mut targets.iter().copied());
            push(at("command"), m, h);
        }
        if let PlayCommand::Decide { inject, .. } = &step.command
            && !injects.contains(inject.as_str())
        {
            let (m, h) = unknown("inject", inject, &mut injects.iter().copied());
            push(at("command"), m, h);
        }
    }
    out
}

/// Plays a playbook into a drill, tick by tick.
#[derive(Debug, Clone)]
pub struct PlaybookRunner {
    steps: Vec<Step>,
    done: Vec<bool>,
    /// When each step was first taken (accepted by the engine).
    taken: Vec<Option<Minutes>>,
    /// The name the log records it under as every seat's player, until it has said so.
    hand_over: Option<String>,
}

impl PlaybookRunner {
    /// Prepares to play `playbook`.
    pub fn new(playbook: &Playbook) -> Self {
        PlaybookRunner {
            steps: playbook.steps.clone(),
            done: vec![false; playbook.steps.len()],
            taken: vec![None; playbook.steps.len()],
            hand_over: None,
        }
    }

    /// Plays as `name` (the playbook's file name without `.ron`): before its first step it
    /// records, as the facilitator, that it plays every team's seat not already its own, so
    /// the log and the report say who played. Re-running it from the start (resume)
    /// records the same.
    #[must_use]
    pub fn playing_as(mut self, name: &str) -> Self {
        self.hand_over = Some(name.to_owned());
        self
    }

    /// Hands every seat to the playbook, once.
    fn take_seats(&mut self, drill: &mut Drill) {
        let Some(name) = self.hand_over.take() else { return };
        let player = Player::Playbook(name);
        let teams: Vec<String> = drill.scenario().teams.iter().map(|t| t.id.clone()).collect();
        for team in teams {
            let mine = drill.events_since(0).iter().rev().find_map(|e| match &e.event {
                Event::SeatPlayer { team: t, player: p } if *t == team => Some(p == &player),
                _ => None,
            });
            if mine != Some(true) {
                let command = Command::SeatPlayer { team, player: player.clone() };
                let _ = drill.submit(&Seat::Facilitator, command);
            }
        }
    }

    /// Submits every step that is due before the drill's next tick.
    pub fn before_tick(&mut self, drill: &mut Drill) {
        self.take_seats(drill);
        let now = drill.now();
        for i in 0..self.steps.len() {
            if self.done[i] || self.steps[i].at > now {
                continue;
            }
            let step = self.steps[i].clone();
            let seat = if step.team == "facilitator" {
                Seat::Facilitator
            } else {
                Seat::Team(step.team.clone())
            };
            let view = match &seat {
                Seat::Team(t) => drill.seat_view(t),
                Seat::Facilitator => None,
            };
            if let Some(w) = &step.when
                && !view.as_deref().is_some_and(|v| w.holds(v))
            {
                continue;
            }
            let commands: Vec<Command> = match &step.command {
                PlayCommand::AcceptRequests | PlayCommand::DeclineRequests => view
                    .iter()
                    .flat_map(|v| v.requests_in.iter())
                    .map(|r| Command::Answer {
                        request: r.id,
                        accept: step.command == PlayCommand::AcceptRequests,
                        reason: String::new(),
                    })
                    .collect(),
                _ => Self::commands_of(&step),
            };
            let mut accepted = !commands.is_empty();
            for command in commands {
                accepted &= drill.submit(&seat, command).is_ok();
            }
            if accepted && self.taken[i].is_none() {
                self.taken[i] = Some(now);
            }
            // Answers are repeatable steps: a team that accepts requests keeps doing so.
            if accepted
                && !matches!(
                    step.command,
                    PlayCommand::AcceptRequests | PlayCommand::DeclineRequests
                )
            {
                self.done[i] = true;
            }
        }
    }

    /// Plays the drill up to `until` (or its end), stepping the playbook before every tick.
    pub fn play(&mut self, drill: &mut Drill, until: Minutes) {
        while drill.now() < until && !drill.is_over() {
            self.before_tick(drill);
            drill.advance(1);
        }
    }

    /// When each step was first taken, in the playbook's order (`None`: never).
    pub fn taken(&self) -> &[Option<Minutes>] {
        &self.taken
    }

    /// The engine commands a step stands for, where they do not depend on what the team
    /// sees at the time (answers to open requests do).
    pub fn commands_of(step: &Step) -> Vec<Command> {
        match &step.command {
            PlayCommand::Start { action, target } => vec![Command::Start {
                action: action.clone(),
                target: target.clone(),
                overrule: false,
            }],
            PlayCommand::Request { to, action, target, note, approval } => vec![Command::Request {
                to: to.clone(),
                action: action.clone(),
                target: target.clone(),
                note: note.clone(),
                approval: *approval,
            }],
            PlayCommand::Decide { inject, choice } => {
                vec![Command::Decide { inject: inject.clone(), choice: choice.clone() }]
            }
            PlayCommand::Note(text) => vec![Command::Note { text: text.clone() }],
            PlayCommand::AcceptRequests | PlayCommand::DeclineRequests => Vec::new(),
        }
    }

    /// Steps never taken.
    pub fn untaken(&self) -> Vec<usize> {
        self.done.iter().enumerate().filter(|(_, d)| !**d).map(|(i, _)| i).collect()
    }
}
