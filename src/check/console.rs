//! Where a run speaks: findings and fixed text to standard output, notes and errors to
//! standard error, prefixed `statuslint: note:` and `statuslint: error:`.

use std::io::{self, Write};
use std::process::ExitCode;

/// A closed pipe ends a run quietly; `quiet` drops the notes (errors are still said).
#[derive(Clone, Copy, Debug, Default)]
pub struct Console {
    pub quiet: bool,
}

impl Console {
    pub fn note(&self, message: &str) {
        if !self.quiet {
            to_stderr("note", message);
        }
    }

    /// A usage, configuration or internal error: exit 2.
    pub fn fail(&self, message: &str) -> ExitCode {
        to_stderr("error", message);
        ExitCode::from(2)
    }

    /// Prints to stdout; a closed pipe (`statuslint rules | head`) ends quietly.
    pub fn print(&self, text: &str, code: ExitCode) -> ExitCode {
        match io::stdout().lock().write_all(text.as_bytes()) {
            Ok(()) => code,
            Err(e) => self.write_error(e, code),
        }
    }

    pub fn write_error(&self, e: io::Error, code: ExitCode) -> ExitCode {
        if e.kind() == io::ErrorKind::BrokenPipe {
            code
        } else {
            self.fail(&format!("cannot write output: {e}"))
        }
    }
}

/// A closed standard error (`statuslint 2>&1 | head -1`) ends as quietly as a closed
/// standard output: there is nowhere left to say anything.
fn to_stderr(level: &str, message: &str) {
    let _ = writeln!(io::stderr().lock(), "statuslint: {level}: {message}");
}
