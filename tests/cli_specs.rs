//! OpenAPI specs end to end: a finding on a shared component is reported once, at the
//! component, and baselines, suppressions and `--diff-base` work on it there; a spec read
//! only in part says so in every format.

mod workflow_support;

use serde_json::Value;
use workflow_support::*;

/// One 401 component without a challenge, used by three operations.
const SHARED_401: &str = r#"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        "200": {description: ok}
        "401": {$ref: '#/components/responses/Unauthorized'}
    delete:
      responses:
        "204": {description: gone}
        "401": {$ref: '#/components/responses/Unauthorized'}
  /b:
    get:
      responses:
        "200": {description: ok}
        "401": {$ref: '#/components/responses/Unauthorized'}
components:
  responses:
    Unauthorized:
      description: No token.
"#;

fn json(dir: &std::path::Path, args: &[&str]) -> (Vec<Value>, i32) {
    let out = statuslint(dir)
        .args(["--output-format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let items: Value = serde_json::from_slice(&out.stdout).expect("json");
    (
        items.as_array().expect("an array").clone(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn a_shared_component_is_reported_once_where_it_is_defined() {
    let dir = project(&[("api.yaml", SHARED_401)]);
    let (items, _) = json(dir.path(), &[]);
    assert_eq!(items.len(), 1, "{items:#?}");
    assert_eq!(items[0]["rule"], "SL202");
    assert_eq!(items[0]["location"]["line"], 20);
    let evidence: Vec<&str> = items[0]["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        evidence.contains(&"used by 3 operations: first at `GET /a` at line 8")
            && evidence
                .contains(&"this is the shared response `#/components/responses/Unauthorized`"),
        "{evidence:?}"
    );
}

#[test]
fn a_component_in_another_file_is_reported_at_its_first_use() {
    let spec = SHARED_401
        .replace(
            "'#/components/responses/Unauthorized'",
            "'common.yaml#/Unauthorized'",
        )
        .replace(
            "components:\n  responses:\n    Unauthorized:\n      description: No token.\n",
            "",
        );
    let dir = project(&[
        ("api.yaml", &spec),
        ("common.yaml", "Unauthorized:\n  description: No token.\n"),
    ]);
    let (found, _, _) = concise(dir.path(), &[]);
    assert_eq!(found, ["api.yaml:8: SL202"]);
}

#[test]
fn suppressions_baselines_and_diff_base_work_at_the_definition() {
    let suppressed = SHARED_401.replace(
        "    Unauthorized:\n",
        "    # statuslint-disable-next-line SL202 -- the gateway adds the challenge\n    Unauthorized:\n",
    );
    let dir = project(&[("api.yaml", &suppressed)]);
    let (found, code, _) = concise(dir.path(), &[]);
    assert_eq!((found.len(), code), (0, 0), "{found:?}");

    let dir = project(&[("api.yaml", SHARED_401)]);
    let root = dir.path();
    let (_, code, _) = concise(root, &["--write-baseline", "base.json"]);
    assert_eq!(code, 0);
    let (found, code, _) = concise(root, &["--baseline", "base.json"]);
    assert_eq!((found.len(), code), (0, 0), "{found:?}");

    git(root, &["init", "-q"]);
    git(root, &["add", "api.yaml"]);
    git(root, &["commit", "-qm", "spec"]);
    // A new use changes no line of the component: nothing new to report.
    let more = SHARED_401.replace(
        "components:",
        "  /c:\n    get:\n      responses:\n        \"401\": {$ref: '#/components/responses/Unauthorized'}\ncomponents:",
    );
    write(root, "api.yaml", &more);
    let (found, _, _) = concise(root, &["--diff-base", "HEAD"]);
    assert!(found.is_empty(), "{found:?}");
    // A change to the component reports it.
    write(
        root,
        "api.yaml",
        &more.replace("No token.", "No token at all."),
    );
    let (found, _, _) = concise(root, &["--diff-base", "HEAD"]);
    assert!(
        found.is_empty(),
        "the description line is not the finding's line: {found:?}"
    );
    write(
        root,
        "api.yaml",
        &more
            .replace("    Unauthorized:", "    Unauthorised:")
            .replace("responses/Unauthorized", "responses/Unauthorised"),
    );
    let (found, _, _) = concise(root, &["--diff-base", "HEAD"]);
    assert_eq!(found, ["api.yaml:24: SL202"]);
}

/// A spec indented with a tab on line 9: lines 1-8 are read, the rest is not.
const TABBED: &str = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /a:\n    get:\n      responses:\n        \"200\": {description: ok}\n  /b:\n\tget:\n      responses:\n        \"302\": {description: no location}\n";

#[test]
fn a_partly_read_file_is_reported_in_every_format() {
    let dir = project(&[("api.yaml", TABBED)]);
    let root = dir.path();
    let out = statuslint(root).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("in 1 file; 1 file only partly checked."),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1), "a warning fails the run");
    let out = statuslint(root)
        .args(["--fail-on", "error"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));

    let (items, _) = json(root, &[]);
    assert_eq!(items.len(), 1, "{items:#?}");
    assert_eq!(items[0]["rule"], "SL901");
    assert_eq!(items[0]["location"]["line"], 9);

    let out = statuslint(root)
        .args(["--output-format", "sarif"])
        .output()
        .expect("runs");
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes[0]["descriptor"]["id"], "SL901", "{sarif:#}");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "api.yaml"
    );

    for format in ["gitlab", "junit"] {
        let out = statuslint(root)
            .args(["--output-format", format])
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("SL901"), "{format}: {text}");
    }
    let (found, code, _) = concise(root, &["--ignore", "SL901"]);
    assert_eq!((found.len(), code), (0, 0));
}
