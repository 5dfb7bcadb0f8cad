//! SL205: 426 without the Upgrade header it must carry. Docs: rules/SL205.toml.

use super::{CheckContext, Finding, Rule, missing_required_header};
use crate::usage::Usage;

pub struct UpgradeRequiredWithoutUpgrade;

impl Rule for UpgradeRequiredWithoutUpgrade {
    fn judges_content(&self) -> bool {
        true
    }

    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        if missing_required_header(u, 426, "Upgrade", out) {
            let finding = out.last_mut().expect("just pushed");
            finding.evidence.push(
                "RFC 9110 requires a 426 to name the protocols to switch to in Upgrade".into(),
            );
            finding.help = Some(
                "add an Upgrade header naming the required protocol (and Connection: upgrade)"
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
        let mut u = response(426);
        assert_eq!(run(&UpgradeRequiredWithoutUpgrade, &u).len(), 1);
        u.headers.add("Upgrade", None);
        assert!(run(&UpgradeRequiredWithoutUpgrade, &u).is_empty());
    }

    #[test]
    fn silent_when_the_response_is_not_fully_known() {
        let mut u = response(426);
        u.headers.complete = false;
        assert!(run(&UpgradeRequiredWithoutUpgrade, &u).is_empty());
    }
}
