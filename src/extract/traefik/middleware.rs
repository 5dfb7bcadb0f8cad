//! One Traefik middleware definition: the redirect middlewares (`redirectScheme`,
//! `redirectRegex`) and the errors middleware. Shared by Traefik's own files (a file
//! provider's `http.middlewares.NAME`) and Kubernetes `Middleware` resources (`spec`).

use super::table::{ByMethod, TRAEFIK};
use crate::extract::tree::{Entry, Node, Value, code_of, comment_texts};
use crate::usage::{Body, Code, Headers, Scheme, Span, Target, TextSource, Usage};

/// Reads the middleware `config` into usages. `texts` describe it (its name, comments).
pub fn read(config: &Node, texts: &[(TextSource, String)], src: &str, out: &mut Vec<Usage>) {
    for kind in &TRAEFIK.redirect_middlewares {
        if let Some(entry) = config.entry_nocase(kind) {
            let mut texts = texts.to_vec();
            texts.extend(comment_texts(src, &entry.key));
            let usage = if kind.eq_ignore_ascii_case("redirectScheme") {
                redirect_scheme(entry, texts)
            } else {
                redirect_regex(entry, texts)
            };
            out.extend(usage);
        }
    }
    if let Some(errors) = config.get_nocase(&TRAEFIK.errors_middleware.name) {
        error_codes(errors, texts, src, out);
    }
}

/// Where the code is chosen and whether it is permanent: the `permanent` value, or the
/// middleware's key when the option is absent (then Traefik takes false). None when the
/// value is not a boolean (a template, a typo): the code is not known.
pub(super) struct Permanence {
    pub permanent: bool,
    span: Span,
    spelled: String,
}

pub(super) fn permanence(entry: &Entry, what: &str, default: bool) -> Option<Permanence> {
    match entry.value.entry_nocase("permanent") {
        Some(option) => {
            let permanent = option.value.as_bool()?;
            Some(Permanence {
                permanent,
                span: option.value.span.clone(),
                spelled: format!("{what} with permanent: {permanent}"),
            })
        }
        None => Some(Permanence {
            permanent: default,
            span: entry.key.span.clone(),
            spelled: format!("{what} without a permanent option"),
        }),
    }
}

/// A redirect the middleware answers with: Traefik sets Location and writes the reason
/// phrase as the body.
pub(super) fn redirect_usage(
    choice: Permanence,
    target: Target,
    texts: Vec<(TextSource, String)>,
) -> Usage {
    let codes = TRAEFIK.codes.for_permanent(choice.permanent);
    let mut u = Usage::new(choice.span, Code::Exact(codes.get), choice.spelled);
    u.implicit = true;
    u.headers = Headers::complete();
    u.headers.add("location", Some(target.text.clone()));
    u.body = Body::Present;
    u.target = Some(target);
    u.evidence.texts = texts;
    u
}

/// "Traefik sends 302 to GET and 307 to other methods".
pub fn by_method(codes: &ByMethod) -> String {
    format!(
        "Traefik sends {} to GET and {} to other methods",
        codes.get, codes.other_methods
    )
}

fn redirect_scheme(entry: &Entry, texts: Vec<(TextSource, String)>) -> Option<Usage> {
    let options = &entry.value;
    // Traefik refuses a redirectScheme without a scheme.
    let scheme = options.get_nocase("scheme")?.as_str()?.to_ascii_lowercase();
    let port = match options.get_nocase("port") {
        Some(node) => node.as_str()?.to_string(),
        None => String::new(),
    };
    let default_port = port.is_empty()
        || (scheme == "https" && port == "443")
        || (scheme == "http" && port == "80");
    let choice = permanence(entry, "redirectScheme", false)?;
    let codes = TRAEFIK.codes.for_permanent(choice.permanent);
    let port_text = if default_port {
        String::new()
    } else {
        format!(":{port}")
    };
    let target = Target {
        text: format!("{scheme}://{{host}}{port_text}{{path}}"),
        keeps_host: true,
        keeps_path: true,
    };
    let mut u = redirect_usage(choice, target, texts);
    // With the default port, a request already on the target scheme passes through.
    if scheme == "https" && default_port {
        u.evidence.request_scheme = Some((
            Scheme::Http,
            format!(
                "redirectScheme answers only requests that are not already on https ({})",
                by_method(codes)
            ),
        ));
    }
    Some(u)
}

fn redirect_regex(entry: &Entry, texts: Vec<(TextSource, String)>) -> Option<Usage> {
    let options = &entry.value;
    let replacement = options.get_nocase("replacement")?.as_str()?;
    let regex = options
        .get_nocase("regex")
        .and_then(Node::as_str)
        .unwrap_or("");
    let choice = permanence(entry, "redirectRegex", false)?;
    let codes = TRAEFIK.codes.for_permanent(choice.permanent);
    let (host_part, path_part) = split_url(replacement);
    let target = Target {
        text: replacement.to_string(),
        keeps_host: host_part.contains('$'),
        keeps_path: path_part.contains('$'),
    };
    let mut texts = texts;
    if !regex.is_empty() {
        texts.push((TextSource::Route, regex.to_string()));
    }
    let mut u = redirect_usage(choice, target, texts);
    let (scheme, host) = regex_request(regex);
    if scheme == Some(Scheme::Http) {
        u.evidence.request_scheme = Some((
            Scheme::Http,
            format!(
                "the regex `{regex}` matches only http:// URLs ({})",
                by_method(codes)
            ),
        ));
    }
    u.evidence.request_hosts.extend(host);
    Some(u)
}

/// The host and the path of a URL-like text (`https://${1}/x` gives `${1}` and `/x`).
fn split_url(text: &str) -> (&str, &str) {
    match text.split_once("://") {
        Some((_, rest)) => rest.split_at(rest.find('/').unwrap_or(rest.len())),
        None => ("", text),
    }
}

