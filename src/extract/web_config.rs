//! IIS `web.config`: URL Rewrite `<rule>`s whose action redirects (with the `<match>` and
//! `<conditions>` they sit under) and `<httpRedirect>`. Codes and server variables come from
//! `data/apis/iis.toml`. quick-xml reads the XML; byte positions are kept for every
//! attribute value.

use crate::extract::tree::written_like;
use crate::usage::{
    Code, CodeToken, FileFacts, Headers, Method, Scheme, Span, Target, TextSource, Usage,
};
use quick_xml::events::{BytesStart, Event};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

/// The two elements that redirect.
pub const PREFILTER: &str = r#"(?i)type\s*=\s*["']Redirect|<httpRedirect"#;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IisTable {
    rewrite: Codes,
    http_redirect: Codes,
    variables: Variables,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Codes {
    #[serde(default)]
    action_type: String,
    default: String,
    codes: BTreeMap<String, u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Variables {
    https: String,
    https_off: String,
    host: String,
    host_copies: Vec<String>,
    path_copies: Vec<String>,
    match_copies: Vec<String>,
    whole_path_matches: Vec<String>,
    method: String,
}

static IIS: LazyLock<IisTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../data/apis/iis.toml"))
        .expect("data/apis/iis.toml is checked by the test suite")
});

/// An element with its attributes (value and where the value is written) and children.
#[derive(Debug, Default)]
struct Element {
    name: String,
    span: Span,
    attrs: Vec<(String, String, Span)>,
    children: Vec<Element>,
    /// The XML comments right before the element.
    comments: Vec<String>,
}

impl Element {
    fn attr(&self, name: &str) -> Option<(&str, &Span)> {
        self.attrs
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v, s)| (v.as_str(), s))
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.attr(name).map(|(v, _)| v)
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

pub fn extract(_path: &Path, src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    let root = match parse(src) {
        Ok(root) => root,
        Err((offset, reason)) => {
            facts.note_at(offset, format!("not well-formed XML ({reason}); skipped"));
            return facts;
        }
    };
    match root.children.iter().find(|c| !c.name.is_empty()) {
        Some(top) if top.name == "configuration" => {}
        Some(top) => {
            facts.note_at(
                top.span.start,
                format!(
                    "not a web.config (the root element is <{}>, not <configuration>); skipped",
                    top.name
                ),
            );
            return facts;
        }
        None => return facts,
    }
    walk(&root, None, src, &mut facts);
    facts
}

/// Every rewrite rule and `<httpRedirect>`, with the `<location path>` they sit in.
fn walk(element: &Element, location: Option<&str>, src: &str, facts: &mut FileFacts) {
    for child in &element.children {
        let mut found = Vec::new();
        match child.name.as_str() {
            "rule" => found.extend(rewrite_rule(child, src, facts)),
            "httpRedirect" => found.extend(http_redirect(child, src, facts)),
            "location" => walk(child, child.value("path").or(location), src, facts),
            _ => walk(child, location, src, facts),
        }
        for mut u in found {
            if let Some(path) = location.filter(|p| !p.is_empty() && *p != ".") {
                u.evidence
                    .texts
                    .push((TextSource::Route, format!("/{path}")));
            }
            facts.usages.push(u);
        }
    }
}

/// The XML as a tree under an unnamed root, or the offset and reason of the first error.
fn parse(src: &str) -> Result<Element, (usize, String)> {
    let mut reader = quick_xml::Reader::from_str(src);
    let mut stack = vec![Element::default()];
    let mut comments = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| (reader.error_position() as usize, e.to_string()))?;
        let after = reader.buffer_position() as usize;
        match event {
            Event::Start(tag) | Event::Empty(tag) => {
                let empty = src.get(..after).is_some_and(|s| s.ends_with("/>"));
                let element = element(&tag, src, before..after, std::mem::take(&mut comments));
                if empty {
                    stack.last_mut().expect("root").children.push(element);
                } else {
                    stack.push(element);
                }
            }
            Event::End(_) => {
                let mut done = stack.pop().expect("quick-xml checks end tags");
                done.span.end = after;
                let parent = stack
                    .last_mut()
                    .ok_or((before, "an end tag without a start".to_string()))?;
                parent.children.push(done);
            }
            Event::Comment(text) => {
                comments.push(text.trim().to_string());
            }
            Event::Text(text) if !text.trim().is_empty() => comments.clear(),
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() > 1 {
        let open = stack.last().expect("non-empty");
        return Err((open.span.start, format!("<{}> is not closed", open.name)));
    }
    Ok(stack.pop().expect("root"))
}

fn element(tag: &BytesStart, src: &str, span: Span, comments: Vec<String>) -> Element {
    let name = tag.name().as_ref().to_string();
    let written = src.get(span.clone()).unwrap_or("");
    let mut attrs = Vec::new();
    let mut search_from = 0;
    for attr in tag.attributes().with_checks(false).flatten() {
        let key = attr.key.as_ref().to_string();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| attr.value.to_string());
        let value_span = value_span(written, &key, search_from)
            .map(|r| {
                search_from = r.end;
                span.start + r.start..span.start + r.end
            })
            .unwrap_or(span.clone());
        attrs.push((key, value, value_span));
    }
    Element {
        name,
        span,
        attrs,
        children: Vec::new(),
        comments,
    }
}

