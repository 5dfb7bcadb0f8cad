//! The command line end to end: exit codes, output shapes, explain, rules, colour, and
//! bad input that must not crash.

use assert_cmd::Command;
use predicates::prelude::*;
use std::io::Read;
use std::path::Path;
use std::process::Stdio;

fn statuslint() -> Command {
    let mut cmd = Command::cargo_bin("statuslint").expect("binary built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.env_remove("GITHUB_ACTIONS");
    cmd.env_remove("STATUSLINT_OUTPUT_FORMAT");
    cmd
}

const REDIRECTS: &str = "fixtures/rust/axum/redirects.rs";
const CLEAN: &str = "fixtures/rust/axum/clean.rs";

#[test]
fn exit_codes() {
    statuslint().arg(REDIRECTS).assert().code(1);
    statuslint()
        .arg(CLEAN)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("; no problems found."));
    statuslint()
        .arg("no/such/path")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/path"));
    statuslint().arg("--no-such-flag").assert().code(2);
}

#[test]
fn fail_on_sets_the_threshold() {
    // The redirects fixture has warnings and no errors.
    statuslint()
        .args([REDIRECTS, "--fail-on", "error"])
        .assert()
        .code(0);
    statuslint()
        .args([REDIRECTS, "--fail-on", "warning"])
        .assert()
        .code(1);
}

