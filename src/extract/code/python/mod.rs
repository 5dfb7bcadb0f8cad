//! Python handlers (Flask, Quart, Werkzeug, Django, Django REST framework, FastAPI,
//! Starlette, aiohttp, Tornado) with tree-sitter-python.
//!
//! Spellings come from `data/apis/python.toml`; this module knows only Python syntax and
//! hands the rest to the shared code layer.

mod response;
mod routes;
mod summary;
mod syntax;
pub mod table;

use super::context::{self, Place};
use super::evidence::{follow_bindings, normalisation, template_target};
use super::response::{Chosen, Response};
use super::{Comment, MAX_SITE_DEPTH};
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::usage::{Body, CodeToken, FileFacts, Target, TextSource, Usage};
use regex::Regex;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::LazyLock;
use syntax::{
    Args, Python, callee, comment_text, enclosing_function, is_template, last_segment,
    path_ends_with, string_value, text,
};
use table::{CallEntry, CallKind, PYTHON_APIS};
use tree_sitter::Node;

/// Tokens without which a Python file cannot choose a status the tables know: framework
/// imports and the constants.
pub const PREFILTER: &str =
    r"flask|quart|werkzeug|django|rest_framework|fastapi|starlette|aiohttp|tornado|HTTPStatus";

/// What the extractor knows of the whole file while it reads one site.
pub struct FileCx<'t> {
    pub src: &'t str,
    /// Frameworks the file imports (names from the table).
    pub frameworks: Vec<&'static str>,
    /// How the file can write `status.HTTP_404_NOT_FOUND` (`status` imported from DRF,
    /// FastAPI or Starlette), and whether from Starlette.
    status_module: Option<bool>,
    /// How the file can write `HTTPStatus.NOT_FOUND` (`HTTPStatus`, `http.HTTPStatus`).
    http_status: Option<&'static str>,
    /// Functions routed by name in this file (`add_url_rule`, `add_post`).
    routed: HashSet<String>,
    /// This file's module (`app.api.helpers`), for the helpers it defines.
    module: Vec<String>,
    /// Imported names and the dotted path each stands for (`from app import errors`).
    imports: HashMap<String, Vec<String>>,
    /// Functions defined at the top of this file.
    defined: HashSet<String>,
    /// The helper being read for the index: its returns are the response it sends.
    reading_helper: Cell<Option<usize>>,
    /// The file imports a module whose decorators add a challenge (Flask-HTTPAuth).
    imports_challenger: bool,
}

impl FileCx<'_> {
    /// A function answers requests when a decorator or view class says so, it is routed
    /// in this file, or it takes the request first (Django and aiohttp views).
    pub fn answers_requests(&self, function: Option<Node>) -> bool {
        let Some(f) = function else { return false };
        if self.reading_helper.get() == Some(f.id()) {
            return true;
        }
        if routes::route_of(f, self.src).answers_requests {
            return true;
        }
        let name = f.field("name").map(|n| text(n, self.src)).unwrap_or("");
        if self.routed.contains(name) {
            return true;
        }
        let first = f
            .field("parameters")
            .and_then(|p| syntax::named_children(p).into_iter().next())
            .map(|p| {
                text(p, self.src)
                    .split([':', '='])
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string()
            });
        matches!(first.as_deref(), Some("request" | "req"))
    }

    /// True when `function` is decorated `@auth.error_handler` with the auth object of an
    /// extension that adds the challenge to whatever the function returns.
    pub fn challenge_added(&self, function: Option<Node>) -> bool {
        let Some(f) = function else { return false };
        syntax::decorators(f).into_iter().any(|d| {
            let (Some(object), Some(attribute)) = (d.field("object"), d.field("attribute")) else {
                return false;
            };
            d.kind_name() == "attribute"
                && PYTHON_APIS
                    .routing
                    .challenge_decorators
                    .iter()
                    .any(|c| c == text(attribute, self.src))
                && (self.imports_challenger || self.imports.contains_key(text(object, self.src)))
        })
    }
}

static IMPORTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+([^\n#]*)|import[ \t]+([^\n#]*))",
    )
    .expect("valid regex")
});

