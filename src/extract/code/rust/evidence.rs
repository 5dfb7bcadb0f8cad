//! Redirect targets: literals, `format!` templates and the local variables bound to them.
//! What a target keeps of the request and how it normalises it is judged by the shared
//! layer ([`crate::extract::code::evidence`]).

use super::FileCx;
use super::syntax::{
    Callee, arguments, callee, named_children, string_literals, string_value, text,
};
use crate::extract::code::Kind;
use crate::extract::code::evidence::{normalisation, template_target};
use crate::usage::Target;
use tree_sitter::Node;

/// Reads a redirect target expression: literals, `format!` templates, and local variables
/// bound to them. Also says how the target normalises the request, when it visibly does.
pub fn target(node: Node, function: Option<Node>, cx: &FileCx) -> (Target, Option<String>) {
    let mut provenance = String::new();
    let target = resolve(node, function, cx, 0, &mut provenance);
    let normalisation = normalisation(&provenance, &target);
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
    match node.kind_name() {
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
        .find(|n| n.kind_name() == "token_tree")
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
            if token.kind_name() == "identifier"
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
    template_target(template, &uses)
}

fn binding<'t>(function: Node<'t>, name: &str, before: usize, cx: &FileCx<'t>) -> Option<Node<'t>> {
    super::syntax::let_binding(function, name, before, cx.src)
}
