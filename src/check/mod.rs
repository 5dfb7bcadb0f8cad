//! One `statuslint check` run, from options to exit status: lint the paths (or standard
//! input), narrow the findings to what a team has not accepted (`--diff-base`,
//! `--baseline`), act on them (`--fix`, `--diff`, `--write-baseline`) and report the rest.
//! `main.rs` only turns the command line into [`CheckOptions`].

mod console;
mod fixes;
mod output;

pub use console::Console;

use crate::baseline::Baseline;
use crate::git::ChangedLines;
use crate::lint::{LintOutput, lint_in_project, lint_text_in_project};
use crate::report::{OutputFormat, Run, printable};
use crate::rules::Severity;
use crate::settings::{Overrides, Resolver};
use crate::walk::{self, Note, ReadError, WalkOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// More threads than this only cost memory: reading files is the work.
pub const MAX_THREADS: usize = 256;

/// The most threads used per core, whatever `-j` asks for.
const THREADS_PER_CORE: usize = 4;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Color {
    #[default]
    Auto,
    Always,
    Never,
}

/// What the command line asked for; every field means what its flag's help says.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub output_format: Option<OutputFormat>,
    pub color: Color,
    /// `Some(None)` is `--fail-on never`.
    pub fail_on: Option<Option<Severity>>,
    /// 0 picks one per core.
    pub threads: usize,
    pub config: Option<PathBuf>,
    pub isolated: bool,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub extend_select: Vec<String>,
    pub exclude: Vec<String>,
    pub show_settings: bool,
    pub quiet: bool,
    pub statistics: bool,
    pub fix: bool,
    pub unsafe_fixes: bool,
    pub diff: bool,
    pub diff_base: Option<String>,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    pub stdin_filename: Option<PathBuf>,
    pub cache: crate::cache::Location,
}

impl CheckOptions {
    fn reads_stdin(&self) -> bool {
        self.paths.iter().any(|p| p.as_os_str() == "-")
    }
}

pub fn run(options: &CheckOptions) -> ExitCode {
    let console = Console {
        quiet: options.quiet,
    };
    match check(&console, options) {
        Ok(code) => code,
        Err(message) => console.fail(&message),
    }
}

fn check(console: &Console, options: &CheckOptions) -> Result<ExitCode, String> {
    check_selectors(options)?;
    let stdin = options.reads_stdin();
    let mut paths = Vec::new();
    let mut unchecked = Vec::new();
    for path in &options.paths {
        if stdin {
            paths.push(path.clone());
            continue;
        }
        match walk::check_named(path) {
            Ok(()) => paths.push(path.clone()),
            Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::NotFound => {
                return Err(format!("`{}` does not exist", shown(path)));
            }
            Err(e) => unchecked.push(format!("`{}` cannot be checked: {e}", shown(path))),
        }
    }
    let code = check_paths(console, options, paths)?;
    // Named files that cannot be checked are said last, where they are seen, and fail the run.
    for message in &unchecked {
        console.fail(message);
    }
    Ok(if unchecked.is_empty() {
        code
    } else {
        ExitCode::from(2)
    })
}

/// A path as the user will see it in a message.
fn shown(path: &Path) -> String {
    printable(&path.to_string_lossy()).into_owned()
}

fn check_paths(
    console: &Console,
    options: &CheckOptions,
    paths: Vec<PathBuf>,
) -> Result<ExitCode, String> {
    let started = Instant::now();
    let overrides = Overrides {
        select: options.select.clone(),
        ignore: options.ignore.clone(),
        extend_select: options.extend_select.clone(),
        exclude: options.exclude.clone(),
        fail_on: options.fail_on,
    };
    let resolver = Resolver::new_for_cli(options.config.as_deref(), options.isolated, overrides)
        .map_err(|e| e.to_string())?;
    let resolver = Arc::new(resolver);
    if options.show_settings {
        return show_settings(console, options, &resolver);
    }
    let mut stdin_text = None;
    // Standard input is read as the file it names: its project's cache is that file's.
    let cache_paths = match &options.stdin_filename {
        Some(name) if options.reads_stdin() => std::slice::from_ref(name),
        _ => &paths[..],
    };
    let cache = crate::cache::Cache::open(&options.cache, cache_paths).map(Arc::new);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Idle walker threads poll for work, so far more threads than cores cost CPU time
    // without reading any faster.
    let threads = match options.threads {
        0 => cores,
        n => n.min(cores * THREADS_PER_CORE),
    };
    let walk_options = WalkOptions {
        paths,
        threads: threads.min(MAX_THREADS),
        cache: cache.clone(),
    };
    let mut output = if options.reads_stdin() {
        let (output, text) = lint_stdin(options, &resolver, walk_options)?;
        stdin_text = Some(text);
        output
    } else {
        let output = lint_in_project(&walk_options, resolver.clone());
        drop(walk_options);
        output.map_err(|e| e.to_string())?
    };
    if let Some(note) = cache.and_then(Arc::into_inner).and_then(|c| c.save()) {
        output.notes.push(Note {
            path: String::new(),
            message: note,
        });
    }
    print_notes(console, &output.notes);
    narrow(console, options, &mut output.diagnostics)?;
    if let Some(path) = &options.write_baseline {
        return fixes::write_baseline(console, path, &output.diagnostics);
    }
    if options.diff {
        return Ok(fixes::print_diff(
            console,
            &output.diagnostics,
            options.unsafe_fixes,
        ));
    }
    if options.fix {
        fixes::apply(
            console,
            options.unsafe_fixes,
            stdin_text.as_deref(),
            &mut output.diagnostics,
        )?;
    }
    let run = Run {
        checked: output.checked,
        elapsed: started.elapsed(),
        paths: match &options.stdin_filename {
            Some(name) if options.reads_stdin() => vec![name.display().to_string()],
            _ => options
                .paths
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
        },
        quiet: options.quiet,
    };
    output::report(console, options, &resolver, &output.diagnostics, &run)
}

