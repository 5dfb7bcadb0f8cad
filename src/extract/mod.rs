//! Extract: one module per source kind turns a file into [`FileFacts`].
//!
//! Every module has `PREFILTER`, a regex (for JavaScript, regexes any of which) the raw
//! bytes must match to be worth parsing, and `extract(path, text)`, which never panics: a
//! file that cannot be read in full yields what could be read, with a note naming the line.

use crate::classify::SourceKind;
use crate::usage::{FileFacts, Made};
use reach::Reach;
use regex::bytes::Regex;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, OnceLock};

pub mod amplify;
pub mod apache;
mod aws_elb;
pub mod caddy;
pub mod cloudformation;
pub mod code;
pub mod envoy;
pub mod firebase_json;
pub mod haproxy;
pub mod kubernetes;
pub mod netlify_toml;
pub mod next_config;
pub mod nginx;
pub mod openapi;
mod platform;
pub mod reach;
pub mod redirects_file;
pub mod server_config;
pub mod static_web_app;
pub mod terraform;
pub mod traefik;
pub mod tree;
pub mod vercel_json;
pub mod web_config;

/// How a kind is extracted: from its own text, from its text and its [`code::Surroundings`]
/// (a code language), or also from the files it refers to.
enum Extractor {
    Own(fn(&Path, &str) -> FileFacts),
    Code(fn(&Path, &str) -> FileFacts),
    Reaching(fn(&Path, &str, &Reach) -> FileFacts),
}

/// The prefilter of each kind (regexes any of which lets a file through) and its extractor.
fn module(kind: SourceKind) -> (&'static [&'static str], Extractor) {
    use Extractor::{Code, Own, Reaching};
    match kind {
        SourceKind::Rust => (code::rust::PREFILTER, Code(code::rust::extract)),
        SourceKind::Python => (&[code::python::PREFILTER], Code(code::python::extract)),
        SourceKind::Go => (&[code::go::PREFILTER], Code(code::go::extract)),
        SourceKind::JavaScript => (code::javascript::PREFILTER, Code(code::javascript::extract)),
        SourceKind::Nginx => (&[nginx::PREFILTER], Reaching(nginx::extract)),
        SourceKind::Apache => (&[apache::PREFILTER], Own(apache::extract)),
        SourceKind::Caddy => (&[caddy::PREFILTER], Own(caddy::extract)),
        SourceKind::Haproxy => (&[haproxy::PREFILTER], Own(haproxy::extract)),
        SourceKind::Redirects => (&[redirects_file::PREFILTER], Own(redirects_file::extract)),
        SourceKind::NetlifyToml => (&[netlify_toml::PREFILTER], Own(netlify_toml::extract)),
        SourceKind::VercelJson => (&[vercel_json::PREFILTER], Own(vercel_json::extract)),
        SourceKind::NextConfig => (&[next_config::PREFILTER], Own(next_config::extract)),
        SourceKind::Kubernetes => (&[kubernetes::PREFILTER], Own(kubernetes::extract)),
        SourceKind::Traefik => (&[traefik::PREFILTER], Own(traefik::extract)),
        SourceKind::OpenApi => (&[openapi::PREFILTER], Reaching(openapi::extract)),
        SourceKind::Terraform => (&[terraform::PREFILTER], Own(terraform::extract)),
        SourceKind::CloudFormation => (&[cloudformation::PREFILTER], Own(cloudformation::extract)),
        SourceKind::WebConfig => (&[web_config::PREFILTER], Own(web_config::extract)),
        SourceKind::Envoy => (&[envoy::PREFILTER], Own(envoy::extract)),
        SourceKind::FirebaseJson => (&[firebase_json::PREFILTER], Own(firebase_json::extract)),
        SourceKind::StaticWebApp => (&[static_web_app::PREFILTER], Own(static_web_app::extract)),
    }
}

const KINDS: [SourceKind; 21] = [
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
    SourceKind::Envoy,
    SourceKind::FirebaseJson,
    SourceKind::StaticWebApp,
];

/// In the order of `KINDS`, each compiled when the first file of its kind is met: most
/// runs meet a few kinds, and compiling all of them cost more than reading a small tree.
static PREFILTERS: [OnceLock<Vec<Regex>>; KINDS.len()] = [const { OnceLock::new() }; KINDS.len()];

/// True when the file may hold a status choice for its kind and is worth parsing. Most
/// files of a repository stop here, so this decides the speed on large trees.
pub fn may_choose_status(kind: SourceKind, bytes: &[u8]) -> bool {
    let i = KINDS
        .iter()
        .position(|k| *k == kind)
        .expect("every kind is listed");
    PREFILTERS[i]
        .get_or_init(|| {
            module(kind)
                .0
                .iter()
                .map(|p| ascii_regex(p).expect("each PREFILTER is a valid regex"))
                .collect()
        })
        .iter()
        .any(|r| r.is_match(bytes))
}

