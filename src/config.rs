//! Config: find and read `statuslint.toml` / `.statuslint.toml`, and report a bad file
//! with its path, line and key.
//!
//! This module only reads and checks what is written; `settings` turns it into the rules
//! that run for each file.

use crate::diagnostic::line_of;
use crate::rules::{self, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The names a config file may have, in the order they are looked for in one directory.
pub const FILE_NAMES: [&str; 2] = ["statuslint.toml", ".statuslint.toml"];

/// The keys a config file may have at the top level, for hints.
const TOP_KEYS: &[&str] = &[
    "select",
    "ignore",
    "extend-select",
    "severity",
    "exclude",
    "per-file-ignores",
    "fail-on",
    "allow-outside-project",
    "rules",
];

/// A config file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    pub select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    #[serde(default)]
    pub extend_select: Vec<Spanned<String>>,
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    #[serde(default)]
    pub per_file_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    pub fail_on: Option<Spanned<String>>,
    /// Folders outside the project that nginx includes and OpenAPI `$ref`s may read,
    /// relative to this file's folder. Without it they stay inside the project.
    #[serde(default)]
    pub allow_outside_project: Vec<Spanned<String>>,
    /// Options of single rules, keyed by id or name: `[rules.SL302]`.
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, RuleTable>,
}

/// `[rules.<id or name>]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleTable {
    /// SL302: unregistered codes the project uses on purpose.
    pub allowed_codes: Option<Spanned<Vec<Spanned<i64>>>>,
    /// SL101 and SL102: more words that count as evidence.
    pub extra_words: Option<Spanned<Vec<String>>>,
}

/// A config file that cannot be used: where, which key, what is wrong, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub key: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

use crate::report::printable;

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let cwd = std::env::current_dir().ok();
        write!(
            f,
            "{}",
            printable(&crate::walk::display_path(&self.path, cwd.as_deref()))
        )?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key `{}`", printable(key))?;
        }
        write!(f, ": {}", printable(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {}", printable(hint))?;
        }
        Ok(())
    }
}

/// A config file read and checked.
#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    pub file: ConfigFile,
    text: String,
}

