//! Suppression comments end to end: each form, names as well as ids, unused ones reported
//! as SL900 and removed by `--fix`.

mod workflow_support;

use workflow_support::*;

const SUPPRESSED_RS: &str = r#"use axum::{http::StatusCode, response::Redirect};

// legacy URL: the docs moved to /docs for good
async fn old_docs() -> Redirect {
    // statuslint-disable-next-line SL101 -- the old URL must stay until the app update ships
    Redirect::temporary("/docs")
}

async fn calm_down() -> StatusCode {
    StatusCode::from_u16(420).unwrap() // statuslint-disable-line unregistered-status-code
}

/* statuslint-disable SL302 */
async fn enhance() -> StatusCode {
    StatusCode::from_u16(420).unwrap()
}
/* statuslint-enable SL302 */

async fn after_the_range() -> StatusCode {
    StatusCode::from_u16(499).unwrap()
}
"#;

#[test]
fn next_line_line_and_range_forms_suppress_by_id_or_name() {
    let dir = project(&[("a.rs", SUPPRESSED_RS)]);
    let (found, code, _) = concise(dir.path(), &[]);
    assert_eq!(
        found,
        ["a.rs:20: SL302"],
        "only the finding after the range is left"
    );
    assert_eq!(code, 1);
}

#[test]
fn the_file_level_form_covers_the_whole_file() {
    let text = format!(
        "// statuslint-disable-file SL302, SL101\n{LEGACY_REDIRECT_RS}{}",
        &UNREGISTERED_RS[28..]
    );
    let dir = project(&[("a.rs", &text)]);
    let (found, code, _) = concise(dir.path(), &[]);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(code, 0);
}

#[test]
fn unused_suppressions_are_reported_and_fix_removes_them() {
    let text = r#"use axum::response::Redirect;

async fn docs() -> Redirect {
    // statuslint-disable-next-line SL101 -- written before the redirect became permanent
    Redirect::permanent("/docs")
}

// legacy URL: moved for good
async fn old() -> Redirect {
    Redirect::temporary("/docs") // statuslint-disable-line SL101, SL1O2
}
"#;
    let dir = project(&[("a.rs", text)]);
    let (found, code, stderr) = concise(dir.path(), &[]);
    assert_eq!(found, ["a.rs:4: SL900", "a.rs:10: SL900"], "{stderr}");
    assert_eq!(code, 1);

    let (found, code, stderr) = concise(dir.path(), &["--fix"]);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(code, 0);
    assert!(stderr.contains("fixed 2 problems in 1 file"), "{stderr}");
    let fixed = read(dir.path(), "a.rs");
    assert!(
        !fixed.contains("written before"),
        "the whole comment line goes:\n{fixed}"
    );
    assert!(
        fixed.contains("    Redirect::temporary(\"/docs\") // statuslint-disable-line SL101\n"),
        "only the unknown id goes:\n{fixed}"
    );
    let (found, code, _) = concise(dir.path(), &[]);
    assert!(found.is_empty() && code == 0, "{found:?}");
}

#[test]
fn unused_suppressions_of_rules_not_enabled_are_not_judged() {
    let text = "use axum::response::Redirect;\n\nasync fn docs() -> Redirect {\n    Redirect::permanent(\"/docs\") // statuslint-disable-line SL208\n}\n";
    let dir = project(&[("a.rs", text)]);
    let (found, _, _) = concise(dir.path(), &[]);
    assert!(found.is_empty(), "SL208 is off by default: {found:?}");
    let (found, _, _) = concise(dir.path(), &["--extend-select", "SL208"]);
    assert_eq!(found, ["a.rs:4: SL900"]);
    let (found, _, _) = concise(
        dir.path(),
        &["--extend-select", "SL208", "--ignore", "unused-suppression"],
    );
    assert!(found.is_empty(), "SL900 can be turned off: {found:?}");
}

#[test]
fn a_suppression_in_a_file_that_chooses_no_status_is_unused() {
    let text =
        "// statuslint-disable-next-line SL101\nfn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n";
    let dir = project(&[("math.rs", text)]);
    let (found, code, _) = concise(dir.path(), &[]);
    assert_eq!(found, ["math.rs:1: SL900"]);
    assert_eq!(code, 1);
    let (_, code, _) = concise(dir.path(), &["--fix"]);
    assert_eq!(code, 0);
    assert_eq!(read(dir.path(), "math.rs"), &text[38..]);
}

const NGINX_CONF: &str = "server {\n    listen 80;\n    server_name shop.example.com;\n\n    location / {\n        # statuslint-disable-next-line SL101 -- the CDN caches 301s for a year; revisit in May\n        return 302 https://$host$request_uri;\n    }\n}\n";

const INGRESS_YAML: &str = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: docs-v1-moved\n  annotations:\n    # The v1 docs moved to the new site for good.\n    nginx.ingress.kubernetes.io/permanent-redirect: https://docs.example.com/v2/\n    nginx.ingress.kubernetes.io/permanent-redirect-code: \"307\" # statuslint-disable-line temporary-redirect-for-permanent-move\nspec:\n  ingressClassName: nginx\n";

const VERCEL_JSON: &str = "{\n  \"redirects\": [\n    { \"source\": \"/legacy/blog/:slug\", \"destination\": \"/blog/:slug\", \"permanent\": false }\n  ]\n}\n";

#[test]
fn hash_comments_in_server_config_and_yaml_suppress_too() {
    let dir = project(&[
        ("nginx/shop.conf", NGINX_CONF),
        ("k8s/ingress.yaml", INGRESS_YAML),
    ]);
    let (found, code, stderr) = concise(dir.path(), &[]);
    assert!(found.is_empty(), "{found:?} {stderr}");
    assert_eq!(code, 0);
    // Without the comments, both fire: the suppressions are what hides them.
    write(
        dir.path(),
        "nginx/shop.conf",
        &NGINX_CONF.replace("statuslint-disable", "note"),
    );
    write(
        dir.path(),
        "k8s/ingress.yaml",
        &INGRESS_YAML.replace("statuslint-disable", "note"),
    );
    let (found, _, _) = concise(dir.path(), &[]);
    assert_eq!(
        found,
        ["k8s/ingress.yaml:8: SL101", "nginx/shop.conf:7: SL101"]
    );
}

#[test]
fn files_without_comments_use_per_file_ignores() {
    let dir = project(&[("web/vercel.json", VERCEL_JSON)]);
    let (found, _, _) = concise(dir.path(), &[]);
    assert_eq!(found, ["web/vercel.json:3: SL101"]);
    write(
        dir.path(),
        "statuslint.toml",
        "[per-file-ignores]\n\"web/vercel.json\" = [\"SL101\"]\n",
    );
    let (found, code, _) = concise(dir.path(), &[]);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(code, 0);
}
