//! The project's knowledge of HTTP, loaded from `data/` (embedded at compile time).
//!
//! Rules and extractors read these tables instead of hard-coding codes and names.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// One registered status code (`data/status-codes.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusInfo {
    pub code: u32,
    pub reason: String,
    pub source: String,
    pub class: String,
    pub registry: Registry,
    pub body: BodyRule,
    pub required_headers: Vec<String>,
    pub recommended_headers: Vec<String>,
    pub cacheable: String,
    pub redirect: Option<RedirectKind>,
    pub method: Option<String>,
    pub explain: Explanation,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Registry {
    Standard,
    Temporary,
    Deprecated,
    Unused,
    Obsoleted,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum BodyRule {
    Allowed,
    Forbidden,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RedirectKind {
    Permanent,
    Temporary,
    SeeOther,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Explanation {
    pub meaning: String,
    pub when_to_use: String,
    pub example: String,
    pub when_not_to_use: String,
}

/// A code outside the registry that is seen in practice.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnregisteredInfo {
    pub code: u32,
    pub name: String,
    pub used_by: String,
    pub meaning: String,
    pub on_the_wire: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusTable {
    pub status: Vec<StatusInfo>,
    pub unregistered: Vec<UnregisteredInfo>,
}

impl StatusTable {
    pub fn get(&self, code: u32) -> Option<&StatusInfo> {
        self.status.iter().find(|s| s.code == code)
    }

    pub fn unregistered(&self, code: u32) -> Option<&UnregisteredInfo> {
        self.unregistered.iter().find(|s| s.code == code)
    }

    /// `307 Temporary Redirect`, or just `599` for a code we have no name for.
    pub fn describe(&self, code: u32) -> String {
        match self.get(code) {
            Some(info) => format!("{code} {}", info.reason),
            None => code.to_string(),
        }
    }
}

pub static STATUS: LazyLock<StatusTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../data/status-codes.toml"))
        .expect("data/status-codes.toml is checked by the test suite")
});

/// Word lists that count as evidence (`data/evidence.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceWords {
    pub permanent: Vec<String>,
    pub not_a_move: Vec<String>,
    pub temporary: Vec<String>,
    pub upgrade: Vec<String>,
    pub canonical_host: Vec<String>,
    pub normalise: Vec<String>,
    pub transient_target: Vec<String>,
    pub per_request: Vec<String>,
    pub error_payload: Vec<String>,
    pub stops_retries: Vec<String>,
    pub client_fault: Vec<String>,
    pub server_fault: Vec<String>,
    pub missing_credentials: Vec<String>,
    pub insufficient_permission: Vec<String>,
    pub authentication_attempt: Vec<String>,
    pub contradiction: Contradictions,
    pub missing_credentials_condition: Vec<String>,
    pub not_credentials: Vec<String>,
    pub no_challenge_condition: Vec<String>,
    pub insufficient_permission_condition: Vec<String>,
    pub client_fault_condition: Vec<String>,
}

/// The conditions SL405 recognises in a message, and when a text is plain enough to count.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contradictions {
    pub plain_words: usize,
    pub filler: Vec<String>,
    pub weak: Vec<String>,
    /// Error types whose message reports input that failed validation.
    pub input_checks: Vec<String>,
    pub condition: Vec<Condition>,
}

/// A condition a text can name ("not found") and the codes that mean it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub means: String,
    pub codes: Vec<u32>,
    pub words: Vec<String>,
}

pub static WORDS: LazyLock<EvidenceWords> = LazyLock::new(|| {
    toml::from_str(include_str!("../data/evidence.toml"))
        .expect("data/evidence.toml is checked by the test suite")
});

