//! Error middleware, for the project index: an Express function of four parameters
//! `(err, req, res, next)` that sends the error's own code (`res.status(err.status ||
//! 500).json(..)`) renders every error a handler throws or passes to `next`
//! (`next(createError(401))`), often from another file. The middleware is a summary
//! helper and each such error a call to it, so the index judges the error with the headers
//! and body the middleware adds (SL202 on a 401 whose middleware sends no challenge).

use super::response::{self, Writer};
use super::syntax::{self, text};
use super::table::{BodyKind, CallEntry, CallKind, JS_APIS};
use super::{FileCx, Site, binding, site_arguments};
use crate::extract::code::Kind;
use crate::extract::code::{Field, Parent};
use crate::summary::{Helper, Key};
use crate::usage::{Body, Headers};
use tree_sitter::Node;

/// The name every file gives error middleware in the index. A middleware's own key adds its
/// path and line, so that two in one project name no one answer.
const NAME: &str = "error middleware";

/// The parameter of the second helper a middleware that sends the error's own code makes:
/// the code of an error made far from any handler, which only such a middleware makes a
/// status (see `far_number`). Other middleware answers with its own code.
pub const OWN_CODE: usize = 1;

/// The key that names the project's error middleware of `framework`, as a caller writes it.
pub fn callee(framework: &str) -> Key {
    Key::partial(vec![framework.to_string(), NAME.to_string()])
}

/// The helper an error middleware function makes, if `function` is one: the response it
/// builds when it sends the error's own code, else an unknown one (it renders errors its
/// own way). Each middleware is its own helper, so a project with two (one that answers
/// 401 with its challenge, one for the rest) names no single one and stays silent. One that
/// sends the error's own code makes the same helper again for [`OWN_CODE`].
pub fn helpers(function: Node, path: &str, cx: &FileCx) -> Vec<Helper> {
    let Some((helper, sends)) = helper(function, path, cx) else {
        return Vec::new();
    };
    let own_code = sends.then(|| Helper {
        parameter: OWN_CODE,
        ..helper.clone()
    });
    std::iter::once(helper).chain(own_code).collect()
}

