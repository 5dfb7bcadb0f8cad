//! The command line. Everything else lives in the library.

use clap::{Args, Parser, Subcommand, ValueEnum};
use statuslint::baseline::Baseline;
use statuslint::diagnostic::Diagnostic;
use statuslint::git::ChangedLines;
use statuslint::lint::{LintOutput, lint_in_project, lint_text};
use statuslint::report::{OutputFormat, Run, github, printable, render, statistics};
use statuslint::rules::Severity;
use statuslint::settings::{Overrides, Resolver};
use statuslint::walk::{Note, WalkOptions};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// More threads than this only cost memory: reading files is the work.
const MAX_THREADS: i64 = 256;

/// Catch wrong HTTP status codes in route handlers, server config and API specs before they ship.
///
/// statuslint finds where HTTP status codes are chosen and checks each choice against
/// RFC 9110: a temporary redirect for a permanent move, a 401 without a challenge, a
/// redirect without Location, content on a 204, unregistered codes, and more.
///
/// Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 on a usage,
/// configuration or internal error. A file read only in part (a syntax error) is a
/// warning, SL901, so by default it fails the run too.
#[derive(Parser)]
#[command(
    name = "statuslint",
    version = env!("STATUSLINT_VERSION"),
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Check files and directories (the default command).
    Check(Box<CheckArgs>),
    /// Explain a rule (SL101 or its name) or a status code (307).
    Explain {
        /// A rule id, a rule name, or a status code.
        what: String,
    },
    /// List every rule with its id, name, default severity and summary.
    Rules,
    /// Speak the Language Server Protocol on stdin and stdout, for editors.
    Server,
    /// Print the facts extracted from one file (for debugging extractors).
    #[command(hide = true)]
    Facts { path: PathBuf },
}

#[derive(Args)]
struct CheckArgs {
    /// Files or directories to check, or `-` for standard input (with --stdin-filename).
    /// Directories are walked, honouring .gitignore, .ignore and .statuslintignore.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,

    /// How to print findings [default: full, or github when GITHUB_ACTIONS=true].
    #[arg(long, value_enum, env = "STATUSLINT_OUTPUT_FORMAT")]
    output_format: Option<OutputFormat>,

    /// When to use color. `auto` uses color on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,

    /// The lowest severity that makes statuslint exit with 1 [default: warning, or the
    /// config file's `fail-on`].
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,

    /// Worker threads (0 picks one per core, up to 256).
    #[arg(long, short = 'j', default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=MAX_THREADS))]
    threads: u16,

    /// Use this config file for every path instead of the nearest statuslint.toml.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    config: Option<PathBuf>,

    /// Read no config file: defaults and the command line only.
    #[arg(long)]
    isolated: bool,

    /// Rules to run, replacing the config's selection: ids, prefixes (SL1), names or ALL.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Option<Vec<String>>,

    /// Rules not to run.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,

    /// Rules to run in addition to the selection.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    extend_select: Vec<String>,

    /// Globs of files and directories not to check, in addition to the config's.
    #[arg(long, value_delimiter = ',', value_name = "GLOBS")]
    exclude: Vec<String>,

    /// Print the settings that apply to the path given and exit.
    #[arg(long)]
    show_settings: bool,

    /// Print the findings and nothing else: no summary line, no notes.
    #[arg(long, short = 'q')]
    quiet: bool,

    /// Print how many findings each rule has instead of the findings.
    #[arg(long)]
    statistics: bool,

    /// Apply the fixes that keep behaviour, and report what is left.
    #[arg(long)]
    fix: bool,

    /// Also apply fixes that change what the server sends (with --fix or --diff).
    #[arg(long)]
    unsafe_fixes: bool,

    /// Print the fixes as a unified diff instead of applying them.
    #[arg(long, conflicts_with = "fix")]
    diff: bool,

    /// Report only findings on lines changed since this git reference.
    #[arg(long, visible_alias = "changed-since", value_name = "REF")]
    diff_base: Option<String>,

    /// Hide the findings recorded in this baseline file.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,

    /// Record today's findings in this file, to be hidden later with --baseline.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,

    /// The file name to check standard input as (with `-`): picks the kind and config.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Hint,
    /// Never fail because of findings.
    Never,
}

impl FailOn {
    fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Hint => Some(Severity::Hint),
            FailOn::Never => None,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check(args)) => check(*args),
        None => check(cli.check),
        Some(Command::Explain { what }) => match statuslint::explain::explain(&what) {
            Some(text) => print(&text, ExitCode::SUCCESS),
            None => fail(&format!(
                "`{what}` is neither a rule nor a status code; `statuslint rules` lists the rules"
            )),
        },
        Some(Command::Rules) => print(&statuslint::explain::rules_table(), ExitCode::SUCCESS),
        Some(Command::Server) => match statuslint::server::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => fail(&message),
        },
        Some(Command::Facts { path }) => facts(&path),
    }
}

