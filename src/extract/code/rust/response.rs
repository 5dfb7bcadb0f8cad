//! Response: from the site that names a code, read the rest of the response built around
//! it (headers, body, where it goes), as far as the syntax shows it.

use super::FileCx;
use super::sites::{Site, SiteKind};
use super::syntax::{
    Callee, arguments, callee, enclosing_call, is_comment, last_segment, method_call_on,
    named_children, path_ends_with, string_literals, string_value, text,
};
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
pub use crate::extract::code::response::Response;
use crate::knowledge::RUST_APIS;
use crate::usage::{Body, Code};
use tree_sitter::Node;

/// Reads the response around `site`, or None when the site does not choose a status
/// (the code is an argument of a redirect's `using_status_code`, owned by that site).
pub fn read<'t>(site: &Site<'t>, cx: &FileCx<'t>) -> Option<Response<'t>> {
    let mut r = Response::seen_whole();
    let start = match &site.kind {
        SiteKind::Constant => match constant_start(site.node, cx, &mut r) {
            Start::Here(node) => node,
            Start::NotAChoice => return None,
            Start::Elsewhere => {
                r.seen_in_part();
                r.body = Body::Unknown;
                return Some(r);
            }
        },
        SiteKind::Numeric if site.node.kind_name() == "integer_literal" => {
            enclosing_call(site.node).map(|(call, _)| call)?
        }
        SiteKind::Redirect { target, .. } => {
            r.locate(*target);
            site.node
        }
        SiteKind::Responder { location, body } => {
            if let Some(loc) = location {
                r.locate(Some(*loc));
            }
            if *body {
                r.body = Body::Present;
                string_literals(site.node, cx.src, &mut r.messages);
            }
            site.node
        }
        SiteKind::Builder | SiteKind::Numeric => site.node,
    };
    read_chain_below(start, cx, &mut r);
    let top = climb(start, site, cx, &mut r);
    if !reaches_client(top, cx) {
        r.seen_in_part();
    }
    Some(r)
}

enum Start<'t> {
    Here(Node<'t>),
    NotAChoice,
    /// The code is handed to code we cannot see (a helper, a struct field).
    Elsewhere,
}

fn constant_start<'t>(node: Node<'t>, cx: &FileCx<'t>, r: &mut Response<'t>) -> Start<'t> {
    let Some((call, position)) = enclosing_call(node) else {
        return match node.parent_node().map(|p| p.kind_name()) {
            Some("field_initializer") => {
                // `ApiError { status: StatusCode::X, message: "..." }`
                if let Some(fields) = node.parent_node().and_then(|p| p.parent_node()) {
                    string_literals(fields, cx.src, &mut r.messages);
                }
                Start::Elsewhere
            }
            Some("let_declaration" | "const_item" | "static_item" | "assignment_expression") => {
                Start::Elsewhere
            }
            _ => Start::Here(node),
        };
    };
    match callee(call, cx.src) {
        Callee::Method { name, .. } => {
            if RUST_APIS
                .redirect_code_methods
                .names
                .iter()
                .any(|n| n == name)
            {
                Start::NotAChoice
            } else if RUST_APIS.numeric_methods.names.iter().any(|n| n == name) {
                Start::Here(call)
            } else if is_error_mapping(name) {
                Start::Here(node)
            } else {
                helper_messages(call, cx, r);
                Start::Elsewhere
            }
        }
        Callee::Path(path) => {
            let last = last_segment(&path);
            if ["Ok", "Err", "Some"].contains(&last) {
                return Start::Here(node);
            }
            if [
                "HttpResponse::build",
                "HttpResponseBuilder::new",
                "HttpResponse::new",
                "Response::new",
            ]
            .iter()
            .any(|p| path_ends_with(&path, p))
            {
                return Start::Here(call);
            }
            if let Some(w) = RUST_APIS
                .wrappers
                .iter()
                .find(|w| last == w.call && position == w.code_argument)
            {
                if let Some(body) = arguments(call).get(w.body_argument) {
                    r.body = body_of(*body, cx, &mut r.messages);
                }
                return Start::Here(call);
            }
            helper_messages(call, cx, r);
            Start::Elsewhere
        }
        Callee::Other => Start::Elsewhere,
    }
}

