//! `vercel.json`: `redirects[]` (`permanent` true = 308 and the default, false = 307, or a
//! `statusCode` instead) with `has`/`missing` conditions, and legacy `routes[]` entries
//! that set a `status` and their own `headers`. `cleanUrls` and `trailingSlash` are
//! redirects Vercel makes on its own terms; the file names no code for them, so they
//! yield no facts.
//!
//! JSON is read with serde-saphyr (JSON is YAML) for its byte spans.

use super::platform::{self, PlatformRule};
use crate::usage::{Code, FileFacts, Headers, Scheme, Span, Usage};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

/// Redirect entries or legacy routes with a status.
pub const PREFILTER: &str = r#""(redirects|routes)"\s*:"#;

/// `data/apis/vercel.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VercelTable {
    permanent: u32,
    temporary: u32,
    default_permanent: bool,
    per_request_types: Vec<String>,
    scheme_headers: Vec<String>,
    path_placeholders: Vec<String>,
}

static TABLE: LazyLock<VercelTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../data/apis/vercel.toml"))
        .expect("data/apis/vercel.toml is checked by the test suite")
});

#[derive(Deserialize)]
struct VercelConfig {
    #[serde(default)]
    redirects: Vec<Spanned<Redirect>>,
    #[serde(default)]
    routes: Vec<Spanned<Route>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Redirect {
    source: Option<String>,
    destination: Option<String>,
    permanent: Option<Spanned<bool>>,
    status_code: Option<Spanned<i64>>,
    #[serde(default)]
    has: Vec<Condition>,
    #[serde(default)]
    missing: Vec<Condition>,
}

/// One `has`/`missing` entry (shared with next.config).
#[derive(Deserialize)]
pub struct Condition {
    #[serde(rename = "type")]
    pub kind: String,
    pub key: Option<String>,
    pub value: Option<String>,
}

#[derive(Deserialize)]
struct Route {
    src: Option<String>,
    status: Option<Spanned<i64>>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(rename = "continue", default)]
    continues: bool,
}

pub fn extract(_path: &Path, src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    let config: VercelConfig = match serde_saphyr::from_str(src) {
        Ok(c) => c,
        Err(e) => {
            facts.notes.push(format!(
                "not valid vercel.json, redirects skipped: {}",
                e.to_string().lines().next().unwrap_or("")
            ));
            return facts;
        }
    };
    for entry in &config.redirects {
        facts.usages.push(redirect_usage(src, entry));
    }
    // Routes marked `continue` add their headers to the responses of the routes after them.
    let shared: Vec<(&String, &String)> = config
        .routes
        .iter()
        .filter(|r| r.value.continues)
        .flat_map(|r| &r.value.headers)
        .collect();
    for route in &config.routes {
        if let Some(mut u) = route_usage(src, route) {
            for (name, value) in &shared {
                u.headers.add(name, Some(value.to_string()));
            }
            facts.usages.push(u);
        }
    }
    facts
}

fn redirect_usage(src: &str, entry: &Spanned<Redirect>) -> Usage {
    let r = &entry.value;
    let (span, code, spelled, implicit) = match (&r.status_code, &r.permanent) {
        (Some(s), _) => (
            value_span(src, &s.referenced),
            Code::Exact(u32::try_from(s.value).unwrap_or(u32::MAX)),
            format!("\"statusCode\": {}", s.value),
            false,
        ),
        (None, Some(p)) => (
            value_span(src, &p.referenced),
            Code::Exact(permanence_code(p.value)),
            format!("\"permanent\": {}", p.value),
            false,
        ),
        (None, None) => (
            value_span(src, &entry.referenced),
            Code::Exact(permanence_code(TABLE.default_permanent)),
            "a redirect without permanent".to_string(),
            true,
        ),
    };
    let mut u = platform::usage(PlatformRule {
        span,
        code,
        spelled,
        implicit,
        from: r.source.as_deref(),
        to: r.destination.as_deref(),
        path_placeholders: &TABLE.path_placeholders,
        comments: Vec::new(),
    });
    conditions(&r.has, &r.missing, &mut u);
    u
}

fn permanence_code(permanent: bool) -> u32 {
    if permanent {
        TABLE.permanent
    } else {
        TABLE.temporary
    }
}

