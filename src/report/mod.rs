//! Report: render diagnostics for people and machines. Rendering never changes which
//! findings exist.

mod concise;
mod escape;
mod full;
pub mod github;
mod gitlab;
mod json;
mod sarif;
mod streamed;
mod xml;

pub use escape::{printable, printable_source};

use crate::diagnostic::Diagnostic;
use crate::rules::Severity;
use crate::walk::Checked;
use std::io::{self, Write};
use std::time::Duration;

/// What a run read, for the summary line and the formats that have a place for it.
#[derive(Clone, Debug, Default)]
pub struct Run {
    pub checked: Checked,
    pub elapsed: Duration,
    /// The paths given, as the user wrote them.
    pub paths: Vec<String>,
    /// `--quiet`: the findings and nothing else.
    pub quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Source with the span marked, evidence and help (the default).
    Full,
    /// One line per finding: `file:line:col: SL101 [warning] message`.
    Concise,
    /// A JSON array; the shape is stable for other tools.
    Json,
    /// One JSON object per line, shaped as the `json` items.
    JsonLines,
    /// GitHub Actions annotations (chosen by itself when GITHUB_ACTIONS=true).
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitLab Code Quality.
    Gitlab,
    /// JUnit XML.
    Junit,
    /// Checkstyle XML.
    Checkstyle,
}

pub fn render(
    format: OutputFormat,
    diagnostics: &[Diagnostic],
    run: &Run,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Full => full::render(diagnostics, color, out)?,
        OutputFormat::Concise => concise::render(diagnostics, out)?,
        OutputFormat::Json => return json::render(diagnostics, out),
        OutputFormat::JsonLines => return json::render_lines(diagnostics, out),
        OutputFormat::Github => return github::render(diagnostics, out),
        OutputFormat::Sarif => return sarif::render(diagnostics, run, out),
        OutputFormat::Gitlab => return gitlab::render(diagnostics, out),
        OutputFormat::Junit => return xml::junit(diagnostics, run, out),
        OutputFormat::Checkstyle => return xml::checkstyle(diagnostics, out),
    }
    if run.quiet {
        return Ok(());
    }
    writeln!(out, "{}", summary(diagnostics, run))
}

/// `--statistics`: how many findings each rule has, most first; `[*]` marks rules whose
/// findings `--fix` can resolve.
pub fn statistics(diagnostics: &[Diagnostic], run: &Run, out: &mut dyn Write) -> io::Result<()> {
    let mut counts: Vec<(&str, &str, usize, bool)> = Vec::new();
    for d in diagnostics {
        let fixable = d.fix.as_ref().is_some_and(|f| f.safe);
        match counts.iter_mut().find(|c| c.0 == d.rule) {
            Some(c) => {
                c.2 += 1;
                c.3 |= fixable;
            }
            None => counts.push((d.rule, d.name, 1, fixable)),
        }
    }
    counts.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    for (rule, name, n, fixable) in counts {
        let mark = if fixable { "[*] " } else { "" };
        writeln!(out, "{n:>5}  {rule}  {mark}{name}")?;
    }
    if run.quiet {
        return Ok(());
    }
    writeln!(out, "{}", summary(diagnostics, run))
}

/// What was read, then what was found: "Checked 212 files (180 Rust, 30 nginx, 2 OpenAPI)
/// in 0.4 s; found 3 problems (1 error, 2 warnings) in 2 files." Or, when nothing was read,
/// that plainly, so a run on a project of another language does not look like a pass.
pub fn summary(diagnostics: &[Diagnostic], run: &Run) -> String {
    if run.checked.total() == 0 && diagnostics.is_empty() {
        return read(run);
    }
    format!("{}; {}", read(run), found(diagnostics))
}

/// "Checked 212 files (180 Rust, 30 nginx, 2 OpenAPI) in 0.4 s", or "No file of a kind
/// statuslint reads was found under `.`."
fn read(run: &Run) -> String {
    let total = run.checked.total();
    if total == 0 {
        let under = if run.paths.is_empty() {
            "`.`".to_string()
        } else {
            let quoted: Vec<String> = run.paths.iter().map(|p| format!("`{p}`")).collect();
            quoted.join(", ")
        };
        return format!("No file of a kind statuslint reads was found under {under}.");
    }
    let kinds: Vec<String> = run
        .checked
        .by_kind()
        .iter()
        .map(|(kind, n)| format!("{n} {}", kind.label()))
        .collect();
    let seconds = run.elapsed.as_secs_f64();
    format!(
        "Checked {total} file{} ({}) in {} s",
        if total == 1 { "" } else { "s" },
        kinds.join(", "),
        if seconds < 0.1 {
            format!("{seconds:.2}")
        } else {
            format!("{seconds:.1}")
        }
    )
}

/// "found 3 problems (1 error, 2 warnings) in 2 files"
fn found(diagnostics: &[Diagnostic]) -> String {
    if diagnostics.is_empty() {
        return "no problems found.".into();
    }
    let mut files: Vec<&str> = diagnostics.iter().map(|d| &*d.file).collect();
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
    let partly = partly_checked(diagnostics).len();
    format!(
        "found {total} problem{} ({}) in {} file{}{}.",
        if total == 1 { "" } else { "s" },
        parts.join(", "),
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        match partly {
            0 => String::new(),
            1 => "; 1 file only partly checked".into(),
            n => format!("; {n} files only partly checked"),
        }
    )
}

/// The files statuslint read only in part (SL901), each once.
fn partly_checked(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    let mut found: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.rule == crate::rules::PARTLY_CHECKED)
        .collect();
    found.dedup_by(|a, b| a.file == b.file);
    found
}
