//! Puts the version and the commit it was built from into `STATUSLINT_VERSION`, for
//! `statuslint --version`: "0.1.0 (0123456789ab)", or "0.1.0" when no commit is known.

#[path = "build/commit.rs"]
mod commit;

use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let version = std::env::var("CARGO_PKG_VERSION").expect("set by cargo");
    let full = match commit::commit(&crate_dir) {
        Some(hash) => format!("{version} ({hash})"),
        None => version,
    };
    println!("cargo:rustc-env=STATUSLINT_VERSION={full}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/commit.rs");
    for file in commit::watched_files(&crate_dir) {
        println!("cargo:rerun-if-changed={}", file.display());
    }
}
