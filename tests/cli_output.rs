//! Output formats end to end: json-lines, github (escaping, order, auto-detection, step
//! summary), SARIF validated against the official 2.1.0 schema, GitLab, JUnit, Checkstyle,
//! and `--statistics`.

mod workflow_support;

use serde_json::Value;
use workflow_support::*;

/// A warning on line 5 and an error (SL301) on line 9, in a directory whose name needs
/// escaping in GitHub annotation properties.
const WARNING_THEN_ERROR_RS: &str = r#"use axum::{http::StatusCode, response::Redirect};

// legacy URL: the docs moved to /docs for good
async fn old_docs() -> Redirect {
    Redirect::temporary("/docs")
}

async fn broken() -> StatusCode {
    StatusCode::from_u16(999).unwrap()
}
"#;

fn run(dir: &std::path::Path, format: &str) -> (String, i32) {
    let out = statuslint(dir)
        .args(["--output-format", format])
        .output()
        .expect("runs");
    (
        String::from_utf8(out.stdout).expect("utf-8"),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn json_lines_has_one_object_per_finding() {
    let dir = project(&[("a.rs", WARNING_THEN_ERROR_RS)]);
    let (text, code) = run(dir.path(), "json-lines");
    assert_eq!(code, 1);
    let items: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["rule"], "SL101");
    assert_eq!(items[1]["location"]["line"], 9);
}

#[test]
fn github_annotations_are_escaped_and_errors_come_first() {
    let dir = project(&[("a,b:c/a.rs", WARNING_THEN_ERROR_RS)]);
    let (text, _) = run(dir.path(), "github");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with(
            "::error title=statuslint (SL301),file=a%2Cb%3Ac/a.rs,line=9,col=5,endLine=9,endColumn=30::SL301 (invalid-status-code): `999` is not a valid HTTP status code%0Aevidence: "
        ),
        "{text}"
    );
    assert!(
        lines[1].starts_with("::warning title=statuslint (SL101),file=a%2Cb%3Ac/a.rs,line=5,col=5,endLine=5,endColumn=33::"),
        "{text}"
    );
    assert!(
        lines[1].contains("%0Aevidence: "),
        "newlines are escaped: {text}"
    );
    assert_eq!(
        lines[1].matches("::").count(),
        2,
        "no unescaped `::` in the message"
    );
}

#[test]
fn github_is_chosen_under_github_actions_and_writes_a_step_summary() {
    let dir = project(&[("a.rs", WARNING_THEN_ERROR_RS)]);
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = statuslint(dir.path())
        .arg("a.rs")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("::error title=statuslint (SL301)"),
        "{text}"
    );
    let table = std::fs::read_to_string(&summary).unwrap();
    assert!(
        table.starts_with("earlier step\n## statuslint"),
        "appended: {table}"
    );
    assert!(
        table.contains("| error | `a.rs` | 9 | SL301 invalid-status-code |"),
        "{table}"
    );
    assert!(table.contains("| warning | `a.rs` | 5 | SL101"), "{table}");

    // An explicit format wins over the environment, and the variable names one too.
    let out = statuslint(dir.path())
        .env("GITHUB_ACTIONS", "true")
        .env("STATUSLINT_OUTPUT_FORMAT", "concise")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("a.rs:5:5: SL101"));
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let dir = project(&[("src/a b.rs", WARNING_THEN_ERROR_RS)]);
    let (text, _) = run(dir.path(), "sarif");
    let log: Value = serde_json::from_str(&text).unwrap();
    let mut schema: Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    // The official file's pattern for `language` (of a run and of a tool component) has a
    // stray `]` that ECMA-262 regexes reject, so the schema would not compile; statuslint
    // never writes `language`, so the pattern is replaced in memory by the one it means.
    for owner in ["run", "toolComponent"] {
        let language = &mut schema["definitions"][owner]["properties"]["language"]["pattern"];
        assert_eq!(language, "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$");
        *language = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into();
    }
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), statuslint::rules::all().len());
    for rule in rules {
        for field in ["shortDescription", "fullDescription", "help"] {
            assert!(
                rule[field]["text"].as_str().is_some_and(|t| !t.is_empty()),
                "{rule}"
            );
        }
        assert!(rule["name"].is_string());
    }
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    assert_eq!(invocation["properties"]["filesChecked"], 1);
    assert_eq!(invocation["properties"]["filesCheckedByKind"]["rust"], 1);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
    assert_eq!(results[1]["level"], "error");
    let location = &results[1]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "src/a%20b.rs");
    assert_eq!(location["region"]["startLine"], 9);

    // A clean run is valid too.
    let clean = project(&[("a.rs", CLEAN_RS)]);
    let log: Value = serde_json::from_str(&run_text(clean.path(), "sarif")).unwrap();
    assert!(validator.is_valid(&log));
    assert!(
        !validator.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{}]})),
        "the schema can fail"
    );
}

fn run_text(dir: &std::path::Path, format: &str) -> String {
    run(dir, format).0
}

