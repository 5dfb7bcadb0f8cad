//! Suppress: `statuslint-disable...` comments, in whatever comment syntax the file has
//! (`//`, `#`, `/* */`, `<!-- -->`), and the SL900 diagnostics for those that
//! suppress nothing.
//!
//! - `statuslint-disable-next-line SL101 -- reason`: the next line;
//! - `statuslint-disable-line SL101`: its own line;
//! - `statuslint-disable-file SL101`: the whole file;
//! - `statuslint-disable SL101` ... `statuslint-enable SL101`: the lines between.
//!
//! Rules may be named by id or name; a comment that names none suppresses every rule.

use crate::rules::{self, Fix};
use crate::usage::Span;
use regex::Regex;
use std::sync::LazyLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    NextLine,
    Line,
    File,
    Disable,
    Enable,
}

/// One rule named in a comment.
#[derive(Debug)]
pub struct Named {
    pub text: String,
    pub span: Span,
    /// The rule's id, or None when no rule has that id or name.
    pub id: Option<&'static str>,
}

/// One suppression comment.
#[derive(Debug)]
pub struct Directive {
    scope: Scope,
    /// 1-based line of the comment.
    line: usize,
    /// Lines it covers, inclusive.
    lines: (usize, usize),
    pub rules: Vec<Named>,
    /// From the comment opener to the end of the comment.
    comment: Span,
    /// The whole line when the comment stands alone on it.
    own_line: Option<Span>,
    /// Used, per named rule (or one flag for a comment that names none).
    used: Vec<bool>,
}

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(//+!?|#+|/\*+|<!--)[ \t]*statuslint-(disable-next-line|disable-line|disable-file|disable|enable)([ \t][^\n]*)?$",
    )
    .expect("a valid regex")
});

static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[^,\s]+").expect("a valid regex"));

/// A suppression comment is about statuslint, not about the code: the rule names in it
/// (`temporary-redirect-for-permanent-move`) must not read as evidence of a temporary move.
/// Each comment keeps only what comes before its directive.
pub fn drop_directives(texts: &mut Vec<(crate::usage::TextSource, String)>) {
    for (source, text) in texts.iter_mut() {
        if *source == crate::usage::TextSource::Comment
            && let Some(at) = text.find("statuslint-")
        {
            text.truncate(at);
        }
    }
    texts.retain(|(s, t)| *s != crate::usage::TextSource::Comment || !t.trim().is_empty());
}

/// The suppressions of one file.
pub struct Suppressions {
    directives: Vec<Directive>,
}

impl Suppressions {
    pub fn parse(text: &str) -> Suppressions {
        let mut directives = Vec::new();
        if !text.contains("statuslint-") {
            return Suppressions { directives };
        }
        let mut offset = 0;
        let line_count = text.lines().count().max(1);
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let content = line.trim_end_matches(['\n', '\r']);
            if let Some(d) = parse_line(content, offset, i + 1, line.len(), line_count) {
                directives.push(d);
            }
            offset += line.len();
        }
        close_ranges(&mut directives, line_count);
        Suppressions { directives }
    }

    /// True when a finding of `rule` starting on `line` is suppressed; marks what did it.
    pub fn suppresses(&mut self, rule: &str, line: usize) -> bool {
        let mut hit = false;
        for d in &mut self.directives {
            if d.scope == Scope::Enable || line < d.lines.0 || line > d.lines.1 {
                continue;
            }
            if d.rules.is_empty() {
                d.used[0] = true;
                hit = true;
            }
            for (named, used) in d.rules.iter().zip(d.used.iter_mut()) {
                if named.id == Some(rule) {
                    *used = true;
                    hit = true;
                }
            }
        }
        hit
    }

    /// The suppressions that suppressed nothing, as (span, message, fix). A rule that is
    /// not enabled here is not judged: it might fire under another configuration.
    pub fn unused(&self, text: &str, enabled: &[&str]) -> Vec<(Span, String, Fix)> {
        let mut out = Vec::new();
        for d in &self.directives {
            if d.scope == Scope::Enable {
                continue;
            }
            // A suppression of SL900 itself is used by the SL900 it hides, seen later.
            let judged = |n: &Named| {
                n.id.is_none_or(|id| enabled.contains(&id) && id != rules::UNUSED_SUPPRESSION)
            };
            let unused: Vec<&Named> = d
                .rules
                .iter()
                .zip(&d.used)
                .filter(|(n, used)| !**used && judged(n))
                .map(|(n, _)| n)
                .collect();
            if d.rules.is_empty() {
                if !d.used[0] {
                    let fix = removal(d, text, Vec::new());
                    out.push((
                        d.comment.clone(),
                        "unused suppression: no finding here to suppress".to_string(),
                        fix,
                    ));
                }
                continue;
            }
            if unused.is_empty() {
                continue;
            }
            let kept: Vec<&Named> = d
                .rules
                .iter()
                .filter(|n| !unused.iter().any(|u| std::ptr::eq(*u, *n)))
                .collect();
            let fix = removal(d, text, kept);
            for n in unused {
                let message = match n.id {
                    Some(id) => format!(
                        "unused suppression: {id} ({}) has no finding here",
                        rules::find(id).map_or("", |r| r.meta.name.as_str())
                    ),
                    None => format!("unused suppression: `{}` is not a rule id or name", n.text),
                };
                out.push((n.span.clone(), message, fix.clone()));
            }
        }
        out
    }
}

