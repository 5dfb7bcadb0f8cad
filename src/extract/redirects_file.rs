//! `_redirects` files (Netlify and Cloudflare Pages): one rule a line,
//! `from [query=:param...] to [status][!] [Condition=value...]`, `#` comments.
//!
//! The two platforms disagree on the code of a rule with no status (Netlify 301,
//! Cloudflare 302). The file alone cannot say which one serves it, so the extractor looks
//! for the platform's own config (netlify.toml, wrangler.toml) beside the file and in the
//! folders above it. When it finds exactly one platform it reports that platform's code
//! and says why; otherwise a rule without a status yields no usage, since no code holds
//! on both.

use super::platform::{self, PlatformRule, code_of};
use crate::usage::{Code, FileFacts, Usage};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

/// Any rule line: a path or URL followed by a destination.
pub const PREFILTER: &str = r"(?m)^[ \t]*(/|https?://)\S*[ \t]+\S";

/// `data/apis/netlify.toml`, shared with netlify.toml.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformTable {
    pub default_status: BTreeMap<String, u32>,
    pub platform_names: BTreeMap<String, String>,
    pub platform_files: BTreeMap<String, Vec<String>>,
    pub search_depth: usize,
    pub per_request_conditions: Vec<String>,
    pub path_placeholders: Vec<String>,
}

pub static TABLE: LazyLock<PlatformTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../data/apis/netlify.toml"))
        .expect("data/apis/netlify.toml is checked by the test suite")
});

pub fn extract(path: &Path, src: &str) -> FileFacts {
    let platform = platform_of(path);
    let mut facts = FileFacts::default();
    let mut comments: Vec<String> = Vec::new();
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let (rule, comment) = match line.find('#') {
            Some(i) => (&line[..i], Some(line[i + 1..].trim())),
            None => (line, None),
        };
        if rule.trim().is_empty() {
            match comment {
                Some(c) => comments.push(c.to_string()),
                None => comments.clear(),
            }
            continue;
        }
        let mut notes = std::mem::take(&mut comments);
        notes.extend(comment.map(str::to_string));
        if let Some(u) = rule_usage(rule, start, platform.as_ref(), notes) {
            facts.usages.push(u);
        }
    }
    facts
}

/// A platform that serves the file, with the file that says so.
struct Platform {
    default_status: u32,
    /// "_redirects on Netlify (see ../netlify.toml)", for the evidence.
    spelled: String,
}

/// The platform whose config sits beside the file or above it, when exactly one does.
fn platform_of(path: &Path) -> Option<Platform> {
    let table = &*TABLE;
    let mut found: Vec<(&String, String)> = Vec::new();
    let mut dir = path.parent();
    for depth in 0..table.search_depth {
        let Some(d) = dir else { break };
        let d = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        for (name, files) in &table.platform_files {
            if let Some(file) = files.iter().find(|f| d.join(f).is_file()) {
                let up = if depth == 0 {
                    "./".to_string()
                } else {
                    "../".repeat(depth)
                };
                found.push((name, format!("{up}{file}")));
            }
        }
        if !found.is_empty() || d.join(".git").exists() {
            break;
        }
        dir = d.parent();
    }
    let [(name, file)] = found.as_slice() else {
        return None;
    };
    Some(Platform {
        default_status: *table.default_status.get(*name)?,
        spelled: format!(
            "_redirects on {} (see {file})",
            table.platform_names.get(*name).unwrap_or(name)
        ),
    })
}

/// The usage one rule line makes, or None when its code cannot be known.
fn rule_usage(
    rule: &str,
    start: usize,
    platform: Option<&Platform>,
    comments: Vec<String>,
) -> Option<Usage> {
    let words = words_with_offsets(rule);
    let (_, from) = *words.first()?;
    // Query matches (`id=:id`) come between the source and the destination.
    let to_at = 1 + words[1..]
        .iter()
        .position(|(_, w)| w.starts_with('/') || w.contains("://"))?;
    let (_, to) = words[to_at];
    let status = words.get(to_at + 1).filter(|(_, w)| {
        w.trim_end_matches('!')
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    });
    let conditions_from = to_at + 1 + usize::from(status.is_some());
    let (span, code, spelled, implicit) = match status {
        Some((at, text)) => {
            let number = text.trim_end_matches('!');
            (
                start + at..start + at + text.len(),
                code_of(number),
                format!("status {text}"),
                false,
            )
        }
        None => {
            let p = platform?;
            let (at, _) = words[0];
            (
                start + at..start + rule.trim_end().len(),
                Code::Exact(p.default_status),
                p.spelled.clone(),
                true,
            )
        }
    };
    let mut u = platform::usage(PlatformRule {
        span,
        code,
        spelled,
        implicit,
        from: Some(from),
        to: Some(to),
        path_placeholders: &TABLE.path_placeholders,
        comments,
    });
    per_request(&words[conditions_from..], &mut u);
    Some(u)
}

/// `Country=us Language=fr Role=admin Cookie=ab`: the rule is chosen per request.
fn per_request(conditions: &[(usize, &str)], u: &mut Usage) {
    let found = conditions.iter().find(|(_, c)| {
        c.split_once('=').is_some_and(|(key, _)| {
            TABLE
                .per_request_conditions
                .iter()
                .any(|k| k.eq_ignore_ascii_case(key))
        })
    });
    if let Some((_, condition)) = found {
        u.evidence.per_request = Some(format!("the condition `{condition}`"));
    }
}

/// Whitespace-separated words with their byte offsets in `line`.
fn words_with_offsets(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut begin = None;
    for (i, c) in line.char_indices() {
        match (c.is_whitespace(), begin) {
            (true, Some(b)) => {
                out.push((b, &line[b..i]));
                begin = None;
            }
            (false, None) => begin = Some(i),
            _ => {}
        }
    }
    if let Some(b) = begin {
        out.push((b, &line[b..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::TextSource;

    fn usages(src: &str) -> Vec<Usage> {
        extract(Path::new("/nonexistent/dir/_redirects"), src).usages
    }

    #[test]
    fn reads_status_force_and_conditions() {
        let u = usages("# moved\n/old/*  /new/:splat  302!  Country=us\n");
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].code, Code::Exact(302));
        assert_eq!(u[0].spelled, "status 302!");
        assert!(u[0].evidence.per_request.is_some());
        assert!(
            u[0].evidence
                .texts
                .contains(&(TextSource::Comment, "moved".into()))
        );
        assert_eq!(
            &"# moved\n/old/*  /new/:splat  302!"[u[0].span.clone()],
            "302!"
        );
    }

    #[test]
    fn query_matches_sit_before_the_destination() {
        let u = usages("/store id=:id /blog/:id 301\n");
        assert_eq!(
            u[0].target.as_ref().map(|t| t.text.as_str()),
            Some("/blog/:id")
        );
    }

    #[test]
    fn no_status_without_a_known_platform_yields_nothing() {
        assert!(usages("/a /b\n").is_empty());
        assert!(usages("not a rule\n\n   \n").is_empty());
    }

    #[test]
    fn table_loads() {
        assert_eq!(TABLE.default_status.get("netlify"), Some(&301));
    }
    #[test]
    fn never_panics_on_cut_or_odd_input() {
        let src = include_str!("../../fixtures/redirects/netlify-site/_redirects");
        let cuts = src.char_indices().map(|(i, _)| i).step_by(1);
        for cut in cuts {
            extract(Path::new("/nonexistent/_redirects"), &src[..cut]);
        }
        extract(Path::new("/nonexistent/_redirects"), &"/a ".repeat(100_000));
    }
}