#[test]
fn gitlab_code_quality_has_unique_stable_fingerprints() {
    let dir = project(&[("a.rs", WARNING_THEN_ERROR_RS)]);
    let issues: Value = serde_json::from_str(&run_text(dir.path(), "gitlab")).unwrap();
    let issues = issues.as_array().unwrap();
    assert_eq!(issues.len(), 2);
    assert_eq!(issues[0]["check_name"], "SL101");
    assert_eq!(issues[0]["location"]["path"], "a.rs");
    assert_eq!(issues[0]["location"]["lines"]["begin"], 5);
    assert_eq!(issues[1]["severity"], "major");
    assert_ne!(issues[0]["fingerprint"], issues[1]["fingerprint"]);
    // Moving the code keeps the fingerprint.
    write(dir.path(), "a.rs", &format!("\n\n{WARNING_THEN_ERROR_RS}"));
    let moved: Value = serde_json::from_str(&run_text(dir.path(), "gitlab")).unwrap();
    assert_eq!(moved[0]["fingerprint"], issues[0]["fingerprint"]);
    assert_eq!(moved[0]["location"]["lines"]["begin"], 7);
}

#[test]
fn junit_and_checkstyle_are_xml_reports() {
    let dir = project(&[("a&b.rs", WARNING_THEN_ERROR_RS)]);
    let junit = run_text(dir.path(), "junit");
    assert!(junit.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"statuslint\" tests=\"3\" failures=\"2\""));
    assert!(
        junit.contains("<testsuite name=\"a&amp;b.rs\" tests=\"2\" failures=\"2\""),
        "{junit}"
    );
    assert!(
        junit.contains("<failure message=\"`999` is not a valid"),
        "{junit}"
    );
    // A failing case per finding and a passing one that says what was read.
    assert_eq!(junit.matches("<testcase ").count(), 3);
    assert!(
        junit.contains("<testcase name=\"Checked 1 file (1 Rust) in "),
        "{junit}"
    );
    assert_eq!(junit.matches("</testcase>").count(), 2);

    let checkstyle = run_text(dir.path(), "checkstyle");
    assert!(
        checkstyle.contains("<file name=\"a&amp;b.rs\">"),
        "{checkstyle}"
    );
    assert!(
        checkstyle.contains("<error line=\"9\" column=\"5\" severity=\"error\""),
        "{checkstyle}"
    );
    assert!(
        checkstyle.contains("source=\"statuslint.SL101\""),
        "{checkstyle}"
    );
    assert!(checkstyle.trim_end().ends_with("</checkstyle>"));

    let clean = project(&[("a.rs", CLEAN_RS)]);
    let (junit, code) = run(clean.path(), "junit");
    assert_eq!(code, 0);
    assert!(junit.contains("tests=\"1\" failures=\"0\""), "{junit}");
}

#[test]
fn statistics_count_findings_per_rule() {
    let dir = project(&[
        ("a.rs", WARNING_THEN_ERROR_RS),
        ("b.rs", LEGACY_REDIRECT_RS),
        ("c.rs", UNREGISTERED_RS),
    ]);
    let out = statuslint(dir.path()).arg("--statistics").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0], "    2  SL101  temporary-redirect-for-permanent-move",
        "{text}"
    );
    assert_eq!(lines[1], "    1  SL301  invalid-status-code", "{text}");
    assert_eq!(lines[2], "    1  SL302  unregistered-status-code", "{text}");
    assert!(
        lines[3].starts_with("Checked 3 files (3 Rust) in "),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1));
}

/// The summary line of a human format, which ends the output.
fn summary_line(dir: &std::path::Path, args: &[&str]) -> (String, i32) {
    let out = statuslint(dir).args(args).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let last = text.lines().last().unwrap_or_default().to_string();
    (last, out.status.code().unwrap_or(-1))
}

/// "Checked 2 files (1 Rust, 1 nginx) in 0.01 s; ..." with the time cut out.
fn without_time(line: &str) -> String {
    let (checked, rest) = line.split_once(" in ").expect("a time");
    let (_, rest) = rest.split_once(" s; ").expect("seconds");
    format!("{checked}; {rest}")
}

#[test]
fn a_run_says_what_it_read() {
    let dir = project(&[
        ("a.rs", WARNING_THEN_ERROR_RS),
        ("b.rs", CLEAN_RS),
        (
            "nginx.conf",
            "events {}\nhttp { server { listen 80; return 404; } }\n",
        ),
        ("style.css", "body { color: red }\n"),
    ]);
    for format in ["full", "concise"] {
        let (line, code) = summary_line(dir.path(), &["--output-format", format]);
        assert_eq!(code, 1);
        assert_eq!(
            without_time(&line),
            "Checked 3 files (2 Rust, 1 nginx); found 2 problems (1 error, 1 warning) in 1 file.",
            "{format}"
        );
    }
    let (line, code) = summary_line(dir.path(), &["b.rs", "nginx.conf"]);
    assert_eq!(code, 0);
    assert_eq!(
        without_time(&line),
        "Checked 2 files (1 Rust, 1 nginx); no problems found."
    );
}

#[test]
fn a_run_that_read_nothing_says_so() {
    let dir = project(&[("style.css", "body {}\n"), ("README.md", "# hi\n")]);
    let (line, code) = summary_line(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(
        line,
        "No file of a kind statuslint reads was found under `.`."
    );
    let (line, _) = summary_line(dir.path(), &["style.css", "README.md"]);
    assert_eq!(
        line,
        "No file of a kind statuslint reads was found under `style.css`, `README.md`."
    );
}

#[test]
fn quiet_keeps_only_the_findings() {
    let dir = project(&[("a.rs", WARNING_THEN_ERROR_RS), ("b.rs", CLEAN_RS)]);
    let out = statuslint(dir.path())
        .args(["--quiet", "--output-format", "concise"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.lines().all(|l| l.starts_with("a.rs:")), "{text}");
    assert_eq!(out.status.code(), Some(1));
    let out = statuslint(dir.path())
        .args(["-q", "b.rs"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
