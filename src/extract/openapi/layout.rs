//! The layout of OpenAPI documents as data (`data/apis/openapi.toml`).

use serde::Deserialize;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// Path Item keys that hold an Operation.
    pub operations: Vec<String>,
    /// Maps whose keys are names, not fields.
    pub named_maps: Vec<String>,
    /// Fields whose lists are read; every other list is skipped while parsing.
    pub lists: Vec<String>,
    /// Fields never read, skipped while parsing.
    pub skipped: Vec<String>,
}

pub static LAYOUT: LazyLock<Layout> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../data/apis/openapi.toml"))
        .expect("data/apis/openapi.toml is checked by the test suite")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_loads() {
        assert!(LAYOUT.operations.iter().any(|o| o == "post"));
        assert!(LAYOUT.skipped.iter().any(|s| s == "schema"));
    }
}