impl Config {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let error = |message: String| ConfigError {
            path: path.to_path_buf(),
            line: None,
            key: None,
            message,
            hint: None,
        };
        let bytes = crate::walk::read_file(path, crate::walk::MAX_CONFIG_BYTES)
            .map_err(|e| error(format!("cannot read the config file: {e}")))?;
        let text = String::from_utf8(crate::walk::normalize(bytes))
            .map_err(|_| error("the config file is not valid UTF-8".into()))?;
        Config::parse(path, text)
    }

    pub fn parse(path: &Path, text: String) -> Result<Config, ConfigError> {
        let file: ConfigFile = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
        let config = Config {
            path: path.to_path_buf(),
            file,
            text,
        };
        config.check()?;
        Ok(config)
    }

    /// The directory that relative globs in this file start from.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// An error about a value written at `span`.
    pub fn error_at(
        &self,
        span: std::ops::Range<usize>,
        key: &str,
        message: String,
        hint: Option<String>,
    ) -> ConfigError {
        ConfigError {
            path: self.path.clone(),
            line: Some(line_of(&self.text, span.start)),
            key: Some(key.to_string()),
            message,
            hint,
        }
    }

    /// Checks what serde cannot: rule names, severities, globs and per-rule options.
    fn check(&self) -> Result<(), ConfigError> {
        let f = &self.file;
        let selector_lists = [
            ("select", f.select.as_deref().unwrap_or(&[])),
            ("ignore", &f.ignore[..]),
            ("extend-select", &f.extend_select[..]),
        ];
        for (key, list) in selector_lists {
            for s in list {
                self.check_selector(s, key)?;
            }
        }
        for (selector, level) in &f.severity {
            self.check_selector(selector, "severity")?;
            if Severity::parse(level.get_ref()).is_none() {
                return Err(self.error_at(
                    level.span(),
                    &format!("severity.{}", selector.get_ref()),
                    format!("`{}` is not a severity", level.get_ref()),
                    Some("use one of error, warning, info, hint".into()),
                ));
            }
        }
        for pattern in &f.exclude {
            self.check_glob(pattern, "exclude")?;
        }
        for (pattern, list) in &f.per_file_ignores {
            self.check_glob(pattern, "per-file-ignores")?;
            for s in list {
                self.check_selector(s, &format!("per-file-ignores.\"{}\"", pattern.get_ref()))?;
            }
        }
        if let Some(level) = &f.fail_on
            && parse_fail_on(level.get_ref()).is_none()
        {
            return Err(self.error_at(
                level.span(),
                "fail-on",
                format!("`{}` is not a severity", level.get_ref()),
                Some("use one of error, warning, info, hint, never".into()),
            ));
        }
        for (rule, table) in &f.rules {
            self.check_rule_table(rule, table)?;
        }
        for folder in &f.allow_outside_project {
            self.check_folder(folder, "allow-outside-project")?;
        }
        Ok(())
    }

    /// A folder the file names must exist: a typo would silently allow nothing.
    fn check_folder(&self, folder: &Spanned<String>, key: &str) -> Result<(), ConfigError> {
        if self.dir().join(folder.get_ref()).is_dir() {
            return Ok(());
        }
        Err(self.error_at(
            folder.span(),
            key,
            format!("`{}` is not a folder", folder.get_ref()),
            Some("name existing folders, relative to the config file's folder".into()),
        ))
    }

    /// The folders of `allow-outside-project`, resolved (they were checked when loaded).
    pub fn outside_folders(&self) -> Vec<PathBuf> {
        self.file
            .allow_outside_project
            .iter()
            .filter_map(|f| self.dir().join(f.get_ref()).canonicalize().ok())
            .collect()
    }

    fn check_selector(&self, selector: &Spanned<String>, key: &str) -> Result<(), ConfigError> {
        if crate::settings::select(selector.get_ref()).is_some() {
            return Ok(());
        }
        Err(self.error_at(
            selector.span(),
            key,
            format!("`{}` names no rule", selector.get_ref()),
            Some(selector_hint(selector.get_ref())),
        ))
    }

    fn check_glob(&self, pattern: &Spanned<String>, key: &str) -> Result<(), ConfigError> {
        match globset::Glob::new(pattern.get_ref()) {
            Ok(_) => Ok(()),
            Err(e) => Err(self.error_at(
                pattern.span(),
                key,
                format!("`{}` is not a valid glob: {}", pattern.get_ref(), e.kind()),
                Some("globs use `*`, `**` and `?`, relative to the config file's directory".into()),
            )),
        }
    }

    fn check_rule_table(
        &self,
        rule: &Spanned<String>,
        table: &RuleTable,
    ) -> Result<(), ConfigError> {
        let key = format!("rules.{}", rule.get_ref());
        let Some(entry) = rules::find(rule.get_ref()) else {
            return Err(self.error_at(
                rule.span(),
                &key,
                format!("`{}` is not a rule id or name", rule.get_ref()),
                Some(selector_hint(rule.get_ref())),
            ));
        };
        let id = entry.meta.id.as_str();
        if let Some(codes) = &table.allowed_codes {
            if id != "SL302" {
                return Err(self.error_at(
                    codes.span(),
                    &format!("{key}.allowed-codes"),
                    format!("{id} has no option `allowed-codes`"),
                    Some("`allowed-codes` belongs in [rules.SL302]".into()),
                ));
            }
            if let Some(bad) = codes
                .get_ref()
                .iter()
                .find(|c| !(100..=599).contains(c.get_ref()))
            {
                return Err(self.error_at(
                    bad.span(),
                    &format!("{key}.allowed-codes"),
                    format!("{} is not a status code", bad.get_ref()),
                    Some("allowed codes are numbers from 100 to 599".into()),
                ));
            }
        }
        if let Some(words) = &table.extra_words
            && !matches!(id, "SL101" | "SL102")
        {
            return Err(self.error_at(
                words.span(),
                &format!("{key}.extra-words"),
                format!("{id} has no option `extra-words`"),
                Some("`extra-words` belongs in [rules.SL101] or [rules.SL102]".into()),
            ));
        }
        Ok(())
    }
}

/// `error`, `warning`, `info`, `hint`, or `never` (None: findings never fail the run).
pub fn parse_fail_on(text: &str) -> Option<Option<Severity>> {
    if text.eq_ignore_ascii_case("never") {
        return Some(None);
    }
    Severity::parse(text).map(Some)
}

