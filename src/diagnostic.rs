//! A finding placed in its file, with its rule and severity: what reporters print.

use crate::rules::{Fix, Severity, Text};
use crate::usage::Span;
use serde::Serialize;
use std::sync::Arc;

/// A 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// Its text is shared where it can be: a dense spec has a finding every few lines.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The file as shown, one copy for all of its findings.
    pub file: Arc<str>,
    pub span: Span,
    pub start: Location,
    pub end: Location,
    pub status: Option<u32>,
    pub evidence: Vec<Text>,
    pub help: Option<Text>,
    /// The file's text, for renderers that show source.
    pub source: Arc<str>,
    /// The edit that resolves it, when one is known (boxed: most findings have none).
    pub fix: Option<Box<Fix>>,
}

impl Diagnostic {
    /// The text of the line where the finding starts (without its line break), found
    /// from the span: counting lines from the top costs a pass over the file per finding.
    pub fn line_text(&self) -> &str {
        let bytes = self.source.as_bytes();
        let at = self.span.start.min(bytes.len());
        let start = bytes[..at]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let end = bytes[at..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(bytes.len(), |i| at + i);
        let line = self.source.get(start..end).unwrap_or_default();
        line.strip_suffix('\r').unwrap_or(line)
    }
}

/// The 1-based line of a byte offset, for a single lookup (a pass over the text): many
/// lookups in one text use [`Lines`].
pub fn line_of(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
}

/// Where each line of a file starts, so that placing many findings in a large file does
/// not scan it once per finding.
pub struct Lines<'a> {
    text: &'a str,
    /// 32 bits each, sized exactly: a large file has hundreds of thousands of lines, and
    /// no file read is over 4 GiB (the walker reads none over 32 MiB).
    starts: Vec<u32>,
    /// Characters before each block of `BLOCK` bytes, so a column on a long line (a
    /// minified file is one line) is counted from the nearest block, not the line start.
    chars_before: Vec<usize>,
}

const BLOCK: usize = 4096;

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut starts = Vec::with_capacity(1 + text.bytes().filter(|b| *b == b'\n').count());
        starts.push(0);
        starts.extend(text.match_indices('\n').map(|(i, _)| small(i + 1)));
        let mut chars_before = vec![0];
        for block in text.as_bytes().chunks(BLOCK) {
            let last = *chars_before.last().expect("starts with 0");
            chars_before.push(last + chars_in(block));
        }
        Lines {
            text,
            starts,
            chars_before,
        }
    }

    /// Characters before byte `offset` (a char boundary).
    fn chars_to(&self, offset: usize) -> usize {
        let block = offset / BLOCK;
        self.chars_before[block] + chars_in(&self.text.as_bytes()[block * BLOCK..offset])
    }

    /// Characters from byte `from` to byte `to`: counted directly on a short stretch, from
    /// the blocks on a long one, so no lookup costs more than a block.
    fn chars_between(&self, from: usize, to: usize) -> usize {
        if to - from <= BLOCK {
            chars_in(&self.text.as_bytes()[from..to])
        } else {
            self.chars_to(to) - self.chars_to(from)
        }
    }

    /// Line and column of a byte offset.
    pub fn locate(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let offset = (0..=offset)
            .rev()
            .find(|o| self.text.is_char_boundary(*o))
            .unwrap_or(0);
        let line = self
            .starts
            .partition_point(|start| *start as usize <= offset);
        let line_start = self.starts[line - 1] as usize;
        Location {
            line,
            column: self.chars_between(line_start, offset) + 1,
        }
    }
}

/// Characters in UTF-8 bytes: the bytes that are not continuation bytes.
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_offsets() {
        let lines = Lines::new("ab\ncdé\nx");
        assert_eq!(lines.locate(0), Location { line: 1, column: 1 });
        assert_eq!(lines.locate(3), Location { line: 2, column: 1 });
        assert_eq!(lines.locate(4), Location { line: 2, column: 2 });
        assert_eq!(lines.locate(6), Location { line: 2, column: 3 });
        assert_eq!(lines.locate(8), Location { line: 3, column: 1 });
        assert_eq!(lines.locate(999), Location { line: 3, column: 2 });
        let long = format!("{}é{}x", "a".repeat(5000), "b".repeat(5000));
        let at = long.find('x').unwrap();
        assert_eq!(Lines::new(&long).locate(at).column, 10_002);
    }

    #[test]
    fn line_text_is_the_line_of_the_span() {
        let source: Arc<str> = "first\r\nsecond line\r\nlast".into();
        let at = |start: usize| Diagnostic {
            rule: "SL000",
            name: "test",
            severity: Severity::Warning,
            message: String::new(),
            file: "f".into(),
            span: start..start + 1,
            start: Lines::new(&source).locate(start),
            end: Lines::new(&source).locate(start + 1),
            status: None,
            evidence: Vec::new(),
            help: None,
            source: Arc::clone(&source),
            fix: None,
        };
        assert_eq!(at(0).line_text(), "first");
        assert_eq!(at(7).line_text(), "second line");
        assert_eq!(at(12).line_text(), "second line");
        assert_eq!(at(22).line_text(), "last");
        assert_eq!(at(999).line_text(), "last");
    }
}
