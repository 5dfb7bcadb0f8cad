//! How Apache chooses codes (`data/apis/apache.toml`).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApacheApis {
    pub default_redirect: u32,
    pub fixed_redirects: BTreeMap<String, u32>,
    pub status_keywords: BTreeMap<String, u32>,
    pub rewrite_redirect_keywords: BTreeMap<String, u32>,
    pub rewrite_status_flags: BTreeMap<String, u32>,
    pub headers: HeaderRules,
    pub variables: Variables,
    pub http_only_expressions: Vec<String>,
    pub http_only_conditions: Vec<HttpOnlyCondition>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderRules {
    pub actions: Vec<String>,
    pub codes_without_always: Vec<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variables {
    pub host: Vec<String>,
    pub path: Vec<String>,
    pub method: String,
    pub request_host: String,
    pub path_tests: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpOnlyCondition {
    pub variable: String,
    pub patterns: Vec<String>,
}

pub static APACHE: LazyLock<ApacheApis> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../data/apis/apache.toml"))
        .expect("data/apis/apache.toml is checked by the test suite")
});

#[cfg(test)]
mod tests {
    #[test]
    fn table_loads() {
        assert_eq!(super::APACHE.status_keywords["seeother"], 303);
        assert_eq!(super::APACHE.rewrite_status_flags["g"], 410);
    }
}
