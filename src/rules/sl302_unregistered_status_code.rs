//! SL302: a code in range that the IANA registry does not list. Docs: rules/SL302.toml.

use super::{CheckContext, Finding, Rule};
use crate::classify::SourceKind;
use crate::knowledge::STATUS;
use crate::usage::Usage;

pub struct UnregisteredStatusCode;

impl Rule for UnregisteredStatusCode {
    fn check(&self, u: &Usage, ctx: &CheckContext, out: &mut Vec<Finding>) {
        let Some(code) = u.code.exact() else { return };
        if !(100..=599).contains(&code) || STATUS.get(code).is_some() {
            return;
        }
        // nginx's 444 closes the connection without a response: it never reaches a client.
        // Kubernetes files hold nginx too, in ingress-nginx snippets; their own code keys
        // accept no 444.
        if ctx.options.allowed_codes.contains(&code)
            || (code == 444 && matches!(ctx.kind, SourceKind::Nginx | SourceKind::Kubernetes))
        {
            return;
        }
        let class = code / 100 * 100;
        let mut finding = Finding::at(
            u.span.clone(),
            format!("{code} is not a registered HTTP status code"),
        )
        .evidence(format!(
            "a client that does not know {code} must treat it as {}",
            STATUS.describe(class)
        ));
        if let Some(known) = STATUS.unregistered(code) {
            finding = finding.evidence(format!(
                "{code} \"{}\" is {}'s own code: {}",
                known.name, known.used_by, known.meaning
            ));
        }
        out.push(finding.help(format!(
            "use the registered code that means what you want (often {}), or allow {code} in the configuration if your clients expect it",
            STATUS.describe(class)
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_on_unregistered_codes() {
        for n in [420, 499, 509, 522] {
            assert_eq!(run(&UnregisteredStatusCode, &response(n)).len(), 1, "{n}");
        }
        for n in [404, 418, 600] {
            assert!(run(&UnregisteredStatusCode, &response(n)).is_empty(), "{n}");
        }
    }
}
