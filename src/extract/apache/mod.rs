//! Apache httpd configuration (`.htaccess`, httpd.conf, sites-*/*.conf): mod_alias
//! `Redirect*`, mod_rewrite `RewriteRule` with the `RewriteCond`s before it, `ErrorDocument`,
//! and the mod_headers `Header` lines that reach the response.
//!
//! Spellings and defaults come from `data/apis/apache.toml`.

mod apis;
mod evidence;
mod syntax;

use crate::extract::server_config::target;
use crate::usage::{Code, FileFacts, Headers, TextSource, Usage};
use apis::APACHE;
use syntax::{Arg, Config, Directive};

/// Directives that choose a status.
pub const PREFILTER: &str = r"(?mi)^[ \t]*(Redirect|RewriteRule|ErrorDocument)";

pub fn extract(_path: &std::path::Path, src: &str) -> FileFacts {
    let config = syntax::parse(src);
    let mut facts = FileFacts {
        notes: config.notes.clone(),
        ..FileFacts::default()
    };
    let file_headers = FileHeaders::of(&config);
    // RewriteCond lines apply to the next RewriteRule only.
    let mut conditions: Vec<usize> = Vec::new();
    for (index, d) in config.directives.iter().enumerate() {
        let found: Vec<Usage> = match d.name.as_str() {
            "rewritecond" => {
                conditions.push(index);
                continue;
            }
            "rewriterule" => from_rewrite_rule(src, d).into_iter().collect(),
            "redirect" | "redirectmatch" | "redirectpermanent" | "redirecttemp" => {
                from_redirect(src, d).into_iter().collect()
            }
            "errordocument" => from_error_document(d).into_iter().collect(),
            _ => Vec::new(),
        };
        let conds: Vec<&Directive> = match d.name.as_str() {
            "rewriterule" => std::mem::take(&mut conditions)
                .into_iter()
                .map(|i| &config.directives[i])
                .collect(),
            _ => Vec::new(),
        };
        for mut usage in found {
            if usage.headers.complete {
                usage.headers = response_headers(&config, &file_headers, d, &usage);
            }
            evidence::fill(&config, src, d, &conds, &mut usage);
            facts.usages.push(usage);
        }
    }
    facts
}

/// The directive's name as written (`RedirectMatch`), for `spelled`.
fn name_as_written<'s>(src: &'s str, d: &Directive) -> &'s str {
    src.get(d.span.clone())
        .and_then(|t| t.split_whitespace().next())
        .unwrap_or("")
}

/// A redirect to `to`; `captured_path` is true when the target's `$1` is the whole path.
fn redirect(d: &Directive, code: u32, spelled: String, to: &Arg, captured_path: bool) -> Usage {
    let vars = &APACHE.variables;
    let mut usage = Usage::new(d.span.clone(), Code::Exact(code), spelled);
    let mut t = target(&to.text, &vars.host, &vars.path);
    t.keeps_path |= captured_path && to.text.contains("$1");
    usage.target = Some(t);
    usage.headers = Headers::complete();
    usage
}

/// True when a regex's first group captures the whole path: `^(.*)$`, `^/?(.*)`, `(.*)`.
fn captures_whole_path(pattern: &str) -> bool {
    let rest = pattern.trim_start_matches('^');
    let rest = rest
        .strip_prefix("/?")
        .or_else(|| rest.strip_prefix('/'))
        .unwrap_or(rest);
    rest.starts_with("(.*)") || rest.starts_with("(.+)")
}

/// A response Apache builds itself (an error page), so its headers can be known.
fn own_response(d: &Directive, code: Code, spelled: String) -> Usage {
    let mut usage = Usage::new(d.span.clone(), code, spelled);
    usage.headers = Headers::complete();
    usage
}

fn is_redirect_code(code: u32) -> bool {
    (300..=399).contains(&code)
}

/// `Redirect [status] URL-path [URL]`, `RedirectMatch`, `RedirectPermanent`, `RedirectTemp`.
fn from_redirect(src: &str, d: &Directive) -> Option<Usage> {
    let apis = &*APACHE;
    let name = name_as_written(src, d);
    let first = d.args.first()?;
    let lower = first.text.to_ascii_lowercase();
    let (code, spelled, rest) = if let Some(code) = apis.fixed_redirects.get(&d.name) {
        (Code::Exact(*code), name.to_string(), &d.args[..])
    } else if let Some(code) = apis.status_keywords.get(&lower) {
        (
            Code::Exact(*code),
            format!("{name} {}", first.text),
            &d.args[1..],
        )
    } else if first.text.bytes().all(|b| b.is_ascii_digit()) {
        let code = first
            .text
            .parse()
            .map_or_else(|_| Code::Malformed(first.text.clone()), Code::Exact);
        (code, format!("{name} {}", first.text), &d.args[1..])
    } else {
        let mut usage = redirect_to(d, apis.default_redirect, name.to_string(), &d.args)?;
        usage.implicit = true;
        return Some(usage);
    };
    match code.exact() {
        Some(n) if is_redirect_code(n) => redirect_to(d, n, spelled, rest),
        _ => {
            let mut usage = own_response(d, code, spelled);
            if let Some(path) = rest.first() {
                usage
                    .evidence
                    .texts
                    .push((TextSource::Route, path.text.clone()));
            }
            Some(usage)
        }
    }
}

