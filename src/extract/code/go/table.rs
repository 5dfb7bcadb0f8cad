//! The spellings of Go web frameworks (`data/apis/go.toml`).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoApis {
    /// Framework name to the import path that shows it is used.
    pub frameworks: BTreeMap<String, String>,
    pub writers: BTreeMap<String, Writer>,
    pub constant_frameworks: Vec<String>,
    pub calls: Vec<CallEntry>,
    pub facts: Vec<Fact>,
    pub headers: Vec<HeaderSetter>,
    pub routing: Routing,
    pub status_names: BTreeMap<String, u32>,
}

/// The types a framework's handlers write through.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Writer {
    pub types: Vec<String>,
    /// The parameter types of a handler, in order.
    pub handler: Vec<String>,
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
    Package,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum BodyKind {
    Always,
    Never,
    Argument,
    Later,
    /// The reason phrase, which the server drops for codes that carry no content.
    StatusText,
}

/// fiber v3's `c.Redirect().Status(301).To("/new")`: the code comes from one method of
/// the chain and the response is sent by another.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Builder {
    /// The method whose first argument is the code (absent: `code` is sent).
    pub code_method: String,
    /// The methods that send the response; the first argument of each is the target.
    pub send_methods: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallEntry {
    pub call: String,
    pub on: On,
    #[serde(default)]
    pub via: String,
    pub framework: String,
    pub kind: CallKind,
    pub code: Option<u32>,
    pub code_argument: Option<usize>,
    pub target_argument: Option<usize>,
    pub body_argument: Option<usize>,
    #[serde(default)]
    pub message_arguments: Vec<usize>,
    pub body: BodyKind,
    #[serde(default)]
    pub adds: Vec<String>,
    #[serde(default = "yes")]
    pub seen_whole: bool,
    /// Checked against the real framework by tests/go_frameworks.rs.
    pub probe: Option<String>,
    pub expect: Option<u32>,
    /// Where the fact comes from, for a framework Debian does not package.
    pub cited: Option<String>,
    /// The call takes no argument and returns a builder that sends the response later.
    pub builder: Option<Builder>,
}

fn yes() -> bool {
    true
}

/// A fact beyond a call's code, checked by running `probe`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub framework: String,
    pub fact: String,
    pub probe: String,
    pub expect: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderSetter {
    pub framework: String,
    pub via: String,
    pub methods: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Routing {
    pub method_named: Vec<String>,
    pub pattern_calls: Vec<String>,
    pub methods_call: String,
    pub method_first: Vec<String>,
    pub method_field: String,
}

pub static GO_APIS: LazyLock<GoApis> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../../data/apis/go.toml"))
        .expect("data/apis/go.toml is checked by the test suite")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads_and_every_entry_is_checked_or_cited() {
        let apis = &*GO_APIS;
        for call in &apis.calls {
            assert!(
                apis.frameworks.contains_key(&call.framework),
                "{}",
                call.call
            );
            if call.on == On::Writer {
                assert!(apis.writers.contains_key(&call.framework), "{}", call.call);
            }
            assert!(
                call.probe.is_some() != call.cited.is_some(),
                "{} ({}) needs a probe or, when not packaged, a citation",
                call.call,
                call.framework
            );
            assert_eq!(
                call.body == BodyKind::Argument,
                call.body_argument.is_some()
            );
        }
        for f in apis
            .constant_frameworks
            .iter()
            .chain(apis.headers.iter().map(|h| &h.framework))
        {
            assert!(apis.frameworks.contains_key(f), "{f}");
        }
        assert_eq!(apis.status_names.get("StatusNotFound"), Some(&404));
    }
}
