//! The Python table is checked against the real frameworks: every call in
//! `data/apis/python.toml` is run inside a handler of its framework by
//! `tests/frameworks/python_probe.py`, and the code and headers the framework sends must be
//! what the table says (`code`, or `expect` where the probe writes its own code; `adds`;
//! Location for redirects). The frameworks come from `scripts/install-python-frameworks.sh`
//! (a venv in `.cache/python`, or `$STATUSLINT_PYTHON`). Without it the test is skipped with
//! a message, and fails under CI (`CI=true`).

mod workflow_support;
use workflow_support::missing_tool;

use serde_json::Value;
use statuslint::extract::code::python::table::{CallKind, PYTHON_APIS};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> Option<PathBuf> {
    let path = std::env::var_os("STATUSLINT_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join(".cache/python/bin/python"));
    if path.exists() {
        return Some(path);
    }
    missing_tool(&format!(
        "no Python frameworks at {}: run `bash scripts/install-python-frameworks.sh` first",
        path.display()
    ));
    None
}

#[test]
fn every_python_api_sends_what_the_table_says() {
    let Some(python) = python() else { return };
    let dir = manifest_dir();
    let output = Command::new(python)
        .arg(dir.join("tests/frameworks/python_probe.py"))
        .arg(dir.join("data/apis/python.toml"))
        .output()
        .expect("the probe runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the probe failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();

    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for row in &rows {
        if let Some(fact) = row["fact"].as_str() {
            if row["holds"] != Value::Bool(true) {
                problems.push(format!("fact does not hold: {fact}"));
            }
            continue;
        }
        let (call, framework) = (
            row["call"].as_str().unwrap(),
            row["framework"].as_str().unwrap(),
        );
        let entry = PYTHON_APIS
            .calls
            .iter()
            .find(|e| e.call == call && e.frameworks.iter().any(|f| f == framework))
            .unwrap_or_else(|| {
                panic!("the probe reported `{call}` ({framework}), not in the table")
            });
        seen.insert((call.to_string(), framework.to_string()));
        let status = row["status"].as_u64().unwrap() as u32;
        let headers: Vec<&str> = row["headers"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|h| h.as_str())
            .collect();
        let wanted = entry.expect.or(entry.code).expect("a code or an expect");
        if status != wanted {
            problems.push(format!(
                "{framework} `{}` sent {status}, the table says {wanted}",
                entry.probe
            ));
        }
        let mut must_have: Vec<&str> = entry.adds.iter().map(String::as_str).collect();
        if entry.kind == CallKind::Redirect {
            must_have.push("location");
        }
        for header in must_have {
            if !headers.contains(&header) {
                problems.push(format!(
                    "{framework} `{}` sent no {header} header, the table says it does",
                    entry.probe
                ));
            }
        }
    }
    for entry in &PYTHON_APIS.calls {
        for framework in &entry.frameworks {
            if !seen.contains(&(entry.call.clone(), framework.clone())) {
                problems.push(format!("`{}` ({framework}) was never probed", entry.call));
            }
        }
    }
    assert!(
        rows.iter().filter(|r| r["fact"].is_string()).count() >= 8,
        "the constant and framework facts were checked"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
