//! The consequences of completed actions on the estate, and the buffers every phase writes
//! into (events of this tick, systems whose availability must be settled).

use bevy_ecs::prelude::*;
use rand::RngExt;

use super::propagate::{SiteState, placed_site};
use super::script::DecryptorTerms;
use crate::model::{
    Attack, Compiled, Compromise, Event, FindingSource, Flags, Knowledge, Network, SimRng, SysIx,
    SystemFacts,
};
use crate::scenario::{ActionEffect, Logging, Minutes, Noticed, SystemState};

/// Events raised during the current tick, in the order they happened.
#[derive(Debug, Clone, Default, Resource)]
pub struct TickEvents(pub Vec<Event>);

/// C2 blocks that cut a system's own outbound traffic, by when the block is narrowed to the
/// attacker's endpoints: (until, system), soonest first.
#[derive(Debug, Clone, Default, Resource)]
pub struct EgressCuts(pub Vec<(Minutes, SysIx)>);

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
    /// The attacker's decryptor, when a decision bought it.
    pub decryptor: Option<DecryptorTerms>,
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

/// Whether an effect works on the machine itself, and so needs its host running.
pub fn needs_host(effect: &ActionEffect) -> bool {
    matches!(
        effect,
        ActionEffect::RestoreBackup
            | ActionEffect::Reimage
            | ActionEffect::Patch
            | ActionEffect::CollectEvidence
            | ActionEffect::Decrypt
            | ActionEffect::PowerOn
            | ActionEffect::Repair
            | ActionEffect::ResetCredentials
    )
}

/// Why nobody can work on a system's host now, if so: the site it runs at has no power or
/// its region is out.
pub fn host_dark(c: &Compiled, ix: SysIx, f: &SystemFacts, site_down: &[u32]) -> Option<String> {
    let info = &c.systems[ix as usize];
    let site = placed_site(info, f);
    if site_up(site_down, site) {
        return None;
    }
    let name = c.scenario.estate.sites.get(site as usize).map_or("its site", |s| s.name.as_str());
    Some(format!(
        "{} runs at {name}, which is down (no power, or its region is out): wait for it to come \
         back{}",
        info.name,
        if info.replication.is_some() { ", or fail the system over" } else { "" }
    ))
}

/// The site a restore from `backup` lands at: the system's own site when it is up, else
/// the first site the backup can be restored into that is up and has room.
pub fn restore_site(
    c: &Compiled,
    ix: SysIx,
    f: &SystemFacts,
    backup: &str,
    sites: &SiteState,
) -> Option<u32> {
    let info = &c.systems[ix as usize];
    if site_up(&sites.down, placed_site(info, f)) {
        return Some(placed_site(info, f));
    }
    let b = info.backups.iter().position(|b| b.id == backup)?;
    info.restore_to
        .get(b)?
        .iter()
        .copied()
        .find(|&s| s != info.site && site_up(&sites.down, s) && has_room(c, sites, s))
}

/// Whether a site can take one more system from elsewhere.
pub fn has_room(c: &Compiled, sites: &SiteState, site: u32) -> bool {
    let cap = c.site_capacity.get(site as usize).copied().flatten();
    cap.is_none_or(|cap| sites.guests.get(site as usize).copied().unwrap_or(0) < cap)
}

/// Moves a system's guest count from where it ran to where it runs now.
fn moved(sites: &mut SiteState, home: u32, from: u32, to: u32) {
    if from != home
        && let Some(g) = sites.guests.get_mut(from as usize)
    {
        *g = g.saturating_sub(1);
    }
    if to != home
        && let Some(g) = sites.guests.get_mut(to as usize)
    {
        *g += 1;
    }
}