/// `api_error(StatusCode::BAD_REQUEST, "invalid email")`: the helper's string arguments are
/// the message the response will carry.
fn helper_messages(call: Node, cx: &FileCx, r: &mut Response) {
    for arg in arguments(call) {
        string_literals(arg, cx.src, &mut r.messages);
    }
}

fn is_error_mapping(name: &str) -> bool {
    [
        "ok_or",
        "ok_or_else",
        "map_err",
        "unwrap_or",
        "unwrap_or_else",
        "or",
        "or_else",
        "context",
    ]
    .contains(&name)
}

/// For a site that is itself a method call (`.status(..)`), reads the calls it is chained
/// on, down to the root (`Response::builder()`).
fn read_chain_below<'t>(start: Node<'t>, cx: &FileCx<'t>, r: &mut Response<'t>) {
    let mut current = start;
    loop {
        match callee(current, cx.src) {
            Callee::Method { receiver, .. } => {
                if current.id() != start.id() {
                    method(current, cx, r);
                }
                if receiver.kind_name() != "call_expression" {
                    // `builder.status(..)`: built from a value made elsewhere.
                    r.headers.complete = false;
                    return;
                }
                current = receiver;
            }
            _ => return,
        }
    }
}

/// Climbs from the site through chained methods, tuples and wrappers to the outermost
/// expression that is still this response.
fn climb<'t>(start: Node<'t>, site: &Site<'t>, cx: &FileCx<'t>, r: &mut Response<'t>) -> Node<'t> {
    let mut current = start;
    loop {
        if let Some(call) = method_call_on(current) {
            if let SiteKind::Redirect { .. } = site.kind
                && redirect_modifier(call, cx, r)
            {
                current = call;
                continue;
            }
            if let Callee::Method { name, .. } = callee(call, cx.src)
                && is_error_mapping(name)
            {
                return current;
            }
            method(call, cx, r);
            current = call;
            continue;
        }
        let Some(parent) = current.parent_node() else {
            return current;
        };
        match parent.kind_name() {
            "await_expression" | "parenthesized_expression" | "reference_expression" => {
                current = parent;
            }
            "tuple_expression" => {
                tuple_parts(parent, current, cx, r);
                current = parent;
            }
            "arguments" => {
                let Some((call, position)) = enclosing_call(current) else {
                    return current;
                };
                let Callee::Path(path) = callee(call, cx.src) else {
                    return current;
                };
                let last = last_segment(&path);
                if ["Ok", "Err", "Some", "new"].contains(&last)
                    && (last != "new" || path_ends_with(&path, "Box::new"))
                {
                    current = call;
                } else if let Some(w) = RUST_APIS
                    .header_wrappers
                    .iter()
                    .find(|w| last == w.call && position == w.reply_argument)
                {
                    let args = arguments(call);
                    add_header(
                        args.get(w.name_argument).copied(),
                        args.get(w.value_argument).copied(),
                        cx,
                        r,
                    );
                    current = call;
                } else {
                    return current;
                }
            }
            _ => return current,
        }
    }
}

