//! SARIF 2.1.0, for code scanning: every rule with its docs in `tool.driver.rules`, and
//! each finding with its rule index, level and region. Columns count Unicode code points.

use super::Run;
use super::streamed::{Items, Spliced};
use crate::diagnostic::Diagnostic;
use crate::rules::{self, Severity};
use serde_json::{Value, json};
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(diagnostics: &[Diagnostic], run: &Run, out: &mut dyn Write) -> io::Result<()> {
    let all = rules::all();
    let results = Items::new(diagnostics.iter().map(|d| {
        let index = all.iter().position(|r| r.meta.id == d.rule).unwrap_or(0);
        result(d, index)
    }));
    // Everything but the results is built as a value; the results are written one by one
    // in its place.
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "statuslint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": all.iter().map(rule).collect::<Vec<_>>(),
                }
            },
            "invocations": [invocation(run, diagnostics)],
            "columnKind": "unicodeCodePoints",
            "results": Value::Null,
        }]
    });
    let log = Spliced {
        value: &log,
        at: "results",
        with: &results,
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// The run itself: that it completed, what it read (in the invocation's property bag), and
/// the files it read only in part, as the tool's own notifications.
fn invocation(run: &Run, diagnostics: &[Diagnostic]) -> Value {
    let kinds: serde_json::Map<String, Value> = run
        .checked
        .by_kind()
        .iter()
        .map(|(kind, n)| (kind.name().to_string(), json!(n)))
        .collect();
    json!({
        "executionSuccessful": true,
        "toolExecutionNotifications": super::partly_checked(diagnostics)
            .into_iter()
            .map(notification)
            .collect::<Vec<_>>(),
        "properties": {
            "filesChecked": run.checked.total(),
            "filesCheckedByKind": kinds,
            "seconds": run.elapsed.as_secs_f64(),
        },
    })
}

/// A file read only in part, as the tool's own notification (it is a result too, so that
/// code scanning shows it where the findings are).
fn notification(d: &Diagnostic) -> Value {
    json!({
        "level": "warning",
        "message": { "text": format!("{}: only part of this file was checked", d.file) },
        "descriptor": { "id": d.rule },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri(&d.file) },
                "region": { "startLine": d.start.line },
            }
        }],
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn rule(entry: &rules::RuleEntry) -> Value {
    let m = &entry.meta;
    let help = format!(
        "{}\n\nWhy it matters: {}\n\nUse instead:\n{}",
        m.docs.what_it_does.trim(),
        m.docs.why_it_matters.trim(),
        m.docs.use_instead.trim()
    );
    json!({
        "id": m.id,
        "name": m.name,
        "shortDescription": { "text": m.summary },
        "fullDescription": { "text": m.docs.what_it_does.trim() },
        "help": { "text": help, "markdown": help },
        "defaultConfiguration": {
            "level": level(m.severity),
            "enabled": m.enabled_by_default,
        },
        "properties": {
            "tags": if m.heuristic { vec!["http", "heuristic"] } else { vec!["http"] },
            "references": m.docs.references,
        },
    })
}

fn result(d: &Diagnostic, index: usize) -> Value {
    let mut message = d.message.clone();
    for e in &d.evidence {
        message.push_str(&format!("\nEvidence: {e}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nHelp: {help}"));
    }
    json!({
        "ruleId": d.rule,
        "ruleIndex": index,
        "level": level(d.severity),
        "message": { "text": message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri(&d.file) },
                "region": {
                    "startLine": d.start.line,
                    "startColumn": d.start.column,
                    "endLine": d.end.line,
                    "endColumn": d.end.column,
                    "snippet": { "text": d.line_text() },
                }
            }
        }],
    })
}

/// A relative URI reference for a path (absolute paths become `file://` URIs).
fn uri(path: &str) -> String {
    let mut out = String::new();
    let path = path.replace('\\', "/");
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("src/a b.rs"), "src/a%20b.rs");
        assert_eq!(uri("/etc/nginx/x#1.conf"), "file:///etc/nginx/x%231.conf");
    }
}
