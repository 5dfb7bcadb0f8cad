//! nginx configuration: `return`, `rewrite` and `error_page`, with the `add_header`s that
//! reach the response and what the enclosing `server`, `location` and `if` blocks say.
//!
//! Spellings and defaults come from `data/apis/nginx.toml`.

mod apis;
mod evidence;
mod includes;
mod syntax;

use crate::extract::reach::Reach;
use crate::extract::server_config::target;
use crate::usage::{Body, Code, CodeToken, FileFacts, Headers, TextSource, Usage};
use apis::NGINX;
use std::collections::HashMap;
use syntax::{Arg, Config, Directive};

/// Directives that choose a status.
pub const PREFILTER: &str = r"(?m)(^|[\s;{}])(return|rewrite|error_page)\s";

pub fn extract(path: &std::path::Path, src: &str, reach: &Reach) -> FileFacts {
    let config = syntax::parse(src);
    let included = includes::resolve(path, &config, reach);
    let mut facts = FileFacts {
        notes: config.notes.clone(),
        ..FileFacts::default()
    };
    for (index, directive) in config.directives.iter().enumerate() {
        let found = match directive.name.as_str() {
            "return" => from_return(src, directive).into_iter().collect(),
            "rewrite" => from_rewrite(src, directive).into_iter().collect(),
            "error_page" => from_error_page(src, directive),
            _ => Vec::new(),
        };
        for mut usage in found {
            if usage.headers.complete {
                usage.headers = response_headers(&config, &included, index, &usage);
            }
            evidence::fill(&config, src, index, &mut usage);
            facts.usages.push(usage);
        }
    }
    facts
}

/// The directive as written, without its `;`, for `spelled`.
fn written(src: &str, d: &Directive) -> String {
    let text = src.get(d.span.clone()).unwrap_or(&d.name);
    let text = text.trim_end_matches([';', '{']).trim();
    let collapsed: Vec<&str> = text.split_whitespace().collect();
    collapsed.join(" ")
}

fn redirect(span: std::ops::Range<usize>, code: u32, spelled: String, to: &Arg) -> Usage {
    let vars = &NGINX.variables;
    let mut usage = Usage::new(span, Code::Exact(code), spelled);
    usage.target = Some(target(&to.text, &vars.host, &vars.path));
    usage.headers = Headers::complete();
    // nginx's own page for a redirect names the status and the target.
    usage.body = Body::Present;
    usage
}

/// `return CODE [URL|text]` or `return URL`.
fn from_return(src: &str, d: &Directive) -> Option<Usage> {
    let apis = &*NGINX;
    let first = d.args.first()?;
    if apis.is_absolute(&first.text) {
        let mut usage = redirect(
            d.span.clone(),
            apis.default_redirect,
            written(src, d),
            first,
        );
        usage.implicit = true;
        // `return URL` takes a code in front of the URL.
        usage.code_token = Some(redirect_codes(first.span.start..first.span.start, " "));
        return Some(usage);
    }
    if first.text.is_empty() || !first.text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let code = match first.text.parse::<u32>() {
        Ok(n) => Code::Exact(n),
        Err(_) => Code::Malformed(first.text.clone()),
    };
    let spelled = format!("return {}", first.text);
    let second = d.args.get(1);
    if let (Some(n), Some(to)) = (code.exact(), second)
        && apis.redirect_codes.contains(&n)
    {
        let mut usage = redirect(d.span.clone(), n, spelled, to);
        usage.code_token = Some(redirect_codes(first.span.clone(), ""));
        return Some(usage);
    }
    let mut usage = Usage::new(d.span.clone(), code.clone(), spelled);
    usage.headers = Headers::complete();
    if let Some(text) = second.filter(|t| !t.text.is_empty()) {
        usage
            .evidence
            .texts
            .push((TextSource::Message, text.text.clone()));
    }
    usage.body = match second {
        Some(text) if !text.text.is_empty() => Body::Present,
        // Without text nginx sends its own error page for 4xx and 5xx, except for 444.
        _ if code.is_in(400, 599) && code.exact() != Some(444) => Body::Present,
        _ => Body::Absent,
    };
    Some(usage)
}

