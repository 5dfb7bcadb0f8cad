//! SL403: a 401 for a client that is known but not allowed. Docs: rules/SL403.toml.

use super::evidence::{says, text_with_word};
use super::{CheckContext, Finding, Rule};
use crate::knowledge::{WORDS, find_word};
use crate::usage::{TextSource, Usage};

pub struct UnauthorizedForInsufficientPermission;

impl Rule for UnauthorizedForInsufficientPermission {
    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        if u.code.exact() != Some(401) {
            return;
        }
        let Some((source, text, word)) = text_with_word(
            u,
            &[
                TextSource::Message,
                TextSource::Comment,
                TextSource::Variant,
            ],
            &WORDS.insufficient_permission,
        )
        .or_else(|| {
            text_with_word(
                u,
                &[TextSource::Condition],
                &WORDS.insufficient_permission_condition,
            )
        }) else {
            return;
        };
        if find_word(text, &WORDS.authentication_attempt).is_some() {
            return;
        }
        out.push(
            Finding::at(u.span.clone(), "401 (Unauthorized) is sent to a client that is signed in but not allowed")
                .evidence(says(source, text, &word))
                .evidence("401 asks for credentials; signing in again cannot help, so clients loop or show a login prompt")
                .help("use 403 (Forbidden)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_on_permission_messages() {
        let mut u = response(401);
        u.evidence
            .texts
            .push((TextSource::Message, "Permission denied: admin only".into()));
        assert_eq!(run(&UnauthorizedForInsufficientPermission, &u).len(), 1);
    }

    #[test]
    fn silent_when_the_refusal_is_of_signing_in() {
        let mut u = response(401);
        u.evidence.texts.push((
            TextSource::Message,
            "Source IP {ip} is not permitted to authenticate using this token.".into(),
        ));
        assert!(run(&UnauthorizedForInsufficientPermission, &u).is_empty());
    }

    #[test]
    fn silent_on_missing_credentials() {
        let mut u = response(401);
        u.evidence
            .texts
            .push((TextSource::Message, "missing bearer token".into()));
        assert!(run(&UnauthorizedForInsufficientPermission, &u).is_empty());
    }
}
