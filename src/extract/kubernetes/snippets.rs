//! Config written inside YAML: ingress-nginx `server-snippet` / `configuration-snippet`
//! annotations and the controller ConfigMap's snippet keys (nginx), and a ConfigMap's
//! `envoy.yaml` (Envoy). The text is run through its extractor on a copy of the file with
//! every byte outside it blanked, so the spans, lines and notes it gives are those of the
//! YAML file.

use crate::extract::nginx;
use crate::extract::tree::{Node, Value};
use crate::usage::{FileFacts, Usage};
use std::path::Path;

/// A scalar holding another file's text, on a copy of the YAML file.
pub(super) enum Embedded {
    /// Every byte outside the scalar's text blanked (newlines kept), so the spans, lines and
    /// notes the inner extractor gives are those of the YAML file.
    Masked(String),
    /// Written with escapes or folding: its bytes are not the text it stands for.
    Escaped,
    /// A Helm template action inside a statement (`return 301 https://{{ .Values.host }}`):
    /// the text is not known until the chart is rendered.
    Templated,
    /// Not a plain scalar (a template, a map) or blank.
    Nothing,
}

pub(super) fn embedded(value: &Node, src: &str) -> Embedded {
    let text = match &value.value {
        Value::Scalar(text) | Value::Templated(text) => text,
        _ => return Embedded::Nothing,
    };
    let Some(span) = body(src, value) else {
        return Embedded::Escaped;
    };
    if text.trim().is_empty() {
        return Embedded::Nothing;
    }
    let Some(actions) = template_lines(&src[span.clone()]) else {
        return Embedded::Templated;
    };
    let actions: Vec<std::ops::Range<usize>> = actions
        .into_iter()
        .map(|r| span.start + r.start..span.start + r.end)
        .collect();
    let mut masked = String::with_capacity(src.len());
    for (i, c) in src.char_indices() {
        let kept = span.contains(&i) && !actions.iter().any(|a| a.contains(&i));
        match c {
            '\n' => masked.push('\n'),
            _ if kept => masked.push(c),
            // As many spaces as the character has bytes, so offsets stay true.
            _ => masked.extend(std::iter::repeat_n(' ', c.len_utf8())),
        }
    }
    Embedded::Masked(masked)
}

/// The Helm actions (`{{- if .Values.x }}`, `{{ end }}`, `{{ include .. | nindent 4 }}`) of a
/// text, when each stands on a line of its own: blanked, the statements around them read as
/// written (every branch of an `if` at once). None when an action sits inside a statement.
fn template_lines(text: &str) -> Option<Vec<std::ops::Range<usize>>> {
    let mut actions = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let mut rest_is_blank = true;
        let mut at = 0;
        while let Some(open) = line[at..].find("{{") {
            rest_is_blank &= line[at..at + open].trim().is_empty();
            let close = line[at + open..].find("}}")? + at + open + 2;
            actions.push(line_start + at + open..line_start + close);
            at = close;
        }
        if at > 0 && !(rest_is_blank && line[at..].trim().is_empty()) {
            return None;
        }
        line_start += line.len();
    }
    Some(actions)
}

/// The usages of the nginx text in `value`; empty when the value is a template or is
/// written with escapes (then its bytes are not the text nginx reads; a note says so).
pub fn read(value: &Node, path: &Path, src: &str, facts: &mut FileFacts) -> Vec<Usage> {
    let masked = match embedded(value, src) {
        Embedded::Masked(masked) => masked,
        Embedded::Escaped => {
            facts.note_at(
                value.span.start,
                "this snippet is written with escapes or folding, so its nginx text is not checked"
                    .into(),
            );
            return Vec::new();
        }
        Embedded::Templated => {
            facts.note_at(
                value.span.start,
                "this snippet has template actions inside its nginx statements, so it is checked only once the chart is rendered".into(),
            );
            return Vec::new();
        }
        Embedded::Nothing => return Vec::new(),
    };
    // Includes named in a snippet are read only inside the project, as any nginx file's are.
    let found = nginx::extract(path, &masked, &crate::extract::reach::Reach::of(path, &[]));
    facts.notes.extend(found.notes);
    facts.notes_at.extend(found.notes_at);
    found.usages
}

/// The byte range of the scalar's text as nginx reads it: a literal block's lines (`|`), or
/// a plain or quoted scalar without escapes. None for folded blocks (`>`, which join lines
/// only where nginx does not care, but may hide a `#` comment's end) and escaped strings.
fn body(src: &str, value: &Node) -> Option<std::ops::Range<usize>> {
    let written = src.get(value.span.clone())?;
    let start = value.span.start;
    match written.chars().next()? {
        '|' => {
            let first_line = written.find('\n')? + 1;
            Some(start + first_line..value.span.end)
        }
        '>' => None,
        '"' if written.contains('\\') => None,
        '\'' if written[1..written.len().saturating_sub(1)].contains('\'') => None,
        '"' | '\'' => Some(start + 1..value.span.end.saturating_sub(1).max(start + 1)),
        _ => Some(value.span.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tree::{Document, yaml_documents};
    use crate::usage::Code;

    fn read_at(src: &str, key: &str) -> (Vec<Usage>, FileFacts) {
        let Document::Parsed(root) = yaml_documents(src).remove(0) else {
            panic!("parses");
        };
        let mut facts = FileFacts::default();
        let value = root.get(key).unwrap();
        (read(value, Path::new("ing.yaml"), src, &mut facts), facts)
    }

    #[test]
    fn block_snippets_keep_the_yaml_positions() {
        let src = "a: 1\nsnippet: |\n  if ($scheme = http) {\n    return 302 https://$host$request_uri;\n  }\n";
        let (u, _) = read_at(src, "snippet");
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].code, Code::Exact(302));
        assert_eq!(crate::diagnostic::line_of(src, u[0].span.start), 4);
        assert!(u[0].evidence.request_scheme.is_some());
    }

    #[test]
    fn helm_actions_on_their_own_lines_are_blanked() {
        let src = "snippet: |\n  {{- if .Values.upgrade }}\n  return 302 https://$host$request_uri;\n  {{- end }}\n";
        let (u, _) = read_at(src, "snippet");
        assert_eq!(u.len(), 1);
        assert_eq!(crate::diagnostic::line_of(src, u[0].span.start), 3);
        let src = "snippet: |\n  return 302 https://{{ .Values.host }}$request_uri;\n";
        let (u, facts) = read_at(src, "snippet");
        assert!(u.is_empty());
        assert!(
            facts.notes_at[0].1.contains("template actions"),
            "{:?}",
            facts.notes_at
        );
        assert_eq!(template_lines("a {{ b"), None);
    }

    #[test]
    fn quoted_plain_and_escaped_snippets() {
        let src = "snippet: \"return 301 https://example.com$request_uri;\"\n";
        assert_eq!(read_at(src, "snippet").0[0].code, Code::Exact(301));
        let src = "snippet: return 308 https://example.com;\n";
        assert_eq!(read_at(src, "snippet").0[0].code, Code::Exact(308));
        let src = "snippet: \"return 302 https://x;\\nreturn 301 /y;\"\n";
        let (u, facts) = read_at(src, "snippet");
        assert!(u.is_empty());
        assert!(facts.notes_at[0].1.contains("escapes"));
    }
}
