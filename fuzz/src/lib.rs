//! What every fuzz target does: lint the bytes as a file of one kind through the
//! library's one entry point, and check what comes back is something a report can print.

use statuslint::config::Config;
use statuslint::lint::lint_text;
use statuslint::report::{OutputFormat, Run, render};
use statuslint::settings::{Overrides, Resolver, Settings};
use statuslint::suppress::Suppressions;
use std::path::Path;
use std::sync::LazyLock;

/// Every rule on, so every rule sees the fuzzed facts.
static RESOLVER: LazyLock<Resolver> = LazyLock::new(|| {
    let all = Overrides {
        select: Some(vec!["ALL".into()]),
        ..Overrides::default()
    };
    Resolver::fixed(Settings::build(None, &all).expect("ALL is a valid selection"))
});

/// Lints `data` as the file `name` in a folder that does not exist, so `$ref`s and
/// includes find nothing to read and every run is the same; then renders the findings as
/// people and machines see them.
pub fn lint_as(name: &str, data: &[u8]) {
    let path = Path::new("/nonexistent-statuslint-fuzz").join(name);
    let out = lint_text(&path, data.to_vec(), &RESOLVER, &[]).expect("fixed settings");
    for d in &out.diagnostics {
        let spans = std::iter::once(&d.span).chain(d.fix.as_ref().map(|f| &f.span));
        for span in spans {
            assert_inside(&d.source, span);
        }
    }
    let run = Run::default();
    for format in [OutputFormat::Full, OutputFormat::Sarif] {
        render(format, &out.diagnostics, &run, false, &mut std::io::sink()).expect("a sink");
    }
}

/// Parses `data` as a config file and builds the settings it asks for.
pub fn config(data: &[u8]) {
    let Ok(text) = String::from_utf8(data.to_vec()) else {
        return;
    };
    let path = Path::new("/nonexistent-statuslint-fuzz/statuslint.toml");
    if let Ok(config) = Config::parse(path, text) {
        let _ = Settings::build(Some(&config), &Overrides::default());
    }
}

/// Parses the suppression comments of `data`, uses them, and checks the fixes that
/// remove the unused ones stay inside the text.
pub fn suppress(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut suppressions = Suppressions::parse(&text);
    let lines = text.lines().count() + 2;
    for line in 0..lines.min(64) {
        suppressions.suppresses("SL101", line);
    }
    let enabled = ["SL101", "SL201", "SL900"];
    for (span, _, fix) in suppressions.unused(&text, &enabled) {
        for s in [span, fix.span] {
            assert_inside(&text, &s);
        }
    }
}

/// A span a report prints or a fix edits must lie in the text, on character boundaries.
fn assert_inside(text: &str, span: &std::ops::Range<usize>) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{span:?} out of the text"
    );
    assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
}
