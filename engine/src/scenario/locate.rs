//! Finds where a value sits in RON source, by its path in the scenario (`estate.systems[3]
//! .depends_on[1]`), so semantic diagnostics can point at the offending text.
//!
//! ron does not keep spans of deserialised values, so this module reads the source a second
//! time into a small tree of spans. It only runs on text ron has already accepted (so nesting
//! is already bounded) and is tolerant: on anything unexpected it stops and the caller falls
//! back to the nearest enclosing node.

use std::ops::Range;

/// One step of a path into a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A named field of a struct or struct-like variant.
    Field(&'static str),
    /// An element of a list, tuple or tuple-like variant.
    Index(usize),
}

/// A path from the top of the scenario to a value.
pub(crate) type Path = Vec<Seg>;

#[derive(Debug)]
enum Body {
    Scalar,
    /// `(a: 1, b: 2)`, optionally named (`System(...)`).
    Fields(Vec<(String, Node)>),
    /// `[..]`, `(..)` or `Name(..)` with positional items.
    Items(Vec<Node>),
}

#[derive(Debug)]
struct Node {
    span: Range<usize>,
    name: Option<String>,
    body: Body,
}

/// A parsed span tree of one source text.
pub(crate) struct SpanTree {
    root: Option<Node>,
}

impl SpanTree {
    /// Reads the source's structure.
    pub(crate) fn new(source: &str) -> Self {
        let mut parser = Parser { src: source.as_bytes(), pos: 0 };
        let root = parser.value(0);
        SpanTree { root }
    }

    /// The span of the value at `path`, or of the deepest enclosing value found.
    pub(crate) fn span(&self, path: &[Seg]) -> Option<Range<usize>> {
        let mut node = self.root.as_ref()?;
        for seg in path {
            match step(node, seg) {
                Some(next) => node = next,
                None => break,
            }
        }
        Some(node.span.clone())
    }
}

fn step<'a>(node: &'a Node, seg: &Seg) -> Option<&'a Node> {
    let direct = match (&node.body, seg) {
        (Body::Fields(fields), Seg::Field(name)) => {
            fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
        }
        (Body::Items(items), Seg::Index(i)) => items.get(*i),
        _ => None,
    };
    // `Some(x)` and newtype variants are transparent: look through a single item.
    direct.or_else(|| match &node.body {
        Body::Items(items) if items.len() == 1 && node.name.is_some() => step(&items[0], seg),
        _ => None,
    })
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
}

