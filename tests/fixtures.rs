//! The fixture harness: every file under fixtures/ is linted, and its diagnostics must be
//! exactly the ones its markers expect. A missing diagnostic fails (recall) and so does an
//! extra one (precision).
//!
//! Markers, in any comment syntax the file has:
//! - `statuslint-expect: SL101, SL103` on the line where the diagnostics start;
//! - `statuslint-enable: SL208` anywhere, to turn on rules that are off by default.
//!
//! A folder with a manifest (`Cargo.toml`, `pyproject.toml`, `go.mod`, `package.json`) is a
//! fixture project: each of its files is linted alone, with what the project's other files
//! say (routes, helpers, error types), and the whole folder is linted at once; both must
//! give each file exactly its expected diagnostics. The enables of a project's files hold
//! for the whole-folder run.
//!
//! Files without comments use a sidecar `<file>.expected` with one `LINE RULE` per line.

use statuslint::diagnostic::Diagnostic;
use statuslint::lint::{lint, lint_in_project};
use statuslint::settings::{Resolver, Settings};
use statuslint::walk::WalkOptions;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            fixture_files(&path, out);
        } else if !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("expected" | "md")
        ) {
            out.push(path);
        }
    }
}

/// Rule ids after `marker` on a line: `statuslint-expect: SL101, SL103`.
fn ids_after<'a>(line: &'a str, marker: &str) -> Vec<&'a str> {
    let Some(at) = line.find(marker) else {
        return Vec::new();
    };
    line[at + marker.len()..]
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| {
            w.len() == 5 && w.starts_with("SL") && w[2..].chars().all(|c| c.is_ascii_digit())
        })
        .collect()
}

/// (line, rule) -> count, expected by the file's markers or its sidecar.
fn expectations(path: &Path, text: &str) -> BTreeMap<(usize, String), usize> {
    let mut expected = BTreeMap::new();
    let sidecar = PathBuf::from(format!("{}.expected", path.display()));
    if let Ok(lines) = std::fs::read_to_string(&sidecar) {
        for line in lines
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        {
            let (number, rule) = line
                .split_once(' ')
                .unwrap_or_else(|| panic!("{}: bad line `{line}`", sidecar.display()));
            let number: usize = number.parse().expect("a line number");
            *expected
                .entry((number, rule.trim().to_string()))
                .or_default() += 1;
        }
        return expected;
    }
    for (i, line) in text.lines().enumerate() {
        for id in ids_after(line, "statuslint-expect:") {
            *expected.entry((i + 1, id.to_string())).or_default() += 1;
        }
    }
    expected
}

const MANIFESTS: &[&str] = &["Cargo.toml", "pyproject.toml", "go.mod", "package.json"];

/// The fixture project `path` is in: the nearest folder below `root` with a manifest.
fn project_of(path: &Path, root: &Path) -> Option<PathBuf> {
    path.ancestors()
        .skip(1)
        .take_while(|d| *d != root)
        .find(|d| MANIFESTS.iter().any(|m| d.join(m).exists()))
        .map(Path::to_path_buf)
}

/// Compares what `diagnostics` report for `path` with what its markers expect; returns the
/// number of expected diagnostics.
fn compare(
    path: &Path,
    text: &str,
    diagnostics: &[&Diagnostic],
    run: &str,
    shown: &str,
    failures: &mut Vec<String>,
) -> usize {
    let mut actual: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for d in diagnostics {
        *actual
            .entry((d.start.line, d.rule.to_string()))
            .or_default() += 1;
    }
    let expected = expectations(path, text);
    for (key, n) in &expected {
        let got = actual.get(key).copied().unwrap_or(0);
        if got < *n {
            failures.push(format!(
                "{shown}:{}: missing {} (expected {n}, got {got}){run}",
                key.0, key.1
            ));
        }
    }
    for (key, n) in &actual {
        let want = expected.get(key).copied().unwrap_or(0);
        if *n > want {
            let message = diagnostics
                .iter()
                .find(|d| d.start.line == key.0 && d.rule == key.1)
                .map(|d| d.message.clone())
                .unwrap_or_default();
            failures.push(format!(
                "{shown}:{}: extra {} ({message}){run}",
                key.0, key.1
            ));
        }
    }
    expected.values().sum()
}

#[test]
fn every_fixture_gets_exactly_its_expected_diagnostics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    fixture_files(&root, &mut files);
    assert!(
        files.len() >= 10,
        "expected fixtures under {}",
        root.display()
    );

    let mut failures = Vec::new();
    let mut checked = 0;
    let mut projects: BTreeMap<PathBuf, Vec<&'static str>> = BTreeMap::new();
    for path in &files {
        let text = String::from_utf8_lossy(&std::fs::read(path).expect("readable")).into_owned();
        let mut settings = Settings::default();
        for line in text.lines() {
            for id in ids_after(line, "statuslint-enable:") {
                let rule =
                    statuslint::rules::find(id).unwrap_or_else(|| panic!("unknown rule {id}"));
                settings.enabled.push(rule.meta.id.as_str());
            }
        }
        let options = WalkOptions {
            paths: vec![path.clone()],
            threads: 1,
            cache: None,
        };
        // A file of a fixture project is linted alone with its project's knowledge, as
        // `statuslint FILE` does.
        let project = project_of(path, &root);
        if let Some(p) = &project {
            projects
                .entry(p.clone())
                .or_default()
                .extend(settings.enabled.clone());
        }
        let output = if project.is_some() {
            lint_in_project(&options, Arc::new(Resolver::fixed(settings))).expect("fixed settings")
        } else {
            lint(&options, &settings)
        };
        let shown = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        let all: Vec<&Diagnostic> = output.diagnostics.iter().collect();
        checked += compare(path, &text, &all, "", &shown, &mut failures);
    }
    // Each project linted whole, as `statuslint .` does: the same findings in each file.
    for (project, enabled) in &projects {
        let settings = Settings {
            enabled: enabled.clone(),
            ..Settings::default()
        };
        let options = WalkOptions {
            paths: vec![project.clone()],
            threads: 1,
            cache: None,
        };
        let output = lint(&options, &settings);
        for path in files.iter().filter(|f| f.starts_with(project)) {
            let text =
                String::from_utf8_lossy(&std::fs::read(path).expect("readable")).into_owned();
            let canonical = path.canonicalize().expect("a fixture file");
            let mine: Vec<&Diagnostic> = output
                .diagnostics
                .iter()
                .filter(|d| {
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join(&*d.file)
                        .canonicalize()
                        .is_ok_and(|p| p == canonical)
                })
                .collect();
            let shown = path
                .strip_prefix(&root)
                .unwrap_or(path)
                .display()
                .to_string();
            compare(
                path,
                &text,
                &mine,
                " (project linted whole)",
                &shown,
                &mut failures,
            );
        }
    }
    assert!(checked > 0, "no expectations found in any fixture");
    assert!(
        failures.is_empty(),
        "{} fixture mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
