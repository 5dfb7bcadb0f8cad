//! `file:line:col: SL101 [warning] message`, one line per finding.

use super::printable;
use crate::diagnostic::Diagnostic;
use std::io::{self, Write};

pub fn render(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    for d in diagnostics {
        writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            printable(&d.file),
            d.start.line,
            d.start.column,
            d.rule,
            d.severity.as_str(),
            printable(&d.message)
        )?;
    }
    Ok(())
}
