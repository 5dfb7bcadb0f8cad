//! Settings: which rules run, at what severity, and what fails the run, for each file.
//!
//! Built from the defaults, then the nearest config file (or `--config`), then the
//! command line. Selection follows ruff: a layer's `select` replaces what came before,
//! `ignore` removes, `extend-select` adds, and between a `select` and an `ignore` of the
//! same layer the more specific selector wins (`SL101` beats `SL1`, which beats `ALL`).

use crate::config::{Config, ConfigError, config_in, parse_fail_on};
use crate::rules::{self, RuleEntry, RuleOptions, Severity};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug)]
pub struct Settings {
    /// Rule ids that run.
    pub enabled: Vec<&'static str>,
    /// Severities changed from the rule's default, by id.
    pub severity: HashMap<&'static str, Severity>,
    /// Findings at or above this severity make the run fail (exit 1); None: never.
    pub fail_on: Option<Severity>,
    pub options: RuleOptions,
    /// Files and directories not checked.
    pub exclude: Globs,
    /// Rules turned off for the files that match.
    pub per_file_ignores: Vec<(Globs, Vec<&'static str>)>,
    /// The config file these settings come from.
    pub config_file: Option<PathBuf>,
    /// Folders outside the project that includes and `$ref`s may read (canonical).
    pub outside_folders: Vec<PathBuf>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            enabled: rules::all()
                .iter()
                .filter(|r| r.meta.enabled_by_default)
                .map(|r| r.meta.id.as_str())
                .collect(),
            severity: HashMap::new(),
            fail_on: Some(Severity::Warning),
            options: RuleOptions::default(),
            exclude: Globs::default(),
            per_file_ignores: Vec::new(),
            config_file: None,
            outside_folders: Vec::new(),
        }
    }
}

impl Settings {
    pub fn is_enabled(&self, rule: &RuleEntry) -> bool {
        self.enabled.contains(&rule.meta.id.as_str())
    }

    pub fn severity_of(&self, rule: &RuleEntry) -> Severity {
        self.severity
            .get(rule.meta.id.as_str())
            .copied()
            .unwrap_or(rule.meta.severity)
    }

    /// The rules that run on one file: the enabled ones less its per-file ignores.
    pub fn enabled_for(&self, path: &Path) -> Vec<&'static str> {
        let ignored: Vec<&str> = self
            .per_file_ignores
            .iter()
            .filter(|(globs, _)| globs.matches(path))
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        self.enabled
            .iter()
            .copied()
            .filter(|id| !ignored.contains(id))
            .collect()
    }

    /// True when a finding of `severity` fails the run.
    pub fn fails(&self, severity: Severity) -> bool {
        self.fail_on.is_some_and(|limit| severity >= limit)
    }

    /// Applies a config file, then the command line, to the defaults.
    pub fn build(config: Option<&Config>, overrides: &Overrides) -> Result<Settings, ConfigError> {
        let mut s = Settings::default();
        let mut layers = Vec::new();
        if let Some(c) = config {
            s.config_file = Some(c.path.clone());
            s.outside_folders = c.outside_folders();
            s.apply_config(c)?;
            let f = &c.file;
            layers.push(Layer {
                select: f.select.as_ref().map(|l| strings(l)),
                ignore: strings(&f.ignore),
                extend_select: strings(&f.extend_select),
            });
        }
        layers.push(Layer {
            select: overrides.select.clone(),
            ignore: overrides.ignore.clone(),
            extend_select: overrides.extend_select.clone(),
        });
        s.enabled = resolve_selection(&layers);
        let root = config.map_or_else(
            || std::env::current_dir().unwrap_or_default(),
            |c| absolute(c.dir()),
        );
        let mut exclude: Vec<String> = config.map(|c| strings(&c.file.exclude)).unwrap_or_default();
        exclude.extend(overrides.exclude.iter().cloned());
        s.exclude = Globs::new(&root, &exclude);
        if let Some(fail_on) = overrides.fail_on {
            s.fail_on = fail_on;
        }
        Ok(s)
    }

    fn apply_config(&mut self, c: &Config) -> Result<(), ConfigError> {
        let f = &c.file;
        for (selector, level) in &f.severity {
            let level = Severity::parse(level.get_ref()).expect("checked when loaded");
            for rule in select(selector.get_ref()).map(|s| s.1).unwrap_or_default() {
                self.severity.insert(rule.meta.id.as_str(), level);
            }
        }
        if let Some(level) = &f.fail_on {
            self.fail_on = parse_fail_on(level.get_ref()).expect("checked when loaded");
        }
        let root = absolute(c.dir());
        for (pattern, selectors) in &f.per_file_ignores {
            let ids = selectors
                .iter()
                .flat_map(|s| select(s.get_ref()).map(|s| s.1).unwrap_or_default())
                .map(|r| r.meta.id.as_str())
                .collect();
            self.per_file_ignores
                .push((Globs::new(&root, &[pattern.get_ref().clone()]), ids));
        }
        for (rule, table) in &f.rules {
            let id = rules::find(rule.get_ref()).map(|r| r.meta.id.as_str());
            if let Some(codes) = &table.allowed_codes {
                let codes = codes.get_ref().iter().map(|c| *c.get_ref() as u32);
                self.options.allowed_codes.extend(codes);
            }
            if let Some(words) = &table.extra_words {
                let words = words.get_ref().iter().map(|w| w.to_lowercase());
                match id {
                    Some("SL101") => self.options.extra_permanent_words.extend(words),
                    _ => self.options.extra_temporary_words.extend(words),
                }
            }
        }
        Ok(())
    }
}

