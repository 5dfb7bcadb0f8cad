//! statuslint's diagnostics in LSP terms: severity, the rule id as the code (with a link
//! to its docs when the package says where they live), the evidence as related information.

use super::position::LineIndex;
use crate::diagnostic::Diagnostic;
use crate::rules::Severity;
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Uri,
};
use std::str::FromStr;

pub fn to_lsp(d: &Diagnostic, index: &LineIndex, uri: &Uri) -> lsp_types::Diagnostic {
    let range = index.range(&d.span);
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related = d
        .evidence
        .iter()
        .map(|e| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range),
            message: format!("evidence: {e}"),
        })
        .collect::<Vec<_>>();
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
            Severity::Hint => DiagnosticSeverity::HINT,
        }),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: docs_url(env!("CARGO_PKG_REPOSITORY"), d.rule)
            .and_then(|url| Uri::from_str(&url).ok())
            .map(|href| CodeDescription { href }),
        source: Some("statuslint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}

/// A note that names its line ("line 12: this YAML document could not be read"), as an
/// information on that line; None for notes about the whole file.
pub fn note_on_line(note: &str) -> Option<lsp_types::Diagnostic> {
    let rest = note.strip_prefix("line ")?;
    let (number, message) = rest.split_once(": ")?;
    let line = number.parse::<u32>().ok()?.saturating_sub(1);
    Some(lsp_types::Diagnostic {
        range: Range::new(Position::new(line, 0), Position::new(line, u32::MAX)),
        severity: Some(DiagnosticSeverity::INFORMATION),
        source: Some("statuslint".into()),
        message: message.to_string(),
        ..lsp_types::Diagnostic::default()
    })
}

/// Where a rule's docs are read on the web: `rules/SLxxx.toml` in the repository the
/// package names. None when it names none (`statuslint explain SLxxx` and hover still do).
fn docs_url(repository: &str, rule: &str) -> Option<String> {
    let repository = repository.trim_end_matches('/');
    repository
        .starts_with("https://")
        .then(|| format!("{repository}/blob/main/rules/{rule}.toml"))
}

#[cfg(test)]
mod tests {
    use super::{docs_url, note_on_line};

    #[test]
    fn notes_on_a_line_are_shown_there() {
        let shown = note_on_line("line 12: this YAML document could not be read").unwrap();
        assert_eq!(shown.range.start.line, 11);
        assert_eq!(shown.message, "this YAML document could not be read");
        assert!(note_on_line("skipped: looks like a binary file").is_none());
    }

    #[test]
    fn rule_docs_live_in_the_repository() {
        assert_eq!(
            docs_url("https://github.com/o/statuslint/", "SL101").as_deref(),
            Some("https://github.com/o/statuslint/blob/main/rules/SL101.toml")
        );
        assert_eq!(docs_url("", "SL101"), None);
    }
}
