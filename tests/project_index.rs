//! The project index: a file linted alone gets the same findings as in a run over its
//! whole project (what pre-commit does with one changed file).

use statuslint::lint::lint_in_project;
use statuslint::settings::{Resolver, Settings};
use statuslint::walk::WalkOptions;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn findings(paths: Vec<PathBuf>) -> BTreeSet<(String, usize, String)> {
    let output = lint_in_project(
        &WalkOptions {
            paths,
            threads: 1,
            cache: None,
        },
        Arc::new(Resolver::fixed(Settings::default())),
    )
    .expect("fixed settings");
    output
        .diagnostics
        .iter()
        .map(|d| {
            let file = Path::new(&*d.file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (file, d.start.line, d.rule.to_string())
        })
        .collect()
}

#[test]
fn each_file_alone_gets_the_findings_of_the_whole_project() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rust/project");
    let whole = findings(vec![project.clone()]);
    assert!(
        whole
            .iter()
            .any(|(f, _, r)| f == "error.rs" && r == "SL402"),
        "{whole:?}"
    );
    let mut alone = BTreeSet::new();
    for entry in std::fs::read_dir(project.join("src")).expect("src") {
        alone.extend(findings(vec![entry.expect("entry").path()]));
    }
    assert_eq!(alone, whole);
}

#[test]
fn findings_on_helper_calls_name_the_helper() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rust/project/src/todo.rs");
    let output = lint_in_project(
        &WalkOptions {
            paths: vec![file],
            threads: 1,
            cache: None,
        },
        Arc::new(Resolver::fixed(Settings::default())),
    )
    .expect("fixed settings");
    let sl202 = output
        .diagnostics
        .iter()
        .find(|d| d.rule == "SL202")
        .expect("SL202 on the reject call");
    assert!(
        sl202
            .evidence
            .iter()
            .any(|e| e.contains("`reject`") && e.contains("http.rs:8")),
        "{:?}",
        sl202.evidence
    );
}
