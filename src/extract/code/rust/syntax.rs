//! Small helpers over the tree-sitter-rust syntax tree, and what the shared code layer asks
//! of it ([`Rust`] implements [`Syntax`]).

use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::extract::code::Syntax;
pub use crate::extract::code::{ancestor, ancestors, text};
use tree_sitter::Node;

/// Rust's answers to the shared layer's questions.
pub struct Rust;

impl Syntax for Rust {
    const FUNCTIONS: &'static [&'static str] = &["function_item"];

    fn string_value(node: Node, src: &str) -> Option<String> {
        string_value(node, src)
    }

    fn function_name(function: Node, src: &str) -> Option<String> {
        Some(text(function.field("name")?, src).to_string())
    }

    fn function_docs(function: Node, src: &str) -> Vec<String> {
        leading_comments(function, src)
    }

    /// The innermost `if` condition or `match` arm that decides whether the site runs.
    fn condition<'t>(site: Node<'t>, src: &str) -> Option<(Node<'t>, String)> {
        let mut child = site;
        for node in ancestors(site) {
            match node.kind_name() {
                "if_expression" => {
                    let cond = node.field("condition")?;
                    if cond.id() != child.id() {
                        return Some((cond, text(cond, src).to_string()));
                    }
                }
                "match_arm" => {
                    let pattern = node.field("pattern")?;
                    let scrutinee = node.parent_node()?.parent_node()?.field("value")?;
                    let full = format!("{} matches {}", text(scrutinee, src), text(pattern, src));
                    return Some((node, full));
                }
                "function_item" | "closure_expression" => return None,
                _ => {}
            }
            child = node;
        }
        None
    }
}

/// Named children of a node, in order.
pub fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// The arguments of a call expression, without comments.
pub fn arguments(call: Node) -> Vec<Node> {
    call.field("arguments")
        .map(named_children)
        .unwrap_or_default()
        .into_iter()
        .filter(|n| !is_comment(*n))
        .collect()
}

pub fn is_comment(node: Node) -> bool {
    matches!(node.kind_name(), "line_comment" | "block_comment")
}

/// The value of a string literal (`"x"`, `r"x"`, `r#"x"#`), without quotes. Escapes are
/// left as written: they do not matter for the words and URLs we look for.
pub fn string_value(node: Node, src: &str) -> Option<String> {
    match node.kind_name() {
        "string_literal" | "raw_string_literal" => {
            let raw = text(node, src);
            let start = raw.find('"')? + 1;
            let end = raw.rfind('"')?;
            (start <= end).then(|| raw[start..end].to_string())
        }
        _ => None,
    }
}

/// For a call, the callee path as written (`StatusCode::from_u16`, `web::Redirect::to`) and,
/// for a method call (`x.status(..)`), the method name with its receiver.
pub enum Callee<'t> {
    Path(String),
    Method { name: &'t str, receiver: Node<'t> },
    Other,
}

pub fn callee<'t>(call: Node<'t>, src: &'t str) -> Callee<'t> {
    let Some(function) = call.field("function") else {
        return Callee::Other;
    };
    let function = match function.kind_name() {
        // `Json::<T>(..)`, `parse::<u32>()`
        "generic_function" => match function.field("function") {
            Some(f) => f,
            None => return Callee::Other,
        },
        _ => function,
    };
    match function.kind_name() {
        "identifier" | "scoped_identifier" => Callee::Path(text(function, src).replace(' ', "")),
        "field_expression" => match (function.field("field"), function.field("value")) {
            (Some(field), Some(receiver)) => Callee::Method {
                name: text(field, src),
                receiver,
            },
            _ => Callee::Other,
        },
        _ => Callee::Other,
    }
}

/// True when `path` ends with the `::`-separated segments of `suffix`.
pub fn path_ends_with(path: &str, suffix: &str) -> bool {
    // Without building `::{suffix}`: this runs for every call against every table entry.
    path.strip_suffix(suffix)
        .is_some_and(|rest| rest.is_empty() || rest.ends_with("::"))
}

/// The last segment of a path: `handlers::users::create` gives `create`.
pub fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// The call whose arguments hold `node` directly, with the argument's position.
pub fn enclosing_call<'t>(node: Node<'t>) -> Option<(Node<'t>, usize)> {
    let args = node.parent_node()?;
    if args.kind_name() != "arguments" {
        return None;
    }
    let call = args.parent_node()?;
    let position = named_children(args)
        .into_iter()
        .filter(|n| !is_comment(*n))
        .position(|n| n.id() == node.id())?;
    Some((call, position))
}

/// For `value.method(..)`, the call node when `node` is the receiver `value`.
pub fn method_call_on<'t>(node: Node<'t>) -> Option<Node<'t>> {
    let field = node.parent_node()?;
    if field.kind_name() != "field_expression" || field.field("value")?.id() != node.id() {
        return None;
    }
    let call = field.parent_node()?;
    (call.kind_name() == "call_expression").then_some(call)
}

/// The attribute items written above an item, nearest last.
pub fn attributes<'t>(item: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut sibling = item.prev_sibling();
    while let Some(s) = sibling {
        match s.kind_name() {
            "attribute_item" => out.push(s),
            "line_comment" | "block_comment" => {}
            _ => break,
        }
        sibling = s.prev_sibling();
    }
    out.reverse();
    out
}

/// The comments written right above an item (doc comments and plain ones), top to bottom.
pub fn leading_comments(item: Node, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut sibling = item.prev_sibling();
    while let Some(s) = sibling {
        match s.kind_name() {
            "attribute_item" => {}
            "line_comment" | "block_comment" => out.push(comment_text(s, src)),
            _ => break,
        }
        sibling = s.prev_sibling();
    }
    out.reverse();
    out
}

/// A comment without its markers.
pub fn comment_text(node: Node, src: &str) -> String {
    text(node, src)
        .trim_start_matches(['/', '*', '!'])
        .trim_end_matches(['/', '*'])
        .trim()
        .to_string()
}

/// Every string literal inside a node (including inside macro token trees).
pub fn string_literals(node: Node, src: &str, out: &mut Vec<String>) {
    crate::extract::code::string_literals::<Rust>(node, src, out)
}

/// The value bound to `name` by the last `let` before `before` in `scope`.
pub fn let_binding<'t>(scope: Node<'t>, name: &str, before: usize, src: &str) -> Option<Node<'t>> {
    crate::extract::code::last_binding(scope, before, |node| {
        (node.kind_name() == "let_declaration"
            && node
                .field("pattern")
                .is_some_and(|p| text(p, src).trim_start_matches("mut ").trim() == name))
        .then(|| node.field("value"))
        .flatten()
    })
}