fn file_cx<'t>(path: &Path, src: &'t str) -> FileCx<'t> {
    let mut frameworks = Vec::new();
    let mut status_module = None;
    let mut http_status = None;
    let mut imports = HashMap::new();
    let module = summary::module_of(path);
    // What a relative import starts from: the package this file is in.
    let is_package = path.file_stem().is_some_and(|s| s == "__init__");
    let package = &module[..module.len() - usize::from(!is_package && !module.is_empty())];
    for cap in IMPORTS.captures_iter(src) {
        let modules: Vec<&str> = match (cap.get(1), cap.get(3)) {
            (Some(from), _) => vec![from.as_str()],
            (None, Some(list)) => list
                .as_str()
                .split(',')
                .map(|m| m.split_whitespace().next().unwrap_or(""))
                .collect(),
            _ => continue,
        };
        let names = cap.get(2).map(|n| n.as_str()).unwrap_or("");
        match (cap.get(1), cap.get(3)) {
            (Some(from), _) => note_imports(Some(from.as_str()), names, package, &mut imports),
            (None, Some(list)) => note_imports(None, list.as_str(), package, &mut imports),
            _ => {}
        }
        for module in &modules {
            let root = module.split('.').next().unwrap_or("");
            for (framework, roots) in &PYTHON_APIS.frameworks {
                if roots.iter().any(|r| r == root) && !frameworks.contains(&framework.as_str()) {
                    frameworks.push(framework.as_str());
                }
            }
            let imported: Vec<&str> = names
                .split([',', '(', ')'])
                .map(|n| n.split_whitespace().next().unwrap_or(""))
                .collect();
            if ["rest_framework", "fastapi", "starlette"].contains(&root)
                && imported.contains(&"status")
            {
                status_module = Some(root == "starlette" || root == "fastapi");
            }
            if *module == "http" && imported.contains(&"HTTPStatus") {
                http_status = Some("HTTPStatus");
            }
            if cap.get(3).is_some() && *module == "http" {
                http_status.get_or_insert("http.HTTPStatus");
            }
        }
    }
    let imports_challenger = imports.values().any(|path: &Vec<String>| {
        path.first()
            .is_some_and(|m| PYTHON_APIS.routing.challenge_modules.contains(m))
    });
    FileCx {
        src,
        frameworks,
        status_module,
        http_status,
        routed: HashSet::new(),
        module,
        imports,
        defined: HashSet::new(),
        reading_helper: Cell::new(None),
        imports_challenger,
    }
}

/// What `from a.b import c as d` (`from` given, `list` its names) or `import a.b as d`
/// (`list` the modules) puts in scope: each name with the dotted path it stands for. A
/// relative import starts from `package` (`from .helpers import x` in `app/views.py` is
/// `app.helpers.x`). `import a.b` puts `a` in scope as itself.
fn note_imports(
    from: Option<&str>,
    list: &str,
    package: &[String],
    out: &mut HashMap<String, Vec<String>>,
) {
    let split = |path: &str| -> Vec<String> {
        let dots = path.len() - path.trim_start_matches('.').len();
        let mut segments: Vec<String> = match dots {
            0 => Vec::new(),
            n => package[..package.len().saturating_sub(n - 1)].to_vec(),
        };
        segments.extend(
            path.trim_start_matches('.')
                .split('.')
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
        segments
    };
    for item in list.split([',', '(', ')']) {
        let mut words = item.split_whitespace();
        let (Some(name), alias) = (words.next(), words.nth(1)) else {
            continue;
        };
        match from {
            Some(module) => {
                let mut path = split(module);
                path.push(name.to_string());
                out.insert(alias.unwrap_or(name).to_string(), path);
            }
            None => {
                if let Some(alias) = alias {
                    out.insert(alias.to_string(), split(name));
                }
            }
        }
    }
}

/// Test files check codes; they do not choose them.
fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with("test_")
        || name.ends_with("_test.py")
        || name == "conftest.py"
        || name == "tests.py"
        || super::in_test_folder(path)
}

