//! The GitHub Action (`action.yml`): its steps' scripts run for real against a small
//! project, with the inputs put in as GitHub would, and the binary under test on the PATH
//! in place of the install step's.

mod workflow_support;

use serde_json::Value;
use std::path::Path;
use std::process::Command;
use workflow_support::*;

fn action() -> Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
        .expect("action.yml exists");
    serde_saphyr::from_str(&text).expect("action.yml is YAML")
}

fn step<'a>(action: &'a Value, name: &str) -> &'a Value {
    action["runs"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("a step named {name}"))
}

/// `${{ inputs.x }}` replaced by the input's value.
fn expand(text: &str, inputs: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in inputs {
        out = out.replace(&format!("${{{{ inputs.{name} }}}}"), value);
    }
    out
}

/// Runs a step's script in `dir` as the runner would (bash, the step's env).
fn run_step(step: &Value, dir: &Path, inputs: &[(&str, &str)]) -> std::process::Output {
    assert_eq!(step["shell"], "bash");
    let script = step["run"].as_str().expect("a run script");
    assert!(
        !script.contains("${{"),
        "inputs reach scripts through env, never inline"
    );
    let bin = Path::new(env!("CARGO_BIN_EXE_statuslint"))
        .parent()
        .unwrap();
    let mut cmd = Command::new("bash");
    cmd.args(["-e", "-c", script])
        .current_dir(dir)
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .env("GITHUB_ACTIONS", "true")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("STATUSLINT_OUTPUT_FORMAT");
    if let Some(env) = step["env"].as_object() {
        for (key, value) in env {
            cmd.env(key, expand(value.as_str().unwrap(), inputs));
        }
    }
    cmd.output().expect("bash runs")
}

#[test]
fn the_action_is_a_composite_that_installs_from_its_own_source() {
    let a = action();
    assert_eq!(a["runs"]["using"], "composite");
    assert_eq!(a["inputs"]["args"]["default"], ".");
    assert_eq!(a["inputs"]["sarif-file"]["default"], "");
    let install = step(&a, "Install statuslint")["run"].as_str().unwrap();
    assert!(install.contains("cargo install --locked"), "{install}");
    assert!(
        install.contains("--path \"$GITHUB_ACTION_PATH\""),
        "{install}"
    );
    assert!(install.contains("$GITHUB_PATH"), "{install}");
}

#[test]
fn the_run_step_annotates_and_fails_on_findings() {
    let a = action();
    let dir = project(&[("src/a.rs", LEGACY_REDIRECT_RS), ("b.rs", CLEAN_RS)]);
    let out = run_step(step(&a, "Run statuslint"), dir.path(), &[("args", "src")]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("::warning title=statuslint (SL101),file=src/a.rs,line=5,"),
        "{text}"
    );
    let out = run_step(
        step(&a, "Run statuslint"),
        dir.path(),
        &[("args", "b.rs --fail-on error")],
    );
    assert_eq!(out.status.code(), Some(0), "arguments are split into flags");
}

#[test]
fn the_sarif_step_writes_sarif_without_failing() {
    let a = action();
    let s = step(&a, "Write SARIF");
    assert_eq!(s["if"], "inputs.sarif-file != ''");
    let dir = project(&[("a.rs", LEGACY_REDIRECT_RS)]);
    let out = run_step(
        s,
        dir.path(),
        &[("args", "."), ("sarif-file", "statuslint.sarif")],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Value = serde_json::from_str(&read(dir.path(), "statuslint.sarif")).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "SL101");
}
