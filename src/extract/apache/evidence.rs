//! What surrounds an Apache directive: the `RewriteCond`s before a rule, the
//! `<VirtualHost>` address and names, `<Location>` and `<If>` sections, and comments.

use super::apis::APACHE;
use super::syntax::{Config, Directive};
use crate::extract::server_config::{literal_host, methods_in, www_normalisation};
use crate::usage::{Scheme, TextSource, Usage};

/// What the conditions say of the request's host.
enum HostTest {
    None,
    Matches,
    IsNot(String),
    /// Another property of the request is tested (a cookie, the user agent, arguments):
    /// the redirect is not a move of every request for the virtual host's names.
    Other,
}

pub fn fill(config: &Config, src: &str, d: &Directive, conds: &[&Directive], usage: &mut Usage) {
    comments(&d.comments, usage);
    let mut hosts = HostTest::None;
    // Conditions joined with [OR] say nothing certain about any one request.
    let either = conds.iter().any(|c| is_or(c));
    for cond in conds {
        comments(&cond.comments, usage);
        if either {
            note_condition(src, cond, usage);
            hosts = HostTest::Other;
            continue;
        }
        let tested = apply_condition(src, cond, usage);
        if !matches!(tested, HostTest::None | HostTest::Other) || matches!(hosts, HostTest::None) {
            hosts = tested;
        }
    }
    let mut inside_location = false;
    for (index, section) in config.enclosing(d.section) {
        let first = section.args.first().map(|a| a.text.as_str()).unwrap_or("");
        match section.name.as_str() {
            "location" | "locationmatch" => {
                usage
                    .evidence
                    .texts
                    .push((TextSource::Route, first.to_string()));
                comments(&section.comments, usage);
                inside_location = true;
            }
            "if" | "elseif" => {
                let words: Vec<&str> = section.args.iter().map(|a| a.text.as_str()).collect();
                if_section(&words.join(" "), usage);
                comments(&section.comments, usage);
            }
            "virtualhost" => {
                virtual_host(config, index, &hosts, usage);
                if !inside_location {
                    comments(&section.comments, usage);
                }
                break;
            }
            _ => {}
        }
    }
}

/// `<If "EXPR">`: the condition, and the scheme when the expression names plain http.
fn if_section(expression: &str, usage: &mut Usage) {
    if usage.evidence.condition.is_none() {
        usage.evidence.condition = Some(expression.to_string());
    }
    let normalised: String = expression
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\'' | '"'))
        .collect::<String>()
        .to_ascii_lowercase();
    let http_only = APACHE.http_only_expressions.contains(&normalised);
    if http_only && usage.evidence.request_scheme.is_none() {
        usage.evidence.request_scheme = Some((
            Scheme::Http,
            format!("the section `<If \"{expression}\">` answers only plain-http requests"),
        ));
    }
}

fn comments(list: &[String], usage: &mut Usage) {
    for text in list {
        usage
            .evidence
            .texts
            .push((TextSource::Comment, text.clone()));
    }
}

/// True for a condition with the `[OR]` flag.
fn is_or(cond: &Directive) -> bool {
    cond.args.get(2).is_some_and(|flags| {
        flags
            .text
            .trim_matches(['[', ']'])
            .split(',')
            .any(|f| f.eq_ignore_ascii_case("or") || f.eq_ignore_ascii_case("ornext"))
    })
}

/// Adds the condition as written to the usage's condition text, and returns it.
fn note_condition<'s>(src: &'s str, cond: &Directive, usage: &mut Usage) -> &'s str {
    let written = src.get(cond.span.clone()).unwrap_or("").trim();
    match &mut usage.evidence.condition {
        Some(text) => text.push_str(&format!(" and {written}")),
        None => usage.evidence.condition = Some(written.to_string()),
    }
    written
}

/// Applies one `RewriteCond TestString CondPattern [flags]`.
fn apply_condition(src: &str, cond: &Directive, usage: &mut Usage) -> HostTest {
    let apis = &*APACHE;
    let (Some(variable), Some(pattern)) = (cond.args.first(), cond.args.get(1)) else {
        return HostTest::None;
    };
    let written = note_condition(src, cond, usage);
    let (variable, pattern) = (variable.text.as_str(), pattern.text.as_str());
    let http_only = apis.http_only_conditions.iter().any(|c| {
        c.variable.eq_ignore_ascii_case(variable)
            && c.patterns.iter().any(|p| p.eq_ignore_ascii_case(pattern))
    });
    if http_only && usage.evidence.request_scheme.is_none() {
        usage.evidence.request_scheme = Some((
            Scheme::Http,
            format!("this rule answers only plain-http requests (`{written}`)"),
        ));
    }
    let negated = pattern.starts_with('!');
    let bare = pattern.trim_start_matches(['!', '=']);
    if variable.eq_ignore_ascii_case(&apis.variables.method) && !negated {
        usage.methods = methods_in(bare);
    }
    if !variable.eq_ignore_ascii_case(&apis.variables.request_host) {
        let is = |v: &String| v.eq_ignore_ascii_case(variable);
        let neutral = http_only_variable(variable)
            || variable.eq_ignore_ascii_case(&apis.variables.method)
            || apis.variables.path_tests.iter().any(is)
            || bare.starts_with('-');
        return if neutral {
            HostTest::None
        } else {
            HostTest::Other
        };
    }
    if let Some(target) = &usage.target
        && usage.evidence.normalisation.is_none()
    {
        usage.evidence.normalisation = www_normalisation(bare, negated, target);
    }
    match (negated, literal_host(bare)) {
        (false, Some(host)) => {
            usage.evidence.request_hosts = vec![host];
            HostTest::Matches
        }
        (false, None) => HostTest::Matches,
        (true, Some(host)) => HostTest::IsNot(host),
        (true, None) => HostTest::None,
    }
}

fn http_only_variable(variable: &str) -> bool {
    APACHE
        .http_only_conditions
        .iter()
        .any(|c| c.variable.eq_ignore_ascii_case(variable))
}

/// The virtual host's addresses and names.
fn virtual_host(config: &Config, index: usize, hosts: &HostTest, usage: &mut Usage) {
    let section = &config.sections[index];
    let port_80_only =
        !section.args.is_empty() && section.args.iter().all(|a| a.text.ends_with(":80"));
    if port_80_only && usage.evidence.request_scheme.is_none() {
        usage.evidence.request_scheme = Some((
            Scheme::Http,
            "this virtual host listens on port 80 only".into(),
        ));
    }
    let excluded = match hosts {
        HostTest::Matches | HostTest::Other => return,
        HostTest::IsNot(host) => Some(host.as_str()),
        HostTest::None => None,
    };
    let names = config
        .inside(index)
        .filter(|d| d.name == "servername" || d.name == "serveralias")
        .flat_map(|d| d.args.iter())
        .map(|a| a.text.to_ascii_lowercase())
        .map(|name| host_of_server_name(&name))
        .filter(|name| name.contains('.') && !name.contains('*'))
        .filter(|name| Some(name.as_str()) != excluded);
    usage.evidence.request_hosts.extend(names);
}

/// `ServerName [scheme://]host[:port]` gives the host.
fn host_of_server_name(name: &str) -> String {
    let rest = name.split_once("://").map_or(name, |(_, rest)| rest);
    rest.split(':').next().unwrap_or("").to_string()
}
