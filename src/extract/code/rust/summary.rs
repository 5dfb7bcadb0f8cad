//! Summary: what this file says for the project index, in Rust syntax: error variants and
//! their messages (`#[error("..")]`, `impl Display`), mappings chosen per variant, helpers
//! whose status parameter becomes a response, and error values returned to a caller.

use super::FileCx;
use super::response;
use super::sites::{Site, SiteKind};
use super::syntax::{
    Callee, ancestor, attributes, callee, enclosing_call, last_segment, named_children,
    string_literals, text,
};
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::knowledge::RUST_APIS;
use crate::summary::{ErrorValue, Helper, Key, NumberCall, Propagation, VariantMessage};
use crate::usage::{Body, Code, Headers, Usage};
use regex::Regex;
use std::sync::LazyLock;
use tree_sitter::Node;

/// `#[error("no session token")] NoSession` in `enum ApiError`, and the arms of an
/// `impl Display for ApiError` that write one message per variant.
pub fn variant_messages(item: Node, cx: &FileCx, out: &mut Vec<VariantMessage>) {
    match item.kind_name() {
        "enum_item" => {
            let (Some(name), Some(body)) = (item.field("name"), item.field("body")) else {
                return;
            };
            let error_type = cx.names.defined(None, text(name, cx.src));
            for variant in named_children(body) {
                if variant.kind_name() != "enum_variant" {
                    continue;
                }
                let Some(variant_name) = variant.field("name") else {
                    continue;
                };
                // Attributes of a variant sit before it inside the variant list.
                let message = attributes(variant).into_iter().find_map(|a| {
                    let attr = a.named_child(0)?;
                    let path = attr.named_child(0)?;
                    (text(path, cx.src) == "error").then(|| first_literal(attr, cx))?
                });
                if let Some(message) = message {
                    out.push(VariantMessage {
                        error_type: error_type.clone(),
                        variant: text(variant_name, cx.src).to_string(),
                        message,
                    });
                }
            }
        }
        "impl_item" => {
            let Some(trait_name) = item.field("trait") else {
                return;
            };
            if last_segment(text(trait_name, cx.src)) != "Display" {
                return;
            }
            let Some(self_type) = impl_type(item, cx) else {
                return;
            };
            let mut arms = Vec::new();
            super::super::walk(item, |n| {
                if n.kind_name() == "match_arm" {
                    arms.push(n);
                }
                true
            });
            for arm in arms {
                let (Some(pattern), Some(value)) = (arm.field("pattern"), arm.field("value"))
                else {
                    continue;
                };
                let Some(message) = first_literal(value, cx) else {
                    continue;
                };
                for (ty, variant) in variants_in(pattern, Some(&self_type), cx) {
                    if ty == self_type {
                        out.push(VariantMessage {
                            error_type: ty,
                            variant,
                            message: message.clone(),
                        });
                    }
                }
            }
        }
        _ => {}
    }
}

fn first_literal(node: Node, cx: &FileCx) -> Option<String> {
    let mut found = Vec::new();
    string_literals(node, cx.src, &mut found);
    found.into_iter().find(|m| !m.trim().is_empty())
}

/// The type an `impl` block is for, as a key.
fn impl_type(item: Node, cx: &FileCx) -> Option<Key> {
    let ty = item.field("type")?;
    Some(cx.names.resolve(text(ty, cx.src)))
}

/// The variants a `match` pattern names (`ApiError::NoSession`, `Self::Missing(_)`,
/// `A::X | A::Y`), each with its type.
fn variants_in(pattern: Node, self_type: Option<&Key>, cx: &FileCx) -> Vec<(Key, String)> {
    let written = text(pattern, cx.src);
    let mut out = Vec::new();
    for alternative in written.split('|') {
        let path = alternative
            .split(['(', '{'])
            .next()
            .unwrap_or("")
            .trim()
            .replace(' ', "");
        let Some((ty, variant)) = path.rsplit_once("::") else {
            continue;
        };
        if !variant
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())
        {
            continue;
        }
        let key = if ty == "Self" {
            match self_type {
                Some(k) => k.clone(),
                None => continue,
            }
        } else {
            cx.names.resolve(ty)
        };
        out.push((key, variant.to_string()));
    }
    out
}

/// The variants a site's code is chosen for: it is the value of a `match` arm on them.
pub fn variant_of(site: Node, cx: &FileCx) -> Vec<(Key, String)> {
    let mut child = site;
    let mut current = site.parent_node();
    while let Some(node) = current {
        match node.kind_name() {
            "match_arm" => {
                let Some(pattern) = node.field("pattern") else {
                    return Vec::new();
                };
                if pattern.id() == child.id() {
                    return Vec::new();
                }
                let self_type = ancestor(node, &["impl_item"]).and_then(|i| impl_type(i, cx));
                return variants_in(pattern, self_type.as_ref(), cx);
            }
            "function_item" | "closure_expression" | "block" | "let_declaration" => {
                return Vec::new();
            }
            _ => {}
        }
        child = node;
        current = node.parent_node();
    }
    Vec::new()
}

