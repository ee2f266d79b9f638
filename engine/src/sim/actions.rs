//! The actions phase: team actions whose time has come take effect.

use bevy_ecs::prelude::*;

use super::detect::Monitoring;
use super::effects::{
    Dirty, EffectCtx, TickEvents, apply_to_system, host_dark, investigate, learn_compromise,
    learn_state, needs_host, set_flag,
};
use super::propagate::SiteState;
use super::script::ScriptState;
use crate::model::{
    ActionRun, Attack, Clock, Compiled, Compromise, Done, Entities, Event, FindingSource, Flags,
    Knowledge, Network, OpState, SimRng, SystemFacts, TeamState,
};
use crate::scenario::{ActionEffect, TargetKind};

/// The actions phase. Completions are applied in action-id order, so two actions finishing
/// on the same tick always resolve the same way.
#[allow(clippy::too_many_arguments)]
pub fn complete_actions(
    mut commands: Commands,
    (c, clock, entities): (Res<Compiled>, Res<Clock>, Res<Entities>),
    mut sites: ResMut<SiteState>,
    mut script: ResMut<ScriptState>,
    mut done: ResMut<Done>,
    mut dirty: ResMut<Dirty>,
    mut events: ResMut<TickEvents>,
    mut network: ResMut<Network>,
    mut flags: ResMut<Flags>,
    mut attack: ResMut<Attack>,
    mut rng: ResMut<SimRng>,
    mut monitoring: ResMut<Monitoring>,
    runs: Query<(Entity, &ActionRun)>,
    mut systems: Query<(&mut SystemFacts, &mut Compromise, &OpState)>,
    mut teams: Query<(&mut TeamState, &mut Knowledge)>,
) {
    let now = clock.now;
    let mut finishing: Vec<(Entity, &ActionRun)> =
        runs.iter().filter(|(_, r)| r.completes <= now).collect();
    if finishing.is_empty() {
        return;
    }
    finishing.sort_by_key(|(_, r)| r.id);
    for (entity, run) in finishing {
        commands.entity(entity).despawn();
        let team_entity = entities.teams[run.team as usize];
        if let Ok((mut ts, _)) = teams.get_mut(team_entity) {
            ts.busy = ts.busy.saturating_sub(run.capacity);
        }
        let team_id = c.teams[run.team as usize].id.clone();
        let Some(def) = c.action(&run.action) else { continue };
        let mut ctx = EffectCtx {
            compiled: &c,
            now,
            action: &run.action,
            events: &mut events.0,
            dirty: &mut dirty,
            network: &mut network,
            flags: &mut flags,
            attack: &mut attack,
            rng: &mut rng,
        };
        let mut failure = None;
        let mut findings = Vec::new();
        match (def.target, run.target.as_deref()) {
            (TargetKind::System, Some(id)) => {
                let Some(ix) = c.system(id) else { continue };
                let Ok((mut facts, mut compromise, op)) =
                    systems.get_mut(entities.systems[ix as usize])
                else {
                    continue;
                };
                let unavailable_since = op.unavailable_since;
                // Work on a machine at a dark site makes no progress; a restore into
                // another site does not need it.
                let dark = def
                    .effects
                    .iter()
                    .any(|e| needs_host(e) && *e != ActionEffect::RestoreBackup)
                    .then(|| host_dark(&c, ix, &facts, &sites.down))
                    .flatten();
                if let Some(why) = dark {
                    failure = Some(why);
                }
                for effect in def.effects.iter().filter(|_| failure.is_none()) {
                    match effect {
                        ActionEffect::Investigate => {
                            let found = investigate(&mut ctx, &facts, &compromise);
                            findings.push((ix, found, facts.rebuilt_at));
                        }
                        ActionEffect::ShareFinding => findings.push((ix, false, facts.rebuilt_at)),
                        _ => {
                            if let Err(why) = apply_to_system(
                                &mut ctx,
                                effect,
                                ix,
                                &mut facts,
                                &mut compromise,
                                run.backup.as_deref(),
                                unavailable_since,
                                &mut sites,
                            ) {
                                failure = Some(why);
                                break;
                            }
                        }
                    }
                }
            }
            (TargetKind::Zone, Some(id)) => {
                let Some(z) = c.zone(id) else { continue };
                for effect in &def.effects {
                    match effect {
                        ActionEffect::Isolate => ctx.network.zone_isolated[z as usize] = true,
                        ActionEffect::Reconnect => ctx.network.zone_isolated[z as usize] = false,
                        ActionEffect::SetFlag(f) => set_flag(ctx.flags, f, ctx.events),
                        _ => {}
                    }
                }
                ctx.network.dirty = true;
            }
            _ => {
                for effect in &def.effects {
                    if let ActionEffect::SetFlag(f) = effect {
                        set_flag(ctx.flags, f, ctx.events);
                    }
                }
            }
        }
        match failure {
            Some(reason) => events.0.push(Event::ActionFailed {
                id: run.id,
                team: team_id.clone(),
                action: run.action.clone(),
                target: run.target.clone(),
                reason,
            }),
            None => {
                events.0.push(Event::ActionCompleted {
                    id: run.id,
                    team: team_id.clone(),
                    action: run.action.clone(),
                    target: run.target.clone(),
                });
                done.0.insert((run.action.clone(), run.target.clone()));
                meet_expectations(&c, &mut script, run, &mut events.0);
            }
        }
        for (ix, compromised, rebuilt_at) in findings {
            let sys_id = c.systems[ix as usize].id.clone();
            if def.effects.contains(&ActionEffect::ShareFinding) {
                let at = (now, rebuilt_at);
                share(&c, &entities, &mut teams, run.team, (ix, &sys_id), at, &mut events.0);
            } else if let Ok((_, mut k)) = teams.get_mut(team_entity) {
                learn_compromise(
                    &mut k,
                    &team_id,
                    (ix, &sys_id),
                    compromised,
                    FindingSource::Investigation,
                    (now, rebuilt_at),
                    &mut events.0,
                );
            }
        }
        // The acting team sees the result of its own action once it has settled.
        if let Some(ix) = run.target.as_deref().and_then(|t| c.system(t)) {
            monitoring.seen_by(run.team, ix);
        }
    }
}

