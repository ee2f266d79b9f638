//! The ATT&CK view: which techniques the attacker's stages used, whether each was detected,
//! and the same as an ATT&CK Navigator layer.

use serde::Serialize;

use super::context::{Ctx, clock};
use super::report::{AttackView, Report, TechniqueUse};
use crate::model::Event;
use crate::scenario::{attack_version, technique};

/// One run of a stage: from its start to its success or block (or the end of the log).
struct Run<'a> {
    stage: &'a str,
    technique: &'a str,
    targets: &'a [String],
    from: u32,
    succeeded: Option<u32>,
}

/// The techniques used, in the order first started.
pub(crate) fn attack_view(ctx: &Ctx<'_>) -> AttackView {
    let mut runs: Vec<Run<'_>> = Vec::new();
    for (at, e) in &ctx.events {
        match e {
            Event::StageStarted { stage, technique, targets } => {
                runs.push(Run { stage, technique, targets, from: *at, succeeded: None })
            }
            Event::StageSucceeded { stage, .. } => {
                if let Some(r) =
                    runs.iter_mut().rev().find(|r| r.stage == stage && r.succeeded.is_none())
                {
                    r.succeeded = Some(*at);
                }
            }
            _ => {}
        }
    }
    let mut out: Vec<TechniqueUse> = Vec::new();
    for run in &runs {
        let detection = ctx.events.iter().find_map(|(at, e)| {
            if *at < run.from {
                return None;
            }
            match e {
                Event::Alert { team, system, technique: t, true_positive: true, .. }
                    if run.targets.contains(system) && t == run.technique =>
                {
                    Some((*at, format!("alert to {team} on {system}")))
                }
                Event::Finding { team, system, compromised: true, .. }
                    if run.targets.contains(system) =>
                {
                    Some((*at, format!("{team} found compromise on {system}")))
                }
                _ => None,
            }
        });
        let i = match out.iter().position(|t| t.id == run.technique) {
            Some(i) => i,
            None => {
                let known = technique(run.technique);
                out.push(TechniqueUse {
                    id: run.technique.to_owned(),
                    name: known.map(|t| t.name.to_owned()).unwrap_or_default(),
                    tactics: known
                        .map(|t| t.tactics.iter().map(|s| (*s).to_owned()).collect())
                        .unwrap_or_default(),
                    stages: Vec::new(),
                    targets: Vec::new(),
                    first_started: run.from,
                    runs: 0,
                    succeeded_at: None,
                    detected: false,
                    detected_at: None,
                    detected_by: None,
                });
                out.len() - 1
            }
        };
        let t = &mut out[i];
        t.runs += 1;
        if !t.stages.iter().any(|s| s == run.stage) {
            t.stages.push(run.stage.to_owned());
        }
        for target in run.targets {
            if !t.targets.contains(target) {
                t.targets.push(target.clone());
            }
        }
        if t.succeeded_at.is_none() {
            t.succeeded_at = run.succeeded;
        }
        if let Some((at, by)) = detection
            && t.detected_at.is_none_or(|d| at < d)
        {
            t.detected = true;
            t.detected_at = Some(at);
            t.detected_by = Some(by);
        }
    }
    AttackView { catalogue: attack_version().to_owned(), techniques: out }
}

/// Colour of a detected technique in the Navigator layer.
pub const DETECTED_COLOUR: &str = "#31a354";
/// Colour of a technique used and not detected.
pub const MISSED_COLOUR: &str = "#e34a33";

/// An ATT&CK Navigator layer (layer format 4.5).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NavigatorLayer {
    /// Layer name.
    pub name: String,
    /// ATT&CK, Navigator and layer format versions.
    pub versions: NavigatorVersions,
    /// `enterprise-attack`.
    pub domain: String,
    /// What the layer shows.
    pub description: String,
    /// One entry per technique used.
    pub techniques: Vec<NavigatorTechnique>,
    /// Colour scale of the scores: 0 missed, 1 detected.
    pub gradient: NavigatorGradient,
    /// The legend: detected and missed.
    pub legend_items: Vec<NavigatorLegendItem>,
    /// Drill facts for people.
    pub metadata: Vec<NavigatorMetadata>,
    /// Hide techniques not in the layer.
    pub hide_disabled: bool,
}

