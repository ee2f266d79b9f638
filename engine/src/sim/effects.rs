//! The consequences of completed actions on the estate, and the buffers every phase writes
//! into (events of this tick, systems whose availability must be settled).

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::model::{
    Attack, Compiled, Compromise, Event, FindingSource, Flags, Knowledge, Network, SimRng, SysIx,
    SystemFacts,
};
use crate::scenario::{ActionEffect, Minutes, SystemState};

/// Events raised during the current tick, in the order they happened.
#[derive(Debug, Clone, Default, Resource)]
pub struct TickEvents(pub Vec<Event>);

/// Systems whose availability must be settled this tick, and those whose attacker presence
/// may have changed: the phases that change a system say so, so settling and the presence
/// record visit what changed rather than the whole estate.
#[derive(Debug, Clone, Default, Resource)]
pub struct Dirty {
    /// Marked systems (each once).
    pub systems: Vec<SysIx>,
    /// Whether each system is marked.
    pub marked: Vec<bool>,
    /// Systems touched this tick (repeats allowed), for the presence record.
    pub touched: Vec<SysIx>,
}

impl Dirty {
    /// Marks a system for settling (and for the presence record).
    pub fn mark(&mut self, ix: SysIx) {
        if let Some(m) = self.marked.get_mut(ix as usize)
            && !*m
        {
            *m = true;
            self.systems.push(ix);
            self.touched.push(ix);
        }
    }

    /// Notes a change to the attacker's hold on a system that leaves its availability alone.
    pub fn touch(&mut self, ix: SysIx) {
        self.touched.push(ix);
    }
}

/// What an action's completion needs to read and change.
pub struct EffectCtx<'a> {
    /// The scenario.
    pub compiled: &'a Compiled,
    /// Now.
    pub now: Minutes,
    /// Action id, for event text.
    pub action: &'a str,
    /// Events of the tick.
    pub events: &'a mut Vec<Event>,
    /// Systems to settle.
    pub dirty: &'a mut Dirty,
    /// Network state.
    pub network: &'a mut Network,
    /// Flags.
    pub flags: &'a mut Flags,
    /// Attacker state.
    pub attack: &'a mut Attack,
    /// The RNG.
    pub rng: &'a mut SimRng,
}

/// Destroys evidence still on a host, unless it was collected first.
pub fn destroy_evidence(facts: &mut SystemFacts, id: &str, by: &str, events: &mut Vec<Event>) {
    if facts.evidence.intact {
        facts.evidence.intact = false;
        if !facts.evidence.collected {
            events.push(Event::EvidenceDestroyed { system: id.to_owned(), by: by.to_owned() });
        }
    }
}

/// Whether a site is up (power and region).
pub fn site_up(site_down: &[u32], site: u32) -> bool {
    site_down.get(site as usize).is_none_or(|d| *d == 0)
}

