//! The menus a team opens: actions on a system, organisation-wide actions, what to do with
//! an alert, a decision. Each entry says what it would do before it is chosen (how long,
//! how many hands, what it takes out of service and what that costs, the scenario's own
//! words) and, when it cannot be chosen now, why — so a player decides with the facts.

use tabletop_engine::Rejection;
use tabletop_engine::scenario::{ActionDef, ActionEffect, Minutes, OutOfService, TargetKind};
use tabletop_engine::view::KnownSystem;
use tabletop_engine::{Command, Seat};

use super::{Choice, MenuItem, Overlay, Session};
use crate::ui::money;

/// The actions the seat's team can take on `sys`, and what it can ask other teams to do
/// there: what can be done now first, then what cannot, each with the reason.
pub(super) fn system_menu(s: &mut Session, team: &str, sys: &KnownSystem) -> Overlay {
    let scenario = s.drill.scenario().clone();
    let catalogue = tabletop_engine::scenario::resolve_actions(&scenario);
    let offered = s.view.as_ref().map(|v| v.actions.clone()).unwrap_or_default();
    let mut items = Vec::new();
    for a in catalogue.iter().filter(|a| offered.contains(&a.id) && a.target == TargetKind::System)
    {
        if !a.applies_to.is_empty() && !a.applies_to.contains(&sys.kind) {
            continue;
        }
        let command =
            Command::Start { action: a.id.clone(), target: Some(sys.id.clone()), overrule: false };
        items.extend(start_items(s, team, a, format!("{} {}", a.name, sys.id), command));
    }
    for other in scenario.teams.iter().filter(|t| t.id != team) {
        for a in catalogue.iter().filter(|a| {
            other.actions.contains(&a.id)
                && a.target == TargetKind::System
                && (a.applies_to.is_empty() || a.applies_to.contains(&sys.kind))
        }) {
            let command = Command::Request {
                to: other.id.clone(),
                action: a.id.clone(),
                target: Some(sys.id.clone()),
                note: String::new(),
                approval: false,
            };
            let mut detail = describe(s, a, Some(&sys.id), Some((&other.name, other.capacity)));
            detail
                .insert(0, format!("{} does it, with their hands, once they accept.", other.name));
            // What the system's own state rules out is no use asking for.
            let theirs = Command::Start {
                action: a.id.clone(),
                target: Some(sys.id.clone()),
                overrule: false,
            };
            let impossible = match s.drill.check(&Seat::Team(other.id.clone()), &theirs) {
                Err(Rejection::Precondition(why)) => Some(why),
                _ => None,
            };
            items.push(MenuItem {
                label: format!(
                    "Ask {} to {} {}",
                    other.name,
                    super::session::lower_first(&a.name),
                    sys.id
                ),
                disabled: impossible.or_else(|| knowable_refusal(s, &command)),
                detail,
                choice: Choice::Send(command),
            });
        }
    }
    menu(format!("{} — {}", sys.name, sys.id), items)
}

/// The organisation-wide actions of the seat's team (notifications, declarations): they
/// have no system, so they get their own menu instead of hiding in every system's.
pub(super) fn organisation_menu(s: &mut Session, team: &str) -> Overlay {
    let scenario = s.drill.scenario().clone();
    let catalogue = tabletop_engine::scenario::resolve_actions(&scenario);
    let offered = s.view.as_ref().map(|v| v.actions.clone()).unwrap_or_default();
    let mut items = Vec::new();
    for a in
        catalogue.iter().filter(|a| offered.contains(&a.id) && a.target == TargetKind::Organisation)
    {
        let command = Command::Start { action: a.id.clone(), target: None, overrule: false };
        items.extend(start_items(s, team, a, a.name.clone(), command));
    }
    menu("Organisation-wide actions".into(), items)
}

