//! The actions phase: team actions whose time has come take effect.

use bevy_ecs::prelude::*;

use super::detect::Monitoring;
use super::effects::{
    Dirty, EffectCtx, EgressCuts, Found, TickEvents, apply_to_system, host_dark, investigate,
    learn_compromise, learn_state, needs_host, set_flag,
};
use super::propagate::SiteState;
use super::script::ScriptState;
use std::collections::BTreeMap;

use crate::model::{
    ActionRun, Attack, Clock, Compiled, Compromise, Disruption, Done, Entities, Event,
    FindingSource, Flags, Indicator, Knowledge, Network, OpState, SimRng, SysIx, SystemFacts,
    TeamIx, TeamState,
};
use crate::scenario::{
    ActionDef, ActionEffect, Minutes, StageEffect, StageRequirement, TargetKind,
};

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
    (mut rng, mut cuts): (ResMut<SimRng>, ResMut<EgressCuts>),
    mut monitoring: ResMut<Monitoring>,
    runs: Query<(Entity, &ActionRun)>,
    mut systems: Query<(&mut SystemFacts, &mut Compromise, &OpState)>,
    mut teams: Query<(&mut TeamState, &mut Knowledge)>,
) {
    let now = clock.now;
    // C2 blocks whose cut of legitimate traffic has been narrowed by now.
    while cuts.0.first().is_some_and(|(until, _)| *until <= now) {
        let (_, ix) = cuts.0.remove(0);
        if let Ok((mut f, _, _)) = systems.get_mut(entities.systems[ix as usize]) {
            f.out_of_service = f.out_of_service.saturating_sub(1);
        }
        dirty.mark(ix);
    }
    let mut finishing: Vec<(Entity, &ActionRun)> =
        runs.iter().filter(|(_, r)| r.completes <= now).collect();
    if finishing.is_empty() {
        return;
    }
    finishing.sort_by_key(|(_, r)| r.id);
    for (entity, run) in finishing {
        commands.entity(entity).despawn();
        // The work is over: the system serves again, whatever the work did to it.
        if let Some(ix) =
            run.target.as_deref().and_then(|t| c.system(t)).filter(|_| run.holds_service)
        {
            if let Ok((mut f, _, _)) = systems.get_mut(entities.systems[ix as usize]) {
                f.out_of_service = f.out_of_service.saturating_sub(1);
                f.maintenance = f.maintenance.saturating_sub(1);
            }
            dirty.mark(ix);
        }
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
            decryptor: script.decryptor,
        };
        let mut failure = None;
        let mut findings = Vec::new();
        let mut priced: Vec<(SysIx, Disruption)> = Vec::new();
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
                            let found = investigate(ix, &mut ctx, &facts, &compromise);
                            findings.push((ix, found, facts.rebuilt_at));
                        }
                        ActionEffect::ShareFinding => {
                            findings.push((ix, Found::default(), facts.rebuilt_at));
                        }
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
                if failure.is_none() {
                    priced = prices(&c, def, ix, now);
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
        for (ix, cause) in priced {
            let Ok((mut f, _, _)) = systems.get_mut(entities.systems[ix as usize]) else {
                continue;
            };
            match &cause {
                Disruption::CredentialReset { .. } => f.stale_credentials = true,
                Disruption::EgressCut { until } => {
                    f.out_of_service += 1;
                    let at = cuts.0.partition_point(|(u, j)| (*u, *j) <= (*until, ix));
                    cuts.0.insert(at, (*until, ix));
                }
                Disruption::Maintenance { .. } => {}
            }
            dirty.mark(ix);
            events.0.push(Event::Disrupted {
                system: c.systems[ix as usize].id.clone(),
                action: run.action.clone(),
                cause,
            });
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
        for (ix, found, rebuilt_at) in findings {
            let sys_id = c.systems[ix as usize].id.clone();
            if def.effects.contains(&ActionEffect::ShareFinding) {
                let at = (now, rebuilt_at);
                share(&c, &entities, &mut teams, run.team, (ix, &sys_id), at, &mut events.0);
            } else if let Ok((_, mut k)) = teams.get_mut(team_entity) {
                learn_compromise(
                    &mut k,
                    &team_id,
                    (ix, &sys_id),
                    found.any(),
                    FindingSource::Investigation,
                    (now, rebuilt_at),
                    &mut events.0,
                );
                if found.any() {
                    let present = |j: SysIx| {
                        systems
                            .get(entities.systems[j as usize])
                            .is_ok_and(|(_, cmp, _)| cmp.present())
                    };
                    let c2 = |j: SysIx| {
                        systems.get(entities.systems[j as usize]).is_ok_and(|(_, cmp, _)| cmp.c2)
                    };
                    let leads = indicators(&c, &attack, ix, found, &present, &c2);
                    suspect(&c, run.team, &team_id, leads, now, &mut k, &mut events.0);
                }
            }
        }
        // The acting team sees the result of its own action once it has settled.
        if let Some(ix) = run.target.as_deref().and_then(|t| c.system(t)) {
            monitoring.seen_by(run.team, ix);
        }
    }
}

