//! What a remote terminal's bytes mean as key presses. Over SSH there is no local terminal
//! for crossterm to read: the client sends the bytes its terminal produces (xterm and its
//! descendants, which is what OpenSSH users have), and this turns them into the
//! `KeyEvent`s the one keymap (`crate::input`) already understands.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const ESC: u8 = 0x1b;

/// Decodes a chunk of bytes from the client into key presses. A chunk holds whole key
/// sequences in practice (a terminal writes each key at once); an escape sequence this does
/// not know is skipped whole rather than read as typed characters.
pub fn decode(bytes: &[u8]) -> Vec<KeyEvent> {
    let mut keys = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (key, used) = match b {
            ESC => escape(bytes.get(i + 1..).unwrap_or_default()),
            b'\r' | b'\n' => (Some(plain(KeyCode::Enter)), 1),
            b'\t' => (Some(plain(KeyCode::Tab)), 1),
            0x7f | 0x08 => (Some(plain(KeyCode::Backspace)), 1),
            // Ctrl-A..Ctrl-Z (Ctrl-C among them) arrive as 1..26.
            0x01..=0x1a => {
                let c = char::from(b'a' + b - 1);
                (Some(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)), 1)
            }
            _ => utf8(bytes.get(i..).unwrap_or_default()),
        };
        keys.extend(key);
        i += used.max(1);
    }
    keys
}

fn plain(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// An escape sequence after the ESC byte: (the key, bytes used including the ESC).
fn escape(rest: &[u8]) -> (Option<KeyEvent>, usize) {
    match rest {
        // ESC alone: the Esc key (terminals send sequences in one write, so a lone ESC at
        // the end of a chunk is the key itself).
        [] => (Some(plain(KeyCode::Esc)), 1),
        [b'[' | b'O', tail @ ..] => {
            // CSI / SS3: parameters, then one final byte in 0x40..=0x7e.
            let Some(end) = tail.iter().position(|b| (0x40..=0x7e).contains(b)) else {
                return (None, 1 + rest.len());
            };
            let params = tail.get(..end).unwrap_or_default();
            let code = match (tail.get(end), params) {
                (Some(b'A'), _) => Some(KeyCode::Up),
                (Some(b'B'), _) => Some(KeyCode::Down),
                (Some(b'C'), _) => Some(KeyCode::Right),
                (Some(b'D'), _) => Some(KeyCode::Left),
                (Some(b'H'), _) | (Some(b'~'), b"1" | b"7") => Some(KeyCode::Home),
                (Some(b'F'), _) | (Some(b'~'), b"4" | b"8") => Some(KeyCode::End),
                (Some(b'Z'), _) => Some(KeyCode::BackTab),
                (Some(b'~'), b"3") => Some(KeyCode::Delete),
                (Some(b'~'), b"5") => Some(KeyCode::PageUp),
                (Some(b'~'), b"6") => Some(KeyCode::PageDown),
                _ => None,
            };
            let modifiers = if code == Some(KeyCode::BackTab) {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            (code.map(|c| KeyEvent::new(c, modifiers)), 1 + 1 + end + 1)
        }
        // ESC ESC: the Esc key, then whatever the second starts.
        [ESC, ..] => (Some(plain(KeyCode::Esc)), 1),
        // Alt+key: ESC before the key's bytes. The keymap binds no Alt keys; drop both.
        [_, ..] => {
            let (_, used) = utf8(rest);
            (None, 1 + used)
        }
    }
}

/// One UTF-8 character at the start of `bytes`: (the key, bytes used). Invalid bytes are
/// skipped one at a time.
fn utf8(bytes: &[u8]) -> (Option<KeyEvent>, usize) {
    let len = match bytes.first() {
        Some(b) if *b < 0x80 => 1,
        Some(b) if *b >= 0xf0 => 4,
        Some(b) if *b >= 0xe0 => 3,
        Some(b) if *b >= 0xc0 => 2,
        _ => return (None, 1),
    };
    match bytes.get(..len).map(std::str::from_utf8) {
        Some(Ok(s)) => (s.chars().next().map(|c| plain(KeyCode::Char(c))), len),
        _ => (None, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(bytes: &[u8]) -> Vec<KeyCode> {
        decode(bytes).into_iter().map(|k| k.code).collect()
    }

    #[test]
    fn typed_text_and_the_keys_the_keymap_binds() {
        assert_eq!(codes(b"q?"), [KeyCode::Char('q'), KeyCode::Char('?')]);
        assert_eq!(codes(b"\r\t\x7f"), [KeyCode::Enter, KeyCode::Tab, KeyCode::Backspace]);
        assert_eq!(codes("é".as_bytes()), [KeyCode::Char('é')]);
        assert_eq!(
            codes(b"\x1b[A\x1b[B\x1bOA\x1b[Z"),
            [KeyCode::Up, KeyCode::Down, KeyCode::Up, KeyCode::BackTab]
        );
        assert_eq!(codes(b"\x1b"), [KeyCode::Esc]);
        assert_eq!(codes(b"\x1b\x1b[A"), [KeyCode::Esc, KeyCode::Up]);
    }

    #[test]
    fn ctrl_c_is_a_control_key_and_unknown_sequences_type_nothing() {
        let keys = decode(b"\x03");
        assert_eq!(keys, [KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)]);
        // F5 and a mouse report: nothing the keymap binds, and no stray characters.
        assert_eq!(codes(b"\x1b[15~\x1b[<0;3;4M"), []);
        assert_eq!(codes(b"\x1bx"), []);
        assert_eq!(codes(&[0xff, b'a']), [KeyCode::Char('a')]);
    }
}
