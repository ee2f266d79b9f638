//! The built-in action catalogue and how a scenario's `actions` override and extend it.

use super::{
    ActionDef, ActionEffect as E, ActionSpec, Minutes, Phase, Requirement as R, Scenario,
    SideEffects, SystemKind, TargetKind,
};

struct Builtin {
    id: &'static str,
    name: &'static str,
    duration: u32,
    phase: Phase,
    applies_to: &'static [SystemKind],
    requires: &'static [R],
    effect: E,
    description: &'static str,
}

const fn b(
    id: &'static str,
    name: &'static str,
    duration: u32,
    phase: Phase,
    requires: &'static [R],
    effect: E,
    description: &'static str,
) -> Builtin {
    Builtin { id, name, duration, phase, applies_to: &[], requires, effect, description }
}

const IDENTITY: &[SystemKind] = &[SystemKind::DomainController, SystemKind::Identity];

fn builtins() -> [Builtin; 17] {
    use Phase::{Detect, Recover, Respond};
    [
        b(
            "isolate",
            "Isolate",
            10,
            Respond,
            &[R::NotIsolated, R::NotDestroyed],
            E::Isolate,
            "Cut the system off the network; whatever depends on it loses it.",
        ),
        b(
            "reconnect",
            "Reconnect",
            10,
            Recover,
            &[R::Isolated],
            E::Reconnect,
            "Put an isolated system back on the network.",
        ),
        b(
            "shut_down",
            "Shut down",
            5,
            Respond,
            &[R::PoweredOn],
            E::PowerOff,
            "Power the system off; volatile evidence is lost.",
        ),
        b(
            "power_on",
            "Power on",
            10,
            Recover,
            &[R::PoweredOff, R::NotDestroyed],
            E::PowerOn,
            "Power the system on, or restart it (one that hangs, or a decision stopped).",
        ),
        b(
            "fail_over",
            "Fail over",
            0,
            Recover,
            &[R::HasReplication],
            E::FailOver,
            "Bring up the replica at the DR site; takes the replication's RTO.",
        ),
        b(
            "fail_back",
            "Fail back",
            60,
            Recover,
            &[R::FailedOver],
            E::FailBack,
            "Move the system back from the DR site to its home site.",
        ),
        b(
            "restore_backup",
            "Restore from backup",
            15,
            Recover,
            &[R::HasBackup],
            E::RestoreBackup,
            "Restore the newest surviving backup; data since the backup is lost.",
        ),
        b(
            "reimage",
            "Reimage",
            120,
            Respond,
            &[],
            E::Reimage,
            "Wipe and rebuild: removes the attacker's footholds and persistence, and all evidence.",
        ),
        b(
            "repair",
            "Repair hardware",
            240,
            Recover,
            &[R::NotDestroyed],
            E::Repair,
            "Replace failed hardware.",
        ),
        b(
            "patch",
            "Patch",
            30,
            Respond,
            &[R::PoweredOn],
            E::Patch,
            "Close the system's known vulnerabilities (`vuln:` tags).",
        ),
        Builtin {
            applies_to: IDENTITY,
            ..b(
                "reset_credentials",
                "Reset credentials",
                30,
                Respond,
                &[R::PoweredOn],
                E::ResetCredentials,
                "Reset the credentials this system issues; stolen ones stop working.",
            )
        },
        b(
            "block_c2",
            "Block C2",
            15,
            Respond,
            &[],
            E::BlockC2,
            "Block the system's command-and-control and exfiltration traffic at the perimeter.",
        ),
        b(
            "reconfigure",
            "Reconfigure",
            20,
            Recover,
            &[R::NotDestroyed],
            E::Reconfigure,
            "Give the system the credentials it uses after a reset, so it works again.",
        ),
        b(
            "collect_evidence",
            "Collect evidence",
            45,
            Detect,
            &[R::PoweredOn, R::NotDestroyed],
            E::CollectEvidence,
            "Image memory and disk so an investigation can find more.",
        ),
        b(
            "investigate",
            "Investigate",
            60,
            Detect,
            &[],
            E::Investigate,
            "Look for signs of compromise; better with evidence collected.",
        ),
        b(
            "decrypt",
            "Decrypt",
            30,
            Recover,
            &[R::Encrypted, R::Decryptor],
            E::Decrypt,
            "Run the attacker's decryptor, once a decision bought it: slow, and not every system comes back.",
        ),
        b(
            "share_finding",
            "Share finding",
            5,
            Detect,
            &[],
            E::ShareFinding,
            "Tell the other teams what this team knows about the system.",
        ),
    ]
}

