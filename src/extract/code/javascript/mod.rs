//! JavaScript and TypeScript handlers (Express, Koa, Fastify, Hono, NestJS, Next.js,
//! SvelteKit, Remix and React Router, Node's http, and the Fetch standard) with
//! tree-sitter-javascript, tree-sitter-typescript and its TSX grammar.
//!
//! Spellings come from `data/apis/javascript.toml`; this module knows only the syntax and
//! hands the rest to the shared code layer. A writer method (`res.status`) is read only
//! on a parameter that is the framework's writer by its type, its place in a handler of an
//! imported framework, or its conventional name; an imported function (`redirect`) only
//! when the file imports it from the framework's module.

mod handed;
mod middleware;
mod response;
mod routes;
mod syntax;
pub mod table;

use super::context::{self, Place};
use super::evidence::{concatenation, follow_bindings, normalisation, template_target};
use super::response::{Chosen, Response};
use super::{Comment, MAX_SITE_DEPTH};
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::knowledge::words;
use crate::summary::{HelperCall, NumberCall};
use crate::usage::{Body, CodeToken, FileFacts, Target, TextSource, Usage};
use response::Writer;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use syntax::{
    Js, arguments, comment_text, enclosing_function, member, method_call, property, string_value,
    text, unwrap_await,
};
use table::{BodyKind, CallEntry, CallKind, JS_APIS, On};
use tree_sitter::Node;

/// Tokens without which a JavaScript file cannot choose a status the tables know. Most
/// files of a front end (components, utilities) have none of them and are not parsed.
/// Two regexes, either of which lets a file through: joined, the words after `\b` made
/// the regex engine's literal search stop at nearly every letter of a front-end file
/// (three times the cost of both apart on the walk benchmark's components).
/// `http-errors` lets in a file that imports it under any name (`createHttpError(401)`), and
/// `Error(` before a code or an options object a project's own error class
/// (`new ApiError(httpStatus.NOT_FOUND, ..)`).
pub const PREFILTER: &[&str] = &[
    r"\.(status|sendStatus|redirect|writeHead|code|throw|assert|json|text|html|body|callNotFound|notFound)\(|statusCode\s*=|\.status\s*=|createError|http-errors|HTTPException|Exception\(|@HttpCode|@Redirect|NextResponse|Response\b|[Rr]edirect\(|StatusCodes\.|HttpStatus\.|Error\(\s*(\w+\.[A-Z][A-Z_]+|[1-5]\d\d\b|\{)",
    r"\b(error|fail|data|notFound)\(",
];

/// Files larger than this are generated or bundled, not handlers: skipped with a note.
const MAX_SOURCE_BYTES: usize = 1024 * 1024;
/// A line longer than this is minified or generated code: the file is skipped with a note.
const MAX_LINE_CHARS: usize = 4000;

/// What the extractor knows of the whole file while it reads one site.
pub struct FileCx<'t> {
    pub src: &'t str,
    /// Local name to the module it is imported from and the name it exports there
    /// (`default` for a default import or `require`, `*` for a namespace).
    imports: HashMap<&'t str, (&'t str, String)>,
    /// Frameworks the file imports.
    frameworks: HashSet<&'static str>,
    /// Local names of the objects that name codes (`StatusCodes`, `httpStatus`), with their
    /// table.
    constants: HashMap<&'t str, &'static table::Constants>,
    /// A `'use server'` file: Next.js answers a server action's `redirect` with 303.
    server_actions: bool,
    /// Names of functions the file hands to the framework: passed to a router call or
    /// exported.
    handler_names: HashSet<&'t str>,
    /// Error classes the file defines (`class ApiError extends Error`).
    classes: HashSet<&'t str>,
}

impl FileCx<'_> {
    pub fn uses(&self, framework: &str) -> bool {
        self.frameworks.contains(framework)
    }

    /// The frameworks whose modules include `module` (`next/server` is Next.js's).
    fn frameworks_of(module: &str) -> impl Iterator<Item = &'static str> + '_ {
        JS_APIS
            .frameworks
            .iter()
            .filter_map(move |(name, modules)| {
                modules
                    .iter()
                    .any(|m| {
                        module == m
                            || module
                                .strip_prefix(m.as_str())
                                .is_some_and(|r| r.starts_with('/'))
                    })
                    .then_some(name.as_str())
            })
    }
}

fn file_cx<'t>(path: &Path, root: Node<'t>, src: &'t str) -> FileCx<'t> {
    let mut cx = FileCx {
        src,
        imports: HashMap::new(),
        frameworks: folder_frameworks(path)
            .chain(project_frameworks(path))
            .collect(),
        constants: HashMap::new(),
        server_actions: false,
        handler_names: HashSet::new(),
        classes: HashSet::new(),
    };
    for (i, item) in syntax::named_children(root).into_iter().enumerate() {
        if i == 0
            && item.kind_name() == "expression_statement"
            && item
                .named_child(0)
                .and_then(|s| string_value(s, src))
                .is_some_and(|s| s == "use server")
        {
            cx.server_actions = true;
        }
        let declared = match item.kind_name() {
            "export_statement" => item.field("declaration"),
            _ => Some(item),
        };
        if let Some(class) = declared.filter(|d| d.kind_name() == "class_declaration")
            && syntax::named_children(class)
                .iter()
                .any(|c| c.kind_name() == "class_heritage")
            && let Some(name) = class.field("name")
        {
            cx.classes.insert(text(name, src));
        }
        match item.kind_name() {
            "import_statement" => import(item, src, &mut cx),
            "lexical_declaration" | "variable_declaration" => {
                for declarator in syntax::named_children(item) {
                    required(declarator, src, &mut cx);
                }
            }
            _ => {}
        }
    }
    cx
}

/// The frameworks a file uses by the folder it is in (`pages/api/login.js` is a Next.js API
/// route, which imports nothing).
fn folder_frameworks(path: &Path) -> impl Iterator<Item = &'static str> + '_ {
    let folders: Vec<&str> = path
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    JS_APIS
        .framework_folders
        .iter()
        .filter(move |(_, within)| {
            within.iter().any(|w| {
                let w: Vec<&str> = w.split('/').collect();
                folders.windows(w.len()).any(|f| f == w.as_slice())
            })
        })
        .map(|(name, _)| name.as_str())
}