/// actix-web `.permanent()` and friends on a redirect; true when `call` was one.
fn redirect_modifier<'t>(call: Node<'t>, cx: &FileCx<'t>, r: &mut Response<'t>) -> bool {
    let Callee::Method { name, .. } = callee(call, cx.src) else {
        return false;
    };
    let field = call
        .field("function")
        .and_then(|f| f.field("field"))
        .unwrap_or(call);
    if let Some(code) = RUST_APIS.redirect_modifiers.get(name) {
        r.code_change = Some((Code::Exact(*code), format!(".{name}()"), field));
        return true;
    }
    if RUST_APIS
        .redirect_code_methods
        .names
        .iter()
        .any(|n| n == name)
    {
        if let Some(arg) = arguments(call).first() {
            let code = constant_code(*arg, cx);
            match code {
                Some(c) => {
                    r.code_change = Some((Code::Exact(c), text(*arg, cx.src).to_string(), *arg))
                }
                // A code chosen at run time: we no longer know what is sent.
                None => r.code_change = Some((Code::Malformed(String::new()), String::new(), *arg)),
            }
        }
        return true;
    }
    false
}

/// The code of a `StatusCode::X` expression.
fn constant_code(node: Node, cx: &FileCx) -> Option<u32> {
    let site = super::sites::recognise(node, cx)?;
    site.code.exact()
}

/// Reads one chained builder method into the response.
fn method<'t>(call: Node<'t>, cx: &FileCx<'t>, r: &mut Response<'t>) {
    let Callee::Method { name, .. } = callee(call, cx.src) else {
        return;
    };
    let table = &RUST_APIS.routing;
    let args = arguments(call);
    let is = |list: &[String]| list.iter().any(|n| n == name);
    if is(&table.header_methods) {
        match args.as_slice() {
            [name_node, value] => add_header(Some(*name_node), Some(*value), cx, r),
            [tuple] if tuple.kind_name() == "tuple_expression" => {
                let parts: Vec<Node> = named_children(*tuple)
                    .into_iter()
                    .filter(|n| !is_comment(*n))
                    .collect();
                add_header(parts.first().copied(), parts.get(1).copied(), cx, r);
            }
            [typed] => match typed_header(*typed, cx) {
                Some(header) => r.headers.add(&header, None),
                None => r.headers.complete = false,
            },
            _ => r.headers.complete = false,
        }
    } else if is(&table.body_methods) {
        r.body = match args.first() {
            Some(arg) => body_of(*arg, cx, &mut r.messages),
            None => Body::Present,
        };
    } else if is(&table.empty_body_methods) {
        r.body = Body::Absent;
    } else if let Some(header) = table.implied_header_methods.get(name) {
        let value = args.first().and_then(|a| literal_value(*a, cx));
        r.headers.add(header, value);
    } else if !is(&table.neutral_methods) {
        // A method we do not know may add headers or a body.
        r.headers.complete = false;
    }
}

fn add_header<'t>(
    name: Option<Node<'t>>,
    value: Option<Node<'t>>,
    cx: &FileCx<'t>,
    r: &mut Response<'t>,
) {
    let Some(header) = name.and_then(|n| header_name(n, cx)) else {
        r.headers.complete = false;
        return;
    };
    if header == "location" {
        r.location = value;
    }
    let literal = value.and_then(|v| literal_value(v, cx));
    r.headers.add(&header, literal);
}

/// `header::LOCATION`, `LOCATION`, `"Location"`, `HeaderName::from_static("location")`.
pub fn header_name(node: Node, cx: &FileCx) -> Option<String> {
    match node.kind_name() {
        "identifier" | "scoped_identifier" => {
            let name = last_segment(text(node, cx.src));
            let constant = name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit());
            constant.then(|| name.to_ascii_lowercase().replace('_', "-"))
        }
        "string_literal" | "raw_string_literal" => {
            string_value(node, cx.src).map(|s| s.to_ascii_lowercase())
        }
        "call_expression" => {
            let Callee::Path(path) = callee(node, cx.src) else {
                return None;
            };
            if path_ends_with(&path, "HeaderName::from_static") {
                arguments(node)
                    .first()
                    .and_then(|a| string_value(*a, cx.src))
                    .map(|s| s.to_ascii_lowercase())
            } else {
                None
            }
        }
        "reference_expression" => header_name(node.named_child(0)?, cx),
        _ => None,
    }
}

