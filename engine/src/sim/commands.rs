//! Commands from seats: validation when submitted (so a refusal can be shown at once) and
//! application by the commands phase at the start of the next tick.

use bevy_ecs::prelude::*;

use rand::RngExt;

use super::effects::{Dirty, TickEvents, host_dark, needs_host, restore_site};
use super::engagement::{Permit, Permits, clearance, escalation, outage_cost, rule_for};
use super::objectives::ConditionReader;
use super::propagate::SiteState;
use super::script::{DecryptorTerms, ScriptState};
use crate::model::{
    ActionRun, AlertTruth, Clock, Command, CommandQueue, Compiled, Decider, Disruption, Entities,
    Event, Flags, InboxItem, Knowledge, Ledger, PendingRequest, Rejection, RequestId, RequestState,
    Seat, SentRequest, SimRng, SystemFacts, TRIAGE_MINUTES, TeamIx, TeamState, Verdict,
};
use crate::scenario::{
    ActionDef, ActionEffect, Condition, Minutes, OutOfService, Requirement, TargetKind,
};

/// Checks a command against the world as it stands, counting commands already queued for
/// the next tick. Returns the team index for team commands.
pub fn validate(world: &mut World, seat: &Seat, command: &Command) -> Result<(), Rejection> {
    let Some(c) = world.get_resource::<Compiled>() else { return Err(Rejection::DrillOver) };
    let clock = world.get_resource::<Clock>().copied();
    if clock.is_some_and(|k| k.now >= k.end) {
        return Err(Rejection::DrillOver);
    }
    let team = match seat {
        Seat::Team(t) => Some(c.team(t).ok_or_else(|| Rejection::UnknownSeat(t.clone()))?),
        Seat::Facilitator => None,
    };
    match (command, team) {
        (Command::FireInject { inject }, None) => c
            .scenario
            .injects
            .iter()
            .any(|i| &i.id == inject)
            .then_some(())
            .ok_or_else(|| Rejection::UnknownInject(inject.clone())),
        (Command::StartEvent { event }, None) => c
            .scenario
            .events
            .iter()
            .any(|e| &e.id == event)
            .then_some(())
            .ok_or_else(|| Rejection::UnknownEvent(event.clone())),
        (Command::Note { .. }, None) => Ok(()),
        (Command::SeatPlayer { team, .. }, None) => {
            c.team(team).map(|_| ()).ok_or_else(|| Rejection::UnknownSeat(team.clone()))
        }
        (
            Command::FireInject { .. }
            | Command::StartEvent { .. }
            | Command::Note { .. }
            | Command::SeatPlayer { .. },
            Some(_),
        ) => Err(Rejection::FacilitatorOnly),
        (_, None) => Err(Rejection::NotATeam),
        (Command::Start { action, target, overrule }, Some(t)) => {
            validate_start(world, t, action, target.as_deref(), Some(*overrule))
        }
        (Command::Request { to, action, target, approval, .. }, Some(t)) => {
            let c = world.get_resource::<Compiled>().ok_or(Rejection::DrillOver)?;
            let to_ix = c.team(to).ok_or_else(|| Rejection::UnknownSeat(to.clone()))?;
            if to_ix == t {
                return Err(Rejection::BadTarget("a team cannot send a request to itself".into()));
            }
            if *approval {
                return validate_approval_request(c, t, to_ix, action, target.as_deref());
            }
            // Preconditions are checked when the asked team accepts; capacity too.
            validate_start(world, to_ix, action, target.as_deref(), None)
        }
        (Command::Withdraw { request }, Some(t)) => {
            let mut q = world.query::<&PendingRequest>();
            let open = q.iter(world).any(|r| r.id == *request && r.from == t);
            let again = queued(world).iter().any(|(_, cmd, _)| {
                matches!(cmd, Command::Withdraw { request: r } | Command::Answer { request: r, .. } if r == request)
            });
            (open && !again).then_some(()).ok_or(Rejection::UnknownRequest(*request))
        }
        (Command::Triage { alert, .. }, Some(t)) => validate_triage(world, seat, t, *alert),
        (Command::Cancel { action }, Some(t)) => {
            let mut q = world.query::<&ActionRun>();
            let running = q.iter(world).any(|r| r.id == *action && r.team == t);
            let queued_cancel = queued(world).iter().any(|(s, cmd, _)| seat == s && cmd == command);
            (running && !queued_cancel).then_some(()).ok_or(Rejection::UnknownActionRun(*action))
        }
        (Command::Answer { request, accept, .. }, Some(t)) => {
            let mut q = world.query::<&PendingRequest>();
            let req = q.iter(world).find(|r| r.id == *request && r.to == t).cloned();
            let Some(req) = req else { return Err(Rejection::UnknownRequest(*request)) };
            let answered = queued(world).iter().any(
                |(_, cmd, _)| matches!(cmd, Command::Answer { request: r, .. } if r == request),
            );
            if answered {
                return Err(Rejection::UnknownRequest(*request));
            }
            // Approving is a decision, not work: only acting takes the asked team's capacity.
            if *accept && !req.approval {
                validate_start(world, t, &req.action, req.target.as_deref(), Some(false))?;
            }
            Ok(())
        }
        (Command::Decide { inject, choice }, Some(t)) => {
            let c = world.get_resource::<Compiled>().ok_or(Rejection::DrillOver)?;
            let team_id = c.teams[t as usize].id.clone();
            let (ix, inj) = c
                .scenario
                .injects
                .iter()
                .enumerate()
                .find(|(_, i)| &i.id == inject)
                .ok_or_else(|| Rejection::UnknownInject(inject.clone()))?;
            let decision = inj
                .decision
                .as_ref()
                .filter(|d| d.team == team_id)
                .ok_or_else(|| Rejection::UnknownInject(inject.clone()))?;
            let Some(requires) =
                decision.choices.iter().find(|ch| &ch.id == choice).map(|ch| ch.requires.clone())
            else {
                return Err(Rejection::UnknownInject(format!("{inject}: {choice}")));
            };
            let script = world.get_resource::<ScriptState>().ok_or(Rejection::DrillOver)?;
            let open = script.decisions.iter().find(|d| d.inject == ix as u32);
            match open {
                None => return Err(Rejection::UnknownInject(inject.clone())),
                Some(d) if d.choice.is_some() => {
                    return Err(Rejection::AlreadyDecided(inject.clone()));
                }
                Some(_) => {
                    let dup = queued(world).iter().any(|(_, cmd, _)| matches!(cmd, Command::Decide { inject: i, .. } if i == inject));
                    if dup {
                        return Err(Rejection::AlreadyDecided(inject.clone()));
                    }
                }
            }
            match requires {
                Some(needs) if !condition_holds_now(world, &needs) => {
                    Err(Rejection::ChoiceUnavailable {
                        choice: choice.clone(),
                        needs: needs.to_string(),
                    })
                }
                _ => Ok(()),
            }
        }
    }
}