/// The type of the `impl` block `node` sits in, without its path and generics: `Headers`
/// for `impl<'r> FromRequest<'r> for Headers`.
fn impl_owner(node: Node, cx: &FileCx) -> Option<String> {
    let ty = ancestor(node, &["impl_item"])?.field("type")?;
    let written = text(ty, cx.src).split('<').next().unwrap_or("").trim();
    Some(last_segment(written).to_string()).filter(|t| !t.is_empty())
}

/// The key a function is defined with: its module, the type of its `impl`, its name.
pub fn function_key(function: Node, cx: &FileCx) -> Option<Key> {
    let name = text(function.field("name")?, cx.src);
    Some(cx.names.defined(impl_owner(function, cx).as_deref(), name))
}

/// A handler's name as its usages carry it: `Type::method` for a method of an `impl`, so
/// that two impls' methods of one name are two handlers (`index::handler_key` splits it).
pub fn handler_name(function: Node, cx: &FileCx) -> Option<String> {
    let name = text(function.field("name")?, cx.src);
    Some(match impl_owner(function, cx) {
        Some(owner) => format!("{owner}::{name}"),
        None => name.to_string(),
    })
}

/// What a path written at `node` names, reading `Self` as the type of the enclosing `impl`.
pub fn resolve_at(node: Node, path: &str, cx: &FileCx) -> Key {
    match path.strip_prefix("Self::") {
        Some(rest) => match impl_owner(node, cx) {
            Some(owner) => cx.names.resolve(&format!("{owner}::{rest}")),
            None => cx.names.resolve(path),
        },
        None => cx.names.resolve(path),
    }
}

/// The function a call names: a path (`reject`, `Self::reject`), or a method called on
/// `self` inside an `impl` (`self.reject(..)`), which is that type's method.
fn called_key(call: Node, cx: &FileCx) -> Option<(Key, String)> {
    match callee(call, cx.src) {
        Callee::Path(path) => Some((resolve_at(call, &path, cx), path)),
        Callee::Method { name, receiver } if text(receiver, cx.src) == "self" => {
            let owner = impl_owner(call, cx)?;
            Some((cx.names.defined(Some(&owner), name), format!("self.{name}")))
        }
        _ => None,
    }
}

/// Type names a status parameter is declared with.
const STATUS_TYPES: &[&str] = &["StatusCode", "Status", "http::StatusCode", "u16"];

/// `fn reject(code: StatusCode, why: &str) -> Response { (code, why).into_response() }`:
/// each parameter that becomes a response's status, with the response it is sent in.
pub fn helpers(function: Node, cx: &FileCx, out: &mut Vec<Helper>) {
    let Some(parameters) = function.field("parameters") else {
        return;
    };
    let (Some(key), Some(body)) = (function_key(function, cx), function.field("body")) else {
        return;
    };
    let mut position = 0;
    for parameter in named_children(parameters) {
        match parameter.kind_name() {
            "parameter" => {}
            "self_parameter" => continue,
            _ => continue,
        }
        let (Some(pattern), Some(ty)) = (parameter.field("pattern"), parameter.field("type"))
        else {
            position += 1;
            continue;
        };
        let this = position;
        position += 1;
        let ty = text(ty, cx.src).trim_start_matches('&');
        if !STATUS_TYPES.contains(&ty) || pattern.kind_name() != "identifier" {
            continue;
        }
        let name = text(pattern, cx.src);
        let mut uses = Vec::new();
        super::super::walk(body, |n| {
            if n.kind_name() == "identifier" && text(n, cx.src) == name {
                uses.push(n);
            }
            true
        });
        for node in uses {
            let Some(site) = sink(node, cx) else { continue };
            let Some(r) = response::read(&site, cx) else {
                continue;
            };
            out.push(Helper {
                key: key.clone(),
                parameter: this,
                headers: r.headers,
                body: r.body,
                line: function.start_position().row + 1,
            });
            break;
        }
    }
}

