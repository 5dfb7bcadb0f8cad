//! A TOML file into a [`Node`] tree, keeping what parses when part of the file does not.

use super::{Entry, Node, Value};
use crate::diagnostic::Lines;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The file's root table, and one note per error (naming its line).
pub fn parse_toml(src: &str) -> (Node, Vec<String>) {
    let (root, errors) = DeTable::parse_recoverable(src);
    // Line starts, found once and only when there is an error to place.
    let lines = std::cell::OnceCell::new();
    let notes = errors
        .iter()
        .map(|e| {
            let line = e.span().map_or(1, |s| {
                lines.get_or_init(|| Lines::new(src)).locate(s.start).line
            });
            let reason = e.message().lines().next().unwrap_or("").trim().to_string();
            format!("line {line}: not valid TOML ({reason}); the rest of the file was still read")
        })
        .collect();
    let span = root.span();
    (table(root.into_inner(), span), notes)
}

fn table(table: DeTable<'_>, span: std::ops::Range<usize>) -> Node {
    let entries = table
        .into_iter()
        .map(|(key, value)| Entry {
            key: Node {
                span: key.span(),
                value: Value::Scalar(key.into_inner().into_owned()),
            },
            value: node(value),
        })
        .collect();
    Node {
        span,
        value: Value::Map(entries),
    }
}

fn node(value: Spanned<DeValue<'_>>) -> Node {
    let span = value.span();
    let value = match value.into_inner() {
        DeValue::String(s) => Value::Scalar(s.into_owned()),
        DeValue::Integer(i) => Value::Scalar(
            i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .map_or_else(|_| i.to_string(), |n| n.to_string()),
        ),
        DeValue::Float(f) => Value::Scalar(f.as_str().to_string()),
        DeValue::Boolean(b) => Value::Scalar(b.to_string()),
        DeValue::Datetime(d) => Value::Scalar(d.to_string()),
        DeValue::Array(items) => Value::Seq(items.into_iter().map(node).collect()),
        DeValue::Table(t) => return table(t, span),
    };
    Node { span, value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let src =
            "[http.middlewares.https.redirectScheme]\nscheme = \"https\"\npermanent = false\n";
        let (root, notes) = parse_toml(src);
        assert!(notes.is_empty());
        let rs = root
            .path(&["http", "middlewares", "https", "redirectScheme"])
            .unwrap();
        let permanent = rs.entry("permanent").unwrap();
        assert_eq!(&src[permanent.key.span.clone()], "permanent");
        assert_eq!(permanent.value.as_bool(), Some(false));
        assert_eq!(&src[rs.get("scheme").unwrap().span.clone()], "\"https\"");
    }

    #[test]
    fn reads_past_errors_with_a_note() {
        let src = "[a]\nx = 1\n[b\ny = = 2\n[c]\nz = 3\n";
        let (root, notes) = parse_toml(src);
        assert!(!notes.is_empty());
        assert!(notes[0].starts_with("line 3"), "{notes:?}");
        assert_eq!(root.path(&["a", "x"]).and_then(Node::as_str), Some("1"));
    }
}
