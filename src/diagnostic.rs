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

/// Line and column of a byte offset.
pub fn locate(text: &str, offset: usize) -> Location {
    let offset = offset.min(text.len());
    let offset = (0..=offset)
        .rev()
        .find(|o| text.is_char_boundary(*o))
        .unwrap_or(0);
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Location {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_offsets() {
        let text = "ab\ncdé\nx";
        assert_eq!(locate(text, 0), Location { line: 1, column: 1 });
        assert_eq!(locate(text, 4), Location { line: 2, column: 2 });
        assert_eq!(locate(text, 8), Location { line: 3, column: 1 });
        assert_eq!(locate(text, 999), Location { line: 3, column: 2 });
    }
}