/// `rewrite regex replacement [flag]`: a redirect with `redirect`/`permanent`, or to an
/// absolute URL.
fn from_rewrite(src: &str, d: &Directive) -> Option<Usage> {
    let apis = &*NGINX;
    let replacement = d.args.get(1)?;
    let flag = d.args.get(2).map(|a| a.text.as_str());
    let code = match flag.and_then(|f| apis.rewrite_flags.get(f)) {
        Some(code) => *code,
        None if apis.is_absolute(&replacement.text) => apis.default_redirect,
        None => return None,
    };
    let mut usage = redirect(d.span.clone(), code, written(src, d), replacement);
    usage.implicit = true;
    // The flag decides the code; without one, a flag can follow the replacement.
    usage.code_token = Some(
        match d.args.get(2).filter(|f| flag == Some(f.text.as_str())) {
            Some(f) => rewrite_flags(f.span.clone(), ""),
            None => rewrite_flags(replacement.span.end..replacement.span.end, " "),
        },
    );
    Some(usage)
}

/// The codes `return` can redirect with, written at `span` (`after` separates a code
/// inserted in front of the URL).
fn redirect_codes(span: std::ops::Range<usize>, after: &str) -> CodeToken {
    CodeToken {
        span,
        spellings: NGINX
            .redirect_codes
            .iter()
            .map(|c| (*c, format!("{c}{after}")))
            .collect(),
    }
}

/// The `rewrite` flags that redirect, written at `span`.
fn rewrite_flags(span: std::ops::Range<usize>, before: &str) -> CodeToken {
    CodeToken {
        span,
        spellings: NGINX
            .rewrite_flags
            .iter()
            .map(|(flag, code)| (*code, format!("{before}{flag}")))
            .collect(),
    }
}

/// `error_page CODE... [=NNN] URI`: the listed codes are codes written in config; an
/// absolute URI is also a redirect.
fn from_error_page(src: &str, d: &Directive) -> Vec<Usage> {
    let apis = &*NGINX;
    let Some((uri, codes)) = d.args.split_last() else {
        return Vec::new();
    };
    let mut usages = Vec::new();
    let mut overwrite = None;
    for arg in codes {
        let (digits, spelled) = match arg.text.strip_prefix('=') {
            Some(rest) => (rest, format!("error_page ={rest}")),
            None => (arg.text.as_str(), format!("error_page {}", arg.text)),
        };
        let Ok(n) = digits.parse::<u32>() else {
            continue;
        };
        if arg.text.starts_with('=') {
            overwrite = Some(n);
        }
        usages.push(Usage::new(arg.span.clone(), Code::Exact(n), spelled));
    }
    if apis.is_absolute(&uri.text) {
        let explicit = overwrite.filter(|n| apis.redirect_codes.contains(n));
        let code = explicit.unwrap_or(apis.default_redirect);
        let mut usage = redirect(d.span.clone(), code, written(src, d), uri);
        usage.implicit = explicit.is_none();
        if explicit.is_some() {
            // The `=NNN` code usage and the redirect are one response.
            usages.retain(|u| !u.spelled.starts_with("error_page ="));
        }
        usages.push(usage);
    }
    usages
}

/// The headers nginx sends with this response: the `add_header`s of the innermost level
/// that has any (nginx inherits them only into levels without their own), those without
/// `always` only for the codes that take them. Complete only when the whole server block
/// is in this file and nothing that could add headers unseen is in the way.
fn response_headers(
    config: &Config,
    included: &HashMap<usize, Config>,
    index: usize,
    usage: &Usage,
) -> Headers {
    let apis = &*NGINX;
    let mut headers = Headers::unknown();
    let mut found_level = false;
    let mut reached_server = false;
    for (level, block) in config.ancestors(index).skip(1) {
        let Some(children) = level_directives(config, included, level) else {
            return Headers::unknown();
        };
        if children
            .iter()
            .any(|d| apis.hidden_header_sources.contains(&d.name))
        {
            return Headers::unknown();
        }
        if !found_level && children.iter().any(|d| d.name == "add_header") {
            found_level = true;
            for d in children.iter().filter(|d| d.name == "add_header") {
                add_header(d, usage, &mut headers);
            }
        }
        if block.name == "server" {
            reached_server = true;
            break;
        }
    }
    // An `error_page` for this code replaces the response with another one.
    headers.complete = reached_server && !replaced_by_error_page(config, index, usage);
    if let Some(t) = &usage.target {
        headers.add("location", Some(t.text.clone()));
    }
    headers
}

/// The directives of one block, with the top level of the files it includes spliced in;
/// None when an include could not be followed.
fn level_directives<'c>(
    config: &'c Config,
    included: &'c HashMap<usize, Config>,
    level: usize,
) -> Option<Vec<&'c Directive>> {
    let mut out = Vec::new();
    for (i, d) in config.children(Some(level)) {
        match (d.name.as_str(), included.get(&i)) {
            ("include", Some(file)) => out.extend(file.children(None).map(|(_, d)| d)),
            ("include", None) => return None,
            _ => out.push(d),
        }
    }
    Some(out)
}

