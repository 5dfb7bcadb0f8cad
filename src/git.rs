//! Git: which lines changed since a reference, for `--diff-base REF`.
//!
//! Lines come from `git diff --unified=0 REF` (committed and uncommitted changes alike);
//! files git does not track yet count as changed in full.

use crate::diagnostic::Diagnostic;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What changed in one file.
#[derive(Debug, PartialEq, Eq)]
enum Changed {
    All,
    /// Inclusive 1-based line ranges of the new text.
    Lines(Vec<(usize, usize)>),
}

/// The lines changed since a reference, by absolute path.
#[derive(Debug, Default)]
pub struct ChangedLines {
    files: HashMap<PathBuf, Changed>,
}

impl ChangedLines {
    /// Asks git in the current directory's repository.
    pub fn since(reference: &str) -> Result<ChangedLines, String> {
        let top = git(&["rev-parse", "--show-toplevel"])?;
        let top = PathBuf::from(top.trim());
        let commit = resolve(reference)?;
        let diff = git(&[
            "-c",
            "core.quotePath=false",
            "diff",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--no-renames",
            &commit,
            "--",
        ])?;
        let mut changed = ChangedLines::parse(&top, &diff);
        let untracked = git_at(&top, &["ls-files", "--others", "--exclude-standard", "-z"])?;
        for name in untracked.split('\0').filter(|n| !n.is_empty()) {
            changed.files.insert(top.join(name), Changed::All);
        }
        Ok(changed)
    }

    /// Reads `git diff --unified=0` output; paths are relative to `top`.
    fn parse(top: &Path, diff: &str) -> ChangedLines {
        let mut files = HashMap::new();
        let mut current: Option<PathBuf> = None;
        for line in diff.lines() {
            if let Some(name) = line.strip_prefix("+++ ") {
                current = name.strip_prefix("b/").map(|n| top.join(n));
            } else if line.starts_with("@@ ")
                && let (Some(path), Some(range)) = (&current, added_range(line))
            {
                let entry = files
                    .entry(path.clone())
                    .or_insert_with(|| Changed::Lines(Vec::new()));
                if let Changed::Lines(ranges) = entry {
                    ranges.push(range);
                }
            }
        }
        ChangedLines { files }
    }

    /// True when a line of `first..=last` in `path` changed.
    pub fn touches(&self, path: &Path, first: usize, last: usize) -> bool {
        let path = canonical(path);
        match self.files.get(&path) {
            Some(Changed::All) => true,
            Some(Changed::Lines(ranges)) => ranges.iter().any(|(a, b)| *a <= last && first <= *b),
            None => false,
        }
    }

    /// Keeps the diagnostics that start or end on a changed line.
    pub fn retain(&self, diagnostics: &mut Vec<Diagnostic>) {
        let cwd = std::env::current_dir().unwrap_or_default();
        diagnostics.retain(|d| self.touches(&cwd.join(&*d.file), d.start.line, d.end.line));
    }
}

/// `@@ -12,3 +14,2 @@` gives (14, 15); a pure deletion (`+14,0`) gives None.
fn added_range(header: &str) -> Option<(usize, usize)> {
    let plus = header.split(' ').find(|p| p.starts_with('+'))?;
    let (start, count) = match plus[1..].split_once(',') {
        Some((s, c)) => (s.parse().ok()?, c.parse::<usize>().ok()?),
        None => (plus[1..].parse().ok()?, 1),
    };
    (count > 0).then(|| (start, start + count - 1))
}

/// The commit a reference names. What the user wrote reaches git only after
/// `--end-of-options`, so `--output=x` is a reference that does not exist, never an option;
/// the diff is then asked for by commit id.
fn resolve(reference: &str) -> Result<String, String> {
    let shown = crate::report::printable(reference);
    if reference.is_empty() || reference.starts_with('-') || reference.contains('\0') {
        return Err(format!("`{shown}` is not a git reference"));
    }
    let spec = format!("{reference}^{{commit}}");
    let out = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        &spec,
    ])
    .map_err(|_| format!("`{shown}` names no commit in this repository"))?;
    let commit = out.trim();
    if commit.is_empty() || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("`{shown}` names no commit in this repository"));
    }
    Ok(commit.to_string())
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

fn git(args: &[&str]) -> Result<String, String> {
    git_at(Path::new("."), args)
}

fn git_at(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hunks_of_each_file() {
        let diff = "diff --git a/x.conf b/x.conf\n--- a/x.conf\n+++ b/x.conf\n@@ -3,0 +4,2 @@\n+a\n+b\n@@ -9 +11 @@\n-c\n+d\n@@ -20,2 +22,0 @@\n-e\n-f\n\
                    diff --git a/gone.rs b/gone.rs\n--- a/gone.rs\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n";
        let c = ChangedLines::parse(Path::new("/repo"), diff);
        assert_eq!(
            c.files.get(Path::new("/repo/x.conf")),
            Some(&Changed::Lines(vec![(4, 5), (11, 11)]))
        );
        assert_eq!(c.files.len(), 1);
        assert!(c.touches(Path::new("/repo/x.conf"), 5, 5));
        assert!(!c.touches(Path::new("/repo/x.conf"), 6, 10));
    }
}