/// Prints to stdout; a closed pipe (`statuslint rules | head`) ends quietly.
fn print(text: &str, code: ExitCode) -> ExitCode {
    match io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => code,
        Err(e) => write_error(e, code),
    }
}

fn write_error(e: io::Error, code: ExitCode) -> ExitCode {
    if e.kind() == io::ErrorKind::BrokenPipe {
        code
    } else {
        fail(&format!("cannot write output: {e}"))
    }
}

/// A usage, configuration or internal error: exit 2.
fn fail(message: &str) -> ExitCode {
    to_stderr("error", message);
    ExitCode::from(2)
}

/// `--quiet`: no notes, only the findings (errors are still printed).
static QUIET: AtomicBool = AtomicBool::new(false);

fn note(message: &str) {
    if QUIET.load(Ordering::Relaxed) {
        return;
    }
    to_stderr("note", message);
}

/// A closed standard error (`statuslint 2>&1 | head -1`) ends as quietly as a closed
/// standard output: there is nowhere left to say anything.
fn to_stderr(level: &str, message: &str) {
    let _ = writeln!(io::stderr().lock(), "statuslint: {level}: {message}");
}

fn check(args: CheckArgs) -> ExitCode {
    match run_check(args) {
        Ok(code) => code,
        Err(message) => fail(&message),
    }
}

fn run_check(args: CheckArgs) -> Result<ExitCode, String> {
    QUIET.store(args.quiet, Ordering::Relaxed);
    check_selectors(&args)?;
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    let mut unchecked = Vec::new();
    if !stdin {
        for path in &args.paths {
            match statuslint::walk::check_named(path) {
                Ok(()) => {}
                Err(statuslint::walk::ReadError::Io(e)) if e.kind() == io::ErrorKind::NotFound => {
                    return Err(format!("`{}` does not exist", shown(path)));
                }
                Err(e) => unchecked.push(format!("`{}` cannot be checked: {e}", shown(path))),
            }
        }
    }
    let paths: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| stdin || statuslint::walk::check_named(p).is_ok())
        .cloned()
        .collect();
    let code = check_paths(&args, paths)?;
    // Named files that cannot be checked are said last, where they are seen, and fail the run.
    for message in &unchecked {
        fail(message);
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

fn check_paths(args: &CheckArgs, paths: Vec<PathBuf>) -> Result<ExitCode, String> {
    let started = Instant::now();
    let stdin = paths.iter().any(|p| p.as_os_str() == "-");
    let overrides = Overrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        extend_select: args.extend_select.clone(),
        exclude: args.exclude.clone(),
        fail_on: args.fail_on.map(FailOn::severity),
    };
    let resolver = Resolver::new_for_cli(args.config.as_deref(), args.isolated, overrides)
        .map_err(|e| e.to_string())?;
    let resolver = Arc::new(resolver);
    if args.show_settings {
        return show_settings(args, &resolver);
    }
    let mut stdin_text = None;
    let mut output = if stdin {
        let (output, text) = lint_from_stdin(args, &resolver)?;
        stdin_text = Some(text);
        output
    } else {
        let threads = match args.threads {
            0 => std::thread::available_parallelism()
                .map_or(1, |n| n.get().min(MAX_THREADS as usize)),
            n => usize::from(n),
        };
        let options = WalkOptions { paths, threads };
        lint_in_project(&options, resolver.clone()).map_err(|e| e.to_string())?
    };
    print_notes(&output.notes);
    narrow(args, &mut output.diagnostics)?;
    if let Some(path) = &args.write_baseline {
        return write_baseline(path, &output.diagnostics);
    }
    if args.diff {
        return Ok(print_diff(&output.diagnostics, args.unsafe_fixes));
    }
    if args.fix {
        apply_fixes(args, stdin_text.as_deref(), &mut output.diagnostics)?;
    }
    let run = Run {
        checked: output.checked,
        elapsed: started.elapsed(),
        paths: match &args.stdin_filename {
            Some(name) if stdin => vec![name.display().to_string()],
            _ => args.paths.iter().map(|p| p.display().to_string()).collect(),
        },
        quiet: args.quiet,
    };
    report(args, &resolver, &output.diagnostics, &run)
}

/// Selectors on the command line are checked like the config's.
fn check_selectors(args: &CheckArgs) -> Result<(), String> {
    let all = args
        .select
        .iter()
        .flatten()
        .chain(&args.ignore)
        .chain(&args.extend_select);
    for s in all {
        if statuslint::settings::select(s).is_none() {
            return Err(format!(
                "`{s}` names no rule\n  hint: {}",
                statuslint::config::selector_hint(s)
            ));
        }
    }
    Ok(())
}

