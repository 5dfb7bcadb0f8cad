//! SL101: a temporary redirect (302, 307) where the evidence says the move is permanent.
//! Docs: rules/SL101.toml.

use super::evidence::{NAMING, route_segment_with_word, says, text_with_word};
use super::{CheckContext, Finding, Fix, Rule, RuleOptions, named};
use crate::knowledge::{WORDS, find_word};
use crate::usage::{Scheme, TextSource, Usage};

pub struct TemporaryRedirectForPermanentMove;

impl Rule for TemporaryRedirectForPermanentMove {
    fn check(&self, u: &Usage, ctx: &CheckContext, out: &mut Vec<Finding>) {
        let Some(code @ (302 | 307)) = u.code.exact() else {
            return;
        };
        if !u.is_redirect() {
            return;
        }
        let Some(evidence) = permanent_move(u, ctx.options) else {
            return;
        };
        let better = match (code, offers_no_308(u)) {
            (_, true) => {
                "301 (Moved Permanently), the permanent code this platform offers (it has no 308)"
            }
            (307, false) => {
                "308 (Permanent Redirect), which keeps the method and body just as 307 does"
            }
            _ => {
                "308 (Permanent Redirect), or 301 (Moved Permanently) when only GET and HEAD reach this URL"
            }
        };
        out.push(
            Finding::at(
                u.span.clone(),
                format!(
                    "{} is a temporary redirect, but this move is permanent",
                    named(code)
                ),
            )
            .evidence(evidence)
            .evidence(format!(
                "{code} tells browsers, caches and search engines to keep using the old URL"
            ))
            .help(format!("use {better}"))
            .fix(permanent_spelling(u)),
        );
    }
}

/// True when the extractor says which codes the platform can send and 308 is not one of
/// them but 301 is (an AWS load balancer, an nginx `rewrite` flag).
fn offers_no_308(u: &Usage) -> bool {
    u.code_token
        .as_ref()
        .is_some_and(|t| t.spelling(308).is_none() && t.spelling(301).is_some())
}

/// Rewrites the code to 308, or 301 where the API has no 308. It changes what clients do
/// (they cache the redirect), so it is an unsafe fix.
fn permanent_spelling(u: &Usage) -> Option<Fix> {
    let token = u.code_token.as_ref()?;
    let (code, spelling) = [308, 301]
        .into_iter()
        .find_map(|c| token.spelling(c).map(|s| (c, s)))?;
    Some(Fix {
        span: token.span.clone(),
        replacement: spelling.to_string(),
        title: format!("send {} with `{spelling}`", named(code)),
        safe: false,
    })
}

