//! The default output: the source with the span underlined, the evidence and the help,
//! rendered with codespan-reporting.

use super::{printable, printable_source};
use crate::diagnostic::Diagnostic;
use crate::rules::Severity;
use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label, Severity as Level};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config, termcolor::Buffer};
use std::borrow::Cow;
use std::io::{self, Write};

/// A file as shown: its name and text made printable.
type Shown<'a> = SimpleFile<Cow<'a, str>, Cow<'a, str>>;

pub fn render(diagnostics: &[Diagnostic], color: bool, out: &mut dyn Write) -> io::Result<()> {
    let config = Config::default();
    // Indexing a file's lines takes a pass over it: once per file, not per finding.
    let mut indexed: Option<(&str, Shown)> = None;
    for d in diagnostics {
        if indexed.as_ref().is_none_or(|(name, _)| *name != d.file) {
            let file = SimpleFile::new(printable(&d.file), printable_source(&d.source));
            indexed = Some((&d.file, file));
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
        let rendered = Rendered::new(level)
            .with_code(d.rule)
            .with_message(printable(&d.message))
            .with_labels(vec![Label::primary((), d.span.clone())])
            .with_notes(notes);
        let mut buffer = if color {
            Buffer::ansi()
        } else {
            Buffer::no_color()
        };
        term::emit_to_write_style(&mut buffer, &config, file, &rendered)
            .map_err(io::Error::other)?;
        out.write_all(buffer.as_slice())?;
    }
    Ok(())
}
