//! Printing the findings that are left, and the exit status they give.

use super::console::Console;
use super::{CheckOptions, Color};
use crate::diagnostic::Diagnostic;
use crate::report::{OutputFormat, Run, github, render, statistics};
use crate::settings::Resolver;
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

pub fn report(
    console: &Console,
    options: &CheckOptions,
    resolver: &Resolver,
    diagnostics: &[Diagnostic],
    run: &Run,
) -> Result<ExitCode, String> {
    let format = output_format(options);
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut failing = false;
    for d in diagnostics {
        let settings = resolver
            .for_file(&cwd.join(&*d.file))
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
    let color = use_color(options.color);
    let write = |out: &mut dyn Write| {
        if options.statistics {
            statistics(diagnostics, run, out)
        } else {
            render(format, diagnostics, run, color, out)
        }
    };
    // With --fix on standard input, stdout holds the fixed text: findings go to stderr.
    let written = if options.fix && options.reads_stdin() {
        write(&mut io::stderr().lock())
    } else {
        let mut out = io::BufWriter::new(io::stdout().lock());
        write(&mut out).and_then(|()| out.flush())
    };
    Ok(match written {
        Ok(()) => code,
        Err(e) => console.write_error(e, code),
    })
}

/// The format asked for, else `github` inside GitHub Actions, else `full`.
fn output_format(options: &CheckOptions) -> OutputFormat {
    options.output_format.unwrap_or_else(|| {
        if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
            OutputFormat::Github
        } else {
            OutputFormat::Full
        }
    })
}

/// `auto` colors a terminal unless NO_COLOR is set or TERM is dumb.
fn use_color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
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