/// Whether a scenario condition holds in the world as it stands (between ticks).
pub fn condition_holds_now(world: &mut World, condition: &Condition) -> bool {
    world
        .run_system_cached_with(
            |In(cond): In<Condition>, reader: ConditionReader| reader.holds(&cond),
            condition.clone(),
        )
        .unwrap_or(false)
}

fn queued(world: &World) -> Vec<(Seat, Command, u64)> {
    world.get_resource::<CommandQueue>().map(|q| q.0.clone()).unwrap_or_default()
}

/// Checks that the alert waits in team `t`'s inbox, untriaged, and that an analyst is free
/// for the few minutes triage takes.
fn validate_triage(world: &mut World, seat: &Seat, t: TeamIx, alert: u64) -> Result<(), Rejection> {
    let queue = queued(world);
    let mut q = world.query::<(&TeamState, &Knowledge)>();
    let Some((_, k)) = q.iter(world).find(|(ts, _)| ts.ix == t) else {
        return Err(Rejection::UnknownAlert(alert));
    };
    let waiting = k.inbox.iter().any(|i| matches!(i, InboxItem::Alert { id, .. } if *id == alert))
        && !k.triaged.contains_key(&alert);
    let mine = |s: &Seat| s == seat;
    let again = queue.iter().any(|(s, cmd, _)| {
        mine(s) && matches!(cmd, Command::Triage { alert: a, .. } if *a == alert)
    });
    if !waiting || again {
        return Err(Rejection::UnknownAlert(alert));
    }
    let capacity = world.resource::<Compiled>().teams.get(t as usize).map_or(0, |x| x.capacity);
    let mut runs = world.query::<&ActionRun>();
    let busy: u32 = runs.iter(world).filter(|r| r.team == t).map(|r| r.capacity).sum();
    let pending = queue
        .iter()
        .filter(|(s, cmd, _)| mine(s) && !matches!(cmd, Command::Cancel { .. }))
        .count();
    let pending = u32::try_from(pending).unwrap_or(u32::MAX);
    // Triage, too, waits behind an approved action that waits for hands.
    let held = world
        .try_resource_scope(|world, c: Mut<Compiled>| reserved(world, &c, t, ("", None)))
        .unwrap_or(0);
    let busy = busy.saturating_add(pending).saturating_add(held);
    if busy.saturating_add(1) > capacity {
        return Err(Rejection::NoCapacity { busy, capacity, held });
    }
    Ok(())
}

/// Checks a request for approval: the asking team may take the action, a rule of
/// engagement wants an approval for it, and the request goes to that rule's approver or to
/// the team requests escalate to.
fn validate_approval_request(
    c: &Compiled,
    t: TeamIx,
    to: TeamIx,
    action: &str,
    target: Option<&str>,
) -> Result<(), Rejection> {
    may_take(c, t, action, target)?;
    let team = &c.teams[t as usize];
    let approver = rule_for(c, t, action, target).and_then(|r| r.approver.as_deref());
    let Some(approver) = approver else {
        return Err(Rejection::BadTarget(format!(
            "the rules of engagement let `{}` take `{action}` on this without approval: start it",
            team.id
        )));
    };
    let to_id = &c.teams[to as usize].id;
    let escalation = c.scenario.engagement.escalate_to.as_deref();
    if to_id != approver && Some(to_id.as_str()) != escalation {
        return Err(Rejection::BadTarget(format!(
            "`{to_id}` does not approve this: the rules of engagement name `{approver}`"
        )));
    }
    Ok(())
}

