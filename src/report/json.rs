//! A JSON array of findings, or JSON lines. Other tools parse this: keep the shape stable.

use super::streamed::Items;
use crate::diagnostic::{Diagnostic, Location};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    location: Location,
    end_location: Location,
    status: Option<u32>,
    evidence: &'a [crate::rules::Text],
    help: Option<&'a str>,
}

fn item(d: &Diagnostic) -> JsonDiagnostic<'_> {
    JsonDiagnostic {
        rule: d.rule,
        name: d.name,
        severity: d.severity.as_str(),
        message: &d.message,
        file: &d.file,
        location: d.start,
        end_location: d.end,
        status: d.status,
        evidence: &d.evidence,
        help: d.help.as_deref(),
    }
}

pub fn render(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    let items = Items::new(diagnostics.iter().map(item));
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

/// One JSON object per line, in the same shape as the array items.
pub fn render_lines(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    for d in diagnostics {
        serde_json::to_writer(&mut *out, &item(d))?;
        writeln!(out)?;
    }
    Ok(())
}
