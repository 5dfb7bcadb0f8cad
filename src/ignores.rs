//! The ignore files of the walk (`.statuslintignore`, `.ignore`, `.gitignore`, git's
//! `info/exclude` and the global excludes file), read as every other file is read
//! ([`crate::walk::read_file`]: only a regular file, opened without blocking and checked
//! on the opened handle), because the `ignore` crate opens them by name itself and a
//! file swapped for a FIFO after a check would block it forever. The crate's matchers
//! are built from the lines, and applied with its precedence: at each folder from the
//! nearest up, `.statuslintignore` first, then `.ignore`, then (inside a git repository,
//! up to its root) `.gitignore` and `info/exclude`, then the global file.

use crate::walk::{MAX_FILE_BYTES, ReadError, read_file};
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, RwLock};

/// The ignore files of one folder.
struct Folder {
    custom: Gitignore,
    ignore: Gitignore,
    git: Gitignore,
    exclude: Gitignore,
    /// The folder holds `.git`: a repository's root.
    has_git: bool,
}

/// Why a folder is not walked: one of its ignore files cannot be read safely.
pub type Refused = String;

type Loaded = Result<Arc<Folder>, Refused>;

/// The ignore files of every folder seen, read once each, and the chain of them over each
/// folder's entries, put together once each.
#[derive(Default)]
pub struct Ignores {
    folders: RwLock<HashMap<PathBuf, Loaded>>,
    chains: RwLock<HashMap<PathBuf, Arc<Chain>>>,
}

/// The ignore files that apply to the entries of one folder: its own and those of every
/// folder above it, nearest first.
pub struct Chain {
    folders: Vec<Arc<Folder>>,
    in_git: bool,
    /// No file of the chain has a pattern (and the global file does not count or has
    /// none): nothing below is ignored, which most folders of most trees are.
    empty: bool,
}

/// The user's global excludes file (`core.excludesFile`), not the repository's.
static GLOBAL: LazyLock<Gitignore> = LazyLock::new(|| GitignoreBuilder::new("").build_global().0);

impl Ignores {
    /// Reads the ignore files of `dir` (an absolute path); an error says which one could
    /// not be read and why, and the folder is then not walked.
    pub fn enter(&self, dir: &Path) -> Result<(), Refused> {
        self.folder(dir).map(|_| ())
    }

    /// True when the ignore files of the folders above `path` (absolute) ignore it.
    pub fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        path.parent()
            .is_some_and(|dir| self.chain(dir).ignores(path, is_dir))
    }

    /// The ignore files over the entries of `dir` (absolute), put together once per folder.
    pub fn chain(&self, dir: &Path) -> Arc<Chain> {
        if let Some(chain) = self.chains.read().expect("not poisoned").get(dir) {
            return chain.clone();
        }
        let folders: Vec<Arc<Folder>> = dir
            .ancestors()
            .filter_map(|d| self.folder(d).ok())
            .collect();
        let in_git = folders.iter().any(|f| f.has_git);
        let empty = folders.iter().all(|f| {
            f.custom.is_empty() && f.ignore.is_empty() && f.git.is_empty() && f.exclude.is_empty()
        }) && (!in_git || GLOBAL.is_empty());
        let chain = Arc::new(Chain {
            folders,
            in_git,
            empty,
        });
        self.chains
            .write()
            .expect("not poisoned")
            .insert(dir.to_path_buf(), chain.clone());
        chain
    }

    fn folder(&self, dir: &Path) -> Loaded {
        if let Some(loaded) = self.folders.read().expect("not poisoned").get(dir) {
            return loaded.clone();
        }
        let loaded = load(dir).map(Arc::new);
        self.folders
            .write()
            .expect("not poisoned")
            .insert(dir.to_path_buf(), loaded.clone());
        loaded
    }
}

impl Chain {
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// True when these ignore files ignore `path` (absolute), an entry of their folder.
    pub fn ignores(&self, path: &Path, is_dir: bool) -> bool {
        if self.empty {
            return false;
        }
        let mut found = [Match::None, Match::None, Match::None, Match::None];
        let mut saw_git = false;
        for folder in &self.folders {
            let git = self.in_git && !saw_git;
            let matchers = [
                Some(&folder.custom),
                Some(&folder.ignore),
                git.then_some(&folder.git),
                git.then_some(&folder.exclude),
            ];
            for (slot, matcher) in found.iter_mut().zip(matchers) {
                if let (Match::None, Some(m)) = (&slot, matcher) {
                    *slot = m.matched(path, is_dir).map(|_| ());
                }
            }
            saw_git |= folder.has_git;
        }
        let global = if self.in_git {
            GLOBAL.matched(path, is_dir).map(|_| ())
        } else {
            Match::None
        };
        found
            .into_iter()
            .chain([global])
            .find(|m| !m.is_none())
            .is_some_and(|m| m.is_ignore())
    }
}

