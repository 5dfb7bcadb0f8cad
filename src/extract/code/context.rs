//! Context: what surrounds a site that names a code (the handler's name, its comments and
//! docs, the condition it sits under, the request input read before it), as evidence for
//! the heuristic rules. The same for every language; the syntax comes from [`Syntax`].

use super::{Comment, Syntax, string_literals, text};
use crate::knowledge::{STATUS, words};
use crate::usage::{Evidence, Method, Scheme, TextSource, Usage};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;
use tree_sitter::Node;

/// Where a site sits: the function that declares the handler, and the innermost function
/// or closure whose code runs before it (where per-request input is looked for).
pub struct Place<'t> {
    pub site: Node<'t>,
    pub function: Option<Node<'t>>,
    pub scope: Option<Node<'t>>,
}

/// Adds the handler's name, its docs and nearby comments, and the condition evidence.
pub fn describe<L: Syntax>(place: &Place, comments: &[Comment], src: &str, usage: &mut Usage) {
    if let Some(f) = place.function {
        if let Some(name) = L::function_name(f, src) {
            usage
                .evidence
                .texts
                .push((TextSource::Handler, name.clone()));
            usage.handler = Some(name);
        }
        for doc in L::function_docs(f, src) {
            if let Some(doc) = without_response_docs(&doc) {
                usage.evidence.texts.push((TextSource::Comment, doc));
            }
        }
        // Comments inside the function, on the site's line or the three lines above it.
        let row = place.site.start_position().row;
        for comment in comments {
            if (f.start_byte()..f.end_byte()).contains(&comment.start)
                && comment.row <= row
                && comment.row + 3 >= row
                && let Some(text) = without_response_docs(&comment.text)
            {
                usage.evidence.texts.push((TextSource::Comment, text));
            }
        }
    }
    gather::<L>(place, src, &mut usage.evidence);
    narrow_methods::<L>(place.site, src, usage);
}

/// A doc or comment without its lines that document responses (a go-swagger `403:` with
/// `description: Forbidden` under it, `Returns 404 if ...`, `:raises 401:`): each names the
/// case of its own code, not the condition this site runs under. None when nothing is left.
fn without_response_docs(text: &str) -> Option<String> {
    let kept: Vec<&str> = text
        .lines()
        .filter(|line| !documents_a_response(line))
        .collect();
    let kept = kept.join("\n");
    (!kept.trim().is_empty()).then_some(kept)
}

/// A line that starts with a status code, or is only a reason phrase, after a label word.
fn documents_a_response(line: &str) -> bool {
    const LABELS: &[&str] = &[
        "description",
        "desc",
        "summary",
        "response",
        "responses",
        "return",
        "returns",
        "raise",
        "raises",
        "throw",
        "throws",
        "status",
        "code",
        "http",
        "apiresponse",
        "success",
        "failure",
        "error",
    ];
    let ws = words(line);
    let rest: Vec<&str> = ws
        .iter()
        .map(String::as_str)
        .skip_while(|w| LABELS.contains(w))
        .collect();
    let Some(first) = rest.first() else {
        return false;
    };
    first.len() == 3 && first.parse::<u32>().is_ok_and(|c| (100..600).contains(&c))
        || REASON_PHRASES.contains(&rest.join(" "))
}

/// Every reason phrase, as lowercase words (`not found`, `ok`).
static REASON_PHRASES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    STATUS
        .status
        .iter()
        .map(|s| words(&s.reason).join(" "))
        .collect()
});

/// The conditions around a site, innermost first (at most a few levels).
fn conditions<L: Syntax>(site: Node, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = site;
    while out.len() < 8 {
        let Some((node, text)) = L::condition(at, src) else {
            break;
        };
        out.push(text);
        at = node;
    }
    out
}

