//! Taking the decisions that wait in a seat's view: each choice is weighed by the stakes it
//! declares it serves and risks (`serves`, `risks`), as the policy and what the seat knows
//! weigh them, the cheaper of equal choices preferred; never by a choice's id or label.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use crate::drill::Drill;
use crate::model::{Command, Rejection};
use crate::scenario::Stake;

use super::inventory::Offer;
use super::{Bot, Policy};

/// What a one-sided policy gives the stake it favours (uptime for it-first, containment for
/// security-first); every other stake weighs 1.
const FAVOURED: i64 = 3;
/// What every policy gives people's safety: more than anything else a choice can serve.
const SAFETY: i64 = 4;
/// What coordinated gives compliance, whatever the seat knows: obligations always count,
/// as much as a pressing outage or a confirmed compromise.
const COMPLIANCE: i64 = 2;
/// The share of the hourly cost of what a seat sees that, seen down, makes uptime pressing
/// for coordinated: a critical service or several lesser ones.
const PRESSING_OUTAGE: f64 = 0.2;

impl Bot {
    /// Takes every decision waiting for team `t` whose choices declare what they trade, as
    /// its seat submits a decision (`Command::Decide`), once each. A decision none of whose
    /// choices declares anything is left to its default: a bot does not read labels.
    pub(super) fn decide(&mut self, drill: &mut Drill, t: usize) {
        let Some(v) = self.view(t) else { return };
        let waiting: Vec<(String, Vec<String>)> = v
            .decisions
            .iter()
            .filter(|d| !self.decided.contains(&d.inject))
            .map(|d| (d.inject.clone(), d.choices.iter().map(|(id, _)| id.clone()).collect()))
            .collect();
        for (inject, listed) in waiting {
            self.decided.insert(inject.clone());
            let Some(seat) = self.seat(t) else { return };
            // The best choice that is open: one whose `requires` does not hold is refused, as
            // it would be for a person, and the next best is tried. Any other refusal (the
            // decision was taken meanwhile) leaves nothing to retry.
            for choice in self.choose(t, &inject, &listed) {
                let decide = Command::Decide { inject: inject.clone(), choice };
                if !matches!(drill.submit(&seat, decide), Err(Rejection::ChoiceUnavailable { .. }))
                {
                    break;
                }
            }
        }
    }

    /// The choices team `t` would take among those the view lists, best first: the best
    /// weighed, then the cheapest (a running cost counted to the end of the drill), then
    /// the default, then the first listed; none when no choice declares a trade.
    fn choose(&self, t: usize, inject: &str, listed: &[String]) -> Vec<String> {
        let offers: Vec<&Offer> = listed
            .iter()
            .filter_map(|id| self.estate.offers.get(inject)?.iter().find(|o| &o.id == id))
            .collect();
        if offers.iter().all(|o| o.serves.is_empty() && o.risks.is_empty()) {
            return Vec::new();
        }
        let weigh =
            |stakes: &BTreeSet<Stake>| -> i64 { stakes.iter().map(|&s| self.weight(t, s)).sum() };
        // A running cost counts as if it ran to the end of the drill: the most it can cost.
        let hours_left = self.view(t).map_or(0, |v| v.end.0.saturating_sub(v.now.0)) / 60;
        let cost = |o: &Offer| {
            o.cost.saturating_add(o.per_hour.saturating_mul(u64::from(hours_left.max(1))))
        };
        let mut ranked: Vec<(usize, &&Offer)> = offers.iter().enumerate().collect();
        ranked.sort_by_key(|(i, o)| {
            Reverse((weigh(&o.serves) - weigh(&o.risks), Reverse(cost(o)), o.default, Reverse(*i)))
        });
        ranked.into_iter().map(|(_, o)| o.id.clone()).collect()
    }

    /// What a stake weighs for team `t` under the bot's policy, now.
    fn weight(&self, t: usize, stake: Stake) -> i64 {
        match (self.policy, stake) {
            (_, Stake::Safety) => SAFETY,
            (Policy::ItFirst, Stake::Uptime) | (Policy::SecurityFirst, Stake::Containment) => {
                FAVOURED
            }
            (Policy::Coordinated, Stake::Uptime) => 1 + i64::from(self.outage_pressing(t)),
            (Policy::Coordinated, Stake::Containment) => 1 + i64::from(self.knows_a_compromise(t)),
            (Policy::Coordinated, Stake::Compliance) => COMPLIANCE,
            _ => 1,
        }
    }

    /// Whether the team knows some system compromised (and not rebuilt since).
    fn knows_a_compromise(&self, t: usize) -> bool {
        (0..self.estate.ids.len()).any(|s| self.knows_compromised(t, s).is_some())
    }

    /// Whether the team sees down at least `PRESSING_OUTAGE` of the hourly cost of what it
    /// sees. A seat without monitoring sees nothing down, however dark the building.
    fn outage_pressing(&self, t: usize) -> bool {
        let Some(v) = self.view(t) else { return false };
        let total = v.systems.iter().map(|s| s.criticality).fold(0u64, u64::saturating_add);
        let down = v.known_down().map(|s| s.criticality).fold(0u64, u64::saturating_add);
        total > 0 && down as f64 >= PRESSING_OUTAGE * total as f64
    }
}
