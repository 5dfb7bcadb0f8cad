//! `next.config.{js,mjs,cjs,ts}`: the objects `redirects()` returns,
//! `{ source, destination, permanent | statusCode, has, missing }` (permanent true = 308,
//! false = 307).
//!
//! Any object literal with `source`, `destination` and `permanent` or `statusCode` is a
//! redirect entry: in a Next.js config nothing else has that shape, and this finds the
//! entries wherever the array is built (`async redirects() { return [...] }`, an arrow
//! function, a `const` spread into it).

use super::platform::{self, PlatformRule};
use super::vercel_json::{Condition, conditions};
use crate::extract::code::Kind;
use crate::usage::{Code, FileFacts, Usage};
use serde::Deserialize;
use std::cell::RefCell;
use std::path::Path;
use std::sync::LazyLock;
use tree_sitter::{Language, Node, Parser};

/// Only configs that return redirects with a fixed permanence or code.
pub const PREFILTER: &str = r"permanent|statusCode";

/// `data/apis/nextjs.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NextTable {
    permanent: u32,
    temporary: u32,
    path_placeholders: Vec<String>,
    keys: Keys,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Keys {
    source: String,
    destination: String,
    permanent: String,
    status: String,
    has: String,
    missing: String,
}

static TABLE: LazyLock<NextTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../data/apis/nextjs.toml"))
        .expect("data/apis/nextjs.toml is checked by the test suite")
});

thread_local! {
    /// One parser per grammar and walker thread, made once.
    static PARSERS: RefCell<[Option<Parser>; 2]> = const { RefCell::new([None, None]) };
}

pub fn extract(path: &Path, src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    let typescript = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.ends_with("ts"));
    let tree = PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let slot = &mut parsers[usize::from(typescript)];
        let parser = slot.get_or_insert_with(|| {
            let language: Language = if typescript {
                tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()
            } else {
                tree_sitter_javascript::LANGUAGE.into()
            };
            let mut p = Parser::new();
            p.set_language(&language)
                .expect("the grammar matches the tree-sitter version in Cargo.lock");
            p
        });
        parser.parse(src, None)
    });
    let Some(tree) = tree else {
        facts
            .notes
            .push("the JavaScript parser gave up on this file".into());
        return facts;
    };
    if tree.root_node().has_error() {
        facts
            .notes
            .push("parts of this file could not be parsed; they were skipped".into());
    }
    // Walk with an explicit stack: deeply nested configs must not overflow ours.
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.kind_name() == "object"
            && let Some(u) = redirect_usage(node, src)
        {
            facts.usages.push(u);
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    facts.usages.sort_by_key(|u| u.span.start);
    facts
}

/// The usage an object literal makes when it is a redirect entry.
fn redirect_usage(object: Node, src: &str) -> Option<Usage> {
    let keys = &TABLE.keys;
    let property = |name: &str| property(object, name, src);
    let source = property(&keys.source)?;
    let destination = property(&keys.destination)?;
    let (value, code, spelled) = match (property(&keys.status), property(&keys.permanent)) {
        (Some(status), _) => {
            let number = text(status, src).parse::<u32>().ok()?;
            (status, number, format!("statusCode: {number}"))
        }
        (None, Some(permanent)) => {
            let code = match permanent.kind_name() {
                "true" => TABLE.permanent,
                "false" => TABLE.temporary,
                // A value computed at build time: the code is not known here.
                _ => return None,
            };
            (
                permanent,
                code,
                format!("permanent: {}", text(permanent, src)),
            )
        }
        (None, None) => return None,
    };
    let from = string_value(source, src);
    let to = string_value(destination, src);
    let mut u = platform::usage(PlatformRule {
        span: value.byte_range(),
        code: Code::Exact(code),
        spelled,
        implicit: false,
        from: from.as_deref(),
        to: to.as_deref(),
        path_placeholders: &TABLE.path_placeholders,
        comments: comments(object, src),
    });
    let has = conditions_of(object, &keys.has, src);
    let missing = conditions_of(object, &keys.missing, src);
    conditions(&has, &missing, &mut u);
    Some(u)
}