/// What a Rust file must match to say anything the project index reads of other files
/// (routes, error messages, helpers, error values), which is less than what it must match
/// to choose a status. Other kinds tell the index only what their prefilter lets through.
static RUST_INDEX_PREFILTER: LazyLock<Regex> =
    LazyLock::new(|| ascii_regex(code::rust::INDEX_PREFILTER).expect("a valid regex"));

/// A prefilter with ASCII classes: `\b`, `\w` and `\d` as code means them. Unicode word
/// boundaries make the regex engine give up its DFA on any file with a non-ASCII byte (a
/// translated string, an emoji) and match at a tenth of the speed: on kanidm's Rust that
/// was a third of the whole run.
fn ascii_regex(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&format!("(?-u){pattern}"))
}

/// True when the file may say something the index reads of other files: the project
/// around a file named alone is read for that only, and most of it stops here.
pub fn may_tell_the_index(kind: SourceKind, bytes: &[u8]) -> bool {
    match kind {
        SourceKind::Rust => RUST_INDEX_PREFILTER.is_match(bytes),
        _ => may_choose_status(kind, bytes),
    }
}

/// What a file of `kind` at `path` yields depends on its text, its path and these, when
/// that is all it depends on (the code kinds); None for kinds that read other files
/// (nginx includes, OpenAPI `$ref`s) or whose facts are not worth keeping between runs.
pub fn surroundings(kind: SourceKind, path: &Path) -> Option<code::Surroundings> {
    match module(kind).1 {
        Extractor::Code(_) => Some(code::Surroundings::of(kind, path)),
        _ => None,
    }
}

/// Turns the text of one file into facts; `outside` are the folders outside its project
/// that the files it refers to may be in (`allow-outside-project`).
pub fn extract(kind: SourceKind, path: &Path, source: &str, outside: &[PathBuf]) -> FileFacts {
    let mut facts = match module(kind).1 {
        Extractor::Own(extract) | Extractor::Code(extract) => extract(path, source),
        Extractor::Reaching(extract) => extract(path, source, &Reach::of(path, outside)),
    };
    facts.place_notes(source);
    facts
}

/// True for the kinds whose usages [`extract_each`] hands on one by one: a spec's responses
/// join with no other file, so they can be checked as they are made.
pub fn streams(kind: SourceKind) -> bool {
    kind == SourceKind::OpenApi
}

/// Like [`extract`], for a kind that [`streams`]: each usage and operation goes to `sink`
/// as it is made and the facts given back hold none, so a large file's are never all held.
pub fn extract_each(
    kind: SourceKind,
    path: &Path,
    source: &str,
    outside: &[PathBuf],
    sink: &mut dyn FnMut(Made),
) -> FileFacts {
    debug_assert!(streams(kind));
    let mut facts = openapi::extract_each(path, source, &Reach::of(path, outside), sink);
    facts.place_notes(source);
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefilters_read_code_beside_non_ascii_text() {
        // ASCII classes: a word boundary next to a letter outside ASCII is still one.
        let rust = "// Grüße\nfn a() -> R { err!(\"nicht gefunden ✗\", 404) }\n".as_bytes();
        assert!(may_choose_status(SourceKind::Rust, rust));
        let js = "const t = '✓';\nexport default () => new Response('ok')\n".as_bytes();
        assert!(may_choose_status(SourceKind::JavaScript, js));
        assert!(!may_choose_status(
            SourceKind::JavaScript,
            "const Responses = '✓';\n".as_bytes()
        ));
    }

    #[test]
    fn every_prefilter_compiles() {
        for kind in KINDS {
            assert!(
                !may_choose_status(kind, b""),
                "{kind:?} wants an empty file"
            );
        }
    }

    #[test]
    fn the_index_reads_rust_routers_and_helpers_not_handlers() {
        let handler = b"async fn show() -> Response { StatusCode::NOT_FOUND.into_response() }";
        assert!(may_choose_status(SourceKind::Rust, handler));
        assert!(!may_tell_the_index(SourceKind::Rust, handler));
        for says in [
            &b"Router::new().route(\"/a\", get(show))"[..],
            b"fn reject(code: StatusCode, why: &str) -> Response",
            b"fn session() -> Result<User, StatusCode>",
            b"#[error(\"no session\")]",
            b"macro_rules! fail",
        ] {
            assert!(may_tell_the_index(SourceKind::Rust, says));
        }
        assert!(may_tell_the_index(
            SourceKind::Python,
            b"from flask import abort"
        ));
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
        // A macro handed a bare number may be a project helper.
        assert!(may_choose_status(
            SourceKind::Rust,
            b"fail!(\"no such item\", 404);"
        ));
        assert!(!may_choose_status(SourceKind::Rust, b"let v = vec![1, 2];"));
    }
}
