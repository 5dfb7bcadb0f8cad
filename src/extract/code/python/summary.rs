//! Summary: what this file says for the project index, in Python syntax: helpers whose
//! code parameter becomes a response (`def error_response(code, msg): return jsonify(..),
//! code`), the calls that hand them a code, and the error handlers the app registers
//! (`@app.errorhandler(401)`, `app.register_error_handler(..)`, FastAPI's
//! `@app.exception_handler(..)`).

use super::syntax::{Args, callee, last_segment, named_children, text};
use super::table::{CallKind, PYTHON_APIS};
use super::{FileCx, code_value, entry_for, response};
use crate::extract::code::Comment;
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::extract::code::response::Chosen;
use crate::extract::code::response::Response;
use crate::summary::{
    CallFound as Call, ErrorHandler, ExceptionHandler, FixedHelper, HandlerSetting, Helper,
    HelperCall, Key, NumberCall, PlainCall,
};
use crate::usage::Usage;
use std::path::{Component, Path};
use tree_sitter::Node;

/// The module a file is, as far as its path says: `app/api/helpers.py` is `app.api.helpers`
/// and `app/api/__init__.py` is `app.api`. The folders above the package are kept: calls
/// name a helper by the tail of its path (`helpers.error_response`), which still ends it.
pub fn module_of(path: &Path) -> Vec<String> {
    let mut parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.strip_suffix(".py").unwrap_or(&last).to_string();
        if stem != "__init__" {
            parts.push(stem);
        }
    }
    parts
}

/// The helper a call names, as far as the file's imports resolve it
/// (`from app.errors import error_response` makes `error_response` `app.errors.error_response`,
/// and a function of this file is in this file's module).
pub fn callee_key(written: &str, cx: &FileCx) -> Key {
    let mut segments: Vec<String> = written.split('.').map(str::to_string).collect();
    if let Some(first) = segments.first() {
        if let Some(path) = cx.imports.get(first) {
            segments.splice(0..1, path.iter().cloned());
        } else if segments.len() == 1 && cx.defined.contains(first) {
            segments.splice(0..0, cx.module.iter().cloned());
        }
    }
    Key::partial(segments)
}

/// Parameter names that are not an argument a caller passes in order.
fn is_receiver(name: &str) -> bool {
    matches!(name, "self" | "cls")
}

/// `def error_response(code, msg): return jsonify(error=msg), code`: each parameter that
/// becomes the code of a response the helper returns, with that response's headers and
/// body. A helper that raises (`abort(code)`) is left out: the app's error handlers answer
/// that, and the index does not follow them through a helper.
pub fn helpers(function: Node, cx: &FileCx, out: &mut Vec<Helper>) {
    let (Some(name), Some(parameters), Some(body)) = (
        function.field("name"),
        function.field("parameters"),
        function.field("body"),
    ) else {
        return;
    };
    if cx.answers_requests(Some(function)) {
        return;
    }
    let mut names = Vec::new();
    for p in named_children(parameters) {
        // `code`, `code: int`, `code=400`; `*args` ends the positional ones.
        let written = match p.kind_name() {
            "identifier" => p,
            "typed_parameter" | "default_parameter" | "typed_default_parameter" => {
                match p.field("name").or_else(|| p.named_child(0)) {
                    Some(n) if n.kind_name() == "identifier" => n,
                    _ => break,
                }
            }
            _ => break,
        };
        names.push(text(written, cx.src));
    }
    let skip = usize::from(names.first().is_some_and(|n| is_receiver(n)));
    let mut key = cx.module.clone();
    key.push(text(name, cx.src).to_string());
    cx.reading_helper.set(Some(function.id()));
    for (position, parameter) in names.iter().enumerate().skip(skip) {
        let mut uses = Vec::new();
        crate::extract::code::walk(body, |n| {
            if n.kind_name() == "identifier" && text(n, cx.src) == *parameter {
                uses.push(n);
            }
            // A nested function's names are its own.
            !matches!(n.kind_name(), "function_definition" | "lambda")
        });
        if let Some(r) = uses.into_iter().find_map(|n| sink(n, cx)) {
            out.push(Helper {
                key: Key::full(key.clone()),
                parameter: position - skip,
                headers: r.headers,
                body: r.body,
                line: function.start_position().row + 1,
            });
        }
    }
    cx.reading_helper.set(None);
}

