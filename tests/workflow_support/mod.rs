//! Helpers for the end-to-end tests of the workflow features (config, suppressions,
//! output formats, fixes, baselines, git): small projects in temporary directories and
//! the real binary run in them.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::Path;
use tempfile::TempDir;

/// An axum handler whose temporary redirect is a permanent move (SL101 on line 5) and
/// that writes 404 as a number (SL501 on line 9, off by default).
pub const LEGACY_REDIRECT_RS: &str = r#"use axum::{http::StatusCode, response::Redirect};

// legacy URL: the docs moved to /docs for good
async fn old_docs() -> Redirect {
    Redirect::temporary("/docs")
}

async fn missing() -> StatusCode {
    StatusCode::from_u16(404).unwrap()
}
"#;

/// An axum handler with an unregistered code (SL302 on line 4).
pub const UNREGISTERED_RS: &str = r#"use axum::http::StatusCode;

async fn calm_down() -> StatusCode {
    StatusCode::from_u16(420).unwrap()
}
"#;

/// A file with nothing to report.
pub const CLEAN_RS: &str = r#"use axum::{http::StatusCode, response::Redirect};

async fn docs() -> Redirect {
    Redirect::permanent("/docs")
}

async fn gone() -> StatusCode {
    StatusCode::NOT_FOUND
}
"#;

/// A temporary directory holding `files` (paths relative to it).
pub fn project(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

pub fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

pub fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).expect("readable")
}

/// statuslint run in `dir`, with none of the CI variables that change its output.
pub fn statuslint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("statuslint").expect("the binary is built");
    cmd.current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("STATUSLINT_OUTPUT_FORMAT")
        .env("NO_COLOR", "1");
    cmd
}

/// The findings as `file:line: RULE` lines, from the concise format.
pub fn findings(output: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| {
            let mut parts = l.splitn(4, ':');
            let (file, line, _col, rest) =
                (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
            let rule = rest.split_whitespace().next()?;
            rule.starts_with("SL")
                .then(|| format!("{file}:{line}: {rule}"))
        })
        .collect()
}

/// Runs statuslint with `--output-format concise` and the given arguments.
pub fn concise(dir: &Path, args: &[&str]) -> (Vec<String>, i32, String) {
    let output = statuslint(dir)
        .arg("--output-format=concise")
        .args(args)
        .output()
        .expect("statuslint runs");
    (
        findings(&output),
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs git in `dir`, failing the test when git fails.
pub fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

/// A tool a test needs is not installed: the test is skipped with `message` here, and
/// fails with it under CI (`CI=true`), where `.ci/run` installs every such tool.
pub fn missing_tool(message: &str) {
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
    eprintln!("skipped: {message}");
}

/// What `scripts/build-dist.sh` built (the wheel, the npm packs, the linters), from
/// `STATUSLINT_DIST` or target/dist. None when it is missing, after failing under CI
/// (`CI=true`), where the install tests must run.
pub fn dist(needed: &str) -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("STATUSLINT_DIST")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/dist"));
    if dir.join(needed).exists() {
        return Some(dir);
    }
    let message = format!(
        "{} is missing: run `bash scripts/build-dist.sh` first",
        dir.join(needed).display()
    );
    missing_tool(&message);
    None
}
