//! `netlify.toml` `[[redirects]]`: `from`, `to`, `status` (301 when left out), `force`,
//! `conditions` (Language, Country, Role, Cookie choose per request).

use super::platform::{self, PlatformRule};
use super::redirects_file::TABLE;
use crate::usage::{Code, FileFacts, Usage};
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

/// The `[[redirects]]` array, in either TOML spelling.
pub const PREFILTER: &str = r"\[\[\s*redirects\s*\]\]|redirects\s*=";

#[derive(Deserialize)]
struct NetlifyConfig {
    #[serde(default)]
    redirects: Vec<Spanned<Redirect>>,
}

#[derive(Deserialize)]
struct Redirect {
    from: Option<Spanned<String>>,
    to: Option<Spanned<String>>,
    status: Option<Spanned<i64>>,
    conditions: Option<toml::Table>,
}

pub fn extract(_path: &Path, src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    let config: NetlifyConfig = match toml::from_str(src) {
        Ok(c) => c,
        Err(e) => {
            let line = e
                .span()
                .map_or(1, |s| src[..s.start.min(src.len())].lines().count().max(1));
            facts
                .notes
                .push(format!("line {line}: not valid TOML, redirects skipped"));
            return facts;
        }
    };
    for entry in &config.redirects {
        facts.usages.push(redirect_usage(src, entry));
    }
    facts
}

fn redirect_usage(src: &str, entry: &Spanned<Redirect>) -> Usage {
    let r = entry.get_ref();
    let header = header_span(src, entry.span().start);
    let (span, code, spelled, implicit) = match &r.status {
        Some(s) => (
            s.span(),
            Code::Exact(u32::try_from(*s.get_ref()).unwrap_or(u32::MAX)),
            format!("status = {}", s.get_ref()),
            false,
        ),
        None => (
            header.clone(),
            Code::Exact(TABLE.default_status["netlify"]),
            "[[redirects]] without status".to_string(),
            true,
        ),
    };
    let end = entry.span().end.max(span.end);
    let mut u = platform::usage(PlatformRule {
        span,
        code,
        spelled,
        implicit,
        from: r.from.as_ref().map(|s| s.get_ref().as_str()),
        to: r.to.as_ref().map(|s| s.get_ref().as_str()),
        path_placeholders: &TABLE.path_placeholders,
        comments: comments(src, header.start, end),
    });
    if let Some(key) = r.conditions.as_ref().and_then(|c| {
        c.keys().find(|k| {
            TABLE
                .per_request_conditions
                .iter()
                .any(|p| p.eq_ignore_ascii_case(k))
        })
    }) {
        u.evidence.per_request = Some(format!("the `{key}` condition"));
    }
    u
}

/// The `[[redirects]]` header line that opens the entry whose span starts at `at` (on the
/// header itself, or on its first key).
fn header_span(src: &str, at: usize) -> std::ops::Range<usize> {
    let at = at.min(src.len());
    let header = if src[at..].starts_with("[[") {
        Some(at)
    } else {
        src[..at].rfind("[[")
    };
    match header {
        Some(i) => {
            let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
            i..end
        }
        None => at..at,
    }
}

/// Comments in the entry and on the lines just above its header.
fn comments(src: &str, start: usize, end: usize) -> Vec<String> {
    let mut out = Vec::new();
    let above = src[..start]
        .lines()
        .rev()
        .skip(usize::from(!src[..start].ends_with('\n')));
    for line in above {
        match line.trim().strip_prefix('#') {
            Some(c) => out.push(c.trim().to_string()),
            None => break,
        }
    }
    let inside = src.get(start..end).unwrap_or("");
    out.extend(
        inside
            .lines()
            .filter_map(|l| comment_of(l).map(|c| c.trim().to_string())),
    );
    out
}

/// The comment of a TOML line: a `#` outside any string.
fn comment_of(line: &str) -> Option<&str> {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (c, quote) {
            ('#', None) => return Some(&line[i + 1..]),
            ('"' | '\'', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::TextSource;

    const SRC: &str = r#"[build]
publish = "dist"

# Old blog lives on
[[redirects]]
from = "/blog/*"
to = "/news/:splat"
status = 302

[[redirects]]
  from = "/fr/*"
  to = "/fr/index.html"
  conditions = {Language = ["fr"]}
"#;

    #[test]
    fn reads_codes_spans_and_conditions() {
        let u = extract(Path::new("netlify.toml"), SRC).usages;
        assert_eq!(u.len(), 2);
        assert_eq!(&SRC[u[0].span.clone()], "302");
        assert!(
            u[0].evidence
                .texts
                .contains(&(TextSource::Comment, "Old blog lives on".into()))
        );
        assert!(u[1].implicit);
        assert_eq!(u[1].code, Code::Exact(301));
        assert_eq!(&SRC[u[1].span.clone()], "[[redirects]]");
        assert!(u[1].evidence.per_request.is_some());
        // Each entry keeps its own comments.
        assert!(
            !u[1]
                .evidence
                .texts
                .iter()
                .any(|(s, _)| *s == TextSource::Comment)
        );
    }

    #[test]
    fn broken_toml_gives_a_note() {
        let f = extract(Path::new("netlify.toml"), "[[redirects]]\nfrom = \n");
        assert!(f.usages.is_empty());
        assert!(f.notes[0].starts_with("line 2"));
    }
    #[test]
    fn never_panics_on_cut_or_odd_input() {
        let src = include_str!("../../fixtures/netlify/site/netlify.toml");
        let cuts = src.char_indices().map(|(i, _)| i).step_by(3);
        for cut in cuts {
            extract(Path::new("netlify.toml"), &src[..cut]);
        }
        extract(Path::new("netlify.toml"), &"[[redirects]]\n".repeat(10_000));
    }
}
