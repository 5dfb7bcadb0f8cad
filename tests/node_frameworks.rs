//! The JavaScript table is checked against the real frameworks: every call in
//! `data/apis/javascript.toml` is run inside a handler of its framework by
//! `tests/frameworks/node_probe.mjs` under Node, and the code and headers the framework
//! sends must be what the table says (`code`, or `expect` where the probe writes its own
//! code; `adds`; Location for redirects). The names of the constants modules, the codes
//! of the error classes, the methods a Remix route module's exports answer and the shape of
//! Express error middleware must be the packages' own. The packages come from
//! `scripts/install-node-frameworks.sh` (`.cache/node`); without them the test is skipped
//! with a message, and fails under CI (`CI=true`).

mod workflow_support;

use serde_json::{Value, json};
use statuslint::extract::code::javascript::table::{CallKind, JS_APIS};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;
use workflow_support::missing_tool;

fn node_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".cache/node");
    // @vercel/node is unpacked beside the installed packages (its helpers are probed from
    // its bundle).
    if dir.join("node_modules/express").exists()
        && dir.join("vercel-node/package/dist/dev-server.mjs").exists()
    {
        return Some(dir);
    }
    missing_tool(&format!(
        "no Node frameworks in {}: run `bash scripts/install-node-frameworks.sh` first",
        dir.display()
    ));
    None
}

#[test]
fn every_node_api_sends_what_the_table_says() {
    let Some(dir) = node_dir() else { return };
    let entries: Vec<Value> = JS_APIS
        .calls
        .iter()
        .map(|e| json!({ "call": e.call, "frameworks": e.frameworks, "probe": e.probe }))
        .collect();
    let script = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/frameworks/node_probe.mjs"),
    )
    .expect("the probe script");
    let output = Command::new("node")
        .current_dir(&dir)
        .args(["--input-type=module", "-e", &script])
        .arg(Value::Array(entries).to_string())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the probe failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<Value> = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    let mut facts = 0;
    for row in &rows {
        if let Some(module) = row["constants"].as_str() {
            facts += 1;
            let table = JS_APIS
                .constants
                .values()
                .find(|c| c.module == module)
                .expect("a constants module of the table");
            let real: BTreeMap<String, u64> = row["names"]
                .as_object()
                .unwrap()
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_u64()?)))
                .filter(|(k, _)| {
                    k.chars()
                        .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
                })
                .collect();
            for (name, code) in &table.names {
                if real.get(name) != Some(&u64::from(*code)) {
                    problems.push(format!("{module} has no {name} = {code}"));
                }
            }
            continue;
        }
        if let Some(framework) = row["error_middleware"].as_str() {
            facts += 1;
            let spec = &JS_APIS.error_middleware[framework];
            let arities: Vec<u64> =
                serde_json::from_value(row["arities"].clone()).expect("arities");
            if arities != [spec.arity as u64]
                || row["error"] != json!(spec.error)
                || row["writer"] != json!(spec.writer)
            {
                problems.push(format!(
                    "{} renders errors with functions of {arities:?} parameters, the table says {}",
                    row["module"], spec.arity
                ));
            }
            continue;
        }
        if let Some(framework) = row["exports"].as_str() {
            facts += 1;
            let real: BTreeMap<String, BTreeSet<String>> =
                serde_json::from_value(row["methods"].clone()).expect("export to methods");
            let table: BTreeMap<String, BTreeSet<String>> = JS_APIS.routing.module_exports
                [framework]
                .iter()
                .map(|(export, methods)| (export.clone(), methods.iter().cloned().collect()))
                .collect();
            if real != table {
                problems.push(format!(
                    "{framework} route modules answer {real:?}, the table says {table:?}"
                ));
            }
            continue;
        }
        if let Some(framework) = row["errors"].as_str() {
            facts += 1;
            for (name, code) in &JS_APIS.errors[framework] {
                if row["classes"][name].as_u64() != Some(u64::from(*code)) {
                    problems.push(format!("{framework} {name} is not {code}"));
                }
            }
            continue;
        }
        let (call, framework) = (
            row["call"].as_str().unwrap(),
            row["framework"].as_str().unwrap(),
        );
        let entry = JS_APIS
            .calls
            .iter()
            .find(|e| e.call == call && e.frameworks.iter().any(|f| f == framework))
            .unwrap_or_else(|| {
                panic!("the probe reported `{call}` ({framework}), not in the table")
            });
        seen.insert((call.to_string(), framework.to_string()));
        let status = row["status"].as_u64().unwrap_or(0) as u32;
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
    for entry in &JS_APIS.calls {
        for framework in &entry.frameworks {
            if !seen.contains(&(entry.call.clone(), framework.clone())) {
                problems.push(format!("`{}` ({framework}) was never probed", entry.call));
            }
        }
    }
    assert_eq!(
        facts, 8,
        "the constants, error classes, route module exports and error middleware were checked"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