/// `--show-settings`: the settings that apply to `path`, for people.
pub fn describe(settings: &Settings, path: &Path) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "Settings for {}", path.display());
    let _ = writeln!(
        out,
        "config file: {}",
        settings
            .config_file
            .as_ref()
            .map_or("none (defaults and the command line)".into(), |p| p
                .display()
                .to_string())
    );
    let _ = writeln!(
        out,
        "excluded: {}",
        if settings.exclude.matches(path) {
            "yes"
        } else {
            "no"
        }
    );
    let _ = writeln!(
        out,
        "fail-on: {}",
        settings.fail_on.map_or("never", Severity::as_str)
    );
    let enabled = settings.enabled_for(path);
    let _ = writeln!(out, "rules ({} enabled):", enabled.len());
    for rule in rules::all()
        .iter()
        .filter(|r| enabled.contains(&r.meta.id.as_str()))
    {
        let _ = writeln!(
            out,
            "  {} {:<48} {}",
            rule.meta.id,
            rule.meta.name,
            settings.severity_of(rule).as_str()
        );
    }
    let off: Vec<&str> = settings
        .enabled
        .iter()
        .copied()
        .filter(|id| !enabled.contains(id))
        .collect();
    if !off.is_empty() {
        let _ = writeln!(
            out,
            "turned off here by per-file-ignores: {}",
            off.join(", ")
        );
    }
    let o = &settings.options;
    let _ = writeln!(out, "options:");
    let _ = writeln!(out, "  SL302 allowed-codes: {:?}", o.allowed_codes);
    let _ = writeln!(out, "  SL101 extra-words: {:?}", o.extra_permanent_words);
    let _ = writeln!(out, "  SL102 extra-words: {:?}", o.extra_temporary_words);
    let _ = writeln!(out, "exclude: {:?}", settings.exclude.patterns);
    let _ = writeln!(out, "allow-outside-project: {:?}", settings.outside_folders);
    out
}

/// What the command line says, applied after any config file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub extend_select: Vec<String>,
    pub exclude: Vec<String>,
    /// `--fail-on`: Some(None) is `never`.
    pub fail_on: Option<Option<Severity>>,
}

/// One source of selection: a config file or the command line.
struct Layer {
    select: Option<Vec<String>>,
    ignore: Vec<String>,
    extend_select: Vec<String>,
}

fn resolve_selection(layers: &[Layer]) -> Vec<&'static str> {
    let mut enabled: Vec<&'static str> = Settings::default().enabled;
    for layer in layers {
        if let Some(select) = &layer.select {
            enabled = rules::all()
                .iter()
                .filter(|r| {
                    let chosen = best_match(r, select);
                    let dropped = best_match(r, &layer.ignore);
                    chosen.is_some_and(|c| dropped.is_none_or(|d| c > d))
                })
                .map(|r| r.meta.id.as_str())
                .collect();
        } else {
            enabled.retain(|id| {
                let rule = rules::find(id).expect("an enabled id is a rule");
                best_match(rule, &layer.ignore).is_none()
            });
        }
        for rule in rules::all() {
            let id = rule.meta.id.as_str();
            if best_match(rule, &layer.extend_select).is_some() && !enabled.contains(&id) {
                enabled.push(id);
            }
        }
    }
    enabled.sort_unstable();
    enabled
}