/// The value of the property `name` of an object literal.
fn property<'t>(object: Node<'t>, name: &str, src: &str) -> Option<Node<'t>> {
    let mut cursor = object.walk();
    object.named_children(&mut cursor).find_map(|pair| {
        if pair.kind_name() != "pair" {
            return None;
        }
        let key = pair.child_by_field_name("key")?;
        let key_text = string_value(key, src).unwrap_or_else(|| text(key, src).to_string());
        (key_text == name)
            .then(|| pair.child_by_field_name("value"))
            .flatten()
    })
}

/// A string literal's content (quotes removed); None for anything computed.
fn string_value(node: Node, src: &str) -> Option<String> {
    let raw = text(node, src);
    match node.kind_name() {
        "string" => Some(raw.get(1..raw.len().saturating_sub(1))?.to_string()),
        "template_string" if node.named_child_count() == 0 || !raw.contains("${") => {
            Some(raw.get(1..raw.len().saturating_sub(1))?.to_string())
        }
        _ => None,
    }
}

/// `has: [{ type: "cookie", key: "beta" }]`.
fn conditions_of(object: Node, key: &str, src: &str) -> Vec<Condition> {
    let Some(array) = property(object, key, src).filter(|n| n.kind_name() == "array") else {
        return Vec::new();
    };
    let mut cursor = array.walk();
    array
        .named_children(&mut cursor)
        .filter(|n| n.kind_name() == "object")
        .filter_map(|c| {
            Some(Condition {
                kind: property(c, "type", src).and_then(|n| string_value(n, src))?,
                key: property(c, "key", src).and_then(|n| string_value(n, src)),
                value: property(c, "value", src).and_then(|n| string_value(n, src)),
            })
        })
        .collect()
}

/// Comments just above the object and inside it.
fn comments(object: Node, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut before = object.prev_named_sibling();
    while let Some(c) = before.filter(|n| n.kind_name() == "comment") {
        out.push(comment_text(text(c, src)));
        before = c.prev_named_sibling();
    }
    let mut stack = vec![object];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if child.kind_name() == "comment" {
                out.push(comment_text(text(child, src)));
            } else {
                stack.push(child);
            }
        }
    }
    out
}

fn comment_text(raw: &str) -> String {
    raw.trim_start_matches("//")
        .trim_start_matches("/*")
        .trim_end_matches("*/")
        .trim()
        .to_string()
}

fn text<'s>(node: Node, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::TextSource;

    const SRC: &str = r#"
/** @type {import('next').NextConfig} */
const nextConfig = {
  async redirects() {
    return [
      // Old docs moved here
      { source: '/docs/v1/:path*', destination: '/docs/:path*', permanent: false },
      { source: "/beta", destination: "/join", statusCode: 302,
        has: [{ type: "cookie", key: "beta" }] },
      { source: '/x', destination: '/y', permanent: isProd },
    ]
  },
  async rewrites() { return [{ source: '/a', destination: '/b' }] },
}
module.exports = nextConfig
"#;

    #[test]
    fn finds_redirect_objects() {
        let u = extract(Path::new("next.config.js"), SRC).usages;
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].code, Code::Exact(307));
        assert_eq!(&SRC[u[0].span.clone()], "false");
        assert!(
            u[0].evidence
                .texts
                .contains(&(TextSource::Comment, "Old docs moved here".into()))
        );
        assert_eq!(u[1].code, Code::Exact(302));
        assert!(u[1].evidence.per_request.is_some());
    }

    #[test]
    fn reads_typescript() {
        let src = "import type { NextConfig } from 'next'\nconst c: NextConfig = { redirects: async () => [{ source: '/a', destination: '/login', permanent: true }] }\nexport default c\n";
        let u = extract(Path::new("next.config.ts"), src).usages;
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].code, Code::Exact(308));
    }
    #[test]
    fn never_panics_on_cut_or_odd_input() {
        let src = include_str!("../../fixtures/nextjs/app/next.config.js");
        let cuts = src.char_indices().map(|(i, _)| i).step_by(5);
        for cut in cuts {
            extract(Path::new("next.config.js"), &src[..cut]);
        }
        extract(
            Path::new("next.config.js"),
            &format!("module.exports = {}", "[".repeat(10_000)),
        );
    }
}
