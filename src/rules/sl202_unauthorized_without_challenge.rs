//! SL202: 401 without the WWW-Authenticate header it must carry. Docs: rules/SL202.toml.

use super::{CheckContext, Finding, Rule, missing_required_header};
use crate::usage::Usage;

pub struct UnauthorizedWithoutChallenge;

impl Rule for UnauthorizedWithoutChallenge {
    fn judges_content(&self) -> bool {
        true
    }

    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        if missing_required_header(u, 401, "WWW-Authenticate", out) {
            let finding = out.last_mut().expect("just pushed");
            finding.evidence.push("RFC 9110 requires a 401 to carry at least one challenge, so the client knows how to authenticate".into());
            finding.help = Some("add a WWW-Authenticate header naming the scheme (for example `Bearer realm=\"api\"`), or use 403 if credentials would not help".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_without_the_header_and_not_with_it() {
        let mut u = response(401);
        assert_eq!(run(&UnauthorizedWithoutChallenge, &u).len(), 1);
        u.headers.add("WWW-Authenticate", None);
        assert!(run(&UnauthorizedWithoutChallenge, &u).is_empty());
    }

    #[test]
    fn silent_when_the_response_is_not_fully_known() {
        let mut u = response(401);
        u.headers.complete = false;
        assert!(run(&UnauthorizedWithoutChallenge, &u).is_empty());
    }
}
