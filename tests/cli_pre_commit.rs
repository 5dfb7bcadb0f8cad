//! The pre-commit hook, run by the real pre-commit (`pre-commit try-repo`) against
//! temporary git repositories: it fails on a bad file, passes on a clean one, and passes
//! when no file it reads is staged.
//!
//! pre-commit builds statuslint with cargo (`language: rust`), which takes minutes the
//! first time, so the build goes to a target directory kept between runs. pre-commit comes
//! from `STATUSLINT_PRE_COMMIT` or the PATH; without it the test is skipped, except in CI
//! (`CI=true`), where it must run.

mod workflow_support;

use std::path::{Path, PathBuf};
use std::process::Command;
use workflow_support::*;

fn pre_commit() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("STATUSLINT_PRE_COMMIT") {
        return Some(PathBuf::from(path));
    }
    let found = Command::new("pre-commit").arg("--version").output();
    found
        .is_ok_and(|o| o.status.success())
        .then(|| PathBuf::from("pre-commit"))
}

fn repository(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = project(files);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "fixture"]);
    dir
}

/// `pre-commit try-repo <this repository> statuslint --all-files` in `dir`.
fn try_repo(pre_commit: &Path, home: &Path, dir: &Path) -> (i32, String) {
    let this_repo = env!("CARGO_MANIFEST_DIR");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-build");
    let out = Command::new(pre_commit)
        .current_dir(dir)
        .args([
            "try-repo",
            this_repo,
            "statuslint",
            "--all-files",
            "--color=never",
        ])
        .env("PRE_COMMIT_HOME", home)
        .env("CARGO_TARGET_DIR", &target)
        // The hook's behaviour is under test, not its speed: build quickly.
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("STATUSLINT_OUTPUT_FORMAT")
        .output()
        .expect("pre-commit runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_hook_fails_on_a_bad_file_and_passes_on_clean_ones() {
    let Some(pre_commit) = pre_commit() else {
        assert!(
            std::env::var("CI").is_err(),
            "CI must run the pre-commit test: install pre-commit 4 (pip install 'pre-commit>=4,<5')"
        );
        eprintln!("skipped: pre-commit is not installed");
        return;
    };
    let home = tempfile::tempdir().unwrap();

    let bad = repository(&[
        ("src/handlers.rs", LEGACY_REDIRECT_RS),
        ("README.md", "# app\n"),
    ]);
    let (code, output) = try_repo(&pre_commit, home.path(), bad.path());
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("statuslint"), "{output}");
    assert!(output.contains("Failed"), "{output}");
    assert!(output.contains("SL101"), "{output}");

    let clean = repository(&[("src/handlers.rs", CLEAN_RS)]);
    let (code, output) = try_repo(&pre_commit, home.path(), clean.path());
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("Passed"), "{output}");

    let unrelated = repository(&[("README.md", "# notes\n"), ("logo.txt", "statuslint\n")]);
    let (code, output) = try_repo(&pre_commit, home.path(), unrelated.path());
    assert_eq!(code, 0, "{output}");
}
