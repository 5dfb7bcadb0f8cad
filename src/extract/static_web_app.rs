//! Azure Static Web Apps `staticwebapp.config.json`: `routes[]` that redirect (302, or 301
//! with `"statusCode": 301`) or answer with a `statusCode`, with their `methods`, and the
//! redirects of `responseOverrides`. Codes come from `data/apis/static-web-apps.toml`.

use super::platform::{self, PlatformRule};
use crate::extract::tree::{Document, Node, code_of, written_like, yaml_documents};
use crate::usage::{Code, CodeToken, FileFacts, Method, Span, TextSource, Usage};
use serde::Deserialize;
use std::path::Path;
use std::sync::LazyLock;

/// Routes or overrides that may choose a code.
pub const PREFILTER: &str = r#""(routes|responseOverrides)"\s*:"#;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SwaTable {
    redirect_default: u32,
    redirect_codes: Vec<u32>,
}

static TABLE: LazyLock<SwaTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../data/apis/static-web-apps.toml"))
        .expect("data/apis/static-web-apps.toml is checked by the test suite")
});

pub fn extract(_path: &Path, src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    let Some(document) = yaml_documents(src).into_iter().next() else {
        return facts;
    };
    let root = match document {
        Document::Parsed(root) => root,
        Document::Failed { line, reason, .. } => {
            facts.notes.push(format!(
                "line {line}: not valid JSON ({reason}); the routes were not checked"
            ));
            return facts;
        }
    };
    for route in root.get("routes").map_or(&[][..], Node::items) {
        let Some(key) = route.entries().first().map(|e| e.key.span.clone()) else {
            continue;
        };
        let from = route.get("route").and_then(Node::as_str);
        if let Some(mut u) = rule(route, key, from, src, &mut facts) {
            let methods: Vec<Method> = route
                .get("methods")
                .map_or(&[][..], Node::items)
                .iter()
                .filter_map(|m| Method::parse(m.as_str()?))
                .collect();
            if !methods.is_empty() {
                u.methods = Some(methods);
            }
            facts.usages.push(u);
        }
    }
    if let Some(overrides) = root.get("responseOverrides") {
        for entry in overrides.entries() {
            let Some(code) = entry.key.as_str() else {
                continue;
            };
            let answered = format!("the response Static Web Apps would send with {code}");
            if let Some(mut u) = rule(&entry.value, entry.key.span.clone(), None, src, &mut facts) {
                u.evidence.texts.push((TextSource::Handler, answered));
                facts.usages.push(u);
            }
        }
    }
    facts
}

/// The usage of one route or override: a redirect with its code, or the `statusCode` a
/// route answers with. `at` is where the rule starts, for a code left out.
fn rule(
    rule: &Node,
    at: Span,
    from: Option<&str>,
    src: &str,
    facts: &mut FileFacts,
) -> Option<Usage> {
    let table = &*TABLE;
    let status = rule.get("statusCode");
    let redirect = rule.get("redirect").and_then(Node::as_str);
    let (span, code, spelled, implicit) = match (status, redirect) {
        (None, None) => return None,
        (None, Some(_)) => (
            at,
            Code::Exact(table.redirect_default),
            "a redirect without statusCode".to_string(),
            true,
        ),
        (Some(value), _) => {
            let text = value.as_str()?;
            (
                value.span.clone(),
                code_of(text),
                format!("\"statusCode\": {text}"),
                false,
            )
        }
    };
    if redirect.is_some()
        && !code
            .exact()
            .is_some_and(|c| table.redirect_codes.contains(&c))
    {
        facts.note_at(
            span.start,
            "a Static Web Apps redirect takes only 301 or 302 as its statusCode; this rule was not checked".into(),
        );
        return None;
    }
    let token = (!implicit).then(|| {
        let written = src.get(span.clone()).unwrap_or("");
        let value = written.trim_matches(['"', '\'']);
        CodeToken {
            span: span.clone(),
            spellings: table
                .redirect_codes
                .iter()
                .map(|c| (*c, written_like(written, value, &c.to_string())))
                .collect(),
        }
    });
    let mut u = platform::usage(PlatformRule {
        span,
        code,
        spelled,
        implicit,
        from,
        to: redirect.or_else(|| rule.get("rewrite").and_then(Node::as_str)),
        path_placeholders: &[],
        comments: Vec::new(),
    });
    if redirect.is_some() {
        u.code_token = token;
    }
    Some(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"{
  "routes": [
    { "route": "/old", "redirect": "/new" },
    { "route": "/blog/*", "redirect": "/posts", "statusCode": 301 },
    { "route": "/login", "methods": ["POST"], "redirect": "/done", "statusCode": 302 },
    { "route": "/admin/*", "statusCode": 404 },
    { "route": "/x", "redirect": "/y", "statusCode": 308 },
    { "route": "/profile*", "allowedRoles": ["authenticated"] }
  ],
  "responseOverrides": { "401": { "redirect": "/.auth/login/github", "statusCode": 302 } }
}"#;

    #[test]
    fn reads_routes_defaults_methods_and_overrides() {
        let mut f = extract(Path::new("staticwebapp.config.json"), SRC);
        f.place_notes(SRC);
        let codes: Vec<_> = f.usages.iter().map(|u| u.code.exact()).collect();
        assert_eq!(
            codes,
            [Some(302), Some(301), Some(302), Some(404), Some(302)]
        );
        assert!(f.usages[0].implicit);
        assert!(f.usages[0].is_redirect());
        assert_eq!(f.usages[2].methods, Some(vec![Method::Post]));
        assert!(!f.usages[3].is_redirect());
        assert!(f.notes[0].contains("only 301 or 302"), "{:?}", f.notes);
        let t = f.usages[1].code_token.as_ref().unwrap();
        assert_eq!(t.spelling(308), None);
    }

    #[test]
    fn broken_files_are_a_note() {
        let f = extract(Path::new("staticwebapp.config.json"), "{\"routes\": [");
        assert!(f.usages.is_empty());
        assert_eq!(f.notes.len(), 1);
        for cut in (0..SRC.len()).step_by(7) {
            let _ = extract(Path::new("staticwebapp.config.json"), &SRC[..cut]);
        }
    }
}
