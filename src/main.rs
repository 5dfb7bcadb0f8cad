//! The command line: arguments in, one library call out. Everything else lives in the
//! library (`statuslint::check` runs a check).

use clap::{Args, Parser, Subcommand, ValueEnum};
use statuslint::cache::Location;
use statuslint::check::{CheckOptions, Color, Console, MAX_THREADS};
use statuslint::report::OutputFormat;
use statuslint::rules::Severity;
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc instead of the system allocator, for Rust and (see `main`) for tree-sitter: a
/// run allocates per syntax node and per site, and glibc's malloc and free were a tenth of
/// its instructions on Rust handlers (mimalloc's are about a third of that).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in the mimalloc (v3) that libmimalloc-sys builds: its
/// `mimalloc.h` numbers the options, and libmimalloc-sys names only some of them.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed pages go back to the system after 10 ms rather than a second: a large file's tree
/// and usages are freed while its findings are made, and holding them cost a third more
/// memory at the peak (250 MB against 189 on a dense 8 MB spec). Purging at once saves
/// no more, and its system calls cost a tenth of the time on large Rust files.
fn return_freed_memory_soon() {
    // SAFETY: setting an option has no precondition; it only changes when pages are purged.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10) };
}

fn use_mimalloc_in_tree_sitter() {
    use libmimalloc_sys::{mi_calloc, mi_free, mi_malloc, mi_realloc};
    // SAFETY: called first thing in `main`, before tree-sitter allocates anything, so
    // nothing it frees later came from another allocator.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: mi_malloc,
            calloc: mi_calloc,
            realloc: mi_realloc,
            free: mi_free,
        }))
    };
}

/// Catch wrong HTTP status codes in route handlers, server config and API specs before they ship.
///
/// statuslint finds where HTTP status codes are chosen and checks each choice against
/// RFC 9110: a temporary redirect for a permanent move, a 401 without a challenge, a
/// redirect without Location, content on a 204, unregistered codes, and more.
///
/// Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 on a usage,
/// configuration or internal error. A file read only in part (a syntax error) is a
/// warning, SL901, so by default it fails the run too.
///
/// OpenAPI `$ref`s and nginx includes are followed only inside the project (the nearest
/// folder holding .git, else the current folder); `allow-outside-project` in
/// statuslint.toml names more folders they may read.
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

    /// Worker threads (0 picks one per core; at most 256, and 4 per core).
    #[arg(long, short = 'j', default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=MAX_THREADS as i64))]
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

    /// Keep what each code file yields in this folder, so the next run parses only the
    /// files that changed [default: $XDG_CACHE_HOME/statuslint, else
    /// $HOME/.cache/statuslint]. One file per project; never inside the project.
    #[arg(long, value_name = "DIR", env = "STATUSLINT_CACHE_DIR")]
    cache_dir: Option<PathBuf>,

    /// Neither read nor write the cache.
    #[arg(long)]
    no_cache: bool,
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
    return_freed_memory_soon();
    use_mimalloc_in_tree_sitter();
    let cli = Cli::parse();
    let console = Console::default();
    match cli.command {
        Some(Command::Check(args)) => statuslint::check::run(&args.into_options()),
        None => statuslint::check::run(&cli.check.into_options()),
        Some(Command::Explain { what }) => match statuslint::explain::explain(&what) {
            Some(text) => console.print(&text, ExitCode::SUCCESS),
            None => console.fail(&format!(
                "`{what}` is neither a rule nor a status code; `statuslint rules` lists the rules"
            )),
        },
        Some(Command::Rules) => {
            console.print(&statuslint::explain::rules_table(), ExitCode::SUCCESS)
        }
        Some(Command::Server) => match statuslint::server::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => console.fail(&message),
        },
        Some(Command::Facts { path }) => match statuslint::check::facts(&path) {
            Ok(text) => console.print(&text, ExitCode::SUCCESS),
            Err(message) => console.fail(&message),
        },
    }
}

impl CheckArgs {
    fn into_options(self) -> CheckOptions {
        CheckOptions {
            paths: self.paths,
            output_format: self.output_format,
            color: match self.color {
                ColorChoice::Auto => Color::Auto,
                ColorChoice::Always => Color::Always,
                ColorChoice::Never => Color::Never,
            },
            fail_on: self.fail_on.map(FailOn::severity),
            threads: usize::from(self.threads),
            config: self.config,
            isolated: self.isolated,
            select: self.select,
            ignore: self.ignore,
            extend_select: self.extend_select,
            exclude: self.exclude,
            show_settings: self.show_settings,
            quiet: self.quiet,
            statistics: self.statistics,
            fix: self.fix,
            unsafe_fixes: self.unsafe_fixes,
            diff: self.diff,
            diff_base: self.diff_base,
            baseline: self.baseline,
            write_baseline: self.write_baseline,
            stdin_filename: self.stdin_filename,
            cache: match (self.no_cache, self.cache_dir) {
                (true, _) => Location::Off,
                (false, Some(dir)) => Location::Explicit(dir),
                (false, None) => Location::Default,
            },
        }
    }
}
