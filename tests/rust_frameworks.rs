//! The actix-web part of the Rust table is checked against the real crate: every
//! `error::Error*` helper among the `responders` of `data/apis/rust.toml` and every
//! `HttpResponse::<Name>()` builder is called in one generated program, built against the
//! actix-web release pinned below from crates.io (in target/actix-probe, its own target
//! folder), and the status each answers must be the one the table says. Without network
//! the test is skipped with a message locally, and fails under CI (`CI=true`).

mod workflow_support;
use workflow_support::missing_tool;

use statuslint::knowledge::RUST_APIS;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// The release checked; raise it (and check the table) to follow actix-web.
const ACTIX_WEB: &str = "=4.18.1";

/// What the table claims: the Rust expression to run, and the code it must answer.
fn claims() -> BTreeMap<String, u32> {
    let actix = |frameworks: &[String]| frameworks.iter().any(|f| f == "actix_web");
    let mut out = BTreeMap::new();
    for r in &RUST_APIS.responders {
        if actix(&r.frameworks) && r.call.starts_with("Error") {
            out.insert(
                format!(
                    "actix_web::error::{}(\"why\").error_response().status()",
                    r.call
                ),
                r.code,
            );
        }
    }
    for b in &RUST_APIS.builders {
        if actix(&b.frameworks) && b.type_name == "HttpResponse" {
            for (name, code) in &b.names {
                out.insert(
                    format!("actix_web::HttpResponse::{name}().finish().status()"),
                    *code,
                );
            }
        }
    }
    out
}

#[test]
fn actix_web_answers_what_the_table_says() {
    let claims = claims();
    assert!(
        claims.len() > 40,
        "the table names actix-web's helpers and builders: {claims:?}"
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/actix-probe");
    std::fs::create_dir_all(dir.join("src")).expect("target/ is writable");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"actix-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nactix-web = {{ version = \"{ACTIX_WEB}\", default-features = false }}\n\n\
             [workspace]\n"
        ),
    )
    .expect("writes the probe");
    let mut main = String::from("fn main() {\n");
    for expression in claims.keys() {
        writeln!(
            main,
            "    println!(\"{{}}\\t{}\", {expression}.as_u16());",
            expression.replace('"', "\\\"")
        )
        .unwrap();
    }
    main.push_str("}\n");
    std::fs::write(dir.join("src/main.rs"), main).expect("writes the probe");

    // The probe's own lock file and target folder: it must not touch the project's.
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // A name the crate does not have is the table's fault, with or without CI.
    assert!(
        !stderr.contains("error[E"),
        "the table names what actix-web does not have:\n{stderr}"
    );
    if !out.status.success() {
        missing_tool(&format!(
            "the actix-web probe did not build or run (is crates.io reachable?): {stderr}"
        ));
        return;
    }
    let stdout = String::from_utf8(out.stdout).expect("the probe prints UTF-8");
    let answered: BTreeMap<&str, u32> = stdout
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(code, expression)| (expression, code.parse().expect("a status code")))
        .collect();
    let mut wrong = Vec::new();
    for (expression, claimed) in &claims {
        match answered.get(expression.as_str()) {
            Some(code) if code == claimed => {}
            other => wrong.push(format!(
                "{expression}: table {claimed}, actix-web {other:?}"
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
