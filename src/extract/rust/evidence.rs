//! Evidence: names, comments, conditions and redirect targets around a site, for the
//! heuristic rules.

use super::FileCx;
use super::syntax::{
    Callee, arguments, callee, named_children, string_literals, string_value, text,
};
use crate::usage::{Evidence, Scheme, Target};
use regex::Regex;
use std::sync::LazyLock;
use tree_sitter::Node;

/// What the site's surroundings say.
pub fn gather(site: Node, function: Option<Node>, cx: &FileCx, evidence: &mut Evidence) {
    // A function that reads the user agent, the language or a cookie before it answers
    // chooses its answer per request.
    let handler = super::syntax::ancestor(site, &["closure_expression"]).or(function);
    if let Some(f) = handler {
        let before = cx.src.get(f.start_byte()..site.start_byte()).unwrap_or("");
        if let Some(m) = PER_REQUEST_INPUT.find(before) {
            evidence.per_request = Some(format!("`{}`, read earlier in the handler", m.as_str()));
        }
    }
    if let Some((condition, full)) = condition(site, cx) {
        let mut literals = Vec::new();
        string_literals(condition, cx.src, &mut literals);
        evidence
            .request_hosts
            .extend(literals.iter().filter(|l| looks_like_host(l)).cloned());
        let lower = full.to_ascii_lowercase();
        let tests_scheme = lower.contains("forwarded-proto")
            || lower.contains("forwarded_proto")
            || lower.contains("scheme");
        if tests_scheme && literals.iter().any(|l| l.eq_ignore_ascii_case("http"))
            || lower.contains("scheme::http)")
        {
            evidence.request_scheme =
                Some((Scheme::Http, format!("the handler tests `{}`", full.trim())));
        }
        evidence.condition = Some(full);
    }
}

fn looks_like_host(text: &str) -> bool {
    text.contains('.')
        && !text.starts_with('.')
        && !text.ends_with('.')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && text.chars().any(|c| c.is_ascii_alphabetic())
}

/// The innermost `if` condition or `match` arm that decides whether the site runs, as the
/// condition node and a readable text.
fn condition<'t>(site: Node<'t>, cx: &FileCx<'t>) -> Option<(Node<'t>, String)> {
    let mut child = site;
    let mut current = site.parent();
    while let Some(node) = current {
        match node.kind() {
            "if_expression" => {
                let cond = node.child_by_field_name("condition")?;
                if cond.id() != child.id() {
                    return Some((cond, text(cond, cx.src).to_string()));
                }
            }
            "match_arm" => {
                let pattern = node.child_by_field_name("pattern")?;
                let scrutinee = node.parent()?.parent()?.child_by_field_name("value")?;
                let full = format!(
                    "{} matches {}",
                    text(scrutinee, cx.src),
                    text(pattern, cx.src)
                );
                return Some((node, full));
            }
            "function_item" | "closure_expression" => return None,
            _ => {}
        }
        child = node;
        current = node.parent();
    }
    None
}

static PER_REQUEST_INPUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)user[-_]?agent|accept[-_]?language|\bcookies?\b|CookieJar|\.cookie\(")
        .expect("valid regex")
});
static TRIMS_SLASH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(path|uri)\w*(\(\))?\s*\.\s*trim_end_matches\(\s*['"]/['"]\s*\)"#)
        .expect("valid regex")
});
static LOWERCASES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\.\s*to_(ascii_)?lowercase\(\)").expect("valid regex"));
static STRIPS_WWW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(strip_prefix|trim_start_matches)\(\s*"www\."\s*\)"#).expect("valid regex")
});
static ADDS_SLASH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{[^}]*\}/$").expect("valid regex"));

/// Reads a redirect target expression: literals, `format!` templates, and local variables
/// bound to them. Also says how the target normalises the request, when it visibly does.
pub fn target(node: Node, function: Option<Node>, cx: &FileCx) -> (Target, Option<String>) {
    let mut provenance = String::new();
    let target = resolve(node, function, cx, 0, &mut provenance);
    let normalisation = if TRIMS_SLASH.is_match(&provenance) {
        Some("strips the trailing slash from the request path".to_string())
    } else if LOWERCASES.is_match(&provenance) {
        Some("lowercases the request path".to_string())
    } else if STRIPS_WWW.is_match(&provenance) {
        Some("strips the `www.` prefix from the request host".to_string())
    } else if target.keeps_path && ADDS_SLASH.is_match(&target.text) {
        Some("adds a trailing slash to the request path".to_string())
    } else if target.keeps_path && target.text.contains("://www.{") {
        Some("adds the `www.` prefix to the request host".to_string())
    } else {
        None
    };
    (target, normalisation)
}

