//! A real editor: headless Neovim (Debian's `neovim`, installed by
//! `scripts/install-editor.sh`) opens a fixture with its built-in LSP client attached to
//! `statuslint server` (tests/editor/neovim.lua). The diagnostics it receives must be the
//! command line's findings for that file, and hovering `StatusCode::FOUND` must explain 302.
//! Neovim comes from `STATUSLINT_NVIM` or the PATH; without it the test is skipped, except
//! under `CI=true`, where it fails.

mod workflow_support;
use workflow_support::missing_tool;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FIXTURE: &str = "fixtures/rust/axum/redirects.rs";

fn nvim() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("STATUSLINT_NVIM") {
        return Some(PathBuf::from(path));
    }
    let found = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("nvim"))
        .find(|p| p.is_file());
    if found.is_none() {
        missing_tool("nvim is not installed: run `bash scripts/install-editor.sh` first");
    }
    found
}

/// The command line's findings for the fixture, as (0-based line, rule).
fn cli_findings(fixture: &Path) -> Vec<(u64, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_statuslint"))
        .args(["--isolated", "--output-format", "json"])
        .arg(fixture)
        .output()
        .unwrap();
    let items: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found: Vec<(u64, String)> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let line = d["location"]["line"].as_u64().unwrap() - 1;
            (line, d["rule"].as_str().unwrap().to_string())
        })
        .collect();
    found.sort();
    found
}

#[test]
fn neovim_shows_the_diagnostics_and_the_hover() {
    let Some(nvim) = nvim() else { return };
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    let text = std::fs::read_to_string(&fixture).unwrap();
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("StatusCode::FOUND").map(|c| (i, c + 14)))
        .expect("the fixture names StatusCode::FOUND");
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("received.json");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editor/neovim.lua");
    let mut child = Command::new(&nvim)
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("STATUSLINT_BIN", env!("CARGO_BIN_EXE_statuslint"))
        .env("STATUSLINT_FILE", &fixture)
        .env("STATUSLINT_OUT", &out)
        .env("STATUSLINT_HOVER_LINE", line.to_string())
        .env("STATUSLINT_HOVER_CHARACTER", column.to_string())
        // Neovim's state, cache and LSP log go to the temporary directory.
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("nvim starts");
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("nvim did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "nvim: {status}");
    let received: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("the script wrote")).unwrap();
    assert_eq!(received["received"], true, "{received:#}");

    let mut shown: Vec<(u64, String)> = received["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!(d["source"], "statuslint", "{d}");
            (
                d["line"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    shown.sort();
    let expected = cli_findings(&fixture);
    assert!(
        expected.len() >= 5,
        "the fixture has findings: {expected:?}"
    );
    assert_eq!(shown, expected);

    let hover = received["hover"].as_str().unwrap_or_default();
    assert!(hover.starts_with("302 Found\n"), "{received:#}");
    assert!(hover.contains("RFC 9110"), "{hover}");
}