pub fn extract(path: &Path, src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    if is_test_file(path) {
        return facts;
    }
    let Some(tree) = super::parse_file(
        "python",
        "Python",
        || tree_sitter_python::LANGUAGE.into(),
        src,
        " (Python 2 or a syntax error)",
        &mut facts,
    ) else {
        return facts;
    };
    let root = tree.root_node();
    let mut cx = file_cx(path, src);
    facts.summary.module = cx.module.clone();
    let nodes = Nodes::collect(root, src);
    for function in &nodes.functions {
        if summary::is_module_function(*function)
            && let Some(name) = function.field("name")
        {
            cx.defined.insert(text(name, src).to_string());
        }
    }
    for function in &nodes.functions {
        for decorator in syntax::decorators(*function) {
            facts
                .summary
                .error_handlers
                .extend(summary::error_handler(decorator, &cx));
        }
    }
    for call in &nodes.calls {
        facts
            .summary
            .error_handlers
            .extend(summary::error_handler(*call, &cx));
        if let Some(binding) = routes::registration(*call, src) {
            cx.routed.insert(binding.handler.clone());
            facts.routes.push(binding);
        }
    }
    // Each code is chosen once: a site read by one of these is not read again as a
    // constant handed to a helper.
    let comments = &nodes.comments;
    let not_raised = |u: Usage| (u, Raise::No);
    let sites = (nodes
        .functions
        .iter()
        .filter_map(|f| route_status(*f, &cx, comments))
        .map(not_raised))
    .chain(
        nodes
            .calls
            .iter()
            .filter_map(|c| call_usage(*c, &cx, comments)),
    )
    .chain(
        nodes
            .returns
            .iter()
            .filter_map(|r| tuple_usage(*r, &cx, comments))
            .map(not_raised),
    )
    .chain(
        nodes
            .assignments
            .iter()
            .filter_map(|a| assigned_status(*a, &cx, comments))
            .map(not_raised),
    );
    let mut taken: HashSet<usize> = HashSet::new();
    let mut raised: HashMap<usize, Raise> = HashMap::new();
    for (usage, raises) in sites {
        if taken.insert(usage.span.start) {
            if raises != Raise::No {
                raised.insert(usage.span.start, raises);
            }
            facts.usages.push(usage);
        }
    }
    for attribute in &nodes.constants {
        if let Some(usage) = constant_usage(*attribute, &cx, comments, &taken) {
            facts.usages.push(usage);
        }
    }
    facts.usages.sort_by_key(|u| u.span.start);
    summarise(&nodes, &cx, &raised, comments, &mut facts);
    if let Some(line) = nodes.too_deep {
        facts.notes.push(format!(
            "line {line}: code nested more than {MAX_SITE_DEPTH} levels deep was skipped"
        ));
    }
    facts
}

/// How a usage that raises an error becomes a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Raise {
    /// It does not raise: it is the response.
    No,
    /// Raised whole, for the app's error handlers to answer (`abort(401)`).
    ToApp,
    /// Raised for the framework's exception handler to finish: DRF's adds the challenge
    /// the authentication class offers to a `NotAuthenticated`.
    Unfinished,
}

/// What the file tells the project index: its helpers, the codes it hands to helpers, the
/// raises its app's error handlers answer (`raised` holds their usages' starts), and the
/// exception handler its settings name.
fn summarise(
    nodes: &Nodes,
    cx: &FileCx,
    raised: &HashMap<usize, Raise>,
    comments: &[Comment],
    facts: &mut FileFacts,
) {
    for function in &nodes.functions {
        summary::helpers(*function, cx, &mut facts.summary.helpers);
        facts
            .summary
            .fixed_helpers
            .extend(summary::fixed_helper(*function, cx, &facts.usages));
    }
    for call in &nodes.calls {
        // What a helper builds there gets the extension's challenge too.
        if cx.challenge_added(enclosing_function(*call)) {
            continue;
        }
        for found in summary::helper_call(*call, cx, &facts.usages) {
            facts.summary.add_call(found);
        }
        facts
            .summary
            .plain_calls
            .extend(summary::plain_call(*call, cx, comments));
    }
    for (at, usage) in facts.usages.iter().enumerate() {
        match (raised.get(&usage.span.start), usage.code.exact()) {
            (Some(Raise::ToApp), Some(code)) => facts
                .summary
                .raised
                .push(crate::summary::Raised { usage: at, code }),
            (Some(Raise::Unfinished), Some(401)) => facts.summary.unchallenged.push(at),
            _ => {}
        }
    }
    for assignment in &nodes.assignments {
        facts
            .summary
            .exception_handler_settings
            .extend(summary::exception_handler_setting(*assignment, cx));
    }
    for function in &nodes.functions {
        facts
            .summary
            .exception_handlers
            .extend(summary::exception_handler(*function, cx));
    }
}

/// The nodes of a file worth a second look, found in one walk of the tree.
#[derive(Default)]
struct Nodes<'t> {
    calls: Vec<Node<'t>>,
    returns: Vec<Node<'t>>,
    assignments: Vec<Node<'t>>,
    functions: Vec<Node<'t>>,
    /// `status.HTTP_...` and `HTTPStatus.X` attributes.
    constants: Vec<Node<'t>>,
    comments: Vec<Comment>,
    too_deep: Option<usize>,
}

