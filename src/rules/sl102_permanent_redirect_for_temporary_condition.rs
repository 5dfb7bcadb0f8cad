//! SL102: a permanent redirect (301, 308) to something that only holds for a while.
//! Docs: rules/SL102.toml.

use super::evidence::{NAMING, says, shorten, text_with_word};
use super::{CheckContext, Finding, Rule, RuleOptions, named};
use crate::knowledge::{WORDS, find_word, words};
use crate::usage::{TextSource, Usage};

pub struct PermanentRedirectForTemporaryCondition;

impl Rule for PermanentRedirectForTemporaryCondition {
    fn check(&self, u: &Usage, ctx: &CheckContext, out: &mut Vec<Finding>) {
        let Some(code @ (301 | 308)) = u.code.exact() else {
            return;
        };
        if !u.is_redirect() {
            return;
        }
        let Some(evidence) = temporary_condition(u, ctx.options) else {
            return;
        };
        let better = if code == 308 {
            "307 (Temporary Redirect)"
        } else {
            "302 (Found), or 303 (See Other) to send the client on with GET"
        };
        out.push(
            Finding::at(
                u.span.clone(),
                format!("{} is a permanent redirect, but this condition is temporary", named(code)),
            )
            .evidence(evidence)
            .evidence(format!(
                "browsers and caches store a {code} and keep following it long after the condition ends"
            ))
            .help(format!("use {better}")),
        );
    }
}

fn temporary_condition(u: &Usage, options: &RuleOptions) -> Option<String> {
    let words = &*WORDS;
    if let Some((false, place)) = &u.evidence.declared_permanent {
        return Some(format!("{place} declares this redirect temporary"));
    }
    // Someone wrote that this move is permanent: believe them.
    if text_with_word(u, NAMING, &words.permanent).is_some()
        || text_with_word(u, NAMING, &options.extra_permanent_words).is_some()
    {
        return None;
    }
    let naming = [TextSource::Handler, TextSource::Comment];
    if let Some((source, text, word)) = text_with_word(u, &naming, &words.temporary)
        .or_else(|| text_with_word(u, &naming, &options.extra_temporary_words))
    {
        return Some(says(source, text, &word));
    }
    if let Some(what) = &u.evidence.per_request {
        return Some(format!("the redirect is chosen per request, from {what}"));
    }
    if let Some(condition) = &u.evidence.condition
        && let Some(word) = find_word(condition, &words.per_request)
    {
        return Some(format!(
            "the redirect is chosen per request (`{}` tests \"{word}\")",
            shorten(condition, 60)
        ));
    }
    let target = u.target.as_ref()?;
    let word = transient_page(target.path(), &words.transient_target)?;
    // Moving the sign-in page itself (`/login` to `/account/login`) is a real permanent move.
    let from_same_kind = text_with_word(u, &[TextSource::Route], &words.transient_target).is_some();
    (!from_same_kind).then(|| {
        format!(
            "the target `{}` is a {} page (\"{word}\"), which users reach only for a while",
            shorten(&target.text, 60),
            if ["maintenance", "error", "errors", "unavailable", "outage"].contains(&word.as_str())
            {
                "maintenance or error"
            } else {
                "sign-in"
            }
        )
    })
}

/// The transient word a target page is named by: the last segment of a short path
/// (`/login`, `/account/sign-in`, `/maintenance.html`). A word deeper in a path names a
/// topic (`/docs/authentication/oauth`, `/reference/errors/:path*`), not a sign-in or
/// error page.
fn transient_page(path: &str, list: &[String]) -> Option<String> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.len() > 2 {
        return None;
    }
    let page = segments.last()?.split('.').next().unwrap_or("");
    let named = words(page).join(" ");
    list.iter().find(|w| **w == named).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{redirect, run};

    #[test]
    fn fires_on_login_targets() {
        let u = redirect(301, "/login?next=/admin");
        let found = run(&PermanentRedirectForTemporaryCondition, &u);
        assert_eq!(found.len(), 1);
        assert!(found[0].evidence[0].contains("sign-in"));
    }

    #[test]
    fn fires_on_maintenance_in_the_name() {
        let mut u = redirect(308, "/status");
        u.evidence
            .texts
            .push((TextSource::Handler, "maintenance_redirect".into()));
        assert_eq!(run(&PermanentRedirectForTemporaryCondition, &u).len(), 1);
    }

    #[test]
    fn silent_on_docs_pages_about_sign_in_or_errors() {
        for target in [
            "/getting-started/authentication/oauth",
            "https://authjs.dev/reference/core/errors/:path*",
            "https://github.com/nextauthjs/next-auth/issues/new",
            "/login-help-center",
        ] {
            let u = redirect(308, target);
            assert!(
                run(&PermanentRedirectForTemporaryCondition, &u).is_empty(),
                "{target}"
            );
        }
        let u = redirect(308, "/maintenance.html");
        assert_eq!(run(&PermanentRedirectForTemporaryCondition, &u).len(), 1);
    }

    #[test]
    fn silent_when_the_login_page_itself_moved() {
        let mut u = redirect(301, "/account/login");
        u.evidence.texts.push((TextSource::Route, "/login".into()));
        assert!(run(&PermanentRedirectForTemporaryCondition, &u).is_empty());
    }

    #[test]
    fn silent_on_plain_moves_and_temporary_codes() {
        assert!(
            run(
                &PermanentRedirectForTemporaryCondition,
                &redirect(301, "/new-home")
            )
            .is_empty()
        );
        assert!(
            run(
                &PermanentRedirectForTemporaryCondition,
                &redirect(302, "/login")
            )
            .is_empty()
        );
    }

    #[test]
    fn fires_on_per_request_conditions() {
        let mut u = redirect(301, "/fr/");
        u.evidence.condition = Some("lang == \"fr\"".into());
        assert_eq!(run(&PermanentRedirectForTemporaryCondition, &u).len(), 1);
    }
}
