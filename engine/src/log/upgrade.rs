//! Logs written by older engines: each record is rewritten, as JSON, into today's shape before
//! it is read, so every other module reads one shape of record. This is the one place that
//! knows what older formats wrote; it changes only what a format changed.

use serde_json::Value;

/// Rewrites a record of log format `format` into the current format.
pub(super) fn upgrade(format: u32, rec: &mut Value) {
    if format < 2 {
        from_1(rec);
    }
}

/// Format 1 (engine 0.1.0) wrote prose where format 2 writes types: an alert's summary
/// (`LSASS Memory (T1003.001)`) instead of the technique it matched, a blocked stage's
/// reason instead of its cause (only "it failed", chance, can be told apart), and a
/// decision's decider as a bare string (a team id, or `timeout`).
fn from_1(rec: &mut Value) {
    let Some(event) = rec.get_mut("event").and_then(Value::as_object_mut) else { return };
    match event.get("type").and_then(Value::as_str) {
        Some("alert") => {
            if let Some(Value::String(summary)) = event.remove("summary") {
                event.insert("technique".into(), Value::String(technique_of(&summary).into()));
            }
        }
        Some("stage_blocked") => {
            if let Some(Value::String(reason)) = event.remove("reason") {
                let cause = if reason == "it failed" {
                    Value::String("chance".into())
                } else {
                    serde_json::json!({ "recorded": reason })
                };
                event.insert("cause".into(), cause);
            }
        }
        Some("decision_taken") => {
            if let Some(Value::String(by)) = event.get("by").cloned() {
                let decider = match by.as_str() {
                    "timeout" | "facilitator" => Value::String(by),
                    team => serde_json::json!({ "team": team }),
                };
                event.insert("by".into(), decider);
            }
        }
        _ => {}
    }
}

/// The technique id a format 1 alert summary named: `Name (T1003.001)`, or the summary itself
/// when it was a bare id (a technique outside the catalogue).
fn technique_of(summary: &str) -> &str {
    summary
        .strip_suffix(')')
        .and_then(|inner| inner.rfind('(').map(|open| &inner[open + 1..]))
        .unwrap_or(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_1_alerts_and_decisions_take_todays_shape() {
        let mut alert = serde_json::json!({"kind": "event", "at": "5m", "event": {
            "type": "alert", "id": 3, "team": "security", "system": "dc01",
            "summary": "LSASS Memory (T1003.001)", "true_positive": true}});
        upgrade(1, &mut alert);
        assert_eq!(alert["event"]["technique"], "T1003.001");
        assert!(alert["event"].get("summary").is_none());
        let mut bare = serde_json::json!({"event": {"type": "alert", "summary": "T9999"}});
        upgrade(1, &mut bare);
        assert_eq!(bare["event"]["technique"], "T9999");
        let mut chance =
            serde_json::json!({"event": {"type": "stage_blocked", "reason": "it failed"}});
        upgrade(1, &mut chance);
        assert_eq!(chance["event"]["cause"], "chance");
        let mut cut = serde_json::json!({"event": {"type": "stage_blocked", "reason": "its path to the targets was cut"}});
        upgrade(1, &mut cut);
        assert_eq!(cut["event"]["cause"]["recorded"], "its path to the targets was cut");
        for (by, now) in [
            ("it", serde_json::json!({"team": "it"})),
            ("timeout", serde_json::json!("timeout")),
            ("facilitator", serde_json::json!("facilitator")),
        ] {
            let mut d = serde_json::json!({"event": {"type": "decision_taken", "by": by}});
            upgrade(1, &mut d);
            assert_eq!(d["event"]["by"], now);
        }
    }
}
