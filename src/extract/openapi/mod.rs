//! OpenAPI 3.0/3.1 and Swagger 2.0 specs, in YAML or JSON.
//!
//! Every documented response is a place where a status is chosen: its key is the code
//! (`"200"`, `2XX`), its operation gives the method, and since a spec declares the whole
//! response, its declared headers and content are all it sends.
//!
//! - `tree`: the document as nodes that keep their line and byte range;
//! - `refs`: the files the spec refers to, and following `$ref`s through them;
//! - `facts`: operations and responses turned into [`Usage`](crate::usage::Usage) facts.

mod facts;
mod layout;
mod refs;
mod tree;

use crate::usage::FileFacts;
use std::path::Path;

/// A spec without a response or a reference documents no status.
pub const PREFILTER: &str = r"responses|\$ref";

pub fn extract(path: &Path, src: &str) -> FileFacts {
    let root = match tree::parse(src) {
        Ok(root) => root,
        Err(err) => {
            let at = err.line.map_or(String::new(), |l| format!("line {l}: "));
            return FileFacts {
                notes: vec![format!(
                    "{at}not read: this OpenAPI document is not valid YAML or JSON ({})",
                    err.message
                )],
                ..FileFacts::default()
            };
        }
    };
    facts::collect(refs::Docs::load(path, root))
}