fn lint_from_stdin(args: &CheckArgs, resolver: &Resolver) -> Result<(LintOutput, String), String> {
    if args.paths.len() != 1 {
        return Err("`-` (standard input) cannot be mixed with other paths".into());
    }
    let Some(name) = &args.stdin_filename else {
        return Err(
            "reading standard input needs --stdin-filename NAME, which decides how it is read"
                .into(),
        );
    };
    let limit = statuslint::walk::MAX_FILE_BYTES;
    let bytes = statuslint::walk::read_capped(io::stdin().lock(), limit, 0)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let output = lint_text(name, bytes, resolver, &[]).map_err(|e| e.to_string())?;
    Ok((output, text))
}

fn print_notes(notes: &[Note]) {
    for n in notes {
        let message = printable(&n.message);
        if n.path.is_empty() {
            note(&message);
        } else {
            note(&format!("{}: {message}", printable(&n.path)));
        }
    }
}

/// `--diff-base` and `--baseline`: keep only the findings a team has not yet accepted.
fn narrow(args: &CheckArgs, diagnostics: &mut Vec<Diagnostic>) -> Result<(), String> {
    if let Some(reference) = &args.diff_base {
        ChangedLines::since(reference)?.retain(diagnostics);
    }
    if let Some(path) = &args.baseline {
        let stale = Baseline::load(path)?.apply(diagnostics, path);
        for e in &stale.0 {
            note(&format!(
                "baseline entry no longer matches (fixed or changed): {} {} `{}`{}",
                e.file,
                e.rule,
                e.source,
                if e.count > 1 {
                    format!(" ({} times)", e.count)
                } else {
                    String::new()
                }
            ));
        }
        if !stale.0.is_empty() {
            note(&format!(
                "{} baseline entr{} can go: run with --write-baseline {} to update it",
                stale.0.len(),
                if stale.0.len() == 1 { "y" } else { "ies" },
                path.display()
            ));
        }
    }
    Ok(())
}

fn write_baseline(path: &Path, diagnostics: &[Diagnostic]) -> Result<ExitCode, String> {
    let baseline = Baseline::of(diagnostics, path);
    statuslint::fix::write_atomically(path, &baseline.to_json())
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    note(&format!(
        "wrote {} finding{} to {}",
        diagnostics.len(),
        if diagnostics.len() == 1 { "" } else { "s" },
        path.display()
    ));
    Ok(ExitCode::SUCCESS)
}

/// `--diff`: exit 1 when there is something to fix, as a check in CI.
fn print_diff(diagnostics: &[Diagnostic], unsafe_fixes: bool) -> ExitCode {
    let plans = statuslint::fix::plan(diagnostics, unsafe_fixes);
    let mut text = String::new();
    for p in &plans {
        text.push_str(&statuslint::diff::unified(&p.file, &p.original, &p.edits));
    }
    let fixes: usize = plans.iter().map(|p| p.resolved.len()).sum();
    hint_unsafe(diagnostics, unsafe_fixes);
    if fixes > 0 {
        note(&format!(
            "{fixes} fix{} available",
            if fixes == 1 { "" } else { "es" }
        ));
    }
    print(
        &text,
        if fixes > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        },
    )
}

fn hint_unsafe(diagnostics: &[Diagnostic], unsafe_fixes: bool) {
    let hidden = diagnostics
        .iter()
        .filter(|d| d.fix.as_ref().is_some_and(|f| !f.safe))
        .count();
    if hidden > 0 && !unsafe_fixes {
        note(&format!(
            "{hidden} more fix{} what the server sends: add --unsafe-fixes to apply {}",
            if hidden == 1 { " changes" } else { "es change" },
            if hidden == 1 { "it" } else { "them" }
        ));
    }
}

/// `--fix`: writes each fixed file (or, for standard input, prints the text, fixed or
/// not, since editors replace the buffer with it) and drops the findings it resolved.
fn apply_fixes(
    args: &CheckArgs,
    stdin_text: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), String> {
    let plans = statuslint::fix::plan(diagnostics, args.unsafe_fixes);
    hint_unsafe(diagnostics, args.unsafe_fixes);
    let mut resolved: Vec<usize> = Vec::new();
    match stdin_text {
        Some(text) => {
            print(plans.first().map_or(text, |p| &p.fixed), ExitCode::SUCCESS);
        }
        None => write_fixes(&plans)?,
    }
    for p in &plans {
        resolved.extend(&p.resolved);
    }
    if !resolved.is_empty() {
        note(&format!(
            "fixed {} problem{} in {} file{}",
            resolved.len(),
            if resolved.len() == 1 { "" } else { "s" },
            plans.len(),
            if plans.len() == 1 { "" } else { "s" }
        ));
    }
    let mut index = 0;
    diagnostics.retain(|_| {
        index += 1;
        !resolved.contains(&(index - 1))
    });
    Ok(())
}

