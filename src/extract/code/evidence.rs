//! Redirect targets: what a target built from a template keeps of the request, and how it
//! normalises the request's path or host. Shared by every language; each language reads
//! its own templates (`format!`, f-strings) and hands over the text it followed.

use super::{Syntax, text};
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::usage::Target;
use regex::Regex;
use std::sync::LazyLock;
use tree_sitter::Node;

/// Names that hold the request's host in handlers.
const REQUEST_HOST: &[&str] = &[
    "host",
    "hostname",
    "authority",
    "server_name",
    "netloc",
    "get_host",
];
/// Names that hold the request's path in handlers.
const REQUEST_PATH: &[&str] = &[
    "path",
    "uri",
    "path_and_query",
    "request_uri",
    "original_uri",
    "original_url",
    "full_path",
    "get_full_path",
    "req_path",
    "tail",
    "rest",
    "query",
    "query_string",
    "slug",
];

/// A target written as a template (`https://{host}{}`, `f"https://{request.host}{path}"`),
/// where `uses` is the template with its arguments: what it keeps is judged by whole
/// identifiers, so that `ARGS.public_path` (configuration) is not the request's path.
pub fn template_target(template: String, uses: &str) -> Target {
    let identifiers: Vec<&str> = uses
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let has = |list: &[&str]| identifiers.iter().any(|w| list.contains(w));
    Target {
        keeps_host: has(REQUEST_HOST),
        keeps_path: has(REQUEST_PATH),
        text: template,
    }
}

/// A `+` concatenation of strings as a template with `{}` for each part that is not a
/// literal: `"https://" + r.Host + r.URL.Path` is `https://{}{}` (Go and JavaScript write
/// it with the same node kind and fields).
pub fn concatenation<L: Syntax>(node: Node, src: &str, out: &mut String) {
    if node.kind_name() == "binary_expression"
        && node.field("operator").is_some_and(|o| text(o, src) == "+")
        && let (Some(l), Some(r)) = (node.field("left"), node.field("right"))
    {
        concatenation::<L>(l, src, out);
        concatenation::<L>(r, src, out);
        return;
    }
    match L::string_value(node, src) {
        Some(value) => out.push_str(&value),
        None => out.push_str("{}"),
    }
}

/// Follows a target through the local variables it was bound to (at most 10 steps), as
/// `bound` finds them: the expression it ends at, and the text followed on the way, for
/// [`normalisation`].
pub fn follow_bindings<'t>(
    node: Node<'t>,
    src: &str,
    bound: impl Fn(Node<'t>) -> Option<Node<'t>>,
) -> (Node<'t>, String) {
    let mut provenance = String::new();
    let mut current = node;
    for _ in 0..10 {
        provenance.push_str(src.get(current.byte_range()).unwrap_or(""));
        provenance.push('\n');
        match (current.kind_name() == "identifier")
            .then(|| bound(current))
            .flatten()
        {
            Some(value) => current = value,
            None => break,
        }
    }
    (current, provenance)
}

static TRIMS_SLASH: LazyLock<Regex> = LazyLock::new(|| {
    // Rust and Python methods on the path, and Go's `strings.TrimSuffix(r.URL.Path, "/")`.
    Regex::new(r#"(?-u)(?i)(path|uri)\w*(\(\))?\s*\.\s*(trim_end_matches|rstrip|removesuffix)\(\s*['"]/['"]\s*\)|Trim(Suffix|Right)\(\s*[\w.]*(?i:path|uri)[\w.()]*\s*,\s*"/"\s*\)"#)
        .expect("valid regex")
});
static LOWERCASES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\.\s*(to_(ascii_)?lowercase|lower)\(\)|strings\.ToLower\(").expect("valid regex")
});
static STRIPS_WWW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(strip_prefix|trim_start_matches|removeprefix|lstrip)\(\s*['"]www\.['"]\s*\)|TrimPrefix\([^,()]*,\s*"www\."\s*\)"#)
        .expect("valid regex")
});
static ADDS_SLASH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{[^}]*\}/$").expect("valid regex"));

/// How the target normalises the request, when it visibly does. `provenance` is the
/// source text the target was followed through (variables, conversions).
pub fn normalisation(provenance: &str, target: &Target) -> Option<String> {
    let words = if TRIMS_SLASH.is_match(provenance) {
        "strips the trailing slash from the request path"
    } else if LOWERCASES.is_match(provenance) {
        "lowercases the request path"
    } else if STRIPS_WWW.is_match(provenance) {
        "strips the `www.` prefix from the request host"
    } else if target.keeps_path && ADDS_SLASH.is_match(&target.text) {
        "adds a trailing slash to the request path"
    } else if target.keeps_path && target.text.contains("://www.{") {
        "adds the `www.` prefix to the request host"
    } else {
        return None;
    };
    Some(words.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_keep_what_they_name() {
        let t = template_target("https://{}{}".into(), "https://{}{} host, uri.path()");
        assert!(t.keeps_host && t.keeps_path);
        let t = template_target("https://{}/x".into(), "ARGS.public_path");
        assert!(!t.keeps_host && !t.keeps_path);
    }

    #[test]
    fn normalisations_in_rust_and_python() {
        let plain = Target::literal("/x");
        assert!(normalisation("path.rstrip('/')", &plain).is_some());
        assert!(normalisation("uri.path().trim_end_matches('/')", &plain).is_some());
        assert!(normalisation("request.path.lower()", &plain).is_some());
        assert!(normalisation("host.removeprefix(\"www.\")", &plain).is_some());
        assert!(normalisation("request.path", &plain).is_none());
        assert!(normalisation("strings.TrimSuffix(r.URL.Path, \"/\")", &plain).is_some());
        assert!(normalisation("strings.TrimPrefix(r.Host, \"www.\")", &plain).is_some());
    }
}
