//! How nginx chooses codes (`data/apis/nginx.toml`).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NginxApis {
    pub redirect_codes: Vec<u32>,
    pub default_redirect: u32,
    pub absolute_prefixes: Vec<String>,
    pub hidden_header_sources: Vec<String>,
    pub rewrite_flags: BTreeMap<String, u32>,
    pub add_header: AddHeader,
    pub variables: Variables,
    pub http_only_tests: Vec<HttpOnlyTest>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddHeader {
    pub codes_without_always: Vec<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variables {
    pub host: Vec<String>,
    pub path: Vec<String>,
    pub method: String,
    pub request_host: Vec<String>,
}

/// `if (VARIABLE = equals)` or `if (VARIABLE != not_equals)` holds only for plain http.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpOnlyTest {
    pub variable: String,
    pub equals: String,
    pub not_equals: String,
}

impl NginxApis {
    pub fn is_absolute(&self, text: &str) -> bool {
        self.absolute_prefixes
            .iter()
            .any(|p| text.starts_with(p.as_str()))
    }
}

pub static NGINX: LazyLock<NginxApis> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../data/apis/nginx.toml"))
        .expect("data/apis/nginx.toml is checked by the test suite")
});

#[cfg(test)]
mod tests {
    #[test]
    fn table_loads() {
        assert!(super::NGINX.redirect_codes.contains(&308));
        assert_eq!(super::NGINX.rewrite_flags["permanent"], 301);
    }
}
