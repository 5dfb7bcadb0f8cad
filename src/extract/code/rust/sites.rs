//! Sites: the syntax that names a status code, recognised from `data/apis/rust.toml`.

use super::FileCx;
use super::syntax::{Callee, arguments, callee, last_segment, path_ends_with, text};
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::knowledge::{RUST_APIS, RedirectEntry, applies};
use crate::usage::{Code, CodeToken};
use tree_sitter::Node;

/// What kind of syntax named the code, which decides how the response is read.
pub enum SiteKind<'t> {
    /// `StatusCode::NOT_FOUND`, `Status::NotFound`: a value that may become a response.
    Constant,
    /// `HttpResponse::NotFound()`: a response builder.
    Builder,
    /// `StatusCode::from_u16(404)` or `builder.status(404)`.
    Numeric,
    /// `Redirect::temporary(uri)`: a redirect with its target expression and, for
    /// `web::redirect(from, to)`, the path it answers.
    Redirect {
        target: Option<Node<'t>>,
        source: Option<Node<'t>>,
    },
    /// Rocket's `status::NotFound(body)`, `status::Created::new(url)`.
    Responder {
        location: Option<Node<'t>>,
        body: bool,
    },
}

pub struct Site<'t> {
    /// The node that names the code (the constant, the call, the number).
    pub node: Node<'t>,
    pub code: Code,
    pub spelled: String,
    pub kind: SiteKind<'t>,
    /// The named constant for a code written as a bare number.
    pub alternative: Option<String>,
    /// The text to rewrite to choose another code, for fixes.
    pub token: Option<CodeToken>,
}

pub fn recognise<'t>(node: Node<'t>, cx: &FileCx<'t>) -> Option<Site<'t>> {
    match node.kind_name() {
        "scoped_identifier" => constant(node, cx),
        "call_expression" => call(node, cx).or_else(|| numeric_method(node, cx)),
        _ => None,
    }
}

fn constant<'t>(node: Node<'t>, cx: &FileCx<'t>) -> Option<Site<'t>> {
    let path = text(node.field("path")?, cx.src);
    let name = text(node.field("name")?, cx.src);
    let table = RUST_APIS
        .constants
        .iter()
        .find(|t| last_segment(path) == t.type_name && applies(&t.frameworks, &cx.frameworks))?;
    let code = *table.names.get(name)?;
    // `HttpResponse::Ok` in `HttpResponse::Ok()` is a builder, read at the call. (Asked
    // last: finding a node's parent is the costly part.)
    if node
        .parent_node()
        .is_some_and(|p| p.kind_name() == "call_expression")
    {
        return None;
    }
    Some(Site {
        node,
        code: Code::Exact(code),
        spelled: format!("{}::{name}", table.type_name),
        kind: SiteKind::Constant,
        alternative: None,
        token: None,
    })
}

fn call<'t>(node: Node<'t>, cx: &FileCx<'t>) -> Option<Site<'t>> {
    let Callee::Path(path) = callee(node, cx.src) else {
        return None;
    };
    let args = arguments(node);
    let segments: Vec<&str> = path.split("::").collect();

    // `HttpResponse::NotFound()`
    if let [.., type_name, name] = segments.as_slice()
        && let Some(table) = RUST_APIS
            .builders
            .iter()
            .find(|t| t.type_name == *type_name && applies(&t.frameworks, &cx.frameworks))
        && let Some(code) = table.names.get(*name)
    {
        return Some(Site {
            node,
            code: Code::Exact(*code),
            spelled: format!("{type_name}::{name}()"),
            kind: SiteKind::Builder,
            alternative: None,
            token: None,
        });
    }

    // `StatusCode::from_u16(404)`
    if let Some(entry) = RUST_APIS
        .numeric_calls
        .iter()
        .find(|e| path_ends_with(&path, &e.call) && applies(&e.frameworks, &cx.frameworks))
    {
        let number = args
            .first()
            .filter(|a| a.kind_name() == "integer_literal")?;
        let code = parse_integer(text(*number, cx.src))?;
        let type_name = entry.call.split("::").next().unwrap_or_default();
        let alternative = named_constant(type_name, code, cx);
        return Some(Site {
            node,
            code: Code::Exact(code),
            spelled: format!("{}({code})", entry.call),
            kind: SiteKind::Numeric,
            token: alternative
                .as_deref()
                .and_then(|name| constant_token(node, &path, name, code, cx.src)),
            alternative,
        });
    }

    // `Redirect::temporary(uri)`: pick the framework from the path or the file's imports.
    let qualified = ["axum", "actix_web", "rocket", "warp"]
        .into_iter()
        .find(|f| path.contains(f))
        .or_else(|| path.starts_with("web::").then_some("actix_web"));
    let candidates: Vec<_> = RUST_APIS
        .redirects
        .iter()
        .filter(|e| path_ends_with(&path, &e.call))
        .filter(|e| match qualified {
            Some(f) => e.frameworks.iter().any(|x| x == f),
            None => applies(&e.frameworks, &cx.frameworks),
        })
        .collect();
    if let Some(first) = candidates.first() {
        // Two frameworks in one file that disagree on the code: say nothing rather than guess.
        if candidates.iter().any(|c| c.code != first.code) {
            return None;
        }
        return Some(Site {
            node,
            code: Code::Exact(first.code),
            spelled: first.call.clone(),
            kind: SiteKind::Redirect {
                target: args.get(first.target_argument).copied(),
                source: first.source_argument.and_then(|i| args.get(i).copied()),
            },
            alternative: None,
            token: redirect_token(node, first),
        });
    }

    // Rocket's `status::NotFound(body)`
    let entry = RUST_APIS
        .responders
        .iter()
        .find(|e| path_ends_with(&path, &e.call) && applies(&e.frameworks, &cx.frameworks))?;
    Some(Site {
        node,
        code: Code::Exact(entry.code),
        spelled: entry.call.clone(),
        kind: SiteKind::Responder {
            location: entry.location.then(|| args.first().copied()).flatten(),
            body: entry.body && !args.is_empty() && !entry.location,
        },
        alternative: None,
        token: None,
    })
}

