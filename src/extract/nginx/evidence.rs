//! What the blocks around a directive say about the requests that reach it: the server's
//! `listen` and `server_name`, `if` tests, the `location` path, and comments.

use super::apis::NGINX;
use super::syntax::{Config, Directive};
use crate::extract::server_config::{literal_host, methods_in, www_normalisation};
use crate::usage::{Scheme, TextSource, Usage};

/// `if (VARIABLE OP VALUE)` as written.
struct Test<'a> {
    variable: &'a str,
    op: &'a str,
    value: String,
    /// The parenthesised text, for messages.
    written: &'a str,
}

fn parse_test<'a>(src: &'a str, directive: &'a Directive) -> Option<Test<'a>> {
    let (first, last) = (directive.args.first()?, directive.args.last()?);
    let written = src.get(first.span.start..last.span.end)?;
    let parts: Vec<&str> = directive
        .args
        .iter()
        .map(|a| a.text.trim_start_matches('(').trim_end_matches(')'))
        .filter(|t| !t.is_empty())
        .collect();
    let variable = *parts.first()?;
    let op = parts.get(1).copied().unwrap_or("");
    let value = parts.get(2..).map(|v| v.join(" ")).unwrap_or_default();
    Some(Test {
        variable,
        op,
        value,
        written,
    })
}

/// Fills in what the enclosing blocks say about the usage at directive `index`.
pub fn fill(config: &Config, src: &str, index: usize, usage: &mut Usage) {
    let mut inside_location = false;
    let mut hosts = HostTest::None;
    for (position, (i, d)) in config.ancestors(index).enumerate() {
        let own = position == 0;
        match d.name.as_str() {
            "if" if !own => {
                if let Some(test) = parse_test(src, d) {
                    let tested = apply_test(&test, usage);
                    if !matches!(tested, HostTest::None) {
                        hosts = tested;
                    }
                }
                comments(d, usage);
            }
            "location" if !own => {
                if let Some(path) = d.args.last() {
                    usage
                        .evidence
                        .texts
                        .push((TextSource::Route, path.text.clone()));
                }
                comments(d, usage);
                inside_location = true;
            }
            "server" if !own => {
                server_facts(config, i, &hosts, usage);
                if !inside_location {
                    comments(d, usage);
                }
                break;
            }
            _ if own => comments(d, usage),
            _ => {}
        }
    }
}

fn comments(d: &Directive, usage: &mut Usage) {
    for text in &d.comments {
        usage
            .evidence
            .texts
            .push((TextSource::Comment, text.clone()));
    }
}

/// What an `if` test says of the request's host.
enum HostTest {
    None,
    /// The host is tested, as a literal name or a pattern.
    Matches,
    /// The host is not this literal name.
    IsNot(String),
    /// Another property of the request is tested (arguments, a cookie, the user agent):
    /// the redirect is not a move of every request for the server's names.
    Other,
}

/// Applies one `if` test.
fn apply_test(test: &Test, usage: &mut Usage) -> HostTest {
    let apis = &*NGINX;
    if usage.evidence.condition.is_none() {
        usage.evidence.condition = Some(test.written.to_string());
    }
    let value = test.value.as_str();
    let http_only = apis.http_only_tests.iter().any(|t| {
        t.variable == test.variable
            && ((test.op == "=" && value == t.equals) || (test.op == "!=" && value == t.not_equals))
    });
    if http_only && usage.evidence.request_scheme.is_none() {
        usage.evidence.request_scheme = Some((
            Scheme::Http,
            format!(
                "the block under `if {}` answers only plain-http requests",
                test.written
            ),
        ));
    }
    if test.variable == apis.variables.method && matches!(test.op, "=" | "~" | "~*") {
        usage.methods = methods_in(value);
    }
    if !apis
        .variables
        .request_host
        .iter()
        .any(|v| v == test.variable)
    {
        let scheme = apis
            .http_only_tests
            .iter()
            .any(|t| t.variable == test.variable);
        let method = test.variable == apis.variables.method;
        let file = test.variable.trim_start_matches('!').starts_with('-');
        return if scheme || method || file {
            HostTest::None
        } else {
            HostTest::Other
        };
    }
    let negated = test.op.starts_with('!');
    if let Some(target) = &usage.target
        && usage.evidence.normalisation.is_none()
    {
        usage.evidence.normalisation = www_normalisation(value, negated, target);
    }
    match (test.op, literal_host(value)) {
        ("=" | "~" | "~*", Some(host)) => {
            usage.evidence.request_hosts = vec![host];
            HostTest::Matches
        }
        ("=" | "~" | "~*", None) => HostTest::Matches,
        ("!=" | "!~" | "!~*", Some(host)) => HostTest::IsNot(host),
        _ => HostTest::None,
    }
}

