//! GitLab Code Quality: a JSON array of issues with a stable fingerprint each.

use super::streamed::Items;
use crate::baseline::normalise;
use crate::diagnostic::Diagnostic;
use crate::rules::Severity;
use serde_json::json;
use std::collections::HashMap;
use std::io::{self, Write};

pub fn render(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let issues = Items::new(diagnostics.iter().map(|d| {
        // Keyed like the baseline, so moving code keeps the fingerprint.
        let key = format!("{}\0{}\0{}", d.file, d.rule, normalise(d.line_text()));
        let n = seen.entry(key.clone()).or_default();
        *n += 1;
        json!({
            "description": format!("{}: {}", d.rule, d.message),
            "check_name": d.rule,
            "fingerprint": format!("{:016x}", fnv1a(format!("{key}\0{n}").as_bytes())),
            "severity": match d.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
                Severity::Info | Severity::Hint => "info",
            },
            "location": {
                "path": &*d.file,
                "lines": { "begin": d.start.line, "end": d.end.line },
            },
        })
    }));
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// FNV-1a, 64 bits: stable across runs and platforms.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
