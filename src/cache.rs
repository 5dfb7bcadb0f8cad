//! The extraction cache: the facts each code file yielded, kept between runs, so that a
//! repeated run (pre-commit, `statuslint .` again, CI with a cached folder) parses only the
//! files that changed, as `ruff` and `eslint --cache` do.
//!
//! An entry's key hashes everything extraction reads: the file's bytes, its kind, its path
//! as the walk spells it (module paths and keys are made from it), what the extractor reads
//! of the folders around it ([`Surroundings`](crate::extract::code::Surroundings)) and the
//! build (`STATUSLINT_BUILD_ID`, a hash of the sources, tables and lock file). No setting is
//! in it: settings choose files and rules, not what a file yields. Only the code kinds are
//! kept ([`crate::extract::surroundings`]); nginx includes and OpenAPI `$ref`s read other files.
//!
//! One file per project root, named by a hash of the root's path, in the cache folder
//! (never the project). It is read whole at the start and written whole at the end, to a
//! temporary file renamed over the old one (so concurrent runs never see half a file), with
//! the entries of this run only: it holds no more than the project's files. A run that
//! found every entry and used them all does not write it. A file that is corrupt,
//! truncated or of another build is ignored and replaced.

use crate::classify::SourceKind;
use crate::usage::FileFacts;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

/// What every cache file starts with: the format's name and version.
const MAGIC: &[u8; 8] = b"slcache1";

/// The build the entries were made by.
const BUILD_ID: &str = env!("STATUSLINT_BUILD_ID");

/// A cache file larger than this is not read: it cannot be one of ours for a real project.
const MAX_CACHE_BYTES: u64 = 1024 * 1024 * 1024;

/// Where the cache folder is, by the command line and the environment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Location {
    /// `$XDG_CACHE_HOME/statuslint`, else `$HOME/.cache/statuslint`; none when neither is set.
    #[default]
    Default,
    /// `--cache-dir` or `STATUSLINT_CACHE_DIR`: a problem with it is said once.
    Explicit(PathBuf),
    /// `--no-cache`.
    Off,
}

impl Location {
    /// The folder, and whether the user named it.
    fn folder(&self) -> Option<(PathBuf, bool)> {
        match self {
            Location::Off => None,
            Location::Explicit(dir) => Some((dir.clone(), true)),
            Location::Default => {
                let absolute = |var: &str| {
                    std::env::var_os(var)
                        .map(PathBuf::from)
                        .filter(|p| p.is_absolute())
                };
                let base = absolute("XDG_CACHE_HOME")
                    .or_else(|| absolute("HOME").map(|home| home.join(".cache")))
                    .or_else(|| absolute("LOCALAPPDATA"))?;
                Some((base.join("statuslint"), false))
            }
        }
    }
}

/// One entry's key: a 128-bit hash of what extraction reads.
pub type EntryKey = u128;

struct Loaded {
    facts: Vec<u8>,
    used: AtomicBool,
}

/// The cache of one run.
pub struct Cache {
    folder: PathBuf,
    /// The folder was named by the user, so a problem with it is worth a note.
    explicit: bool,
    file: PathBuf,
    loaded: FxHashMap<EntryKey, Loaded>,
    /// Entries made this run (serialized facts).
    fresh: Mutex<FxHashMap<EntryKey, Vec<u8>>>,
    used: AtomicUsize,
}

/// The file's layout after [`MAGIC`] and the checksum of the rest.
#[derive(Serialize, Deserialize)]
struct Stored {
    build: String,
    entries: Vec<(EntryKey, Vec<u8>)>,
}

impl Cache {
    /// The cache for a run over `paths`, kept for the project root of the first; None when
    /// it is turned off or there is no folder for it. An unreadable or invalid file is an
    /// empty cache.
    pub fn open(location: &Location, paths: &[PathBuf]) -> Option<Cache> {
        let (folder, explicit) = location.folder()?;
        let root = project_root(paths.first()?);
        let name = format!("{:016x}.bin", xxh3_64(root.as_os_str().as_encoded_bytes()));
        let file = folder.join(name);
        let loaded = crate::walk::read_file(&file, MAX_CACHE_BYTES)
            .ok()
            .and_then(|bytes| parse(&bytes))
            .unwrap_or_default();
        Some(Cache {
            folder,
            explicit,
            file,
            loaded,
            fresh: Mutex::default(),
            used: AtomicUsize::new(0),
        })
    }