/// What `has` and `missing` tell: the host and scheme a request carries, or that the rule
/// is chosen per request.
pub fn conditions(has: &[Condition], missing: &[Condition], u: &mut Usage) {
    for c in has {
        let key = c.key.as_deref().unwrap_or("").to_ascii_lowercase();
        let value = c.value.as_deref().unwrap_or("");
        if c.kind == "host" {
            if value
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '.' || ch == '-')
            {
                u.evidence.request_hosts.push(value.to_ascii_lowercase());
            }
        } else if c.kind == "header"
            && TABLE.scheme_headers.contains(&key)
            && value.eq_ignore_ascii_case("http")
        {
            u.evidence.request_scheme = Some((
                Scheme::Http,
                format!("the rule applies only when `{key}` is `http`"),
            ));
        } else if TABLE.per_request_types.contains(&c.kind) {
            u.evidence.per_request = Some(format!("the `has` {} `{key}`", c.kind));
        }
    }
    if let Some(c) = missing
        .iter()
        .find(|c| TABLE.per_request_types.contains(&c.kind))
    {
        let key = c.key.as_deref().unwrap_or("");
        u.evidence.per_request = Some(format!("the `missing` {} `{key}`", c.kind));
    }
}

/// A legacy route that sets a status: its headers are the whole response's (with those of
/// `continue` routes). Its content, if any, is a file the config does not show.
fn route_usage(src: &str, entry: &Spanned<Route>) -> Option<Usage> {
    let r = &entry.value;
    let status = r.status.as_ref()?;
    let code = Code::Exact(u32::try_from(status.value).unwrap_or(u32::MAX));
    let mut u = Usage::new(
        value_span(src, &status.referenced),
        code,
        format!("\"status\": {}", status.value),
    );
    u.headers = Headers::complete();
    for (name, value) in &r.headers {
        u.headers.add(name, Some(value.clone()));
    }
    if let Some(location) = u.headers.value("location") {
        u.target = Some(platform::target(
            location,
            r.src.as_deref(),
            &TABLE.path_placeholders,
        ));
    }
    if let Some(from) = &r.src {
        platform::source_evidence(from, &mut u.evidence);
    }
    Some(u)
}

/// The byte range of the value at `at`: to the end of its line's value text.
fn value_span(src: &str, at: &serde_saphyr::Location) -> Span {
    let start = at
        .span()
        .byte_offset()
        .map(|o| o as usize)
        .unwrap_or_else(|| line_column_offset(src, at.line(), at.column()))
        .min(src.len());
    let rest = &src[start..];
    let end = rest.find([',', '\n', '}', ']']).unwrap_or(rest.len());
    let len = rest[..end].trim_end().len().max(1).min(rest.len());
    start..start + len
}

fn line_column_offset(src: &str, line: u64, column: u64) -> usize {
    let line_start: usize = src
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    line_start + column.saturating_sub(1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"{
  "cleanUrls": true,
  "redirects": [
    { "source": "/old-blog/:path*", "destination": "/blog/:path*", "permanent": false },
    {
      "source": "/beta",
      "destination": "/beta-signup",
      "statusCode": 302,
      "has": [{ "type": "cookie", "key": "beta" }]
    },
    { "source": "/docs", "destination": "/documentation" }
  ],
  "routes": [{ "src": "/gone", "status": 301 }]
}
"#;

    #[test]
    fn reads_permanent_status_code_and_defaults() {
        let u = extract(Path::new("vercel.json"), SRC).usages;
        assert_eq!(u.len(), 4);
        assert_eq!(u[0].code, Code::Exact(307));
        assert_eq!(&SRC[u[0].span.clone()], "false");
        assert_eq!(u[1].code, Code::Exact(302));
        assert_eq!(&SRC[u[1].span.clone()], "302");
        assert!(u[1].evidence.per_request.is_some());
        assert!(u[2].implicit);
        assert_eq!(u[2].code, Code::Exact(308));
        assert!(!u[3].is_redirect());
        assert!(u[3].headers.surely_lacks("location"));
    }

    #[test]
    fn invalid_json_gives_a_note() {
        let f = extract(Path::new("vercel.json"), "{\"redirects\": [");
        assert!(f.usages.is_empty());
        assert_eq!(f.notes.len(), 1);
    }
    #[test]
    fn never_panics_on_cut_or_odd_input() {
        let src = include_str!("../../fixtures/vercel/site/vercel.json");
        let cuts = src.char_indices().map(|(i, _)| i).step_by(3);
        for cut in cuts {
            extract(Path::new("vercel.json"), &src[..cut]);
        }
        extract(
            Path::new("vercel.json"),
            &format!("{{\"redirects\": {}", "[".repeat(10_000)),
        );
    }
}
