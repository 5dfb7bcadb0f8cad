//! The command line. Everything else lives in the library.

use clap::{Args, Parser, Subcommand, ValueEnum};
use statuslint::lint::lint;
use statuslint::report::{OutputFormat, render};
use statuslint::rules::Severity;
use statuslint::settings::Settings;
use statuslint::walk::WalkOptions;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Catch wrong HTTP status codes in route handlers and server config before they ship.
///
/// statuslint finds where HTTP status codes are chosen and checks each choice against
/// RFC 9110: a temporary redirect for a permanent move, a 401 without a challenge, a
/// redirect without Location, content on a 204, unregistered codes, and more.
///
/// Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 on a usage or
/// internal error.
#[derive(Parser)]
#[command(name = "statuslint", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Check files and directories (the default command).
    Check(CheckArgs),
    /// Explain a rule (SL101 or its name) or a status code (307).
    Explain {
        /// A rule id, a rule name, or a status code.
        what: String,
    },
    /// List every rule with its id, name, default severity and summary.
    Rules,
    /// Print the facts extracted from one file (for debugging extractors).
    #[command(hide = true)]
    Facts { path: PathBuf },
}

#[derive(Args)]
struct CheckArgs {
    /// Files or directories to check. Directories are walked, honouring .gitignore,
    /// .ignore and .statuslintignore.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,

    /// How to print findings.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full, env = "STATUSLINT_OUTPUT_FORMAT")]
    output_format: OutputFormat,

    /// When to use color. `auto` uses color on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,

    /// The lowest severity that makes statuslint exit with 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,

    /// Worker threads (0 picks one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    threads: usize,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check(args)) => check(args),
        None => check(cli.check),
        Some(Command::Explain { what }) => match statuslint::explain::explain(&what) {
            Some(text) => print(&text, ExitCode::SUCCESS),
            None => {
                eprintln!(
                    "statuslint: error: `{what}` is neither a rule nor a status code; `statuslint rules` lists the rules"
                );
                ExitCode::from(2)
            }
        },
        Some(Command::Rules) => print(&statuslint::explain::rules_table(), ExitCode::SUCCESS),
        Some(Command::Facts { path }) => facts(&path),
    }
}

/// Prints to stdout; a closed pipe (`statuslint rules | head`) ends quietly.
fn print(text: &str, code: ExitCode) -> ExitCode {
    match io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            eprintln!("statuslint: error: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}

fn check(args: CheckArgs) -> ExitCode {
    for path in &args.paths {
        if !path.exists() {
            eprintln!("statuslint: error: `{}` does not exist", path.display());
            return ExitCode::from(2);
        }
    }
    let settings = Settings {
        fail_on: match args.fail_on {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
            FailOn::Hint => Severity::Hint,
            FailOn::Never => Severity::Error,
        },
        ..Settings::default()
    };
    let threads = if args.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        args.threads
    };
    let output = lint(
        &WalkOptions {
            paths: args.paths,
            threads,
        },
        &settings,
    );
    for note in &output.notes {
        if note.path.is_empty() {
            eprintln!("statuslint: note: {}", note.message);
        } else {
            eprintln!("statuslint: note: {}: {}", note.path, note.message);
        }
    }
    let failing = !matches!(args.fail_on, FailOn::Never)
        && output
            .diagnostics
            .iter()
            .any(|d| d.severity >= settings.fail_on);
    let code = if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written =
        render(args.output_format, &output.diagnostics, color, &mut out).and_then(|()| out.flush());
    match written {
        Ok(()) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            eprintln!("statuslint: error: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}

fn facts(path: &std::path::Path) -> ExitCode {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("statuslint: error: cannot read `{}`: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    let Some(kind) = statuslint::classify::classify(path, &bytes) else {
        eprintln!(
            "statuslint: error: `{}` is not a kind of file statuslint reads",
            path.display()
        );
        return ExitCode::from(2);
    };
    let text = String::from_utf8_lossy(&bytes);
    let facts = statuslint::extract::extract(kind, path, &text);
    print(&format!("{facts:#?}\n"), ExitCode::SUCCESS)
}
