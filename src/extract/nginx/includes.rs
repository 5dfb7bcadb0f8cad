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
    config
        .directives
        .iter()
        .enumerate()
        .filter(|(_, d)| d.name == "include" && d.args.len() == 1)
        .filter_map(|(i, d)| Some((i, read(dir, &d.args[0].text)?)))
        .collect()
}

fn read(dir: &Path, target: &str) -> Option<Config> {
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
        .map(|d| d.join(relative))
        .find(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= MAX_BYTES))?;
    let text = std::fs::read(file).ok()?;
    Some(syntax::parse(&String::from_utf8_lossy(&text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_relative_includes_only() {
        let root = tempfile::tempdir().unwrap();
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
}