impl<'t> Nodes<'t> {
    /// Walks the tree once, without recursion, skipping imports and test code.
    fn collect(root: Node<'t>, src: &str) -> Nodes<'t> {
        let mut nodes = Nodes::default();
        let too_deep = super::walk(root, |node| {
            let kind = node.kind_name();
            let skip = matches!(
                kind,
                "import_statement" | "import_from_statement" | "decorator"
            ) || (matches!(kind, "function_definition" | "class_definition")
                && is_test_code(node, src));
            if skip {
                return false;
            }
            match kind {
                "comment" => nodes.comments.push(Comment {
                    start: node.start_byte(),
                    row: node.start_position().row,
                    text: comment_text(node, src),
                }),
                "call" => nodes.calls.push(node),
                "return_statement" => nodes.returns.push(node),
                "assignment" => nodes.assignments.push(node),
                "function_definition" => nodes.functions.push(node),
                "attribute" if is_status_constant(node, src) => nodes.constants.push(node),
                "identifier"
                    if STATUS_NAME.is_match(text(node, src))
                        && node
                            .parent_node()
                            .is_none_or(|p| p.kind_name() != "attribute") =>
                {
                    nodes.constants.push(node)
                }
                _ => {}
            }
            true
        });
        nodes.too_deep = too_deep;
        nodes
    }
}

fn is_test_code(node: Node, src: &str) -> bool {
    let name = node.field("name").map(|n| text(n, src)).unwrap_or("");
    name.starts_with("test_")
        || (node.kind_name() == "class_definition" && name.starts_with("Test"))
}

fn is_status_constant(node: Node, src: &str) -> bool {
    let Some(attr) = node.field("attribute") else {
        return false;
    };
    let name = text(attr, src);
    STATUS_NAME.is_match(name)
        || node
            .field("object")
            .is_some_and(|o| last_segment(text(o, src)) == "HTTPStatus")
}

static STATUS_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u)^HTTP_(\d{3})(_\w+)?$").expect("valid regex"));

/// A code as written: `404`, `status.HTTP_404_NOT_FOUND`, `HTTPStatus.NOT_FOUND`,
/// `HTTPStatus.NOT_FOUND.value`, `HTTPStatus(404)`.
pub struct CodeValue {
    pub code: u32,
    pub spelled: String,
    /// Written as a bare number.
    pub bare: bool,
}

pub fn code_value(node: Node, cx: &FileCx) -> Option<CodeValue> {
    let written = text(node, cx.src).split_whitespace().collect::<String>();
    let code = match node.kind_name() {
        "integer" => {
            let digits: String = written.chars().filter(|c| *c != '_').collect();
            return digits.parse().ok().map(|code| CodeValue {
                code,
                spelled: written,
                bare: true,
            });
        }
        // `from starlette.status import HTTP_401_UNAUTHORIZED`
        "identifier" => STATUS_NAME.captures(&written)?[1].parse().ok()?,
        "attribute" => {
            let name = text(node.field("attribute")?, cx.src);
            let object = node.field("object")?;
            if name == "value" {
                return code_value(object, cx).map(|v| CodeValue {
                    spelled: written,
                    ..v
                });
            }
            if let Some(c) = STATUS_NAME.captures(name) {
                c[1].parse().ok()?
            } else if last_segment(text(object, cx.src)) == "HTTPStatus" {
                *PYTHON_APIS.http_status.get(name)?
            } else {
                return None;
            }
        }
        "call" if callee(node, cx.src).is_some_and(|c| last_segment(&c) == "HTTPStatus") => {
            let arg = *Args::of(node, cx.src).positional.first()?;
            code_value(arg, cx)?.code
        }
        _ => return None,
    };
    Some(CodeValue {
        code,
        spelled: written,
        bare: false,
    })
}

/// The named constant for a bare number, and a fix when the file already imports it.
fn alternative(code: u32, node: Node, cx: &FileCx) -> (Option<String>, Option<CodeToken>) {
    let status_name = PYTHON_APIS.status_names.get(&code.to_string());
    let member = PYTHON_APIS
        .http_status
        .iter()
        .find(|(_, c)| **c == code)
        .map(|(name, _)| name.as_str());
    let (name, imported) = if let (Some(starlette), Some(name)) = (cx.status_module, status_name) {
        // Starlette renamed a few (`HTTP_422_UNPROCESSABLE_CONTENT`); offer no name that one
        // of the versions in use would warn about.
        if starlette && RENAMED_BY_STARLETTE.contains(&code) {
            return (None, None);
        }
        (format!("status.{name}"), true)
    } else if let (Some(prefix), Some(member)) = (cx.http_status, member) {
        (format!("{prefix}.{member}"), true)
    } else if let (true, Some(name)) = (cx.frameworks.contains(&"drf"), status_name) {
        (format!("status.{name}"), false)
    } else if let Some(member) = member {
        (format!("HTTPStatus.{member}"), false)
    } else {
        return (None, None);
    };
    let token = imported.then(|| CodeToken {
        span: node.byte_range(),
        spellings: vec![(code, name.clone())],
    });
    (Some(name), token)
}