/// The frameworks a file uses by the folder it is in at its project's root (`api/hello.ts`
/// of a project with vercel.json). Read of the disk, so one of the `Surroundings`.
pub(crate) fn project_frameworks(path: &Path) -> Vec<&'static str> {
    let file = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mut found = Vec::new();
    for (framework, spec) in &JS_APIS.project_folders {
        // The folder holds the file, or the folder the file is in (`api/users/[id].ts`).
        let root = file
            .ancestors()
            .skip(1)
            .take(3)
            .find(|d| d.file_name().is_some_and(|n| n == spec.folder.as_str()))
            .and_then(Path::parent);
        let Some(root) = root else { continue };
        let manifest = root.join("package.json");
        let marked = spec.files.iter().any(|f| root.join(f).is_file())
            || (std::fs::metadata(&manifest).is_ok_and(|m| m.len() <= MAX_SOURCE_BYTES as u64)
                && std::fs::read_to_string(&manifest)
                    .is_ok_and(|p| p.contains(&format!("\"{}\"", spec.dependency))));
        if marked {
            found.push(framework.as_str());
        }
    }
    found
}

/// `import x, { a as b } from 'm'`, `import * as m from 'm'`.
fn import<'t>(item: Node<'t>, src: &'t str, cx: &mut FileCx<'t>) {
    let Some(module) = item
        .field("source")
        .and_then(|s| src.get(s.start_byte() + 1..s.end_byte().saturating_sub(1)))
    else {
        return;
    };
    let mut stack = vec![item];
    while let Some(node) = stack.pop() {
        match node.kind_name() {
            "import_clause" => {
                for child in syntax::named_children(node) {
                    if child.kind_name() == "identifier" {
                        add_import(cx, text(child, src), module, "default".into());
                    } else {
                        stack.push(child);
                    }
                }
            }
            "namespace_import" => {
                if let Some(name) = node.named_child(0) {
                    add_import(cx, text(name, src), module, "*".into());
                }
            }
            "import_specifier" => {
                let Some(name) = node.field("name") else {
                    continue;
                };
                let local = node.field("alias").unwrap_or(name);
                add_import(cx, text(local, src), module, text(name, src).to_string());
            }
            _ => {
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
        }
    }
}

/// `const x = require('m')`, `const { a, b: c } = require('m')`, `require('m').Router()`.
fn required<'t>(declarator: Node<'t>, src: &'t str, cx: &mut FileCx<'t>) {
    let (Some(name), Some(value)) = (declarator.field("name"), declarator.field("value")) else {
        return;
    };
    let mut call = unwrap_await(value);
    // `require('express').Router()`: the module is used, the name is a router.
    while let Some((inner, _)) = method_call(call, src).or_else(|| member(call, src)) {
        call = inner;
    }
    if call.kind_name() != "call_expression"
        || call
            .field("function")
            .is_none_or(|f| text(f, src) != "require")
    {
        return;
    }
    let Some(module) = arguments(call)
        .first()
        .and_then(|a| (a.kind_name() == "string").then(|| text(*a, src)))
        .and_then(|s| s.get(1..s.len().saturating_sub(1)))
    else {
        return;
    };
    match name.kind_name() {
        "identifier" => add_import(cx, text(name, src), module, "default".into()),
        "object_pattern" => {
            for p in syntax::named_children(name) {
                match p.kind_name() {
                    "shorthand_property_identifier_pattern" => {
                        add_import(cx, text(p, src), module, text(p, src).to_string())
                    }
                    "pair_pattern" => {
                        if let (Some(k), Some(v)) = (p.field("key"), p.field("value")) {
                            add_import(cx, text(v, src), module, text(k, src).to_string());
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

fn add_import<'t>(cx: &mut FileCx<'t>, local: &'t str, module: &'t str, exported: String) {
    cx.frameworks.extend(FileCx::frameworks_of(module));
    for constants in JS_APIS.constants.values() {
        if constants.module == module && exported == constants.object {
            cx.constants.insert(local, constants);
        }
    }
    cx.imports.insert(local, (module, exported));
}

/// Test files check codes; they do not choose them. As for Python and Go, a file is a test
/// when the language's test runners take it for one: by name (`*.test.js`, `*.spec.ts`,
/// `test.js`), or by folder: Node's test runner runs every file under `test/`, Jest every
/// one under `__tests__/`, and `tests/` holds tests and the mock servers and fixtures they
/// answer with (which choose wrong codes on purpose). Type declarations choose nothing.
fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let stem_has = |part: &str| name.split('.').any(|p| p == part);
    stem_has("test")
        || stem_has("spec")
        || stem_has("stories")
        || name.ends_with(".d.ts")
        || super::in_test_folder(path)
}

/// The grammar for a file by its extension: TypeScript, TSX, or JavaScript (with JSX).
fn grammar(path: &Path) -> (&'static str, fn() -> tree_sitter::Language) {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "ts" | "mts" | "cts" => ("typescript", || {
            tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()
        }),
        "tsx" => ("tsx", || tree_sitter_typescript::LANGUAGE_TSX.into()),
        _ => ("javascript", || tree_sitter_javascript::LANGUAGE.into()),
    }
}

pub fn extract(path: &Path, src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    if is_test_file(path) {
        return facts;
    }
    if src.len() > MAX_SOURCE_BYTES {
        facts.notes.push(format!(
            "skipped: more than {} KiB of JavaScript, which is bundled or generated code",
            MAX_SOURCE_BYTES / 1024
        ));
        return facts;
    }
    if let Some(line) = src
        .lines()
        .position(|l| l.len() > MAX_LINE_CHARS && l.chars().count() > MAX_LINE_CHARS)
    {
        facts.notes.push(format!(
            "skipped: line {} is longer than {MAX_LINE_CHARS} characters (minified or generated code)",
            line + 1
        ));
        return facts;
    }
    let (language, grammar) = grammar(path);
    let Some(tree) = super::parse_file(
        language,
        "JavaScript",
        grammar,
        src,
        " (a syntax error, or syntax of a newer or other dialect)",
        &mut facts,
    ) else {
        return facts;
    };
    let root = tree.root_node();
    let nodes = Nodes::collect(root, src);
    let mut cx = file_cx(path, root, src);
    cx.handler_names = routes::handler_names(root, &nodes.calls, src)
        .into_iter()
        .collect();
    for call in &nodes.calls {
        if let Some(reg) = routes::registration(*call, src)
            && let Some(binding) = routes::binding(&reg, src)
        {
            facts.routes.push(binding);
        }
    }
    let comments = &nodes.comments;
    let mut taken: HashSet<usize> = HashSet::new();
    // Each usage with the framework whose error middleware renders it.
    let mut found: Vec<(Usage, Option<&str>)> = Vec::new();
    let sites = nodes
        .calls
        .iter()
        .chain(&nodes.decorators)
        .chain(&nodes.assignments)
        .filter_map(|c| site_usage(*c, &cx, comments));
    for (usage, rendered_by) in sites {
        if taken.insert(usage.span.start) {
            found.push((usage, rendered_by));
        }
    }
    for call in &nodes.calls {
        if let Some(number) = far_number(*call, &cx) {
            facts.summary.numbers.push(number);
        }
        if let Some(usage) = handed_usage(*call, &cx, comments, &taken) {
            taken.insert(usage.span.start);
            found.push((usage, None));
        }
    }
    found.sort_by_key(|(u, _)| u.span.start);
    for (i, (usage, rendered_by)) in found.into_iter().enumerate() {
        if let Some(framework) = rendered_by {
            facts.summary.calls.push(HelperCall {
                usage: i,
                callee: middleware::callee(framework),
                argument: 0,
            });
        }
        facts.usages.push(usage);
    }
    let path_key = path.to_string_lossy();
    for function in &nodes.functions {
        facts
            .summary
            .helpers
            .extend(middleware::helpers(*function, &path_key, &cx));
    }
    if let Some(line) = nodes.too_deep {
        facts.notes.push(format!(
            "line {line}: code nested more than {MAX_SITE_DEPTH} levels deep was skipped"
        ));
    }
    facts
}

/// The nodes of a file worth a second look, found in one walk of the tree.
#[derive(Default)]
struct Nodes<'t> {
    /// Calls and `new` expressions.
    calls: Vec<Node<'t>>,
    decorators: Vec<Node<'t>>,
    /// Assignments to a member (`res.statusCode = 404`).
    assignments: Vec<Node<'t>>,
    /// Functions of four parameters: error middleware, perhaps.
    functions: Vec<Node<'t>>,
    comments: Vec<Comment>,
    too_deep: Option<usize>,
}

impl<'t> Nodes<'t> {
    /// Walks the tree once, skipping imports and type declarations.
    fn collect(root: Node<'t>, src: &str) -> Nodes<'t> {
        let mut nodes = Nodes::default();
        let too_deep = super::walk(root, |node| {
            match node.kind_name() {
                "import_statement" | "interface_declaration" | "type_alias_declaration" => {
                    return false;
                }
                "comment" => nodes.comments.push(Comment {
                    start: node.start_byte(),
                    row: node.start_position().row,
                    text: comment_text(node, src),
                }),
                "call_expression" | "new_expression" => nodes.calls.push(node),
                "decorator" => nodes.decorators.push(node),
                kind if syntax::FUNCTIONS.contains(&kind)
                    && JS_APIS
                        .error_middleware
                        .values()
                        .any(|m| syntax::parameters(node, src).len() == m.arity) =>
                {
                    nodes.functions.push(node)
                }
                "assignment_expression"
                    if node
                        .field("left")
                        .is_some_and(|l| l.kind_name() == "member_expression") =>
                {
                    nodes.assignments.push(node)
                }
                _ => {}
            }
            true
        });
        nodes.too_deep = too_deep;
        nodes
    }
}

/// A code as written: `404`, `StatusCodes.NOT_FOUND`, `HttpStatus.NOT_FOUND`.
pub struct CodeValue {
    pub code: u32,
    pub spelled: String,
    pub bare: bool,
}

/// What an argument in a code position holds.
enum Argument {
    Code(CodeValue),
    /// Not a code: a string, an object without the code key, `undefined`.
    Other,
    /// A value we cannot read (a variable, a call).
    Unknown,
}

pub fn code_value(node: Node, cx: &FileCx) -> Option<CodeValue> {
    let node = unwrap_await(node);
    let written = text(node, cx.src).to_string();
    match node.kind_name() {
        "number" => written.parse().ok().map(|code| CodeValue {
            code,
            spelled: written,
            bare: true,
        }),
        "member_expression" => {
            let (object, name) = member(node, cx.src)?;
            let constants = cx.constants.get(text(object, cx.src))?;
            Some(CodeValue {
                code: *constants.names.get(name)?,
                spelled: written,
                bare: false,
            })
        }
        _ => None,
    }
}

fn argument(node: Node, key: Option<&str>, cx: &FileCx) -> Argument {
    let node = unwrap_await(node);
    if let Some(value) = code_value(node, cx) {
        return Argument::Code(value);
    }
    match node.kind_name() {
        "object" => match key.and_then(|k| property(node, k, cx.src)) {
            Some(v) => match code_value(v, cx) {
                Some(value) => Argument::Code(value),
                None => Argument::Unknown,
            },
            // `{ status: s, ..rest }` may hold a code we cannot see.
            None if text(node, cx.src).contains("...") => Argument::Unknown,
            None => Argument::Other,
        },
        "string" | "template_string" | "undefined" | "binary_expression" => Argument::Other,
        _ => Argument::Unknown,
    }
}

/// The named constant for a bare number, and a fix, when the file imports a module of
/// named codes: bare numbers are the norm in JavaScript, so nothing is offered otherwise.
fn alternative(code: u32, node: Node, cx: &FileCx) -> (Option<String>, Option<CodeToken>) {
    let Some((local, constants)) = cx.constants.iter().min_by_key(|(l, _)| **l) else {
        return (None, None);
    };
    let Some(name) = constants
        .names
        .iter()
        .find(|(_, c)| **c == code)
        .map(|(n, _)| n)
    else {
        return (None, None);
    };
    let spelling = format!("{local}.{name}");
    let token = CodeToken {
        span: node.byte_range(),
        spellings: vec![(code, spelling.clone())],
    };
    (Some(spelling), Some(token))
}

/// What a site is: a table entry, or an error class that carries its code.
#[derive(Clone, Copy)]
enum Site<'t> {
    Entry(&'static CallEntry, Option<Writer<'t>>),
    /// The code and the framework of the class.
    ErrorClass(u32, &'static str),
    /// A project's own error class made with a code (`new ApiError(401, ..)`): the code's
    /// node.
    OwnError(Node<'t>),
    /// A code set on an error after it is made (`const err = new Error(m); err.status =
    /// 401`): the code's node and the `new` expression.
    StatusSet(Node<'t>, Node<'t>),
}

/// The callee of a call, `new` or decorator.
fn callee(node: Node) -> Option<Node> {
    match node.kind_name() {
        "call_expression" => node.field("function"),
        "new_expression" => node.field("constructor"),
        "decorator" => node.named_child(0).and_then(callee),
        _ => None,
    }
}

/// The name an imported callee has in its module (`NextResponse.redirect`, `default`,
/// `default.NotFound`), with the module.
fn imported_name<'t>(node: Node, cx: &FileCx<'t>) -> Option<(&'t str, String)> {
    let (root, rest) = match node.kind_name() {
        "identifier" => (text(node, cx.src), None),
        "member_expression" => {
            let (object, name) = member(node, cx.src)?;
            if object.kind_name() != "identifier" {
                return None;
            }
            (text(object, cx.src), Some(name))
        }
        _ => return None,
    };
    let (module, exported) = cx.imports.get(root)?;
    let name = match (exported.as_str(), rest) {
        ("*", Some(rest)) => rest.to_string(),
        ("*", None) => return None,
        (e, None) => e.to_string(),
        (e, Some(rest)) => format!("{e}.{rest}"),
    };
    Some((module, name))
}

/// The site a call, `new`, decorator or assignment is, if any.
fn site_of<'t>(node: Node<'t>, cx: &FileCx<'t>) -> Option<Site<'t>> {
    let is_new = node.kind_name() == "new_expression";
    if node.kind_name() == "assignment_expression" {
        let left = node.field("left")?;
        let (object, name) = member(left, cx.src)?;
        return writer_entry(object, name, On::Property, node, cx)
            .or_else(|| status_set(node, object, name, cx));
    }
    let function = callee(node)?;
    if is_new && let Some(code) = own_error_code(node, function, cx) {
        return Some(Site::OwnError(code));
    }
    if node.kind_name() == "decorator" {
        let (module, name) = imported_name(function, cx)?;
        let entry = JS_APIS.calls.iter().find(|e| {
            e.on == On::Decorator
                && e.call == name
                && FileCx::frameworks_of(module).any(|f| e.frameworks.iter().any(|x| x == f))
        })?;
        return Some(Site::Entry(entry, None));
    }
    if let Some((module, name)) = imported_name(function, cx) {
        for framework in FileCx::frameworks_of(module) {
            let class = name.strip_prefix("default.").unwrap_or(&name);
            if let Some(code) = JS_APIS.errors.get(framework).and_then(|e| e.get(class)) {
                return Some(Site::ErrorClass(*code, framework));
            }
            if let Some(entry) = JS_APIS.calls.iter().find(|e| {
                e.on == On::Import
                    && e.new == is_new
                    && e.call == name
                    && e.frameworks.iter().any(|f| f == framework)
            }) {
                return Some(Site::Entry(entry, None));
            }
        }
        return None;
    }
    let written = text(function, cx.src);
    let root = written.split('.').next().unwrap_or("");
    if !cx.imports.contains_key(root)
        && let Some(entry) = JS_APIS
            .calls
            .iter()
            .find(|e| e.on == On::Global && e.new == is_new && e.call == written)
    {
        return Some(Site::Entry(entry, None));
    }
    if is_new {
        return None;
    }
    let (mut receiver, name) = member(function, cx.src)?;
    // `res.set('Allow', 'GET').status(405)`: the writer the chain starts from.
    while let Some((inner, _)) = method_call(receiver, cx.src) {
        receiver = inner;
    }
    writer_entry(receiver, name, On::Writer, node, cx)
}

/// The code a project's own error class is made with (`new ApiError(httpStatus.NOT_FOUND,
/// 'User not found')`, `new APIError({ message, status: 401 })`): the class is defined in the
/// file or imported from the project's own module, and named as an error.
fn own_error_code<'t>(node: Node<'t>, class: Node<'t>, cx: &FileCx<'t>) -> Option<Node<'t>> {
    let table = &JS_APIS.own_errors;
    if class.kind_name() != "identifier" || !is_own_error(text(class, cx.src), cx) {
        return None;
    }
    let status = |n: Node<'t>| code_value(n, cx).is_some_and(|v| (100..=599).contains(&v.code));
    arguments(node).into_iter().find_map(|a| {
        if a.kind_name() == "object" {
            return table
                .code_keys
                .iter()
                .find_map(|k| property(a, k, cx.src))
                .filter(|v| status(*v));
        }
        status(a).then_some(a)
    })
}