/// `builder.status(404)`: the number is the site, found from the call.
fn numeric_method<'t>(call: Node<'t>, cx: &FileCx<'t>) -> Option<Site<'t>> {
    let Callee::Method { name, .. } = callee(call, cx.src) else {
        return None;
    };
    if !RUST_APIS.numeric_methods.names.iter().any(|n| n == name) {
        return None;
    }
    let [node] = arguments(call)[..] else {
        return None;
    };
    if node.kind_name() != "integer_literal" {
        return None;
    }
    let code = parse_integer(text(node, cx.src))?;
    Some(Site {
        node,
        code: Code::Exact(code),
        spelled: format!(".{name}({code})"),
        kind: SiteKind::Numeric,
        alternative: named_constant("StatusCode", code, cx),
        // Without knowing that `StatusCode` is in scope, a constant could break the build.
        token: None,
    })
}

/// `StatusCode::from_u16(404).unwrap()` (or `.expect(..)`, `?`) can become
/// `StatusCode::NOT_FOUND`, keeping the path as written so it stays in scope.
fn constant_token(call: Node, path: &str, name: &str, code: u32, src: &str) -> Option<CodeToken> {
    let parent = call.parent_node()?;
    let whole = match parent.kind_name() {
        "try_expression" => parent,
        "field_expression" => {
            let method = text(parent.field("field")?, src);
            let outer = parent
                .parent_node()
                .filter(|p| p.kind_name() == "call_expression")?;
            ["unwrap", "expect"].contains(&method).then_some(outer)?
        }
        _ => return None,
    };
    let (prefix, _) = path.rsplit_once("::")?;
    let constant = name.rsplit("::").next()?;
    Some(CodeToken {
        span: whole.byte_range(),
        spellings: vec![(code, format!("{prefix}::{constant}"))],
    })
}

/// `Redirect::temporary` can become `Redirect::permanent`: the other calls of the same
/// type and framework that take the same arguments.
fn redirect_token(call: Node, entry: &RedirectEntry) -> Option<CodeToken> {
    let function = call.field("function")?;
    let name = function.field("name")?;
    let (prefix, _) = entry.call.rsplit_once("::")?;
    let spellings = RUST_APIS
        .redirects
        .iter()
        .filter(|e| {
            e.frameworks == entry.frameworks
                && e.target_argument == entry.target_argument
                && e.source_argument == entry.source_argument
        })
        .filter_map(|e| {
            let (p, method) = e.call.rsplit_once("::")?;
            (p == prefix).then(|| (e.code, method.to_string()))
        })
        .collect();
    Some(CodeToken {
        span: name.byte_range(),
        spellings,
    })
}

/// `404`, `404u16`, `4_04`: the value, when it fits.
fn parse_integer(literal: &str) -> Option<u32> {
    if literal.starts_with("0x") || literal.starts_with("0o") || literal.starts_with("0b") {
        return None;
    }
    let digits: String = literal
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '_')
        .filter(|c| *c != '_')
        .collect();
    digits.parse().ok()
}

/// The framework's name for a code: `StatusCode::NOT_FOUND` for 404.
fn named_constant(type_name: &str, code: u32, cx: &FileCx) -> Option<String> {
    let table = RUST_APIS
        .constants
        .iter()
        .find(|t| t.type_name == type_name && applies(&t.frameworks, &cx.frameworks))?;
    let (name, _) = table.names.iter().find(|(_, c)| **c == code)?;
    Some(format!("{type_name}::{name}"))
}

#[cfg(test)]
mod tests {
    use super::parse_integer;

    #[test]
    fn parses_integer_literals() {
        assert_eq!(parse_integer("404"), Some(404));
        assert_eq!(parse_integer("404u16"), Some(404));
        assert_eq!(parse_integer("1_000"), Some(1000));
        assert_eq!(parse_integer("0x1F"), None);
    }
}
