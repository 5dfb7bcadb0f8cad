//! SL501: a bare number where the framework offers a named constant. Off by default.
//! Docs: rules/SL501.toml.

use super::{CheckContext, Finding, Rule};
use crate::usage::Usage;

pub struct MagicStatusNumber;

impl Rule for MagicStatusNumber {
    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        let (Some(code), Some(name)) = (u.code.exact(), &u.named_alternative) else {
            return;
        };
        out.push(
            Finding::at(
                u.span.clone(),
                format!("status {code} is written as a bare number"),
            )
            .evidence(format!("the framework names it `{name}`"))
            .help(format!("write `{name}`: the name says what the code means")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_when_a_name_exists() {
        let mut u = response(404);
        assert!(run(&MagicStatusNumber, &u).is_empty());
        u.named_alternative = Some("StatusCode::NOT_FOUND".into());
        assert_eq!(run(&MagicStatusNumber, &u).len(), 1);
    }
}
