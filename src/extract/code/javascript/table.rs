//! The spellings of JavaScript and TypeScript web frameworks (`data/apis/javascript.toml`).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsApis {
    /// Framework name to the modules whose import shows it is used.
    pub frameworks: BTreeMap<String, Vec<String>>,
    /// Framework to the folders whose files use it without importing it (`pages/api`).
    pub framework_folders: BTreeMap<String, Vec<String>>,
    /// Framework to the folder at a project's root whose files use it (Vercel's `api/`).
    pub project_folders: BTreeMap<String, ProjectFolder>,
    pub writers: BTreeMap<String, Writer>,
    pub calls: Vec<CallEntry>,
    pub headers: Vec<HeaderSetter>,
    pub header_methods: BTreeMap<String, String>,
    pub routing: Routing,
    pub constants: BTreeMap<String, Constants>,
    /// Framework to error class to the code it carries.
    pub errors: BTreeMap<String, BTreeMap<String, u32>>,
    /// Framework to how its error middleware is written.
    pub error_middleware: BTreeMap<String, ErrorMiddleware>,
    pub own_errors: OwnErrors,
}

/// A folder at the root of a project that uses a framework: the project holds one of
/// `files` or its package.json depends on `dependency`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectFolder {
    pub folder: String,
    pub files: Vec<String>,
    pub dependency: String,
}

/// A project's own error classes that carry a code (`new ApiError(401, ..)`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnErrors {
    /// The name `renders` of error middleware calls them by.
    pub name: String,
    /// How their names end (`ApiError`, `HttpException`).
    pub suffixes: Vec<String>,
    /// The keys of an options object that hold the code (`new APIError({ status })`).
    pub code_keys: Vec<String>,
    /// The calls that hand an error on to whoever answers it (`next(err)`, `reject(err)`).
    pub handed_to: Vec<String>,
}

/// Error middleware (Express's `(err, req, res, next)`): a function of `arity` parameters,
/// the error at `error` and the writer at `writer`, that renders the errors of `renders`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorMiddleware {
    pub arity: usize,
    pub error: usize,
    pub writer: usize,
    pub renders: Vec<String>,
}

/// How a handler's writer parameter is recognised.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Writer {
    pub positions: Vec<usize>,
    pub names: Vec<String>,
    pub types: Vec<String>,
    /// The properties a handler assigns the body to (Koa's `ctx.body`, `ctx.response.body`).
    #[serde(default)]
    pub bodies: Vec<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum CallKind {
    Redirect,
    Response,
    Error,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum On {
    Writer,
    Property,
    Import,
    Global,
    Decorator,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum BodyKind {
    Always,
    Never,
    Argument,
    Chain,
    StatusText,
    /// What the handler assigns to the writer's `body` (Koa's `ctx.body = ..`) in the block
    /// of the site, else the reason phrase: the framework sends the response when the
    /// handler returns, with every header set on the writer in it.
    Assigned,
    Unknown,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallEntry {
    pub call: String,
    pub on: On,
    #[serde(default)]
    pub new: bool,
    #[serde(default)]
    pub via: String,
    pub frameworks: Vec<String>,
    pub kind: CallKind,
    pub code: Option<u32>,
    #[serde(default)]
    pub code_argument: Vec<usize>,
    pub code_key: Option<String>,
    #[serde(default)]
    pub target_argument: Vec<usize>,
    #[serde(default)]
    pub headers_argument: Vec<usize>,
    pub headers_key: Option<String>,
    pub body_argument: Option<usize>,
    #[serde(default)]
    pub message_arguments: Vec<usize>,
    pub body: BodyKind,
    #[serde(default)]
    pub adds: Vec<String>,
    #[serde(default = "yes")]
    pub seen_whole: bool,
    /// A redirect code set on the writer before (`ctx.status = 301`) is kept.
    #[serde(default)]
    pub keeps_set_code: bool,
    /// The default `code` holds only in a handler that sets no code on the writer first
    /// (Hono's `c.status(404)` then `c.json(..)` sends 404).
    #[serde(default)]
    pub default_if_unset: bool,
    /// Checked against the real framework by tests/node_frameworks.rs.
    pub probe: String,
    pub expect: Option<u32>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderSetter {
    pub frameworks: Vec<String>,
    pub via: String,
    pub methods: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Routing {
    pub methods: Vec<String>,
    pub route_call: String,
    /// The call that mounts middleware (`app.use(auth)`).
    pub use_call: String,
    pub option_keys: OptionKeys,
    pub decorators: BTreeMap<String, String>,
    pub form_actions: String,
    /// Framework to the exports of a route module and the methods each answers (Remix's
    /// `action` and `loader`).
    pub module_exports: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    pub clients: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionKeys {
    pub method: String,
    pub path: Vec<String>,
    pub handler: String,
}

/// A module of named codes (`StatusCodes.NOT_FOUND`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constants {
    pub module: String,
    /// The export that holds them (`default`: the module itself).
    pub object: String,
    pub names: BTreeMap<String, u32>,
}

pub static JS_APIS: LazyLock<JsApis> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../../data/apis/javascript.toml"))
        .expect("data/apis/javascript.toml is checked by the test suite")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads_and_names_known_frameworks() {
        let apis = &*JS_APIS;
        for call in &apis.calls {
            for f in &call.frameworks {
                assert!(apis.frameworks.contains_key(f), "{} names {f}", call.call);
                if matches!(call.on, On::Writer | On::Property) {
                    assert!(apis.writers.contains_key(f), "{} on {f}", call.call);
                }
            }
            assert!(
                call.code.is_some() || !call.code_argument.is_empty(),
                "{}",
                call.call
            );
            assert_eq!(
                call.body == BodyKind::Argument,
                call.body_argument.is_some(),
                "{}",
                call.call
            );
            assert!(call.kind != CallKind::Redirect || !call.target_argument.is_empty());
        }
        for f in apis.headers.iter().flat_map(|h| &h.frameworks) {
            assert!(apis.writers.contains_key(f), "{f}");
        }
        for f in apis.errors.keys() {
            assert!(apis.frameworks.contains_key(f), "{f}");
        }
        assert_eq!(apis.constants["nest"].names.get("NOT_FOUND"), Some(&404));
    }
}