fn parse_line(
    content: &str,
    offset: usize,
    number: usize,
    full_len: usize,
    line_count: usize,
) -> Option<Directive> {
    // Most lines of a file with a directive hold none: a substring search rules them out
    // at a tenth of the cost of the regex.
    if !content.contains("statuslint-") {
        return None;
    }
    let m = DIRECTIVE.captures(content)?;
    let whole = m.get(0)?;
    let scope = match &m[2] {
        "disable-next-line" => Scope::NextLine,
        "disable-line" => Scope::Line,
        "disable-file" => Scope::File,
        "disable" => Scope::Disable,
        _ => Scope::Enable,
    };
    let opener = &m[1];
    let rest = m.get(3);
    let (rules, comment_end) = named_rules(rest, opener, offset);
    let start = offset + whole.start();
    let own_line = content[..whole.start()]
        .trim()
        .is_empty()
        .then_some(offset..offset + full_len);
    let lines = match scope {
        Scope::NextLine => (number + 1, number + 1),
        Scope::Line => (number, number),
        Scope::File => (1, line_count),
        Scope::Disable | Scope::Enable => (number, line_count),
    };
    let used = vec![false; rules.len().max(1)];
    Some(Directive {
        scope,
        line: number,
        lines,
        rules,
        comment: start..comment_end.unwrap_or(offset + content.len()),
        own_line,
        used,
    })
}

/// The rules after the directive word, up to ` -- reason` or the comment's end; and where a
/// block comment ends.
fn named_rules(
    rest: Option<regex::Match>,
    opener: &str,
    offset: usize,
) -> (Vec<Named>, Option<usize>) {
    let Some(rest) = rest else {
        return (Vec::new(), None);
    };
    let text = rest.as_str();
    let closer = match opener {
        o if o.starts_with("/*") => text.find("*/").map(|i| (i, 2)),
        "<!--" => text.find("-->").map(|i| (i, 3)),
        _ => None,
    };
    let comment_end = closer.map(|(i, len)| offset + rest.start() + i + len);
    let body = &text[..closer.map_or(text.len(), |(i, _)| i)];
    let body = &body[..body.find("--").unwrap_or(body.len())];
    let rules = WORD
        .find_iter(body)
        .map(|w| {
            let begin = offset + rest.start() + w.start();
            Named {
                text: w.as_str().to_string(),
                span: begin..begin + w.len(),
                id: rules::find(w.as_str()).map(|r| r.meta.id.as_str()),
            }
        })
        .collect();
    (rules, comment_end)
}