/// `if request.method == "POST":` around the site (at any depth) in a handler that answers
/// several methods: only POST reaches the site.
fn narrow_methods<L: Syntax>(site: Node, src: &str, usage: &mut Usage) {
    let Some(tested) = conditions::<L>(site, src)
        .iter()
        .filter(|c| !c.trim_start().starts_with("not"))
        .find_map(|c| match METHOD_TEST.captures(c) {
            Some(m) => Method::parse(&m[1]),
            // A form is submitted by POST (HTML forms send nothing else that is unsafe).
            None => SUBMITTED_FORM.is_match(c).then_some(Method::Post),
        })
    else {
        return;
    };
    if usage.methods.as_ref().is_none_or(|m| m.contains(&tested)) {
        usage.methods = Some(vec![tested]);
    }
}

static METHOD_TEST: LazyLock<Regex> = LazyLock::new(|| {
    // `request.method == "POST"`, and Go's `r.Method == http.MethodPost`.
    Regex::new(
        r#"(?-u)(?i)\bmethod\s*==\s*(?:["']|[\w.]*\bmethod)(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b"#,
    )
    .expect("valid regex")
});

static SUBMITTED_FORM: LazyLock<Regex> = LazyLock::new(|| {
    // Flask-WTF's `form.validate_on_submit()` and `form.is_submitted()` are true only for a
    // POST, PUT, PATCH or DELETE request.
    Regex::new(r"\b(?:validate_on_submit|is_submitted)\s*\(").expect("valid regex")
});

/// The condition the site runs under, and request input read before it.
fn gather<L: Syntax>(place: &Place, src: &str, evidence: &mut Evidence) {
    // A handler that reads the user agent, the language or a cookie before it answers
    // chooses its answer per request.
    if let Some(scope) = place.scope.or(place.function) {
        let before = src
            .get(scope.start_byte()..place.site.start_byte())
            .unwrap_or("");
        if let Some(m) = PER_REQUEST_INPUT.find(before) {
            evidence.per_request = Some(format!("`{}`, read earlier in the handler", m.as_str()));
        }
    }
    let Some((condition, full)) = L::condition(place.site, src) else {
        return;
    };
    let mut literals = Vec::new();
    string_literals::<L>(condition, src, &mut literals);
    evidence
        .request_hosts
        .extend(literals.iter().filter(|l| looks_like_host(l)).cloned());
    let lower = full.to_ascii_lowercase();
    // JavaScript's `url.protocol === 'http:'` tests the scheme too.
    let tests_scheme = lower.contains("forwarded-proto")
        || lower.contains("forwarded_proto")
        || lower.contains("scheme")
        || lower.contains("protocol");
    if tests_scheme
        && literals
            .iter()
            .any(|l| l.eq_ignore_ascii_case("http") || l.eq_ignore_ascii_case("http:"))
        || lower.contains("scheme::http)")
        || INSECURE_TEST.is_match(&full)
    {
        evidence.request_scheme =
            Some((Scheme::Http, format!("the handler tests `{}`", full.trim())));
    }
    evidence.texts.extend(
        condition_texts(&full)
            .into_iter()
            .map(|t| (TextSource::Condition, t)),
    );
    evidence.condition = Some(full);
}

/// A condition as the heuristic rules read it: operators as words (`!` and `not` are
/// "not", `!=` is "not equal"), with receivers dropped after a negation, so
/// `not request.user.is_staff` reads "not is staff".
pub fn condition_texts(condition: &str) -> Vec<String> {
    let spelled = condition
        .replace("!=", " not equal ")
        .replace("==", " equal ")
        .replace('!', " not ")
        .replace("&&", " and ")
        .replace("||", " or ");
    let spelled = spelled.split_whitespace().collect::<Vec<_>>().join(" ");
    // `!errors.Is(err, ErrNotFound)` says what the error is not: no evidence of it.
    let spelled = NEGATED_MATCH.replace_all(&spelled, "not");
    // Only the form without receivers: `not current_user.is_admin` must not read as
    // "not current user".
    vec![NEGATED_PATH.replace_all(&spelled, "not $last").into_owned()]
}

/// `not a.b.c`, `not a.b.c()`, Go's `!currentUser(r).IsAdmin`: the last segment is what is
/// tested.
static NEGATED_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u)\bnot\s+\(?\s*(?:[A-Za-z_][\w]*\s*(?:\([\w\s,.&*]*\))?\s*\.\s*)+(?P<last>[A-Za-z_]\w*)")
        .expect("valid regex")
});

