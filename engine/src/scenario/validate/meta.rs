//! The drill as a whole: its format version, clock and detection settings.

use crate::scenario::locate::Seg::Field as F;
use crate::scenario::{DrillKind, FORMAT_VERSION, Minutes};

use super::Ctx;
use super::time::{MAX_DURATION, MAX_SPAN};

impl Ctx<'_> {
    pub(super) fn check_meta(&mut self) {
        let s = self.s;
        if s.format != FORMAT_VERSION {
            self.error(
                "unsupported-format",
                vec![F("format")],
                format!("format {} is not one this tabletop reads", s.format),
                Some(format!("this build reads format {FORMAT_VERSION}")),
            );
        }
        let m = &s.meta;
        if m.duration == Minutes::ZERO || m.duration > MAX_DURATION {
            self.error(
                "out-of-range",
                vec![F("meta"), F("duration")],
                format!(
                    "the drill lasts {}; it must last more than 0m and at most {MAX_DURATION}",
                    m.duration
                ),
                None,
            );
        }
        if m.tick == Minutes::ZERO || m.tick > m.duration {
            self.error(
                "out-of-range",
                vec![F("meta"), F("tick")],
                format!("a tick of {} must be at least 1m and no longer than the drill", m.tick),
                None,
            );
        }
        if m.kind == DrillKind::Breach && s.adversary.is_none() {
            self.warn(
                "no-adversary",
                vec![F("meta"), F("kind")],
                "a breach drill without an `adversary`".into(),
                Some("add an adversary campaign, or make the drill `kind: Disaster`".into()),
            );
        }
        let d = &s.detection;
        self.range(
            d.false_positives_per_hour,
            0.0,
            1000.0,
            vec![F("detection"), F("false_positives_per_hour")],
            "false_positives_per_hour",
        );
        self.range(
            d.investigation_success,
            0.0,
            1.0,
            vec![F("detection"), F("investigation_success")],
            "investigation_success",
        );
        self.range(
            d.investigation_success_with_evidence,
            0.0,
            1.0,
            vec![F("detection"), F("investigation_success_with_evidence")],
            "investigation_success_with_evidence",
        );
        self.range(
            d.beacons_per_hour,
            0.0,
            1000.0,
            vec![F("detection"), F("beacons_per_hour")],
            "beacons_per_hour",
        );
        self.range(
            d.exfiltration_alerts_per_hour,
            0.0,
            1000.0,
            vec![F("detection"), F("exfiltration_alerts_per_hour")],
            "exfiltration_alerts_per_hour",
        );
        self.span(
            d.monitoring_delay,
            MAX_SPAN,
            vec![F("detection"), F("monitoring_delay")],
            "`monitoring_delay`",
        );
    }
}
