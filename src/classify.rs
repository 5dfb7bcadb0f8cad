//! Classify: which source kind a file is, from its name (and, where the name cannot
//! tell, its content).

use std::path::Path;

/// The kinds of source statuslint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    Rust,
    Nginx,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Rust => "rust",
            SourceKind::Nginx => "nginx",
        }
    }
}

/// The kind of the file at `path`, or None for files statuslint does not read.
pub fn classify(path: &Path) -> Option<SourceKind> {
    let ext = path.extension()?.to_str()?;
    match ext {
        "rs" => Some(SourceKind::Rust),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_files_by_extension() {
        assert_eq!(classify(Path::new("src/main.rs")), Some(SourceKind::Rust));
        assert_eq!(classify(Path::new("README.md")), None);
        assert_eq!(classify(Path::new("Makefile")), None);
    }
}
