//! How Traefik chooses codes (`data/apis/traefik.toml`).

use serde::Deserialize;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraefikTable {
    pub redirect_middlewares: Vec<String>,
    pub codes: RedirectCodes,
    pub entry_point_redirection: EntryPointRedirection,
    pub errors_middleware: ErrorsMiddleware,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedirectCodes {
    pub temporary: ByMethod,
    pub permanent: ByMethod,
}

impl RedirectCodes {
    pub fn for_permanent(&self, permanent: bool) -> &ByMethod {
        if permanent {
            &self.permanent
        } else {
            &self.temporary
        }
    }
}

/// The code sent to GET, and to every other method.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByMethod {
    pub get: u32,
    pub other_methods: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryPointRedirection {
    /// Where entry points are listed: `entryPoints`, or `ports` in Helm chart values.
    pub tables: Vec<Vec<String>>,
    /// Lists of command-line flags in Helm chart values (`additionalArguments`).
    pub flag_lists: Vec<Vec<String>>,
    /// Where an entry point holds its redirection.
    pub paths: Vec<Vec<String>>,
    pub permanent_default: bool,
    pub scheme_default: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorsMiddleware {
    pub name: String,
    pub status: String,
    pub rewrites: String,
}

pub static TRAEFIK: LazyLock<TraefikTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../data/apis/traefik.toml"))
        .expect("data/apis/traefik.toml is checked by the test suite")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads() {
        assert_eq!(TRAEFIK.codes.for_permanent(false).get, 302);
        assert_eq!(TRAEFIK.codes.for_permanent(true).other_methods, 308);
        assert!(TRAEFIK.entry_point_redirection.permanent_default);
    }
}
