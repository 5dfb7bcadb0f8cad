//! Report: render diagnostics for people and machines. Rendering never changes which
//! findings exist.

mod concise;
mod full;
mod json;

use crate::diagnostic::Diagnostic;
use crate::rules::Severity;
use std::io::{self, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Source with the span marked, evidence and help (the default).
    Full,
    /// One line per finding: `file:line:col: SL101 [warning] message`.
    Concise,
    /// A JSON array; the shape is stable for other tools.
    Json,
}

pub fn render(
    format: OutputFormat,
    diagnostics: &[Diagnostic],
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Full => full::render(diagnostics, color, out)?,
        OutputFormat::Concise => concise::render(diagnostics, out)?,
        OutputFormat::Json => return json::render(diagnostics, out),
    }
    summary(diagnostics, out)
}

/// "Found 3 problems (1 error, 2 warnings) in 2 files."
fn summary(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    if diagnostics.is_empty() {
        return writeln!(out, "No problems found.");
    }
    let mut files: Vec<&str> = diagnostics.iter().map(|d| d.file.as_str()).collect();
    files.dedup();
    let mut parts = Vec::new();
    for severity in [
        Severity::Error,
        Severity::Warning,
        Severity::Info,
        Severity::Hint,
    ] {
        let n = diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count();
        if n > 0 {
            let name = severity.as_str();
            parts.push(if n == 1 {
                format!("1 {name}")
            } else {
                format!("{n} {name}s")
            });
        }
    }
    let total = diagnostics.len();
    writeln!(
        out,
        "Found {total} problem{} ({}) in {} file{}.",
        if total == 1 { "" } else { "s" },
        parts.join(", "),
        files.len(),
        if files.len() == 1 { "" } else { "s" }
    )
}
