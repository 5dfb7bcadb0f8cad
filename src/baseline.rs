//! Baseline: today's findings, recorded so that only new ones are reported.
//!
//! An entry is keyed by file, rule and the line's source text with its spacing normalised,
//! not by line number: code that moves keeps its entry, code that changes loses it.

use crate::diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Relative to the baseline file's directory, with `/` separators.
    pub file: String,
    pub rule: String,
    /// The line's text, trimmed, with runs of spaces made one.
    pub source: String,
    /// How many findings share this key.
    pub count: usize,
}

const VERSION: u32 = 1;

/// What applying a baseline left: the entries that matched no finding any more.
pub struct Stale(pub Vec<Entry>);

impl Baseline {
    /// The baseline of `diagnostics`, to be written at `path`.
    pub fn of(diagnostics: &[Diagnostic], path: &Path) -> Baseline {
        let mut counts: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        let base = dir_of(path);
        for d in diagnostics {
            *counts.entry(key(d, &base)).or_default() += 1;
        }
        Baseline {
            version: VERSION,
            entries: counts
                .into_iter()
                .map(|((file, rule, source), count)| Entry {
                    file,
                    rule,
                    source,
                    count,
                })
                .collect(),
        }
    }

    pub fn load(path: &Path) -> Result<Baseline, String> {
        let bytes = crate::walk::read_file(path, crate::walk::MAX_FILE_BYTES)
            .map_err(|e| format!("cannot read the baseline `{}`: {e}", path.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            format!(
                "`{}` is not a statuslint baseline: {e}\n  hint: write one with --write-baseline",
                path.display()
            )
        })?;
        if baseline.version != VERSION {
            return Err(format!(
                "`{}` is a baseline of version {}, this statuslint reads version {VERSION}\n  hint: write it again with --write-baseline",
                path.display(),
                baseline.version
            ));
        }
        Ok(baseline)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a baseline serialises") + "\n"
    }

    /// Drops the diagnostics the baseline holds (`path` is where it was read from).
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>, path: &Path) -> Stale {
        let base = dir_of(path);
        let mut left: BTreeMap<(String, String, String), usize> = self
            .entries
            .iter()
            .map(|e| ((e.file.clone(), e.rule.clone(), e.source.clone()), e.count))
            .collect();
        diagnostics.retain(|d| match left.get_mut(&key(d, &base)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        });
        Stale(
            self.entries
                .iter()
                .filter_map(|e| {
                    let n = left[&(e.file.clone(), e.rule.clone(), e.source.clone())];
                    (n > 0).then(|| Entry {
                        count: n,
                        ..e.clone()
                    })
                })
                .collect(),
        )
    }
}

fn dir_of(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    absolute.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn key(d: &Diagnostic, base: &Path) -> (String, String, String) {
    let absolute = std::path::absolute(&*d.file).unwrap_or_else(|_| PathBuf::from(&*d.file));
    let file = absolute.strip_prefix(base).unwrap_or(&absolute);
    let file = file
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    (file, d.rule.to_string(), normalise(d.line_text()))
}

/// Trims the line and makes each run of spaces one space.
pub fn normalise(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn normalises_spacing_only() {
        assert_eq!(
            normalise("   return  302\thttps://x;  "),
            "return 302 https://x;"
        );
    }
}
