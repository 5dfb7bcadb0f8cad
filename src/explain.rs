//! `statuslint explain` and `statuslint rules`: the rule docs and the status code table,
//! as text for a terminal.

use crate::knowledge::STATUS;
use crate::rules::{self, RuleEntry};
use std::fmt::Write;

/// The explanation of a rule (by id or name) or a status code, or None when `what` is
/// neither.
pub fn explain(what: &str) -> Option<String> {
    if let Some(rule) = rules::find(what) {
        return Some(explain_rule(rule));
    }
    let code: u32 = what.trim().parse().ok()?;
    explain_code(code)
}

fn section(out: &mut String, title: &str, body: &str) {
    let _ = writeln!(out, "\n{title}\n{}", body.trim_end());
}

fn explain_rule(rule: &RuleEntry) -> String {
    let m = &rule.meta;
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", m.id, m.name);
    let _ = writeln!(
        out,
        "Severity: {} ({}){}",
        m.severity.as_str(),
        if m.enabled_by_default {
            "on by default"
        } else {
            "off by default"
        },
        if m.heuristic {
            "; heuristic: fires only on stated evidence"
        } else {
            ""
        }
    );
    let _ = writeln!(out, "\n{}.", m.summary);
    section(&mut out, "What it does", &m.docs.what_it_does);
    section(&mut out, "Why it matters", &m.docs.why_it_matters);
    section(&mut out, "Example", &m.docs.example);
    section(&mut out, "Use instead", &m.docs.use_instead);
    let refs: String = m
        .docs
        .references
        .iter()
        .map(|r| format!("- {r}\n"))
        .collect();
    section(&mut out, "References", &refs);
    out
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

fn explain_code(code: u32) -> Option<String> {
    let mut out = String::new();
    if let Some(s) = STATUS.get(code) {
        let _ = writeln!(out, "{} {}", s.code, s.reason);
        let _ = writeln!(
            out,
            "Class: {} | Registry: {:?} | Defined in: {}",
            s.class, s.registry, s.source
        );
        let _ = writeln!(
            out,
            "Content: {:?} | Must send: {} | Should send: {} | Heuristically cacheable: {}",
            s.body,
            list(&s.required_headers),
            list(&s.recommended_headers),
            s.cacheable
        );
        if let (Some(kind), Some(method)) = (&s.redirect, &s.method) {
            let _ = writeln!(out, "Redirect: {kind:?}, method {method}");
        }
        section(&mut out, "Meaning", &s.explain.meaning);
        section(&mut out, "When to use", &s.explain.when_to_use);
        section(&mut out, "Example", &s.explain.example);
        section(&mut out, "When not to use", &s.explain.when_not_to_use);
        section(&mut out, "Source", &s.source);
        return Some(out);
    }
    if !(100..=599).contains(&code) {
        let _ = writeln!(
            out,
            "{code} is not a valid HTTP status code: codes are three digits from 100 to 599 (rule SL301)."
        );
        return Some(out);
    }
    let class = STATUS.describe(code / 100 * 100);
    let _ = writeln!(
        out,
        "{code} is not in the IANA HTTP Status Code Registry (rule SL302)."
    );
    if let Some(u) = STATUS.unregistered(code) {
        let _ = writeln!(
            out,
            "\n{code} \"{}\" is used by {}: {}",
            u.name, u.used_by, u.meaning
        );
        if !u.on_the_wire {
            let _ = writeln!(out, "It is logged but never sent to a client.");
        }
    }
    let _ = writeln!(
        out,
        "\nA client that does not know it treats it as {class}."
    );
    Some(out)
}

/// The table printed by `statuslint rules`.
pub fn rules_table() -> String {
    let mut out = String::new();
    let all = rules::all();
    let width = all.iter().map(|r| r.meta.name.len()).max().unwrap_or(0);
    let _ = writeln!(
        out,
        "{:<6} {:<width$} {:<8} {:<4} summary",
        "id", "name", "severity", "on"
    );
    for r in all {
        let m = &r.meta;
        let _ = writeln!(
            out,
            "{:<6} {:<width$} {:<8} {:<4} {}",
            m.id,
            m.name,
            m.severity.as_str(),
            if m.enabled_by_default { "yes" } else { "no" },
            m.summary
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_rules_by_id_and_name_and_codes() {
        let by_id = explain("SL101").unwrap();
        assert!(by_id.contains("temporary-redirect-for-permanent-move"));
        assert_eq!(
            explain("temporary-redirect-for-permanent-move"),
            Some(by_id)
        );
        let code = explain("307").unwrap();
        assert!(code.starts_with("307 Temporary Redirect"));
        for title in [
            "Meaning",
            "When to use",
            "Example",
            "When not to use",
            "Source",
        ] {
            assert!(code.contains(&format!("\n{title}\n")), "{title}");
        }
        assert!(explain("499").unwrap().contains("not in the IANA"));
        assert!(explain("1000").unwrap().contains("not a valid"));
        assert_eq!(explain("nonsense"), None);
    }
}