/// Codes whose `status.HTTP_...` name differs between Starlette versions.
const RENAMED_BY_STARLETTE: &[u32] = &[413, 414, 416, 422];

/// The table entry a call matches, for the frameworks the file imports. None when two
/// frameworks disagree on the code: say nothing rather than guess.
fn entry_for(name: &str, cx: &FileCx) -> Option<&'static CallEntry> {
    let candidates: Vec<&CallEntry> = PYTHON_APIS
        .calls
        .iter()
        .filter(|e| path_ends_with(name, &e.call))
        // `self.redirect()` in a Flask view is the class's own method, not `flask.redirect`:
        // a call on `self` or `cls` matches only the table's methods (Tornado's).
        .filter(|e| {
            !(name.starts_with("self.") || name.starts_with("cls.")) || e.call.starts_with("self.")
        })
        .filter(|e| {
            e.frameworks
                .iter()
                .any(|f| cx.frameworks.contains(&f.as_str()))
        })
        .collect();
    let first = *candidates.first()?;
    candidates
        .iter()
        .all(|c| c.code == first.code)
        .then_some(first)
}

/// The usage a table call makes, and how it raises an error if it does.
fn call_usage(call: Node, cx: &FileCx, comments: &[Comment]) -> Option<(Usage, Raise)> {
    let name = callee(call, cx.src)?;
    let entry = entry_for(&name, cx)?;
    // `make_response(jsonify(...), 401)` and `return jsonify(...), 400`: the outer call or
    // the tuple chooses the code.
    if is_overridden(call, cx) {
        return None;
    }
    let args = Args::of(call, cx.src);
    let written = args.get(entry.code_argument.position, &entry.code_argument.keywords);
    let (code, span, spelled, implicit, bare) = match written {
        Some(node) => {
            let value = code_value(node, cx)?;
            (
                value.code,
                node,
                format!("{name}(.., {})", value.spelled),
                false,
                value.bare.then_some(node),
            )
        }
        None => {
            let mut code = entry.code?;
            if let Some(keyword) = &entry.permanent_keyword
                && let Some(value) = args.keyword(keyword)
            {
                match syntax::boolean(value) {
                    Some(true) => code = entry.permanent_code?,
                    Some(false) => {}
                    None => return None,
                }
            }
            let has_code_argument =
                entry.code_argument.position.is_some() || !entry.code_argument.keywords.is_empty();
            (code, call, name.clone(), has_code_argument, None)
        }
    };
    let mut r = response::of_call(entry, &args, cx);
    response::follow(call, entry.kind, cx, &mut r);
    let raises = match (entry.kind, r.headers.complete) {
        (CallKind::Error, true) => Raise::ToApp,
        (CallKind::Error, false) if !entry.seen_whole => Raise::Unfinished,
        _ => Raise::No,
    };
    let chosen = Chosen::exact(span.byte_range(), code, spelled)
        .implicit(implicit)
        .named(bare.map(|node| alternative(code, node, cx)));
    let mut usage = finish(r, chosen, call, cx, comments)?;
    if let Some(path) = routes::url_pattern_path(call, cx.src) {
        usage.evidence.texts.push((TextSource::Route, path));
    }
    Some((usage, raises))
}

/// True when a tuple or an enclosing table call sets the code of this call's response.
fn is_overridden(call: Node, cx: &FileCx) -> bool {
    let Some(parent) = call.parent_node() else {
        return false;
    };
    match parent.kind_name() {
        "expression_list" | "tuple" => {
            parent.named_child(0).map(|n| n.id()) == Some(call.id())
                && parent
                    .named_child(1)
                    .is_some_and(|c| code_value(c, cx).is_some())
        }
        "argument_list" => parent
            .parent_node()
            .and_then(|outer| callee(outer, cx.src))
            .is_some_and(|outer| entry_for(&outer, cx).is_some()),
        _ => false,
    }
}

/// Flask's `return body, 404` and `return body, 302, {"Location": url}`.
fn tuple_usage(ret: Node, cx: &FileCx, comments: &[Comment]) -> Option<Usage> {
    if !cx.frameworks.contains(&"flask") {
        return None;
    }
    let tuple = ret.named_child(0)?;
    let tuple = match tuple.kind_name() {
        "parenthesized_expression" => tuple.named_child(0)?,
        _ => tuple,
    };
    if !matches!(tuple.kind_name(), "expression_list" | "tuple") {
        return None;
    }
    let parts = syntax::named_children(tuple);
    let (body, code_node) = (*parts.first()?, *parts.get(1)?);
    let value = code_value(code_node, cx)?;
    let handler = cx.answers_requests(enclosing_function(ret));
    // Outside a view, `return [], 0` is a pair of values: only a body with a status reads
    // as a response.
    let response_like = matches!(body.kind_name(), "call" | "string" | "dictionary")
        && (100..=599).contains(&value.code);
    if !handler && !response_like {
        return None;
    }
    let mut r = tuple_response(&parts, cx);
    if !handler {
        r.seen_in_part();
    }
    let chosen = Chosen::exact(
        code_node.byte_range(),
        value.code,
        format!("return .., {}", value.spelled),
    )
    .named(value.bare.then(|| alternative(value.code, code_node, cx)));
    finish(r, chosen, code_node, cx, comments)
}

