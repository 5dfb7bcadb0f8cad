//! A JSON array of findings. Other tools parse this: keep the shape stable.

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
    evidence: &'a [String],
    help: Option<&'a str>,
}

pub fn render(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    let items: Vec<JsonDiagnostic> = diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
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
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}
