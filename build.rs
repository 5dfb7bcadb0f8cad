//! Puts the version and the commit it was built from into `STATUSLINT_VERSION`, for
//! `statuslint --version`: "0.1.0 (0123456789ab)", or "0.1.0" when no commit is known;
//! and a hash of everything the binary is built from into `STATUSLINT_BUILD_ID`, which the
//! extraction cache keys on (a changed extractor or table must not reuse old facts).

#[path = "build/commit.rs"]
mod commit;

use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

fn main() {
    let crate_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let version = std::env::var("CARGO_PKG_VERSION").expect("set by cargo");
    let full = match commit::commit(&crate_dir) {
        Some(hash) => format!("{version} ({hash})"),
        None => version,
    };
    println!("cargo:rustc-env=STATUSLINT_VERSION={full}");
    let mut build = DefaultHasher::new();
    build.write(full.as_bytes());
    for input in ["src", "data", "Cargo.lock", "build.rs"] {
        hash_tree(&crate_dir, &crate_dir.join(input), &mut build);
        println!("cargo:rerun-if-changed={input}");
    }
    println!(
        "cargo:rustc-env=STATUSLINT_BUILD_ID={:016x}",
        build.finish()
    );
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/commit.rs");
    for file in commit::watched_files(&crate_dir) {
        println!("cargo:rerun-if-changed={}", file.display());
    }
}

/// Hashes the names and contents of `path` and, for a folder, of everything below it, in
/// name order (the order `read_dir` gives differs between machines).
fn hash_tree(crate_dir: &Path, path: &Path, into: &mut DefaultHasher) {
    let name = path.strip_prefix(crate_dir).unwrap_or(path);
    into.write(name.to_string_lossy().as_bytes());
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            hash_tree(crate_dir, &entry, into);
        }
    } else if let Ok(bytes) = std::fs::read(path) {
        into.write_usize(bytes.len());
        into.write(&bytes);
    }
}