/// Checks that team `t` may start `action` on `target`: now (with `Some(overrule)`: may it
/// override the rules of engagement), or only that it could (`None`: preconditions and
/// capacity are checked when it starts).
fn validate_start(
    world: &mut World,
    t: TeamIx,
    action: &str,
    target: Option<&str>,
    now: Option<bool>,
) -> Result<(), Rejection> {
    // Borrowed out of the world for the check: copying it cost milliseconds on big estates.
    world
        .try_resource_scope(|world, c: Mut<Compiled>| {
            validate_start_with(world, &c, t, action, target, now)
        })
        .unwrap_or(Err(Rejection::DrillOver))
}

fn validate_start_with(
    world: &mut World,
    c: &Compiled,
    t: TeamIx,
    action: &str,
    target: Option<&str>,
    now: Option<bool>,
) -> Result<(), Rejection> {
    let def = may_take(c, t, action, target)?;
    let team = &c.teams[t as usize];
    let Some(overrule) = now else { return Ok(()) };
    let permits = world.get_resource::<Permits>().ok_or(Rejection::DrillOver)?;
    clearance(c, permits, t, (action, target), overrule)?;
    if let (TargetKind::System, Some(id)) = (def.target, target)
        && let Some(ix) = c.system(id)
    {
        let entities = world.get_resource::<Entities>().ok_or(Rejection::DrillOver)?;
        let entity = entities.systems[ix as usize];
        let flags = world.get_resource::<Flags>().map(|f| f.0.clone()).unwrap_or_default();
        let decryptor = holds_decryptor(world);
        let facts = world.get::<SystemFacts>(entity).ok_or(Rejection::DrillOver)?;
        check_requirements(c, def, ix, facts, Held { flags: &flags, decryptor })?;
        if let Some(sites) = world.get_resource::<SiteState>() {
            check_host(c, def, ix, facts, sites)?;
        }
    } else {
        // Zone and organisation actions have no system to check, but flags still gate them.
        let flags = world.get_resource::<Flags>().map(|f| f.0.clone()).unwrap_or_default();
        for r in &def.requires {
            if let Requirement::Flag(flag) = r
                && !flags.contains(flag)
            {
                return Err(Rejection::Precondition(c.flag_pending(flag)));
            }
        }
    }
    let queued = queued(world);
    let requests: Vec<PendingRequest> =
        world.query::<&PendingRequest>().iter(world).cloned().collect();
    let same = |a: &str, tg: Option<&str>| a == action && tg == target;
    let mut runs = world.query::<&ActionRun>();
    if runs.iter(world).any(|r| r.team == t && same(&r.action, r.target.as_deref()))
        || queued.iter().any(|(s, cmd, _)| {
            *s == Seat::Team(team.id.clone())
                && match cmd {
                    Command::Start { action: a, target: tg, .. } => same(a, tg.as_deref()),
                    Command::Answer { request, accept: true, .. } => requests.iter().any(|r| {
                        r.id == *request && !r.approval && same(&r.action, r.target.as_deref())
                    }),
                    _ => false,
                }
        })
    {
        return Err(Rejection::AlreadyRunning);
    }
    let (in_use, held) = hands_in_use(world, c, t, Some((action, target)));
    if in_use + def.capacity > team.capacity {
        return Err(Rejection::NoCapacity { busy: in_use, capacity: team.capacity, held });
    }
    Ok(())
}

/// The hands team `t` has in use, as a start would count them: running actions, starts and
/// accepted requests queued for the next tick, and (second, also in the first) what it
/// keeps for approved actions not started yet, except `starting`.
pub fn hands_in_use(
    world: &mut World,
    c: &Compiled,
    t: TeamIx,
    starting: Option<(&str, Option<&str>)>,
) -> (u32, u32) {
    let Some(team) = c.teams.get(t as usize) else { return (0, 0) };
    let seat = Seat::Team(team.id.clone());
    let queued = queued(world);
    let mut runs = world.query::<&ActionRun>();
    let busy: u32 = runs.iter(world).filter(|r| r.team == t).map(|r| r.capacity).sum();
    let mut requests = world.query::<&PendingRequest>();
    let pending: u32 = queued
        .iter()
        .filter(|(s, _, _)| *s == seat)
        .filter_map(|(_, cmd, _)| match cmd {
            Command::Start { action, .. } => c.action(action).map(|d| d.capacity),
            Command::Answer { accept: true, request, .. } => requests
                .iter(world)
                .find(|r| r.id == *request && !r.approval)
                .and_then(|r| c.action(&r.action))
                .map(|d| d.capacity),
            _ => None,
        })
        .sum();
    let held = reserved(world, c, t, starting.unwrap_or(("", None)));
    (busy + pending + held, held)
}

