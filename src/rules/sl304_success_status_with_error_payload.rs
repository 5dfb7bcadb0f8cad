//! SL304: a 2xx whose payload plainly reports an error. Docs: rules/SL304.toml.

use super::evidence::{says, text_with_word};
use super::{CheckContext, Finding, Rule, named};
use crate::knowledge::WORDS;
use crate::usage::{TextSource, Usage};

pub struct SuccessStatusWithErrorPayload;

impl Rule for SuccessStatusWithErrorPayload {
    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        let Some(code @ 200..=299) = u.code.exact() else {
            return;
        };
        let Some((source, text, word)) =
            text_with_word(u, &[TextSource::Message], &WORDS.error_payload)
        else {
            return;
        };
        if !reads_as_error(text, &word) {
            return;
        }
        if text_with_word(
            u,
            &[TextSource::Message, TextSource::Comment],
            &WORDS.stops_retries,
        )
        .is_some()
        {
            return;
        }
        out.push(
            Finding::at(
                u.span.clone(),
                format!("{} is sent with an error payload", named(code)),
            )
            .evidence(says(source, text, &word))
            .evidence(
                "clients, caches and monitoring read a 2xx as success and never see the error",
            )
            .help("send the 4xx or 5xx code that names the failure (400, 404, 409, 422, 500, ...)"),
        );
    }
}

/// Only an error when the word leads the message or is the key of a JSON object
/// (`{"error": "..."}`), not when it is mentioned in passing ("0 errors").
fn reads_as_error(text: &str, word: &str) -> bool {
    let trimmed = text
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_ascii_lowercase();
    let Some(rest) = trimmed.strip_prefix(word) else {
        return false;
    };
    // `{"errors": []}`, `{"error": null}` and Go's `gin.H{"error": nil}` report no error.
    let rest = rest.trim_start_matches(['"', '\'', ':', ' ']);
    !(rest.starts_with("[]")
        || rest.starts_with("null")
        || rest.starts_with("none")
        || rest.starts_with("nil"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{run, with_message};

    #[test]
    fn fires_on_error_objects_and_messages() {
        assert_eq!(
            run(
                &SuccessStatusWithErrorPayload,
                &with_message(200, r#"{"error": "no such user"}"#)
            )
            .len(),
            1
        );
        assert_eq!(
            run(
                &SuccessStatusWithErrorPayload,
                &with_message(200, "Failed to save the order")
            )
            .len(),
            1
        );
    }

    #[test]
    fn silent_on_passing_mentions_and_empty_errors() {
        assert!(
            run(
                &SuccessStatusWithErrorPayload,
                &with_message(200, "saved with 0 errors")
            )
            .is_empty()
        );
        assert!(
            run(
                &SuccessStatusWithErrorPayload,
                &with_message(200, r#"{"errors": [], "data": 1}"#)
            )
            .is_empty()
        );
        assert!(
            run(
                &SuccessStatusWithErrorPayload,
                &with_message(404, "not found")
            )
            .is_empty()
        );
    }
}
