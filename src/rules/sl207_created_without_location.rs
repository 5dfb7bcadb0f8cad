//! SL207: a 201 that does not say where the new resource is. Docs: rules/SL207.toml.

use super::{CheckContext, Finding, Rule, named};
use crate::usage::Usage;

pub struct CreatedWithoutLocation;

impl Rule for CreatedWithoutLocation {
    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        if u.code.exact() != Some(201) || !u.headers.surely_lacks("location") {
            return;
        }
        out.push(
            Finding::at(u.span.clone(), format!("{} is sent without a Location header", named(201)))
                .evidence("the whole response is visible here and has no Location header")
                .evidence("without Location the client must assume the request URL itself is the new resource")
                .help("set Location to the URL of the created resource"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_without_location() {
        let mut u = response(201);
        assert_eq!(run(&CreatedWithoutLocation, &u).len(), 1);
        u.headers.add("location", Some("/items/1".into()));
        assert!(run(&CreatedWithoutLocation, &u).is_empty());
    }
}