/// A code set on a local error (`err.status = 401`, `err.statusCode = httpStatus.CONFLICT`)
/// bound to `new Error(..)` or the project's own error class.
fn status_set<'t>(
    node: Node<'t>,
    object: Node<'t>,
    key: &str,
    cx: &FileCx<'t>,
) -> Option<Site<'t>> {
    let table = &JS_APIS.own_errors;
    if object.kind_name() != "identifier" || !table.code_keys.iter().any(|k| k == key) {
        return None;
    }
    let code = node.field("right")?;
    code_value(code, cx).filter(|v| (100..=599).contains(&v.code))?;
    let scope = enclosing_function(node)
        .and_then(|f| f.field("body"))
        .unwrap_or_else(|| handed::root(node));
    let made = binding(scope, text(object, cx.src), node.start_byte(), cx.src)?;
    let class = callee(made).filter(|_| made.kind_name() == "new_expression")?;
    let name = text(class, cx.src);
    (class.kind_name() == "identifier" && (name == "Error" || is_own_error(name, cx)))
        .then_some(Site::StatusSet(code, made))
}

/// True when `name` is a project's own error class: defined in the file or imported from
/// the project's own module, and named as an error.
fn is_own_error(name: &str, cx: &FileCx) -> bool {
    let own = cx.classes.contains(name)
        || cx
            .imports
            .get(name)
            .is_some_and(|(module, _)| module.starts_with('.'));
    own && JS_APIS
        .own_errors
        .suffixes
        .iter()
        .any(|s| name.len() > s.len() && name.ends_with(s.as_str()))
}

