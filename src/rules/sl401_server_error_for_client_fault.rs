//! SL401: a 5xx sent for something the client got wrong. Docs: rules/SL401.toml.

use super::evidence::{says, text_with_word};
use super::{CheckContext, Finding, Rule, named};
use crate::knowledge::{WORDS, find_word};
use crate::usage::{TextSource, Usage};

pub struct ServerErrorForClientFault;

impl Rule for ServerErrorForClientFault {
    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        let Some(code @ 500..=599) = u.code.exact() else {
            return;
        };
        let Some((source, text, word)) = text_with_word(
            u,
            &[TextSource::Message, TextSource::Variant],
            &WORDS.client_fault,
        )
        .or_else(|| text_with_word(u, &[TextSource::Condition], &WORDS.client_fault_condition)) else {
            return;
        };
        // "invalid database state" is the server's fault after all, and so is an
        // `err == sql.ErrNoRows` answered with "Couldn't retrieve user from database": the
        // message says what the code's author meant.
        let says_server_fault = |t: &str| find_word(t, &WORDS.server_fault).is_some();
        if says_server_fault(text)
            || u.evidence
                .texts
                .iter()
                .any(|(s, t)| *s == TextSource::Message && says_server_fault(t))
        {
            return;
        }
        let better = if word == "not found" || word == "no such" || word == "does not exist" {
            "404 (Not Found)"
        } else {
            "400 (Bad Request), or 422 (Unprocessable Content) when the request parses but its content is wrong"
        };
        out.push(
            Finding::at(u.span.clone(), format!("{} is sent for a fault of the client", named(code)))
                .evidence(says(source, text, &word))
                .evidence("a 5xx tells the client the server failed, so it retries the same bad request and alerts page the wrong team")
                .help(format!("use {better}")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{run, with_message};

    #[test]
    fn fires_on_client_fault_messages() {
        assert_eq!(
            run(
                &ServerErrorForClientFault,
                &with_message(500, "invalid email address")
            )
            .len(),
            1
        );
        assert_eq!(
            run(
                &ServerErrorForClientFault,
                &with_message(500, "user not found")
            )
            .len(),
            1
        );
    }

    #[test]
    fn silent_on_server_faults_and_client_codes() {
        assert!(
            run(
                &ServerErrorForClientFault,
                &with_message(500, "invalid database state")
            )
            .is_empty()
        );
        assert!(
            run(
                &ServerErrorForClientFault,
                &with_message(500, "could not reach the cache")
            )
            .is_empty()
        );
        assert!(
            run(
                &ServerErrorForClientFault,
                &with_message(400, "invalid email")
            )
            .is_empty()
        );
    }

    #[test]
    fn silent_when_the_message_blames_the_server() {
        let mut u = with_message(
            500,
            "Something went very wrong. The humans have been alerted.",
        );
        u.evidence
            .texts
            .push((TextSource::Condition, "err equal sql.ErrNoRows".into()));
        assert!(run(&ServerErrorForClientFault, &u).is_empty());
        let mut plain = with_message(500, "sorry");
        plain
            .evidence
            .texts
            .push((TextSource::Condition, "err equal sql.ErrNoRows".into()));
        assert_eq!(run(&ServerErrorForClientFault, &plain).len(), 1);
    }
}
