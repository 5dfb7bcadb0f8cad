//! Extract: one module per source kind turns a file into [`FileFacts`].

use crate::classify::SourceKind;
use crate::usage::FileFacts;

pub mod rust;

/// Turns the text of one file into facts. Never panics on any input: a file that cannot be
/// parsed in full yields what could be read, with a note.
pub fn extract(kind: SourceKind, source: &str) -> FileFacts {
    match kind {
        SourceKind::Rust => rust::extract(source),
        SourceKind::Nginx => FileFacts::default(),
    }
}
