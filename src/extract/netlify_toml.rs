//! Not yet read: this source kind is classified but yields no facts yet.

use crate::usage::FileFacts;
use std::path::Path;

/// Bytes a file must contain to be worth reading (a regex).
pub const PREFILTER: &str = "";

pub fn extract(_path: &Path, _src: &str) -> FileFacts {
    FileFacts::default()
}