/// A mod_alias redirect from `args` = [URL-path, URL], or [URL] inside a `<Location>`.
fn redirect_to(d: &Directive, code: u32, spelled: String, args: &[Arg]) -> Option<Usage> {
    let (from, to) = match args {
        [from, to, ..] => (Some(from), to),
        [to] => (None, to),
        [] => return None,
    };
    let from_text = from.map_or("", |f| f.text.as_str());
    let regex = d.name == "redirectmatch";
    let whole_path = regex && captures_whole_path(from_text);
    let mut usage = redirect(d, code, spelled, to, whole_path);
    // `Redirect /` sends every path on, with the rest of the path appended.
    if let Some(t) = usage.target.as_mut() {
        t.keeps_path |= !regex && from_text == "/";
    }
    if let Some(from) = from {
        usage
            .evidence
            .texts
            .push((TextSource::Route, from.text.clone()));
    }
    Some(usage)
}

/// The flags of a RewriteRule, lowercased: `[R=301,L]` gives (r, 301), (l, "").
fn rewrite_flags(args: &[Arg]) -> Vec<(String, String)> {
    let Some(last) = args.last().filter(|a| a.text.starts_with('[')) else {
        return Vec::new();
    };
    last.text
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|flag| {
            let (key, value) = flag.split_once('=').unwrap_or((flag, ""));
            (
                key.trim().to_ascii_lowercase(),
                value.trim().to_ascii_lowercase(),
            )
        })
        .collect()
}

/// `RewriteRule pattern substitution [flags]`: `R` redirects, `F` and `G` answer 403 and
/// 410, and an absolute substitution without `P` is an external redirect.
fn from_rewrite_rule(src: &str, d: &Directive) -> Option<Usage> {
    let apis = &*APACHE;
    let (pattern, substitution) = (d.args.first()?, d.args.get(1)?);
    let flags = rewrite_flags(&d.args[2..]);
    let flag_text = d.args.get(2).map_or("", |a| a.text.as_str());
    let name = name_as_written(src, d);
    let spelled = format!("{name} ... {flag_text}");
    let whole_path = captures_whole_path(&pattern.text);
    let mut usage =
        if let Some((_, value)) = flags.iter().find(|(k, _)| k == "r" || k == "redirect") {
            let code = match apis.rewrite_redirect_keywords.get(value) {
                Some(code) => Code::Exact(*code),
                None if value.is_empty() => Code::Exact(apis.default_redirect),
                None => value
                    .parse()
                    .map_or_else(|_| Code::Malformed(value.clone()), Code::Exact),
            };
            match code.exact() {
                Some(n) if is_redirect_code(n) && substitution.text != "-" => {
                    let mut usage = redirect(d, n, spelled, substitution, whole_path);
                    usage.implicit = value.is_empty();
                    usage
                }
                // A code outside 3xx drops the substitution.
                _ => own_response(d, code, spelled),
            }
        } else if let Some(code) = flags
            .iter()
            .find_map(|(k, _)| apis.rewrite_status_flags.get(k))
        {
            Usage::new(d.span.clone(), Code::Exact(*code), spelled)
        } else if is_absolute(&substitution.text)
            && !flags.iter().any(|(k, _)| k == "p" || k == "proxy")
        {
            let spelled = format!("{name} {} {}", pattern.text, substitution.text);
            let mut usage = redirect(d, apis.default_redirect, spelled, substitution, whole_path);
            usage.implicit = true;
            usage
        } else {
            return None;
        };
    usage
        .evidence
        .texts
        .push((TextSource::Route, pattern.text.clone()));
    Some(usage)
}

