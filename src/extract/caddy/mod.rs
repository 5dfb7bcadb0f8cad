//! Caddyfiles: `redir`, `respond` and `error` in each site, with the site's addresses,
//! the `header` directives that reach each one (`headers.rs`) and the matchers that lead to
//! each directive as evidence.
//!
//! Spellings and defaults come from `data/apis/caddy.toml`; this module knows the syntax.

mod headers;
mod lexer;

use crate::usage::{
    Body, Code, Evidence, FileFacts, Headers, Method, Scheme, Target, TextSource, Usage,
};
use headers::Place;
use lexer::{Line, Parsed, Token};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

/// The directives that choose a status.
pub const PREFILTER: &str = r"(?m)^\s*(redir|respond|error)\s";

/// `data/apis/caddy.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaddyTable {
    redir_default: u32,
    redir_keywords: BTreeMap<String, u32>,
    defaults: Defaults,
    placeholders: Placeholders,
    matchers: Matchers,
    route_blocks: Vec<String>,
    path_rewriters: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Defaults {
    respond: u32,
    error: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Placeholders {
    host: Vec<String>,
    path: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Matchers {
    method: Vec<String>,
    path: Vec<String>,
    host: Vec<String>,
    per_request: Vec<String>,
}

static TABLE: LazyLock<CaddyTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../data/apis/caddy.toml"))
        .expect("data/apis/caddy.toml is checked by the test suite")
});

/// A site block (or a snippet, whose site is not known here).
struct Site {
    addresses: Vec<Token>,
    /// The site's own lines.
    body: Vec<usize>,
    snippet: bool,
}

/// What one site shows about every response it builds.
struct SiteCx<'a> {
    src: &'a str,
    parsed: &'a Parsed,
    evidence: Evidence,
    /// False when snippets or imports bring directives this site cannot see.
    headers_complete: bool,
    /// A `rewrite`, `uri` or `try_files` changes the path later matchers see.
    paths_rewritten: bool,
    /// Named matchers: `@name` to the lines that define it.
    matchers: BTreeMap<String, Vec<usize>>,
}

pub fn extract(_path: &Path, src: &str) -> FileFacts {
    let parsed = lexer::parse(src);
    let mut facts = FileFacts {
        notes: parsed.notes.clone(),
        ..FileFacts::default()
    };
    for site in sites(&parsed) {
        read_site(src, &parsed, &site, &mut facts.usages);
    }
    facts.usages.sort_by_key(|u| u.span.start);
    facts
}

/// The sites of a file: blocks after the global options, or one site without braces.
fn sites(parsed: &Parsed) -> Vec<Site> {
    let mut sites = Vec::new();
    let mut loose = Vec::new();
    for &i in &parsed.top {
        let line = &parsed.lines[i];
        let Some(first) = line.tokens.first() else {
            continue; // the global options block
        };
        if !line.has_block {
            loose.push(i);
            continue;
        }
        let snippet = first.text.starts_with('(') || first.text.starts_with("&(");
        sites.push(Site {
            addresses: if snippet {
                Vec::new()
            } else {
                line.tokens.clone()
            },
            body: line.children.clone(),
            snippet,
        });
    }
    if sites.iter().all(|s| s.snippet)
        && let Some((&first, rest)) = loose.split_first()
    {
        sites.push(Site {
            addresses: parsed.lines[first].tokens.clone(),
            body: rest.to_vec(),
            snippet: false,
        });
    }
    sites
}

fn read_site(src: &str, parsed: &Parsed, site: &Site, out: &mut Vec<Usage>) {
    let all = descendants(parsed, &site.body);
    let mut cx = SiteCx {
        src,
        parsed,
        evidence: address_evidence(&site.addresses),
        headers_complete: !site.snippet,
        paths_rewritten: false,
        matchers: BTreeMap::new(),
    };
    for &i in &all {
        match directive(parsed, i) {
            Some(name) if name.starts_with('@') => {
                cx.matchers.entry(name.to_string()).or_default().push(i);
            }
            Some("import") => cx.headers_complete = false,
            Some(name) if headers::rewrites_paths(name) => cx.paths_rewritten = true,
            _ => {}
        }
    }
    // Walk with an explicit stack, carrying the route blocks around each directive.
    let mut stack: Vec<(usize, Vec<usize>)> =
        site.body.iter().rev().map(|&i| (i, Vec::new())).collect();
    while let Some((i, enclosing)) = stack.pop() {
        let line = &parsed.lines[i];
        let Some(name) = directive(parsed, i) else {
            continue;
        };
        let place = Place {
            site_body: &site.body,
            enclosing: &enclosing,
            line: i,
        };
        match name {
            "redir" => out.extend(redir(&cx, &place)),
            "respond" => out.extend(respond(&cx, &place)),
            "error" => out.extend(error(&cx, &place)),
            _ if TABLE.route_blocks.iter().any(|b| b == name) => {
                let mut inner = enclosing.clone();
                inner.push(i);
                stack.extend(line.children.iter().rev().map(|&c| (c, inner.clone())));
            }
            _ => {}
        }
    }
}