/// The config file of a directory itself: the first of [`FILE_NAMES`] in it.
pub fn config_in(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

/// Turns a TOML or serde error into one that names the line and key.
fn toml_error(path: &Path, text: &str, error: &toml::de::Error) -> ConfigError {
    let line = error.span().map(|s| line_of(text, s.start));
    let key = line.and_then(|l| key_on_line(text, l));
    let message = error.message().trim().to_string();
    let hint = if message.starts_with("unknown field") {
        key.as_deref()
            .and_then(|k| {
                closest(
                    k,
                    TOP_KEYS
                        .iter()
                        .copied()
                        .chain(["allowed-codes", "extra-words"]),
                )
            })
            .map(|k| format!("did you mean `{k}`? The keys are {}", TOP_KEYS.join(", ")))
            .or_else(|| Some(format!("the keys are {}", TOP_KEYS.join(", "))))
    } else if message.contains("invalid type") {
        Some(type_hint(key.as_deref()).into())
    } else {
        Some("see the README section Configuration for the format".into())
    };
    ConfigError {
        path: path.to_path_buf(),
        line,
        key,
        message,
        hint,
    }
}

/// What a value of the wrong type should look like, for the key it was given to.
fn type_hint(key: Option<&str>) -> &'static str {
    match key {
        Some("select" | "ignore" | "extend-select") => {
            "rule lists are arrays of strings: select = [\"SL1\", \"SL302\"]"
        }
        Some("exclude") => "exclude is an array of globs: exclude = [\"vendor/**\"]",
        Some("fail-on") => {
            "fail-on is one of \"error\", \"warning\", \"info\", \"hint\", \"never\", in quotes"
        }
        Some("allowed-codes") => "allowed-codes is an array of numbers: allowed-codes = [420, 499]",
        Some("extra-words") => "extra-words is an array of strings: extra-words = [\"moved\"]",
        Some(k) if k.contains("per-file-ignores") || k.contains('*') || k.contains('/') => {
            "per-file-ignores maps a glob to a rule list: \"tests/**\" = [\"SL101\"]"
        }
        Some(k) if k.starts_with("SL") || k.contains("severity") => {
            "a severity is one of \"error\", \"warning\", \"info\", \"hint\", in quotes"
        }
        _ => "see the README section Configuration for the format",
    }
}

/// The key written on a line (`select = [...]` gives `select`), or the table (`[rules.SL302]`).
fn key_on_line(text: &str, line: usize) -> Option<String> {
    let content = text.lines().nth(line - 1)?.trim();
    let key = match content.split_once('=') {
        Some((key, _)) => key.trim(),
        None => content.trim_matches(|c| c == '[' || c == ']'),
    };
    (!key.is_empty()).then(|| key.trim_matches('"').to_string())
}

/// A hint for a selector that names no rule: the closest id or name.
pub fn selector_hint(selector: &str) -> String {
    let candidates = rules::all()
        .iter()
        .flat_map(|r| [r.meta.id.as_str(), r.meta.name.as_str()]);
    match closest(selector, candidates) {
        Some(near) => format!("did you mean `{near}`? `statuslint rules` lists every rule"),
        None => "write a rule id (SL101), a prefix (SL1), a rule name, or ALL; `statuslint rules` lists every rule".into(),
    }
}

/// The candidate nearest to `word` in edits, when it is near enough to be a typo.
fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    candidates
        .map(|c| (edit_distance(&word, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            prev = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("statuslint.toml"), text.to_string())
    }

    #[test]
    fn reads_a_full_file() {
        let c = parse(
            "select = [\"SL1\", \"unregistered-status-code\"]\nignore = [\"SL103\"]\nfail-on = \"error\"\n\
             exclude = [\"vendor/**\"]\n[severity]\nSL101 = \"error\"\n[per-file-ignores]\n\"legacy/*.conf\" = [\"SL101\"]\n\
             [rules.SL302]\nallowed-codes = [420]\n[rules.temporary-redirect-for-permanent-move]\nextra-words = [\"sunset\"]\n",
        )
        .unwrap();
        assert_eq!(c.file.select.unwrap().len(), 2);
        assert_eq!(c.file.rules.len(), 2);
    }

    #[test]
    fn names_the_line_and_key_of_a_bad_value() {
        let e = parse("select = [\"SL1\"]\nignore = [\"SL1O1\"]\n").unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("ignore")));
        assert!(
            e.hint.unwrap().contains("SL101"),
            "a typo gets the nearest id"
        );
        let e = parse("\n[severity]\nSL101 = \"loud\"\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = parse("fail-on = \"sometimes\"").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("fail-on"));
    }

    #[test]
    fn names_unknown_keys_with_a_suggestion() {
        let e = parse("# project\nselct = [\"SL1\"]\n").unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("selct")));
        assert!(e.hint.unwrap().contains("`select`"));
        let e = parse("[rules.SL101]\nallowed-codes = [420]\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        let e = parse("[rules.SL302]\nallowed-codes = [42]\n").unwrap_err();
        assert!(e.message.contains("42 is not a status code"));
    }

    #[test]
    fn reports_toml_syntax_errors_with_a_line() {
        let e = parse("select = [\"SL1\"\n").unwrap_err();
        assert!(e.line.is_some());
        assert!(e.to_string().starts_with("statuslint.toml:"));
    }
}