fn is_absolute(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `ErrorDocument CODE document`: a code written in config.
fn from_error_document(d: &Directive) -> Option<Usage> {
    let code = d.args.first()?;
    let n: u32 = code.text.parse().ok()?;
    Some(Usage::new(
        code.span.clone(),
        Code::Exact(n),
        format!("ErrorDocument {n}"),
    ))
}

/// The mod_headers `Header` lines of every section around the directive; those without
/// `always` do not reach Apache's own redirects and error pages. Complete only inside a
/// `<VirtualHost>` of a file that includes nothing else.
fn response_headers(config: &Config, file: &FileHeaders, d: &Directive, usage: &Usage) -> Headers {
    let apis = &*APACHE;
    let mut around: Vec<Option<usize>> = vec![None];
    around.extend(config.enclosing(d.section).map(|(i, _)| Some(i)));
    let in_vhost = config
        .enclosing(d.section)
        .any(|(_, s)| s.name == "virtualhost");
    let mut headers = Headers::unknown();
    headers.complete = in_vhost && !file.includes;
    let code_takes_all = usage
        .code
        .exact()
        .is_some_and(|c| apis.headers.codes_without_always.contains(&c));
    let mut applying: Vec<usize> = around
        .iter()
        .filter_map(|s| file.headers.get(s))
        .flatten()
        .copied()
        .collect();
    applying.sort_unstable();
    for header in applying.into_iter().map(|i| &config.directives[i]) {
        if let Some((always, name, value)) = header_set(header)
            && (always || code_takes_all)
        {
            headers.add(name, value);
        }
    }
    if let Some(t) = &usage.target {
        headers.add("location", Some(t.text.clone()));
    }
    headers
}

/// What the whole file says about headers, found once: whether it includes other files,
/// and its `Header` directives by section (None: the top level).
struct FileHeaders {
    includes: bool,
    headers: std::collections::HashMap<Option<usize>, Vec<usize>>,
}

impl FileHeaders {
    fn of(config: &Config) -> FileHeaders {
        let mut headers: std::collections::HashMap<Option<usize>, Vec<usize>> = Default::default();
        for (i, d) in config.directives.iter().enumerate() {
            if d.name == "header" {
                headers.entry(d.section).or_default().push(i);
            }
        }
        FileHeaders {
            includes: config
                .directives
                .iter()
                .any(|x| x.name.starts_with("include")),
            headers,
        }
    }
}

/// `Header [always|onsuccess] ACTION NAME [VALUE]` when the action puts a header on:
/// (always, name, value).
fn header_set(header: &Directive) -> Option<(bool, &str, Option<String>)> {
    let mut args = header.args.iter().map(|a| a.text.as_str()).peekable();
    let condition =
        args.next_if(|a| a.eq_ignore_ascii_case("always") || a.eq_ignore_ascii_case("onsuccess"));
    let always = condition.is_some_and(|c| c.eq_ignore_ascii_case("always"));
    let action = args.next()?.to_ascii_lowercase();
    if !APACHE.headers.actions.contains(&action) {
        return None;
    }
    let name = args.next()?;
    Some((always, name, args.next().map(str::to_string)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::{Method, Scheme};
    use std::path::Path;

    fn usages(src: &str) -> Vec<Usage> {
        extract(Path::new(".htaccess"), src).usages
    }

    fn codes(src: &str) -> Vec<(Option<u32>, bool, Option<String>)> {
        usages(src)
            .into_iter()
            .map(|u| (u.code.exact(), u.implicit, u.target.map(|t| t.text)))
            .collect()
    }

    #[test]
    fn mod_alias_redirects() {
        let src = "Redirect /a https://x.org/a\nredirect permanent /b /c\nRedirect 303 /d /e\nRedirect gone /f\nRedirectMatch ^/g(.*)$ /h$1\nRedirectPermanent /i /j\nRedirectTemp /k /l\nRedirect 410 /m\n";
        let found = codes(src);
        let t = |s: &str| Some(s.to_string());
        assert_eq!(
            found,
            [
                (Some(302), true, t("https://x.org/a")),
                (Some(301), false, t("/c")),
                (Some(303), false, t("/e")),
                (Some(410), false, None),
                (Some(302), true, t("/h$1")),
                (Some(301), false, t("/j")),
                (Some(302), false, t("/l")),
                (Some(410), false, None),
            ]
        );
        assert_eq!(usages(src)[1].spelled, "redirect permanent");
    }

    #[test]
    fn rewrite_rules_with_flags() {
        let src = "RewriteRule ^old$ /new [R=301,L]\nRewriteRule ^a$ /b [R]\nRewriteRule ^c$ /d [redirect=seeother]\nRewriteRule \\.git - [F]\nRewriteRule ^gone - [G,L]\nRewriteRule ^(.*)$ https://x.org/$1 [L]\nRewriteRule ^api/(.*)$ http://127.0.0.1:8080/$1 [P]\nRewriteRule ^x$ /y [L]\nRewriteRule ^z$ - [R=404]\n";
        let t = |s: &str| Some(s.to_string());
        assert_eq!(
            codes(src),
            [
                (Some(301), false, t("/new")),
                (Some(302), true, t("/b")),
                (Some(303), false, t("/d")),
                (Some(403), false, None),
                (Some(410), false, None),
                (Some(302), true, t("https://x.org/$1")),
                (Some(404), false, None),
            ]
        );
        assert!(usages(src)[5].target.as_ref().unwrap().keeps_path);
    }

    #[test]
    fn conditions_give_scheme_hosts_and_methods() {
        let src = "RewriteEngine On\n# Force https\nRewriteCond %{HTTPS} off\nRewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [R,L]\nRewriteCond %{HTTP_HOST} ^www\\.example\\.com$ [NC]\nRewriteRule ^(.*)$ https://example.com/$1 [R=302,L]\nRewriteCond %{REQUEST_METHOD} ^(POST|PUT)$\nRewriteRule ^form$ /done [R=301,L]\nRewriteCond %{HTTP_HOST} ^www\\.(.+)$ [NC]\nRewriteRule ^ https://%1%{REQUEST_URI} [R=302,L]\n";
        let found = usages(src);
        assert_eq!(
            found[0].evidence.request_scheme.as_ref().map(|s| s.0),
            Some(Scheme::Http)
        );
        assert!(
            found[0]
                .evidence
                .texts
                .contains(&(TextSource::Comment, "Force https".into()))
        );
        let t = found[0].target.as_ref().unwrap();
        assert!(t.keeps_host && t.keeps_path);
        assert_eq!(found[1].evidence.request_hosts, ["www.example.com"]);
        assert_eq!(found[2].methods, Some(vec![Method::Post, Method::Put]));
        assert_eq!(
            found[3].evidence.normalisation.as_deref(),
            Some("drops the `www.` prefix of the host")
        );
        // Conditions apply to the next rule only.
        assert!(found[1].evidence.request_scheme.is_none());
    }

    #[test]
    fn virtual_hosts_give_port_names_and_headers() {
        let src = "<VirtualHost *:80>\n  ServerName www.example.com\n  ServerAlias example.com\n  Redirect / https://example.com/\n</VirtualHost>\n<VirtualHost *:443>\n  ServerName example.com\n  Header always set WWW-Authenticate \"Basic realm=x\"\n  Header set X-Frame-Options DENY\n  Redirect 401 /private\n</VirtualHost>\n";
        let found = extract(Path::new("site.conf"), src).usages;
        let (scheme, why) = found[0].evidence.request_scheme.clone().unwrap();
        assert_eq!(
            (scheme, why.as_str()),
            (Scheme::Http, "this virtual host listens on port 80 only")
        );
        assert_eq!(
            found[0].evidence.request_hosts,
            ["www.example.com", "example.com"]
        );
        assert!(found[0].target.as_ref().unwrap().keeps_path);
        assert!(found[1].headers.complete);
        assert!(found[1].headers.has("www-authenticate"));
        assert!(!found[1].headers.has("x-frame-options"));
        // An .htaccess never shows the whole response.
        assert!(!usages("Redirect 401 /private").remove(0).headers.complete);
    }

    #[test]
    fn either_conditions_and_client_tests_prove_nothing() {
        let src = "<VirtualHost *:443>\nServerName example.com\nServerAlias www.example.com\nRewriteCond %{HTTPS} off [OR]\nRewriteCond %{HTTP_HOST} ^www\\. [NC]\nRewriteRule ^ https://example.com%{REQUEST_URI} [R,L]\nRewriteCond %{HTTP_USER_AGENT} iPhone\nRewriteRule ^(.*)$ https://m.example.com/$1 [R,L]\n</VirtualHost>\n";
        let found = extract(Path::new("site.conf"), src).usages;
        assert!(found[0].evidence.request_scheme.is_none());
        assert!(found[0].evidence.request_hosts.is_empty());
        assert!(
            found[0]
                .evidence
                .condition
                .as_deref()
                .unwrap()
                .contains("[OR]")
        );
        assert!(found[1].evidence.request_hosts.is_empty());
    }

    #[test]
    fn location_redirects_and_if_sections() {
        let src = "<If \"%{HTTPS} != 'on'\">\n    Redirect 302 / https://example.org/\n</If>\n<Location /old>\n    Redirect 308 https://example.org/new\n</Location>\n";
        let found = usages(src);
        assert!(found[0].evidence.request_scheme.is_some());
        assert_eq!(
            found[1].target.as_ref().unwrap().text,
            "https://example.org/new"
        );
        assert!(
            found[1]
                .evidence
                .texts
                .contains(&(TextSource::Route, "/old".into()))
        );
    }

    #[test]
    fn error_documents_are_codes() {
        let found = codes("ErrorDocument 404 /404.html\nErrorDocument 599 \"oops\"\n");
        assert_eq!(found, [(Some(404), false, None), (Some(599), false, None)]);
    }

    #[test]
    fn prefilter_matches_directives_case_insensitively() {
        let re = regex::Regex::new(PREFILTER).unwrap();
        assert!(re.is_match("  rewriterule ^ - [F]"));
        assert!(re.is_match("RedirectMatch 301 ^/a /b"));
        assert!(!re.is_match("ServerName example.com\nDocumentRoot /srv"));
    }
}
