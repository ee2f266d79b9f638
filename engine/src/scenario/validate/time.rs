//! The bounds on spans of drill time: how long a drill, a step of its clock or a backup's
//! age may be.

use crate::scenario::Minutes;
use crate::scenario::locate::Path;

use super::Ctx;

/// The longest drill a scenario may describe.
pub(super) const MAX_DURATION: Minutes = Minutes(30 * 24 * 60);
/// The longest span the clock may be moved on by (a tick, an action, a stage, a restore, a
/// failover, an event, a time allowed, a delay), and the latest `earliest` of a stage: no
/// drill lasts longer, and drill time plus such spans stays far from overflowing.
pub(super) const MAX_SPAN: Minutes = MAX_DURATION;
/// The oldest a backup may be when the drill starts: a year of data lost by restoring it.
pub(super) const MAX_BACKUP_AGE: Minutes = Minutes(366 * 24 * 60);

impl Ctx<'_> {
    /// Reports a span (or `earliest`) longer than `max` as `out-of-range`.
    pub(super) fn span(&mut self, value: Minutes, max: Minutes, path: Path, what: &str) {
        if value > max {
            let help = if max == MAX_SPAN {
                format!(
                    "no drill lasts longer than {MAX_DURATION}, so no span in one needs to be longer"
                )
            } else {
                format!(
                    "a backup's age is the data a restore from it loses; {max} (a year) is the most"
                )
            };
            self.error(
                "out-of-range",
                path,
                format!("{what} is {value}; it must be at most {max}"),
                Some(help),
            );
        }
    }
}
