//! How ingress-nginx (`data/apis/ingress-nginx.toml`) and the Gateway API
//! (`data/apis/gateway-api.toml`) choose codes.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngressNginxTable {
    pub annotation_prefix: String,
    pub snippet_annotations: Vec<String>,
    pub redirects: Vec<RedirectAnnotation>,
    pub config_map: ConfigMapCode,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedirectAnnotation {
    pub annotation: String,
    pub code_annotation: String,
    pub default: u32,
    /// Inclusive bounds of the codes the code annotation may set.
    pub accepted: [i64; 2],
    pub permanent: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigMapCode {
    pub key: String,
    pub default: u32,
    pub allowed: Vec<i64>,
    pub upgrade_annotations: Vec<String>,
    pub snippet_keys: Vec<String>,
}

pub static INGRESS_NGINX: LazyLock<IngressNginxTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../data/apis/ingress-nginx.toml"))
        .expect("data/apis/ingress-nginx.toml is checked by the test suite")
});

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayApiTable {
    pub api_group: String,
    pub kinds: Vec<String>,
    pub filter_type: String,
    pub filter_key: String,
    pub default_code: u32,
    pub allowed_codes: Vec<u32>,
    /// `path.type` and the key that holds the new path.
    pub path_modifiers: BTreeMap<String, String>,
}

pub static GATEWAY_API: LazyLock<GatewayApiTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../data/apis/gateway-api.toml"))
        .expect("data/apis/gateway-api.toml is checked by the test suite")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads_with_temporal_first() {
        let t = &*INGRESS_NGINX;
        assert_eq!(t.redirects[0].annotation, "temporal-redirect");
        assert_eq!(t.redirects[1].accepted, [300, 308]);
        assert_eq!(t.config_map.default, 308);
        assert_eq!(GATEWAY_API.default_code, 302);
    }
}
