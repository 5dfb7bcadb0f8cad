//! SL203: 405 without the Allow header it must carry. Docs: rules/SL203.toml.

use super::sl405_status_contradicts_message::contradiction;
use super::{CheckContext, Finding, Rule, missing_required_header};
use crate::usage::Usage;

pub struct MethodNotAllowedWithoutAllow;

impl Rule for MethodNotAllowedWithoutAllow {
    fn judges_content(&self) -> bool {
        true
    }

    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        // A 405 whose message names another condition has the wrong code (SL405): an
        // Allow header would not make it right.
        if contradiction(u).is_some() {
            return;
        }
        if missing_required_header(u, 405, "Allow", out) {
            let finding = out.last_mut().expect("just pushed");
            finding.evidence.push(
                "RFC 9110 requires a 405 to list the methods the resource supports in Allow".into(),
            );
            finding.help = Some(
                "add an Allow header listing the supported methods (for example `GET, HEAD`)"
                    .into(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_without_the_header_and_not_with_it() {
        let mut u = response(405);
        assert_eq!(run(&MethodNotAllowedWithoutAllow, &u).len(), 1);
        u.headers.add("Allow", None);
        assert!(run(&MethodNotAllowedWithoutAllow, &u).is_empty());
    }

    #[test]
    fn silent_when_the_message_says_the_code_is_wrong() {
        let mut u = response(405);
        u.evidence.texts.push((
            crate::usage::TextSource::Description,
            "Invalid input".into(),
        ));
        assert!(run(&MethodNotAllowedWithoutAllow, &u).is_empty());
    }

    #[test]
    fn silent_when_the_response_is_not_fully_known() {
        let mut u = response(405);
        u.headers.complete = false;
        assert!(run(&MethodNotAllowedWithoutAllow, &u).is_empty());
    }
}
