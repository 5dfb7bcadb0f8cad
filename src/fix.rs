//! Fix: apply the findings' edits to their files, atomically, touching nothing else.
//!
//! Safe edits keep what the server sends; unsafe ones (a temporary redirect made
//! permanent) are applied only when asked. Overlapping edits are left for the next run.

use crate::diagnostic::Diagnostic;
use crate::rules::Fix;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

/// The fixed text of one file.
pub struct FileFix {
    pub file: String,
    pub original: Arc<str>,
    pub fixed: String,
    /// The edits applied, in order.
    pub edits: Vec<Fix>,
    /// Indexes of the diagnostics that the edits resolve.
    pub resolved: Vec<usize>,
}

/// The edits to make: per file, every applicable fix that does not overlap an earlier one.
pub fn plan(diagnostics: &[Diagnostic], unsafe_fixes: bool) -> Vec<FileFix> {
    let mut by_file: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if d.fix.as_ref().is_some_and(|f| f.safe || unsafe_fixes) {
            match by_file.iter_mut().find(|(f, _)| *f == d.file) {
                Some((_, list)) => list.push(i),
                None => by_file.push((&d.file, vec![i])),
            }
        }
    }
    by_file
        .into_iter()
        .map(|(_, indexes)| plan_file(diagnostics, indexes))
        .collect()
}

fn plan_file(diagnostics: &[Diagnostic], mut indexes: Vec<usize>) -> FileFix {
    let fix_of = |i: usize| diagnostics[i].fix.as_ref().expect("chosen for its fix");
    indexes.sort_by_key(|i| (fix_of(*i).span.start, fix_of(*i).span.end));
    let first = &diagnostics[indexes[0]];
    let mut edits: Vec<Fix> = Vec::new();
    let mut resolved = Vec::new();
    for i in indexes {
        let fix = fix_of(i);
        match edits.last() {
            // Two findings resolved by the same edit (two unused rules of one comment).
            Some(last) if last.span == fix.span && last.replacement == fix.replacement => {}
            Some(last) if fix.span.start < last.span.end => continue,
            _ => edits.push(fix.clone()),
        }
        resolved.push(i);
    }
    FileFix {
        file: first.file.clone(),
        original: first.source.clone(),
        fixed: apply(&first.source, &edits),
        edits,
        resolved,
    }
}

/// The text with `edits` (sorted, not overlapping) made.
pub fn apply(text: &str, edits: &[Fix]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Replaces a file's content through a temporary file in the same directory, so readers
/// never see half a file; an existing file keeps its permissions.
pub fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.statuslint-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temporary, meta.permissions())?;
        }
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(span: std::ops::Range<usize>, with: &str) -> Fix {
        Fix::replacing(span, with)
    }

    #[test]
    fn applies_sorted_edits() {
        let text = "return 302 /a;\nreturn 307 /b;\n";
        let edits = [fix(7..10, "308"), fix(22..25, "308")];
        assert_eq!(apply(text, &edits), "return 308 /a;\nreturn 308 /b;\n");
    }

    #[test]
    fn writes_atomically_and_keeps_nothing_else() {
        let dir = std::env::temp_dir().join(format!("statuslint-fix-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.conf");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