/// Checks every file before writing any, so a refusal changes nothing; then writes them,
/// saying which were written if one fails.
fn write_fixes(plans: &[statuslint::fix::FileFix]) -> Result<(), String> {
    let mut targets = Vec::new();
    let mut refused = Vec::new();
    for p in plans {
        match statuslint::fix::prepare(Path::new(&p.file), &p.original) {
            Ok(target) => targets.push(target),
            Err(why) => refused.push(why),
        }
    }
    if !refused.is_empty() {
        return Err(format!(
            "{}\n  no file was changed: --fix writes all of them or none",
            refused.join("\nstatuslint: error: ")
        ));
    }
    for (i, (p, target)) in plans.iter().zip(&targets).enumerate() {
        if let Err(e) = statuslint::fix::write(target, &p.fixed) {
            let names = |plans: &[statuslint::fix::FileFix]| {
                let names: Vec<String> = plans
                    .iter()
                    .map(|p| printable(&p.file).into_owned())
                    .collect();
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            };
            return Err(format!(
                "cannot write `{}`: {e}\n  already fixed: {}\n  not written: {}",
                printable(&p.file),
                names(&plans[..i]),
                names(&plans[i + 1..])
            ));
        }
        note(&format!(
            "wrote {} ({} fix{})",
            printable(&p.file),
            p.edits.len(),
            if p.edits.len() == 1 { "" } else { "es" }
        ));
    }
    Ok(())
}

fn output_format(args: &CheckArgs) -> OutputFormat {
    args.output_format.unwrap_or_else(|| {
        if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
            OutputFormat::Github
        } else {
            OutputFormat::Full
        }
    })
}

fn report(
    args: &CheckArgs,
    resolver: &Resolver,
    diagnostics: &[Diagnostic],
    run: &Run,
) -> Result<ExitCode, String> {
    let format = output_format(args);
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut failing = false;
    for d in diagnostics {
        let settings = resolver
            .for_file(&cwd.join(&d.file))
            .map_err(|e| e.to_string())?;
        failing |= settings.fails(d.severity);
    }
    let code = if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    if format == OutputFormat::Github
        && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty())
    {
        append(Path::new(&summary), &github::step_summary(diagnostics, run))?;
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    };
    // With --fix on standard input, stdout holds the fixed text: findings go to stderr.
    let stdin_fix = args.fix && args.paths.iter().any(|p| p.as_os_str() == "-");
    let written = if stdin_fix {
        write_report(
            args,
            format,
            diagnostics,
            run,
            color,
            &mut io::stderr().lock(),
        )
    } else {
        let mut out = io::BufWriter::new(io::stdout().lock());
        write_report(args, format, diagnostics, run, color, &mut out).and_then(|()| out.flush())
    };
    Ok(match written {
        Ok(()) => code,
        Err(e) => write_error(e, code),
    })
}

fn write_report(
    args: &CheckArgs,
    format: OutputFormat,
    diagnostics: &[Diagnostic],
    run: &Run,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    if args.statistics {
        statistics(diagnostics, run, out)
    } else {
        render(format, diagnostics, run, color, out)
    }
}

fn append(path: &Path, text: &str) -> Result<(), String> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("cannot write the step summary `{}`: {e}", path.display()))
}

fn show_settings(args: &CheckArgs, resolver: &Resolver) -> Result<ExitCode, String> {
    let [path] = args.paths.as_slice() else {
        return Err("--show-settings takes exactly one path".into());
    };
    let path = match (&args.stdin_filename, path.as_os_str() == "-") {
        (Some(name), true) => name.clone(),
        _ => path.clone(),
    };
    let settings = resolver.for_path(&path).map_err(|e| e.to_string())?;
    Ok(print(
        &statuslint::settings::describe(&settings, &path),
        ExitCode::SUCCESS,
    ))
}

fn facts(path: &Path) -> ExitCode {
    let bytes = match statuslint::walk::read_file(path, statuslint::walk::MAX_FILE_BYTES) {
        Ok(bytes) => statuslint::walk::normalize(bytes),
        Err(e) => return fail(&format!("cannot read `{}`: {e}", path.display())),
    };
    let Some(kind) = statuslint::classify::classify(path, &bytes) else {
        return fail(&format!(
            "`{}` is not a kind of file statuslint reads",
            path.display()
        ));
    };
    let text = String::from_utf8_lossy(&bytes);
    let facts = statuslint::extract::extract(kind, path, &text);
    print(&format!("{facts:#?}\n"), ExitCode::SUCCESS)
}
