//! How Terraform providers spell redirects (`data/apis/terraform.toml`).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerraformTable {
    pub aws: Aws,
    pub google: Google,
    pub azure: Azure,
    pub cloudflare: Cloudflare,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aws {
    pub listeners: Vec<String>,
    pub listener_rules: Vec<String>,
    pub alb_modules: Vec<String>,
    pub amplify_apps: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Google {
    pub url_maps: Vec<String>,
    pub default_code: String,
    pub codes: BTreeMap<String, u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Azure {
    pub application_gateways: Vec<String>,
    pub redirect_types: BTreeMap<String, u32>,
    pub front_door_rules: Vec<String>,
    pub classic_front_doors: Vec<String>,
    pub front_door_redirect_types: BTreeMap<String, u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cloudflare {
    pub page_rules: Vec<String>,
    pub page_rule_codes: Vec<u32>,
    pub page_rule_placeholders: Vec<String>,
    pub rulesets: Vec<String>,
    pub redirect_phase: String,
    pub ruleset_default: u32,
    pub ruleset_codes: Vec<u32>,
    pub plain_http_tests: Vec<String>,
    pub host_fields: Vec<String>,
    pub path_fields: Vec<String>,
}

pub static TERRAFORM: LazyLock<TerraformTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../data/apis/terraform.toml"))
        .expect("data/apis/terraform.toml is checked by the test suite")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads() {
        assert_eq!(TERRAFORM.google.codes[&TERRAFORM.google.default_code], 301);
        assert_eq!(TERRAFORM.azure.redirect_types["Temporary"], 307);
        assert_eq!(TERRAFORM.cloudflare.ruleset_default, 301);
    }
}
