//! Simulated durations and drill times, written in scenarios as `"90m"`, `"4h"`, `"1h30m"`,
//! `"2d"` or `"02:30"` (hours and minutes since the drill started).

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A span of simulated time, or a moment measured from the start of the drill, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Minutes(pub u32);

impl Minutes {
    /// Zero minutes.
    pub const ZERO: Minutes = Minutes(0);

    /// The longest span or latest moment there is: 2³²−1 minutes, about 8,000 years.
    /// Arithmetic on `Minutes` stops here rather than wrapping round to the drill's start.
    pub const MAX: Minutes = Minutes(u32::MAX);

    /// Builds a span from whole hours (at most [`Minutes::MAX`]).
    pub const fn hours(h: u32) -> Self {
        Minutes(h.saturating_mul(60))
    }

    /// `self` plus `span`, or [`Minutes::MAX`] if that is later: a deadline or an end time
    /// that would overflow lies beyond every drill instead of wrapping round to its start.
    #[must_use]
    pub const fn saturating_add(self, span: Minutes) -> Minutes {
        Minutes(self.0.saturating_add(span.0))
    }

    /// `self` less `span`, or zero if that is earlier.
    #[must_use]
    pub const fn saturating_sub(self, span: Minutes) -> Minutes {
        Minutes(self.0.saturating_sub(span.0))
    }

    /// `n` times `self`, or [`Minutes::MAX`] if that is longer.
    #[must_use]
    pub const fn saturating_mul(self, n: u32) -> Minutes {
        Minutes(self.0.saturating_mul(n))
    }

    /// Parses the scenario notation; `None` when the text is not a duration or is longer
    /// than [`Minutes::MAX`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::parse_wide(text).and_then(|m| u32::try_from(m).ok()).map(Minutes)
    }

    /// Parses the notation into a number of minutes that may not fit `Minutes`: `None` when
    /// the text is not a duration, or so long that even `u64` overflows. Every step is
    /// checked, so no text can make parsing overflow.
    fn parse_wide(text: &str) -> Option<u64> {
        let text = text.trim();
        if let Some((h, m)) = text.split_once(':') {
            if m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
                return None;
            }
            let h: u64 = h.parse().ok()?;
            let m: u64 = m.parse().ok()?;
            if m >= 60 {
                return None;
            }
            return h.checked_mul(60)?.checked_add(m);
        }
        if text.is_empty() {
            return None;
        }
        let mut total: u64 = 0;
        let mut digits = String::new();
        for ch in text.chars() {
            if ch.is_ascii_digit() {
                digits.push(ch);
                continue;
            }
            let unit = match ch {
                'm' => 1,
                'h' => 60,
                'd' => 24 * 60,
                _ => return None,
            };
            let n: u64 = digits.parse().ok()?;
            digits.clear();
            total = total.checked_add(n.checked_mul(unit)?)?;
        }
        if !digits.is_empty() {
            return None;
        }
        Some(total)
    }

    /// The clock notation `HH:MM`, used for drill times in output.
    pub fn clock(self) -> String {
        format!("{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl fmt::Display for Minutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (d, h, m) = (self.0 / 1440, (self.0 / 60) % 24, self.0 % 60);
        let mut out = String::new();
        if d > 0 {
            out.push_str(&format!("{d}d"));
        }
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if m > 0 || out.is_empty() {
            out.push_str(&format!("{m}m"));
        }
        f.write_str(&out)
    }
}

impl Serialize for Minutes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Minutes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MinutesVisitor;
        impl Visitor<'_> for MinutesVisitor {
            type Value = Minutes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"a duration such as "90m", "4h", "1h30m", "2d" or a time "02:30""#)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Minutes, E> {
                match Minutes::parse_wide(v) {
                    Some(m) => u32::try_from(m).map(Minutes).map_err(|_| {
                        E::custom(format!(
                            "`{v}` is too long: no duration or drill time exceeds {} minutes",
                            Minutes::MAX.0
                        ))
                    }),
                    None => Err(E::custom(format!(
                        r#"`{v}` is not a duration: write minutes, hours and days such as "90m", "4h", "1h30m", "2d", or a drill time "02:30""#
                    ))),
                }
            }
        }
        deserializer.deserialize_str(MinutesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_notation() {
        assert_eq!(Minutes::parse("90m"), Some(Minutes(90)));
        assert_eq!(Minutes::parse("4h"), Some(Minutes(240)));
        assert_eq!(Minutes::parse("1h30m"), Some(Minutes(90)));
        assert_eq!(Minutes::parse("2d"), Some(Minutes(2880)));
        assert_eq!(Minutes::parse("02:30"), Some(Minutes(150)));
        assert_eq!(Minutes::parse("36:05"), Some(Minutes(2165)));
    }

    #[test]
    fn rejects_nonsense() {
        for bad in ["", "h", "4x", "4", "02:60", "2:3:4", "-1h", "99999999999m", "02:5"] {
            assert_eq!(Minutes::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn parsing_never_overflows() {
        assert_eq!(Minutes::parse("4294967295m"), Some(Minutes::MAX));
        assert_eq!(Minutes::parse("71582788:15"), Some(Minutes::MAX));
        for long in [
            "4294967296m",
            "71582789h",
            "2982617d",
            "99999999999d",
            "1m4294967295m",
            "71582788:16",
            "99999999999999999999999999d",
            "99999999999999999999999999:00",
        ] {
            assert_eq!(Minutes::parse(long), None, "{long}");
        }
    }

    #[test]
    fn arithmetic_saturates() {
        assert_eq!(Minutes(90).saturating_add(Minutes(30)), Minutes(120));
        assert_eq!(Minutes(10).saturating_add(Minutes::MAX), Minutes::MAX);
        assert_eq!(Minutes::MAX.saturating_add(Minutes(1)), Minutes::MAX);
        assert_eq!(Minutes(10).saturating_sub(Minutes(30)), Minutes::ZERO);
        assert_eq!(Minutes(30).saturating_sub(Minutes(10)), Minutes(20));
        assert_eq!(Minutes(60).saturating_mul(3), Minutes(180));
        assert_eq!(Minutes(1 << 20).saturating_mul(1 << 20), Minutes::MAX);
        assert_eq!(Minutes::hours(2), Minutes(120));
        assert_eq!(Minutes::hours(u32::MAX), Minutes::MAX);
    }

    #[test]
    fn displays_round_trip() {
        for m in [0, 1, 59, 60, 61, 1440, 1501] {
            assert_eq!(Minutes::parse(&Minutes(m).to_string()), Some(Minutes(m)));
        }
        assert_eq!(Minutes(150).clock(), "02:30");
    }
}