/// The capacity team `t` keeps for actions it was approved to take and has not started,
/// whose preconditions hold: an approval won for an urgent action must not lose its hands to
/// whatever the team thinks of next. The action being started now does not count.
fn reserved(
    world: &mut World,
    c: &Compiled,
    t: TeamIx,
    (action, target): (&str, Option<&str>),
) -> u32 {
    let Some(permits) = world.get_resource::<Permits>() else { return 0 };
    let (Some(entities), Some(sites)) =
        (world.get_resource::<Entities>(), world.get_resource::<SiteState>())
    else {
        return 0;
    };
    let flags = world.get_resource::<Flags>().map(|f| &f.0);
    let decryptor = holds_decryptor(world);
    permits
        .0
        .iter()
        .filter(|p| p.team == t && !(p.action == action && p.target.as_deref() == target))
        .filter_map(|p| {
            let def = c.action(&p.action)?;
            let ready = match p.target.as_deref().and_then(|x| c.system(x)) {
                Some(ix) => {
                    world.get::<SystemFacts>(entities.systems[ix as usize]).is_some_and(|f| {
                        flags.is_some_and(|flags| {
                            check_requirements(c, def, ix, f, Held { flags, decryptor }).is_ok()
                        }) && check_host(c, def, ix, f, sites).is_ok()
                    })
                }
                None => def.requires.iter().all(|r| match r {
                    Requirement::Flag(flag) => flags.is_some_and(|f| f.contains(flag)),
                    _ => true,
                }),
            };
            ready.then_some(def.capacity)
        })
        .sum()
}

/// The action, when team `t` has it in its catalogue and `target` suits it.
fn may_take<'c>(
    c: &'c Compiled,
    t: TeamIx,
    action: &str,
    target: Option<&str>,
) -> Result<&'c ActionDef, Rejection> {
    let def = c.action(action).ok_or_else(|| Rejection::UnknownAction(action.to_owned()))?;
    let team = &c.teams[t as usize];
    if !team.actions.iter().any(|a| a == action) {
        return Err(Rejection::NotAllowed { team: team.id.clone(), action: action.to_owned() });
    }
    check_target(c, def, target)?;
    // A team acts only on what it can see: a system outside its zones is not on its map.
    if let (TargetKind::System, Some(ix)) = (def.target, target.and_then(|id| c.system(id)))
        && !team.sees_zone.get(c.systems[ix as usize].zone as usize).copied().unwrap_or(false)
    {
        return Err(Rejection::BadTarget(format!(
            "{} cannot see {}: it is outside the zones the team watches",
            team.name, c.systems[ix as usize].id
        )));
    }
    Ok(def)
}

fn check_target(c: &Compiled, def: &ActionDef, target: Option<&str>) -> Result<(), Rejection> {
    let missing = || Rejection::BadTarget(format!("`{}` needs a target", def.id));
    match def.target {
        TargetKind::Organisation => Ok(()),
        TargetKind::System => {
            let id = target.ok_or_else(missing)?;
            let ix = c
                .system(id)
                .ok_or_else(|| Rejection::BadTarget(format!("there is no system `{id}`")))?;
            let kind = c.systems[ix as usize].kind;
            if !def.applies_to.is_empty() && !def.applies_to.contains(&kind) {
                return Err(Rejection::BadTarget(format!(
                    "`{}` does not apply to {id}, a {kind:?}",
                    def.id
                )));
            }
            Ok(())
        }
        TargetKind::Zone => {
            let id = target.ok_or_else(missing)?;
            c.zone(id)
                .map(|_| ())
                .ok_or_else(|| Rejection::BadTarget(format!("there is no zone `{id}`")))
        }
        TargetKind::Credential => {
            let id = target.ok_or_else(missing)?;
            c.scenario
                .estate
                .credentials
                .iter()
                .any(|x| x.id == id)
                .then_some(())
                .ok_or_else(|| Rejection::BadTarget(format!("there is no credential `{id}`")))
        }
    }
}

/// Refuses work on a machine at a dark site (no power, region out), saying why and what
/// can be done instead; a restore that can land at another site goes ahead.
fn check_host(
    c: &Compiled,
    def: &ActionDef,
    ix: u32,
    f: &SystemFacts,
    sites: &SiteState,
) -> Result<(), Rejection> {
    let Some(why) = host_dark(c, ix, f, &sites.down) else { return Ok(()) };
    let restores_elsewhere = || {
        f.backups
            .iter()
            .filter(|b| !b.destroyed)
            .any(|b| restore_site(c, ix, f, &b.id, sites).is_some())
    };
    let blocked = def
        .effects
        .iter()
        .any(|e| needs_host(e) && (*e != ActionEffect::RestoreBackup || !restores_elsewhere()));
    if blocked { Err(Rejection::Precondition(why)) } else { Ok(()) }
}

/// What the organisation holds that an action may require besides its target's state.
#[derive(Debug, Clone, Copy)]
pub struct Held<'a> {
    /// Scenario flags set.
    pub flags: &'a std::collections::BTreeSet<String>,
    /// A decision bought the attacker's decryptor.
    pub decryptor: bool,
}