/// How specific the most specific selector of `list` that matches `rule` is.
fn best_match(rule: &RuleEntry, list: &[String]) -> Option<usize> {
    list.iter()
        .filter_map(|s| select(s))
        .filter(|(_, rules)| rules.iter().any(|r| std::ptr::eq(*r, rule)))
        .map(|(specificity, _)| specificity)
        .max()
}

/// The rules a selector names, with how specific it is: `ALL` (0), an id prefix (`SL1`,
/// its length), or one rule by id or name (100). None when it names no rule.
pub fn select(selector: &str) -> Option<(usize, Vec<&'static RuleEntry>)> {
    let selector = selector.trim();
    if selector.eq_ignore_ascii_case("ALL") {
        return Some((0, rules::all().iter().collect()));
    }
    if let Some(rule) = rules::find(selector) {
        return Some((100, vec![rule]));
    }
    let upper = selector.to_ascii_uppercase();
    let matched: Vec<_> = rules::all()
        .iter()
        .filter(|r| upper.len() >= 2 && r.meta.id.starts_with(&upper))
        .collect();
    (!matched.is_empty()).then_some((upper.len(), matched))
}

fn strings(list: &[toml::Spanned<String>]) -> Vec<String> {
    list.iter().map(|s| s.get_ref().clone()).collect()
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Globs relative to a root directory. A pattern without `/` matches a file or directory
/// name anywhere below the root (`vendor`, `*.min.js`); one with `/` matches from the root.
#[derive(Clone, Debug, Default)]
pub struct Globs {
    pub patterns: Vec<String>,
    root: PathBuf,
    set: GlobSet,
}

impl Globs {
    /// Builds the set; patterns are checked when the config is loaded, and a bad one from
    /// the command line matches nothing.
    pub fn new(root: &Path, patterns: &[String]) -> Globs {
        let mut builder = GlobSetBuilder::new();
        for p in patterns {
            let p = p.trim_start_matches("./").trim_end_matches('/');
            let anchored = if p.contains('/') {
                p.to_string()
            } else {
                format!("**/{p}")
            };
            for pattern in [anchored.clone(), format!("{anchored}/**")] {
                if let Ok(glob) = GlobBuilder::new(&pattern).literal_separator(true).build() {
                    builder.add(glob);
                }
            }
        }
        Globs {
            patterns: patterns.to_vec(),
            root: root.to_path_buf(),
            set: builder.build().unwrap_or_else(|_| GlobSet::empty()),
        }
    }

    pub fn matches(&self, path: &Path) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        let path = absolute(path);
        let relative = path.strip_prefix(&self.root).unwrap_or(&path);
        self.set.is_match(relative)
    }
}

/// Where each file's settings come from.
enum Source {
    /// One set for every file: `--config`, `--isolated`, or a caller's own settings.
    Fixed(Arc<Settings>),
    /// The nearest config file of each file's directory, with the command line on top.
    Nearest(Overrides),
}

/// The settings of one config file (or of none), or why it cannot be used.
type Resolved = Result<Arc<Settings>, ConfigError>;

/// Finds the settings of each file, reading every config file once.
pub struct Resolver {
    source: Source,
    by_dir: Mutex<HashMap<PathBuf, Resolved>>,
    by_config: Mutex<HashMap<Option<PathBuf>, Resolved>>,
}

impl Resolver {
    pub fn fixed(settings: Settings) -> Resolver {
        Resolver::new(Source::Fixed(Arc::new(settings)))
    }

    /// `--config PATH` (one file for all), `--isolated` (no file), or discovery.
    pub fn new_for_cli(
        config: Option<&Path>,
        isolated: bool,
        overrides: Overrides,
    ) -> Result<Resolver, ConfigError> {
        if let Some(path) = config {
            let config = Config::load(path)?;
            return Ok(Resolver::fixed(Settings::build(Some(&config), &overrides)?));
        }
        if isolated {
            return Ok(Resolver::fixed(Settings::build(None, &overrides)?));
        }
        Ok(Resolver::new(Source::Nearest(overrides)))
    }

