//! Fix: apply the findings' edits to their files, atomically, touching nothing else.
//!
//! Safe edits keep what the server sends; unsafe ones (a temporary redirect made
//! permanent) are applied only when asked. Overlapping edits are left for the next run.

use crate::diagnostic::Diagnostic;
use crate::rules::Fix;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
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
            match by_file.iter_mut().find(|(f, _)| *f == &*d.file) {
                Some((_, list)) => list.push(i),
                None => by_file.push((&*d.file, vec![i])),
            }
        }
    }
    by_file
        .into_iter()
        .map(|(_, indexes)| plan_file(diagnostics, indexes))
        .collect()
}

fn plan_file(diagnostics: &[Diagnostic], mut indexes: Vec<usize>) -> FileFix {
    let fix_of = |i: usize| diagnostics[i].fix.as_deref().expect("chosen for its fix");
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
        file: first.file.to_string(),
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

/// A file checked and ready to take its fixed text.
#[derive(Debug)]
pub struct Target {
    /// The file to write: where a symbolic link points, so the link stays a link.
    pub path: PathBuf,
    /// A UTF-8 byte order mark the file starts with, written back before the text.
    bom: bool,
}

/// Checks that the fixed text of `file` can be written: it is a regular file (through
/// any links) that this user may write, and it still holds the text that was linted.
/// Nothing is written here, so every file is checked before any is changed.
pub fn prepare(file: &Path, original: &str) -> Result<Target, String> {
    let shown = crate::report::printable(&file.to_string_lossy()).into_owned();
    let path = file
        .canonicalize()
        .map_err(|e| format!("`{shown}`: {}", crate::walk::ReadError::Io(e)))?;
    let bytes = crate::walk::read_file(&path, crate::walk::MAX_FILE_BYTES)
        .map_err(|e| format!("`{shown}`: {e}"))?;
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    if &bytes[if bom { 3 } else { 0 }..] != original.as_bytes() {
        let why = if crate::walk::normalize(bytes) == original.as_bytes() {
            "it is UTF-16, and fixes are written only to UTF-8 files"
        } else {
            "it changed since it was read, or is not valid UTF-8"
        };
        return Err(format!("`{shown}` is not fixed: {why}"));
    }
    if !writable(&path) {
        return Err(format!(
            "`{shown}` is read-only: not fixed (make it writable to let --fix change it)"
        ));
    }
    Ok(Target { path, bom })
}

/// True when the file has a write permission bit that lets this user write it. Root
/// may write anything, but a file marked read-only is still left alone.
fn writable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if meta.permissions().readonly() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
            return false;
        };
        // SAFETY: `c_path` is a valid NUL-terminated string for the call.
        unsafe { libc::access(c_path.as_ptr(), libc::W_OK) == 0 }
    }
    #[cfg(not(unix))]
    true
}

/// Writes the fixed text to a prepared file.
pub fn write(target: &Target, text: &str) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(text.len() + 3);
    if target.bom {
        bytes.extend(b"\xEF\xBB\xBF");
    }
    bytes.extend(text.as_bytes());
    replace(&target.path, &bytes)
}

/// Replaces a file's content through a temporary file in the same directory, so readers
/// never see half a file (see [`replace`]).
pub fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    replace(path, text.as_bytes())
}

/// Replaces a file's content. A file of its own with one link is replaced atomically by
/// renaming a temporary file over it, with the same mode and owner; a file with other
/// hard links, or one whose owner cannot be kept, is rewritten in place, so every link
/// sees the change and the owner stays.
fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let existing = std::fs::metadata(path).ok();
    #[cfg(unix)]
    if let Some(meta) = &existing {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return rewrite_in_place(path, bytes);
        }
    }
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
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        file.write_all(bytes)?;
        if let Some(meta) = &existing {
            file.set_permissions(meta.permissions())?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid()))?;
            }
        }
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
        if existing.is_some() {
            // The owner could not be kept (or the folder takes no new file): write in place.
            return rewrite_in_place(path, bytes);
        }
    }
    result
}

fn rewrite_in_place(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    // Checked as a regular file on the open handle before anything is cut off.
    let mut file = crate::walk::open_regular_with(path, options).map_err(|e| match e {
        crate::walk::ReadError::Io(e) => e,
        e => io::Error::other(e.to_string()),
    })?;
    file.set_len(0)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_swapped_for_a_fifo_is_never_opened_for_writing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.conf");
        let status = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success());
        // Without a reader, a blocking open would wait forever.
        assert!(rewrite_in_place(&path, b"x").is_err());
    }

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

    #[cfg(unix)]
    #[test]
    fn keeps_links_mode_and_refuses_read_only_files() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.conf");
        std::fs::write(&real, "\u{feff}old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        std::fs::hard_link(&real, dir.path().join("hard.conf")).unwrap();
        std::os::unix::fs::symlink("real.conf", dir.path().join("link.conf")).unwrap();
        let link = dir.path().join("link.conf");
        let target = prepare(&link, "old").unwrap();
        write(&target, "new").unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(
            std::fs::read(dir.path().join("hard.conf")).unwrap(),
            b"\xEF\xBB\xBFnew"
        );
        assert_eq!(std::fs::metadata(&real).unwrap().mode() & 0o777, 0o640);
        assert!(prepare(&link, "old").unwrap_err().contains("changed since"));
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o444)).unwrap();
        assert!(prepare(&real, "new").unwrap_err().contains("read-only"));
    }
}