fn directive(parsed: &Parsed, i: usize) -> Option<&str> {
    parsed.lines[i]
        .tokens
        .first()
        .filter(|t| !t.quoted)
        .map(|t| t.text.as_str())
}

/// Every line inside `roots`, outside matcher definitions.
fn descendants(parsed: &Parsed, roots: &[usize]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack: Vec<usize> = roots.to_vec();
    while let Some(i) = stack.pop() {
        out.push(i);
        if !directive(parsed, i).is_some_and(|d| d.starts_with('@')) {
            stack.extend(&parsed.lines[i].children);
        }
    }
    out.sort_unstable();
    out
}

/// `http://example.com` serves plain http only; `www.example.com` names the host.
fn address_evidence(addresses: &[Token]) -> Evidence {
    let mut evidence = Evidence::default();
    let list: Vec<&str> = addresses
        .iter()
        .flat_map(|t| t.text.split(','))
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect();
    let plain = |a: &&str| {
        let lower = a.to_ascii_lowercase();
        lower.starts_with("http://") || lower.ends_with(":80") || lower.contains(":80/")
    };
    if !list.is_empty() && list.iter().all(plain) {
        evidence.request_scheme = Some((
            Scheme::Http,
            format!("this site address `{}` is http:// only", list.join(", ")),
        ));
    }
    for address in list {
        let rest = address.split_once("://").map_or(address, |(_, r)| r);
        let host = rest.split(['/', ':']).next().unwrap_or("");
        let literal = host.contains('.')
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if literal {
            evidence.request_hosts.push(host.to_ascii_lowercase());
        }
    }
    evidence
}

/// A directive's first argument is a matcher when it is `*`, a path or `@name`.
fn matcher_of(args: &[Token]) -> Option<&Token> {
    args.first().filter(|t| {
        !t.quoted && (t.text == "*" || t.text.starts_with('/') || t.text.starts_with('@'))
    })
}

fn without_matcher(args: &[Token]) -> &[Token] {
    &args[usize::from(matcher_of(args).is_some())..]
}

/// The facts shared by every usage in the site, plus what the matchers and comments of
/// this directive and its route blocks say.
fn usage_base(
    cx: &SiteCx,
    place: &Place,
    span: std::ops::Range<usize>,
    code: Code,
    spelled: String,
) -> Usage {
    let mut u = Usage::new(span, code, spelled);
    u.evidence = cx.evidence.clone();
    u.headers = headers::reaching(cx, place);
    let mut holders: Vec<&Line> = place
        .enclosing
        .iter()
        .map(|&i| &cx.parsed.lines[i])
        .collect();
    holders.push(&cx.parsed.lines[place.line]);
    for holder in holders {
        if let Some(first) = holder.tokens.first() {
            for comment in cx.parsed.comments_near(cx.src, first.span.start) {
                u.evidence.texts.push((TextSource::Comment, comment));
            }
        }
        if let Some(m) = matcher_of(&holder.tokens[1..]) {
            matcher_evidence(cx, &m.text, &mut u);
        }
    }
    u
}

/// What a matcher says about the requests it lets through.
fn matcher_evidence(cx: &SiteCx, matcher: &str, u: &mut Usage) {
    if matcher.starts_with('/') {
        u.evidence
            .texts
            .push((TextSource::Route, matcher.to_string()));
        return;
    }
    let Some(defs) = cx.matchers.get(matcher) else {
        return;
    };
    // A matcher's name says what the requests it matches are, as a handler's name does.
    u.evidence.texts.push((
        TextSource::Handler,
        matcher.trim_start_matches('@').to_string(),
    ));
    for &d in defs {
        let line = &cx.parsed.lines[d];
        let mut conditions: Vec<&[Token]> = vec![&line.tokens[1..]];
        conditions.extend(
            line.children
                .iter()
                .map(|&c| cx.parsed.lines[c].tokens.as_slice()),
        );
        for condition in conditions {
            matcher_condition(matcher, condition, u);
        }
    }
}

