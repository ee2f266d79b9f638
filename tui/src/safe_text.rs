//! Makes text from scenarios, playbooks and drill logs safe to print on a terminal.
//!
//! Scenario and log files are input from whoever wrote them. A string field holding
//! `"\x1b[2J"` would clear the facilitator's screen, `"\x1b]52;c;…\x07"` would write to the
//! clipboard and `"\x1b]0;…\x07"` would retitle the window if printed raw. Every
//! terminal-bound output of such text goes through [`terminal_safe`] (or, where byte offsets
//! into the text must stay valid, [`terminal_safe_same_len`]); JSON output goes through
//! [`json_safe`].
//!
//! What counts as a control: C0 (U+0000–U+001F) except `'\n'` and `'\t'`, DEL (U+007F),
//! C1 (U+0080–U+009F, which some terminals honour as 8-bit CSI/OSC introducers), and a
//! carriage return that is not followed by `'\n'` (a lone `'\r'` moves the cursor back and
//! lets later text overwrite what came before; `"\r\n"` line endings are harmless).

use std::borrow::Cow;

/// Whether `c` at this position must not reach the terminal; `next` is the character after.
fn is_hostile(c: char, next: Option<char>) -> bool {
    match c {
        '\n' | '\t' => false,
        '\r' => next != Some('\n'),
        c => c.is_control(),
    }
}

/// Replaces terminal control characters with a visible stand-in, leaving everything else.
///
/// C0 controls and DEL become caret notation, as `cat -v` shows them (`ESC` → `^[`, `BEL` →
/// `^G`, a lone `CR` → `^M`, `DEL` → `^?`), so an author can see and find the stray byte.
/// C1 controls have no caret form and become U+FFFD (`�`). `'\n'`, `'\t'` and `"\r\n"` are
/// kept. Borrows when there is nothing to replace, which is almost always.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    replace_hostile(s, |c, out| {
        let code = u32::from(c);
        if code < 0x20 {
            out.push('^');
            // 0x00–0x1F map to '@'–'_' in caret notation.
            out.push(char::from_u32(code + 0x40).unwrap_or('?'));
        } else if code == 0x7f {
            out.push_str("^?");
        } else {
            out.push('\u{fffd}');
        }
    })
}

/// Like [`terminal_safe`] but keeps the byte length and every char boundary: each control
/// byte becomes `'?'` (a two-byte C1 character becomes `"??"`).
///
/// For text whose byte offsets are used after sanitising, such as the source handed to
/// codespan-reporting together with diagnostic spans computed on the original.
pub fn terminal_safe_same_len(s: &str) -> Cow<'_, str> {
    replace_hostile(s, |c, out| {
        out.extend(std::iter::repeat_n('?', c.len_utf8()));
    })
}

/// JSON text with DEL and the C1 controls written as `\u00XX` escapes.
///
/// serde_json escapes the C0 controls inside strings but writes DEL and C1 (U+0080–U+009F)
/// raw, and some terminals act on C1. Outside strings JSON holds no such character, so the
/// result is valid JSON with the same value.
pub fn json_safe(json: &str) -> Cow<'_, str> {
    if !json.chars().any(|c| ('\u{7f}'..='\u{9f}').contains(&c)) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if ('\u{7f}'..='\u{9f}').contains(&c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Copies `s`, letting `replace` write a stand-in for each hostile character.
fn replace_hostile(s: &str, replace: impl Fn(char, &mut String)) -> Cow<'_, str> {
    let mut chars = s.char_indices().peekable();
    let first = loop {
        match chars.next() {
            None => return Cow::Borrowed(s),
            Some((i, c)) if is_hostile(c, chars.peek().map(|&(_, n)| n)) => break (i, c),
            Some(_) => {}
        }
    };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..first.0]);
    replace(first.1, &mut out);
    while let Some((_, c)) = chars.next() {
        if is_hostile(c, chars.peek().map(|&(_, n)| n)) {
            replace(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether any character a terminal would act on survives.
    fn has_control(s: &str) -> bool {
        s.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        for s in ["", "Ransomware on FS-01", "café ✓ 日本", "a\tb\nc\r\nd"] {
            assert!(matches!(terminal_safe(s), Cow::Borrowed(t) if t == s), "{s:?}");
            assert!(matches!(terminal_safe_same_len(s), Cow::Borrowed(t) if t == s), "{s:?}");
        }
    }

    #[test]
    fn escapes_become_caret_notation() {
        assert_eq!(terminal_safe("a\x1b[2Jb"), "a^[[2Jb");
        assert_eq!(terminal_safe("\x1b]52;c;AAAA\x07"), "^[]52;c;AAAA^G");
        assert_eq!(terminal_safe("\0\x7f"), "^@^?");
        assert_eq!(terminal_safe("x\u{9b}31m\u{85}"), "x\u{fffd}31m\u{fffd}");
    }

    #[test]
    fn lone_carriage_return_is_replaced_but_crlf_kept() {
        assert_eq!(terminal_safe("safe\rEVIL"), "safe^MEVIL");
        assert_eq!(terminal_safe("end\r"), "end^M");
        assert_eq!(terminal_safe("one\r\ntwo"), "one\r\ntwo");
        assert_eq!(terminal_safe("\r\r\n"), "^M\r\n");
    }

    #[test]
    fn same_len_keeps_every_byte_offset() {
        let s = "é\x1b[2J\u{9b}x\ry\r\n\x07";
        let safe = terminal_safe_same_len(s);
        assert_eq!(safe.len(), s.len());
        assert_eq!(safe, "é?[2J??x?y\r\n?");
        for (i, _) in s.char_indices() {
            assert!(safe.is_char_boundary(i), "boundary {i}");
        }
    }

    #[test]
    fn json_keeps_its_value_without_raw_c1() {
        let value = serde_json::json!({ "title": "a\u{9b}2J\x1b[0m\u{7f}é" });
        let text = serde_json::to_string(&value).expect("JSON");
        assert!(text.contains('\u{9b}'), "serde_json writes C1 raw: {text}");
        let safe = json_safe(&text);
        assert_eq!(safe, r#"{"title":"a\u009b2J\u001b[0m\u007fé"}"#);
        let back: serde_json::Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back, value);
        assert!(matches!(json_safe("{\"a\":\"é\"}"), Cow::Borrowed(_)));
    }

    #[test]
    fn nothing_a_terminal_acts_on_survives() {
        // Every code point below U+00A0 in every position, plus lone CRs.
        let all: String = (0u32..0xa0).filter_map(char::from_u32).collect();
        for s in [all.as_str(), "\r", "a\rb"] {
            let safe = terminal_safe(s);
            assert!(!has_control(&safe) && !safe.replace("\r\n", "").contains('\r'), "{safe:?}");
            let same = terminal_safe_same_len(s);
            assert!(!has_control(&same) && !same.replace("\r\n", "").contains('\r'), "{same:?}");
        }
    }
}
