//! Response: from a call that chooses a code, read the rest of the response (headers,
//! body, messages) and whether the handler sends it as seen: returned or raised from a
//! handler, or held in a variable whose later changes are all visible.

use super::FileCx;
use super::syntax::{
    Args, callee, enclosing_function, last_segment, named_children, string_value, text,
};
use super::table::{BodyKind, CallEntry, CallKind};
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::extract::code::response::Response;
use crate::usage::{Body, Code};
use tree_sitter::Node;

/// Reads the response a table call builds.
pub fn of_call<'t>(entry: &CallEntry, args: &Args<'t>, cx: &FileCx<'t>) -> Response<'t> {
    let mut r = Response::seen_whole();
    let target = args.get(
        entry.target_argument.position,
        &entry.target_argument.keywords,
    );
    // `raise web.HTTPFound()`: no target, no Location.
    if entry.kind == CallKind::Redirect && target.is_some() {
        r.locate(target);
    }
    let headers = args.get(
        entry.headers_argument.position,
        &entry.headers_argument.keywords,
    );
    if let Some(h) = headers {
        read_headers(h, cx, &mut r);
    }
    for (keyword, header) in &entry.header_keywords {
        if args
            .keyword(keyword)
            .is_some_and(|v| v.kind_name() != "none")
        {
            r.headers.add(header, None);
        }
    }
    for header in &entry.adds {
        r.headers.add(header, None);
    }
    let body = args.get(entry.body_argument.position, &entry.body_argument.keywords);
    r.body = match entry.body {
        BodyKind::Always => Body::Present,
        BodyKind::Never => Body::Absent,
        BodyKind::Argument => match body {
            None => Body::Absent,
            Some(b) => content_of(b, cx),
        },
    };
    let code = args.get(entry.code_argument.position, &entry.code_argument.keywords);
    for arg in args.all() {
        let skip = [target, headers, code]
            .iter()
            .any(|a| a.is_some_and(|a| a.id() == arg.id()));
        if !skip {
            super::syntax::messages(arg, cx.src, &mut r.messages);
        }
    }
    if args.splat {
        // `**kwargs` may carry a code, headers or a body we cannot see.
        r.seen_in_part();
    }
    if !entry.seen_whole {
        r.seen_in_part();
    }
    r
}

/// A literal dict of headers (`{"Location": url}`); anything else hides them.
pub fn read_headers<'t>(node: Node<'t>, cx: &FileCx<'t>, r: &mut Response<'t>) {
    if node.kind_name() != "dictionary" {
        if node.kind_name() != "none" {
            r.headers.complete = false;
        }
        return;
    }
    for pair in named_children(node) {
        if pair.kind_name() != "pair" {
            r.headers.complete = false;
            continue;
        }
        let (Some(key), value) = (
            pair.field("key").and_then(|k| string_value(k, cx.src)),
            pair.field("value"),
        ) else {
            r.headers.complete = false;
            continue;
        };
        if key.eq_ignore_ascii_case("location") && r.location.is_none() {
            r.location = value;
        }
        r.headers
            .add(&key, value.and_then(|v| string_value(v, cx.src)));
    }
}

/// Whether an expression given as content is empty or content.
pub fn content_of(node: Node, cx: &FileCx) -> Body {
    match node.kind_name() {
        "none" => Body::Absent,
        "string" if string_value(node, cx.src).is_some_and(|s| s.is_empty()) => Body::Absent,
        _ => Body::Present,
    }
}

/// How the response built at `start` reaches the client. Reads later changes of a
/// variable it is stored in; calls `seen_in_part` when some of it is out of sight.
pub fn follow<'t>(start: Node<'t>, kind: CallKind, cx: &FileCx<'t>, r: &mut Response<'t>) {
    let mut current = start;
    loop {
        let Some(parent) = current.parent_node() else {
            return r.seen_in_part();
        };
        match parent.kind_name() {
            "await" | "parenthesized_expression" | "conditional_expression" => current = parent,
            "return_statement" => {
                if !cx.answers_requests(enclosing_function(parent)) {
                    r.seen_in_part();
                }
                return;
            }
            // A raised error reaches the framework wherever it is raised.
            "raise_statement" => return,
            "expression_statement" => {
                // `abort(401)` raises; Tornado's `self.redirect(...)` writes the response.
                let name = callee(start, cx.src).unwrap_or_default();
                if kind != CallKind::Error && !name.starts_with("self.") {
                    r.seen_in_part();
                }
                return;
            }
            "assignment" => {
                let left = parent.field("left");
                match left.filter(|l| l.kind_name() == "identifier") {
                    Some(name) if parent.field("right").map(|n| n.id()) == Some(current.id()) => {
                        return follow_variable(parent, text(name, cx.src), cx, r);
                    }
                    _ => return r.seen_in_part(),
                }
            }
            _ => return r.seen_in_part(),
        }
    }
}

/// `resp = make_response(...)`, then `resp.headers["X"] = v`, `resp.status_code = 301`,
/// `return resp`: every later use of `name` in the function must be one of these.
fn follow_variable<'t>(assignment: Node<'t>, name: &str, cx: &FileCx<'t>, r: &mut Response<'t>) {
    let Some(statement) = assignment
        .parent_node()
        .filter(|p| p.kind_name() == "expression_statement")
    else {
        return r.seen_in_part();
    };
    let Some(block) = statement.parent_node() else {
        return r.seen_in_part();
    };
    let mut after = false;
    for stmt in named_children(block) {
        if stmt.id() == statement.id() {
            after = true;
            continue;
        }
        if !after || !mentions(stmt, name, cx.src) {
            continue;
        }
        match use_of(stmt, name, cx) {
            Use::Header(key, value) => r.headers.add(&key, value),
            Use::Code(code, how, node) => r.code_change = Some((code, how, node)),
            Use::Neutral => {}
            Use::Returned => {
                if !cx.answers_requests(enclosing_function(stmt)) {
                    r.seen_in_part();
                }
                return;
            }
            Use::Raised => return,
            Use::Other => return r.seen_in_part(),
        }
    }
    // Never returned in this block: sent or changed somewhere we do not follow.
    r.seen_in_part();
}

