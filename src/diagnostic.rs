//! A finding placed in its file, with its rule and severity: what reporters print.

use crate::rules::{Fix, Severity};
use crate::usage::Span;
use serde::Serialize;
use std::sync::Arc;

/// A 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub file: String,
    pub span: Span,
    pub start: Location,
    pub end: Location,
    pub status: Option<u32>,
    pub evidence: Vec<String>,
    pub help: Option<String>,
    /// The file's text, for renderers that show source.
    pub source: Arc<str>,
    /// The edit that resolves it, when one is known.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// The text of the line where the finding starts.
    pub fn line_text(&self) -> &str {
        self.source
            .lines()
            .nth(self.start.line - 1)
            .unwrap_or_default()
    }
}

/// Where each line of a file starts, so that placing many findings in a large file does
/// not scan it once per finding.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// Line and column of a byte offset.
    pub fn locate(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let offset = (0..=offset)
            .rev()
            .find(|o| self.text.is_char_boundary(*o))
            .unwrap_or(0);
        let line = self.starts.partition_point(|start| *start <= offset);
        let line_start = self.starts[line - 1];
        Location {
            line,
            column: self.text[line_start..offset].chars().count() + 1,
        }
    }
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
    }
}
