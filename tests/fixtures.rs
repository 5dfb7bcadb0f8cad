//! The fixture harness: every file under fixtures/ is linted, and its diagnostics must be
//! exactly the ones its markers expect. A missing diagnostic fails (recall) and so does an
//! extra one (precision).
//!
//! Markers, in any comment syntax the file has:
//! - `statuslint-expect: SL101, SL103` on the line where the diagnostics start;
//! - `statuslint-enable: SL208` anywhere, to turn on rules that are off by default.
//!
//! A folder with a `Cargo.toml` or `package.json` is a fixture project: each of its files is
//! linted alone, with what the project's other files say (routes, helpers, error types).
//!
//! Files without comments use a sidecar `<file>.expected` with one `LINE RULE` per line.

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
        };
        // A file of a fixture project (a folder below fixtures/ with a manifest) is linted
        // alone with its project's knowledge, as `statuslint FILE` does.
        let in_project = path.ancestors().take_while(|d| *d != root).any(|d| {
            ["Cargo.toml", "package.json"]
                .iter()
                .any(|m| d.join(m).exists())
        });
        let output = if in_project {
            lint_in_project(&options, Arc::new(Resolver::fixed(settings))).expect("fixed settings")
        } else {
            lint(&options, &settings)
        };
        let mut actual: BTreeMap<(usize, String), usize> = BTreeMap::new();
        for d in &output.diagnostics {
            *actual
                .entry((d.start.line, d.rule.to_string()))
                .or_default() += 1;
        }
        let expected = expectations(path, &text);
        checked += expected.values().sum::<usize>();
        let shown = path.strip_prefix(&root).unwrap_or(path).display();
        for (key, n) in &expected {
            let got = actual.get(key).copied().unwrap_or(0);
            if got < *n {
                failures.push(format!(
                    "{shown}:{}: missing {} (expected {n}, got {got})",
                    key.0, key.1
                ));
            }
        }
        for (key, n) in &actual {
            let want = expected.get(key).copied().unwrap_or(0);
            if *n > want {
                let message = output
                    .diagnostics
                    .iter()
                    .find(|d| d.start.line == key.0 && d.rule == key.1)
                    .map(|d| d.message.clone())
                    .unwrap_or_default();
                failures.push(format!("{shown}:{}: extra {} ({message})", key.0, key.1));
            }
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
