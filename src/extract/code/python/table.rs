//! The spellings of Python web frameworks (`data/apis/python.toml`).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PythonApis {
    /// Framework name to the modules whose import shows it is used.
    pub frameworks: BTreeMap<String, Vec<String>>,
    pub calls: Vec<CallEntry>,
    pub routing: Routing,
    /// `HTTPStatus` member names.
    pub http_status: BTreeMap<String, u32>,
    /// The `status.HTTP_...` name suggested for each code.
    pub status_names: BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum CallKind {
    Redirect,
    Response,
    Error,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum BodyKind {
    Always,
    Never,
    /// Content when the body argument is given.
    #[default]
    Argument,
}

/// Where a call takes a value: by position, by one of the keywords, or both.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arg {
    pub position: Option<usize>,
    #[serde(default)]
    pub keywords: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallEntry {
    pub call: String,
    pub frameworks: Vec<String>,
    pub kind: CallKind,
    /// What is sent when no code is written; None when the call needs one.
    pub code: Option<u32>,
    #[serde(default)]
    pub code_argument: Arg,
    #[serde(default)]
    pub target_argument: Arg,
    #[serde(default)]
    pub headers_argument: Arg,
    #[serde(default)]
    pub body_argument: Arg,
    #[serde(default)]
    pub body: BodyKind,
    pub permanent_keyword: Option<String>,
    pub permanent_code: Option<u32>,
    #[serde(default)]
    pub adds: Vec<String>,
    #[serde(default)]
    pub header_keywords: BTreeMap<String, String>,
    #[serde(default = "yes")]
    pub seen_whole: bool,
    /// Checked against the real framework by tests/python_frameworks.rs.
    pub probe: String,
    pub expect: Option<u32>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Routing {
    pub method_decorators: Vec<String>,
    pub route_decorators: Vec<String>,
    pub methods_keyword: String,
    pub fixed_method_decorators: BTreeMap<String, Vec<String>>,
    pub method_list_decorators: Vec<String>,
    pub view_base_words: Vec<String>,
    pub view_methods: Vec<String>,
    pub viewset_actions: BTreeMap<String, String>,
    pub url_rules: Vec<String>,
    pub url_rule_view_keyword: String,
    pub url_rule_view_position: usize,
    pub registration_prefixes: Vec<String>,
    pub status_keyword: String,
    pub error_handler_decorators: Vec<String>,
    pub error_handler_catch_all: Vec<String>,
    pub challenge_decorators: Vec<String>,
    pub challenge_modules: Vec<String>,
}

pub static PYTHON_APIS: LazyLock<PythonApis> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../../data/apis/python.toml"))
        .expect("data/apis/python.toml is checked by the test suite")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads_and_every_call_names_a_known_framework() {
        let apis = &*PYTHON_APIS;
        for call in &apis.calls {
            for f in &call.frameworks {
                assert!(apis.frameworks.contains_key(f), "{}: {f}", call.call);
            }
            assert!(
                call.code.is_some()
                    || call.code_argument.position.is_some()
                    || !call.code_argument.keywords.is_empty(),
                "{} has neither a default code nor a code argument",
                call.call
            );
            assert_eq!(
                call.permanent_keyword.is_some(),
                call.permanent_code.is_some(),
                "{}",
                call.call
            );
        }
        assert_eq!(apis.http_status.get("NOT_FOUND"), Some(&404));
        assert_eq!(
            apis.status_names.get("404").map(String::as_str),
            Some("HTTP_404_NOT_FOUND")
        );
    }
}
