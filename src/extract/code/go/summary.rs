//! Summary: what this file says for the project index, in Go syntax: helpers whose code
//! parameter reaches a status sink on the writer they are given (`func writeError(w
//! http.ResponseWriter, code int, msg string) { http.Error(w, msg, code) }`), helpers that
//! always answer with one code (`json.Forbidden(w, r)`), and the calls that hand them a
//! code or a writer, from handlers in any file of the project.

use super::response;
use super::syntax::{arguments, enclosing_function, method_call, statements, text};
use super::{FileCx, any_writer_named, code_value, entry_of, response_of, writer_named};
use crate::extract::code::response::{Chosen, Response};
use crate::extract::code::{Comment, Field, Kind, Parent};
use crate::summary::{
    CallFound as Call, FixedHelper, Helper, HelperCall, Key, NumberCall, PlainCall,
};
use crate::usage::Usage;
use std::path::{Component, Path};
use tree_sitter::Node;

/// A Go package is a folder: a file's module is the folder it is in. Calls name a helper by
/// the package's last folder (`httpx.WriteError`), or by its name alone within the package.
pub fn module_of(path: &Path) -> Vec<String> {
    path.parent()
        .map(|dir| {
            dir.components()
                .filter_map(|c| match c {
                    Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Parameter types a status code is passed as.
const CODE_TYPES: &[&str] = &["int"];

/// Each `int` parameter of `function` that becomes the code of a table call on a writer
/// the function is given, with the response that call sends.
pub fn helpers(function: Node, cx: &FileCx, out: &mut Vec<Helper>) {
    if cx.is_handler(function) {
        return;
    }
    let (Some(name), Some(body)) = (function.field("name"), function.field("body")) else {
        return;
    };
    let mut key = cx.module.clone();
    key.push(text(name, cx.src).to_string());
    cx.reading_helper.set(Some(function.id()));
    let parameters = cx.parameters(function);
    for (position, (parameter, package, ty)) in parameters.iter().enumerate() {
        if package.is_some() || !CODE_TYPES.contains(ty) || *parameter == "_" {
            continue;
        }
        let mut calls = Vec::new();
        crate::extract::code::walk(body, |n| {
            if n.kind_name() == "call_expression" {
                calls.push(n);
            }
            // A closure's writes happen when it runs, not when the helper does.
            n.kind_name() != "func_literal"
        });
        let sent = calls.into_iter().find_map(|call| {
            let (entry, writer) = entry_of(call, cx)?;
            // A builder chain's code is in another link: not followed in helpers.
            if entry.builder.is_some() {
                return None;
            }
            let args = arguments(call);
            let code = args.get(entry.code_argument?)?;
            (code.kind_name() == "identifier" && text(*code, cx.src) == *parameter)
                .then(|| response_of(call, entry, writer.as_ref(), &args, None, cx))
        });
        if let Some(r) = sent {
            out.push(Helper {
                key: Key::full(key.clone()),
                parameter: position,
                headers: r.headers,
                body: r.body,
                line: function.start_position().row + 1,
            });
        }
    }
    cx.reading_helper.set(None);
}

/// `writeError(w, http.StatusUnauthorized, "log in")`, `httpx.WriteError(w, 401, "log in")`,
/// `s.respond(w, 401, nil)`: a code handed, in order, to a function of the project. A call
/// whose writer the caller already wrote headers on, or handed to other code, is left out:
/// the helper is then not the whole response.
pub fn helper_call(call: Node, cx: &FileCx, usages: &[Usage]) -> Vec<Call> {
    let Some(callee) = callee_key(call, cx) else {
        return Vec::new();
    };
    if entry_of(call, cx).is_some() {
        return Vec::new();
    }
    let args = arguments(call);
    let fresh_writer = args.iter().any(|a| {
        a.kind_name() == "identifier"
            && cx.frameworks().any(|framework| {
                writer_named(text(*a, cx.src), call, framework, cx).is_some_and(|w| {
                    let before = response::headers_before(&w, call, cx);
                    before.complete && before.entries.is_empty()
                })
            })
    });
    if !fresh_writer {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (argument, arg) in args.iter().enumerate() {
        let Some(value) = code_value(*arg, cx) else {
            continue;
        };
        if !value.bare {
            if let Some(usage) = usages.iter().position(|u| u.span.start == arg.start_byte()) {
                out.push(Call::Named(HelperCall {
                    usage,
                    callee: callee.clone(),
                    argument,
                }));
            }
            continue;
        }
        if !(100..=599).contains(&value.code) {
            continue;
        }
        let mut messages = Vec::new();
        for a in args.iter().filter(|a| a.id() != arg.id()) {
            super::syntax::messages(*a, cx.src, &mut messages);
        }
        let handler = super::syntax::enclosing_function(call)
            .and_then(|f| f.field("name"))
            .map(|n| text(n, cx.src).to_string());
        out.push(Call::Number(NumberCall {
            span: arg.byte_range(),
            code: value.code,
            spelled: format!("{}(.., {})", callee.name(), value.spelled),
            callee: callee.clone(),
            argument,
            messages,
            handler,
        }));
    }
    out
}

/// `func Forbidden(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden)
/// .. }` (miniflux's `response.JSONForbidden`, a server's `s.notFound(w)`): a function
/// given a writer whose body names one code only, chosen in a statement of its own (not
/// under an `if`): every call of it answers with that code.
pub fn fixed_helper(function: Node, cx: &FileCx, usages: &[Usage]) -> Option<FixedHelper> {
    let (name, body) = (function.field("name")?, function.field("body")?);
    let given_writer = cx
        .parameters(function)
        .iter()
        .any(|(param, _, _)| any_writer_named(param, body, cx).is_some());
    if !given_writer {
        return None;
    }
    // Every code the body names is the same one (a log line may name it too), and one
    // statement of the body itself chooses it.
    let range = body.byte_range();
    let inside: Vec<&Usage> = usages
        .iter()
        .filter(|u| range.contains(&u.span.start))
        .collect();
    let code = inside.first()?.code.exact()?;
    if inside.iter().any(|u| u.code.exact() != Some(code)) {
        return None;
    }
    let top = statements(body);
    let usage = inside.into_iter().find(|u| {
        top.iter().any(|s| {
            matches!(s.kind_name(), "expression_statement" | "return_statement")
                && s.byte_range().contains(&u.span.start)
        })
    })?;
    let mut key = cx.module.clone();
    key.push(text(name, cx.src).to_string());
    Some(FixedHelper {
        key: Key::full(key),
        code,
        spelled: usage.spelled.clone(),
        redirects: usage.is_redirect(),
        line: function.start_position().row + 1,
    })
}

/// `json.Forbidden(w, r)` or `s.notFound(w)` as a statement of a handler, handing it the
/// handler's writer and no code: the usage it makes if the callee is a fixed helper,
/// described where the call is (the handler, its condition, the call's messages).
pub fn plain_call(call: Node, cx: &FileCx, comments: &[Comment]) -> Option<PlainCall> {
    let parent = call.parent_node()?;
    let statement = match parent.kind_name() {
        "expression_statement" => parent,
        "expression_list" => parent.parent_node()?,
        _ => return None,
    };
    let function = enclosing_function(call)?;
    if !matches!(
        statement.kind_name(),
        "expression_statement" | "return_statement"
    ) || entry_of(call, cx).is_some()
        || !(cx.is_handler(function) || super::routes::inline_route(function, cx.src).is_some())
    {
        return None;
    }
    let args = arguments(call);
    let hands_writer = args.iter().any(|a| {
        a.kind_name() == "identifier" && any_writer_named(text(*a, cx.src), call, cx).is_some()
    });
    if !hands_writer || args.iter().any(|a| code_value(*a, cx).is_some()) {
        return None;
    }
    let callee = callee_key(call, cx)?;
    let mut r = Response::unseen();
    for a in &args {
        super::syntax::messages(*a, cx.src, &mut r.messages);
    }
    let chosen = Chosen::unspecified(call.byte_range(), format!("{}(..)", callee.name()));
    Some(PlainCall {
        usage: super::finish(r, chosen, call, cx, comments)?,
        callee,
    })
}

/// The helper a call names: `writeError` and `s.writeError` in this package, `httpx.X` in
/// the imported package `httpx` (by its folder's name).
fn callee_key(call: Node, cx: &FileCx) -> Option<Key> {
    let function = call.field("function")?;
    let mut segments = match function.kind_name() {
        "identifier" => {
            let mut own = cx.module.clone();
            own.push(text(function, cx.src).to_string());
            own
        }
        "selector_expression" => {
            let (receiver, name) = method_call(call, cx.src)?;
            let receiver = text(receiver, cx.src);
            match cx.packages.get(receiver) {
                Some(folder) => vec![folder.clone(), name.to_string()],
                // A method of a value: the project's methods live beside their type.
                None if receiver.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                    let mut own = cx.module.clone();
                    own.push(name.to_string());
                    own
                }
                None => return None,
            }
        }
        _ => return None,
    };
    segments.retain(|s| !s.is_empty());
    Some(Key::partial(segments))
}