    /// The cache file this run reads and writes.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The key of a file of `kind` at `path` with `bytes`, when its kind is kept.
    pub fn key(&self, kind: SourceKind, path: &Path, bytes: &[u8]) -> Option<EntryKey> {
        let surroundings = crate::extract::surroundings(kind, path)?;
        let mut hasher = Xxh3::new();
        let mut field = |part: &[u8]| {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part);
        };
        field(BUILD_ID.as_bytes());
        field(kind.label().as_bytes());
        field(path.as_os_str().as_encoded_bytes());
        field(format!("{surroundings:?}").as_bytes());
        field(bytes);
        Some(hasher.digest128())
    }

    /// The facts kept under `key`, if any (a run's own new entries are not looked up).
    pub fn get(&self, key: EntryKey) -> Option<FileFacts> {
        let entry = self.loaded.get(&key)?;
        let facts = postcard::from_bytes(&entry.facts).ok()?;
        if !entry.used.swap(true, Ordering::Relaxed) {
            self.used.fetch_add(1, Ordering::Relaxed);
        }
        Some(facts)
    }

    /// Keeps `facts` under `key` for the next run.
    pub fn put(&self, key: EntryKey, facts: &FileFacts) {
        if let Ok(bytes) = postcard::to_stdvec(facts) {
            self.fresh.lock().expect("not poisoned").insert(key, bytes);
        }
    }

    /// Writes the entries of this run, unless they are the ones read. A note for the user
    /// when writing failed and they named the folder.
    pub fn save(self) -> Option<String> {
        let fresh = self.fresh.into_inner().expect("not poisoned");
        if fresh.is_empty() && self.used.into_inner() == self.loaded.len() {
            return None;
        }
        let mut entries: Vec<(EntryKey, Vec<u8>)> = self
            .loaded
            .into_iter()
            .filter(|(_, e)| e.used.load(Ordering::Relaxed))
            .map(|(k, e)| (k, e.facts))
            .chain(fresh)
            .collect();
        entries.sort_unstable_by_key(|(k, _)| *k);
        entries.dedup_by_key(|(k, _)| *k);
        let stored = Stored {
            build: BUILD_ID.to_string(),
            entries,
        };
        match write(&self.folder, &self.file, &stored) {
            Ok(()) => None,
            Err(e) if self.explicit => Some(format!(
                "cache not written to `{}`: {e}",
                self.folder.display()
            )),
            Err(_) => None,
        }
    }
}

/// The entries of a cache file's bytes; None when they are not a whole file of this build.
fn parse(bytes: &[u8]) -> Option<FxHashMap<EntryKey, Loaded>> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let (sum, body) = rest.split_first_chunk::<8>()?;
    if u64::from_le_bytes(*sum) != xxh3_64(body) {
        return None;
    }
    let stored: Stored = postcard::from_bytes(body).ok()?;
    (stored.build == BUILD_ID).then(|| {
        stored
            .entries
            .into_iter()
            .map(|(k, facts)| {
                let used = AtomicBool::new(false);
                (k, Loaded { facts, used })
            })
            .collect()
    })
}

fn write(folder: &Path, file: &Path, stored: &Stored) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    // Backup tools and statuslint's own walk skip a folder that says it is a cache.
    let tag = folder.join("CACHEDIR.TAG");
    if !tag.exists() {
        std::fs::write(
            &tag,
            "Signature: 8a477f597d28d172789f06886806bc55\n# statuslint's cache: see `statuslint --help`\n",
        )?;
    }
    let body = postcard::to_stdvec(stored).map_err(std::io::Error::other)?;
    let mut temp = tempfile::NamedTempFile::new_in(folder)?;
    temp.write_all(MAGIC)?;
    temp.write_all(&xxh3_64(&body).to_le_bytes())?;
    temp.write_all(&body)?;
    temp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// The folder holding `.git` at or above `path` (a folder, or a file's folder), else that
/// folder itself.
fn project_root(path: &Path) -> PathBuf {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let folder = if path.is_dir() {
        path.as_path()
    } else {
        path.parent().unwrap_or(&path)
    };
    crate::walk::git_root(folder)
        .unwrap_or(folder)
        .to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache_in(dir: &Path) -> Cache {
        Cache::open(&Location::Explicit(dir.to_path_buf()), &[dir.to_path_buf()])
            .expect("a named folder")
    }

    #[test]
    fn keeps_facts_and_reads_them_back() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache_in(dir.path());
        let key = cache
            .key(SourceKind::Rust, Path::new("a.rs"), b"x")
            .unwrap();
        let mut facts = FileFacts::default();
        facts.notes.push("kept".into());
        cache.put(key, &facts);
        assert_eq!(cache.save(), None);
        let cache = cache_in(dir.path());
        assert_eq!(cache.get(key).unwrap().notes, ["kept"]);
        // Another path, another kind or other bytes are other entries.
        for other in [
            cache.key(SourceKind::Rust, Path::new("b.rs"), b"x"),
            cache.key(SourceKind::Rust, Path::new("a.rs"), b"y"),
            cache.key(SourceKind::Go, Path::new("a.rs"), b"x"),
        ] {
            assert_ne!(other, Some(key));
        }
        assert_eq!(
            cache.key(SourceKind::Nginx, Path::new("a.conf"), b"x"),
            None
        );
    }

    #[test]
    fn a_damaged_file_is_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache_in(dir.path());
        let key = cache
            .key(SourceKind::Rust, Path::new("a.rs"), b"x")
            .unwrap();
        cache.put(key, &FileFacts::default());
        cache.save();
        let file = cache_in(dir.path()).file().to_path_buf();
        let whole = std::fs::read(&file).unwrap();
        for damaged in [
            whole[..whole.len() - 1].to_vec(),
            whole[..5].to_vec(),
            [&whole[..20], b"!", &whole[21..]].concat(),
            b"not a cache".to_vec(),
        ] {
            std::fs::write(&file, damaged).unwrap();
            assert!(cache_in(dir.path()).get(key).is_none());
        }
    }
}
