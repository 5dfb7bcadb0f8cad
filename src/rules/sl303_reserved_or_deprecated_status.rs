//! SL303: a code the registry marks deprecated, unused or obsoleted (305, 306, 418, 510).
//! Docs: rules/SL303.toml.

use super::{CheckContext, Finding, Rule, named};
use crate::knowledge::{Registry, STATUS};
use crate::usage::Usage;

pub struct ReservedOrDeprecatedStatus;

impl Rule for ReservedOrDeprecatedStatus {
    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        let Some(info) = u.code.exact().and_then(|c| STATUS.get(c)) else {
            return;
        };
        let state = match info.registry {
            Registry::Deprecated => "deprecated",
            Registry::Unused => "reserved and unused",
            Registry::Obsoleted => "obsoleted",
            Registry::Standard | Registry::Temporary => return,
        };
        out.push(
            Finding::at(u.span.clone(), format!("{} is {state}", named(info.code)))
                .evidence(format!(
                    "the IANA registry marks {} as {state} ({})",
                    info.code, info.source
                ))
                .evidence(info.explain.when_not_to_use.trim().to_string())
                .help(format!(
                    "see `statuslint explain {}` for what to send instead",
                    info.code
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_on_305_306_418_510() {
        for n in [305, 306, 418, 510] {
            assert_eq!(
                run(&ReservedOrDeprecatedStatus, &response(n)).len(),
                1,
                "{n}"
            );
        }
        assert!(run(&ReservedOrDeprecatedStatus, &response(404)).is_empty());
    }
}