/// The site a status parameter makes where it becomes a response's status: an axum tuple's
/// first part, `.status(p)`, `HttpResponse::build(p)`, `StatusCode::from_u16(p)`.
fn sink<'t>(node: Node<'t>, cx: &FileCx<'t>) -> Option<Site<'t>> {
    let site = |node, kind| Site {
        node,
        code: Code::Malformed(String::new()),
        spelled: String::new(),
        kind,
        alternative: None,
        token: None,
    };
    let parent = node.parent_node()?;
    if parent.kind_name() == "tuple_expression" {
        let first = named_children(parent).into_iter().next()?;
        return (first.id() == node.id()).then(|| site(node, SiteKind::Constant));
    }
    let (call, _) = enclosing_call(node)?;
    if let Callee::Path(p) = callee(call, cx.src)
        && RUST_APIS
            .numeric_calls
            .iter()
            .any(|e| super::syntax::path_ends_with(&p, &e.call))
    {
        // `.status(StatusCode::from_u16(p).unwrap())`: the status is the converted value.
        let value = unwrapped(call, cx);
        return match sink(value, cx) {
            Some(outer) => Some(outer),
            None => Some(site(call, SiteKind::Numeric)),
        };
    }
    match callee(call, cx.src) {
        Callee::Method { name, .. }
            if RUST_APIS.numeric_methods.names.iter().any(|n| n == name) =>
        {
            Some(site(node, SiteKind::Constant))
        }
        Callee::Path(p)
            if ["HttpResponse::build", "HttpResponseBuilder::new"]
                .iter()
                .any(|b| super::syntax::path_ends_with(&p, b)) =>
        {
            Some(site(node, SiteKind::Constant))
        }
        _ => None,
    }
}

/// `x.unwrap()`, `x.expect(..)`, `x?` around `node`: the outermost.
fn unwrapped<'t>(node: Node<'t>, cx: &FileCx<'t>) -> Node<'t> {
    let mut current = node;
    loop {
        if let Some(call) = super::syntax::method_call_on(current)
            && matches!(
                callee(call, cx.src),
                Callee::Method {
                    name: "unwrap" | "expect",
                    ..
                }
            )
        {
            current = call;
        } else if let Some(parent) = current.parent_node()
            && parent.kind_name() == "try_expression"
        {
            current = parent;
        } else {
            return current;
        }
    }
}

/// `reject(StatusCode::UNAUTHORIZED, "sign in first")`: the function a status is handed
/// to, with the argument's position, when it is a plain call of a name.
pub fn helper_call(site: Node, cx: &FileCx) -> Option<(Key, usize)> {
    let (call, position) = enclosing_call(site)?;
    let (key, path) = called_key(call, cx)?;
    if ["Ok", "Err", "Some"].contains(&last_segment(&path)) {
        return None;
    }
    Some((key, position))
}

/// True when a function returns a status as its error for its caller to send:
/// `-> Result<T, StatusCode>`.
fn returns_status_error(function: Node, cx: &FileCx) -> bool {
    let returns = function
        .field("return_type")
        .map(|t| text(t, cx.src).replace(' ', ""))
        .unwrap_or_default();
    returns.starts_with("Result<") && returns.ends_with(",StatusCode>")
}

/// `token.ok_or(StatusCode::UNAUTHORIZED)` or `Err(StatusCode::X)` in a function that is
/// not a handler and returns `Result<_, StatusCode>`: the code goes to its caller.
pub fn error_value(site: Node, usage: &Usage, cx: &FileCx) -> Option<ErrorValue> {
    let function = ancestor(site, &["function_item", "closure_expression"])?;
    if function.kind_name() != "function_item"
        || response::sends_responses(Some(function), cx)
        || !returns_status_error(function, cx)
    {
        return None;
    }
    Some(ErrorValue {
        function: function_key(function, cx)?,
        code: usage.code.clone(),
        spelled: usage.spelled.clone(),
        line: site.start_position().row + 1,
    })
}

/// `let user = session(token)?;` in a handler that returns `Result<_, StatusCode>`: the
/// callee's error is sent as the whole response.
pub fn propagations(function: Node, cx: &FileCx, out: &mut Vec<Propagation>) {
    if !response::sends_responses(Some(function), cx) || !returns_status_error(function, cx) {
        return;
    }
    let (Some(handler), Some(body)) = (handler_name(function, cx), function.field("body")) else {
        return;
    };
    let mut found = Vec::new();
    super::super::walk(body, |n| {
        if n.kind_name() == "closure_expression" || n.kind_name() == "function_item" {
            return false;
        }
        // `session(t)?` and `session(t).await?`
        let inner = (n.kind_name() == "try_expression")
            .then(|| n.named_child(0))
            .flatten()
            .map(|i| match i.kind_name() {
                "await_expression" => i.named_child(0).unwrap_or(i),
                _ => i,
            });
        if let Some(call) = inner
            && call.kind_name() == "call_expression"
            && let Some((key, _)) = called_key(call, cx)
        {
            found.push((call, key));
        }
        true
    });
    for (call, callee) in found {
        out.push(Propagation {
            span: call.byte_range(),
            callee,
            handler: handler.clone(),
        });
    }
}

/// A macro rule's parameters, in order: `$msg:expr`.
static MACRO_PARAMETER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u)\$(\w+)\s*:\s*\w+").expect("a valid regex"));