/// Whether a decision has bought the attacker's decryptor.
fn holds_decryptor(world: &World) -> bool {
    world.get_resource::<ScriptState>().is_some_and(|s| s.decryptor.is_some())
}

/// Checks an action's preconditions on a system, saying which one fails.
pub fn check_requirements(
    c: &Compiled,
    def: &ActionDef,
    ix: u32,
    f: &SystemFacts,
    held: Held<'_>,
) -> Result<(), Rejection> {
    let id = &c.systems[ix as usize].id;
    for r in &def.requires {
        let ok = match r {
            Requirement::Isolated => f.isolated,
            Requirement::NotIsolated => !f.isolated,
            Requirement::PoweredOn => f.powered,
            Requirement::PoweredOff => f.needs_start(),
            Requirement::HasBackup => f.backups.iter().any(|b| !b.destroyed),
            Requirement::HasReplication => {
                c.systems[ix as usize].replication.is_some() && !f.failed_over
            }
            Requirement::FailedOver => f.failed_over,
            Requirement::NotDestroyed => !f.wiped,
            Requirement::EvidenceCollected => f.evidence.collected,
            Requirement::Encrypted => f.encrypted,
            Requirement::Decryptor => held.decryptor && !f.undecryptable,
            Requirement::Flag(flag) => held.flags.contains(flag),
        };
        if ok {
            continue;
        }
        // Worded only on refusal: bots and reservations check far more often than they fail.
        let why = match r {
            Requirement::Isolated => format!("{id} is not isolated"),
            Requirement::NotIsolated => format!("{id} is already isolated"),
            Requirement::PoweredOn => format!("{id} is powered off"),
            Requirement::PoweredOff => format!("{id} is already running"),
            Requirement::HasBackup if f.backups.is_empty() => format!("{id} has no backup"),
            Requirement::HasBackup => format!("every backup of {id} was destroyed"),
            Requirement::HasReplication if f.failed_over => {
                format!("{id} already runs at its DR site")
            }
            Requirement::HasReplication => format!("{id} is not replicated to a DR site"),
            Requirement::FailedOver => format!("{id} is not failed over"),
            Requirement::NotDestroyed => format!("{id} is destroyed; restore it first"),
            Requirement::EvidenceCollected => format!("no evidence was collected from {id}"),
            Requirement::Encrypted => format!("{id} is not encrypted"),
            Requirement::Decryptor if held.decryptor => {
                format!("the decryptor already failed on {id}; restore or rebuild it")
            }
            Requirement::Decryptor => {
                "the organisation holds no decryptor: only paying the ransom buys one".to_owned()
            }
            Requirement::Flag(flag) => c.flag_pending(flag),
        };
        return Err(Rejection::Precondition(why));
    }
    Ok(())
}

/// What the commands phase changes besides the queue: the teams, their knowledge and the
/// systems' facts.
type Changes<'w, 's> = (
    Query<'w, 's, &'static mut TeamState>,
    Query<'w, 's, &'static mut Knowledge>,
    Query<'w, 's, &'static mut SystemFacts>,
);