/// Shares what one team knows of a system with every other team.
fn share(
    c: &Compiled,
    entities: &crate::model::Entities,
    teams: &mut Query<(&mut TeamState, &mut Knowledge)>,
    from: u32,
    (ix, sys_id): (u32, &str),
    (now, rebuilt_at): (crate::scenario::Minutes, Option<crate::scenario::Minutes>),
    events: &mut Vec<Event>,
) {
    let Ok((_, k)) = teams.get(entities.teams[from as usize]) else { return };
    let known = k.systems[ix as usize].clone();
    for (ti, team) in c.teams.iter().enumerate() {
        if ti as u32 == from {
            continue;
        }
        let Ok((_, mut k)) = teams.get_mut(entities.teams[ti]) else { continue };
        if let Some((state, _)) = known.state
            && learn_state(&mut k, ix, state, now)
        {
            events.push(Event::Observed {
                team: team.id.clone(),
                system: sys_id.to_owned(),
                state,
            });
        }
        if let Some((compromised, _, _)) = known.compromise {
            learn_compromise(
                &mut k,
                &team.id,
                (ix, sys_id),
                compromised,
                FindingSource::Shared,
                (now, rebuilt_at),
                events,
            );
        }
    }
}

/// An expected response is met by the action on the target, whoever took it: a team that
/// gets the job done through a request to another team has responded.
fn meet_expectations(
    c: &Compiled,
    script: &mut ScriptState,
    run: &ActionRun,
    events: &mut Vec<Event>,
) {
    for exp in script.expectations.iter_mut().filter(|e| e.outcome.is_none()) {
        let inject = &c.scenario.injects[exp.inject as usize];
        let Some(want) = &inject.expects else { continue };
        let target_ok = want.target.is_none() || want.target == run.target;
        if want.action == run.action && target_ok {
            exp.outcome = Some(true);
            events.push(Event::ExpectationMet { inject: inject.id.clone() });
        }
    }
}
