//! The extraction cache end to end: a warm run says what a cold one says, a changed file is
//! read again, a damaged cache is replaced, and nothing is written where it should not be.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// statuslint in `dir`, with its cache in `cache` (None: the flag and variable unset),
/// writing JSON (which says no time, so two runs can be compared).
fn statuslint(dir: &Path, cache: Option<&Path>) -> Command {
    let mut cmd = Command::cargo_bin("statuslint").expect("binary built");
    cmd.current_dir(dir).args(["--output-format", "json"]);
    for var in [
        "GITHUB_ACTIONS",
        "STATUSLINT_OUTPUT_FORMAT",
        "STATUSLINT_CACHE_DIR",
    ] {
        cmd.env_remove(var);
    }
    if let Some(cache) = cache {
        cmd.env("STATUSLINT_CACHE_DIR", cache);
    }
    cmd
}

/// Exit code, standard output and standard error of a run.
fn run(cmd: &mut Command) -> (Option<i32>, String, String) {
    let out = cmd.output().expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The files below `dir`, sorted.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The one cache file in `cache` (CACHEDIR.TAG aside).
fn cache_file(cache: &Path) -> PathBuf {
    let files: Vec<PathBuf> = files_below(cache)
        .into_iter()
        .filter(|f| f.file_name().is_some_and(|n| n != "CACHEDIR.TAG"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().ino()
}

const PERMANENT_AS_TEMPORARY: &str = r#"use axum::response::Redirect;
async fn upgrade(host: String, path: String) -> Redirect {
    Redirect::temporary(&format!("https://{host}{path}"))
}
"#;

const PERMANENT: &str = r#"use axum::response::Redirect;
async fn upgrade(host: String, path: String) -> Redirect {
    Redirect::permanent(&format!("https://{host}{path}"))
}
"#;

const FLASK: &str = "from flask import abort\n\ndef admin():\n    abort(401)\n";

/// A project of its own (a `.git` folder marks its root) with these files.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn a_warm_run_says_what_a_cold_run_says_on_every_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = tempfile::tempdir().unwrap();
    let json = ["fixtures"];
    let uncached = run(statuslint(root, None).args(json).arg("--no-cache"));
    let cold = run(statuslint(root, Some(cache.path())).args(json));
    let file = cache_file(cache.path());
    let warm = run(statuslint(root, Some(cache.path())).args(json));
    assert!(cold.1.len() > 10_000, "the fixtures have findings");
    assert_eq!(cold, uncached);
    assert_eq!(warm, cold);
    // Every entry was found and used: the file was left as it was.
    #[cfg(unix)]
    {
        let before = inode(&file);
        run(statuslint(root, Some(cache.path())).args(json));
        assert_eq!(inode(&file), before, "rewritten although nothing changed");
    }
}

#[test]
fn an_edited_file_is_read_again() {
    let dir = project(&[("src/main.rs", PERMANENT_AS_TEMPORARY)]);
    let cache = tempfile::tempdir().unwrap();
    let lint = || run(statuslint(dir.path(), Some(cache.path())).arg("."));
    let (code, out, _) = lint();
    assert_eq!(code, Some(1));
    assert!(out.contains("SL101"), "{out}");
    std::fs::write(dir.path().join("src/main.rs"), PERMANENT).unwrap();
    let (code, out, _) = lint();
    assert_eq!(code, Some(0), "{out}");
    std::fs::write(dir.path().join("src/main.rs"), PERMANENT_AS_TEMPORARY).unwrap();
    let (code, out, _) = lint();
    assert_eq!(code, Some(1));
    assert!(out.contains("SL101"), "{out}");
}

#[test]
fn a_damaged_cache_file_is_ignored_and_replaced() {
    let dir = project(&[("src/main.rs", PERMANENT_AS_TEMPORARY), ("app.py", FLASK)]);
    let cache = tempfile::tempdir().unwrap();
    let lint = || run(statuslint(dir.path(), Some(cache.path())).arg("."));
    let cold = lint();
    let file = cache_file(cache.path());
    let whole = std::fs::read(&file).unwrap();
    for damaged in [
        Vec::new(),
        whole[..whole.len() / 2].to_vec(),
        whole.iter().map(|b| b ^ 0x55).collect(),
        b"slcache1 but then nothing of the kind".to_vec(),
    ] {
        std::fs::write(&file, &damaged).unwrap();
        assert_eq!(lint(), cold);
        assert_eq!(
            std::fs::read(&file).unwrap(),
            whole,
            "replaced by a whole file"
        );
    }
}

#[test]
fn no_cache_writes_nothing_and_the_project_gets_nothing_either_way() {
    let dir = project(&[("src/main.rs", PERMANENT_AS_TEMPORARY), ("app.py", FLASK)]);
    let before = files_below(dir.path());
    let home = tempfile::tempdir().unwrap();
    let lint = |extra: &[&str]| {
        run(statuslint(dir.path(), None)
            .env("HOME", home.path())
            .env_remove("XDG_CACHE_HOME")
            .arg(".")
            .args(extra))
    };
    let uncached = lint(&["--no-cache"]);
    assert!(files_below(home.path()).is_empty(), "--no-cache wrote");
    // The default folder is under $HOME/.cache, never in the project.
    assert_eq!(lint(&[]), uncached);
    assert_eq!(files_below(dir.path()), before);
    let kept = files_below(home.path());
    assert!(
        kept.iter()
            .all(|f| f.starts_with(home.path().join(".cache/statuslint"))),
        "{kept:?}"
    );
    assert_eq!(kept.len(), 2, "{kept:?}");
}

#[test]
fn the_cache_holds_the_entries_of_the_last_run_only() {
    let both = project(&[("src/main.rs", PERMANENT_AS_TEMPORARY), ("app.py", FLASK)]);
    let cache = tempfile::tempdir().unwrap();
    run(statuslint(both.path(), Some(cache.path())).arg("."));
    let file = cache_file(cache.path());
    let with_both = std::fs::read(&file).unwrap();
    std::fs::remove_file(both.path().join("app.py")).unwrap();
    run(statuslint(both.path(), Some(cache.path())).arg("."));
    let after = std::fs::read(&file).unwrap();
    assert!(after.len() < with_both.len());
    // What a fresh cache of the one file holds, byte for byte (entries are kept in order).
    let alone = project(&[("src/main.rs", PERMANENT_AS_TEMPORARY)]);
    let fresh = tempfile::tempdir().unwrap();
    run(statuslint(alone.path(), Some(fresh.path())).arg("."));
    assert_eq!(std::fs::read(cache_file(fresh.path())).unwrap(), after);
}

#[test]
fn a_cache_folder_that_cannot_be_written_is_said_once_and_the_run_goes_on() {
    let dir = project(&[("src/main.rs", PERMANENT_AS_TEMPORARY)]);
    let blocker = tempfile::NamedTempFile::new().unwrap();
    let not_a_folder = blocker.path().join("cache");
    let (code, out, err) = run(statuslint(dir.path(), Some(&not_a_folder)).arg("."));
    assert_eq!(code, Some(1));
    assert!(out.contains("SL101"), "{out}");
    assert_eq!(err.matches("cache not written").count(), 1, "{err}");
    // The default folder is not the user's choice: its problems are not theirs to hear.
    let (code, _, err) = run(statuslint(dir.path(), None)
        .env("HOME", blocker.path())
        .env_remove("XDG_CACHE_HOME")
        .arg("."));
    assert_eq!(code, Some(1));
    assert!(!err.contains("cache"), "{err}");
}

#[test]
fn files_named_alone_and_standard_input_get_the_findings_of_a_cold_run() {
    let dir = project(&[
        ("src/main.rs", PERMANENT_AS_TEMPORARY),
        ("src/other.rs", PERMANENT),
    ]);
    let cache = tempfile::tempdir().unwrap();
    let named = |cache: Option<&Path>| {
        let mut cmd = statuslint(dir.path(), cache);
        if cache.is_none() {
            cmd.arg("--no-cache");
        }
        run(cmd.arg("src/main.rs"))
    };
    let cold = named(None);
    assert_eq!(named(Some(cache.path())), cold);
    assert_eq!(named(Some(cache.path())), cold);
    let stdin = |cache: Option<&Path>| {
        let mut cmd = statuslint(dir.path(), cache);
        if cache.is_none() {
            cmd.arg("--no-cache");
        }
        run(cmd
            .args(["-", "--stdin-filename", "src/main.rs"])
            .write_stdin(PERMANENT_AS_TEMPORARY))
    };
    let cold = stdin(None);
    assert_eq!(cold.0, Some(1));
    assert_eq!(stdin(Some(cache.path())), cold);
}
