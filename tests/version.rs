//! `statuslint --version` names the commit it was built from: from git in a checkout, from
//! `.cargo_vcs_info.json` in a crate tarball, and none in a plain copy (an sdist) or in a
//! folder that merely sits inside some other repository.

#[path = "../build/commit.rs"]
mod commit;

use assert_cmd::Command;
use std::path::Path;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

const VCS_INFO: &str = r#"{
  "git": {
    "sha1": "0123456789abcdef0123456789abcdef01234567"
  },
  "path_in_vcs": ""
}"#;

#[test]
fn a_checkout_gives_its_head_commit() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::write(dir.path().join("Cargo.toml"), "").unwrap();
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "one"]);
    let head = git(dir.path(), &["rev-parse", "HEAD"]);
    assert_eq!(commit::commit(dir.path()), Some(head[..12].to_string()));
    let watched = commit::watched_files(dir.path());
    assert!(watched.iter().any(|f| f.ends_with("HEAD")), "{watched:?}");
    assert!(watched.iter().all(|f| f.exists()), "{watched:?}");
}

#[test]
fn a_crate_tarball_gives_the_commit_cargo_recorded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".cargo_vcs_info.json"), VCS_INFO).unwrap();
    assert_eq!(commit::commit(dir.path()), Some("0123456789ab".to_string()));
}

#[test]
fn a_plain_copy_or_a_folder_inside_another_repository_gives_none() {
    let plain = tempfile::tempdir().unwrap();
    assert_eq!(commit::commit(plain.path()), None);

    let outer = tempfile::tempdir().unwrap();
    git(outer.path(), &["init", "-q"]);
    std::fs::write(outer.path().join("x"), "").unwrap();
    git(outer.path(), &["add", "."]);
    git(outer.path(), &["commit", "-qm", "outer"]);
    let vendored = outer.path().join("vendor/statuslint");
    std::fs::create_dir_all(&vendored).unwrap();
    assert_eq!(commit::commit(&vendored), None);
    std::fs::write(vendored.join(".cargo_vcs_info.json"), VCS_INFO).unwrap();
    assert_eq!(commit::commit(&vendored), Some("0123456789ab".to_string()));
}

#[test]
fn version_names_the_commit_of_this_build() {
    let out = Command::cargo_bin("statuslint")
        .unwrap()
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let expected = match commit::commit(Path::new(env!("CARGO_MANIFEST_DIR"))) {
        Some(hash) => format!("statuslint {} ({hash})\n", env!("CARGO_PKG_VERSION")),
        None => format!("statuslint {}\n", env!("CARGO_PKG_VERSION")),
    };
    assert_eq!(text, expected);
}