/// The response a code parameter becomes the code of, when it does: the code argument of a
/// table call (`make_response(body, code)`, `JSONResponse(.., status_code=code)`), the
/// second part of a returned tuple (`return jsonify(..), code`), or the code set on a
/// response the helper made and returns (`response.status_code = code`).
fn sink<'t>(node: Node<'t>, cx: &FileCx<'t>) -> Option<Response<'t>> {
    let parent = node.parent_node()?;
    match parent.kind_name() {
        "argument_list" | "keyword_argument" => {
            let call = if parent.kind_name() == "keyword_argument" {
                parent.parent_node()?.parent_node()?
            } else {
                parent.parent_node()?
            };
            let entry = entry_for(&callee(call, cx.src)?, cx)?;
            let args = Args::of(call, cx.src);
            let code = args.get(entry.code_argument.position, &entry.code_argument.keywords)?;
            if code.id() != node.id() || entry.kind == CallKind::Error {
                return None;
            }
            let mut r = response::of_call(entry, &args, cx);
            response::follow(call, entry.kind, cx, &mut r);
            Some(r)
        }
        // Only Flask sends a returned `(body, code)` pair as a response.
        "expression_list" | "tuple" if cx.frameworks.contains(&"flask") => {
            let parts = named_children(parent);
            if parts.get(1).map(|n| n.id()) != Some(node.id()) {
                return None;
            }
            let statement = match parent.parent_node()? {
                p if p.kind_name() == "parenthesized_expression" => p.parent_node()?,
                p => p,
            };
            if statement.kind_name() != "return_statement" {
                return None;
            }
            Some(super::tuple_response(&parts, cx))
        }
        "assignment" => {
            // `response = jsonify(..)`, then `response.status_code = code`, `return response`.
            let left = parent.field("left")?;
            let object = left.field("object")?;
            let attribute = text(left.field("attribute")?, cx.src);
            if left.kind_name() != "attribute"
                || object.kind_name() != "identifier"
                || !["status_code", "status"].contains(&attribute)
                || parent.field("right")?.id() != node.id()
            {
                return None;
            }
            let function = super::syntax::enclosing_function(parent)?;
            let made = super::binding(function, text(object, cx.src), parent.start_byte(), cx.src)?;
            let entry = entry_for(&callee(made, cx.src)?, cx)?;
            if made.kind_name() != "call" || entry.kind == CallKind::Error {
                return None;
            }
            let mut r = response::of_call(entry, &Args::of(made, cx.src), cx);
            response::follow(made, entry.kind, cx, &mut r);
            // The change follow saw is the parameter itself.
            r.code_change = None;
            Some(r)
        }
        _ => None,
    }
}

/// `@app.errorhandler(401)`, `@bp.app_errorhandler(Unauthorized)`,
/// `app.register_error_handler(HTTPException, handle)`, `@app.exception_handler(..)`.
pub fn error_handler(call: Node, cx: &FileCx) -> Option<ErrorHandler> {
    let name = callee(call, cx.src)?;
    let routing = &PYTHON_APIS.routing;
    if !routing
        .error_handler_decorators
        .iter()
        .any(|d| d == last_segment(&name))
    {
        return None;
    }
    let first = *Args::of(call, cx.src).positional.first()?;
    let code = match code_value(first, cx) {
        Some(value) => Some(value.code),
        None => {
            let class = text(first, cx.src);
            if routing
                .error_handler_catch_all
                .iter()
                .any(|c| c == last_segment(class))
            {
                None
            } else {
                // A framework's exception class answers its own code; a class of the
                // project (`ValidationError`) answers none of the raises we see.
                Some(
                    entry_for(class, cx)
                        .filter(|e| e.kind == CallKind::Error)?
                        .code?,
                )
            }
        }
    };
    Some(ErrorHandler {
        code,
        line: call.start_position().row + 1,
    })
}

/// `error_response(HTTPStatus.UNAUTHORIZED, "log in")` and `error_response(401, "log in")`:
/// a code handed, in order, to a function the tables do not know. The first is already the
/// usage at `usages[at]`; a bare number becomes one once the index knows the callee.
pub fn helper_call(call: Node, cx: &FileCx, usages: &[Usage]) -> Vec<Call> {
    let Some(name) = callee(call, cx.src) else {
        return Vec::new();
    };
    if entry_for(&name, cx).is_some() || name.starts_with("self.") || is_builtin(&name) {
        return Vec::new();
    }
    let args = Args::of(call, cx.src);
    let mut out = Vec::new();
    for (argument, arg) in args.positional.iter().enumerate() {
        let Some(value) = code_value(*arg, cx) else {
            continue;
        };
        let callee = callee_key(&name, cx);
        if !value.bare {
            if let Some(usage) = usages.iter().position(|u| u.span.start == arg.start_byte()) {
                out.push(Call::Named(HelperCall {
                    usage,
                    callee,
                    argument,
                }));
            }
            continue;
        }
        if !(100..=599).contains(&value.code) {
            continue;
        }
        let mut messages = Vec::new();
        for a in args.all() {
            if a.id() != arg.id() {
                super::syntax::messages(a, cx.src, &mut messages);
            }
        }
        let handler = super::syntax::enclosing_function(call)
            .and_then(|f| f.field("name"))
            .map(|n| text(n, cx.src).to_string());
        out.push(Call::Number(NumberCall {
            span: arg.byte_range(),
            code: value.code,
            spelled: format!("{}(.., {})", last_segment(&name), value.spelled),
            callee,
            argument,
            messages,
            handler,
        }));
    }
    out
}

/// True for a function defined at the top of its module (decorated or not).
pub fn is_module_function(function: Node) -> bool {
    function.parent_node().is_some_and(|p| {
        p.kind_name() == "module"
            || (p.kind_name() == "decorated_definition"
                && p.parent_node().is_some_and(|g| g.kind_name() == "module"))
    })
}