/// How many steps (variables, conversions) a target is followed through.
const MAX_DEPTH: usize = 10;

fn resolve(
    node: Node,
    function: Option<Node>,
    cx: &FileCx,
    depth: usize,
    provenance: &mut String,
) -> Target {
    let source = text(node, cx.src);
    provenance.push_str(source);
    provenance.push('\n');
    if depth > MAX_DEPTH {
        return opaque(source);
    }
    if let Some(value) = string_value(node, cx.src) {
        return Target::literal(value);
    }
    match node.kind() {
        "macro_invocation" if source.starts_with("format!") => {
            template(node, function, cx, depth, provenance)
        }
        "reference_expression" | "parenthesized_expression" | "try_expression" => {
            match node.named_child((node.named_child_count() as u32).saturating_sub(1)) {
                Some(inner) => resolve(inner, function, cx, depth + 1, provenance),
                None => opaque(source),
            }
        }
        "identifier" => match function.and_then(|f| binding(f, source, node.start_byte(), cx)) {
            Some(value) => resolve(value, function, cx, depth + 1, provenance),
            None => opaque(source),
        },
        "call_expression" => match callee(node, cx.src) {
            // `url.as_str()`, `uri.to_string()`, `s.parse().unwrap()`
            Callee::Method { name, receiver }
                if [
                    "as_str",
                    "to_string",
                    "to_owned",
                    "as_ref",
                    "into",
                    "parse",
                    "unwrap",
                    "expect",
                    "clone",
                    "map_err",
                    "ok",
                    "context",
                    "with_context",
                ]
                .contains(&name) =>
            {
                resolve(receiver, function, cx, depth + 1, provenance)
            }
            // `Uri::from_static("..")`, `String::from(..)`, `Uri::try_from(..)`
            Callee::Path(p)
                if p.ends_with("from_static")
                    || p.ends_with("::from")
                    || p.ends_with("try_from") =>
            {
                match arguments(node).first() {
                    Some(arg) => resolve(*arg, function, cx, depth + 1, provenance),
                    None => opaque(source),
                }
            }
            _ => opaque(source),
        },
        _ => opaque(source),
    }
}

fn opaque(source: &str) -> Target {
    Target::literal(source.trim())
}

/// `format!("https://{}{}", host, uri.path())`: the template, with what its arguments keep.
fn template(
    node: Node,
    function: Option<Node>,
    cx: &FileCx,
    depth: usize,
    provenance: &mut String,
) -> Target {
    let Some(tree) = named_children(node)
        .into_iter()
        .find(|n| n.kind() == "token_tree")
    else {
        return opaque(text(node, cx.src));
    };
    let mut literals = Vec::new();
    string_literals(tree, cx.src, &mut literals);
    let Some(template) = literals.first().cloned() else {
        return opaque(text(node, cx.src));
    };
    // Inline names (`{host}`) and the arguments after the template.
    let mut uses = template.clone();
    uses.push_str(text(tree, cx.src));
    // Pull in what local variables used as arguments were bound to.
    if let Some(f) = function {
        let mut cursor = tree.walk();
        for token in tree.children(&mut cursor) {
            if token.kind() == "identifier"
                && let Some(value) = binding(f, text(token, cx.src), node.start_byte(), cx)
                && depth < MAX_DEPTH
            {
                provenance.push_str(text(value, cx.src));
                provenance.push('\n');
            }
        }
    }
    for placeholder in template
        .split('{')
        .skip(1)
        .filter_map(|p| p.split('}').next())
    {
        if let (Some(f), true) = (function, !placeholder.is_empty()) {
            let name = placeholder.split(':').next().unwrap_or(placeholder);
            if let Some(value) = binding(f, name, node.start_byte(), cx) {
                provenance.push_str(text(value, cx.src));
                provenance.push('\n');
            }
        }
    }
    // Whole identifiers, so that `ARGS.public_path` (configuration) is not taken for the
    // request's path.
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

/// Names that hold the request's host in handlers.
const REQUEST_HOST: &[&str] = &["host", "hostname", "authority", "server_name"];
/// Names that hold the request's path in handlers.
const REQUEST_PATH: &[&str] = &[
    "path",
    "uri",
    "path_and_query",
    "request_uri",
    "original_uri",
    "full_path",
    "req_path",
    "tail",
    "rest",
    "query",
    "slug",
];

fn binding<'t>(function: Node<'t>, name: &str, before: usize, cx: &FileCx<'t>) -> Option<Node<'t>> {
    super::syntax::let_binding(function, name, before, cx.src)
}
