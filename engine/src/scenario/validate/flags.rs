//! Flags: each one set is read somewhere.

use crate::scenario::flags::FlagUse;
use crate::scenario::locate::Seg::Index as I;

use super::{Ctx, closest};

impl Ctx<'_> {
    /// Warns of each place a flag is set that nothing reads: setting it changes nothing.
    pub(super) fn check_unread_flags(&mut self) {
        let uses = FlagUse::of(self.s);
        for (flag, path) in uses.set {
            if uses.read.contains(flag) {
                continue;
            }
            let help = match closest(flag, uses.read.iter().copied()) {
                Some(best) => format!("did you mean `{best}`, which is read?"),
                None => format!(
                    "setting it changes nothing in the drill: read it with `Flag(\"{flag}\")` in a trigger, an objective, a critical task or a requirement, or leave it out"
                ),
            };
            self.warn(
                "unread-flag",
                [path, vec![I(0)]].concat(),
                format!("flag `{flag}` is set but nothing reads it"),
                Some(help),
            );
        }
    }
}