/// The strongest reason to believe the move is permanent, or None when the evidence is weak.
fn permanent_move(u: &Usage, options: &RuleOptions) -> Option<String> {
    let words = &*WORDS;
    if let Some((permanent, place)) = &u.evidence.declared_permanent {
        return permanent.then(|| format!("{place} declares this redirect permanent"));
    }
    // Someone wrote that this is temporary: believe them over any guess.
    if text_with_word(u, NAMING, &words.temporary).is_some()
        || text_with_word(u, NAMING, &options.extra_temporary_words).is_some()
    {
        return None;
    }
    let target = u.target.as_ref();
    let scheme = target.and_then(|t| t.scheme());
    let target_text = target.map_or("", |t| t.text.as_str());

    // An http:// to https:// upgrade (of the same site: another host is a move, below).
    if scheme == Some("https") {
        if let Some((Scheme::Http, why)) = &u.evidence.request_scheme
            && same_site(u)
        {
            return Some(format!(
                "{why} and redirects to {target_text}: an upgrade to https is a permanent move"
            ));
        }
        let t = target.expect("a scheme comes from a target");
        if t.keeps_host && t.keeps_path {
            return Some(format!(
                "the target `{target_text}` sends the same host and path to https://: an upgrade to https is a permanent move"
            ));
        }
    }
    // Words can only speak for an upgrade when the target may be an https URL: a path on
    // the same site is no change of scheme.
    let relative = target.is_some_and(|t| t.text.starts_with('/'));
    if scheme != Some("http")
        && !relative
        && let Some((source, text, word)) = text_with_word(
            u,
            &[TextSource::Handler, TextSource::Comment],
            &words.upgrade,
        )
    {
        return Some(format!(
            "{}: an upgrade to https is a permanent move",
            says(source, text, &word)
        ));
    }

    // A host canonicalisation or a domain move.
    if let Some(host) = target.and_then(|t| t.host()) {
        let bare = |h: &str| h.trim_start_matches("www.").to_ascii_lowercase();
        let hosts = &u.evidence.request_hosts;
        // A server that answers for the target host too is not canonicalising hosts.
        let serves_target = hosts.iter().any(|r| r.eq_ignore_ascii_case(host));
        if let Some(from) = hosts
            .iter()
            .find(|r| !serves_target && bare(r) == bare(host))
        {
            return Some(format!(
                "requests for `{from}` are sent to `{host}`: a host canonicalisation is a permanent move"
            ));
        }
        let keeps_path = target.is_some_and(|t| t.keeps_path);
        // A redirect limited to some paths (a route, a path matcher) moves a section, not
        // every request for the host.
        let whole_host = !u
            .evidence
            .texts
            .iter()
            .any(|(s, _)| *s == TextSource::Route);
        if keeps_path
            && whole_host
            && !u.evidence.request_hosts.is_empty()
            && !u
                .evidence
                .request_hosts
                .iter()
                .any(|r| r.eq_ignore_ascii_case(host))
        {
            return Some(format!(
                "every request for `{}` is sent to `{host}` with the same path: a domain move is permanent",
                u.evidence.request_hosts.join(" ")
            ));
        }
        if let Some((source, text, word)) = text_with_word(
            u,
            &[TextSource::Handler, TextSource::Comment],
            &words.canonical_host,
        ) {
            return Some(format!(
                "{} and the target names the host `{host}`: a host canonicalisation is a permanent move",
                says(source, text, &word)
            ));
        }
    }

    // A path normalisation.
    if let Some(how) = &u.evidence.normalisation {
        return Some(format!(
            "the target {how}: canonicalising a URL is a permanent move"
        ));
    }

    // A redirect that only unsafe methods reach sends a submitted form on: a "legacy" on
    // its handler speaks of the code's age, not of a URL that moved.
    if u.methods
        .as_ref()
        .is_some_and(|m| !m.is_empty() && m.iter().all(|m| m.is_unsafe()))
    {
        return None;
    }
    // A handler that picks its target from the user agent, a cookie or the language answers
    // each client its own way: a word such as "canonical URL" names a target, not a move.
    if u.evidence.per_request.is_some() {
        return None;
    }
    // Names and comments that say so (with the project's own words); in a route, a whole
    // segment must (a word inside a slug names the page's topic).
    // A comment that "permanently deletes" something speaks of the data, not the URL.
    let mut about_the_url = u.clone();
    about_the_url
        .evidence
        .texts
        .retain(|(_, t)| find_word(t, &words.not_a_move).is_none());
    let u = &about_the_url;
    let naming = [TextSource::Handler, TextSource::Comment];
    text_with_word(u, &naming, &words.permanent)
        .or_else(|| text_with_word(u, &naming, &options.extra_permanent_words))
        .map(|(source, text, word)| says(source, text, &word))
        .or_else(|| {
            route_segment_with_word(u, &words.permanent)
                .or_else(|| route_segment_with_word(u, &options.extra_permanent_words))
                .map(|(route, word)| says(TextSource::Route, route, &word))
        })
}

