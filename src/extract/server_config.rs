//! Helpers shared by the server-config extractors (nginx, Apache): reading redirect targets,
//! host tests and method lists written in config.

use crate::usage::{Method, Target};

/// A target with what its placeholders reuse of the request.
pub fn target(text: &str, host_vars: &[String], path_vars: &[String]) -> Target {
    Target {
        text: text.to_string(),
        keeps_host: host_vars.iter().any(|v| has_placeholder(text, v)),
        keeps_path: path_vars.iter().any(|v| has_placeholder(text, v)),
    }
}

/// True when `var` appears in `text` and is not the start of a longer name (`$uri` is not
/// in `$uri_x`).
fn has_placeholder(text: &str, var: &str) -> bool {
    text.match_indices(var).any(|(at, _)| {
        let next = text[at + var.len()..].chars().next();
        !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The host a test matches when it is a literal name: `www.example.com`, or an anchored
/// regex such as `^www\.example\.com$`.
pub fn literal_host(pattern: &str) -> Option<String> {
    let trimmed = pattern.trim_start_matches('^').trim_end_matches('$');
    let host = trimmed.replace("\\.", ".");
    let literal = !host.is_empty()
        && host.contains('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
    literal.then(|| host.to_ascii_lowercase())
}

/// How a redirect under a host test changes the host: a test for a leading `www.` with a
/// target that drops it, or a negated one with a target that adds it.
pub fn www_normalisation(pattern: &str, negated: bool, target: &Target) -> Option<String> {
    let tests_www = pattern
        .trim_start_matches('^')
        .to_ascii_lowercase()
        .starts_with("www\\.");
    if !tests_www {
        return None;
    }
    let text = target.text.to_ascii_lowercase();
    let names_www = text.contains("://www.");
    match (negated, names_www) {
        (false, false) if text.contains("://") => {
            Some("drops the `www.` prefix of the host".into())
        }
        (true, true) => Some("adds the `www.` prefix to the host".into()),
        _ => None,
    }
}

/// Methods named by an equality or a simple alternation regex: `POST`, `^(POST|PUT)$`.
/// None when any part is not a method.
pub fn methods_in(value: &str) -> Option<Vec<Method>> {
    let inner = value
        .trim_start_matches('^')
        .trim_end_matches('$')
        .trim_start_matches('(')
        .trim_end_matches(')');
    let methods: Option<Vec<Method>> = inner.split('|').map(Method::parse).collect();
    methods.filter(|m| !m.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn targets_know_their_placeholders() {
        let t = target(
            "https://$host$request_uri",
            &vars(&["$host"]),
            &vars(&["$request_uri", "$uri"]),
        );
        assert!(t.keeps_host && t.keeps_path);
        let t = target("https://x/$uri_copy", &vars(&["$host"]), &vars(&["$uri"]));
        assert!(!t.keeps_host && !t.keeps_path);
    }

    #[test]
    fn literal_hosts_from_tests() {
        assert_eq!(
            literal_host("^www\\.example\\.com$").as_deref(),
            Some("www.example.com")
        );
        assert_eq!(literal_host("Example.org").as_deref(), Some("example.org"));
        assert_eq!(literal_host("^www\\.(.+)$"), None);
        assert_eq!(literal_host("localhost"), None);
    }

    #[test]
    fn www_changes() {
        let apex = Target::literal("https://example.com$request_uri");
        let www = Target::literal("https://www.example.com/");
        assert!(www_normalisation("^www\\.", false, &apex).is_some());
        assert!(www_normalisation("^www\\.", false, &www).is_none());
        assert!(www_normalisation("^www\\.", true, &www).is_some());
        assert!(www_normalisation("^api\\.", false, &apex).is_none());
    }

    #[test]
    fn methods_from_tests() {
        assert_eq!(methods_in("POST"), Some(vec![Method::Post]));
        assert_eq!(
            methods_in("^(PUT|DELETE)$"),
            Some(vec![Method::Put, Method::Delete])
        );
        assert_eq!(methods_in("^P"), None);
    }
}