/// True when the `error_page`s in force (those of the innermost level that has any) list
/// the usage's code.
fn replaced_by_error_page(config: &Config, index: usize, usage: &Usage) -> bool {
    let Some(code) = usage.code.exact() else {
        return false;
    };
    let levels = config
        .ancestors(index)
        .skip(1)
        .map(|(level, _)| Some(level));
    for level in levels.chain([None]) {
        let pages: Vec<&Directive> = match level {
            Some(_) => config
                .children(level)
                .map(|(_, d)| d)
                .filter(|d| d.name == "error_page")
                .collect(),
            // The top level holds every server block: listed once per file, not per usage.
            None => config.top_level_error_pages(),
        };
        if !pages.is_empty() {
            return pages
                .iter()
                .flat_map(|d| &d.args)
                .any(|a| a.text.parse() == Ok(code));
        }
    }
    false
}

fn add_header(d: &Directive, usage: &Usage, headers: &mut Headers) {
    let Some(name) = d.args.first() else { return };
    let always = d.args.get(2).is_some_and(|a| a.text == "always");
    let reaches = always
        || usage
            .code
            .exact()
            .is_some_and(|c| NGINX.add_header.codes_without_always.contains(&c));
    if reaches {
        headers.add(&name.text, d.args.get(1).map(|a| a.text.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::{Method, Scheme};
    use std::path::Path;

    fn extract(path: &Path, src: &str) -> FileFacts {
        super::extract(path, src, &Reach::of(path, &[]))
    }

    fn usages(src: &str) -> Vec<Usage> {
        extract(Path::new("site.conf"), src).usages
    }

    #[test]
    fn return_with_code_and_target() {
        let src = "server {\n listen 80;\n server_name example.com;\n return 302 https://$host$request_uri;\n}\n";
        let u = &usages(src)[0];
        assert_eq!(u.code, Code::Exact(302));
        assert!(!u.implicit);
        let t = u.target.as_ref().unwrap();
        assert!(t.keeps_host && t.keeps_path);
        assert_eq!(
            u.evidence.request_scheme,
            Some((
                Scheme::Http,
                "this server block listens on port 80 only".into()
            ))
        );
        assert_eq!(u.evidence.request_hosts, ["example.com"]);
        assert!(u.headers.complete && u.headers.has("location"));
    }

    #[test]
    fn redirect_codes_can_be_rewritten_in_place() {
        let src = "server { return 302 https://$host$request_uri; return https://x/; rewrite ^ /n redirect; }";
        let facts = extract(Path::new("x.conf"), src);
        let spans: Vec<(&str, String)> = facts
            .usages
            .iter()
            .map(|u| {
                let t = u.code_token.as_ref().unwrap();
                (
                    &src[t.span.clone()],
                    t.spelling(308).or(t.spelling(301)).unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            spans,
            [
                ("302", "308".into()),
                ("", "308 ".into()),
                ("redirect", "permanent".into())
            ]
        );
    }

    #[test]
    fn return_url_is_an_implicit_302() {
        let u = &usages("location /a { return https://example.com/b; }")[0];
        assert_eq!((u.code.exact(), u.implicit), (Some(302), true));
        assert_eq!(u.evidence.texts, [(TextSource::Route, "/a".to_string())]);
        // No server block in the file: other levels may add headers.
        assert!(!u.headers.complete);
        assert!(usages("return /relative;").is_empty());
    }

    #[test]
    fn return_without_target_and_with_text() {
        let src = "server { listen 443 ssl;\n location /a { return 301; }\n location /b { return 204 \"hi\"; }\n location /c { return 204; } }";
        let found = usages(src);
        assert!(found[0].target.is_none() && found[0].headers.surely_lacks("location"));
        assert_eq!(found[1].body, Body::Present);
        assert_eq!(found[2].body, Body::Absent);
        assert_eq!(found[0].evidence.request_scheme, None);
    }

    #[test]
    fn add_header_reaches_errors_only_with_always() {
        let src = "server {\n location /a { add_header WWW-Authenticate 'Basic realm=\"x\"' always; return 401; }\n location /b { add_header WWW-Authenticate Basic; return 401; }\n}";
        let found = usages(src);
        assert!(found[0].headers.has("www-authenticate"));
        assert!(found[1].headers.surely_lacks("www-authenticate"));
        let found = usages("server { include extra.conf; location / { return 401; } }");
        assert!(!found[0].headers.complete);
    }

    #[test]
    fn an_error_page_replaces_the_response() {
        let src = "server {\n error_page 405 = @nocache;\n location / { if ($query_string) { return 405; } }\n location /b { return 401; }\n}";
        let found = usages(src);
        assert!(!found[1].headers.complete);
        assert!(found[2].headers.complete);
    }

    #[test]
    fn other_tests_are_not_host_moves() {
        let src = "server {\n server_name example.com;\n if ($http_user_agent ~* iphone) { return 302 https://m.example.com$request_uri; }\n if (!-f $request_filename) { return 302 https://cdn.example.com$request_uri; }\n}";
        let found = usages(src);
        assert!(found[0].evidence.request_hosts.is_empty());
        assert_eq!(found[1].evidence.request_hosts, ["example.com"]);
    }

    #[test]
    fn rewrite_flags_and_absolute_replacements() {
        let src = "rewrite ^/old$ /new permanent;\nrewrite ^ https://x.org$request_uri;\nrewrite ^/a$ /b last;\nrewrite ^/c$ /d redirect;";
        let found = usages(src);
        let codes: Vec<_> = found.iter().map(|u| (u.code.exact(), u.implicit)).collect();
        assert_eq!(
            codes,
            [(Some(301), true), (Some(302), true), (Some(302), true)]
        );
        assert_eq!(found[0].spelled, "rewrite ^/old$ /new permanent");
    }

    #[test]
    fn error_page_codes_and_redirects() {
        let found = usages(
            "error_page 404 499 /404.html;\nerror_page 500 =301 https://status.example.com/;",
        );
        let shown: Vec<_> = found
            .iter()
            .map(|u| (u.code.exact(), u.target.is_some(), u.implicit))
            .collect();
        assert_eq!(
            shown,
            [
                (Some(404), false, false),
                (Some(499), false, false),
                (Some(500), false, false),
                (Some(301), true, false)
            ]
        );
        let found = usages("error_page 503 https://status.example.com/;");
        assert_eq!(
            (found[1].code.exact(), found[1].implicit),
            (Some(302), true)
        );
    }

    #[test]
    fn if_tests_give_scheme_methods_and_hosts() {
        let src = "server {\n listen 80; listen 443 ssl;\n server_name example.com www.example.com;\n if ($scheme != \"https\") { return 302 https://$host$request_uri; }\n if ($host = www.example.com) { return 302 https://example.com$request_uri; }\n location /form { if ($request_method = POST) { return 302 /thanks; } }\n if ($host != example.com) { return 301 https://example.com$request_uri; }\n}";
        let found = usages(src);
        let (why, _) = found[0]
            .evidence
            .request_scheme
            .clone()
            .map(|(s, w)| (w, s))
            .unwrap();
        assert_eq!(
            why,
            "the block under `if ($scheme != \"https\")` answers only plain-http requests"
        );
        assert_eq!(found[1].evidence.request_hosts, ["www.example.com"]);
        assert_eq!(found[2].methods, Some(vec![Method::Post]));
        assert_eq!(found[3].evidence.request_hosts, ["www.example.com"]);
    }

    #[test]
    fn www_tests_give_a_normalisation() {
        let found = usages("if ($host ~* ^www\\.(.+)$) { return 302 https://$1$request_uri; }");
        assert_eq!(
            found[0].evidence.normalisation.as_deref(),
            Some("drops the `www.` prefix of the host")
        );
    }

    #[test]
    fn comments_above_and_beside() {
        let src = "server {\n  # Legacy shop URLs\n  location /shop {\n    # moved for good\n    return 302 /store; # really\n  }\n}";
        let texts: Vec<String> = usages(src)[0]
            .evidence
            .texts
            .iter()
            .map(|t| t.1.clone())
            .collect();
        assert_eq!(
            texts,
            ["moved for good", "really", "/shop", "Legacy shop URLs"]
        );
    }

    #[test]
    fn snippets_are_read_as_nginx_on_their_own() {
        use crate::classify::{SourceKind, classify};
        for path in ["conf.d/force-https.conf", "snippets/redirects.conf"] {
            let text = b"# included by every server\nreturn 301 https://$host$request_uri;\n";
            assert_eq!(
                classify(Path::new(path), text),
                Some(SourceKind::Nginx),
                "{path}"
            );
        }
    }

    #[test]
    fn prefilter_finds_status_directives() {
        let re = regex::Regex::new(PREFILTER).unwrap();
        assert!(re.is_match("server {\n    return 301 x;"));
        assert!(re.is_match("location /{error_page 404 /x;}"));
        assert!(!re.is_match("server { listen 80; root /var/www; }"));
    }
}