/// What a team can do about an alert: a verdict (a logged command, an analyst's minutes),
/// or a look at the system it points at.
pub(super) fn alert_menu(s: &mut Session, alert: u64, system: &str, summary: &str) -> Overlay {
    let mut items = Vec::new();
    for (verdict, label, what) in [
        (
            tabletop_engine::model::Verdict::Escalate,
            "Escalate",
            "Treat it as a likely intrusion: the team follows it up first.",
        ),
        (
            tabletop_engine::model::Verdict::FalsePositive,
            "Mark a false positive",
            "Close it as noise. Dismissing a real intrusion shows in the report.",
        ),
    ] {
        let command = Command::Triage { alert, verdict };
        items.push(MenuItem {
            label: label.to_owned(),
            disabled: knowable_refusal(s, &command),
            detail: vec![what.to_owned(), "Takes an analyst a few minutes.".to_owned()],
            choice: Choice::Send(command),
        });
    }
    items.push(MenuItem {
        label: format!("Show {system} in the estate"),
        disabled: None,
        detail: vec!["Selects the system, to act on it with Enter.".to_owned()],
        choice: Choice::Show(system.to_owned()),
    });
    menu(format!("alert #{alert}: {summary} on {system}"), items)
}

/// The choices of a decision, titled with the inject a person read.
pub(super) fn decision_menu(title: &str, inject: &str, choices: &[(String, String)]) -> Overlay {
    let items = choices
        .iter()
        .map(|(cid, label)| MenuItem {
            label: label.clone(),
            disabled: None,
            detail: Vec::new(),
            choice: Choice::Send(Command::Decide {
                inject: inject.to_owned(),
                choice: cid.clone(),
            }),
        })
        .collect();
    menu(format!("Decide: {title}"), items)
}

/// A menu with what can be chosen first, in the catalogue's order within each group.
fn menu(title: String, mut items: Vec<MenuItem>) -> Overlay {
    items.sort_by_key(|i| i.disabled.is_some());
    Overlay::Menu { title, items, selected: 0 }
}

/// The menu items for starting an action: the action itself, or, where the rules of
/// engagement want an approval, a request for it (showing what the outage costs) and the
/// override where the rules allow one.
fn start_items(
    s: &mut Session,
    team: &str,
    def: &ActionDef,
    label: String,
    command: Command,
) -> Vec<MenuItem> {
    let seat = s.seat.clone();
    let Command::Start { action, target, .. } = &command else { return Vec::new() };
    let detail = describe(s, def, target.as_deref(), None);
    let Err(Rejection::NeedsApproval { approver, cost_per_hour, overrule_cost }) =
        s.drill.check(&seat, &command)
    else {
        return vec![MenuItem {
            disabled: knowable_refusal(s, &command),
            label: late(s, def, label),
            detail,
            choice: Choice::Send(command),
        }];
    };
    let currency = s.drill.scenario().meta.currency.clone();
    let approver_name = s.team_name(&approver).to_owned();
    let ask = Command::Request {
        to: approver.clone(),
        action: action.clone(),
        target: target.clone(),
        note: format!("{team} asks approval"),
        approval: true,
    };
    let mut ask_detail = detail.clone();
    ask_detail.insert(
        0,
        format!(
            "The rules of engagement want {approver_name}'s approval: they see the outage \
             cost ({}/h) and answer; you start it once approved.",
            money(cost_per_hour, &currency)
        ),
    );
    let mut items = vec![MenuItem {
        label: format!("{label}: ask {approver_name} to approve"),
        disabled: knowable_refusal(s, &ask),
        detail: ask_detail,
        choice: Choice::Send(ask),
    }];
    if let Some(cost) = overrule_cost {
        let command =
            Command::Start { action: action.clone(), target: target.clone(), overrule: true };
        let mut detail = detail;
        detail.insert(
            0,
            format!(
                "Acting against the rules of engagement costs {} and shows in the report.",
                money(cost, &currency)
            ),
        );
        items.push(MenuItem {
            label: late(s, def, format!("{label}: override, without {approver_name}")),
            disabled: knowable_refusal(s, &command),
            detail,
            choice: Choice::Send(command),
        });
    }
    items
}

/// The label, marked when the action would complete after the drill ends.
fn late(s: &Session, def: &ActionDef, label: String) -> String {
    if s.drill.now().0.saturating_add(def.duration.0) > s.drill.end().0 {
        format!("{label} (ends after the drill)")
    } else {
        label
    }
}