/// actix typed headers: `ContentType::json()`, `header::Location(..)`, `CacheControl(..)`.
fn typed_header(node: Node, cx: &FileCx) -> Option<String> {
    let Callee::Path(path) = callee(node, cx.src) else {
        return None;
    };
    let segments: Vec<&str> = path.split("::").collect();
    let type_name = segments
        .iter()
        .rev()
        .find(|s| s.chars().next().is_some_and(|c| c.is_uppercase()))?;
    // CamelCase type to header name: ContentType -> content-type.
    let mut out = String::new();
    for (i, c) in type_name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    Some(out)
}

/// The text of a header value: the literal when it is one (also inside
/// `HeaderValue::from_static("...")`), else the expression as written.
fn literal_value(node: Node, cx: &FileCx) -> Option<String> {
    if let Some(s) = string_value(node, cx.src) {
        return Some(s);
    }
    let mut found = Vec::new();
    string_literals(node, cx.src, &mut found);
    if found.len() == 1 && node.kind_name() == "call_expression" {
        return Some(found.remove(0));
    }
    Some(text(node, cx.src).to_string())
}

/// Whether an expression given as content is empty, content, or unknown.
pub fn body_of(node: Node, cx: &FileCx, messages: &mut Vec<String>) -> Body {
    let src = text(node, cx.src);
    let empty = [
        "()",
        "\"\"",
        "Body::empty()",
        "String::new()",
        "Vec::new()",
        "Empty::new()",
        "Full::default()",
        "Bytes::new()",
        "BoxBody::default()",
    ];
    if empty.iter().any(|e| src.replace(' ', "").ends_with(e)) {
        return Body::Absent;
    }
    match node.kind_name() {
        "string_literal" | "raw_string_literal" => {
            let value = string_value(node, cx.src).unwrap_or_default();
            if value.is_empty() {
                return Body::Absent;
            }
            messages.push(value);
            Body::Present
        }
        "macro_invocation" | "call_expression" | "reference_expression" => {
            let before = messages.len();
            string_literals(node, cx.src, messages);
            // `Json(json!({"error": "x"}))`: keep the object as one message, so rules can see
            // its keys.
            if let Some(tree) = first_token_tree(node) {
                messages.truncate(before);
                messages.push(
                    text(tree, cx.src)
                        .trim_start_matches('(')
                        .trim_end_matches(')')
                        .to_string(),
                );
            }
            if node.kind_name() == "call_expression" && messages.len() == before {
                // `Json(user)`, `warp::reply::json(&x)`, `Body::from(bytes)`: content.
                let constructor = matches!(callee(node, cx.src), Callee::Path(p)
                    if RUST_APIS.routing.body_constructors.iter().any(|c| c == last_segment(&p)));
                return if constructor {
                    Body::Present
                } else {
                    Body::Unknown
                };
            }
            Body::Present
        }
        _ => Body::Unknown,
    }
}

fn first_token_tree(node: Node) -> Option<Node> {
    if node.kind_name() == "macro_invocation" {
        return named_children(node)
            .into_iter()
            .find(|n| n.kind_name() == "token_tree");
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if let Some(t) = first_token_tree(child) {
            return Some(t);
        }
    }
    None
}