/// A method or property of a writer (`res.status`, `ctx.response.redirect`).
fn writer_entry<'t>(
    receiver: Node<'t>,
    name: &str,
    on: On,
    site: Node<'t>,
    cx: &FileCx<'t>,
) -> Option<Site<'t>> {
    let written = text(receiver, cx.src).replace(char::is_whitespace, "");
    for entry in JS_APIS
        .calls
        .iter()
        .filter(|e| e.on == on && e.call == name)
    {
        let Some(root) = written.strip_suffix(entry.via.as_str()) else {
            continue;
        };
        if let Some(w) = writer_named(root, site, cx)
            && entry.frameworks.iter().any(|f| f == w.framework)
        {
            return Some(Site::Entry(entry, Some(w)));
        }
    }
    None
}

/// True when `call` is one the tables read (a writer is not handed over by it).
pub fn is_table_call(call: Node, cx: &FileCx) -> bool {
    site_of(call, cx).is_some()
}

/// The writer `name` is, as a parameter of a function around `site`.
fn writer_named<'t>(name: &str, site: Node<'t>, cx: &FileCx<'t>) -> Option<Writer<'t>> {
    let mut current = enclosing_function(site);
    while let Some(function) = current {
        let params = syntax::parameters(function, cx.src);
        if let Some(position) = params.iter().position(|(n, _)| *n == Some(name)) {
            let ty = params[position].1;
            let framework = writer_framework(name, position, ty, function, cx)?;
            return Some(Writer {
                name: params[position].0?,
                framework,
                declared_in: function,
                in_handler: JS_APIS.writers[framework].positions.contains(&position),
            });
        }
        current = enclosing_function(function);
    }
    None
}

