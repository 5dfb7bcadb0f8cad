//! Extract: one module per source kind turns a file into [`FileFacts`].
//!
//! Every module has `PREFILTER`, a regex the raw bytes must match to be worth parsing, and
//! `extract(path, text)`, which never panics: a file that cannot be read in full yields
//! what could be read, with a note naming the line.

use crate::classify::SourceKind;
use crate::usage::FileFacts;
use regex::bytes::Regex;
use std::path::Path;
use std::sync::LazyLock;

pub mod apache;
mod aws_elb;
pub mod caddy;
pub mod cloudformation;
pub mod code;
pub mod haproxy;
pub mod kubernetes;
pub mod netlify_toml;
pub mod next_config;
pub mod nginx;
pub mod openapi;
mod platform;
pub mod redirects_file;
pub mod server_config;
pub mod terraform;
pub mod traefik;
pub mod tree;
pub mod vercel_json;
pub mod web_config;

/// The prefilter and extractor of each kind.
fn module(kind: SourceKind) -> (&'static str, fn(&Path, &str) -> FileFacts) {
    match kind {
        SourceKind::Rust => (code::rust::PREFILTER, code::rust::extract),
        SourceKind::Python => (code::python::PREFILTER, code::python::extract),
        SourceKind::Go => (code::go::PREFILTER, code::go::extract),
        SourceKind::JavaScript => (code::javascript::PREFILTER, code::javascript::extract),
        SourceKind::Nginx => (nginx::PREFILTER, nginx::extract),
        SourceKind::Apache => (apache::PREFILTER, apache::extract),
        SourceKind::Caddy => (caddy::PREFILTER, caddy::extract),
        SourceKind::Haproxy => (haproxy::PREFILTER, haproxy::extract),
        SourceKind::Redirects => (redirects_file::PREFILTER, redirects_file::extract),
        SourceKind::NetlifyToml => (netlify_toml::PREFILTER, netlify_toml::extract),
        SourceKind::VercelJson => (vercel_json::PREFILTER, vercel_json::extract),
        SourceKind::NextConfig => (next_config::PREFILTER, next_config::extract),
        SourceKind::Kubernetes => (kubernetes::PREFILTER, kubernetes::extract),
        SourceKind::Traefik => (traefik::PREFILTER, traefik::extract),
        SourceKind::OpenApi => (openapi::PREFILTER, openapi::extract),
        SourceKind::Terraform => (terraform::PREFILTER, terraform::extract),
        SourceKind::CloudFormation => (cloudformation::PREFILTER, cloudformation::extract),
        SourceKind::WebConfig => (web_config::PREFILTER, web_config::extract),
    }
}

const KINDS: [SourceKind; 18] = [
    SourceKind::Rust,
    SourceKind::Python,
    SourceKind::Go,
    SourceKind::JavaScript,
    SourceKind::Nginx,
    SourceKind::Apache,
    SourceKind::Caddy,
    SourceKind::Haproxy,
    SourceKind::Redirects,
    SourceKind::NetlifyToml,
    SourceKind::VercelJson,
    SourceKind::NextConfig,
    SourceKind::Kubernetes,
    SourceKind::Traefik,
    SourceKind::OpenApi,
    SourceKind::Terraform,
    SourceKind::CloudFormation,
    SourceKind::WebConfig,
];

/// Compiled once per process, in the order of `KINDS`.
static PREFILTERS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    KINDS
        .iter()
        .map(|k| Regex::new(module(*k).0).expect("each PREFILTER is a valid regex"))
        .collect()
});

/// True when the file may hold a status choice for its kind and is worth parsing. Most
/// files of a repository stop here, so this decides the speed on large trees.
pub fn may_choose_status(kind: SourceKind, bytes: &[u8]) -> bool {
    let i = KINDS
        .iter()
        .position(|k| *k == kind)
        .expect("every kind is listed");
    PREFILTERS[i].is_match(bytes)
}

/// Turns the text of one file into facts.
pub fn extract(kind: SourceKind, path: &Path, source: &str) -> FileFacts {
    (module(kind).1)(path, source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prefilter_compiles() {
        assert_eq!(PREFILTERS.len(), KINDS.len());
    }

    #[test]
    fn drops_rust_files_without_status_tokens() {
        assert!(!may_choose_status(
            SourceKind::Rust,
            b"fn main() { println!(\"hi\"); }"
        ));
        assert!(may_choose_status(SourceKind::Rust, b"StatusCode::OK"));
        assert!(may_choose_status(
            SourceKind::Rust,
            b"HttpResponse::Found()"
        ));
    }
}