/// axum tuples: `(StatusCode::X, [(header::LOCATION, v)], body)`.
fn tuple_parts<'t>(tuple: Node<'t>, site_part: Node<'t>, cx: &FileCx<'t>, r: &mut Response<'t>) {
    let parts: Vec<Node> = named_children(tuple)
        .into_iter()
        .filter(|n| !is_comment(*n))
        .collect();
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.iter().enumerate() {
        if part.id() == site_part.id() {
            continue;
        }
        // Rocket's `(Status, (ContentType, body))`.
        if i == last && part.kind_name() == "tuple_expression" {
            let inner: Vec<Node> = named_children(*part)
                .into_iter()
                .filter(|n| !is_comment(*n))
                .collect();
            if let [content_type, body] = inner.as_slice()
                && text(*content_type, cx.src).starts_with("ContentType")
            {
                r.headers.add(
                    "content-type",
                    Some(text(*content_type, cx.src).to_string()),
                );
                r.body = body_of(*body, cx, &mut r.messages);
                continue;
            }
        }
        // `let scheme = [(WWW_AUTHENTICATE, realm)]; (code, scheme)`: the array is headers.
        if let Some(array) = bound_array(*part, cx) {
            header_array(array, cx, r);
            continue;
        }
        if i == last && part.kind_name() != "array_expression" {
            let mut messages = Vec::new();
            let body = body_of(*part, cx, &mut messages);
            r.messages.extend(messages);
            if may_be_headers(*part, cx) {
                r.headers.complete = false;
            }
            if body != Body::Absent || r.body != Body::Present {
                r.body = body;
            }
            continue;
        }
        match part.kind_name() {
            "array_expression" => header_array(*part, cx, r),
            "call_expression" if matches!(callee(*part, cx.src), Callee::Path(p) if last_segment(&p) == "AppendHeaders") => {
                match arguments(*part).first() {
                    Some(arr) if arr.kind_name() == "array_expression" => header_array(*arr, cx, r),
                    _ => r.headers.complete = false,
                }
            }
            _ => r.headers.complete = false,
        }
    }
}

/// The array of pairs a tuple part's variable is bound to in its function, if it is one.
fn bound_array<'t>(part: Node<'t>, cx: &FileCx<'t>) -> Option<Node<'t>> {
    if part.kind_name() != "identifier" {
        return None;
    }
    let f = super::syntax::ancestor(part, &["function_item"])?;
    let value = super::syntax::let_binding(f, text(part, cx.src), part.start_byte(), cx.src)?;
    let pairs = value.kind_name() == "array_expression"
        && named_children(value)
            .into_iter()
            .filter(|n| !is_comment(*n))
            .all(|n| n.kind_name() == "tuple_expression");
    pairs.then_some(value)
}

/// `(StatusCode::X, headers)`: the last part of an axum tuple may be a `HeaderMap` rather
/// than the body. Judge by the words of the expression and of the value it was bound to.
fn may_be_headers(part: Node, cx: &FileCx) -> bool {
    let mut seen = text(part, cx.src).to_ascii_lowercase();
    if part.kind_name() == "identifier"
        && let Some(f) = super::syntax::ancestor(part, &["function_item"])
        && let Some(value) =
            super::syntax::let_binding(f, text(part, cx.src), part.start_byte(), cx.src)
    {
        seen.push_str(&text(value, cx.src).to_ascii_lowercase());
    }
    seen.contains("header") || seen.contains("jar")
}

fn header_array<'t>(array: Node<'t>, cx: &FileCx<'t>, r: &mut Response<'t>) {
    for pair in named_children(array)
        .into_iter()
        .filter(|n| !is_comment(*n))
    {
        if pair.kind_name() != "tuple_expression" {
            r.headers.complete = false;
            continue;
        }
        let items: Vec<Node> = named_children(pair)
            .into_iter()
            .filter(|n| !is_comment(*n))
            .collect();
        add_header(items.first().copied(), items.get(1).copied(), cx, r);
    }
}

