//! The pre-commit hooks, run by the real pre-commit (`pre-commit try-repo`) against
//! temporary git repositories: each fails on a bad file, passes on a clean one, and passes
//! when no file it reads is staged.
//!
//! `statuslint` (`language: python`) installs the statuslint wheel: here the one that
//! `scripts/build-dist.sh` built, offline, with no cargo on the PATH. `statuslint-source`
//! (`language: rust`) builds statuslint with cargo, which takes minutes the first time, so
//! the build goes to a target directory kept between runs. pre-commit comes from
//! `STATUSLINT_PRE_COMMIT` or the PATH; without it (or the wheel) the tests are skipped,
//! except in CI (`CI=true`), where they must run.

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

/// `pre-commit try-repo <this repository> <hook> --all-files` in `dir`, with `env` added.
fn try_repo(
    pre_commit: &Path,
    home: &Path,
    hook: &str,
    dir: &Path,
    env: &[(&str, std::ffi::OsString)],
) -> (i32, String) {
    let this_repo = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(pre_commit)
        .current_dir(dir)
        .args(["try-repo", this_repo, hook, "--all-files", "--color=never"])
        .env("PRE_COMMIT_HOME", home)
        .envs(env.iter().map(|(k, v)| (k, v)))
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

fn installed_pre_commit() -> Option<PathBuf> {
    let found = pre_commit();
    if found.is_none() {
        missing_tool("pre-commit is not installed (pip install 'pre-commit>=4,<5')");
    }
    found
}

/// The hook fails on a bad file, passes on a clean one and on files it does not read.
fn check_hook(hook: &str, env: &[(&str, std::ffi::OsString)]) {
    let Some(pre_commit) = installed_pre_commit() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();

    let bad = repository(&[
        ("src/handlers.rs", LEGACY_REDIRECT_RS),
        ("README.md", "# app\n"),
    ]);
    let (code, output) = try_repo(&pre_commit, home.path(), hook, bad.path(), env);
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("statuslint"), "{output}");
    assert!(output.contains("Failed"), "{output}");
    assert!(output.contains("SL101"), "{output}");

    let clean = repository(&[("src/handlers.rs", CLEAN_RS)]);
    let (code, output) = try_repo(&pre_commit, home.path(), hook, clean.path(), env);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("Passed"), "{output}");

    let unrelated = repository(&[("README.md", "# notes\n"), ("logo.txt", "statuslint\n")]);
    let (code, output) = try_repo(&pre_commit, home.path(), hook, unrelated.path(), env);
    assert_eq!(code, 0, "{output}");
}

#[test]
fn the_wheel_hook_installs_without_cargo_and_checks() {
    if installed_pre_commit().is_none() {
        return;
    }
    let Some(dist) = dist("wheels") else {
        return;
    };
    // The PATH without any folder that holds cargo: the hook must not need it.
    let path = std::env::var_os("PATH").unwrap();
    let without_cargo: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|dir| !dir.join("cargo").exists())
        .collect();
    check_hook(
        "statuslint",
        &[
            ("PATH", std::env::join_paths(without_cargo).unwrap()),
            ("PIP_NO_INDEX", "1".into()),
            ("PIP_FIND_LINKS", dist.join("wheels").into_os_string()),
        ],
    );
}

#[test]
fn the_source_hook_builds_with_cargo_and_checks() {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-build");
    check_hook(
        "statuslint-source",
        &[
            ("CARGO_TARGET_DIR", target.into_os_string()),
            // The hook's behaviour is under test, not its speed: build quickly.
            ("CARGO_PROFILE_RELEASE_LTO", "off".into()),
            ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1".into()),
            ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16".into()),
        ],
    );
}
