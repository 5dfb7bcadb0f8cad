//! The files an extractor may read besides its own (nginx includes, OpenAPI `$ref`s):
//! those inside the file's project, and inside the folders `allow-outside-project` names.
//! Anything else could be the machine's secrets, so it stays unread.

use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct Reach {
    project: PathBuf,
    /// Canonical folders the configuration allows besides the project.
    more: Vec<PathBuf>,
}

impl Reach {
    /// What `file` may read: its project (see [`crate::walk::project_root`]) and `more`.
    pub fn of(file: &Path, more: &[PathBuf]) -> Reach {
        Reach {
            project: crate::walk::project_root(file),
            more: more.to_vec(),
        }
    }

    /// Whether the file at the canonical path `path` may be read.
    pub fn allows(&self, path: &Path) -> bool {
        path.starts_with(&self.project) || self.more.iter().any(|d| path.starts_with(d))
    }

    /// The project's folder, for notes about what was not read.
    pub fn project(&self) -> &Path {
        &self.project
    }
}