fn matcher_condition(name: &str, tokens: &[Token], u: &mut Usage) {
    let Some((kind, args)) = tokens.split_first() else {
        return;
    };
    let args: Vec<&str> = args.iter().map(|t| t.text.as_str()).collect();
    let m = &TABLE.matchers;
    let kind = kind.text.as_str();
    let written = format!("{kind} {}", args.join(" "));
    if m.method.iter().any(|k| k == kind) {
        u.methods = Some(args.iter().filter_map(|a| Method::parse(a)).collect());
    } else if m.path.iter().any(|k| k == kind) {
        u.evidence
            .texts
            .extend(args.iter().map(|a| (TextSource::Route, a.to_string())));
    } else if m.host.iter().any(|k| k == kind) {
        u.evidence
            .request_hosts
            .extend(args.iter().map(|a| a.to_ascii_lowercase()));
    } else if kind == "protocol" && args == ["http"] {
        u.evidence.request_scheme = Some((
            Scheme::Http,
            format!("the matcher `{name}` tests `{written}`"),
        ));
    } else if kind == "header"
        && args
            .first()
            .is_some_and(|a| a.eq_ignore_ascii_case("x-forwarded-proto"))
    {
        if args.get(1).is_some_and(|v| v.eq_ignore_ascii_case("http")) {
            u.evidence.request_scheme = Some((
                Scheme::Http,
                format!("the matcher `{name}` tests `{written}`"),
            ));
        }
    } else if m.per_request.iter().any(|k| k == kind) {
        u.evidence.per_request = Some(format!("the matcher `{name}` (`{written}`)"));
        u.evidence.condition = Some(written);
    }
}

/// `redir [matcher] <to> [code]`.
fn redir(cx: &SiteCx, place: &Place) -> Option<Usage> {
    let line = &cx.parsed.lines[place.line];
    let args = &line.tokens[1..];
    let rest = without_matcher(args);
    let to = rest.first()?;
    let (span, code, spelled, implicit) = match rest.get(1) {
        None => (whole(line), TABLE.redir_default, "redir".to_string(), true),
        Some(c) => {
            let code = match TABLE.redir_keywords.get(&c.text) {
                Some(&n) => n,
                // A placeholder: the code is chosen at run time.
                None => c.text.parse().ok()?,
            };
            (c.span.clone(), code, format!("redir {}", c.text), false)
        }
    };
    // `html` answers 200 with a page that redirects by script: no HTTP redirect.
    if rest.get(1).is_some_and(|c| c.text == "html") {
        return None;
    }
    let mut u = usage_base(cx, place, span, Code::Exact(code), spelled);
    u.implicit = implicit;
    u.headers.complete = true;
    u.headers.add("location", Some(to.text.clone()));
    u.body = Body::Absent;
    u.target = Some(target(&to.text));
    if let Some(m) = matcher_of(args).filter(|m| m.text.starts_with('/'))
        && to.text == format!("{}/", m.text)
    {
        u.evidence.normalisation = Some(format!("adds a trailing slash to `{}`", m.text));
    }
    Some(u)
}

fn target(to: &str) -> Target {
    let has = |list: &[String]| list.iter().any(|p| to.contains(p.as_str()));
    Target {
        text: to.to_string(),
        keeps_host: has(&TABLE.placeholders.host),
        keeps_path: has(&TABLE.placeholders.path),
    }
}

/// `respond [matcher] <status>|<body> [<status>] { body ...; close }`.
fn respond(cx: &SiteCx, place: &Place) -> Option<Usage> {
    let line = &cx.parsed.lines[place.line];
    let rest = without_matcher(&line.tokens[1..]);
    let (body, status) = body_and_status(rest);
    let block_body = line.children.iter().find_map(|&c| {
        let tokens = &cx.parsed.lines[c].tokens;
        (tokens.first()?.text == "body").then(|| tokens.get(1).map(|t| t.text.clone()))?
    });
    let body = body.map(|t| t.text.clone()).or(block_body);
    let in_error_route = place
        .enclosing
        .iter()
        .any(|&i| directive(cx.parsed, i) == Some("handle_errors"));
    let (span, code, spelled, implicit) = match status {
        Some(s) => (
            s.span.clone(),
            Code::Exact(s.text.parse().ok()?),
            format!("respond {}", s.text),
            false,
        ),
        // In an error route the error's own status may stand: do not guess.
        None if in_error_route => return None,
        None => (
            whole(line),
            Code::Exact(TABLE.defaults.respond),
            "respond".to_string(),
            true,
        ),
    };
    let mut u = usage_base(cx, place, span, code, spelled);
    u.implicit = implicit;
    u.body = match &body {
        Some(text) if !text.is_empty() => Body::Present,
        _ => Body::Absent,
    };
    if let Some(text) = body {
        u.evidence.texts.push((TextSource::Message, text));
    }
    if let Some(location) = u.headers.value("location") {
        u.target = Some(target(location));
    }
    Some(u)
}