/// Deeper than ron accepts; a guard, not a limit users meet.
const MAX_DEPTH: usize = 256;

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        loop {
            match self.peek() {
                Some(b) if b.is_ascii_whitespace() => self.pos += 1,
                Some(b'/') if self.src.get(self.pos + 1) == Some(&b'/') => {
                    while let Some(b) = self.peek() {
                        self.pos += 1;
                        if b == b'\n' {
                            break;
                        }
                    }
                }
                Some(b'/') if self.src.get(self.pos + 1) == Some(&b'*') => {
                    self.pos += 2;
                    let mut depth = 1;
                    while depth > 0 && self.pos < self.src.len() {
                        if self.src[self.pos..].starts_with(b"/*") {
                            depth += 1;
                            self.pos += 2;
                        } else if self.src[self.pos..].starts_with(b"*/") {
                            depth -= 1;
                            self.pos += 2;
                        } else {
                            self.pos += 1;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    /// `r"..."` or `r#"..."#`, as opposed to a raw identifier `r#name`.
    fn at_raw_string(&self) -> bool {
        let rest = self.src.get(self.pos + 1..).unwrap_or_default();
        let hashes = rest.iter().take_while(|&&b| b == b'#').count();
        rest.get(hashes) == Some(&b'"')
    }

    fn ident(&mut self) -> Option<String> {
        let start = self.pos;
        if self.src[self.pos..].starts_with(b"r#") {
            self.pos += 2;
        }
        while let Some(b) = self.peek() {
            if b.is_ascii_alphanumeric() || b == b'_' {
                self.pos += 1;
            } else {
                break;
            }
        }
        (self.pos > start).then(|| {
            String::from_utf8_lossy(&self.src[start..self.pos]).trim_start_matches("r#").to_owned()
        })
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        let start = self.pos;
        match self.peek()? {
            b'"' => self.string(start),
            b'r' if self.at_raw_string() => self.raw_string(start),
            b'\'' => {
                self.pos += 1;
                while let Some(b) = self.peek() {
                    self.pos += 1;
                    match b {
                        b'\\' => self.pos += 1,
                        b'\'' => break,
                        _ => {}
                    }
                }
                Some(Node { span: start..self.pos, name: None, body: Body::Scalar })
            }
            b'[' => {
                self.pos += 1;
                let items = self.items(b']', depth)?;
                Some(Node { span: start..self.pos, name: None, body: Body::Items(items) })
            }
            b'{' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.peek()? == b'}' {
                        self.pos += 1;
                        break;
                    }
                    self.value(depth + 1)?;
                    self.skip_ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.pos += 1;
                    items.push(self.value(depth + 1)?);
                    self.skip_ws();
                    if self.peek() == Some(b',') {
                        self.pos += 1;
                    }
                }
                Some(Node { span: start..self.pos, name: None, body: Body::Items(items) })
            }
            b'(' => self.parens(start, None, depth),
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let name = self.ident()?;
                let after_name = self.pos;
                self.skip_ws();
                if self.peek() == Some(b'(') {
                    self.parens(start, Some(name), depth)
                } else {
                    self.pos = after_name;
                    Some(Node { span: start..self.pos, name: Some(name), body: Body::Scalar })
                }
            }
            _ => {
                while let Some(b) = self.peek() {
                    if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+' | b'_') {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                (self.pos > start).then_some(Node {
                    span: start..self.pos,
                    name: None,
                    body: Body::Scalar,
                })
            }
        }
    }

    fn string(&mut self, start: usize) -> Option<Node> {
        self.pos += 1;
        loop {
            let b = self.peek()?;
            self.pos += 1;
            match b {
                b'\\' => self.pos += 1,
                b'"' => break,
                _ => {}
            }
        }
        Some(Node { span: start..self.pos, name: None, body: Body::Scalar })
    }

    fn raw_string(&mut self, start: usize) -> Option<Node> {
        self.pos += 1;
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        if self.peek()? != b'"' {
            return None;
        }
        self.pos += 1;
        let mut closing = vec![b'"'];
        closing.extend(std::iter::repeat_n(b'#', hashes));
        let rest = &self.src[self.pos..];
        let end = rest.windows(closing.len()).position(|w| w == closing.as_slice())?;
        self.pos += end + closing.len();
        Some(Node { span: start..self.pos, name: None, body: Body::Scalar })
    }

    /// After `(`: either `field: value, ...` or positional items.
    fn parens(&mut self, start: usize, name: Option<String>, depth: usize) -> Option<Node> {
        self.pos += 1;
        self.skip_ws();
        let save = self.pos;
        let is_struct = match self.peek() {
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => {
                let _ = self.ident();
                self.skip_ws();
                let colon = self.peek() == Some(b':');
                self.pos = save;
                colon
            }
            _ => false,
        };
        if !is_struct {
            let items = self.items(b')', depth)?;
            return Some(Node { span: start..self.pos, name, body: Body::Items(items) });
        }
        let mut fields = Vec::new();
        loop {
            self.skip_ws();
            if self.peek()? == b')' {
                self.pos += 1;
                break;
            }
            let key = self.ident()?;
            self.skip_ws();
            if self.peek()? != b':' {
                return None;
            }
            self.pos += 1;
            let value = self.value(depth + 1)?;
            fields.push((key, value));
            self.skip_ws();
            if self.peek() == Some(b',') {
                self.pos += 1;
            }
        }
        Some(Node { span: start..self.pos, name, body: Body::Fields(fields) })
    }

    fn items(&mut self, close: u8, depth: usize) -> Option<Vec<Node>> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.peek()? == close {
                self.pos += 1;
                return Some(items);
            }
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            if self.peek() == Some(b',') {
                self.pos += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_at<'a>(src: &'a str, path: &[Seg]) -> &'a str {
        let span = SpanTree::new(src).span(path).unwrap_or(0..0);
        &src[span]
    }

    #[test]
    fn finds_fields_items_and_looks_through_some() {
        let src = r##"Scenario( // comment
            a: [ (id: "x", deps: ["p", "q"]), System(id: "y", deps: []) ],
            b: Some((c: r#"raw "str""#, d: 'x')),
            e: When(All([After("01:00"), Flag("f")])),
        )"##;
        use Seg::*;
        assert_eq!(text_at(src, &[Field("a"), Index(0), Field("deps"), Index(1)]), "\"q\"");
        assert_eq!(text_at(src, &[Field("a"), Index(1), Field("id")]), "\"y\"");
        assert_eq!(text_at(src, &[Field("b"), Field("d")]), "'x'");
        assert_eq!(text_at(src, &[Field("e"), Index(0), Index(1)]), "Flag(\"f\")");
    }

    #[test]
    fn falls_back_to_the_deepest_node_found() {
        let src = r#"(a: (b: 1))"#;
        assert_eq!(text_at(src, &[Seg::Field("a"), Seg::Field("zzz")]), "(b: 1)");
    }
}