/// Applies one effect of a completed action to a system target. Returns why it failed, if
/// it did (the action then completes without effect).
#[allow(clippy::too_many_arguments)]
pub fn apply_to_system(
    ctx: &mut EffectCtx<'_>,
    effect: &ActionEffect,
    ix: SysIx,
    facts: &mut SystemFacts,
    compromise: &mut Compromise,
    backup: Option<&str>,
    unavailable_since: Option<Minutes>,
    sites: &mut SiteState,
) -> Result<(), String> {
    let info = &ctx.compiled.systems[ix as usize];
    let id = info.id.as_str();
    let before = placed_site(info, facts);
    let held = compromise.present();
    // What the attacker sees happen to what it holds, for the stages that react to it.
    let noticed = &mut ctx.attack.noticed;
    match effect {
        ActionEffect::Isolate | ActionEffect::PowerOff if held => {
            noticed.push(Noticed::HostIsolated);
        }
        ActionEffect::BlockC2 if compromise.c2 => noticed.push(Noticed::C2Cut),
        ActionEffect::Reimage if held => {
            noticed.push(Noticed::FootholdRemoved);
            if compromise.c2 {
                noticed.push(Noticed::C2Cut);
            }
        }
        _ => {}
    }
    match effect {
        ActionEffect::Isolate => facts.isolated = true,
        ActionEffect::Reconnect => facts.isolated = false,
        ActionEffect::PowerOff => {
            facts.powered = false;
            facts.power_cut = false;
            facts.hung = false;
            destroy_evidence(facts, id, ctx.action, ctx.events);
        }
        ActionEffect::PowerOn => {
            // Also a restart: it clears a hang and a decision's forced stop.
            facts.powered = true;
            facts.power_cut = false;
            facts.hung = false;
            facts.forced_down = false;
        }
        ActionEffect::FailOver => {
            let Some((site, rpo, _)) = info.replication else {
                return Err(format!("{id} is not replicated to a DR site"));
            };
            if !site_up(&sites.down, site) {
                return Err(format!("the DR site `{}` is down", ctx.compiled.sites[site as usize]));
            }
            if facts.encrypted || facts.corrupted || facts.wiped {
                return Err(format!(
                    "the replica of {id} is damaged too: replication copied the damage"
                ));
            }
            if !has_room(ctx.compiled, sites, site) {
                return Err(format!(
                    "the DR site `{}` already runs all the systems it can hold",
                    ctx.compiled.sites[site as usize]
                ));
            }
            if info.failover_failure > 0.0 && ctx.rng.0.random_bool(info.failover_failure) {
                return Err(format!("the replica of {id} did not come up; try the failover again"));
            }
            facts.failed_over = true;
            facts.relocated = None;
            // The replica is another machine, with power of its own.
            facts.powered = true;
            facts.power_cut = false;
            facts.hung = false;
            lose_data(facts, id, rpo, ctx.events);
        }
        ActionEffect::FailBack => {
            if !site_up(&sites.down, info.site) || facts.hardware_failed {
                return Err(format!("{id}'s home site or hardware is not back"));
            }
            facts.failed_over = false;
            facts.relocated = None;
        }
        ActionEffect::RestoreBackup => {
            let chosen =
                backup.and_then(|b| facts.backups.iter().find(|x| x.id == b && !x.destroyed));
            let Some(chosen) = chosen.cloned() else {
                return Err(format!("the backup of {id} was destroyed during the restore"));
            };
            let Some(site) = restore_site(ctx.compiled, ix, facts, &chosen.id, sites) else {
                return Err(host_dark(ctx.compiled, ix, facts, &sites.down).unwrap_or_default());
            };
            // Data written after the backup and before the system stopped taking writes
            // (down, off, encrypted, corrupted) is lost; the outage itself loses nothing
            // more. An age beyond `u32` minutes counts as the longest, not a wrapped one.
            let stopped = unavailable_since.unwrap_or(ctx.now);
            let age = (i64::from(stopped.0) - chosen.taken_at).max(0);
            let lost = u32::try_from(age).unwrap_or(u32::MAX);
            facts.encrypted = false;
            facts.undecryptable = false;
            facts.wiped = false;
            facts.corrupted = false;
            facts.forced_down = false;
            if site != placed_site(info, facts) {
                // Restored onto another site's machines, which have power of their own.
                facts.relocated = (site != info.site).then_some(site);
                facts.failed_over = false;
                facts.powered = true;
                facts.power_cut = false;
                facts.hung = false;
            }
            destroy_evidence(facts, id, ctx.action, ctx.events);
            lose_data(facts, id, lost, ctx.events);
            if chosen.infected && !compromise.present() {
                compromise.persistence = true;
                compromise.foothold = Some(crate::scenario::Privilege::Admin);
                ctx.events.push(Event::Reinfected { system: id.to_owned() });
            }
            encrypt_again_if_held(facts, compromise, id, ctx.events);
        }
        ActionEffect::Reimage => {
            if compromise.present() {
                ctx.attack.evicted.push(ix);
            }
            *compromise = Compromise { ransomed: compromise.ransomed, ..Compromise::default() };
            destroy_evidence(facts, id, ctx.action, ctx.events);
            facts.evidence.collected = false;
            facts.rebuilt_at = Some(ctx.now);
            facts.forced_down = false;
            // A rebuilt host holding business data has none until it is restored (unless
            // the scenario says its rebuilds keep the data disks).
            let loses_data =
                ctx.compiled.action(ctx.action).is_none_or(|d| d.side_effects.loses_data);
            if facts.encrypted || facts.corrupted || loses_data {
                facts.wiped =
                    info.data_gb > 0.0 && (loses_data || facts.encrypted || facts.corrupted);
                facts.encrypted = false;
                facts.undecryptable = false;
                facts.corrupted = false;
            }
            // The rebuilt host has new secrets of its own.
            facts.stale_credentials = false;
        }
        ActionEffect::Repair => {
            facts.hardware_failed = false;
            facts.forced_down = false;
        }
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
            if !voided.is_empty() {
                ctx.attack.noticed.push(Noticed::CredentialReset);
            }
            ctx.events.push(Event::CredentialsReset { system: id.to_owned(), voided });
        }
        ActionEffect::BlockC2 => {
            facts.c2_blocked = true;
            // The flow needs the channel: without it the attacker's tooling sends nothing.
            compromise.c2 = false;
            compromise.exfil_rate = 0.0;
        }
        ActionEffect::CollectEvidence => {
            if !facts.evidence.intact {
                return Err(format!("the evidence on {id} is already gone"));
            }
            facts.evidence.collected = true;
        }
        ActionEffect::Investigate | ActionEffect::ShareFinding => {}
        ActionEffect::SetFlag(flag) => set_flag(ctx.flags, flag, ctx.events),
        ActionEffect::Reconfigure => facts.stale_credentials = false,
        ActionEffect::Decrypt => {
            let Some(terms) = ctx.decryptor else {
                return Err("the organisation holds no decryptor".to_owned());
            };
            if !facts.encrypted {
                return Err(format!("{id} is no longer encrypted"));
            }
            let whole = ctx.rng.0.random_bool(terms.recovers.clamp(0.0, 1.0));
            ctx.events.push(Event::Decrypted { system: id.to_owned(), whole });
            if !whole {
                facts.undecryptable = true;
                return Ok(());
            }
            facts.encrypted = false;
            facts.forced_down = false;
            encrypt_again_if_held(facts, compromise, id, ctx.events);
        }
    }
    moved(sites, info.site, before, placed_site(info, facts));
    ctx.dirty.mark(ix);
    Ok(())
}