/// Applies one effect of a completed action to a system target. Returns why it failed, if
/// it did (the action then completes without effect).
pub fn apply_to_system(
    ctx: &mut EffectCtx<'_>,
    effect: &ActionEffect,
    ix: SysIx,
    facts: &mut SystemFacts,
    compromise: &mut Compromise,
    backup: Option<&str>,
    site_down: &[u32],
) -> Result<(), String> {
    let info = &ctx.compiled.systems[ix as usize];
    let id = info.id.as_str();
    match effect {
        ActionEffect::Isolate => facts.isolated = true,
        ActionEffect::Reconnect => facts.isolated = false,
        ActionEffect::PowerOff => {
            facts.powered = false;
            destroy_evidence(facts, id, ctx.action, ctx.events);
        }
        ActionEffect::PowerOn => facts.powered = true,
        ActionEffect::FailOver => {
            let Some((site, rpo, _)) = info.replication else {
                return Err(format!("{id} is not replicated to a DR site"));
            };
            if !site_up(site_down, site) {
                return Err(format!("the DR site `{}` is down", ctx.compiled.sites[site as usize]));
            }
            if facts.encrypted || facts.corrupted || facts.wiped {
                return Err(format!(
                    "the replica of {id} is damaged too: replication copied the damage"
                ));
            }
            facts.failed_over = true;
            lose_data(facts, id, rpo, ctx.events);
        }
        ActionEffect::FailBack => {
            if !site_up(site_down, info.site) || facts.hardware_failed {
                return Err(format!("{id}'s home site or hardware is not back"));
            }
            facts.failed_over = false;
        }
        ActionEffect::RestoreBackup => {
            let chosen =
                backup.and_then(|b| facts.backups.iter().find(|x| x.id == b && !x.destroyed));
            let Some(chosen) = chosen.cloned() else {
                return Err(format!("the backup of {id} was destroyed during the restore"));
            };
            // The backup's age now; an age beyond `u32` minutes (check bounds it far below)
            // counts as the longest, not as a wrapped-round short one.
            let age = (i64::from(ctx.now.0) - chosen.taken_at).max(0);
            let lost = u32::try_from(age).unwrap_or(u32::MAX);
            facts.encrypted = false;
            facts.wiped = false;
            facts.corrupted = false;
            destroy_evidence(facts, id, ctx.action, ctx.events);
            lose_data(facts, id, lost, ctx.events);
            if chosen.infected && !compromise.present() {
                compromise.persistence = true;
                compromise.foothold = Some(crate::scenario::Privilege::Admin);
                ctx.events.push(Event::Reinfected { system: id.to_owned() });
            }
            if compromise.present() && (compromise.payload || compromise.ransomed) {
                facts.encrypted = true;
                ctx.events.push(Event::ReEncrypted { system: id.to_owned() });
            }
        }
        ActionEffect::Reimage => {
            if compromise.present() {
                ctx.attack.evicted.push(ix);
            }
            *compromise = Compromise { ransomed: compromise.ransomed, ..Compromise::default() };
            destroy_evidence(facts, id, ctx.action, ctx.events);
            facts.evidence.collected = false;
            if facts.encrypted || facts.corrupted {
                facts.encrypted = false;
                facts.corrupted = false;
                // A rebuilt host holding business data has none until it is restored.
                facts.wiped = info.data_gb > 0.0;
            }
        }
        ActionEffect::Repair => facts.hardware_failed = false,
        ActionEffect::Patch => facts.patched = true,
        ActionEffect::ResetCredentials => {
            let voided: Vec<String> = ctx
                .compiled
                .scenario
                .estate
                .credentials
                .iter()
                .filter(|c| c.issuer == id && ctx.attack.stolen.remove(&c.id))
                .map(|c| c.id.clone())
                .collect();
            ctx.events.push(Event::CredentialsReset { system: id.to_owned(), voided });
        }
        ActionEffect::BlockC2 => {
            facts.c2_blocked = true;
            compromise.c2 = false;
        }
        ActionEffect::CollectEvidence => {
            if !facts.evidence.intact {
                return Err(format!("the evidence on {id} is already gone"));
            }
            facts.evidence.collected = true;
        }
        ActionEffect::Investigate | ActionEffect::ShareFinding => {}
        ActionEffect::SetFlag(flag) => set_flag(ctx.flags, flag, ctx.events),
    }
    ctx.dirty.mark(ix);
    Ok(())
}

fn lose_data(facts: &mut SystemFacts, id: &str, minutes: u32, events: &mut Vec<Event>) {
    if minutes > 0 {
        facts.data_lost = facts.data_lost.saturating_add(minutes);
        events.push(Event::DataLost { system: id.to_owned(), minutes });
    }
}

/// Sets a scenario flag, once.
pub fn set_flag(flags: &mut Flags, flag: &str, events: &mut Vec<Event>) {
    if flags.0.insert(flag.to_owned()) {
        events.push(Event::FlagSet { flag: flag.to_owned() });
    }
}

/// The result of an investigation: finds a real compromise with a chance that evidence
/// raises, and never invents one.
pub fn investigate(ctx: &mut EffectCtx<'_>, facts: &SystemFacts, compromise: &Compromise) -> bool {
    if !compromise.present() {
        return false;
    }
    let d = &ctx.compiled.scenario.detection;
    let chance = if facts.evidence.collected {
        d.investigation_success_with_evidence
    } else if facts.evidence.intact {
        d.investigation_success
    } else {
        // With the evidence gone, only traces in central logs remain.
        d.investigation_success * 0.25
    };
    ctx.rng.0.random::<f64>() < chance
}

/// Records a team's finding about a system in its knowledge.
#[allow(clippy::too_many_arguments)]
pub fn learn_compromise(
    knowledge: &mut Knowledge,
    team: &str,
    system: SysIx,
    system_id: &str,
    compromised: bool,
    source: FindingSource,
    now: Minutes,
    events: &mut Vec<Event>,
) {
    if let Some(o) = knowledge.systems.get_mut(system as usize) {
        o.compromise = Some((compromised, now, source));
        events.push(Event::Finding {
            team: team.to_owned(),
            system: system_id.to_owned(),
            compromised,
            source,
        });
    }
}

/// Records what a team saw of a system's state.
pub fn learn_state(
    knowledge: &mut Knowledge,
    system: SysIx,
    state: SystemState,
    now: Minutes,
) -> bool {
    match knowledge.systems.get_mut(system as usize) {
        Some(o) if o.state.map(|(s, _)| s) != Some(state) => {
            o.state = Some((state, now));
            true
        }
        _ => false,
    }
}