/// The server block's ports and the names that reach the usage.
fn server_facts(config: &Config, server: usize, hosts: &HostTest, usage: &mut Usage) {
    let children: Vec<&Directive> = config.children(Some(server)).map(|(_, d)| d).collect();
    if usage.evidence.request_scheme.is_none() && listens_on_port_80_only(&children) {
        usage.evidence.request_scheme = Some((
            Scheme::Http,
            "this server block listens on port 80 only".into(),
        ));
    }
    let excluded = match hosts {
        HostTest::Matches | HostTest::Other => return,
        HostTest::IsNot(host) => Some(host.as_str()),
        HostTest::None => None,
    };
    for d in children.iter().filter(|d| d.name == "server_name") {
        let names = d.args.iter().filter_map(|a| server_name(&a.text));
        usage
            .evidence
            .request_hosts
            .extend(names.filter(|n| Some(n.as_str()) != excluded));
    }
}

/// A literal name of `server_name` (not `_`, a wildcard or a regex).
fn server_name(name: &str) -> Option<String> {
    let plain = !name.starts_with('~') && !name.contains('*') && !name.starts_with('.');
    (plain && name.contains('.')).then(|| name.to_ascii_lowercase())
}

/// True when the block has `listen` directives and every one is plain http on port 80.
fn listens_on_port_80_only(children: &[&Directive]) -> bool {
    let listens: Vec<&&Directive> = children.iter().filter(|d| d.name == "listen").collect();
    !listens.is_empty()
        && listens.iter().all(|d| {
            let Some(address) = d.args.first() else {
                return false;
            };
            let secure = d.args[1..]
                .iter()
                .any(|a| matches!(a.text.as_str(), "ssl" | "quic" | "proxy_protocol"));
            !secure && port(&address.text) == Some(80)
        })
}

/// The port of a `listen` address: `80`, `[::]:80`, `*:80`, `127.0.0.1`, `unix:/x`.
fn port(address: &str) -> Option<u32> {
    if address.starts_with("unix:") {
        return None;
    }
    match address.rsplit_once(':') {
        Some((_, port)) if !port.ends_with(']') => port.parse().ok(),
        _ if address.bytes().all(|b| b.is_ascii_digit()) => address.parse().ok(),
        _ => Some(80),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_of_listen_addresses() {
        assert_eq!(port("80"), Some(80));
        assert_eq!(port("[::]:80"), Some(80));
        assert_eq!(port("127.0.0.1:8080"), Some(8080));
        assert_eq!(port("example.com"), Some(80));
        assert_eq!(port("[::1]"), Some(80));
        assert_eq!(port("unix:/run/x.sock"), None);
    }

    #[test]
    fn server_names_keep_literal_hosts() {
        assert_eq!(
            server_name("www.example.com").as_deref(),
            Some("www.example.com")
        );
        for name in [
            "_",
            "*.example.com",
            "~^(?<x>.+)\\.example\\.com$",
            "localhost",
        ] {
            assert_eq!(server_name(name), None, "{name}");
        }
    }
}