/// Which framework's writer a parameter of `function` is: by its type in a file that
/// imports the framework, by its place in a function the file hands to the framework
/// (`routes::in_handler_place`) in a file that imports one, or by its name.
fn writer_framework(
    name: &str,
    position: usize,
    ty: Option<&str>,
    function: Node,
    cx: &FileCx,
) -> Option<&'static str> {
    let writers = || JS_APIS.writers.iter().map(|(f, w)| (f.as_str(), w));
    if let Some(ty) = ty {
        return writers()
            .find(|(f, w)| cx.uses(f) && w.types.iter().any(|t| t == ty))
            .map(|(f, _)| f);
    }
    let imported: Vec<_> = writers()
        .filter(|(f, w)| cx.uses(f) && w.positions.contains(&position))
        .collect();
    if !imported.is_empty()
        && routes::in_handler_place(function, cx)
        && let Some((f, _)) = imported
            .iter()
            .find(|(_, w)| w.names.iter().any(|n| n == name))
            .or(imported.first())
    {
        return Some(f);
    }
    let named = |(_, w): &(&str, &table::Writer)| w.names.iter().any(|n| n == name);
    if writers().any(|(f, _)| cx.uses(f)) && !cx.uses("express") {
        // A file of another framework: only its own conventional names mean a writer.
        return writers()
            .filter(|(f, _)| cx.uses(f))
            .find(named)
            .map(|(f, _)| f);
    }
    writers().find(named).map(|(f, _)| f)
}

/// The usage a site makes, with the framework whose error middleware renders it, if any.
fn site_usage(
    node: Node,
    cx: &FileCx,
    comments: &[Comment],
) -> Option<(Usage, Option<&'static str>)> {
    let site = site_of(node, cx)?;
    // An own error made outside a handler (a service, a passport callback) reaches the
    // error middleware when it is thrown or handed on, uncaught; one a `catch` around
    // takes is no response at all.
    let own_fate = match site {
        Site::OwnError(_) => Some(handed::fate(node, node.start_byte(), cx.src)),
        // Only a code set before the error leaves is sent.
        Site::StatusSet(_, made) => match handed::fate(made, node.end_byte(), cx.src) {
            handed::Fate::Reaches => Some(handed::Fate::Reaches),
            _ => return None,
        },
        _ => None,
    };
    if own_fate == Some(handed::Fate::Caught) {
        return None;
    }
    let in_handler = match site {
        Site::Entry(entry, None) if entry.kind == CallKind::Error => entry
            .frameworks
            .iter()
            .find_map(|f| middleware::renders(f, node, cx)),
        Site::ErrorClass(_, framework) => middleware::renders(framework, node, cx),
        Site::OwnError(_) | Site::StatusSet(..) => {
            middleware::renders(&JS_APIS.own_errors.name, node, cx)
        }
        Site::Entry(..) => None,
    };
    let rendered_by = in_handler.or_else(|| {
        (own_fate == Some(handed::Fate::Reaches))
            .then(|| middleware::renderer(&JS_APIS.own_errors.name))
            .flatten()
    });
    let usage = match site {
        Site::Entry(entry, writer) => entry_usage(node, entry, writer, cx, comments),
        Site::ErrorClass(code, _) => {
            let spelled = format!("{}(..)", text(callee(node)?, cx.src));
            let chosen = Chosen::exact(node.byte_range(), code, spelled).implicit(true);
            error_usage(node, chosen, cx, comments)
        }
        Site::OwnError(code) => {
            let value = code_value(code, cx)?;
            // A bare number is a status only in a handler, where error middleware answers
            // it: far from one, `new TimeoutError(500)` may count anything.
            if value.bare && in_handler.is_none() {
                return None;
            }
            let spelled = format!("{}(.., {})", text(callee(node)?, cx.src), value.spelled);
            let chosen = Chosen::exact(code.byte_range(), value.code, spelled)
                .named(value.bare.then(|| alternative(value.code, code, cx)));
            error_usage(node, chosen, cx, comments)
        }
        Site::StatusSet(code, made) => {
            let value = code_value(code, cx)?;
            let spelled = format!("{} = {}", text(node.field("left")?, cx.src), value.spelled);
            let chosen = Chosen::exact(code.byte_range(), value.code, spelled)
                .named(value.bare.then(|| alternative(value.code, code, cx)));
            error_usage(made, chosen, cx, comments)
        }
    }?;
    Some((usage, rendered_by))
}

