//! GitHub Actions workflow commands: `::warning title=..,file=..,line=..::message`, errors
//! first because GitHub shows only ten annotations of each level per step; and a Markdown
//! table of every finding for `$GITHUB_STEP_SUMMARY`.

use crate::diagnostic::Diagnostic;
use crate::rules::Severity;
use std::io::{self, Write};

pub fn render(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    for d in by_level(diagnostics) {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Hint => "notice",
        };
        let mut message = format!("{} ({}): {}", d.rule, d.name, d.message);
        for e in &d.evidence {
            message.push_str(&format!("\nevidence: {e}"));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        writeln!(
            out,
            "::{level} title={},file={},line={},col={},endLine={},endColumn={}::{}",
            property(&format!("statuslint ({})", d.rule)),
            property(&d.file),
            d.start.line,
            d.start.column,
            d.end.line,
            d.end.column,
            data(&message)
        )?;
    }
    Ok(())
}

/// Errors, then warnings, then the rest, each in file order.
fn by_level(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| std::cmp::Reverse(d.severity));
    sorted
}

/// Escapes a message: `%`, CR and LF.
pub fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as a message, and `:` and `,`.
pub fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Rows in the step summary; GitHub takes at most 1 MiB of summary per step.
const SUMMARY_ROWS: usize = 1000;

/// A Markdown summary of the findings, for `$GITHUB_STEP_SUMMARY`.
pub fn step_summary(diagnostics: &[Diagnostic], run: &super::Run) -> String {
    let mut out = format!("## statuslint\n\n{}\n", super::summary(diagnostics, run));
    if diagnostics.is_empty() {
        return out;
    }
    out.push_str(
        "\n| Severity | File | Line | Rule | Message |\n| --- | --- | --- | --- | --- |\n",
    );
    for d in by_level(diagnostics).into_iter().take(SUMMARY_ROWS) {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} {} | {} |\n",
            d.severity.as_str(),
            cell(&d.file),
            d.start.line,
            d.rule,
            d.name,
            cell(&d.message)
        ));
    }
    if diagnostics.len() > SUMMARY_ROWS {
        out.push_str(&format!(
            "\n...and {} more: run statuslint locally to see them all.\n",
            diagnostics.len() - SUMMARY_ROWS
        ));
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_messages_and_properties() {
        assert_eq!(data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