enum Use<'t> {
    Header(String, Option<String>),
    Code(Code, String, Node<'t>),
    Neutral,
    Returned,
    Raised,
    Other,
}

/// What one statement does with the response variable `name`.
fn use_of<'t>(stmt: Node<'t>, name: &str, cx: &FileCx<'t>) -> Use<'t> {
    if stmt.kind_name() == "raise_statement" {
        // `exc = HTTPException(401)` then `raise exc`: raised errors reach the framework.
        return match stmt.named_child(0) {
            Some(v) if v.kind_name() == "identifier" && text(v, cx.src) == name => Use::Raised,
            _ => Use::Other,
        };
    }
    if stmt.kind_name() == "return_statement" {
        let value = stmt.named_child(0);
        return match value {
            Some(v) if v.kind_name() == "identifier" && text(v, cx.src) == name => Use::Returned,
            _ => Use::Other,
        };
    }
    if matches!(
        stmt.kind_name(),
        "if_statement" | "try_statement" | "with_statement" | "for_statement" | "while_statement"
    ) {
        return sent_inside(stmt, name, cx.src);
    }
    if stmt.kind_name() != "expression_statement" {
        return Use::Other;
    }
    let Some(expr) = stmt.named_child(0) else {
        return Use::Other;
    };
    match expr.kind_name() {
        "assignment" => {
            let (Some(left), Some(right)) = (expr.field("left"), expr.field("right")) else {
                return Use::Other;
            };
            if mentions(right, name, cx.src) {
                return Use::Other;
            }
            let written = text(left, cx.src).replace(' ', "");
            // `resp.headers["Location"] = url` (Flask, Starlette), `resp["Location"] = url` (Django)
            if left.kind_name() == "subscript"
                && let Some(value) = left.field("value")
                && [name.to_string(), format!("{name}.headers")]
                    .contains(&text(value, cx.src).replace(' ', ""))
                && let Some(key) = left
                    .field("subscript")
                    .and_then(|k| string_value(k, cx.src))
            {
                return Use::Header(key, string_value(right, cx.src));
            }
            if written == format!("{name}.status_code") || written == format!("{name}.status") {
                return match super::code_value(right, cx) {
                    Some(v) => Use::Code(
                        Code::Exact(v.code),
                        format!(", then `{written} = {}`", v.spelled),
                        right,
                    ),
                    None => Use::Code(Code::Malformed(String::new()), String::new(), right),
                };
            }
            if NEUTRAL_ATTRIBUTES
                .iter()
                .any(|a| written == format!("{name}.{a}"))
            {
                return Use::Neutral;
            }
            Use::Other
        }
        "call" => {
            let Some(callee) = callee(expr, cx.src) else {
                return Use::Other;
            };
            let method = last_segment(&callee);
            if callee == format!("{name}.headers.{method}")
                && ["add", "set", "setdefault", "__setitem__"].contains(&method)
            {
                let args = Args::of(expr, cx.src);
                if let Some(key) = args
                    .positional
                    .first()
                    .and_then(|k| string_value(*k, cx.src))
                {
                    return Use::Header(
                        key,
                        args.positional
                            .get(1)
                            .and_then(|v| string_value(*v, cx.src)),
                    );
                }
            }
            if callee == format!("{name}.{method}") && NEUTRAL_METHODS.contains(&method) {
                return Use::Neutral;
            }
            Use::Other
        }
        _ => Use::Other,
    }
}

/// Attributes and methods of a response that leave its status and headers alone.
const NEUTRAL_ATTRIBUTES: &[&str] = &[
    "content_type",
    "mimetype",
    "charset",
    "data",
    "body",
    "text",
    "content",
];
const NEUTRAL_METHODS: &[&str] = &[
    "set_cookie",
    "delete_cookie",
    "set_data",
    "set_signed_cookie",
];

/// `if token is None: raise exc`: a compound statement whose only uses of `name` raise or
/// return it.
fn sent_inside<'t>(stmt: Node<'t>, name: &str, src: &str) -> Use<'t> {
    let (mut uses, mut raised, mut returned) = (0, 0, 0);
    let mut stack = vec![stmt];
    while let Some(n) = stack.pop() {
        if n.kind_name() == "identifier" && text(n, src) == name {
            uses += 1;
        }
        if matches!(n.kind_name(), "raise_statement" | "return_statement")
            && n.named_child(0)
                .is_some_and(|v| v.kind_name() == "identifier" && text(v, src) == name)
        {
            if n.kind_name() == "raise_statement" {
                raised += 1;
            } else {
                returned += 1;
            }
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    match (uses == raised + returned, raised, returned) {
        (true, r, 0) if r > 0 => Use::Raised,
        (true, 0, r) if r > 0 => Use::Returned,
        _ => Use::Other,
    }
}

/// True when the identifier `name` appears in `node`.
fn mentions(node: Node, name: &str, src: &str) -> bool {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind_name() == "identifier" && text(n, src) == name {
            return true;
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    false
}