/// A bare number an own error is made with far from any handler (`throw new
/// HttpException(422, ..)` in a service), when the error reaches the error middleware
/// uncaught: a status once the index finds error middleware that sends the error's own
/// code, and a count of something else (`new TimeoutError(500)`) in a project without.
fn far_number(node: Node, cx: &FileCx) -> Option<NumberCall> {
    let Some(Site::OwnError(code)) = site_of(node, cx) else {
        return None;
    };
    let value = code_value(code, cx).filter(|v| v.bare)?;
    let own = &JS_APIS.own_errors.name;
    if middleware::renders(own, node, cx).is_some()
        || handed::fate(node, node.start_byte(), cx.src) != handed::Fate::Reaches
    {
        return None;
    }
    let mut messages = Vec::new();
    for a in arguments(node) {
        syntax::messages(a, cx.src, &mut messages);
    }
    Some(NumberCall {
        span: code.byte_range(),
        code: value.code,
        spelled: format!("{}(.., {})", text(callee(node)?, cx.src), value.spelled),
        callee: middleware::callee(middleware::renderer(own)?),
        argument: middleware::OWN_CODE,
        messages,
        handler: None,
    })
}

/// An error made with its code (`new NotFoundException(msg)`, `new ApiError(404, msg)`):
/// thrown or passed on, and answered with a body by code we cannot see here.
fn error_usage(node: Node, chosen: Chosen, cx: &FileCx, comments: &[Comment]) -> Option<Usage> {
    let mut r = Response::seen_whole();
    r.seen_in_part();
    r.body = Body::Present;
    for a in arguments(node) {
        syntax::messages(a, cx.src, &mut r.messages);
    }
    finish(r, chosen, node, cx, comments)
}

/// The arguments of a site: a call's, a decorator's call's, or an assignment's value.
fn site_arguments(node: Node) -> Vec<Node> {
    match node.kind_name() {
        "assignment_expression" => node.field("right").into_iter().collect(),
        "decorator" => node.named_child(0).map(arguments).unwrap_or_default(),
        _ => arguments(node),
    }
}

fn entry_usage(
    node: Node,
    entry: &'static CallEntry,
    writer: Option<Writer>,
    cx: &FileCx,
    comments: &[Comment],
) -> Option<Usage> {
    // Next.js answers a server action's `redirect` with 303, not the route handler's 307.
    if cx.server_actions && entry.frameworks.iter().any(|f| f == "next") {
        return None;
    }
    if entry.on == On::Property
        && let Some(w) = &writer
        && sets_redirect_code(node, w, cx)
    {
        return None;
    }
    let mut args = site_arguments(node);
    if entry.code_key.is_some() {
        for p in &entry.code_argument {
            if let Some(arg) = args.get_mut(*p)
                && let Some(object) = held_object(*arg, node, cx.src)
            {
                *arg = object;
            }
        }
    }
    let mut chosen_at = None;
    let mut code = None;
    for p in &entry.code_argument {
        let Some(arg) = args.get(*p) else { continue };
        match argument(*arg, entry.code_key.as_deref(), cx) {
            Argument::Code(value) => {
                chosen_at = Some((*p, *arg));
                code = Some(value);
                break;
            }
            Argument::Other => {}
            // A lone target in a place a code may take (`res.redirect(url)`).
            Argument::Unknown
                if entry.target_argument.contains(p)
                    && !entry
                        .target_argument
                        .iter()
                        .any(|t| t != p && args.get(*t).is_some()) => {}
            Argument::Unknown => return None,
        }
    }
    let callee_text = match node.kind_name() {
        "assignment_expression" => {
            format!("{} = ", text(node.field("left")?, cx.src))
        }
        _ => text(callee(node)?, cx.src).to_string(),
    };
    let (mut code, mut span, mut spelled, implicit, bare) = match (&code, chosen_at) {
        (Some(value), Some((_, arg))) => {
            let spelled = if node.kind_name() == "assignment_expression" {
                format!("{callee_text}{}", value.spelled)
            } else {
                format!("{callee_text}(.., {})", value.spelled)
            };
            (value.code, arg, spelled, false, value.bare.then_some(arg))
        }
        _ => (entry.code?, node, format!("{callee_text}(..)"), true, None),
    };
    if implicit && entry.default_if_unset && !writer.is_some_and(|w| default_holds(&w, cx)) {
        return None;
    }
    let mut r = Response::seen_whole();
    match &writer {
        Some(w) if entry.body == BodyKind::Assigned => {
            r.headers = response::headers_in_handler(w, node, cx)
        }
        Some(w) => r.headers = response::headers_before(w, node, cx),
        None if entry.kind == CallKind::Error => r.seen_in_part(),
        None if entry.kind == CallKind::Response && !routes::is_returned(node) => r.seen_in_part(),
        None => {}
    }
    // Koa keeps a redirect code set on the context (`ctx.status = 301; ctx.redirect(..)`).
    if entry.keeps_set_code
        && let Some(w) = &writer
        && let Some((set, value)) = redirect_status_set(w, cx)
    {
        code = value.code;
        span = set;
        spelled = format!("{} then {callee_text}(..)", text(set, cx.src));
    }
    if entry.kind == CallKind::Redirect {
        let target = entry
            .target_argument
            .iter()
            .filter(|t| chosen_at.is_none_or(|(p, _)| p != **t))
            .find_map(|t| args.get(*t).copied());
        r.locate(target);
    }
    for p in &entry.headers_argument {
        let Some(arg) = args.get(*p) else { continue };
        if chosen_at.is_some_and(|(c, _)| c == *p) && entry.headers_key.is_none() {
            continue;
        }
        let fields = match &entry.headers_key {
            Some(key) if arg.kind_name() == "object" => property(*arg, key, cx.src),
            Some(_) => {
                r.headers.complete = false;
                None
            }
            None => Some(*arg),
        };
        match fields {
            Some(f) if f.kind_name() == "object" => response::add_object(f, cx.src, &mut r.headers),
            // A code passed in the headers' place (`writeHead(200, 'OK', {..})`).
            Some(f) if f.kind_name() == "string" => continue,
            Some(_) => r.headers.complete = false,
            None => {}
        }
        break;
    }
    for header in &entry.adds {
        r.headers.add(header, None);
    }
    r.body = match entry.body {
        BodyKind::Always => Body::Present,
        BodyKind::Never => Body::Absent,
        BodyKind::Argument => response::content_of(
            entry.body_argument.and_then(|i| args.get(i).copied()),
            cx.src,
        ),
        BodyKind::StatusText | BodyKind::Assigned if matches!(code, 100..=199 | 204 | 304) => {
            Body::Absent
        }
        BodyKind::StatusText => Body::Present,
        BodyKind::Assigned => match &writer {
            // The next middleware may answer instead.
            Some(w) if w.in_handler && is_handler(w, cx) && !response::calls_next(w, cx) => {
                response::assigned_body(node, w, cx, &mut r.messages).unwrap_or(Body::Present)
            }
            _ => Body::Unknown,
        },
        BodyKind::Chain => match &writer {
            Some(w) => response::chain(node, w, cx, &mut r.headers, &mut r.messages),
            None => Body::Unknown,
        },
        BodyKind::Unknown => Body::Unknown,
    };
    if r.body == Body::Unknown {
        // The response is finished by code after this one.
        r.seen_in_part();
    }
    for i in &entry.message_arguments {
        if let Some(arg) = args.get(*i)
            && chosen_at.is_none_or(|(p, _)| p != *i)
        {
            syntax::messages(*arg, cx.src, &mut r.messages);
        }
    }
    if !entry.seen_whole {
        r.seen_in_part();
    }
    let chosen = Chosen::exact(span.byte_range(), code, spelled)
        .implicit(implicit)
        .named(bare.map(|n| alternative(code, n, cx)));
    finish(r, chosen, node, cx, comments)
}