/// A negated test of an error's kind: `not errors.Is(err, x)`, `not isinstance(e, x)`,
/// `not (err instanceof X)`, and the `not (errors.Is(err, x) or ..)` of an `else` branch.
static NEGATED_MATCH: LazyLock<Regex> = LazyLock::new(|| {
    // `errors.Is(err, x)`, `isinstance(e, x)`, `e.is_a(X)`.
    let kind_test = r"(?:[A-Za-z_]\w*\s*\.\s*)*(?:Is|As|isinstance|is_a)\s*\([^()]*\)";
    let instance_of = r"[\w.]+\s+instanceof\s+[\w.]+";
    // The `else` of `if errors.Is(err, a) || errors.Is(err, b)` negates the whole group.
    let test = format!("(?:{kind_test}|{instance_of})");
    Regex::new(&format!(
        r"\bnot\s+(?:{kind_test}|\(\s*{test}(?:\s+(?:or|and)\s+{test})*\s*\))"
    ))
    .expect("valid regex")
});

/// `not request.is_secure` (Flask, Django): the request arrived over plain http.
static INSECURE_TEST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u)^\s*not\s+[\w.]*request\.is_secure(\(\))?\s*$").expect("valid regex")
});

static PER_REQUEST_INPUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)user[-_]?agent|accept[-_]?language|\bcookies?\b|CookieJar|\.cookie\(")
        .expect("valid regex")
});

fn looks_like_host(text: &str) -> bool {
    text.contains('.')
        && !text.starts_with('.')
        && !text.ends_with('.')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && text.chars().any(|c| c.is_ascii_alphabetic())
}

/// The source text of a condition, on one line.
pub fn one_line(node: Node, src: &str) -> String {
    text(node, src)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negated_error_tests_are_no_evidence() {
        for (condition, read) in [
            (
                "err != nil && !errors.Is(err, avatar.ErrNotFound)",
                "err not equal nil and not",
            ),
            ("not isinstance(exc, NotFound)", "not"),
            ("!(err instanceof NotFoundError)", "not"),
            // The `else` of `if errors.Is(err, model.ErrNotFound)`.
            ("not (errors.Is(err, model.ErrNotFound))", "not"),
            ("not (isinstance(exc, Http404))", "not"),
            (
                "not (errors.Is(err, errFeedNotFound) || errors.Is(err, errEmptyTitle))",
                "not",
            ),
            (
                "errors.Is(err, sql.ErrNoRows)",
                "errors.Is(err, sql.ErrNoRows)",
            ),
        ] {
            assert_eq!(condition_texts(condition), [read], "{condition}");
        }
    }

    #[test]
    fn negated_paths_read_as_what_they_test() {
        for (condition, read) in [
            ("not current_user.is_admin", "not is_admin"),
            ("!currentUser(r).IsAdmin", "not IsAdmin"),
            ("!s.users.Get(ctx, id).IsOwner()", "not IsOwner()"),
            ("!user.IsAdmin && !ok", "not IsAdmin and not ok"),
        ] {
            assert_eq!(condition_texts(condition), [read], "{condition}");
        }
    }

    #[test]
    fn response_docs_are_not_evidence() {
        for line in [
            "  403:",
            "    description: Forbidden",
            "description: Ok",
            "Returns 404 if the item is gone",
            ":raises 401: when no token is sent",
            "- 500 Internal Server Error",
        ] {
            assert!(documents_a_response(line), "{line}");
        }
        for line in [
            "Only admins may delete a team.",
            "should be 301: this move is permanent",
            "the user is not allowed here",
            "",
        ] {
            assert!(!documents_a_response(line), "{line}");
        }
        let doc = "CreateUser adds a user.\nresponses:\n  403:\n    description: Forbidden";
        assert_eq!(
            without_response_docs(doc).as_deref(),
            Some("CreateUser adds a user.\nresponses:")
        );
        assert_eq!(
            without_response_docs("  401:\n description: Unauthorized"),
            None
        );
    }
}