/// What the commands phase reads: the scenario, the clock, the entities, the alerts' truth
/// and the flags.
type Reads<'w> =
    (Res<'w, Compiled>, Res<'w, Clock>, Res<'w, Entities>, Res<'w, AlertTruth>, Res<'w, Flags>);

/// The commands phase: applies the queue in the order commands were accepted.
#[allow(clippy::too_many_arguments)]
pub fn apply_commands(
    mut commands: Commands,
    (c, clock, entities, truth, flags): Reads,
    mut queue: ResMut<CommandQueue>,
    mut script: ResMut<ScriptState>,
    mut events: ResMut<TickEvents>,
    (mut teams, mut knowledge, mut facts): Changes,
    runs: Query<(Entity, &ActionRun)>,
    requests: Query<(Entity, &PendingRequest)>,
    (mut rng, sites, mut dirty): (ResMut<SimRng>, Res<SiteState>, ResMut<Dirty>),
    (mut permits, mut ledger): (ResMut<Permits>, ResMut<Ledger>),
) {
    let now = clock.now;
    let mut gone: Vec<RequestId> = Vec::new();
    let mut starter = Starter {
        c: &c,
        now,
        entities: &entities,
        teams: &mut teams,
        facts: &mut facts,
        dirty: &mut dirty,
        rng: &mut rng,
        sites: &sites,
        decryptor: script.decryptor,
    };
    for (seat, command, id) in std::mem::take(&mut queue.0) {
        let team = match &seat {
            Seat::Team(t) => c.team(t),
            Seat::Facilitator => None,
        };
        match command {
            Command::Start { action, target, overrule } => {
                let Some(t) = team else { continue };
                match clearance(&c, &permits, t, (&action, target.as_deref()), overrule) {
                    Ok(Some((approver, cost))) => {
                        ledger.one_off = ledger.one_off.saturating_add(cost);
                        events.0.push(Event::RuleOverruled {
                            team: c.teams[t as usize].id.clone(),
                            action: action.clone(),
                            target: target.clone(),
                            approver: approver.clone(),
                            cost,
                        });
                        events.0.push(Event::CostIncurred {
                            amount: cost,
                            reason: format!("acting without {approver}'s approval"),
                        });
                    }
                    Ok(None) => {}
                    Err(_) => continue,
                }
                let permit = permits.find(t, &action, target.as_deref());
                let request = permit.map(|p| permits.0.remove(p).request);
                starter.start(&mut commands, &mut events.0, (id, t), action, target, request);
            }
            Command::Triage { alert, verdict } => {
                let Some(t) = team else { continue };
                triage(
                    &mut commands,
                    (&c, now, &entities),
                    (id, t),
                    (alert, verdict),
                    (starter.teams, &mut knowledge),
                    &truth,
                    &mut events.0,
                );
            }
            Command::Cancel { action } => {
                if let Some((e, run)) = runs.iter().find(|(_, r)| r.id == action) {
                    if let Ok(mut ts) = starter.teams.get_mut(entities.teams[run.team as usize]) {
                        ts.busy = ts.busy.saturating_sub(run.capacity);
                    }
                    if run.holds_service {
                        starter.release(run.target.as_deref());
                    }
                    events.0.push(Event::ActionCancelled {
                        id: run.id,
                        team: c.teams[run.team as usize].id.clone(),
                    });
                    commands.entity(e).despawn();
                }
            }
            Command::Request { to, action, target, note, approval } => {
                let (Some(from), Some(to_ix)) = (team, c.team(&to)) else { continue };
                let cost_per_hour = outage_cost(&c, &action, target.as_deref());
                let expires = now.saturating_add(c.scenario.engagement.request_expiry);
                events.0.push(Event::RequestSent {
                    id,
                    from: c.teams[from as usize].id.clone(),
                    to: to.clone(),
                    action: action.clone(),
                    target: target.clone(),
                    note: note.clone(),
                    approval,
                    cost_per_hour,
                });
                if let Ok(mut k) = knowledge.get_mut(entities.teams[from as usize]) {
                    k.sent.push(SentRequest {
                        id,
                        to: to.clone(),
                        action: action.clone(),
                        target: target.clone(),
                        approval,
                        state: RequestState::Open { expires },
                        at: now,
                    });
                }
                commands.spawn(PendingRequest {
                    id,
                    from,
                    to: to_ix,
                    action,
                    target,
                    note,
                    sent: now,
                    expires,
                    approval,
                    cost_per_hour,
                });
            }
            Command::Withdraw { request } => {
                let Some((e, _)) = requests.iter().find(|(_, r)| r.id == request) else {
                    continue;
                };
                if gone.contains(&request) {
                    continue;
                }
                gone.push(request);
                commands.entity(e).despawn();
                events.0.push(Event::RequestWithdrawn { id: request });
                if let Some(t) = team {
                    tell(&mut knowledge, &entities, t, request, RequestState::Withdrawn, now);
                }
            }
            Command::Answer { request, accept, reason } => {
                let Some((e, req)) = requests.iter().find(|(_, r)| r.id == request) else {
                    continue;
                };
                if gone.contains(&request) {
                    continue;
                }
                events.0.push(Event::RequestAnswered {
                    id: request,
                    accepted: accept,
                    reason: reason.clone(),
                });
                let state =
                    if accept { RequestState::Accepted } else { RequestState::Declined { reason } };
                tell(&mut knowledge, &entities, req.from, request, state, now);
                let escalated = !accept
                    && escalate(
                        &c,
                        (req, e),
                        now,
                        &mut events.0,
                        &mut commands,
                        &mut knowledge,
                        &entities,
                    );
                if escalated {
                    continue;
                }
                if accept && req.approval {
                    permits.0.push(Permit {
                        team: req.from,
                        action: req.action.clone(),
                        target: req.target.clone(),
                        request,
                    });
                    // The approved action starts as soon as the team can take it (below).
                } else if accept {
                    starter.start(
                        &mut commands,
                        &mut events.0,
                        (id, req.to),
                        req.action.clone(),
                        req.target.clone(),
                        Some(request),
                    );
                }
                gone.push(request);
                commands.entity(e).despawn();
            }
            Command::Decide { inject, choice } => {
                let Some(ix) = c.scenario.injects.iter().position(|i| i.id == inject) else {
                    continue;
                };
                if let Some(d) = script
                    .decisions
                    .iter_mut()
                    .find(|d| d.inject == ix as u32 && d.choice.is_none())
                {
                    d.choice = Some(choice.clone());
                    events.0.push(Event::DecisionTaken {
                        inject,
                        choice: choice.clone(),
                        by: Decider::from(&seat),
                    });
                    script.pending_choices.push((ix as u32, choice));
                }
            }
            Command::FireInject { inject } => {
                if let Some(ix) = c.scenario.injects.iter().position(|i| i.id == inject) {
                    script.manual_injects.push(ix as u32);
                }
            }
            Command::StartEvent { event } => {
                if let Some(ix) = c.scenario.events.iter().position(|e| e.id == event) {
                    script.manual_events.push(ix as u32);
                }
            }
            Command::Note { text } => events.0.push(Event::Note { text }),
            Command::SeatPlayer { team, player } => {
                events.0.push(Event::SeatPlayer { team, player });
            }
        }
    }
    // Approved actions start once their team has room and their preconditions hold, under
    // the id of the request that asked (no other action has it), oldest approval first.
    let mut i = 0;
    while i < permits.0.len() {
        let p = &permits.0[i];
        if starter.can_start(&runs, &flags, p.team, &p.action, p.target.as_deref()) {
            let p = permits.0.remove(i);
            let (action, target) = (p.action, p.target);
            starter.start(
                &mut commands,
                &mut events.0,
                (p.request, p.team),
                action,
                target,
                Some(p.request),
            );
        } else {
            i += 1;
        }
    }
}

/// Tells the team that sent a request where it stands now.
pub(super) fn tell(
    knowledge: &mut Query<&mut Knowledge>,
    entities: &Entities,
    team: TeamIx,
    request: RequestId,
    state: RequestState,
    now: Minutes,
) {
    let Some(&e) = entities.teams.get(team as usize) else { return };
    let Ok(mut k) = knowledge.get_mut(e) else { return };
    if let Some(s) = k.sent.iter_mut().rev().find(|s| s.id == request) {
        s.state = state;
        s.at = now;
    }
}

/// Sends a request that was not approved on to the escalation team, if the rules of
/// engagement name one it may go to, as a request for the asking team to act; the asking
/// team sees where it went. Returns whether it went on.
pub(super) fn escalate(
    c: &Compiled,
    (req, e): (&PendingRequest, Entity),
    now: Minutes,
    events: &mut Vec<Event>,
    commands: &mut Commands,
    knowledge: &mut Query<&mut Knowledge>,
    entities: &Entities,
) -> bool {
    let Some(to) = escalation(c, req) else { return false };
    let expires = now.saturating_add(c.scenario.engagement.request_expiry);
    let to_id = c.teams[to as usize].id.clone();
    events.push(Event::RequestEscalated {
        id: req.id,
        from: c.teams[req.to as usize].id.clone(),
        to: to_id.clone(),
    });
    if let Some(&te) = entities.teams.get(req.from as usize)
        && let Ok(mut k) = knowledge.get_mut(te)
        && let Some(s) = k.sent.iter_mut().rev().find(|s| s.id == req.id)
    {
        s.to = to_id;
        s.approval = true;
        s.state = RequestState::Open { expires };
        s.at = now;
    }
    commands.entity(e).insert(PendingRequest { to, expires, approval: true, ..req.clone() });
    true
}

/// Starts actions: what the commands phase needs to put one under way.
struct Starter<'a, 'w, 's> {
    c: &'a Compiled,
    now: Minutes,
    entities: &'a Entities,
    teams: &'a mut Query<'w, 's, &'static mut TeamState>,
    facts: &'a mut Query<'w, 's, &'static mut SystemFacts>,
    dirty: &'a mut Dirty,
    rng: &'a mut SimRng,
    sites: &'a SiteState,
    decryptor: Option<DecryptorTerms>,
}

