//! JUnit XML and Checkstyle XML, for CI systems that read test or lint reports.

use super::Run;
use crate::diagnostic::Diagnostic;
use crate::rules::Severity;
use std::io::{self, Write};

/// Escapes text for an XML attribute or element.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Files in first-seen order, with their findings.
fn by_file(diagnostics: &[Diagnostic]) -> Vec<(&str, Vec<&Diagnostic>)> {
    let mut files: Vec<(&str, Vec<&Diagnostic>)> = Vec::new();
    for d in diagnostics {
        match files.iter_mut().find(|(f, _)| *f == &*d.file) {
            Some((_, list)) => list.push(d),
            None => files.push((&*d.file, vec![d])),
        }
    }
    files
}

/// One failing test case per finding, in a suite per file, and one passing case that
/// says what the run read (so a clean run still counts a test).
pub fn junit(diagnostics: &[Diagnostic], run: &Run, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    let n = diagnostics.len();
    writeln!(
        out,
        r#"<testsuites name="statuslint" tests="{}" failures="{n}" errors="0">"#,
        n + 1
    )?;
    writeln!(
        out,
        r#"  <testsuite name="statuslint" tests="1" failures="0" errors="0">"#
    )?;
    writeln!(
        out,
        r#"    <testcase name="{}" classname="statuslint"/>"#,
        escape(&super::read(run))
    )?;
    writeln!(out, "  </testsuite>")?;
    for (file, list) in by_file(diagnostics) {
        let file = escape(file);
        writeln!(
            out,
            r#"  <testsuite name="{file}" tests="{0}" failures="{0}" errors="0">"#,
            list.len()
        )?;
        for d in list {
            writeln!(
                out,
                r#"    <testcase name="{} {}:{}" classname="{file}" file="{file}" line="{}">"#,
                d.rule, d.start.line, d.start.column, d.start.line
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{file}:{}:{}: {} [{}] {}</failure>"#,
                escape(&d.message),
                d.rule,
                d.start.line,
                d.start.column,
                d.rule,
                d.severity.as_str(),
                escape(&d.message)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

pub fn checkstyle(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for (file, list) in by_file(diagnostics) {
        writeln!(out, r#"  <file name="{}">"#, escape(file))?;
        for d in list {
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Hint => "info",
            };
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{severity}" message="{}" source="statuslint.{}"/>"#,
                d.start.line,
                d.start.column,
                escape(&d.message),
                d.rule
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("<a href=\"x\">&'\n\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#10;\u{FFFD}"
        );
    }
}