/// The response of `body, code` or `body, code, headers`, as far as the tuple shows it.
fn tuple_response<'t>(parts: &[Node<'t>], cx: &FileCx<'t>) -> Response<'t> {
    let mut r = Response::seen_whole();
    let Some(body) = parts.first().copied() else {
        return r;
    };
    r.body = response::content_of(body, cx);
    syntax::messages(body, cx.src, &mut r.messages);
    if body.kind_name() == "call"
        && let Some(name) = callee(body, cx.src)
        && entry_for(&name, cx).is_none()
        && !["render_template", "render_template_string", "str", "dumps"]
            .contains(&last_segment(&name))
    {
        // A project helper built the body, and may have set headers on it.
        r.headers.complete = false;
    }
    if let Some(headers) = parts.get(2) {
        response::read_headers(*headers, cx, &mut r);
    }
    r
}

/// `response.status_code = 201` (an injected FastAPI response, a Flask or Django response
/// made elsewhere): the code is chosen here, the rest of the response is not seen.
fn assigned_status(assignment: Node, cx: &FileCx, comments: &[Comment]) -> Option<Usage> {
    let left = assignment.field("left")?;
    let right = assignment.field("right")?;
    let attribute = left
        .field("attribute")
        .filter(|_| left.kind_name() == "attribute")?;
    if !["status_code", "status"].contains(&text(attribute, cx.src)) {
        return None;
    }
    let value = code_value(right, cx)?;
    let mut r = Response::seen_whole();
    r.seen_in_part();
    let chosen = Chosen::exact(
        right.byte_range(),
        value.code,
        format!("{} = {}", text(left, cx.src), value.spelled),
    )
    .named(value.bare.then(|| alternative(value.code, right, cx)));
    finish(r, chosen, right, cx, comments)
}

/// FastAPI's `@app.post("/items", status_code=201)`.
fn route_status(function: Node, cx: &FileCx, comments: &[Comment]) -> Option<Usage> {
    let route = routes::route_of(function, cx.src);
    let node = route.status?;
    let value = code_value(node, cx)?;
    let mut r = Response::seen_whole();
    // The handler's return value becomes the body, and it may set headers on an injected
    // response: only the code is known here.
    r.seen_in_part();
    let chosen = Chosen::exact(
        node.byte_range(),
        value.code,
        format!("status_code={}", value.spelled),
    )
    .named(value.bare.then(|| alternative(value.code, node, cx)));
    let mut built = r.into_usage(chosen)?;
    let usage = &mut built.usage;
    usage.methods = route.methods;
    if let Some(path) = route.path {
        usage.evidence.texts.push((TextSource::Route, path));
    }
    let place = Place {
        site: node,
        function: Some(function),
        scope: Some(function),
    };
    context::describe::<Python>(&place, comments, cx.src, usage);
    Some(built.usage)
}

/// A constant handed to code we cannot see (`api_error(HTTPStatus.FORBIDDEN, "sign in")`):
/// the code and the messages beside it are known, the response is not.
fn constant_usage(
    node: Node,
    cx: &FileCx,
    comments: &[Comment],
    taken: &HashSet<usize>,
) -> Option<Usage> {
    if taken.contains(&node.start_byte()) {
        return None;
    }
    // A project's own copy of the status names (`HTTP_305_USE_PROXY = 305`) defines the
    // constant: nothing is chosen there.
    if node.parent_node().and_then(|p| p.field("left")) == Some(node) {
        return None;
    }
    let value = code_value(node, cx)?;
    let mut outer = node;
    // Each arm that goes on moves `outer` up to `parent`.
    for parent in syntax::ancestors(node) {
        match parent.kind_name() {
            // Compared, matched, or a key in a mapping: read, not chosen.
            "comparison_operator"
            | "case_pattern"
            | "pair"
            | "dictionary"
            | "set"
            | "decorator" => return None,
            "keyword_argument" | "argument_list" | "parenthesized_expression" => outer = parent,
            _ => break,
        }
    }
    let mut r = Response::seen_whole();
    r.seen_in_part();
    r.body = Body::Unknown;
    if outer.kind_name() == "argument_list" {
        syntax::messages(outer, cx.src, &mut r.messages);
    }
    let chosen = Chosen::exact(node.byte_range(), value.code, value.spelled);
    finish(r, chosen, node, cx, comments)
}