/// The built-in actions every scenario starts from, sorted by id.
pub fn builtin_actions() -> Vec<ActionDef> {
    let mut all: Vec<ActionDef> = builtins()
        .into_iter()
        .map(|b| ActionDef {
            id: b.id.to_owned(),
            name: b.name.to_owned(),
            target: TargetKind::System,
            duration: Minutes(b.duration),
            capacity: 1,
            phase: b.phase,
            applies_to: b.applies_to.to_vec(),
            requires: b.requires.to_vec(),
            side_effects: SideEffects::of(std::slice::from_ref(&b.effect)),
            effects: vec![b.effect],
            description: b.description.to_owned(),
        })
        .collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

/// The scenario's catalogue: built-ins with the scenario's overrides applied, plus the
/// scenario's own actions, sorted by id. New actions lacking a required field are skipped
/// here; validation reports them.
pub fn resolve_actions(scenario: &Scenario) -> Vec<ActionDef> {
    let mut all = builtin_actions();
    for spec in &scenario.actions {
        match all.iter_mut().find(|a| a.id == spec.id) {
            Some(existing) => apply(existing, spec),
            None => {
                if let Some(def) = new_action(spec) {
                    all.push(def);
                }
            }
        }
    }
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

fn apply(def: &mut ActionDef, spec: &ActionSpec) {
    let ActionSpec {
        id: _,
        name,
        target,
        duration,
        capacity,
        phase,
        applies_to,
        requires,
        effects,
        description,
        side_effects,
    } = spec.clone();
    def.name = name.unwrap_or(std::mem::take(&mut def.name));
    def.target = target.unwrap_or(def.target);
    def.duration = duration.unwrap_or(def.duration);
    def.capacity = capacity.unwrap_or(def.capacity);
    def.phase = phase.unwrap_or(def.phase);
    def.applies_to = applies_to.unwrap_or(std::mem::take(&mut def.applies_to));
    def.requires = requires.unwrap_or(std::mem::take(&mut def.requires));
    def.effects = effects.unwrap_or(std::mem::take(&mut def.effects));
    def.description = description.unwrap_or(std::mem::take(&mut def.description));
    // Side effects follow the effects the action ends up with, then the scenario's word.
    def.side_effects = SideEffects::of(&def.effects).overridden(&side_effects.unwrap_or_default());
}

/// Fields a new (not built-in) action must give, by name, when missing from `spec`.
pub(crate) fn missing_fields(spec: &ActionSpec) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if spec.name.is_none() {
        missing.push("name");
    }
    if spec.target.is_none() {
        missing.push("target");
    }
    if spec.duration.is_none() {
        missing.push("duration");
    }
    if spec.effects.is_none() {
        missing.push("effects");
    }
    missing
}

fn new_action(spec: &ActionSpec) -> Option<ActionDef> {
    if !missing_fields(spec).is_empty() {
        return None;
    }
    let mut def = ActionDef {
        id: spec.id.clone(),
        name: String::new(),
        target: TargetKind::System,
        duration: Minutes::ZERO,
        capacity: 1,
        phase: Phase::Respond,
        applies_to: Vec::new(),
        requires: Vec::new(),
        effects: Vec::new(),
        description: String::new(),
        side_effects: SideEffects::default(),
    };
    apply(&mut def, spec);
    Some(def)
}