/// What a completed action on `ix` costs other systems, and the system itself later, as its
/// side effects say: a credential reset locks out every system that uses a credential it
/// rotated, and a C2 block cuts the system's own outbound traffic when its service needs
/// it.
fn prices(c: &Compiled, def: &ActionDef, ix: SysIx, now: Minutes) -> Vec<(SysIx, Disruption)> {
    let mut out = Vec::new();
    let id = &c.systems[ix as usize].id;
    if def.side_effects.breaks_users && def.effects.contains(&ActionEffect::ResetCredentials) {
        for cred in c.scenario.estate.credentials.iter().filter(|cr| &cr.issuer == id) {
            for user in cred.used_by.iter().filter_map(|u| c.system(u)) {
                out.push((user, Disruption::CredentialReset { credential: cred.id.clone() }));
            }
        }
    }
    let span = c.scenario.estate.systems.get(ix as usize).and_then(|s| s.needs_egress);
    if let (true, Some(span)) = (def.side_effects.cuts_egress, span)
        && def.effects.contains(&ActionEffect::BlockC2)
    {
        out.push((ix, Disruption::EgressCut { until: now.saturating_add(span) }));
    }
    out
}

/// Where a successful investigation of `ix` points: the other systems the same stages hit
/// (their tooling), where the attacker came from (the footholds of the stages those stages
/// came after), those talking to the C2 endpoint found (from network evidence), and the
/// issuers of the credentials the stages that hit it used. Only where the attacker still
/// is: an indicator matches what is there to be found.
fn indicators(
    c: &Compiled,
    attack: &Attack,
    ix: SysIx,
    found: Found,
    present: &dyn Fn(SysIx) -> bool,
    c2: &dyn Fn(SysIx) -> bool,
) -> Vec<(SysIx, Indicator)> {
    let found_on = c.systems[ix as usize].id.clone();
    let mut leads: BTreeMap<SysIx, Indicator> = BTreeMap::new();
    let stages = c.scenario.adversary.as_ref().map_or(&[][..], |a| &a.stages[..]);
    let hits = attack.hits.get(ix as usize).map_or(&[][..], Vec::as_slice);
    if found.network {
        for j in (0..c.systems.len() as SysIx).filter(|&j| j != ix && c2(j)) {
            leads.entry(j).or_insert_with(|| Indicator::C2Endpoint { found_on: found_on.clone() });
        }
    }
    for &s in hits {
        let Some(stage) = stages.get(s as usize) else { continue };
        for (j, other) in attack.hits.iter().enumerate() {
            let j = j as SysIx;
            if j != ix && other.contains(&s) && present(j) {
                leads.entry(j).or_insert_with(|| Indicator::Tooling {
                    found_on: found_on.clone(),
                    technique: stage.technique.clone(),
                });
            }
        }
        // Where it came from: what the stages before this one took, that it worked from.
        for a in c.stages[s as usize].after.iter().flatten() {
            let Some(before) = stages.get(*a as usize) else { continue };
            if !before.effects.iter().any(|e| matches!(e, StageEffect::Foothold(_))) {
                continue;
            }
            for (j, other) in attack.hits.iter().enumerate() {
                let j = j as SysIx;
                if j != ix && other.contains(a) && present(j) {
                    leads.entry(j).or_insert_with(|| Indicator::Source {
                        found_on: found_on.clone(),
                        technique: before.technique.clone(),
                    });
                }
            }
        }
        for r in &stage.requires {
            let StageRequirement::Credential(cr) = r else { continue };
            let issuer = c.scenario.estate.credentials.iter().find(|x| &x.id == cr);
            if let Some(j) = issuer.and_then(|x| c.system(&x.issuer)).filter(|&j| j != ix) {
                leads.entry(j).or_insert_with(|| Indicator::Credential {
                    found_on: found_on.clone(),
                    credential: cr.clone(),
                });
            }
        }
    }
    leads.into_iter().collect()
}

/// Puts systems under a team's suspicion, where it sees them and has no finding yet.
pub(super) fn suspect(
    c: &Compiled,
    team: TeamIx,
    team_id: &str,
    leads: Vec<(SysIx, Indicator)>,
    now: Minutes,
    k: &mut Knowledge,
    events: &mut Vec<Event>,
) {
    let sees = &c.teams[team as usize].sees_zone;
    for (j, indicator) in leads {
        let info = &c.systems[j as usize];
        let Some(o) = k.systems.get_mut(j as usize) else { continue };
        let known = o.compromise.is_some_and(|(yes, _, _)| yes) || o.suspected.is_some();
        if known || !sees.get(info.zone as usize).copied().unwrap_or(false) {
            continue;
        }
        o.suspected = Some((now, indicator.clone()));
        events.push(Event::Suspected {
            team: team_id.to_owned(),
            system: info.id.clone(),
            indicator,
        });
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