/// Turns a response into a usage with the handler's context and the redirect target.
fn finish(
    r: Response,
    chosen: Chosen,
    site: Node,
    cx: &FileCx,
    comments: &[Comment],
) -> Option<Usage> {
    let mut built = r.into_usage(chosen)?;
    let function = enclosing_function(site);
    let place = Place {
        site,
        function,
        scope: function,
    };
    if let Some(f) = function {
        let route = routes::route_of(f, cx.src);
        built.usage.methods = route.methods;
        if let Some(path) = route.path {
            built.usage.evidence.texts.push((TextSource::Route, path));
        }
        if let Some(class) = syntax::enclosing_class(f) {
            // Methods of a view class are known by their class: `post` alone would join
            // with every other `post` in the project.
            if let Some(name) = class.field("name") {
                let class_name = text(name, cx.src);
                built
                    .usage
                    .evidence
                    .texts
                    .push((TextSource::Handler, class_name.to_string()));
            }
        }
    }
    context::describe::<Python>(&place, comments, cx.src, &mut built.usage);
    if cx.challenge_added(function) && !built.usage.headers.has("www-authenticate") {
        built.usage.headers.add("www-authenticate", None);
        built.usage
            .evidence
            .origin
            .push("Flask-HTTPAuth adds its WWW-Authenticate challenge to what an `@auth.error_handler` returns".into());
    }
    if let Some(f) = function
        && let Some(class) = syntax::enclosing_class(f)
        && let Some(name) = class.field("name")
        && let Some(handler) = &built.usage.handler
    {
        built.usage.handler = Some(format!("{}.{handler}", text(name, cx.src)));
    }
    built.add_messages();
    if let Some(location) = built.location {
        let (target, normalised) = target(location, function, cx);
        built.usage.target = Some(target);
        built.usage.evidence.normalisation = normalised;
    }
    Some(built.usage)
}

/// A redirect target: a literal, an f-string, `url_for(...)`, or a local variable bound
/// to one of these earlier in the function.
fn target(node: Node, function: Option<Node>, cx: &FileCx) -> (Target, Option<String>) {
    let (current, provenance) = follow_bindings(node, cx.src, |id| {
        function.and_then(|f| binding(f, text(id, cx.src), id.start_byte(), cx.src))
    });
    let target = match string_value(current, cx.src) {
        Some(value) if is_template(current, cx.src) => template_target(value.clone(), &value),
        Some(value) => Target::literal(value),
        None => Target::literal(text(current, cx.src).trim()),
    };
    let normalised = normalisation(&provenance, &target);
    (target, normalised)
}

