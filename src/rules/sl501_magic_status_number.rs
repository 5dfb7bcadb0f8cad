//! SL501: a bare number where the framework offers a named constant. Off by default.
//! Docs: rules/SL501.toml.

use super::{CheckContext, Finding, Fix, Rule};
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
            .help(format!("write `{name}`: the name says what the code means"))
            .fix(named_spelling(u, code)),
        );
    }
}

/// Writes the constant in place of the number: the same code, so a safe fix.
fn named_spelling(u: &Usage, code: u32) -> Option<Fix> {
    let token = u.code_token.as_ref()?;
    let spelling = token.spelling(code)?;
    Some(Fix {
        span: token.span.clone(),
        replacement: spelling.to_string(),
        title: format!("write `{spelling}`"),
        safe: true,
    })
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