/// `error [matcher] <status>|<message> [<status>]`: the site's error routes build the
/// response, so only the code is known.
fn error(cx: &SiteCx, place: &Place) -> Option<Usage> {
    let line = &cx.parsed.lines[place.line];
    let rest = without_matcher(&line.tokens[1..]);
    let (message, status) = body_and_status(rest);
    let (span, code, spelled, implicit) = match status {
        Some(s) => (
            s.span.clone(),
            Code::Exact(s.text.parse().ok()?),
            format!("error {}", s.text),
            false,
        ),
        None => (
            whole(line),
            Code::Exact(TABLE.defaults.error),
            "error".to_string(),
            true,
        ),
    };
    let mut u = usage_base(cx, place, span, code, spelled);
    u.implicit = implicit;
    u.headers = Headers::unknown();
    if let Some(m) = message {
        u.evidence.texts.push((TextSource::Message, m.text.clone()));
    }
    Some(u)
}

/// Caddy's argument order: one argument is a status when it is three digits (or a
/// placeholder that cannot be told apart, treated as unknown), else a body; two are body
/// then status.
fn body_and_status(args: &[Token]) -> (Option<&Token>, Option<&Token>) {
    match args {
        [one]
            if !one.quoted
                && one.text.len() == 3
                && one.text.chars().all(|c| c.is_ascii_digit()) =>
        {
            (None, Some(one))
        }
        [one] => (Some(one), None),
        [body, status, ..] => (Some(body), Some(status)),
        [] => (None, None),
    }
}

fn whole(line: &Line) -> std::ops::Range<usize> {
    let start = line.tokens.first().map_or(0, |t| t.span.start);
    let end = line.tokens.last().map_or(start, |t| t.span.end);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usages(src: &str) -> Vec<Usage> {
        extract(Path::new("Caddyfile"), src).usages
    }

    #[test]
    fn redir_codes_and_defaults() {
        let u = usages(
            "http://example.com {\n\tredir https://{host}{uri}\n}\nexample.com {\n\tredir /old /new permanent\n\tredir /a /b html\n\tredir /c /d {http.vars.code}\n}\n",
        );
        assert_eq!(u.len(), 2);
        assert!(u[0].implicit);
        assert_eq!(u[0].code, Code::Exact(302));
        let t = u[0].target.as_ref().expect("a target");
        assert!(t.keeps_host && t.keeps_path);
        assert!(matches!(
            u[0].evidence.request_scheme,
            Some((Scheme::Http, _))
        ));
        assert_eq!(u[1].code, Code::Exact(301));
        assert!(
            u[1].evidence
                .texts
                .contains(&(TextSource::Route, "/old".into()))
        );
    }

    #[test]
    fn respond_argument_order() {
        let u = usages(
            "example.com {\n\theader /x Allow \"GET\"\n\trespond 204\n\trespond \"gone\" 410\n\trespond 2000\n\thandle_errors {\n\t\trespond \"{err.status_code}\"\n\t}\n}\n",
        );
        let codes: Vec<_> = u.iter().map(|u| (u.code.clone(), u.body)).collect();
        assert_eq!(
            codes,
            [
                (Code::Exact(204), Body::Absent),
                (Code::Exact(410), Body::Present),
                (Code::Exact(200), Body::Present)
            ]
        );
        assert!(u[0].headers.complete && u[0].headers.has("allow"));
    }

    #[test]
    fn named_matchers_give_methods_and_conditions() {
        let u = usages(
            "example.com {\n\t@form {\n\t\tmethod POST\n\t\tpath /signup\n\t}\n\t@beta header Cookie beta=1\n\tredir @form /thanks 302\n\tredir @beta /beta 301\n}\n",
        );
        assert_eq!(u[0].methods, Some(vec![Method::Post]));
        assert!(u[1].evidence.per_request.is_some());
    }

    #[test]
    fn one_site_without_braces_and_imports() {
        let u = usages("localhost\n\nimport common\nrespond 401\n");
        assert_eq!(u.len(), 1);
        assert!(!u[0].headers.complete);
    }

    #[test]
    fn table_loads() {
        assert_eq!(TABLE.redir_keywords.get("permanent"), Some(&301));
    }
    #[test]
    fn never_panics_on_cut_or_odd_input() {
        let src = include_str!("../../../fixtures/caddy/redirects.caddy");
        let cuts = src.char_indices().map(|(i, _)| i).step_by(1);
        for cut in cuts {
            extract(Path::new("Caddyfile"), &src[..cut]);
        }
        extract(Path::new("Caddyfile"), &"a {\n".repeat(50_000));
    }
}