/// Files brought back on a host the crew still holds are encrypted again: its payload
/// is still there.
fn encrypt_again_if_held(
    facts: &mut SystemFacts,
    compromise: &Compromise,
    id: &str,
    events: &mut Vec<Event>,
) {
    if compromise.present() && (compromise.payload || compromise.ransomed) {
        facts.encrypted = true;
        events.push(Event::ReEncrypted { system: id.to_owned() });
    }
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

/// What an investigation found of the attacker's presence on a system.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Found {
    /// A foothold or persistence, from the host's evidence.
    pub host: bool,
    /// C2 or an exfiltration flow, from network evidence (central logs, flow records).
    pub network: bool,
}

impl Found {
    /// Whether it found anything.
    pub fn any(self) -> bool {
        self.host || self.network
    }
}

/// The result of an investigation: finds each part of a real presence with a chance that
/// its evidence sets, and never invents one. Footholds and persistence are found on the
/// host, where collected evidence helps; C2 and flows in the network's records, which the
/// system's logging keeps.
pub fn investigate(
    ix: SysIx,
    ctx: &mut EffectCtx<'_>,
    facts: &SystemFacts,
    cmp: &Compromise,
) -> Found {
    let d = &ctx.compiled.scenario.detection;
    let mut found = Found::default();
    if cmp.foothold.is_some() || cmp.persistence {
        let chance = if facts.evidence.collected {
            d.investigation_success_with_evidence
        } else if facts.evidence.intact {
            d.investigation_success
        } else {
            // With the evidence gone, only traces in central logs remain.
            d.investigation_success * 0.25
        };
        found.host = ctx.rng.0.random::<f64>() < chance;
    }
    if cmp.c2 || cmp.exfil_rate > 0.0 {
        let kept = match ctx.compiled.systems[ix as usize].controls.logging {
            Logging::None => 0.3,
            Logging::Basic => 0.7,
            Logging::Full => 1.0,
        };
        found.network = ctx.rng.0.random::<f64>() < d.investigation_success_with_evidence * kept;
    }
    found
}

/// Records a team's finding about a system in its knowledge.
pub fn learn_compromise(
    knowledge: &mut Knowledge,
    team: &str,
    (system, system_id): (SysIx, &str),
    compromised: bool,
    source: FindingSource,
    (now, rebuilt_at): (Minutes, Option<Minutes>),
    events: &mut Vec<Event>,
) {
    if let Some(o) = knowledge.systems.get_mut(system as usize) {
        // A clean result lowers nothing the team already confirmed, unless the system was
        // rebuilt since: absence of evidence is not evidence of absence.
        let confirmed =
            o.compromise.is_some_and(|(yes, at, _)| yes && rebuilt_at.is_none_or(|r| r < at));
        if compromised || !confirmed {
            o.compromise = Some((compromised, now, source));
        }
        // A finding answers the suspicion.
        o.suspected = None;
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