/// Selectors on the command line are checked like the config's.
fn check_selectors(options: &CheckOptions) -> Result<(), String> {
    let all = options
        .select
        .iter()
        .flatten()
        .chain(&options.ignore)
        .chain(&options.extend_select);
    for s in all {
        if crate::settings::select(s).is_none() {
            return Err(format!(
                "`{s}` names no rule\n  hint: {}",
                crate::config::selector_hint(s)
            ));
        }
    }
    Ok(())
}

fn lint_stdin(
    options: &CheckOptions,
    resolver: &Arc<Resolver>,
    walk_options: WalkOptions,
) -> Result<(LintOutput, String), String> {
    if options.paths.len() != 1 {
        return Err("`-` (standard input) cannot be mixed with other paths".into());
    }
    let Some(name) = &options.stdin_filename else {
        return Err(
            "reading standard input needs --stdin-filename NAME, which decides how it is read"
                .into(),
        );
    };
    let bytes = walk::read_capped(io::stdin().lock(), walk::MAX_FILE_BYTES, 0)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    // Read as the file it stands for: with the routes and helpers of its project.
    let output = lint_text_in_project(name, bytes, resolver.clone(), walk_options)
        .map_err(|e| e.to_string())?;
    Ok((output, text))
}

fn print_notes(console: &Console, notes: &[Note]) {
    for n in notes {
        let message = printable(&n.message);
        if n.path.is_empty() {
            console.note(&message);
        } else {
            console.note(&format!("{}: {message}", printable(&n.path)));
        }
    }
}

/// `--diff-base` and `--baseline`: keep only the findings a team has not yet accepted.
fn narrow(
    console: &Console,
    options: &CheckOptions,
    diagnostics: &mut Vec<crate::diagnostic::Diagnostic>,
) -> Result<(), String> {
    if let Some(reference) = &options.diff_base {
        ChangedLines::since(reference)?.retain(diagnostics);
    }
    if let Some(path) = &options.baseline {
        let stale = Baseline::load(path)?.apply(diagnostics, path);
        for e in &stale.0 {
            let times = if e.count > 1 {
                format!(" ({} times)", e.count)
            } else {
                String::new()
            };
            console.note(&format!(
                "baseline entry no longer matches (fixed or changed): {} {} `{}`{times}",
                e.file, e.rule, e.source
            ));
        }
        if !stale.0.is_empty() {
            console.note(&format!(
                "{} baseline entr{} can go: run with --write-baseline {} to update it",
                stale.0.len(),
                fixes::plural(stale.0.len(), "y", "ies"),
                path.display()
            ));
        }
    }
    Ok(())
}

fn show_settings(
    console: &Console,
    options: &CheckOptions,
    resolver: &Resolver,
) -> Result<ExitCode, String> {
    let [path] = options.paths.as_slice() else {
        return Err("--show-settings takes exactly one path".into());
    };
    let path = match (&options.stdin_filename, path.as_os_str() == "-") {
        (Some(name), true) => name.clone(),
        _ => path.clone(),
    };
    let settings = resolver.for_path(&path).map_err(|e| e.to_string())?;
    Ok(console.print(
        &crate::settings::describe(&settings, &path),
        ExitCode::SUCCESS,
    ))
}

/// `statuslint facts PATH`: the facts an extractor finds in one file, for debugging it.
pub fn facts(path: &Path) -> Result<String, String> {
    let bytes = walk::read_file(path, walk::MAX_FILE_BYTES)
        .map(walk::normalize)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let Some(kind) = crate::classify::classify(path, &bytes) else {
        return Err(format!(
            "`{}` is not a kind of file statuslint reads",
            path.display()
        ));
    };
    // The file's own config decides which folders outside its project `$ref`s and
    // includes may read, as in a check.
    let settings = Resolver::new_for_cli(None, false, Overrides::default())
        .and_then(|resolver| resolver.for_file(path))
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&bytes);
    let facts = crate::extract::extract(kind, path, &text, &settings.outside_folders);
    Ok(format!("{facts:#?}\n"))
}
