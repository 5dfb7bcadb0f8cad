//! SL204: 407 without the Proxy-Authenticate header it must carry. Docs: rules/SL204.toml.

use super::{CheckContext, Finding, Rule, missing_required_header};
use crate::usage::Usage;

pub struct ProxyAuthWithoutChallenge;

impl Rule for ProxyAuthWithoutChallenge {
    fn judges_content(&self) -> bool {
        true
    }

    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        if missing_required_header(u, 407, "Proxy-Authenticate", out) {
            let finding = out.last_mut().expect("just pushed");
            finding
                .evidence
                .push("RFC 9110 requires a 407 to carry a Proxy-Authenticate challenge".into());
            finding.help =
                Some("add a Proxy-Authenticate header naming the scheme the proxy accepts".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_without_the_header_and_not_with_it() {
        let mut u = response(407);
        assert_eq!(run(&ProxyAuthWithoutChallenge, &u).len(), 1);
        u.headers.add("Proxy-Authenticate", None);
        assert!(run(&ProxyAuthWithoutChallenge, &u).is_empty());
    }

    #[test]
    fn silent_when_the_response_is_not_fully_known() {
        let mut u = response(407);
        u.headers.complete = false;
        assert!(run(&ProxyAuthWithoutChallenge, &u).is_empty());
    }
}
