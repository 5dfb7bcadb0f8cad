//! Prefilter: a cheap byte scan that drops files which cannot choose a status, before any
//! parse. Most files of a repository stop here, so this decides the speed on large trees.

use crate::classify::SourceKind;
use regex::bytes::Regex;
use std::sync::LazyLock;

/// Tokens without which a Rust file cannot name a status: constants, builders, redirect
/// helpers and numeric status calls all contain one of these.
static RUST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"StatusCode|HttpResponse|Redirect|redirect|Status|status").expect("valid regex")
});

/// True when the file may hold a status choice for its kind and is worth parsing.
pub fn may_choose_status(kind: SourceKind, bytes: &[u8]) -> bool {
    match kind {
        SourceKind::Rust => RUST.is_match(bytes),
        SourceKind::Nginx => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