/// True when the function that declares a writer is a handler, which answers itself: a
/// route's inline function, or one whose parameters are the writer and perhaps `next`
/// (`async (ctx) => ..`). A helper `deny(ctx, why)` or `fail(c, msg)` finishes a response
/// its caller may add to.
fn is_handler(w: &Writer, cx: &FileCx) -> bool {
    if routes::inline_route(w.declared_in, cx.src).is_some() {
        return true;
    }
    match syntax::parameters(w.declared_in, cx.src).as_slice() {
        [_] => true,
        [_, (next, _)] => *next == Some("next"),
        _ => false,
    }
}

/// True when a call's default code is what a writer sends: in a handler, with no code set
/// on the writer before (`c.status(404)` then `c.json(..)` sends 404).
fn default_holds(w: &Writer, cx: &FileCx) -> bool {
    if !is_handler(w, cx) {
        return false;
    }
    let mut stack = vec![w.declared_in];
    while let Some(node) = stack.pop() {
        if matches!(
            node.kind_name(),
            "call_expression" | "assignment_expression"
        ) && let Some(Site::Entry(e, Some(other))) = site_of(node, cx)
            && other.name == w.name
            && e.code.is_none()
            && e.body == BodyKind::Unknown
        {
            return false;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    true
}

/// `ctx.status = 301` on the writer, in the function that declares it, with a redirect code.
fn redirect_status_set<'t>(w: &Writer<'t>, cx: &FileCx<'t>) -> Option<(Node<'t>, CodeValue)> {
    let mut stack = vec![w.declared_in.field("body")?];
    while let Some(node) = stack.pop() {
        if node.kind_name() == "assignment_expression"
            && let Some(Site::Entry(e, Some(other))) = site_of(node, cx)
            && e.on == On::Property
            && other.name == w.name
            && let Some(value) = node.field("right").and_then(|v| code_value(v, cx))
            && matches!(value.code, 300..=399)
        {
            return Some((node, value));
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    None
}

/// True when a status assignment is the code of a redirect in the same function that keeps
/// it (Koa's), which reports it.
fn sets_redirect_code(node: Node, w: &Writer, cx: &FileCx) -> bool {
    let mut stack = vec![w.declared_in];
    while let Some(n) = stack.pop() {
        if n.kind_name() == "call_expression"
            && let Some(Site::Entry(e, Some(other))) = site_of(n, cx)
            && e.keeps_set_code
            && other.name == w.name
        {
            return redirect_status_set(w, cx).is_some_and(|(set, _)| set.id() == node.id());
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    false
}

/// A code handed to code we cannot see, beside a writer (`sendError(res, 401, 'sign in
/// first')`) or named by a constant (`fail(StatusCodes.FORBIDDEN)`): the code and the
/// messages beside it are known, the response is not.
fn handed_usage(
    call: Node,
    cx: &FileCx,
    comments: &[Comment],
    taken: &HashSet<usize>,
) -> Option<Usage> {
    if call.kind_name() != "call_expression" || site_of(call, cx).is_some() {
        return None;
    }
    let args = arguments(call);
    let (arg, value) = args.iter().find_map(|a| {
        let value = code_value(*a, cx)?;
        (!taken.contains(&a.start_byte())).then_some((*a, value))
    })?;
    let beside_writer = args.iter().any(|a| {
        a.kind_name() == "identifier" && writer_named(text(*a, cx.src), call, cx).is_some()
    });
    if value.bare && !(beside_writer && (100..=599).contains(&value.code)) {
        return None;
    }
    // A code inside a table call's payload reports it; it does not choose.
    let mut up = call.parent_node();
    while let Some(a) = up {
        if matches!(a.kind_name(), "call_expression" | "new_expression") && site_of(a, cx).is_some()
        {
            return None;
        }
        up = a.parent_node();
    }
    let mut r = Response::seen_whole();
    r.seen_in_part();
    for a in &args {
        syntax::messages(*a, cx.src, &mut r.messages);
    }
    let spelled = format!("{}(.., {})", text(callee(call)?, cx.src), value.spelled);
    let chosen = Chosen::exact(arg.byte_range(), value.code, spelled);
    finish(r, chosen, call, cx, comments)
}

/// The function a site belongs to, with the methods and path its route gives it.
struct Handler<'t> {
    function: Option<Node<'t>>,
    methods: Option<Vec<crate::usage::Method>>,
    path: Option<String>,
}

fn handler_of<'t>(site: Node<'t>, cx: &FileCx<'t>) -> Handler<'t> {
    let around = routes::functions_around(site);
    for f in &around {
        if let Some(reg) = routes::inline_route(*f, cx.src) {
            return Handler {
                function: Some(*f),
                methods: reg.methods,
                path: reg.path,
            };
        }
        if let Some((methods, path)) = routes::nest_route(*f, cx) {
            return Handler {
                function: Some(*f),
                methods: Some(methods),
                path,
            };
        }
        if let Some(methods) = routes::exported_method(*f, cx) {
            return Handler {
                function: Some(*f),
                methods: Some(methods),
                path: None,
            };
        }
    }
    // A decorator belongs to the method it decorates.
    if site.kind_name() == "decorator"
        && let Some(method) = decorated(site)
    {
        if let Some((methods, path)) = routes::nest_route(method, cx) {
            return Handler {
                function: Some(method),
                methods: Some(methods),
                path,
            };
        }
        return Handler {
            function: Some(method),
            methods: None,
            path: None,
        };
    }
    Handler {
        function: around
            .iter()
            .find(|f| <Js as super::Syntax>::function_name(**f, cx.src).is_some())
            .copied(),
        methods: None,
        path: None,
    }
}

/// The method a decorator is written on.
fn decorated(decorator: Node) -> Option<Node> {
    if let Some(p) = decorator
        .parent_node()
        .filter(|p| p.kind_name() == "method_definition")
    {
        return Some(p);
    }
    let mut next = decorator.next_named_sibling();
    while let Some(n) = next {
        match n.kind_name() {
            "method_definition" => return Some(n),
            "decorator" | "comment" => next = n.next_named_sibling(),
            _ => return None,
        }
    }
    None
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
    let handler = handler_of(site, cx);
    let scope = enclosing_function(site).or(handler.function);
    built.usage.methods = handler.methods;
    if let Some(path) = handler.path {
        built.usage.evidence.texts.push((TextSource::Route, path));
    }
    if let Some(s) = scope
        && let Some(methods) = routes::checked_methods(s, site, cx.src)
    {
        built.usage.methods = Some(methods);
    }
    let place = Place {
        site,
        function: handler.function,
        scope,
    };
    context::describe::<Js>(&place, comments, cx.src, &mut built.usage);
    built.add_messages();
    if let Some(location) = built.location {
        let (target, normalised) = target(location, scope, cx);
        built.usage.target = Some(target);
        built.usage.evidence.normalisation = normalised;
    }
    Some(built.usage)
}

/// A redirect target: a literal, a template, a concatenation, `new URL(path, base)`, or a
/// local variable bound to one of these earlier in the function.
fn target(node: Node, function: Option<Node>, cx: &FileCx) -> (Target, Option<String>) {
    let (current, provenance) = follow_bindings(node, cx.src, |id| {
        function.and_then(|f| binding(f, text(id, cx.src), id.start_byte(), cx.src))
    });
    let current = unwrap_await(current);
    let uses = js_identifiers(text(current, cx.src));
    let target = if let Some(value) = string_value(current, cx.src) {
        Target::literal(value)
    } else if let Some((template, used)) = syntax::template(current, cx.src) {
        template_target(template, &js_identifiers(&used))
    } else if current.kind_name() == "binary_expression" {
        let mut template = String::new();
        concatenation::<Js>(current, cx.src, &mut template);
        template_target(template, &uses)
    } else if current.kind_name() == "new_expression"
        && current
            .field("constructor")
            .is_some_and(|c| text(c, cx.src) == "URL")
        && let Some(path) = arguments(current)
            .first()
            .and_then(|a| string_value(*a, cx.src))
    {
        Target::literal(path)
    } else {
        template_target(text(current, cx.src).trim().to_string(), &uses)
    };
    let normalised = normalisation(&provenance, &target);
    (target, normalised)
}

/// JavaScript's identifiers as the shared layer names request parts: `url.pathname` reads
/// `url path`, and `req.originalUrl` and the request's `url` (Node's path and query) read
/// `request_uri`.
fn js_identifiers(written: &str) -> String {
    let mut out: Vec<String> = written
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            // The URL API's and Express's names for the request's path.
            "pathname" => "path".to_string(),
            "originalUrl" => "request_uri".to_string(),
            _ => words(w).join("_"),
        })
        .collect();
    if REQUEST_URL.is_match(written) {
        out.push("request_uri".into());
    }
    out.join(" ")
}

static REQUEST_URL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\b(req|request|ctx)\.url\b").expect("valid regex")
});