fn load(dir: &Path) -> Result<Folder, Refused> {
    let git_path = dir.join(".git");
    let has_git = std::fs::metadata(&git_path).is_ok();
    let exclude = match git_dir(&git_path)? {
        Some(git_dir) => matcher(dir, &git_dir.join("info/exclude"), ".git/info/exclude")?,
        None => Gitignore::empty(),
    };
    Ok(Folder {
        custom: matcher(dir, &dir.join(".statuslintignore"), ".statuslintignore")?,
        ignore: matcher(dir, &dir.join(".ignore"), ".ignore")?,
        git: matcher(dir, &dir.join(".gitignore"), ".gitignore")?,
        exclude,
        has_git,
    })
}

/// The git folder of a repository whose `.git` is at `git_path`: the folder itself, or
/// for a worktree the common folder its `.git` file leads to (as git reads `info/exclude`
/// from there).
fn git_dir(git_path: &Path) -> Result<Option<PathBuf>, Refused> {
    let Ok(meta) = std::fs::metadata(git_path) else {
        return Ok(None);
    };
    if meta.is_dir() {
        return Ok(Some(git_path.to_path_buf()));
    }
    let Some(text) = text_of(git_path, ".git")? else {
        return Ok(None);
    };
    let base = git_path.parent().unwrap_or(Path::new("/"));
    let Some(linked) = text.lines().next().and_then(|l| l.strip_prefix("gitdir:")) else {
        return Ok(None);
    };
    let linked = base.join(linked.trim());
    let common = match text_of(&linked.join("commondir"), ".git")? {
        Some(common) => linked.join(common.trim()),
        None => linked,
    };
    Ok(Some(common))
}

/// The matcher of the ignore file at `file` for the folder `dir`; none when it does not
/// exist. `name` is how a note calls it.
fn matcher(dir: &Path, file: &Path, name: &str) -> Result<Gitignore, Refused> {
    let Some(text) = text_of(file, name)? else {
        return Ok(Gitignore::empty());
    };
    let mut builder = GitignoreBuilder::new(dir);
    for line in text.lines() {
        // A bad glob is skipped, as git and the `ignore` crate skip it.
        let _ = builder.add_line(Some(file.to_path_buf()), line);
    }
    Ok(builder.build().unwrap_or_else(|_| Gitignore::empty()))
}

/// The text of a file that may not exist; an error when it exists but must not be read.
fn text_of(file: &Path, name: &str) -> Result<Option<String>, Refused> {
    match read_file(file, MAX_FILE_BYTES) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        // A folder named like an ignore file is no ignore file; git ignores it too.
        Err(ReadError::NotRegular("a directory")) => Ok(None),
        Err(ReadError::Io(e)) if e.raw_os_error() == Some(libc::ENOTDIR) => Ok(None),
        Err(e) => Err(format!("its {name} is {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn nearer_files_and_statuslintignore_win() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path().canonicalize().unwrap();
        std::fs::create_dir(root.join(".git")).unwrap();
        write(&root.join(".gitignore"), "*.conf\nbuild/\n");
        write(&root.join("sub/.gitignore"), "!keep.conf\n");
        write(&root.join(".statuslintignore"), "sub/forced.conf\n");
        write(&root.join(".git/info/exclude"), "local.yaml\n");
        let ignores = Ignores::default();
        let ignored = |p: &str, dir| ignores.ignored(&root.join(p), dir);
        assert!(ignored("a.conf", false));
        assert!(ignored("build", true));
        assert!(!ignored("build", false));
        assert!(!ignored("sub/keep.conf", false));
        assert!(ignored("sub/other.conf", false));
        assert!(ignored("sub/forced.conf", false));
        assert!(ignored("x/local.yaml", false));
        assert!(!ignored("main.rs", false));
    }

    #[test]
    fn gitignore_counts_only_inside_a_repository() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path().canonicalize().unwrap();
        write(&root.join(".gitignore"), "*.conf\n");
        write(&root.join(".ignore"), "*.yaml\n");
        let ignores = Ignores::default();
        assert!(!ignores.ignored(&root.join("a.conf"), false));
        assert!(ignores.ignored(&root.join("a.yaml"), false));
    }

    #[test]
    fn an_ignore_file_that_is_not_regular_refuses_its_folder() {
        let root = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/null", root.path().join(".gitignore")).unwrap();
        let refused = Ignores::default().enter(root.path()).unwrap_err();
        assert_eq!(
            refused,
            "its .gitignore is a device, not a regular file; only regular files are read"
        );
    }
}
