//! The commit statuslint is built from, for `--version`. Shared by build.rs and its test.
//!
//! From git when the crate is its own checkout; else from the `.cargo_vcs_info.json` that
//! `cargo package` writes into crate tarballs; else none (an sdist or a plain copy). A
//! crate unpacked inside some other repository must not report that repository's commit.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The commit's hash, cut to 12 characters, or None when it cannot be known.
pub fn commit(crate_dir: &Path) -> Option<String> {
    from_git(crate_dir)
        .or_else(|| from_vcs_info(crate_dir))
        .map(|hash| hash.chars().take(12).collect())
}

/// Files whose change means a new commit (for `cargo:rerun-if-changed`).
pub fn watched_files(crate_dir: &Path) -> Vec<PathBuf> {
    let mut files = vec![crate_dir.join(".cargo_vcs_info.json")];
    if own_checkout(crate_dir) {
        for path in ["HEAD", "packed-refs"] {
            files.extend(git(crate_dir, &["rev-parse", "--git-path", path]).map(PathBuf::from));
        }
        // A branch whose ref is packed gets a loose ref file on its next commit: watch
        // the folder it will appear in.
        let branch = git(crate_dir, &["symbolic-ref", "-q", "HEAD"])
            .and_then(|b| git(crate_dir, &["rev-parse", "--git-path", &b]))
            .map(|ref_file| crate_dir.join(ref_file));
        match branch {
            Some(ref_file) if ref_file.exists() => files.push(ref_file),
            Some(ref_file) => files.extend(ref_file.parent().map(Path::to_path_buf)),
            None => {}
        }
    }
    // A missing file would make cargo rerun the script on every build.
    files
        .into_iter()
        .map(|f| crate_dir.join(f))
        .filter(|f| f.exists())
        .collect()
}

fn from_git(crate_dir: &Path) -> Option<String> {
    if !own_checkout(crate_dir) {
        return None;
    }
    git(crate_dir, &["rev-parse", "HEAD"]).filter(|h| is_hash(h))
}

/// Whether `crate_dir` is the top of a git work tree (not a folder inside another one).
fn own_checkout(crate_dir: &Path) -> bool {
    let Some(top) = git(crate_dir, &["rev-parse", "--show-toplevel"]) else {
        return false;
    };
    match (Path::new(&top).canonicalize(), crate_dir.canonicalize()) {
        (Ok(top), Ok(dir)) => top == dir,
        _ => false,
    }
}

/// `{"git": {"sha1": "..."}, ...}`, read without a JSON parser: build scripts get no
/// dependencies here, and the file is written by cargo in one fixed shape.
fn from_vcs_info(crate_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(crate_dir.join(".cargo_vcs_info.json")).ok()?;
    let after = &text[text.find("\"sha1\"")? + "\"sha1\"".len()..];
    let start = after.find('"')? + 1;
    let hash = &after[start..start + after[start..].find('"')?];
    is_hash(hash).then(|| hash.to_string())
}

fn is_hash(text: &str) -> bool {
    text.len() >= 12 && text.chars().all(|c| c.is_ascii_hexdigit())
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}
