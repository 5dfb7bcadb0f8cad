//! Firebase Hosting `firebase.json`: the `redirects` of `hosting`, which is one site or a
//! list of sites. `type` is 301 or 302 (301 when left out). Codes come from
//! `data/apis/firebase.toml`.

use super::platform::{self, PlatformRule};
use crate::extract::tree::{Document, Node, code_of, comment_texts, written_like, yaml_documents};
use crate::usage::{Code, CodeToken, FileFacts};
use serde::Deserialize;
use std::path::Path;
use std::sync::LazyLock;

/// A hosting config with redirects.
pub const PREFILTER: &str = r#""redirects"\s*:"#;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FirebaseTable {
    default_code: u32,
    codes: Vec<u32>,
    pattern_keys: Vec<String>,
}

static TABLE: LazyLock<FirebaseTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../data/apis/firebase.toml"))
        .expect("data/apis/firebase.toml is checked by the test suite")
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
                "line {line}: not valid JSON ({reason}); the redirects were not checked"
            ));
            return facts;
        }
    };
    let Some(hosting) = root.get("hosting") else {
        return facts;
    };
    let sites = match hosting.items() {
        [] => std::slice::from_ref(hosting),
        sites => sites,
    };
    for site in sites {
        for rule in site.get("redirects").map_or(&[][..], Node::items) {
            redirect(rule, src, &mut facts);
        }
    }
    facts
}

fn redirect(rule: &Node, src: &str, facts: &mut FileFacts) {
    let table = &*TABLE;
    let from = table
        .pattern_keys
        .iter()
        .find_map(|k| rule.get(k).and_then(Node::as_str));
    let to = rule.get("destination").and_then(Node::as_str);
    // A capture (`:slug`, `:rest*`) of the source copies that part of the path.
    let placeholders: Vec<String> = from
        .unwrap_or("")
        .split('/')
        .filter_map(|segment| segment.strip_prefix(':'))
        .map(|name| format!(":{}", name.trim_end_matches('*')))
        .collect();
    let comments = rule
        .entries()
        .first()
        .map(|e| comment_texts(src, &e.key))
        .unwrap_or_default()
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    let (span, code, spelled, implicit) = match rule.get("type") {
        Some(value) => {
            let Some(text) = value.as_str() else { return };
            (
                value.span.clone(),
                code_of(text),
                format!("\"type\": {text}"),
                false,
            )
        }
        None => (
            rule.entries()
                .first()
                .map_or(rule.span.clone(), |e| e.key.span.clone()),
            Code::Exact(table.default_code),
            "a redirect without type".to_string(),
            true,
        ),
    };
    let token = (!implicit).then(|| {
        let written = src.get(span.clone()).unwrap_or("");
        let value = written.trim_matches(['"', '\'']);
        CodeToken {
            span: span.clone(),
            spellings: table
                .codes
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
        to,
        path_placeholders: &placeholders,
        comments,
    });
    u.code_token = token;
    // A source that captures the whole path (`/:rest*`) copies it where the destination
    // names the capture.
    if let (Some(t), Some(from), Some(to)) = (u.target.as_mut(), from, to) {
        t.keeps_path = from
            .strip_prefix("/:")
            .and_then(|name| name.strip_suffix('*'))
            .is_some_and(|name| !name.contains('/') && to.contains(&format!(":{name}")));
    }
    facts.usages.push(u);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_site_and_a_list_of_sites() {
        let src = r#"{"hosting": {"redirects": [{"source": "/old", "destination": "/new", "type": 302}, {"source": "/a", "destination": "/b"}]}}"#;
        let f = extract(Path::new("firebase.json"), src);
        assert_eq!(f.usages[0].code, Code::Exact(302));
        assert_eq!(&src[f.usages[0].span.clone()], "302");
        assert_eq!(
            f.usages[0].code_token.as_ref().unwrap().spelling(301),
            Some("301")
        );
        assert_eq!(f.usages[1].code, Code::Exact(301));
        assert!(f.usages[1].implicit);
        let list = r#"{"hosting": [{"target": "app", "redirects": [{"regex": "^/x$", "destination": "/y", "type": 301}]}]}"#;
        let f = extract(Path::new("firebase.json"), list);
        assert_eq!(f.usages[0].code, Code::Exact(301));
    }

    #[test]
    fn captures_copy_the_path() {
        let src = r#"{"hosting": {"redirects": [{"source": "/:rest*", "destination": "https://new.example.com/:rest*", "type": 302}]}}"#;
        let f = extract(Path::new("firebase.json"), src);
        assert!(f.usages[0].target.as_ref().unwrap().keeps_path);
    }

    #[test]
    fn broken_or_odd_files_are_read_without_panic() {
        let f = extract(
            Path::new("firebase.json"),
            "{\"hosting\": {\"redirects\": [",
        );
        assert!(f.usages.is_empty());
        assert_eq!(f.notes.len(), 1);
        for odd in [
            "[]",
            "{\"hosting\": 3}",
            "{\"hosting\": {\"redirects\": {}}}",
            "",
        ] {
            assert!(extract(Path::new("firebase.json"), odd).usages.is_empty());
        }
    }
}
