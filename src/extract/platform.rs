//! What the hosting platforms' redirect rules have in common (`_redirects`, netlify.toml,
//! vercel.json, next.config): a rule maps a source pattern to a destination with a status.
//! The format modules parse; this one turns a parsed rule into a [`Usage`].

use crate::usage::{Body, Code, Evidence, Headers, Scheme, Span, Target, TextSource, Usage};

/// One redirect or rewrite rule, as the format wrote it.
pub struct PlatformRule<'a> {
    /// Where the code is written, or where the rule starts when the code is implied.
    pub span: Span,
    pub code: Code,
    pub spelled: String,
    pub implicit: bool,
    /// The pattern the rule matches (`/old/*`, `http://example.com/*`).
    pub from: Option<&'a str>,
    /// The destination, when it is a literal.
    pub to: Option<&'a str>,
    /// Placeholders that copy the matched path into the destination (`:splat`, `:path*`).
    pub path_placeholders: &'a [String],
    pub comments: Vec<String>,
}

/// The usage a platform rule makes. 3xx rules redirect to `to`; any other code answers
/// with the page at `to` (a rewrite, a custom not-found page).
pub fn usage(rule: PlatformRule) -> Usage {
    let mut u = Usage::new(rule.span, rule.code, rule.spelled);
    u.implicit = rule.implicit;
    if let Some(from) = rule.from {
        source_evidence(from, &mut u.evidence);
    }
    for comment in rule.comments {
        u.evidence.texts.push((TextSource::Comment, comment));
    }
    let redirects = u.code.is_in(300, 399) && u.code.exact() != Some(304);
    if !redirects {
        return u;
    }
    // The platform itself writes the Location from the destination and sends no content
    // of ours, so the response is fully known.
    u.headers = Headers::complete();
    u.body = Body::Absent;
    match rule.to {
        Some(to) => {
            u.headers.add("location", Some(to.to_string()));
            u.target = Some(target(to, rule.from, rule.path_placeholders));
        }
        None => u.headers.add("location", None),
    }
    u
}

/// The destination, with whether it copies the matched path.
pub fn target(to: &str, from: Option<&str>, path_placeholders: &[String]) -> Target {
    let copies = path_placeholders.iter().any(|p| to.contains(p.as_str()));
    // Copying a splat keeps the whole path only when the source matches the whole path.
    let whole = from.is_some_and(|f| {
        let path = path_of(f);
        path == "/*" || path == "/:path*" || path == "/(.*)" || path == "/:path(.*)"
    });
    Target {
        text: to.to_string(),
        keeps_host: false,
        keeps_path: copies && whole,
    }
}

/// What the source pattern tells: its path is a route text; an absolute source names the
/// request's scheme and host.
pub fn source_evidence(from: &str, evidence: &mut Evidence) {
    evidence
        .texts
        .push((TextSource::Route, path_of(from).to_string()));
    let Some((scheme, rest)) = from.split_once("://") else {
        return;
    };
    let host = rest.split(['/', '?']).next().unwrap_or("");
    if !host.is_empty() && !host.contains([':', '*']) {
        evidence.request_hosts.push(host.to_ascii_lowercase());
    }
    if scheme.eq_ignore_ascii_case("http") {
        evidence.request_scheme = Some((
            Scheme::Http,
            format!("the rule matches `{from}`, which is plain http://"),
        ));
    }
}

/// The path of a pattern or URL: all of a relative one.
pub fn path_of(pattern: &str) -> &str {
    match pattern.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => pattern,
    }
}

/// The code a status number text names: out-of-range numbers stay exact (SL301 reports
/// them); text that is no number is malformed.
pub fn code_of(text: &str) -> Code {
    match text.parse::<u32>() {
        Ok(n) => Code::Exact(n),
        Err(_) => Code::Malformed(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule<'a>(code: u32, from: &'a str, to: &'a str, p: &'a [String]) -> PlatformRule<'a> {
        PlatformRule {
            span: 0..1,
            code: Code::Exact(code),
            spelled: code.to_string(),
            implicit: false,
            from: Some(from),
            to: Some(to),
            path_placeholders: p,
            comments: Vec::new(),
        }
    }

    #[test]
    fn redirects_know_their_target_and_source() {
        let p = vec![":splat".to_string()];
        let u = usage(rule(
            302,
            "http://example.com/*",
            "https://example.com/:splat",
            &p,
        ));
        assert!(u.is_redirect());
        assert!(u.target.as_ref().is_some_and(|t| t.keeps_path));
        assert_eq!(u.evidence.request_hosts, ["example.com"]);
        assert!(matches!(u.evidence.request_scheme, Some((Scheme::Http, _))));
    }

    #[test]
    fn rewrites_are_not_redirects() {
        let u = usage(rule(200, "/app/*", "/index.html", &[]));
        assert!(!u.is_redirect());
        assert!(!u.headers.complete);
        let u = usage(rule(301, "/blog/*", "/news/:splat", &[":splat".into()]));
        assert!(!u.target.as_ref().is_some_and(|t| t.keeps_path));
    }
}