    fn new(source: Source) -> Resolver {
        Resolver {
            source,
            by_dir: Mutex::new(HashMap::new()),
            by_config: Mutex::new(HashMap::new()),
        }
    }

    /// The first config file that could not be used, of those looked at so far.
    pub fn first_error(&self) -> Option<ConfigError> {
        let cache = self.by_config.lock().expect("not poisoned");
        let mut errors: Vec<&ConfigError> =
            cache.values().filter_map(|r| r.as_ref().err()).collect();
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        errors.first().map(|e| (*e).clone())
    }

    /// The settings for a file or a directory (whose own config counts).
    pub fn for_path(&self, path: &Path) -> Resolved {
        if path.is_dir() {
            self.for_dir(path)
        } else {
            self.for_file(path)
        }
    }

    /// The settings for a file: those of its directory.
    pub fn for_file(&self, path: &Path) -> Resolved {
        let path = absolute(path);
        self.for_absolute_dir(path.parent().unwrap_or(Path::new("/")))
    }

    /// The settings for the files of a directory.
    pub fn for_dir(&self, dir: &Path) -> Resolved {
        self.for_absolute_dir(&absolute(dir))
    }

    /// [`Resolver::for_dir`] of a path already absolute: making one absolute asks the
    /// kernel for the current directory, once per file of a walk is enough.
    fn for_absolute_dir(&self, dir: &Path) -> Resolved {
        let overrides = match &self.source {
            Source::Fixed(s) => return Ok(s.clone()),
            Source::Nearest(o) => o,
        };
        if let Some(found) = self.by_dir.lock().expect("not poisoned").get(dir) {
            return found.clone();
        }
        // A directory without a config file of its own has its parent's settings.
        let settings = match (config_in(dir), dir.parent()) {
            (None, Some(parent)) => self.for_absolute_dir(parent),
            (config_path, _) => self
                .by_config
                .lock()
                .expect("not poisoned")
                .entry(config_path.clone())
                .or_insert_with(|| {
                    let config = config_path.as_deref().map(Config::load).transpose()?;
                    Settings::build(config.as_ref(), overrides).map(Arc::new)
                })
                .clone(),
        };
        self.by_dir
            .lock()
            .expect("not poisoned")
            .insert(dir.to_path_buf(), settings.clone());
        settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(select: Option<&[&str]>, ignore: &[&str], extend: &[&str]) -> Layer {
        let own = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Layer {
            select: select.map(own),
            ignore: own(ignore),
            extend_select: own(extend),
        }
    }

    #[test]
    fn selects_by_prefix_id_name_and_all() {
        let on = resolve_selection(&[layer(Some(&["SL1"]), &["SL103"], &[])]);
        assert_eq!(on, ["SL101", "SL102", "SL104"]);
        let on = resolve_selection(&[layer(Some(&["unregistered-status-code"]), &[], &["SL5"])]);
        assert_eq!(on, ["SL302", "SL501"]);
        let on = resolve_selection(&[layer(Some(&["ALL"]), &[], &[])]);
        assert!(on.contains(&"SL208") && on.contains(&"SL501"));
        // The more specific selector wins, whichever list it is in.
        let on = resolve_selection(&[layer(Some(&["SL101"]), &["SL1"], &[])]);
        assert_eq!(on, ["SL101"]);
    }

    #[test]
    fn later_layers_refine_earlier_ones() {
        let on = resolve_selection(&[
            layer(Some(&["SL1", "SL2"]), &[], &[]),
            layer(None, &["SL2"], &["SL302"]),
        ]);
        assert_eq!(on, ["SL101", "SL102", "SL103", "SL104", "SL302"]);
    }

    #[test]
    fn globs_match_names_anywhere_and_paths_from_the_root() {
        let root = Path::new("/repo");
        let g = Globs::new(root, &["vendor".into(), "legacy/*.conf".into()]);
        assert!(g.matches(Path::new("/repo/a/vendor/x.rs")));
        assert!(g.matches(Path::new("/repo/legacy/site.conf")));
        assert!(!g.matches(Path::new("/repo/legacy/deeper/site.conf")));
        assert!(!g.matches(Path::new("/repo/src/vendored.rs")));
    }
}
