//! Error middleware, for the project index: an Express function of four parameters
//! `(err, req, res, next)` that sends the error's own code (`res.status(err.status ||
//! 500).json(..)`) renders every error a handler throws or passes to `next`
//! (`next(createError(401))`), often from another file. The middleware is a summary
//! helper and each such error a call to it, so the index judges the error with the headers
//! and body the middleware adds (SL202 on a 401 whose middleware sends no challenge).

use super::response::{self, Writer};
use super::syntax::{self, text};
use super::table::{BodyKind, CallEntry, CallKind, JS_APIS};
use super::{FileCx, binding, site_arguments};
use crate::summary::{Helper, Key};
use crate::usage::{Body, Headers};
use tree_sitter::Node;

/// The name every file gives error middleware in the index. A file's own key adds its path,
/// so that two different middlewares in one project name no one answer.
const NAME: &str = "error middleware";

/// The key that names the project's error middleware of `framework`, as a caller writes it.
pub fn callee(framework: &str) -> Key {
    Key::partial(vec![framework.to_string(), NAME.to_string()])
}

/// The helper a site that sets the code in error middleware makes, if it is one.
pub fn helper(
    site: Node,
    entry: &CallEntry,
    writer: &Writer,
    path: &str,
    cx: &FileCx,
) -> Option<Helper> {
    let spec = JS_APIS.error_middleware.get(writer.framework)?;
    let params = syntax::parameters(writer.declared_in, cx.src);
    if entry.kind != CallKind::Response
        || params.len() != spec.arity
        || params[spec.writer].0 != Some(writer.name)
    {
        return None;
    }
    let error = params[spec.error].0?;
    let code = *site_arguments(site).get(*entry.code_argument.first()?)?;
    if !sends_error_code(code, error, site, writer, cx) {
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
    Some(Helper {
        key: Key::full(vec![
            path.to_string(),
            writer.framework.to_string(),
            NAME.to_string(),
        ]),
        parameter: 0,
        headers,
        body,
        line: writer.declared_in.start_position().row + 1,
    })
}

/// True when a code is the error's own (`err.status || 500`, `err.statusCode ?? 500`, or a
/// local bound to one of these or taken from the error: `const { status = 500 } = err`).
fn sends_error_code(code: Node, error: &str, site: Node, writer: &Writer, cx: &FileCx) -> bool {
    let mentions = |n: Node| words(text(n, cx.src)).any(|w| w == error);
    if mentions(code) {
        return true;
    }
    if code.kind() != "identifier" {
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
        if node.kind() == "variable_declarator"
            && let (Some(pattern), Some(value)) = (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            )
            && pattern.kind() == "object_pattern"
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
        .any(|p| match p.kind() {
            "shorthand_property_identifier_pattern" => text(p, src) == name,
            "object_assignment_pattern" => p
                .child_by_field_name("left")
                .is_some_and(|l| text(l, src) == name),
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
    let (framework, _) = JS_APIS
        .error_middleware
        .iter()
        .find(|(_, spec)| spec.renders.iter().any(|r| r == error_framework))?;
    let mut current = syntax::enclosing_function(site);
    while let Some(function) = current {
        let params = syntax::parameters(function, cx.src);
        if params.iter().enumerate().any(|(i, (name, ty))| {
            name.is_some_and(|n| super::writer_framework(n, i, *ty, cx) == Some(framework))
        }) {
            return Some(framework.as_str());
        }
        current = syntax::enclosing_function(function);
    }
    None
}