/// A time between `least` and `most` minutes from the drill's random numbers, drawn only
/// when the scenario gives a range (so a fixed time draws nothing).
fn draw(rng: &mut SimRng, least: u32, most: u32) -> Minutes {
    if most > least { Minutes(rng.0.random_range(least..=most)) } else { Minutes(least) }
}

impl Starter<'_, '_, '_> {
    /// Puts team `t`'s action under way: it takes the team's capacity until it completes,
    /// and its target out of service meanwhile when its side effects say so.
    fn start(
        &mut self,
        commands: &mut Commands,
        events: &mut Vec<Event>,
        (id, team): (u64, TeamIx),
        action: String,
        target: Option<String>,
        request: Option<u64>,
    ) {
        let c = self.c;
        let Some(def) = c.action(&action) else { return };
        let mut duration = def.duration;
        let mut backup = None;
        let system = target.as_deref().and_then(|t| c.system(t));
        if let Some(ix) = system {
            let info = &c.systems[ix as usize];
            let f = self.facts.get(self.entities.systems[ix as usize]).ok();
            for effect in &def.effects {
                match effect {
                    ActionEffect::Decrypt => {
                        if let Some(terms) = self.decryptor {
                            duration = duration.saturating_add(terms.time_for(info.data_gb));
                        }
                    }
                    ActionEffect::FailOver => {
                        if let Some((_, _, rto)) = info.replication {
                            duration = duration.saturating_add(draw(self.rng, rto, info.rto_max));
                        }
                    }
                    ActionEffect::RestoreBackup => {
                        // The newest surviving backup that can land somewhere: least data lost.
                        let sites = self.sites;
                        if let Some(b) = f.and_then(|f| {
                            f.backups
                                .iter()
                                .filter(|b| {
                                    !b.destroyed && restore_site(c, ix, f, &b.id, sites).is_some()
                                })
                                .max_by_key(|b| b.taken_at)
                        }) {
                            let most = info
                                .backups
                                .iter()
                                .find(|x| x.id == b.id)
                                .and_then(|x| x.restore_time_max)
                                .map_or(b.restore_time.0, |m| m.0.max(b.restore_time.0));
                            duration =
                                duration.saturating_add(draw(self.rng, b.restore_time.0, most));
                            backup = Some(b.id.clone());
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Ok(mut ts) = self.teams.get_mut(self.entities.teams[team as usize]) {
            ts.busy += def.capacity;
        }
        let completes = self.now.saturating_add(Minutes(duration.0.max(1)));
        events.push(Event::ActionStarted {
            id,
            team: c.teams[team as usize].id.clone(),
            action: action.clone(),
            target: target.clone(),
            completes,
            request,
        });
        let holds_service = system.is_some_and(|ix| match def.side_effects.out_of_service {
            OutOfService::Never => false,
            OutOfService::WhileRunning => true,
            OutOfService::UnlessRedundant => !c.scenario.estate.systems[ix as usize].redundant,
        });
        if let (true, Some(ix)) = (holds_service, system) {
            if let Ok(mut f) = self.facts.get_mut(self.entities.systems[ix as usize]) {
                f.out_of_service += 1;
                f.maintenance += 1;
            }
            self.dirty.mark(ix);
            events.push(Event::Disrupted {
                system: c.systems[ix as usize].id.clone(),
                action: action.clone(),
                cause: Disruption::Maintenance { until: completes },
            });
        }
        commands.spawn(ActionRun {
            id,
            team,
            action,
            target,
            started: self.now,
            completes,
            capacity: def.capacity,
            request,
            backup,
            holds_service,
        });
    }

    /// Ends the hold an action had on its target's service (it was cancelled).
    fn release(&mut self, target: Option<&str>) {
        let Some(ix) = target.and_then(|t| self.c.system(t)) else { return };
        if let Ok(mut f) = self.facts.get_mut(self.entities.systems[ix as usize]) {
            f.out_of_service = f.out_of_service.saturating_sub(1);
            f.maintenance = f.maintenance.saturating_sub(1);
        }
        self.dirty.mark(ix);
    }

    /// Whether team `t` can start an approved action right now: capacity free, not already
    /// running it, and the action's preconditions hold on its target.
    fn can_start(
        &self,
        runs: &Query<(Entity, &ActionRun)>,
        flags: &Flags,
        t: TeamIx,
        action: &str,
        target: Option<&str>,
    ) -> bool {
        let c = self.c;
        let Some(def) = c.action(action) else { return false };
        let busy = self.teams.get(self.entities.teams[t as usize]).map_or(u32::MAX, |ts| ts.busy);
        let room = busy.saturating_add(def.capacity) <= c.teams[t as usize].capacity;
        let running = runs
            .iter()
            .any(|(_, r)| r.team == t && r.action == action && r.target.as_deref() == target);
        let ready = match target.and_then(|x| c.system(x)) {
            Some(ix) => self.facts.get(self.entities.systems[ix as usize]).is_ok_and(|f| {
                let held = Held { flags: &flags.0, decryptor: self.decryptor.is_some() };
                check_requirements(c, def, ix, f, held).is_ok()
                    && check_host(c, def, ix, f, self.sites).is_ok()
            }),
            None => def.requires.iter().all(|r| match r {
                Requirement::Flag(flag) => flags.0.contains(flag),
                _ => true,
            }),
        };
        room && !running && ready
    }
}

/// Applies a triage: the verdict goes into the team's knowledge and the log (with the truth
/// of the alert, for the report), and an analyst is busy for a few minutes.
fn triage(
    commands: &mut Commands,
    (c, now, entities): (&Compiled, Minutes, &Entities),
    (id, t): (u64, TeamIx),
    (alert, verdict): (u64, Verdict),
    (teams, knowledge): (&mut Query<&mut TeamState>, &mut Query<&mut Knowledge>),
    truth: &AlertTruth,
    events: &mut Vec<Event>,
) {
    let team = entities.teams[t as usize];
    let (Ok(mut ts), Ok(mut k)) = (teams.get_mut(team), knowledge.get_mut(team)) else {
        return;
    };
    let system = k.inbox.iter().find_map(|i| match i {
        InboxItem::Alert { id, system, .. } if *id == alert => Some(system.clone()),
        _ => None,
    });
    let Some(system) = system else { return };
    if k.triaged.insert(alert, verdict).is_some() {
        return;
    }
    ts.busy += 1;
    events.push(Event::AlertTriaged {
        team: c.teams[t as usize].id.clone(),
        alert,
        system: system.clone(),
        verdict,
        true_positive: truth.0.get(&alert).copied().unwrap_or(false),
    });
    commands.spawn(ActionRun {
        id,
        team: t,
        action: "triage".to_owned(),
        target: Some(system),
        started: now,
        completes: now.saturating_add(Minutes(TRIAGE_MINUTES)),
        capacity: 1,
        request: None,
        backup: None,
        holds_service: false,
    });
}
