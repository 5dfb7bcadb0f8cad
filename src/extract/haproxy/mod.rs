//! HAProxy configuration: `redirect` and `http-request redirect|return|deny|tarpit`,
//! `errorfile` and `http-response set-status`, with the section's binds, ACLs and
//! response headers as evidence.
//!
//! Spellings and defaults come from `data/apis/haproxy.toml`; this module knows the syntax.

mod condition;
mod lexer;

use crate::usage::{Body, Code, FileFacts, Headers, Scheme, Span, Target, TextSource, Usage};
use condition::Condition;
use lexer::{ConfigLine, Section, Word};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

/// The directives that choose a status.
pub const PREFILTER: &str = r"(?m)^\s*(redirect\s|errorfile\s|http-request\s+(redirect|return|deny|tarpit)|http-response\s+set-status)";

/// `data/apis/haproxy.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HaproxyTable {
    redirect_default: u32,
    body_keywords: Vec<String>,
    message_keywords: Vec<String>,
    header_actions: Vec<String>,
    actions: BTreeMap<String, Action>,
    fetches: condition::Fetches,
    method_acls: BTreeMap<String, String>,
    target_fetches: TargetFetches,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Action {
    default: u32,
    status_keyword: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetFetches {
    host: Vec<String>,
    path: Vec<String>,
}

static TABLE: LazyLock<HaproxyTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../data/apis/haproxy.toml"))
        .expect("data/apis/haproxy.toml is checked by the test suite")
});

/// What a section shows about every response it builds.
struct SectionCx<'a> {
    section: &'a Section,
    /// ACL name to its definitions (`acl NAME fetch args...`, one line each).
    acls: BTreeMap<&'a str, Vec<&'a [Word]>>,
    /// Headers added by `http-response` / `http-after-response` rules.
    headers: Vec<(String, Option<String>)>,
    /// "this frontend binds `:80` without ssl", when every bind is plain.
    plain_binds: Option<String>,
}

pub fn extract(_path: &Path, src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    for section in lexer::sections(src) {
        let cx = section_cx(&section);
        for (i, line) in section.lines.iter().enumerate() {
            let comments = comments_above(&section.lines[..i], line);
            if let Some(u) = line_usage(&cx, line, comments) {
                facts.usages.push(u);
            }
        }
    }
    facts
}

fn section_cx(section: &Section) -> SectionCx<'_> {
    let mut acls: BTreeMap<&str, Vec<&[Word]>> = BTreeMap::new();
    let mut headers = Vec::new();
    let mut binds = Vec::new();
    for line in &section.lines {
        let w = &line.words;
        match w.first().map(|w| w.text.as_str()) {
            Some("acl") if w.len() > 2 => acls.entry(w[1].text.as_str()).or_default().push(&w[2..]),
            Some("http-response" | "http-after-response")
                if w.len() > 2 && TABLE.header_actions.contains(&w[1].text) =>
            {
                headers.push((
                    w[2].text.to_ascii_lowercase(),
                    w.get(3).map(|v| v.text.clone()),
                ));
            }
            Some("bind") => binds.push(w),
            _ => {}
        }
    }
    // Only port 80 says plain http: other plain ports often sit behind a proxy that
    // terminated TLS already.
    let plain = !binds.is_empty()
        && binds.iter().all(|b| {
            b.get(1).is_some_and(|a| a.text.ends_with(":80")) && !b.iter().any(|w| w.text == "ssl")
        });
    let plain_binds =
        (plain && matches!(section.kind.as_str(), "frontend" | "listen")).then(|| {
            let addresses: Vec<&str> = binds
                .iter()
                .filter_map(|b| b.get(1))
                .map(|w| w.text.as_str())
                .collect();
            format!(
                "this {} binds `{}` without ssl",
                section.kind,
                addresses.join(" ")
            )
        });
    SectionCx {
        section,
        acls,
        headers,
        plain_binds,
    }
}

/// Whole-line comments just above `line`, and its own comment.
fn comments_above(before: &[ConfigLine], line: &ConfigLine) -> Vec<String> {
    let mut out: Vec<String> = line.comment.iter().cloned().collect();
    for above in before.iter().rev() {
        match (&above.comment, above.words.is_empty()) {
            (Some(c), true) => out.push(c.clone()),
            _ => break,
        }
    }
    out
}