/// A macro parameter handed to a status sink in the macro's body: `.with_code($code)`,
/// `StatusCode::from_u16($code)`, `.status($code)`.
static MACRO_SINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u)\b(?:with_code|with_status|status_code|status|from_u16|from_code|build)\s*\(\s*\$(\w+)\s*\)")
        .expect("a valid regex")
});

/// `macro_rules! err_code { ($msg:expr, $code:expr) => { .. .with_code($code) .. } }`: the
/// parameter of each rule that becomes a status. What the response holds is not read.
pub fn macro_helpers(item: Node, cx: &FileCx, out: &mut Vec<Helper>) {
    let Some(name) = item.field("name") else {
        return;
    };
    let key = cx.names.defined(None, text(name, cx.src));
    for rule in named_children(item) {
        let (Some(left), Some(right)) = (rule.field("left"), rule.field("right")) else {
            continue;
        };
        let parameters: Vec<&str> = MACRO_PARAMETER
            .captures_iter(text(left, cx.src))
            .filter_map(|c| c.get(1).map(|m| m.as_str()))
            .collect();
        for sink in MACRO_SINK.captures_iter(text(right, cx.src)) {
            let Some(position) = parameters.iter().position(|p| *p == &sink[1]) else {
                continue;
            };
            out.push(Helper {
                key: key.clone(),
                parameter: position,
                headers: Headers::unknown(),
                body: Body::Unknown,
                line: rule.start_position().row + 1,
            });
        }
    }
}

/// Macros of the standard library and common crates, which never send a status.
const NOT_HELPERS: &[&str] = &[
    "vec",
    "println",
    "print",
    "eprintln",
    "format",
    "write",
    "writeln",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "panic",
    "matches",
    "json",
    "debug",
    "info",
    "warn",
    "error",
    "trace",
    "log",
    "concat",
    "include_str",
    "env",
    "todo",
    "unimplemented",
    "unreachable",
];

/// `err_code!("no such item", 404)`, `reject(401, "sign in")`: a bare number in the range of
/// status codes handed to a macro or a function of the project.
pub fn number_call(node: Node, cx: &FileCx) -> Option<NumberCall> {
    let (name, arguments): (String, Vec<Option<Node>>) = match node.kind_name() {
        "macro_invocation" => {
            let name = text(node.field("macro")?, cx.src).to_string();
            let tree = named_children(node)
                .into_iter()
                .find(|n| n.kind_name() == "token_tree")?;
            (format!("{name}!"), macro_arguments(tree))
        }
        "call_expression" => {
            let (_, path) = called_key(node, cx)?;
            (
                path,
                super::syntax::arguments(node)
                    .into_iter()
                    .map(Some)
                    .collect(),
            )
        }
        _ => return None,
    };
    let bare = name.trim_end_matches('!');
    if NOT_HELPERS.contains(&last_segment(bare))
        || ["Ok", "Err", "Some"].contains(&last_segment(bare))
        || RUST_APIS
            .numeric_calls
            .iter()
            .any(|e| super::syntax::path_ends_with(bare, &e.call))
    {
        return None;
    }
    let (argument, number) = arguments.iter().enumerate().find_map(|(i, a)| {
        let a = (*a)?;
        let code: u32 = (a.kind_name() == "integer_literal")
            .then(|| text(a, cx.src).parse().ok())
            .flatten()?;
        (100..=999).contains(&code).then_some((i, (a, code)))
    })?;
    let mut messages = Vec::new();
    for a in arguments.iter().flatten() {
        string_literals(*a, cx.src, &mut messages);
    }
    let handler = ancestor(node, &["function_item"]).and_then(|f| handler_name(f, cx));
    Some(NumberCall {
        span: number.0.byte_range(),
        code: number.1,
        spelled: format!(
            "{}{}(.., {})",
            last_segment(bare),
            if name.ends_with('!') { "!" } else { "" },
            number.1
        ),
        callee: match node.kind_name() {
            "call_expression" => called_key(node, cx)?.0,
            _ => cx.names.resolve(bare),
        },
        argument,
        messages,
        handler,
    })
}

/// The arguments of a macro call: the tokens between its top-level commas, when one token
/// makes the argument (None for an argument of several).
fn macro_arguments(tree: Node) -> Vec<Option<Node>> {
    let mut out = Vec::new();
    let mut current: Vec<Node> = Vec::new();
    let mut cursor = tree.walk();
    let children: Vec<Node> = tree.children(&mut cursor).collect();
    let inner = children
        .get(1..children.len().saturating_sub(1))
        .unwrap_or(&[]);
    for child in inner {
        if child.kind_name() == "," {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(*child);
        }
    }
    out.push(current);
    out.into_iter()
        .map(|tokens| match tokens.as_slice() {
            [one] => Some(*one),
            _ => None,
        })
        .collect()
}
