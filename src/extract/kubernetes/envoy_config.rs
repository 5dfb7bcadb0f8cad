//! Envoy configuration mounted from a ConfigMap: a `data` key named like an Envoy file
//! (`envoy.yaml`, `envoy.json`, `rds.yaml`) whose text is Envoy's. Read by the Envoy
//! extractor on a copy of the manifest with everything else blanked.

use super::snippets::{Embedded, embedded};
use crate::extract::envoy;
use crate::extract::tree::{Node, Value};
use crate::usage::FileFacts;
use std::path::Path;

/// File extensions of a data key that may hold an Envoy file.
const EXTENSIONS: [&str; 3] = [".yaml", ".yml", ".json"];

pub fn read(doc: &Node, path: &Path, src: &str, facts: &mut FileFacts) {
    let Some(data) = doc.get("data") else {
        return;
    };
    for entry in data.entries() {
        let Some(key) = entry.key.as_str() else {
            continue;
        };
        let lower = key.to_ascii_lowercase();
        if !EXTENSIONS.iter().any(|e| lower.ends_with(e)) {
            continue;
        }
        let text = match &entry.value.value {
            Value::Scalar(text) | Value::Templated(text) => text,
            _ => continue,
        };
        if !envoy::looks_like_envoy(text) {
            continue;
        }
        match embedded(&entry.value, src) {
            Embedded::Masked(masked) => {
                let found = envoy::extract(path, &masked);
                facts.usages.extend(found.usages);
                facts.notes.extend(found.notes);
                facts.notes_at.extend(found.notes_at);
            }
            Embedded::Escaped => facts.note_at(
                entry.value.span.start,
                format!("the Envoy file `{key}` is written with escapes or folding, so it is not checked"),
            ),
            Embedded::Templated => facts.note_at(
                entry.value.span.start,
                format!("the Envoy file `{key}` has template actions inside its settings, so it is checked only once the chart is rendered"),
            ),
            Embedded::Nothing => {}
        }
    }
}
