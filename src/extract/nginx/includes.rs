//! Following simple `include`s, so the headers a snippet adds are seen: a relative path
//! without wildcards or variables, found beside the file or one folder up (nginx resolves
//! `include snippets/x.conf;` from the config root, which is the parent of
//! `sites-enabled/`). Anything else stays unseen.

use super::syntax::{self, Config};
use std::collections::HashMap;
use std::path::{Component, Path};

/// Larger files are not snippets.
const MAX_BYTES: u64 = 256 * 1024;

/// The parsed files of the simple includes in `config`, by the include's index.
pub fn resolve(path: &Path, config: &Config) -> HashMap<usize, Config> {
    let Some(dir) = path.parent() else {
        return HashMap::new();
    };
    let project = crate::walk::project_root(path);
    config
        .directives
        .iter()
        .enumerate()
        .filter(|(_, d)| d.name == "include" && d.args.len() == 1)
        .filter_map(|(i, d)| Some((i, read(dir, &project, &d.args[0].text)?)))
        .collect()
}

/// An include that leads out of the project (by a symbolic link) is not read.
fn read(dir: &Path, project: &Path, target: &str) -> Option<Config> {
    let relative = Path::new(target);
    let simple = !target.contains(['*', '?', '[', '$'])
        && relative
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !simple {
        return None;
    }
    let candidates = [Some(dir), dir.parent()];
    let file = candidates
        .into_iter()
        .flatten()
        .filter_map(|d| d.join(relative).canonicalize().ok())
        .filter(|p| p.starts_with(project))
        .find_map(|p| crate::walk::read_file(&p, MAX_BYTES).ok())?;
    Some(syntax::parse(&crate::walk::decode(file).0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_relative_includes_only() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join(".git")).unwrap();
        let sites = root.path().join("sites-enabled");
        std::fs::create_dir_all(root.path().join("snippets")).unwrap();
        std::fs::create_dir_all(&sites).unwrap();
        std::fs::write(
            root.path().join("snippets/h.conf"),
            "add_header X-A b always;\n",
        )
        .unwrap();
        std::fs::write(sites.join("local.conf"), "add_header X-B c;\n").unwrap();
        let config = syntax::parse(
            "include snippets/h.conf;\ninclude local.conf;\ninclude /etc/nginx/x.conf;\ninclude conf.d/*.conf;\ninclude ../secrets.conf;\ninclude missing.conf;\n",
        );
        let found = resolve(&sites.join("site.conf"), &config);
        let mut keys: Vec<_> = found.keys().copied().collect();
        keys.sort();
        assert_eq!(keys, [0, 1]);
        assert_eq!(found[&0].directives[0].args[0].text, "X-A");
    }

    #[test]
    fn reads_no_include_outside_the_project() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.conf"), "add_header X-S s;\n").unwrap();
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join(".git")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.conf"),
            root.path().join("link.conf"),
        )
        .unwrap();
        let config = syntax::parse("include link.conf;\n");
        assert!(resolve(&root.path().join("site.conf"), &config).is_empty());
    }
}
