//! The default output: the source with the span underlined, the evidence and the help,
//! rendered with codespan-reporting.

use super::{printable, printable_source};
use crate::diagnostic::Diagnostic;
use crate::rules::Severity;
use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label, Severity as Level};
use codespan_reporting::files::{self, Files, SimpleFile};
use codespan_reporting::term::{self, Config, termcolor::Buffer};
use std::borrow::Cow;
use std::io::{self, Write};

/// A file as shown: its name and text made printable.
type Shown<'a> = SimpleFile<Cow<'a, str>, Cow<'a, str>>;

/// Lines longer than this are cut around the finding: a minified file is one line, and
/// printing it whole for each finding would print the file once per finding.
const LONG_LINE: usize = 320;
/// Bytes kept on each side of the span, and of the span itself, on a cut line.
const CONTEXT: usize = 80;
const SPAN_SHOWN: usize = 160;

/// The part of one long line around a finding, numbered as in the file.
struct Window<'a> {
    name: &'a str,
    text: &'a str,
    line: usize,
    /// The column (in the file) of the window's first character.
    first_column: usize,
}

impl<'a> Files<'a> for Window<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(self.name)
    }
    fn source(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(self.text)
    }
    fn line_index(&'a self, (): (), _: usize) -> Result<usize, files::Error> {
        Ok(0)
    }
    fn line_number(&'a self, (): (), _: usize) -> Result<usize, files::Error> {
        Ok(self.line)
    }
    fn column_number(&'a self, (): (), _: usize, byte: usize) -> Result<usize, files::Error> {
        let byte = floor_boundary(self.text, byte);
        Ok(self.first_column + self.text[..byte].chars().count())
    }
    fn line_range(&'a self, (): (), _: usize) -> Result<std::ops::Range<usize>, files::Error> {
        Ok(0..self.text.len())
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

pub fn render(diagnostics: &[Diagnostic], color: bool, out: &mut dyn Write) -> io::Result<()> {
    let config = Config::default();
    // Indexing a file's lines takes a pass over it: once per file, not per finding.
    let mut indexed: Option<(&str, Shown)> = None;
    for d in diagnostics {
        if indexed.as_ref().is_none_or(|(name, _)| *name != &*d.file) {
            let file = SimpleFile::new(printable(&d.file), printable_source(&d.source));
            indexed = Some((&*d.file, file));
        }
        let (_, file) = indexed.as_ref().expect("indexed above");
        let level = match d.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
            Severity::Info => Level::Note,
            Severity::Hint => Level::Help,
        };
        let mut notes: Vec<String> = d
            .evidence
            .iter()
            .map(|e| format!("evidence: {}", printable(e)))
            .collect();
        if let Some(help) = &d.help {
            notes.push(format!("help: {}", printable(help)));
        }
        if let Some(fix) = &d.fix {
            let flag = if fix.safe {
                "--fix"
            } else {
                "--fix --unsafe-fixes"
            };
            notes.push(format!("fix: {} (with `{flag}`)", fix.title));
        }
        notes.push(format!("see `statuslint explain {}` ({})", d.rule, d.name));
        let source: &str = file.source();
        let line = file.line_index((), d.span.start).unwrap_or(0);
        let range = file.line_range((), line).unwrap_or(0..source.len());
        let mut buffer = if color {
            Buffer::ansi()
        } else {
            Buffer::no_color()
        };
        let rendered = Rendered::new(level)
            .with_code(d.rule)
            .with_message(printable(&d.message));
        if range.len() <= LONG_LINE {
            let rendered = rendered
                .with_labels(vec![Label::primary((), d.span.clone())])
                .with_notes(notes);
            term::emit_to_write_style(&mut buffer, &config, file, &rendered)
                .map_err(io::Error::other)?;
        } else {
            let start = d.span.start.clamp(range.start, range.end);
            let end = d.span.end.clamp(start, range.end).min(start + SPAN_SHOWN);
            let from = floor_boundary(source, start.saturating_sub(CONTEXT).max(range.start));
            let to = ceil_boundary(source, (end + CONTEXT).min(range.end));
            let name = file.name();
            let window = Window {
                name,
                text: &source[from..to],
                line: d.start.line,
                first_column: d.start.column - source[from..start].chars().count(),
            };
            notes.push(format!(
                "line {} is {} bytes long: shown from column {}",
                d.start.line,
                range.len(),
                window.first_column
            ));
            let rendered = rendered
                .with_labels(vec![Label::primary((), start - from..end - from)])
                .with_notes(notes);
            term::emit_to_write_style(&mut buffer, &config, &window, &rendered)
                .map_err(io::Error::other)?;
        }
        out.write_all(buffer.as_slice())?;
    }
    Ok(())
}