/// True when the expression is what the handler sends: returned from a function that
/// answers requests, or the body of a routed closure.
fn reaches_client(node: Node, cx: &FileCx) -> bool {
    let mut current = node;
    loop {
        let Some(parent) = current.parent_node() else {
            return false;
        };
        match parent.kind_name() {
            "return_expression" | "try_expression" => {
                return sends_responses(enclosing_function(parent), cx);
            }
            "block" => {
                // Only the block's tail expression is its value.
                let tail = named_children(parent)
                    .into_iter()
                    .rev()
                    .find(|n| !is_comment(*n));
                if tail.map(|t| t.id()) != Some(current.id()) {
                    return false;
                }
                current = parent;
            }
            "function_item" => return sends_responses(Some(parent), cx),
            // A `match` or `if` in statement position is the block's value unless a `;`
            // ends it.
            "expression_statement" => {
                if parent
                    .child(parent.child_count().saturating_sub(1))
                    .is_some_and(|c| c.kind_name() == ";")
                {
                    return false;
                }
                current = parent;
            }
            "closure_expression" => {
                // A closure given to `map_err` and the like: its value flows on through the call.
                match enclosing_call(parent) {
                    Some((call, _)) if matches!(callee(call, cx.src), Callee::Method { name, .. } if is_error_mapping(name)) =>
                    {
                        current = call;
                    }
                    _ => return sends_responses(Some(parent), cx),
                }
            }
            "if_expression"
            | "else_clause"
            | "match_arm"
            | "match_block"
            | "match_expression"
            | "async_block"
            | "unsafe_block"
            | "parenthesized_expression"
            | "await_expression" => {
                current = parent;
            }
            "arguments" => {
                // `.ok_or(StatusCode::NOT_FOUND)?`, `.map_err(|_| StatusCode::X)?`
                let Some((call, _)) = enclosing_call(current) else {
                    return false;
                };
                match callee(call, cx.src) {
                    Callee::Method { name, .. } if is_error_mapping(name) => current = call,
                    Callee::Path(p) if ["Ok", "Err", "Some"].contains(&last_segment(&p)) => {
                        current = call
                    }
                    _ => return false,
                }
            }
            "field_expression" => {
                // `match .. { .. }.body(text)`: follow methods that add no header; one that
                // may add a header hides the rest of the response from us.
                let Some(call) = method_call_on(current) else {
                    return false;
                };
                let Callee::Method { name, .. } = callee(call, cx.src) else {
                    return false;
                };
                let table = &RUST_APIS.routing;
                let harmless = [
                    &table.neutral_methods,
                    &table.body_methods,
                    &table.empty_body_methods,
                ]
                .iter()
                .any(|list| list.iter().any(|n| n == name));
                if !harmless {
                    return false;
                }
                current = call;
            }
            _ => return false,
        }
    }
}

fn enclosing_function(node: Node) -> Option<Node> {
    super::syntax::ancestor(node, &["function_item", "closure_expression"])
}

/// Type names that say a function returns a response.
pub const RESPONSE_TYPES: &[&str] = &[
    "Response",
    "Responder",
    "Redirect",
    "Reply",
    "Rejection",
    "HttpResponse",
    "impl IntoResponse",
];

/// A function answers requests when it is routed, async (handlers are), or returns a
/// response type; a plain helper returning a bare `StatusCode` may be wrapped by its caller.
pub fn sends_responses(function: Option<Node>, cx: &FileCx) -> bool {
    let Some(f) = function else { return false };
    if f.kind_name() == "closure_expression" {
        return cx.routed_closures.contains_key(&f.start_byte());
    }
    let name = f.field("name").map(|n| text(n, cx.src)).unwrap_or("");
    if cx.routed_handlers.contains(name) {
        return true;
    }
    let mut cursor = f.walk();
    let is_async = f
        .children(&mut cursor)
        .any(|c| c.kind_name() == "function_modifiers" && text(c, cx.src).contains("async"));
    let returns = f
        .field("return_type")
        .map(|t| text(t, cx.src))
        .unwrap_or("");
    let response_type = RESPONSE_TYPES.iter().any(|t| returns.contains(t))
        || crate::knowledge::words(returns)
            .iter()
            .any(|w| cx.response_aliases.contains(w.as_str()));
    // A plain function returning `Result<_, StatusCode>` hands the code to its caller,
    // which may add headers to it (see `summary::error_value`).
    is_async || response_type
}