#[test]
fn full_output_shows_source_evidence_help_and_rule() {
    statuslint()
        .args([REDIRECTS, "--color", "never"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("warning[SL101]"))
        .stdout(predicate::str::contains("evidence: "))
        .stdout(predicate::str::contains("help: use 308"))
        .stdout(predicate::str::contains("statuslint explain SL101"))
        .stdout(predicate::str::contains("^^^"));
}

#[test]
fn json_output_has_the_stable_shape() {
    let output = statuslint()
        .args([REDIRECTS, "--output-format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let items: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    let items = items.as_array().expect("an array");
    assert!(!items.is_empty());
    for item in items {
        for key in ["rule", "name", "severity", "message", "file", "help"] {
            assert!(item[key].is_string(), "{key} in {item}");
        }
        for key in ["location", "end_location"] {
            assert!(item[key]["line"].as_u64().unwrap() >= 1, "{key}");
            assert!(item[key]["column"].as_u64().unwrap() >= 1, "{key}");
        }
        assert_eq!(
            item["file"], REDIRECTS,
            "paths are relative to the current directory"
        );
        assert!(["error", "warning", "info", "hint"].contains(&item["severity"].as_str().unwrap()));
    }
    let sl101 = items
        .iter()
        .find(|i| i["rule"] == "SL101")
        .expect("an SL101");
    assert_eq!(sl101["name"], "temporary-redirect-for-permanent-move");
    assert_eq!(sl101["status"], 307);
}

#[test]
fn concise_output_is_one_line_per_finding() {
    statuslint()
        .args([REDIRECTS, "--output-format", "concise"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::is_match(
                r"(?m)^fixtures/rust/axum/redirects\.rs:\d+:\d+: SL101 \[warning\] ",
            )
            .unwrap(),
        );
}

#[test]
fn no_colour_when_piped_or_asked_and_colour_when_forced() {
    let piped = statuslint().arg(REDIRECTS).output().unwrap();
    assert!(
        !piped.stdout.contains(&0x1b),
        "escape codes in piped output"
    );
    let forced = statuslint()
        .args([REDIRECTS, "--color", "always"])
        .output()
        .unwrap();
    assert!(
        forced.stdout.contains(&0x1b),
        "no escape codes with --color always"
    );
    let no_color = statuslint()
        .args([REDIRECTS, "--color", "auto"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!no_color.stdout.contains(&0x1b));
}

#[test]
fn explain_rules_and_codes() {
    statuslint()
        .args(["explain", "SL101"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "temporary-redirect-for-permanent-move",
        ))
        .stdout(predicate::str::contains("Why it matters"));
    statuslint()
        .args(["explain", "redirect-without-location"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("SL104"));
    statuslint()
        .args(["explain", "307"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("307 Temporary Redirect"))
        .stdout(predicate::str::contains("When not to use"));
    statuslint().args(["explain", "SL999"]).assert().code(2);
}

#[test]
fn rules_lists_every_rule() {
    let output = statuslint().arg("rules").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for rule in statuslint::rules::all() {
        assert!(text.contains(&rule.meta.id), "{} missing", rule.meta.id);
        assert!(text.contains(&rule.meta.name));
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let bin = assert_cmd::cargo::cargo_bin("statuslint");
    let mut child = std::process::Command::new(bin)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["fixtures", "--color", "never"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The reading end is dropped here; statuslint still has output to write.
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(matches!(status.code(), Some(0..=1)), "{status:?}");
}

#[test]
fn bad_input_is_skipped_with_a_note_and_no_crash() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("binary.rs"), b"\0\0\0StatusCode::OK\0").unwrap();
    let mut invalid = b"fn a() -> StatusCode {\n StatusCode::IM_A_TEAPOT }\n// \xff\xfe\n".to_vec();
    invalid.extend_from_slice(b"fn b() {}\n");
    std::fs::write(root.join("invalid.rs"), invalid).unwrap();
    std::fs::write(
        root.join("broken.rs"),
        "async fn h() -> StatusCode { StatusCode::USE_PROXY ((((",
    )
    .unwrap();
    let deep = format!(
        "fn f() {{ let x = {}StatusCode::OK{}; }}",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    std::fs::write(root.join("deep.rs"), deep).unwrap();
    let output = statuslint()
        .current_dir(root)
        .args([".", "--output-format", "concise"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("binary.rs") && stderr.contains("binary"),
        "{stderr}"
    );
    assert!(
        stderr.contains("invalid.rs: line 3: not valid UTF-8"),
        "{stderr}"
    );
    // What could be read still counts.
    assert!(stdout.contains("invalid.rs:2:2: SL303"), "{stdout}");
    assert!(stdout.contains("broken.rs:1:30: SL303"), "{stdout}");
    assert!(Path::new(root).join("deep.rs").exists());
}

#[test]
fn nginx_http_to_https_302_becomes_308_only_with_unsafe_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("site.conf");
    let original = "server {\n    listen 80;\n    server_name example.com;\n    return 302 https://$host$request_uri;\n}\n";
    std::fs::write(&conf, original).unwrap();
    statuslint()
        .current_dir(dir.path())
        .args(["site.conf", "--fix"])
        .assert()
        .code(1);
    assert_eq!(
        std::fs::read_to_string(&conf).unwrap(),
        original,
        "a safe --fix must not change the code"
    );
    statuslint()
        .current_dir(dir.path())
        .args(["site.conf", "--fix", "--unsafe-fixes"])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(&conf).unwrap(),
        original.replace("return 302", "return 308")
    );
}

#[test]
fn python_bare_numbers_become_the_constants_the_file_imports() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app.py");
    let original = "from fastapi import FastAPI, HTTPException, status\n\napp = FastAPI()\n\n\n@app.get(\"/items/{id}\")\nasync def item(id: int):\n    raise HTTPException(status_code=404, detail=\"no such item\")\n";
    std::fs::write(&app, original).unwrap();
    statuslint()
        .current_dir(dir.path())
        .args(["app.py", "--select", "SL501", "--fix"])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(&app).unwrap(),
        original.replace("status_code=404", "status_code=status.HTTP_404_NOT_FOUND")
    );
    // Without the import, the name is suggested but nothing is written.
    let plain = "from flask import Flask, abort\n\napp = Flask(__name__)\n\n\n@app.get(\"/x\")\ndef x():\n    abort(404)\n";
    std::fs::write(&app, plain).unwrap();
    let out = statuslint()
        .current_dir(dir.path())
        .args(["app.py", "--select", "SL501", "--fix"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "a hint does not fail the run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("HTTPStatus.NOT_FOUND"));
    assert_eq!(std::fs::read_to_string(&app).unwrap(), plain);
}