fn line_usage(cx: &SectionCx, line: &ConfigLine, comments: Vec<String>) -> Option<Usage> {
    let w = &line.words;
    let first = w.first()?.text.as_str();
    let mut u = match (first, w.get(1).map(|w| w.text.as_str())) {
        ("redirect", _) => redirect(cx, w, 1)?,
        ("http-request", Some("redirect")) => redirect(cx, w, 2)?,
        ("http-request", Some(action @ ("return" | "deny" | "tarpit"))) => answer(cx, w, action)?,
        ("errorfile", _) => code_only(w, 1, "errorfile")?,
        ("http-response", Some("set-status")) => code_only(w, 2, "http-response set-status")?,
        _ => return None,
    };
    u.evidence
        .texts
        .extend(comments.into_iter().map(|c| (TextSource::Comment, c)));
    Some(u)
}

/// The words before `if`/`unless`, and the condition after it.
fn split_condition<'w>(cx: &SectionCx, words: &'w [Word]) -> (&'w [Word], Option<Condition>) {
    match words
        .iter()
        .position(|w| w.text == "if" || w.text == "unless")
    {
        Some(i) => (&words[..i], Some(Condition::parse(&words[i..], &cx.acls))),
        None => (words, None),
    }
}

/// `[http-request] redirect location|prefix|scheme <value> [code N] [options] [if cond]`.
fn redirect(cx: &SectionCx, words: &[Word], at: usize) -> Option<Usage> {
    let (args, condition) = split_condition(cx, words);
    let kind = args.get(at)?.text.as_str();
    let value = args.get(at + 1)?;
    let code_word = keyword_value(args, "code");
    let (span, code, spelled, implicit) = match code_word {
        Some(c) => (
            c.span.clone(),
            Code::Exact(c.text.parse().ok()?),
            format!("code {}", c.text),
            false,
        ),
        None => (
            whole(args),
            Code::Exact(TABLE.redirect_default),
            args[..at]
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            true,
        ),
    };
    // Written as the log-format expression HAProxy users would write for the same URL.
    let target = match kind {
        "scheme" => Target {
            text: format!("{}://%[hdr(host)]%[pathq]", value.text),
            keeps_host: true,
            keeps_path: true,
        },
        "prefix" => Target {
            text: format!("{}%[pathq]", value.text.trim_end_matches('/')),
            keeps_host: false,
            keeps_path: true,
        },
        "location" => {
            let has = |list: &[String]| list.iter().any(|f| value.text.contains(f.as_str()));
            Target {
                text: value.text.clone(),
                keeps_host: has(&TABLE.target_fetches.host),
                keeps_path: has(&TABLE.target_fetches.path),
            }
        }
        _ => return None,
    };
    let mut u = Usage::new(span, code, spelled);
    u.implicit = implicit;
    u.headers = Headers::complete();
    u.headers.add("location", Some(value.text.clone()));
    u.body = Body::Absent;
    if args.iter().any(|w| w.text == "append-slash") {
        u.evidence.normalisation = Some("adds a trailing slash (`append-slash`)".into());
    }
    u.target = Some(target);
    apply_condition(cx, condition, &mut u);
    Some(u)
}

/// `http-request return|deny|tarpit [status|deny_status N] [content...] [hdr name value]*`.
fn answer(cx: &SectionCx, words: &[Word], action: &str) -> Option<Usage> {
    let table = TABLE.actions.get(action)?;
    let (args, condition) = split_condition(cx, words);
    let (span, code, spelled, implicit) = match keyword_value(args, &table.status_keyword) {
        Some(c) => (
            c.span.clone(),
            Code::Exact(c.text.parse().ok()?),
            format!("{} {}", table.status_keyword, c.text),
            false,
        ),
        None => (
            whole(args),
            Code::Exact(table.default),
            format!("http-request {action}"),
            true,
        ),
    };
    let mut u = Usage::new(span, code, spelled);
    u.implicit = implicit;
    let has_keyword = |list: &[String]| args.iter().find(|w| list.contains(&w.text));
    let message = has_keyword(&TABLE.message_keywords);
    let content = has_keyword(&TABLE.body_keywords);
    // A deny without its own content sends the section's error file for the code, which
    // may carry any header; an error file given here is a whole HTTP message.
    u.headers.complete = message.is_none() && (action == "return" || content.is_some());
    for (i, w) in args.iter().enumerate() {
        match w.text.as_str() {
            "hdr" => u.headers.add(
                &args.get(i + 1)?.text,
                args.get(i + 2).map(|v| v.text.clone()),
            ),
            "content-type" => u
                .headers
                .add("content-type", args.get(i + 1).map(|v| v.text.clone())),
            _ => {}
        }
    }
    for (name, value) in &cx.headers {
        u.headers.add(name, value.clone());
    }
    u.body = match (content, message) {
        (Some(_), _) => Body::Present,
        (None, None) if action == "return" => Body::Absent,
        _ => Body::Unknown,
    };
    // Only literal strings are messages; files are not read.
    if let Some(c) = content.filter(|c| matches!(c.text.as_str(), "string" | "lf-string"))
        && let Some(text) = keyword_value(args, &c.text)
    {
        u.evidence
            .texts
            .push((TextSource::Message, text.text.clone()));
    }
    if let Some(location) = u.headers.value("location") {
        u.target = Some(Target::literal(location));
    }
    apply_condition(cx, condition, &mut u);
    Some(u)
}

