//! Hover: over a status code, what the code means and when to use it (`statuslint explain
//! 307`); over a rule id in a suppression comment or a config file, the rule's docs.

use crate::usage::{Span, Usage};

/// The text to show at `offset`, and the span it is about.
pub fn hover(
    text: &str,
    offset: usize,
    usages: &[Usage],
    is_config: bool,
) -> Option<(String, Span)> {
    let on_usage = usages
        .iter()
        .filter(|u| u.span.start <= offset && offset <= u.span.end)
        .min_by_key(|u| u.span.len());
    if let Some(usage) = on_usage
        && let Some(code) = usage.code.exact()
        && let Some(explained) = crate::explain::explain(&code.to_string())
    {
        return Some((explained, usage.span.clone()));
    }
    let word = word_at(text, offset)?;
    let line_start = text[..word.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[word.end..]
        .find('\n')
        .map_or(text.len(), |i| word.end + i);
    let in_suppression = text[line_start..line_end].contains("statuslint-");
    if !(is_config || in_suppression) {
        return None;
    }
    let rule = crate::rules::find(&text[word.clone()])?;
    Some((crate::explain::explain(&rule.meta.id)?, word))
}

/// The rule id or name (letters, digits, `-`, `_`) around `offset`.
fn word_at(text: &str, offset: usize) -> Option<Span> {
    let part = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| part(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !part(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    (start < end).then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::Code;

    #[test]
    fn explains_the_code_under_the_cursor() {
        let text = "return 307 https://example.com;";
        let usages = [Usage::new(0..10, Code::Exact(307), "return 307")];
        let (shown, span) = hover(text, 8, &usages, false).unwrap();
        assert!(shown.starts_with("307 Temporary Redirect"), "{shown}");
        assert_eq!(span, 0..10);
        assert_eq!(hover(text, 20, &usages, false), None);
    }

    #[test]
    fn explains_rules_named_in_suppressions_and_config() {
        let text = "x # statuslint-disable-line SL101\nSL102 = 1\n";
        let (shown, span) = hover(text, 30, &[], false).unwrap();
        assert!(
            shown.starts_with("SL101 temporary-redirect-for-permanent-move"),
            "{shown}"
        );
        assert_eq!(span, 28..33);
        // A rule id elsewhere is explained only in a config file.
        assert_eq!(hover(text, 36, &[], false), None);
        assert!(hover(text, 36, &[], true).unwrap().0.starts_with("SL102"));
    }
}
