//! SL405: a code whose own message names what another code means. Docs: rules/SL405.toml.

use super::evidence::shorten;
use super::{CheckContext, Finding, Rule, named};
use crate::knowledge::{Condition, WORDS, find_in_words, find_word, words};
use crate::usage::{TextSource, Usage};

pub struct StatusContradictsMessage;

impl Rule for StatusContradictsMessage {
    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        let Some(found) = contradiction(u) else {
            return;
        };
        let code = u.code.exact().unwrap_or_default();
        let better = found
            .condition
            .codes
            .iter()
            .map(|c| named(*c))
            .collect::<Vec<_>>();
        let better = match better.as_slice() {
            [one] => one.clone(),
            [first, second, ..] => format!("{first} or {second}"),
            [] => String::new(),
        };
        out.push(
            Finding::at(
                u.span.clone(),
                format!(
                    "{} is sent with a message that says {}",
                    named(code),
                    found.condition.means
                ),
            )
            .evidence(format!(
                "{} `{}` says \"{}\", which is what {better} means",
                found.source.describe(),
                shorten(found.text, 80),
                found.word
            ))
            .evidence(format!(
                "clients act on the code, not the message: {} leads them to do the wrong thing",
                named(code)
            ))
            .help(format!(
                "use {better}, or reword the message if {code} is right"
            )),
        );
    }
}

/// What a usage's message or description contradicts.
pub struct Contradiction<'u> {
    pub source: TextSource,
    pub text: &'u str,
    pub word: String,
    pub condition: &'static Condition,
}

/// The first plain message or description of an error response that names a condition
/// another code means. Shared with SL203: a 405 whose message says "invalid input" lacks
/// no Allow header, it has the wrong code.
pub fn contradiction(u: &Usage) -> Option<Contradiction<'_>> {
    let code = u.code.exact().filter(|c| (400..=599).contains(c))?;
    if WORDS
        .contradiction
        .input_checks
        .iter()
        .any(|check| u.spelled.contains(check.as_str()))
    {
        return None;
    }
    u.evidence.texts.iter().find_map(|(source, text)| {
        if !matches!(source, TextSource::Message | TextSource::Description)
            || judged_elsewhere(code, *source, text)
        {
            return None;
        }
        let (word, condition) = plain_condition(text)?;
        (!condition.codes.contains(&code)).then_some(Contradiction {
            source: *source,
            text,
            word,
            condition,
        })
    })
}

/// The one condition a short label names ("Pet not found", "Invalid input"); None when it
/// names none, several, or sits in prose.
fn plain_condition(text: &str) -> Option<(String, &'static Condition)> {
    let rules = &WORDS.contradiction;
    let all = words(text);
    let matched: Vec<(String, &'static Condition)> = rules
        .condition
        .iter()
        .filter_map(|c| find_in_words(&all, &c.words).map(|w| (w, c)))
        .collect();
    let (word, condition) = matched.first()?.clone();
    // Mixed: two conditions ("not found or forbidden"), or one the code itself means.
    if matched.iter().any(|(_, c)| c.means != condition.means) {
        return None;
    }
    let phrase: Vec<&str> = word.split(' ').collect();
    let at = all
        .windows(phrase.len())
        .position(|w| w.iter().zip(&phrase).all(|(a, b)| a == b))?;
    let rest = all[..at].iter().chain(&all[at + phrase.len()..]);
    let mut others = 0;
    for w in rest {
        if rules.weak.contains(w) {
            return None;
        }
        if !rules.filler.contains(w) && !matched.iter().any(|(m, _)| m.split(' ').any(|p| p == w)) {
            others += 1;
        }
    }
    (others <= rules.plain_words).then_some((word, condition))
}

/// Messages sent from code that SL304 and SL401-SL403 already judge.
fn judged_elsewhere(code: u32, source: TextSource, text: &str) -> bool {
    if source != TextSource::Message {
        return false;
    }
    match code {
        500..=599 => find_word(text, &WORDS.client_fault).is_some(),
        403 => find_word(text, &WORDS.missing_credentials).is_some(),
        401 => find_word(text, &WORDS.insufficient_permission).is_some(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run, with_message};

    fn described(code: u32, text: &str) -> Usage {
        let mut u = response(code);
        u.evidence
            .texts
            .push((TextSource::Description, text.into()));
        u
    }

    #[test]
    fn fires_on_plain_contradictions() {
        for (code, text) in [
            (405, "Invalid input"),
            (404, "Unauthorized"),
            (400, "Not found"),
            (401, "Forbidden"),
            (500, "Bad request"),
            (400, "Pet not found"),
            (405, "the id is not in a recognized format"),
            (500, "Invalid ID supplied"),
        ] {
            assert_eq!(
                run(&StatusContradictsMessage, &described(code, text)).len(),
                1,
                "{code} {text}"
            );
        }
    }

    #[test]
    fn silent_on_own_meaning_mixed_or_weak_texts() {
        for (code, text) in [
            (404, "Pet not found"),
            (401, "Unauthorized"),
            (403, "Unauthorized"),
            (422, "Referenced category not found"),
            (409, "Validation Error"),
            (404, "Invalid ID supplied"),
            (400, "Returned when the pet is not found"),
            (400, "Bad request or not found"),
            (404, "Not found, or forbidden to you"),
            (
                400,
                "The order could not be placed because the shipping address was not found in our records",
            ),
            (409, "Conflict"),
            (200, "Not found"),
        ] {
            assert!(
                run(&StatusContradictsMessage, &described(code, text)).is_empty(),
                "{code} {text}"
            );
        }
    }

    #[test]
    fn leaves_messages_from_code_to_the_rules_that_judge_them() {
        // SL401 judges a 500 sent for a client's fault; SL403 a 401 that says forbidden.
        assert!(run(&StatusContradictsMessage, &with_message(500, "bad request")).is_empty());
        assert!(run(&StatusContradictsMessage, &with_message(401, "forbidden")).is_empty());
        assert_eq!(
            run(
                &StatusContradictsMessage,
                &with_message(404, "unauthorized")
            )
            .len(),
            1
        );
    }

    #[test]
    fn silent_on_validation_errors_about_what_the_input_named() {
        let mut validation = with_message(400, "Tag does not exist");
        validation.spelled = "serializers.ValidationError(..)".into();
        assert!(run(&StatusContradictsMessage, &validation).is_empty());
        let mut plain = with_message(400, "Tag does not exist");
        plain.spelled = "HttpResponseBadRequest(..)".into();
        assert_eq!(run(&StatusContradictsMessage, &plain).len(), 1);
    }
}
