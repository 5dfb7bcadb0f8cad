//! Following simple `include`s, so the headers a snippet adds are seen: a path without
//! wildcards or variables, relative ones found beside the file or one folder up (nginx
//! resolves `include snippets/x.conf;` from the config root, which is the parent of
//! `sites-enabled/`). Only files the [`Reach`] allows are read: the project, and the
//! folders `allow-outside-project` names (where absolute includes such as
//! `/etc/nginx/snippets/x.conf` usually point). Anything else stays unseen.

use super::syntax::{self, Config};
use crate::extract::reach::Reach;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Larger files are not snippets.
const MAX_BYTES: u64 = 256 * 1024;

/// The parsed files of the simple includes in `config`, by the include's index.
pub fn resolve(path: &Path, config: &Config, reach: &Reach) -> HashMap<usize, Config> {
    let Some(dir) = path.parent() else {
        return HashMap::new();
    };
    config
        .directives
        .iter()
        .enumerate()
        .filter(|(_, d)| d.name == "include" && d.args.len() == 1)
        .filter_map(|(i, d)| Some((i, read(dir, reach, &d.args[0].text)?)))
        .collect()
}

/// An include that leads out of what may be read (by an absolute path or a symbolic
/// link) is not read.
fn read(dir: &Path, reach: &Reach, target: &str) -> Option<Config> {
    if target.contains(['*', '?', '[', '$']) {
        return None;
    }
    let target = Path::new(target);
    let plain = target
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    let candidates: Vec<PathBuf> = if target.is_absolute() {
        vec![target.to_path_buf()]
    } else if plain {
        [Some(dir), dir.parent()]
            .into_iter()
            .flatten()
            .map(|d| d.join(target))
            .collect()
    } else {
        return None;
    };
    let file = candidates
        .into_iter()
        .filter_map(|p| p.canonicalize().ok())
        .filter(|p| reach.allows(p))
        .find_map(|p| crate::walk::read_file(&p, MAX_BYTES).ok())?;
    Some(syntax::parse(&crate::walk::decode(file).0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(dir: &Path) -> Reach {
        Reach::of(&dir.join("site.conf"), &[])
    }

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
        let found = resolve(&sites.join("site.conf"), &config, &reach(&sites));
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
        assert!(resolve(&root.path().join("site.conf"), &config, &reach(root.path())).is_empty());
    }

    #[test]
    fn reads_includes_in_the_folders_allowed_outside_the_project() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.conf");
        std::fs::write(&secret, "add_header X-S s;\n").unwrap();
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join(".git")).unwrap();
        std::os::unix::fs::symlink(&secret, root.path().join("link.conf")).unwrap();
        let config = syntax::parse(&format!(
            "include link.conf;\ninclude {};\ninclude /etc/hostname;\n",
            secret.display()
        ));
        let site = root.path().join("site.conf");
        let allowed = [outside.path().canonicalize().unwrap()];
        let found = resolve(&site, &config, &Reach::of(&site, &allowed));
        let mut keys: Vec<_> = found.keys().copied().collect();
        keys.sort();
        assert_eq!(keys, [0, 1]);
        assert!(resolve(&site, &config, &reach(root.path())).is_empty());
    }
}