/// The object literal an options argument names when it is a local bound once and never
/// changed (`const init = { status: 401 }; .. new Response(body, init)`): a second binding,
/// an assignment or a write to one of its fields (`init.status = 500`) may change its code.
fn held_object<'t>(arg: Node<'t>, site: Node<'t>, src: &str) -> Option<Node<'t>> {
    if arg.kind_name() != "identifier" {
        return None;
    }
    let name = text(arg, src);
    let scope = enclosing_function(site)
        .and_then(|f| f.field("body"))
        .filter(|body| declares(*body, name, src))
        .unwrap_or_else(|| handed::root(site));
    let mut value = None;
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        match node.kind_name() {
            "variable_declarator" if node.field("name").is_some_and(|n| text(n, src) == name) => {
                if value.is_some() || node.start_byte() > site.start_byte() {
                    return None;
                }
                value = Some(node.field("value")?);
            }
            "assignment_expression" | "augmented_assignment_expression"
                if node.field("left").is_some_and(|l| {
                    let l = text(l, src);
                    l == name
                        || l.strip_prefix(name)
                            .is_some_and(|r| r.starts_with(['.', '[']))
                }) =>
            {
                return None;
            }
            "call_expression"
                if node
                    .field("function")
                    .is_some_and(|f| text(f, src) == "Object.assign")
                    && arguments(node)
                        .first()
                        .is_some_and(|a| text(*a, src) == name) =>
            {
                return None;
            }
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    value.filter(|v| v.kind_name() == "object")
}

/// True when `name` is declared somewhere in `scope`.
fn declares(scope: Node, name: &str, src: &str) -> bool {
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        if node.kind_name() == "variable_declarator"
            && node.field("name").is_some_and(|n| text(n, src) == name)
        {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// The value last bound to `name` before `before` in the function.
fn binding<'t>(function: Node<'t>, name: &str, before: usize, src: &str) -> Option<Node<'t>> {
    super::last_binding(function, before, |node| match node.kind_name() {
        "variable_declarator" => {
            let left = node.field("name")?;
            (text(left, src) == name)
                .then(|| node.field("value"))
                .flatten()
        }
        "assignment_expression" => {
            let left = node.field("left")?;
            (text(left, src).trim() == name)
                .then(|| node.field("right"))
                .flatten()
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests;