/// `errorfile <code> <file>`, `http-response set-status <code>`: the code alone.
fn code_only(words: &[Word], at: usize, spelled: &str) -> Option<Usage> {
    let c = words.get(at)?;
    let code = Code::Exact(c.text.parse().ok()?);
    Some(Usage::new(
        c.span.clone(),
        code,
        format!("{spelled} {}", c.text),
    ))
}

/// The word after `keyword` (`code 301`, `status 503`, `deny_status 401`).
fn keyword_value<'w>(args: &'w [Word], keyword: &str) -> Option<&'w Word> {
    let i = args.iter().position(|w| w.text == keyword)?;
    args.get(i + 1)
}

fn whole(words: &[Word]) -> Span {
    let start = words.first().map_or(0, |w| w.span.start);
    let end = words.last().map_or(start, |w| w.span.end);
    start..end
}

/// What the section and the condition say about the requests this line answers.
fn apply_condition(cx: &SectionCx, condition: Option<Condition>, u: &mut Usage) {
    if let Some(why) = &cx.plain_binds {
        u.evidence.request_scheme = Some((Scheme::Http, why.clone()));
    }
    let Some(c) = condition else { return };
    c.apply(&cx.section.name, u);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::Method;

    fn usages(src: &str) -> Vec<Usage> {
        extract(Path::new("haproxy.cfg"), src).usages
    }

    #[test]
    fn redirects_with_and_without_codes() {
        let src = "frontend web\n  bind :80\n  bind :443 ssl crt /etc/x.pem\n  http-request redirect scheme https unless { ssl_fc }\n  acl old path_beg /old\n  redirect prefix https://example.com code 301 if old\n";
        let u = usages(src);
        assert_eq!(u.len(), 2);
        assert!(u[0].implicit);
        assert_eq!(u[0].code, Code::Exact(302));
        assert!(matches!(
            u[0].evidence.request_scheme,
            Some((Scheme::Http, _))
        ));
        assert_eq!(&src[u[1].span.clone()], "301");
        assert!(
            u[1].evidence
                .texts
                .contains(&(TextSource::Route, "/old".into()))
        );
    }

    #[test]
    fn return_and_deny() {
        let src = "backend api\n  http-request return status 401 content-type text/plain string \"login required\" if { path /admin }\n  http-request deny deny_status 429 if { method POST }\n  http-request return status 405 hdr Allow GET if METH_POST\n";
        let u = usages(src);
        assert_eq!(u.len(), 3);
        assert!(u[0].headers.surely_lacks("www-authenticate"));
        assert_eq!(u[0].body, Body::Present);
        assert!(!u[1].headers.complete);
        assert_eq!(u[1].methods, Some(vec![Method::Post]));
        assert!(u[2].headers.has("allow"));
        assert_eq!(u[2].methods, Some(vec![Method::Post]));
    }

    #[test]
    fn table_loads() {
        assert_eq!(TABLE.actions["deny"].default, 403);
    }
    #[test]
    fn never_panics_on_cut_or_odd_input() {
        let src = include_str!("../../../fixtures/haproxy/redirects.cfg");
        let cuts = src.char_indices().map(|(i, _)| i).step_by(1);
        for cut in cuts {
            extract(Path::new("haproxy.cfg"), &src[..cut]);
        }
        extract(
            Path::new("haproxy.cfg"),
            &"http-request redirect scheme https if ! { ".repeat(20_000),
        );
    }
}