/// What an action on `target` would do, in lines a player reads before choosing.
/// `hands` says whose hands do the work: `None` for the seat's team, or another team's
/// name and capacity for a request.
fn describe(
    s: &Session,
    def: &ActionDef,
    target: Option<&str>,
    hands: Option<(&str, u32)>,
) -> Vec<String> {
    let currency = &s.drill.scenario().meta.currency;
    let mut lines = Vec::new();
    if !def.description.trim().is_empty() {
        lines.push(def.description.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    let done = Minutes(s.drill.now().0.saturating_add(def.duration.0));
    let whose = match hands {
        None => format!("your {}", s.view.as_ref().map_or(0, |v| v.capacity)),
        Some((team, capacity)) => format!("{team}'s {capacity}"),
    };
    let mut timing = format!(
        "Takes {} and {} of {whose} hands; done at {} at the earliest",
        def.duration,
        def.capacity,
        done.clock()
    );
    if done > s.drill.end() {
        timing.push_str(&format!(", after the drill ends at {}", s.drill.end().clock()));
    }
    timing.push('.');
    lines.push(timing);
    let effects: Vec<&str> = def.effects.iter().filter_map(effect_words).collect();
    if !effects.is_empty() {
        lines.push(format!("When done: {}.", effects.join("; ")));
    }
    let cost = s.drill.outage_cost(&def.id, target);
    let side = &def.side_effects;
    let mut costs = Vec::new();
    match side.out_of_service {
        OutOfService::WhileRunning => costs.push("out of service while it runs".to_owned()),
        OutOfService::UnlessRedundant => {
            costs.push("out of service while it runs unless redundant".to_owned())
        }
        OutOfService::Never => {}
    }
    if side.loses_data {
        costs.push("comes back without its data until restored".to_owned());
    }
    if side.breaks_users {
        costs.push("systems using its credentials fail until reconfigured".to_owned());
    }
    if side.cuts_egress {
        costs.push("may cut its own outbound traffic".to_owned());
    }
    if cost > 0 {
        costs.push(format!("outage with what depends on it ~{}/h", money(cost, currency)));
    }
    if !costs.is_empty() {
        lines.push(format!("Price: {}.", costs.join("; ")));
    }
    lines
}

/// An effect in a player's words; flags are the scenario's business and say nothing here.
fn effect_words(e: &ActionEffect) -> Option<&'static str> {
    Some(match e {
        ActionEffect::Isolate => "cut off the network, with what depends on it",
        ActionEffect::Reconnect => "connected back",
        ActionEffect::PowerOff => "powered off (volatile evidence is lost)",
        ActionEffect::PowerOn => "powered on",
        ActionEffect::FailOver => "runs from its replica at the DR site",
        ActionEffect::FailBack => "moved back from the DR site",
        ActionEffect::RestoreBackup => "restored from its newest good backup (later data is lost)",
        ActionEffect::Repair => "failed hardware replaced",
        ActionEffect::Decrypt => {
            "decrypted with the bought key: whole, or its files stay unreadable"
        }
        ActionEffect::Reimage => "wiped and rebuilt: footholds, persistence and evidence go",
        ActionEffect::Patch => "its known vulnerabilities closed",
        ActionEffect::ResetCredentials => "the credentials it issues are voided",
        ActionEffect::BlockC2 => "the attacker's command-and-control through it blocked",
        ActionEffect::CollectEvidence => "evidence preserved for investigation",
        ActionEffect::Investigate => "you learn whether it is compromised",
        ActionEffect::ShareFinding => "the other teams learn what you know of it",
        ActionEffect::Reconfigure => "given the new credentials it uses, so it works again",
        ActionEffect::SetFlag(_) => return None,
    })
}

/// Why a command would be refused now, if it would.
fn knowable_refusal(s: &mut Session, command: &Command) -> Option<String> {
    let seat: Seat = s.seat.clone();
    s.drill.check(&seat, command).err().map(|why| why.to_string())
}