/// True when the target stays on the host the request came for: it reuses the host, names
/// one of the request's hosts, or keeps the path where no host is known.
fn same_site(u: &Usage) -> bool {
    let Some(t) = &u.target else { return false };
    let hosts = &u.evidence.request_hosts;
    match t.host() {
        _ if t.keeps_host => true,
        None => true,
        Some(_) if hosts.is_empty() => t.keeps_path,
        Some(host) => hosts.iter().any(|r| r.eq_ignore_ascii_case(host)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{redirect, run};
    use crate::usage::Target;

    #[test]
    fn fires_on_https_upgrade_keeping_host_and_path() {
        let mut u = redirect(307, "https://{}{}");
        u.target = Some(Target {
            text: "https://{}{}".into(),
            keeps_host: true,
            keeps_path: true,
        });
        let found = run(&TemporaryRedirectForPermanentMove, &u);
        assert_eq!(found.len(), 1);
        assert!(found[0].evidence[0].contains("upgrade to https"));
    }

    #[test]
    fn fires_on_words_in_the_handler_name() {
        let mut u = redirect(302, "/blog/new-post");
        u.evidence
            .texts
            .push((TextSource::Handler, "legacy_blog_post".into()));
        assert_eq!(run(&TemporaryRedirectForPermanentMove, &u).len(), 1);
    }

    #[test]
    fn words_do_not_make_a_redirect_after_a_form_a_move() {
        let mut u = redirect(302, "/");
        u.evidence
            .texts
            .push((TextSource::Comment, "LEGACY - Login form handling".into()));
        assert_eq!(run(&TemporaryRedirectForPermanentMove, &u).len(), 1);
        u.methods = Some(vec![crate::usage::Method::Post]);
        assert!(run(&TemporaryRedirectForPermanentMove, &u).is_empty());
    }

    #[test]
    fn route_words_count_only_as_whole_segments() {
        let mut u = redirect(307, "/docs/pricing");
        u.evidence
            .texts
            .push((TextSource::Route, "/legacy/pricing".into()));
        assert_eq!(run(&TemporaryRedirectForPermanentMove, &u).len(), 1);
        let mut u = redirect(307, "https://legacy.example.com/context");
        u.evidence
            .texts
            .push((TextSource::Route, "/link/legacy-context".into()));
        assert!(run(&TemporaryRedirectForPermanentMove, &u).is_empty());
    }

    #[test]
    fn stays_silent_without_evidence_or_when_told_temporary() {
        let u = redirect(307, "/somewhere");
        assert!(run(&TemporaryRedirectForPermanentMove, &u).is_empty());
        let mut u = redirect(307, "https://example.com/x");
        u.evidence.texts.push((
            TextSource::Handler,
            "https_redirect_during_maintenance".into(),
        ));
        assert!(run(&TemporaryRedirectForPermanentMove, &u).is_empty());
    }

    #[test]
    fn urls_in_comments_and_relative_targets_are_no_upgrade() {
        let mut u = redirect(307, "/nodeinfo/2.1");
        u.evidence.texts.push((
            TextSource::Comment,
            "spec: https://github.com/jhass/nodeinfo".into(),
        ));
        assert!(run(&TemporaryRedirectForPermanentMove, &u).is_empty());
        let mut u = redirect(307, "/secure/area");
        u.evidence
            .texts
            .push((TextSource::Handler, "secure_area".into()));
        assert!(run(&TemporaryRedirectForPermanentMove, &u).is_empty());
    }

    #[test]
    fn ignores_permanent_codes() {
        let mut u = redirect(308, "https://{}{}");
        u.evidence
            .texts
            .push((TextSource::Handler, "to_https".into()));
        assert!(run(&TemporaryRedirectForPermanentMove, &u).is_empty());
    }

    #[test]
    fn offers_an_unsafe_fix_when_the_code_token_is_known() {
        let mut u = redirect(307, "/docs");
        u.evidence
            .texts
            .push((TextSource::Handler, "legacy_docs".into()));
        u.code_token = Some(crate::usage::CodeToken {
            span: 10..19,
            spellings: vec![(303, "to".into()), (308, "permanent".into())],
        });
        let fix = run(&TemporaryRedirectForPermanentMove, &u)[0]
            .fix
            .clone()
            .unwrap();
        assert_eq!((fix.span, fix.replacement.as_str()), (10..19, "permanent"));
        assert!(!fix.safe);
    }

    #[test]
    fn suggests_only_the_codes_the_platform_offers() {
        let mut u = redirect(302, "https://{host}{path}");
        u.target = Some(Target {
            text: "https://{host}{path}".into(),
            keeps_host: true,
            keeps_path: true,
        });
        u.code_token = Some(crate::usage::CodeToken {
            span: 3..13,
            spellings: vec![(301, "\"HTTP_301\"".into()), (302, "\"HTTP_302\"".into())],
        });
        let found = &run(&TemporaryRedirectForPermanentMove, &u)[0];
        assert_eq!(found.fix.as_ref().unwrap().replacement, "\"HTTP_301\"");
        let help = found.help.as_deref().unwrap();
        assert!(
            help.contains("301") && help.contains("has no 308"),
            "{help}"
        );
    }

    #[test]
    fn an_upgrade_to_another_host_is_no_upgrade() {
        let mut u = redirect(302, "https://new.example.com/docs/");
        u.evidence.request_scheme = Some((Scheme::Http, "port 80".into()));
        u.evidence.request_hosts.push("old.example.com".into());
        assert!(run(&TemporaryRedirectForPermanentMove, &u).is_empty());
        u.evidence.request_hosts = vec!["new.example.com".into()];
        assert_eq!(run(&TemporaryRedirectForPermanentMove, &u).len(), 1);
    }

    #[test]
    fn a_path_redirect_on_a_server_of_both_hosts_is_no_canonicalisation() {
        let mut u = redirect(302, "http://example.com/feed");
        u.evidence.request_hosts = vec!["example.com".into(), "www.example.com".into()];
        assert!(run(&TemporaryRedirectForPermanentMove, &u).is_empty());
    }

    #[test]
    fn fires_on_www_canonicalisation() {
        let mut u = redirect(302, "https://example.com/");
        u.evidence.request_hosts.push("www.example.com".into());
        let found = run(&TemporaryRedirectForPermanentMove, &u);
        assert!(found[0].evidence[0].contains("canonicalisation"));
    }
}
