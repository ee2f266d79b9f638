//! What people add to a drill's record after it ends: the facilitator's rating overrides,
//! observations tied to moments, and edits to the improvement plan. Appended to the log
//! after its seal, chained like every other line.

use serde::{Deserialize, Serialize};

use crate::scenario::Minutes;

/// The HSEEP performance ratings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Rating {
    /// Performed without challenges.
    P,
    /// Performed with some challenges.
    S,
    /// Performed with major challenges.
    M,
    /// Unable to be performed.
    U,
}

impl Rating {
    /// The rating's meaning, for people.
    pub fn meaning(self) -> &'static str {
        match self {
            Rating::P => "performed without challenges",
            Rating::S => "performed with some challenges",
            Rating::M => "performed with major challenges",
            Rating::U => "unable to be performed",
        }
    }

    /// Reads `P`, `S`, `M` or `U` (either case).
    pub fn parse(s: &str) -> Option<Rating> {
        match s.trim().to_ascii_uppercase().as_str() {
            "P" => Some(Rating::P),
            "S" => Some(Rating::S),
            "M" => Some(Rating::M),
            "U" => Some(Rating::U),
            _ => None,
        }
    }
}

/// What an observation says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObservationKind {
    /// Something that went well.
    Strength,
    /// Something that went wrong or was hard.
    Problem,
    /// Something to do differently.
    Suggestion,
}

/// One review record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case", deny_unknown_fields)]
pub enum Review {
    /// The facilitator rates a capability in place of the computed rating.
    Rating {
        /// Capability name, as the report lists it.
        capability: String,
        /// The rating.
        rating: Rating,
        /// Why: required, shown next to the computed rating.
        reason: String,
    },
    /// An observation from the facilitator or a seat (the hotwash).
    Observation {
        /// Who made it: `facilitator` or a team id.
        by: String,
        /// Strength, problem or suggestion (`category` in the log: `kind` names the record).
        #[serde(rename = "category")]
        kind: ObservationKind,
        /// What was observed.
        text: String,
        /// The capability it concerns.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        capability: Option<String>,
        /// The team it concerns.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        team: Option<String>,
        /// The drill time it is pinned to.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<Minutes>,
        /// The improvement-plan item it is pinned to (the item's id).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<String>,
    },
    /// The facilitator sets an improvement-plan item's owner or due date.
    Plan {
        /// The item's id, as the report gives it.
        item: String,
        /// The new owner, when changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
        /// The new due date, when changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{Body, LogWriter, read_log};

    /// Every kind of review record reads back from a sealed log as written.
    #[test]
    fn review_records_read_back_after_the_seal() {
        let reviews = vec![
            Review::Rating {
                capability: "Containment".into(),
                rating: Rating::S,
                reason: "late".into(),
            },
            Review::Observation {
                by: "it".into(),
                kind: ObservationKind::Problem,
                text: "nobody owned the patch".into(),
                capability: Some("Containment".into()),
                team: Some("it".into()),
                at: Some(Minutes(130)),
                item: Some("request-1-declined".into()),
            },
            Review::Plan { item: "recovery".into(), owner: Some("it".into()), due: None },
        ];
        let header = crate::log::Header {
            format: crate::log::LOG_FORMAT,
            engine: "test".into(),
            seed: 1,
            scenario_name: "x.ron".into(),
            scenario_sha256: String::new(),
            scenario: String::new(),
        };
        let mut out = Vec::new();
        let mut w = LogWriter::new(&mut out, header).expect("header");
        w.seal().expect("seal");
        for r in &reviews {
            w.append(Body::Review(r.clone())).expect("review");
        }
        let text = String::from_utf8(out).expect("utf-8");
        let log = read_log(&text).expect("the log reads");
        let read: Vec<Review> = log.reviews.into_iter().map(|(_, r)| r).collect();
        assert_eq!(read, reviews);
    }
}