/// Where the quoted value of attribute `key` is written in a tag (quotes included).
fn value_span(tag: &str, key: &str, from: usize) -> Option<std::ops::Range<usize>> {
    let mut at = from;
    while let Some(i) = tag.get(at..)?.find(key) {
        let start = at + i;
        at = start + key.len();
        let before_ok = tag[..start].ends_with(|c: char| c.is_whitespace());
        let rest = tag[at..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value = rest[1..].trim_start();
        // XML quotes values with `"` or `'`; anything else (a multi-byte character the
        // lenient reader let through) is no value to place.
        let quote = value.chars().next().filter(|q| matches!(q, '"' | '\''))?;
        let open = tag.len() - value.len();
        let close = tag[open + 1..].find(quote)? + open + 1;
        return Some(open..close + 1);
    }
    None
}

fn rewrite_rule(rule: &Element, src: &str, facts: &mut FileFacts) -> Option<Usage> {
    let table = &IIS.rewrite;
    let action = rule.child("action")?;
    if !action
        .value("type")
        .is_some_and(|t| t.eq_ignore_ascii_case(&table.action_type))
    {
        return None;
    }
    let mut u = code_usage(action, "redirectType", table, src, facts)?;
    let match_url = rule.child("match").and_then(|m| m.value("url"));
    let target = action.value("url").map(|url| target(url, match_url));
    u.headers = Headers::complete();
    u.headers
        .add("location", target.as_ref().map(|t| t.text.clone()));
    u.target = target;
    if let Some(name) = rule.value("name") {
        u.evidence
            .texts
            .push((TextSource::Handler, name.to_string()));
    }
    u.evidence.texts.extend(
        rule.comments
            .iter()
            .map(|c| (TextSource::Comment, c.clone())),
    );
    let vars = &IIS.variables;
    if let Some(url) = match_url.filter(|m| !vars.whole_path_matches.iter().any(|w| w == m)) {
        u.evidence.texts.push((TextSource::Route, url.to_string()));
    }
    let conditions = rule.child("conditions");
    let any = conditions
        .and_then(|c| c.value("logicalGrouping"))
        .is_some_and(|g| g.eq_ignore_ascii_case("MatchAny"));
    let conditions = conditions.map_or(&[][..], |c| &c.children[..]);
    // Under MatchAny one condition of several says nothing of every request; a lone one
    // (a common way to write the https upgrade) does.
    if !any || conditions.len() == 1 {
        for condition in conditions {
            add_condition(condition, &mut u);
        }
    }
    Some(u)
}

/// What a `<add input=".." pattern=".." negate="..">` condition says of the request.
fn add_condition(condition: &Element, u: &mut Usage) {
    let vars = &IIS.variables;
    let (Some(input), Some(pattern)) = (condition.value("input"), condition.value("pattern"))
    else {
        return;
    };
    let negate = condition
        .value("negate")
        .is_some_and(|n| n.eq_ignore_ascii_case("true"));
    let bare = pattern.trim_start_matches('^').trim_end_matches('$');
    u.evidence.condition = Some(format!("{input} matches {pattern}"));
    if input.eq_ignore_ascii_case(&vars.https) {
        let off = bare.eq_ignore_ascii_case(&vars.https_off);
        let on = bare.eq_ignore_ascii_case("on");
        if (off && !negate) || (on && negate) {
            u.evidence.request_scheme = Some((
                Scheme::Http,
                format!("the condition `{input}` `{pattern}` matches plain-http requests"),
            ));
        }
    } else if input.eq_ignore_ascii_case(&vars.host) && !negate {
        let host = bare.replace("\\.", ".");
        let literal = host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
        if literal && !host.is_empty() {
            u.evidence.request_hosts.push(host.to_ascii_lowercase());
        }
    } else if input.eq_ignore_ascii_case(&vars.method) && !negate {
        let methods: Vec<Method> = bare
            .trim_matches(['(', ')'])
            .split('|')
            .filter_map(Method::parse)
            .collect();
        if !methods.is_empty() {
            u.methods = Some(methods);
        }
    }
}

/// The code of `attribute` on `element`, or the table's default at the element.
fn code_usage(
    element: &Element,
    attribute: &str,
    table: &Codes,
    src: &str,
    facts: &mut FileFacts,
) -> Option<Usage> {
    match element.attr(attribute) {
        None => {
            let code = table.codes[&table.default];
            let mut u = Usage::new(
                element.span.clone(),
                Code::Exact(code),
                format!("<{}> without {attribute}", element.name),
            );
            u.implicit = true;
            Some(u)
        }
        Some((value, span)) => {
            let Some((name, &code)) = table
                .codes
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(value))
            else {
                facts.note_at(
                    span.start,
                    format!(
                        "IIS refuses {attribute}=\"{value}\" (it takes {})",
                        table.codes.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                );
                return None;
            };
            let written = src.get(span.clone()).unwrap_or(value);
            let inner = written.trim_matches(['"', '\'']);
            let mut u = Usage::new(
                span.clone(),
                Code::Exact(code),
                format!("{attribute}=\"{name}\""),
            );
            u.code_token = Some(CodeToken {
                span: span.clone(),
                spellings: table
                    .codes
                    .iter()
                    .map(|(n, c)| (*c, written_like(written, inner, n)))
                    .collect(),
            });
            Some(u)
        }
    }
}

/// The Location a rewrite target builds: `{HTTP_HOST}` copies the host, `{REQUEST_URI}` (or
/// `{R:1}` of a match on the whole path) the path.
fn target(url: &str, match_url: Option<&str>) -> Target {
    let vars = &IIS.variables;
    let has = |list: &[String]| list.iter().any(|v| url.contains(v.as_str()));
    let whole_match = match_url.is_some_and(|m| vars.whole_path_matches.iter().any(|w| w == m));
    Target {
        text: url.to_string(),
        keeps_host: has(&vars.host_copies),
        keeps_path: has(&vars.path_copies) || (whole_match && has(&vars.match_copies)),
    }
}

fn http_redirect(element: &Element, src: &str, facts: &mut FileFacts) -> Option<Usage> {
    if !element
        .value("enabled")
        .is_some_and(|e| e.eq_ignore_ascii_case("true"))
    {
        return None;
    }
    let mut u = code_usage(
        element,
        "httpResponseStatus",
        &IIS.http_redirect,
        src,
        facts,
    )?;
    let destination = element.value("destination");
    u.headers = Headers::complete();
    u.headers.add("location", destination.map(str::to_string));
    u.target = destination.map(Target::literal);
    u.evidence.texts.extend(
        element
            .comments
            .iter()
            .map(|c| (TextSource::Comment, c.clone())),
    );
    Some(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the fuzzer: an unquoted value starting with a multi-byte character.
    #[test]
    fn an_unquoted_value_is_not_placed() {
        assert_eq!(value_span("<a b=\u{FFFD}x\u{FFFD} c=\"d\">", "b", 0), None);
        assert_eq!(value_span("<a b=\"x\">", "b", 0), Some(5..8));
        let config = "<configuration><system.webServer><httpRedirect enabled=\"true\" destination=\u{FFFD}https://x\u{FFFD} /></system.webServer></configuration>";
        let _ = extract(Path::new("web.config"), config);
    }

    fn extract(path: &Path, src: &str) -> FileFacts {
        let mut facts = super::extract(path, src);
        facts.place_notes(src);
        facts
    }

    const RULE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <system.webServer>
    <rewrite>
      <rules>
        <!-- Force https -->
        <rule name="HTTP to HTTPS" stopProcessing="true">
          <match url="(.*)" />
          <conditions>
            <add input="{HTTPS}" pattern="^OFF$" />
          </conditions>
          <action type="Redirect" url="https://{HTTP_HOST}/{R:1}" redirectType="Found" />
        </rule>
      </rules>
    </rewrite>
  </system.webServer>
</configuration>
"#;

    #[test]
    fn rewrite_redirects_with_conditions() {
        let f = extract(Path::new("web.config"), RULE);
        let u = &f.usages[0];
        assert_eq!(u.code, Code::Exact(302));
        assert_eq!(&RULE[u.span.clone()], "\"Found\"");
        assert!(u.evidence.request_scheme.is_some());
        let t = u.target.as_ref().unwrap();
        assert!(t.keeps_host && t.keeps_path);
        assert!(
            u.evidence
                .texts
                .contains(&(TextSource::Comment, "Force https".into()))
        );
        assert_eq!(
            u.code_token.as_ref().unwrap().spelling(301),
            Some("\"Permanent\"")
        );
    }

    #[test]
    fn defaults_and_http_redirect() {
        let src = RULE.replace(" redirectType=\"Found\"", "");
        let u = &extract(Path::new("web.config"), &src).usages[0];
        assert_eq!(u.code, Code::Exact(301));
        assert!(u.implicit);
        let src = "<configuration><system.webServer><httpRedirect enabled=\"true\" destination=\"https://new.example.com\" /></system.webServer></configuration>";
        let u = &extract(Path::new("web.config"), src).usages[0];
        assert_eq!(u.code, Code::Exact(302));
    }

    #[test]
    fn other_xml_and_broken_xml_are_notes() {
        let f = extract(
            Path::new("web.config"),
            "<project><action type=\"Redirect\"/></project>",
        );
        assert!(f.usages.is_empty());
        assert!(f.notes[0].contains("not a web.config"), "{:?}", f.notes);
        let f = extract(Path::new("web.config"), "<configuration><rule>");
        assert!(f.notes[0].contains("not well-formed"), "{:?}", f.notes);
        for cut in (0..RULE.len()).step_by(5) {
            let _ = extract(Path::new("web.config"), &RULE[..cut]);
        }
    }
}