/// `def forbidden(msg): raise HTTPException(status_code=403, detail=msg)`: a function of the
/// module that is not a handler and, in a statement of its own body (not under an `if`),
/// raises or aborts with one code: every call of it answers with that code.
pub fn fixed_helper(function: Node, cx: &FileCx, usages: &[Usage]) -> Option<FixedHelper> {
    if !is_module_function(function) || cx.answers_requests(Some(function)) {
        return None;
    }
    let (name, body) = (function.field("name")?, function.field("body")?);
    let usage = named_children(body)
        .into_iter()
        .filter(|s| matches!(s.kind_name(), "raise_statement" | "expression_statement"))
        .find_map(|s| {
            let range = s.byte_range();
            usages.iter().find(|u| range.contains(&u.span.start))
        })?;
    let mut key = cx.module.clone();
    key.push(text(name, cx.src).to_string());
    Some(FixedHelper {
        key: Key::full(key),
        code: usage.code.exact()?,
        spelled: usage.spelled.clone(),
        redirects: usage.is_redirect(),
        line: function.start_position().row + 1,
    })
}

/// `forbidden("log in first")` as a statement of a handler, handing it no code: the usage
/// it makes if the callee is a fixed helper, described where the call is.
pub fn plain_call(call: Node, cx: &FileCx, comments: &[Comment]) -> Option<PlainCall> {
    if call.parent_node()?.kind_name() != "expression_statement" {
        return None;
    }
    let name = callee(call, cx.src)?;
    if entry_for(&name, cx).is_some()
        || name.starts_with("self.")
        || is_builtin(&name)
        || name.split('.').count() > 2
        || !cx.answers_requests(super::syntax::enclosing_function(call))
    {
        return None;
    }
    let args = Args::of(call, cx.src);
    if args.all().any(|a| code_value(a, cx).is_some()) {
        return None;
    }
    let mut messages = Vec::new();
    for a in args.all() {
        super::syntax::messages(a, cx.src, &mut messages);
    }
    let mut r = Response::unseen();
    r.messages = messages;
    let chosen = Chosen::unspecified(call.byte_range(), format!("{}(..)", last_segment(&name)));
    Some(PlainCall {
        callee: callee_key(&name, cx),
        usage: super::finish(r, chosen, call, cx, comments)?,
    })
}

/// `REST_FRAMEWORK = {"EXCEPTION_HANDLER": "app.errors.handle", ..}` at the top of a module.
pub fn exception_handler_setting(assignment: Node, cx: &FileCx) -> Option<HandlerSetting> {
    let statement = assignment.parent_node()?;
    let (left, right) = (assignment.field("left")?, assignment.field("right")?);
    if statement.parent_node()?.kind_name() != "module"
        || text(left, cx.src) != "REST_FRAMEWORK"
        || right.kind_name() != "dictionary"
    {
        return None;
    }
    named_children(right).into_iter().find_map(|pair| {
        let key = super::syntax::string_value(pair.field("key")?, cx.src)?;
        let value = pair.field("value")?;
        let path = super::syntax::string_value(value, cx.src)?;
        (key == "EXCEPTION_HANDLER").then(|| HandlerSetting {
            handler: Key::partial(path.split('.').map(str::to_string).collect()),
            line: value.start_position().row + 1,
        })
    })
}

/// `def handle(exc, context)` at the top of a module: a function that may be the exception
/// handler the settings name, and whether it keeps the challenge DRF's own adds (it calls
/// `rest_framework.views.exception_handler`, or names WWW-Authenticate or `auth_header`).
pub fn exception_handler(function: Node, cx: &FileCx) -> Option<ExceptionHandler> {
    let (name, parameters, body) = (
        function.field("name")?,
        function.field("parameters")?,
        function.field("body")?,
    );
    let first = named_children(parameters).into_iter().next()?;
    let first = first.field("name").unwrap_or(first);
    if !is_module_function(function)
        || !matches!(text(first, cx.src), "exc" | "exception" | "error" | "e")
        || named_children(parameters).len() != 2
    {
        return None;
    }
    let written = text(body, cx.src).to_ascii_lowercase();
    let mut keeps_challenge =
        written.contains("www-authenticate") || written.contains("auth_header");
    crate::extract::code::walk(body, |n| {
        if n.kind_name() == "call"
            && let Some(called) = callee(n, cx.src)
            && last_segment(&called) == "exception_handler"
            && callee_key(&called, cx).segments.first().map(String::as_str)
                == Some("rest_framework")
        {
            keeps_challenge = true;
        }
        !keeps_challenge
    });
    let mut key = cx.module.clone();
    key.push(text(name, cx.src).to_string());
    Some(ExceptionHandler {
        key: Key::full(key),
        keeps_challenge,
        line: function.start_position().row + 1,
    })
}

/// Calls that take numbers but never send them.
fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "range" | "int" | "str" | "len" | "print" | "min" | "max" | "round" | "sleep"
    )
}