/// The helper of [`helpers`], and whether it sends the error's own code.
fn helper(function: Node, path: &str, cx: &FileCx) -> Option<(Helper, bool)> {
    let params = syntax::parameters(function, cx.src);
    let (framework, spec) = JS_APIS
        .error_middleware
        .iter()
        .find(|(_, spec)| params.len() == spec.arity)?;
    let (Some(writer_name), ty) = params[spec.writer] else {
        return None;
    };
    if super::writer_framework(writer_name, spec.writer, ty, function, cx)
        != Some(framework.as_str())
    {
        return None;
    }
    let error = params[spec.error].0?;
    let line = function.start_position().row + 1;
    let mut helper = Helper {
        key: Key::full(vec![
            path.to_string(),
            line.to_string(),
            framework.clone(),
            NAME.to_string(),
        ]),
        parameter: 0,
        headers: Headers::complete(),
        body: Body::Unknown,
        line,
    };
    helper.headers.complete = false;
    let mut writes = false;
    let mut sends = false;
    let mut stack = vec![function.field("body")?];
    while let Some(node) = stack.pop() {
        if matches!(
            node.kind_name(),
            "call_expression" | "assignment_expression"
        ) && let Some(Site::Entry(entry, Some(writer))) = super::site_of(node, cx)
            && writer.declared_in.id() == function.id()
            && writer.name == writer_name
        {
            writes = true;
            if let Some((headers, body)) = sent(node, entry, &writer, error, cx) {
                helper.headers = headers;
                helper.body = body;
                sends = true;
                break;
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    // One that writes nothing and hands the error on, after converting it, answers
    // nothing: the middleware it hands it to does.
    let next = params.last().and_then(|p| p.0);
    if !writes && forwards(function, next, writer_name, spec.arity, cx) {
        return None;
    }
    Some((helper, sends))
}

/// True when error middleware hands its error on: to the next one (`next(error)`, its
/// last parameter), or to error middleware of the same file with its writer
/// (`return handler(converted, req, res)`).
fn forwards(function: Node, next: Option<&str>, writer: &str, arity: usize, cx: &FileCx) -> bool {
    let mut stack = vec![function];
    while let Some(node) = stack.pop() {
        if node.kind_name() == "call_expression"
            && let Some(callee) = node.field("function")
        {
            let args = syntax::arguments(node);
            let name = text(callee, cx.src);
            if Some(name) == next && !args.is_empty() {
                return true;
            }
            if args.iter().any(|a| text(*a, cx.src) == writer)
                && is_error_middleware(name, function, arity, cx)
            {
                return true;
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// True when `name` is bound in the file to another function of error middleware's arity.
fn is_error_middleware(name: &str, besides: Node, arity: usize, cx: &FileCx) -> bool {
    let mut root = besides;
    while let Some(parent) = root.parent_node() {
        root = parent;
    }
    syntax::named_children(root).into_iter().any(|item| {
        let item = match item.kind_name() {
            "export_statement" => item.field("declaration").unwrap_or(item),
            _ => item,
        };
        let function = match item.kind_name() {
            "function_declaration" => item
                .field("name")
                .filter(|n| text(*n, cx.src) == name)
                .map(|_| item),
            "lexical_declaration" | "variable_declaration" => syntax::named_children(item)
                .into_iter()
                .find(|d| d.field("name").is_some_and(|n| text(n, cx.src) == name))
                .and_then(|d| d.field("value")),
            _ => None,
        };
        function.is_some_and(|f| {
            f.id() != besides.id()
                && syntax::FUNCTIONS.contains(&f.kind_name())
                && syntax::parameters(f, cx.src).len() == arity
        })
    })
}

/// The headers and body of the response a site in error middleware sends, when its code is
/// the error's own.
fn sent(
    site: Node,
    entry: &CallEntry,
    writer: &Writer,
    error: &str,
    cx: &FileCx,
) -> Option<(Headers, Body)> {
    let code = *site_arguments(site).get(*entry.code_argument.first()?)?;
    if entry.kind != CallKind::Response || !sends_error_code(code, error, site, writer, cx) {
        return None;
    }
    let mut headers: Headers = response::headers_before(writer, site, cx);
    let mut messages = Vec::new();
    let mut body = match entry.body {
        BodyKind::Chain => response::chain(site, writer, cx, &mut headers, &mut messages),
        _ => Body::Unknown,
    };
    if body == Body::Unknown {
        // `res.status(err.status || 500);` then `res.render('error');`
        body = response::sent_after(site, writer, cx, &mut headers);
    }
    if body == Body::Unknown {
        headers.complete = false;
    }
    Some((headers, body))
}

/// True when a code is the error's own (`err.status || 500`, `err.statusCode ?? 500`, or a
/// local bound to one of these or taken from the error: `const { status = 500 } = err`).
fn sends_error_code(code: Node, error: &str, site: Node, writer: &Writer, cx: &FileCx) -> bool {
    let mentions = |n: Node| words(text(n, cx.src)).any(|w| w == error);
    if mentions(code) {
        return true;
    }
    if code.kind_name() != "identifier" {
        return false;
    }
    let name = text(code, cx.src);
    if binding(writer.declared_in, name, site.start_byte(), cx.src).is_some_and(mentions) {
        return true;
    }
    let mut stack = vec![writer.declared_in];
    while let Some(node) = stack.pop() {
        if node.start_byte() >= site.start_byte() {
            continue;
        }
        if node.kind_name() == "variable_declarator"
            && let (Some(pattern), Some(value)) = (node.field("name"), node.field("value"))
            && pattern.kind_name() == "object_pattern"
            && text(value, cx.src) == error
            && destructures(pattern, name, cx.src)
        {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// True when an object pattern binds `name` from a property of the same name
/// (`{ status }`, `{ status = 500 }`).
fn destructures(pattern: Node, name: &str, src: &str) -> bool {
    syntax::named_children(pattern)
        .into_iter()
        .any(|p| match p.kind_name() {
            "shorthand_property_identifier_pattern" => text(p, src) == name,
            "object_assignment_pattern" => p.field("left").is_some_and(|l| text(l, src) == name),
            _ => false,
        })
}

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
}

/// True when an error made at `site` (`createError(401)`) is rendered by `framework`'s
/// error middleware: it is of a kind the middleware renders and is made in a handler of
/// the framework.
pub fn renders(error_framework: &str, site: Node, cx: &FileCx) -> Option<&'static str> {
    let framework = renderer(error_framework)?;
    let mut current = syntax::enclosing_function(site);
    while let Some(function) = current {
        let params = syntax::parameters(function, cx.src);
        if params.iter().enumerate().any(|(i, (name, ty))| {
            name.is_some_and(|n| {
                super::writer_framework(n, i, *ty, function, cx) == Some(framework)
            })
        }) {
            return Some(framework);
        }
        current = syntax::enclosing_function(function);
    }
    None
}

/// The framework whose error middleware renders the errors of `error_framework`.
pub fn renderer(error_framework: &str) -> Option<&'static str> {
    JS_APIS
        .error_middleware
        .iter()
        .find(|(_, spec)| spec.renders.iter().any(|r| r == error_framework))
        .map(|(framework, _)| framework.as_str())
}