/// Splits a name or text into lowercase words: `redirectToHTTPS_now` gives
/// `redirect`, `to`, `https`, `now`.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if c.is_uppercase() && prev_lower && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
            current.extend(c.to_lowercase());
        } else {
            prev_lower = false;
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The first entry of `list` found in `text`: an entry is one word or several words that
/// must stand next to each other.
pub fn find_word(text: &str, list: &[String]) -> Option<String> {
    find_in_words(&words(text), list)
}

/// [`find_word`] over a text already split by [`words`], for a caller that looks for
/// several lists in one text.
pub fn find_in_words(ws: &[String], list: &[String]) -> Option<String> {
    // Without collecting each entry's words: this runs for every text against every list.
    list.iter()
        .find(|entry| {
            if !entry.contains(' ') {
                return ws.iter().any(|w| w == *entry);
            }
            let len = entry.split(' ').count();
            ws.windows(len)
                .any(|w| w.iter().zip(entry.split(' ')).all(|(a, b)| a == b))
        })
        .cloned()
}

/// How Rust frameworks spell codes (`data/apis/rust.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RustApis {
    pub constants: Vec<NamedCodes>,
    pub builders: Vec<NamedCodes>,
    pub numeric_calls: Vec<CallEntry>,
    pub numeric_methods: NameList,
    pub redirects: Vec<RedirectEntry>,
    pub redirect_modifiers: BTreeMap<String, u32>,
    pub redirect_code_methods: NameList,
    pub responders: Vec<ResponderEntry>,
    pub wrappers: Vec<WrapperEntry>,
    pub header_wrappers: Vec<HeaderWrapperEntry>,
    pub routing: RoutingTable,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedCodes {
    #[serde(rename = "type")]
    pub type_name: String,
    pub frameworks: Vec<String>,
    pub names: BTreeMap<String, u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameList {
    pub names: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallEntry {
    pub call: String,
    pub frameworks: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedirectEntry {
    pub call: String,
    pub code: u32,
    pub frameworks: Vec<String>,
    #[serde(default)]
    pub target_argument: usize,
    pub source_argument: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponderEntry {
    pub call: String,
    pub code: u32,
    #[serde(default)]
    pub location: bool,
    #[serde(default = "yes")]
    pub body: bool,
    pub frameworks: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrapperEntry {
    pub call: String,
    pub code_argument: usize,
    pub body_argument: usize,
    pub frameworks: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderWrapperEntry {
    pub call: String,
    pub reply_argument: usize,
    pub name_argument: usize,
    pub value_argument: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingTable {
    pub method_routers: BTreeMap<String, String>,
    pub route_builders: BTreeMap<String, String>,
    pub attributes: BTreeMap<String, String>,
    pub body_constructors: Vec<String>,
    pub empty_body_methods: Vec<String>,
    pub body_methods: Vec<String>,
    pub header_methods: Vec<String>,
    pub implied_header_methods: BTreeMap<String, String>,
    pub neutral_methods: Vec<String>,
}

pub static RUST_APIS: LazyLock<RustApis> = LazyLock::new(|| {
    toml::from_str(include_str!("../data/apis/rust.toml"))
        .expect("data/apis/rust.toml is checked by the test suite")
});

/// True when an entry limited to `frameworks` applies to a file that mentions `present`.
pub fn applies(frameworks: &[String], present: &[&str]) -> bool {
    frameworks.is_empty() || frameworks.iter().any(|f| present.contains(&f.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_names_into_words() {
        assert_eq!(
            words("redirectToHTTPS_now /old-path"),
            ["redirect", "to", "https", "now", "old", "path"]
        );
        assert_eq!(words("HTTPSRedirect"), ["httpsredirect"]);
    }

    #[test]
    fn finds_single_words_and_pairs() {
        let w = &*WORDS;
        assert_eq!(
            find_word("/account/sign-in", &w.transient_target),
            Some("sign in".into())
        );
        assert_eq!(find_word("/author/jane", &w.transient_target), None);
        assert_eq!(
            find_word("You are not logged in", &w.missing_credentials),
            Some("not logged in".into())
        );
    }

    #[test]
    fn data_tables_load() {
        assert!(!RUST_APIS.constants.is_empty());
        assert!(!WORDS.permanent.is_empty());
    }
}