/// A `statuslint-disable` lasts until a `statuslint-enable` of the same rules (or of all).
fn close_ranges(directives: &mut [Directive], line_count: usize) {
    let enables: Vec<(usize, Vec<Option<&'static str>>)> = directives
        .iter()
        .filter(|d| d.scope == Scope::Enable)
        .map(|d| (d.line, d.rules.iter().map(|n| n.id).collect()))
        .collect();
    for d in directives.iter_mut().filter(|d| d.scope == Scope::Disable) {
        let ids: Vec<Option<&str>> = d.rules.iter().map(|n| n.id).collect();
        let end = enables
            .iter()
            .find(|(line, closes)| {
                *line > d.line && (closes.is_empty() || ids.iter().all(|id| closes.contains(id)))
            })
            .map_or(line_count, |(line, _)| *line);
        d.lines = (d.line, end);
    }
}

/// The edit that drops the unused part of a comment: the rules not kept, or the whole
/// comment (with its line, when it stands alone).
fn removal(d: &Directive, text: &str, kept: Vec<&Named>) -> Fix {
    if !kept.is_empty() {
        let first = d.rules.first().expect("rules are named").span.start;
        let last = d.rules.last().expect("rules are named").span.end;
        let list: Vec<&str> = kept.iter().map(|n| n.text.as_str()).collect();
        return Fix {
            span: first..last,
            replacement: list.join(", "),
            title: "remove the unused rules from the suppression".into(),
            safe: true,
        };
    }
    let span = match &d.own_line {
        Some(line) => line.clone(),
        None => {
            // A trailing comment: also drop the spaces before it.
            let before = text[..d.comment.start].trim_end_matches([' ', '\t']).len();
            before..d.comment.end
        }
    };
    Fix {
        span,
        replacement: String::new(),
        title: "remove the unused suppression".into(),
        safe: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scope_covers_its_lines() {
        let text = "a\n// statuslint-disable-next-line SL101 -- moved soon\nb # statuslint-disable-line temporary-redirect-for-permanent-move\n\
                    /* statuslint-disable SL302 */\nc\n<!-- statuslint-enable SL302 -->\nd\n";
        let mut s = Suppressions::parse(text);
        assert!(s.suppresses("SL101", 3));
        assert!(!s.suppresses("SL101", 4));
        assert!(s.suppresses("SL302", 5));
        assert!(!s.suppresses("SL302", 7));
        assert!(s.unused(text, &["SL101", "SL302"]).is_empty());
    }

    #[test]
    fn file_level_and_blanket_forms() {
        let text = "# statuslint-disable-file\nx\ny\n";
        let mut s = Suppressions::parse(text);
        assert!(s.suppresses("SL104", 3));
    }

    #[test]
    fn the_fixture_harness_marker_is_not_a_directive() {
        let text = "# statuslint-enable: SL208\n# statuslint-expect: SL101\n";
        assert!(Suppressions::parse(text).directives.is_empty());
    }

    #[test]
    fn reports_unused_and_unknown_rules_with_fixes() {
        let text = "x = 1\n    // statuslint-disable-next-line SL101, SL1O2 -- why\ny\nz # statuslint-disable-line\n";
        let mut s = Suppressions::parse(text);
        assert!(s.suppresses("SL101", 3));
        let unused = s.unused(text, &["SL101"]);
        assert_eq!(unused.len(), 2);
        assert!(unused[0].1.contains("`SL1O2` is not a rule"));
        let fix = &unused[0].2;
        assert_eq!(&text[fix.span.clone()], "SL101, SL1O2");
        assert_eq!(fix.replacement, "SL101");
        // The blanket one on line 4 is trailing: the edit keeps the code.
        let fix = &unused[1].2;
        assert_eq!(&text[fix.span.clone()], " # statuslint-disable-line");
    }

    #[test]
    fn a_whole_unused_comment_goes_with_its_line() {
        let text = "a\n  # statuslint-disable-next-line SL101\nb\n";
        let s = Suppressions::parse(text);
        let unused = s.unused(text, &["SL101"]);
        assert_eq!(
            &text[unused[0].2.span.clone()],
            "  # statuslint-disable-next-line SL101\n"
        );
        assert!(
            s.unused(text, &["SL102"]).is_empty(),
            "rules not enabled are not judged"
        );
    }
}