/// What a redirectRegex `regex` says of the requests it matches: a literal `http://` scheme
/// and a literal host (`^https?://www\.example\.com/(.*)` gives `www.example.com`).
fn regex_request(regex: &str) -> (Option<Scheme>, Option<String>) {
    let body = regex.strip_prefix('^').unwrap_or(regex);
    let (scheme, rest) = if let Some(rest) = body.strip_prefix("http://") {
        (Some(Scheme::Http), rest)
    } else if let Some((_, rest)) = body.split_once("://") {
        (None, rest)
    } else {
        return (None, None);
    };
    let end = rest
        .find(['/', '(', ':', '$', '?', '[', '|', '*', '+'])
        .unwrap_or(rest.len());
    let host = rest[..end].replace("\\.", ".");
    let literal = host.contains('.')
        && host.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    (scheme, literal.then_some(host))
}

/// The codes written in an errors middleware: `status` entries (`500`, `500-599`,
/// `404,418`) and the codes `statusRewrites` sends instead.
fn error_codes(errors: &Node, texts: &[(TextSource, String)], src: &str, out: &mut Vec<Usage>) {
    let names = &TRAEFIK.errors_middleware;
    if let Some(status) = errors.get_nocase(&names.status) {
        let items: Vec<&Node> = match &status.value {
            Value::Seq(items) => items.iter().collect(),
            _ => vec![status],
        };
        for item in items {
            out.extend(status_entry(item, src));
        }
    }
    if let Some(rewrites) = errors.get_nocase(&names.rewrites) {
        for entry in rewrites.entries() {
            let Some(text) = entry.value.as_str() else {
                continue;
            };
            let mut u = Usage::new(
                entry.value.span.clone(),
                code_of(text),
                format!("errors statusRewrites {text}"),
            );
            u.evidence.texts = texts.to_vec();
            out.push(u);
        }
    }
}

/// The codes of one `status` entry that cannot be statuses at all (`600`, `5xx`): Traefik
/// only compares these with the status the service sent, so a code in 100-599 is not chosen
/// here and is left alone (`418` may be caught, `599` ends a range).
fn status_entry(item: &Node, src: &str) -> Vec<Usage> {
    let Some(text) = item.as_str() else {
        return Vec::new();
    };
    let written = src.get(item.span.clone()).unwrap_or("");
    let mut out = Vec::new();
    let mut cursor = 0;
    for part in text.split(',') {
        for bound in part.split('-').map(str::trim) {
            // Point at the bound itself when it is written as is.
            let span = match written[cursor..].find(bound).filter(|_| !bound.is_empty()) {
                Some(at) => {
                    cursor += at + bound.len();
                    let start = item.span.start + cursor - bound.len();
                    start..start + bound.len()
                }
                None => item.span.clone(),
            };
            let code = code_of(bound);
            if !code.is_in(100, 599) {
                out.push(Usage::new(span, code, format!("errors status {part}")));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tree::{Document, yaml_documents};

    fn usages(src: &str) -> Vec<Usage> {
        let Document::Parsed(root) = yaml_documents(src).remove(0) else {
            panic!("parses");
        };
        let mut out = Vec::new();
        read(&root, &[], src, &mut out);
        out
    }

    #[test]
    fn redirect_scheme_without_permanent_sends_302() {
        let src = "redirectScheme:\n  scheme: https\n";
        let u = usages(src);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].code, Code::Exact(302));
        assert!(u[0].implicit);
        assert_eq!(&src[u[0].span.clone()], "redirectScheme");
        assert_eq!(
            u[0].evidence.request_scheme.as_ref().unwrap().0,
            Scheme::Http
        );
    }

    #[test]
    fn permanent_true_sends_301_at_the_option() {
        let src = "redirectScheme:\n  scheme: https\n  permanent: true\n";
        let u = usages(src);
        assert_eq!(u[0].code, Code::Exact(301));
        assert_eq!(&src[u[0].span.clone()], "true");
    }

    #[test]
    fn templated_permanent_is_unknown() {
        let src = "redirectScheme:\n  scheme: https\n  permanent: {{ .Values.p }}\n";
        assert!(usages(src).is_empty());
    }

    #[test]
    fn redirect_regex_reads_hosts_from_the_regex() {
        let src = "redirectRegex:\n  regex: ^http://www\\.example\\.com/(.*)\n  replacement: https://example.com/${1}\n";
        let u = usages(src);
        assert_eq!(u[0].evidence.request_hosts, ["www.example.com"]);
        assert!(u[0].evidence.request_scheme.is_some());
        assert!(u[0].target.as_ref().unwrap().keeps_path);
    }

    #[test]
    fn caught_codes_yield_only_what_cannot_be_a_status() {
        let src = "errors:\n  status: [\"500-599\", \"404,418\", \"400-600\", \"5xx\"]\n  statusRewrites:\n    \"500-599\": 503\n";
        let u = usages(src);
        let codes: Vec<_> = u
            .iter()
            .map(|u| (u.code.clone(), &src[u.span.clone()]))
            .collect();
        assert_eq!(
            codes,
            [
                (Code::Exact(600), "600"),
                (Code::Malformed("5xx".into()), "5xx"),
                (Code::Exact(503), "503"),
            ]
        );
    }

    #[test]
    fn regex_hosts_must_be_whole_names() {
        assert_eq!(regex_request(r"^(http|https)?://www\.(.+)$").1, None);
        assert_eq!(
            regex_request(r"^http://old\.example\.com/(.*)"),
            (Some(Scheme::Http), Some("old.example.com".into()))
        );
    }
}
