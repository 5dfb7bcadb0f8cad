//! SL402: a 403 for a client that has not authenticated. Docs: rules/SL402.toml.

use super::evidence::{says, text_with_word};
use super::{CheckContext, Finding, Rule};
use crate::knowledge::{WORDS, find_word};
use crate::usage::{TextSource, Usage};

pub struct ForbiddenForMissingCredentials;

impl Rule for ForbiddenForMissingCredentials {
    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        if u.code.exact() != Some(403) {
            return;
        }
        let Some((source, text, word)) = text_with_word(
            u,
            &[
                TextSource::Message,
                TextSource::Comment,
                TextSource::Variant,
            ],
            &WORDS.missing_credentials,
        )
        .or_else(|| {
            text_with_word(
                u,
                &[TextSource::Condition],
                &WORDS.missing_credentials_condition,
            )
        }) else {
            return;
        };
        // "CSRF token missing": a refused request, not a missing login.
        if u.evidence.texts.iter().any(|(source, t)| {
            *source != TextSource::Handler && find_word(t, &WORDS.not_credentials).is_some()
        }) {
            return;
        }
        if text_with_word(u, &[TextSource::Condition], &WORDS.no_challenge_condition).is_some() {
            return;
        }
        // `token is None or scope not in token.scopes`: the 403 may be for the missing
        // permission, which it rightly answers.
        if text_with_word(
            u,
            &[TextSource::Condition],
            &WORDS.insufficient_permission_condition,
        )
        .is_some()
        {
            return;
        }
        out.push(
            Finding::at(u.span.clone(), "403 (Forbidden) is sent to a client that has not authenticated")
                .evidence(says(source, text, &word))
                .evidence("403 says credentials would not help, so clients and browsers never offer to sign in")
                .help("use 401 (Unauthorized) with a WWW-Authenticate challenge"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn silent_when_a_missing_permission_may_be_the_reason() {
        let mut u = response(403);
        u.evidence.texts.push((
            TextSource::Condition,
            "token is none or scope not in token.get_scopes()".into(),
        ));
        assert!(run(&ForbiddenForMissingCredentials, &u).is_empty());
    }

    #[test]
    fn fires_on_missing_credentials() {
        let mut u = response(403);
        u.evidence
            .texts
            .push((TextSource::Message, "missing token".into()));
        assert_eq!(run(&ForbiddenForMissingCredentials, &u).len(), 1);
    }

    #[test]
    fn silent_on_real_refusals() {
        let mut u = response(403);
        u.evidence
            .texts
            .push((TextSource::Message, "admins only".into()));
        assert!(run(&ForbiddenForMissingCredentials, &u).is_empty());
    }
}