/// The value last assigned to `name` before `before` in the function.
fn binding<'t>(function: Node<'t>, name: &str, before: usize, src: &str) -> Option<Node<'t>> {
    super::last_binding(function, before, |node| {
        (node.kind_name() == "assignment"
            && node.field("left").is_some_and(|l| text(l, src) == name))
        .then(|| node.field("right"))
        .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::{Code, Method};

    fn facts(src: &str) -> FileFacts {
        extract(Path::new("app.py"), src)
    }

    #[test]
    fn flask_redirects_aborts_and_tuples() {
        let f = facts(
            r#"from flask import Flask, redirect, abort, jsonify
app = Flask(__name__)

@app.route("/login", methods=["POST"])
def login():
    if not ok:
        abort(401)
    return redirect("/home")

@app.get("/items/<id>")
def item(id):
    return jsonify(error="not found"), 404
"#,
        );
        let codes: Vec<_> = f.usages.iter().map(|u| u.code.exact().unwrap()).collect();
        assert_eq!(codes, [401, 302, 404]);
        let redirect = &f.usages[1];
        assert!(redirect.implicit);
        assert_eq!(redirect.methods.as_deref(), Some(&[Method::Post][..]));
        assert_eq!(redirect.target.as_ref().unwrap().text, "/home");
        assert!(f.usages[0].headers.complete && !f.usages[0].headers.has("www-authenticate"));
        assert_eq!(f.usages[2].methods.as_deref(), Some(&[Method::Get][..]));
    }

    #[test]
    fn django_permanent_keyword_and_views() {
        let f = facts(
            r#"from django.shortcuts import redirect
from django.views import View
from django.http import HttpResponseNotAllowed

class Legacy(View):
    def post(self, request):
        return redirect("/new/", permanent=True)

def only_get(request):
    return HttpResponseNotAllowed(["GET"])
"#,
        );
        assert_eq!(f.usages[0].code, Code::Exact(301));
        assert_eq!(f.usages[0].methods.as_deref(), Some(&[Method::Post][..]));
        assert_eq!(f.usages[0].handler.as_deref(), Some("Legacy.post"));
        assert!(f.usages[1].headers.has("allow") && f.usages[1].headers.complete);
    }

    #[test]
    fn fastapi_constants_decorators_and_injected_responses() {
        let f = facts(
            r#"from fastapi import FastAPI, HTTPException, Response, status
from fastapi.responses import RedirectResponse
app = FastAPI()

@app.post("/items", status_code=201)
async def create(response: Response):
    response.status_code = status.HTTP_202_ACCEPTED
    raise HTTPException(status_code=401, detail="sign in first", headers={"WWW-Authenticate": "Bearer"})

@app.get("/old")
async def old():
    return RedirectResponse(f"https://example.com{request.url.path}")
"#,
        );
        let codes: Vec<_> = f.usages.iter().map(|u| u.code.exact().unwrap()).collect();
        assert_eq!(codes, [201, 202, 401, 307]);
        assert!(f.usages[2].headers.has("www-authenticate"));
        assert_eq!(
            f.usages[2].named_alternative.as_deref(),
            Some("status.HTTP_401_UNAUTHORIZED")
        );
        assert!(f.usages[2].code_token.is_some());
        let t = f.usages[3].target.as_ref().unwrap();
        assert!(t.keeps_path);
    }

    #[test]
    fn response_variables_are_followed() {
        let f = facts(
            r#"from flask import make_response
def view(request):
    resp = make_response("moved")
    resp.status_code = 301
    resp.headers["Location"] = "/new"
    return resp
"#,
        );
        let u = &f.usages[0];
        assert_eq!(u.code, Code::Exact(301));
        assert!(u.headers.complete && u.headers.has("location"));
    }

    #[test]
    fn comparisons_tests_and_helpers() {
        let f = facts(
            r#"from http import HTTPStatus
from flask import abort
def check(r):
    return r.status_code == HTTPStatus.OK
def test_it(client):
    abort(404)
def helper():
    api_error(HTTPStatus.FORBIDDEN, "sign in first")
"#,
        );
        assert_eq!(f.usages.len(), 1, "{:?}", f.usages);
        assert_eq!(f.usages[0].code, Code::Exact(403));
        assert!(!f.usages[0].headers.complete);
    }

    #[test]
    fn broken_files_are_read_in_part() {
        let f = facts(
            "from flask import abort\ndef broken(: abort(403)\n    pass\ndef a(request):\n    abort(500)\n",
        );
        assert!(
            f.notes.iter().any(|n| n.contains("line 2")),
            "{:?}",
            f.notes
        );
        // The broken line's `abort(403)` and the rest of the file are still read.
        assert_eq!(f.usages.len(), 2, "{:?}", f.usages);
    }

    #[test]
    fn helpers_that_always_raise_and_the_calls_that_may_reach_them() {
        let helpers = extract(
            Path::new("app/errors.py"),
            r#"from fastapi import HTTPException

def forbidden(message):
    """Refuses."""
    raise HTTPException(status_code=403, detail=message)

def require_owner(order, user_id):
    if order["owner"] != user_id:
        raise HTTPException(status_code=403)
"#,
        );
        let fixed = &helpers.summary.fixed_helpers;
        assert_eq!(fixed.len(), 1, "{fixed:?}");
        assert_eq!(fixed[0].key.display(), "app::errors::forbidden");
        assert_eq!((fixed[0].code, fixed[0].line), (403, 3));
        let routes = extract(
            Path::new("app/routes.py"),
            r#"from fastapi import APIRouter
from .errors import forbidden

router = APIRouter()

@router.get("/orders")
async def orders(user_id: int | None = None):
    if user_id is None:
        forbidden("log in first")
    log("seen")
    x = forbidden("assigned, not a statement")
    return []

def not_a_handler():
    forbidden("no handler")
"#,
        );
        let calls = &routes.summary.plain_calls;
        let callees: Vec<String> = calls.iter().map(|c| c.callee.display()).collect();
        assert_eq!(callees, ["app::errors::forbidden", "log"]);
        let texts = &calls[0].usage.evidence.texts;
        assert!(
            texts.contains(&(TextSource::Message, "log in first".into())),
            "{texts:?}"
        );
        assert!(
            texts.iter().any(|(s, _)| *s == TextSource::Condition),
            "{texts:?}"
        );
    }
}