/// Versions a layer declares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NavigatorVersions {
    /// ATT&CK major version (`18`).
    pub attack: String,
    /// Navigator version (`5.1.0`).
    pub navigator: String,
    /// Layer format version (`4.5`).
    pub layer: String,
}

/// One technique of a layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NavigatorTechnique {
    /// Technique id (`T1003.001`).
    #[serde(rename = "techniqueID")]
    pub technique_id: String,
    /// Cell colour.
    pub color: String,
    /// What happened, for people.
    pub comment: String,
    /// 1 detected, 0 missed.
    pub score: u32,
    /// Shown.
    pub enabled: bool,
}

/// The colour scale of a layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NavigatorGradient {
    /// Colours from the minimum to the maximum score.
    pub colors: Vec<String>,
    /// Lowest score.
    pub min_value: u32,
    /// Highest score.
    pub max_value: u32,
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NavigatorLegendItem {
    /// Label.
    pub label: String,
    /// Colour.
    pub color: String,
}

/// A name/value pair of layer metadata.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NavigatorMetadata {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// The ATT&CK major version of the shipped catalogue (`v18.1` → `18`).
fn attack_major() -> String {
    let v = attack_version().trim_start_matches('v');
    v.split('.').next().unwrap_or(v).to_owned()
}

/// The report's techniques as an ATT&CK Navigator layer: detected green, missed red.
pub fn navigator_layer(report: &Report) -> NavigatorLayer {
    let d = &report.drill;
    let techniques = report
        .attack
        .techniques
        .iter()
        .map(|t| {
            let mut comment = format!(
                "Stage {} on {}: started {}",
                t.stages.join(", "),
                t.targets.join(", "),
                clock(t.first_started)
            );
            match t.succeeded_at {
                Some(at) => comment.push_str(&format!(", succeeded {}", clock(at))),
                None => comment.push_str(", never succeeded"),
            }
            match (&t.detected_by, t.detected_at) {
                (Some(by), Some(at)) => {
                    comment.push_str(&format!("; detected {} ({by})", clock(at)))
                }
                _ => comment.push_str("; not detected"),
            }
            NavigatorTechnique {
                technique_id: t.id.clone(),
                color: if t.detected { DETECTED_COLOUR } else { MISSED_COLOUR }.to_owned(),
                comment,
                score: u32::from(t.detected),
                enabled: true,
            }
        })
        .collect();
    NavigatorLayer {
        name: format!("tabletop: {} (seed {})", d.title, d.seed),
        versions: NavigatorVersions {
            attack: attack_major(),
            navigator: "5.1.0".into(),
            layer: "4.5".into(),
        },
        domain: "enterprise-attack".into(),
        description: format!(
            "Techniques the attacker used in a drill of {} ({}), detected (green) or missed (red).{}",
            d.scenario_name,
            d.scenario_id,
            if report.partial { " Partial: the log stops early." } else { "" }
        ),
        techniques,
        gradient: NavigatorGradient {
            colors: vec![MISSED_COLOUR.into(), DETECTED_COLOUR.into()],
            min_value: 0,
            max_value: 1,
        },
        legend_items: vec![
            NavigatorLegendItem { label: "detected".into(), color: DETECTED_COLOUR.into() },
            NavigatorLegendItem { label: "missed".into(), color: MISSED_COLOUR.into() },
        ],
        metadata: vec![
            NavigatorMetadata { name: "scenario".into(), value: d.scenario_id.clone() },
            NavigatorMetadata { name: "seed".into(), value: d.seed.to_string() },
            NavigatorMetadata { name: "scenario_sha256".into(), value: d.scenario_sha256.clone() },
        ],
        hide_disabled: false,
    }
}
