//! What a run does with the fixes and findings it found: `--diff`, `--fix` and
//! `--write-baseline`.

use super::console::Console;
use crate::baseline::Baseline;
use crate::diagnostic::Diagnostic;
use crate::fix::{self, FileFix};
use crate::report::printable;
use std::path::Path;
use std::process::ExitCode;

pub fn write_baseline(
    console: &Console,
    path: &Path,
    diagnostics: &[Diagnostic],
) -> Result<ExitCode, String> {
    let baseline = Baseline::of(diagnostics, path);
    fix::write_atomically(path, &baseline.to_json())
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    console.note(&format!(
        "wrote {} finding{} to {}",
        diagnostics.len(),
        plural(diagnostics.len(), "", "s"),
        path.display()
    ));
    Ok(ExitCode::SUCCESS)
}

/// `--diff`: exit 1 when there is something to fix, as a check in CI.
pub fn print_diff(console: &Console, diagnostics: &[Diagnostic], unsafe_fixes: bool) -> ExitCode {
    let plans = fix::plan(diagnostics, unsafe_fixes);
    let mut text = String::new();
    for p in &plans {
        text.push_str(&crate::diff::unified(&p.file, &p.original, &p.edits));
    }
    let fixes: usize = plans.iter().map(|p| p.resolved.len()).sum();
    hint_unsafe(console, diagnostics, unsafe_fixes);
    if fixes > 0 {
        console.note(&format!("{fixes} fix{} available", plural(fixes, "", "es")));
    }
    let code = if fixes > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    console.print(&text, code)
}

fn hint_unsafe(console: &Console, diagnostics: &[Diagnostic], unsafe_fixes: bool) {
    let hidden = diagnostics
        .iter()
        .filter(|d| d.fix.as_ref().is_some_and(|f| !f.safe))
        .count();
    if hidden > 0 && !unsafe_fixes {
        console.note(&format!(
            "{hidden} more fix{} what the server sends: add --unsafe-fixes to apply {}",
            plural(hidden, " changes", "es change"),
            plural(hidden, "it", "them")
        ));
    }
}

/// `--fix`: writes each fixed file (or, for standard input, prints the text, fixed or
/// not, since editors replace the buffer with it) and drops the findings it resolved.
pub fn apply(
    console: &Console,
    unsafe_fixes: bool,
    stdin_text: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), String> {
    let plans = fix::plan(diagnostics, unsafe_fixes);
    hint_unsafe(console, diagnostics, unsafe_fixes);
    match stdin_text {
        Some(text) => {
            console.print(plans.first().map_or(text, |p| &p.fixed), ExitCode::SUCCESS);
        }
        None => write_all(console, &plans)?,
    }
    let resolved: Vec<usize> = plans
        .iter()
        .flat_map(|p| p.resolved.iter().copied())
        .collect();
    if !resolved.is_empty() {
        console.note(&format!(
            "fixed {} problem{} in {} file{}",
            resolved.len(),
            plural(resolved.len(), "", "s"),
            plans.len(),
            plural(plans.len(), "", "s")
        ));
    }
    let mut index = 0;
    diagnostics.retain(|_| {
        index += 1;
        !resolved.contains(&(index - 1))
    });
    Ok(())
}

/// Checks every file before writing any, so a refusal changes nothing; then writes them,
/// saying which were written if one fails.
fn write_all(console: &Console, plans: &[FileFix]) -> Result<(), String> {
    let mut targets = Vec::new();
    let mut refused = Vec::new();
    for p in plans {
        match fix::prepare(Path::new(&p.file), &p.original) {
            Ok(target) => targets.push(target),
            Err(why) => refused.push(why),
        }
    }
    if !refused.is_empty() {
        return Err(format!(
            "{}\n  no file was changed: --fix writes all of them or none",
            refused.join("\nstatuslint: error: ")
        ));
    }
    for (i, (p, target)) in plans.iter().zip(&targets).enumerate() {
        if let Err(e) = fix::write(target, &p.fixed) {
            return Err(format!(
                "cannot write `{}`: {e}\n  already fixed: {}\n  not written: {}",
                printable(&p.file),
                names(&plans[..i]),
                names(&plans[i + 1..])
            ));
        }
        console.note(&format!(
            "wrote {} ({} fix{})",
            printable(&p.file),
            p.edits.len(),
            plural(p.edits.len(), "", "es")
        ));
    }
    Ok(())
}

fn names(plans: &[FileFix]) -> String {
    if plans.is_empty() {
        return "none".to_string();
    }
    let names: Vec<String> = plans
        .iter()
        .map(|p| printable(&p.file).into_owned())
        .collect();
    names.join(", ")
}

pub(super) fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
