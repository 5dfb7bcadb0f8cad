//! SL207: a 201 that does not say where the new resource is. Docs: rules/SL207.toml.

use super::{CheckContext, Finding, Rule, named};
use crate::usage::{Method, Usage};

pub struct CreatedWithoutLocation;

impl Rule for CreatedWithoutLocation {
    fn judges_content(&self) -> bool {
        true
    }

    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        if u.code.exact() != Some(201)
            || !u.headers.surely_lacks("location")
            || creates_the_request_uri(u)
        {
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

/// True when the new resource is the request URI itself, which a client already has: a
/// PUT (RFC 9110 9.3.4) or PATCH, or a POST to a path that names one resource and is also read or
/// deleted there (`POST /users/{id}/avatar` beside `GET /users/{id}/avatar`). A 201 on a
/// safe method is no missing Location but a wrong code (SL404).
fn creates_the_request_uri(u: &Usage) -> bool {
    let Some(methods) = u.methods.as_deref().filter(|m| !m.is_empty()) else {
        return false;
    };
    // PUT and PATCH create at the request URI (RFC 5789 2); other methods are SL404's.
    if !methods.contains(&Method::Post) {
        return true;
    }
    let Some(resource) = &u.resource else {
        return false;
    };
    methods.iter().all(|m| *m == Method::Post)
        && (resource.methods.contains(&Method::Delete)
            || resource.methods.contains(&Method::Get) && resource.names_one_resource())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};
    use crate::usage::Resource;

    #[test]
    fn silent_where_the_request_uri_is_the_new_resource() {
        let mut u = response(201);
        u.methods = Some(vec![Method::Put]);
        assert!(run(&CreatedWithoutLocation, &u).is_empty());
        u.methods = Some(vec![Method::Post]);
        assert_eq!(run(&CreatedWithoutLocation, &u).len(), 1);
        let at = |path: &str, methods: &[Method]| {
            Some(std::sync::Arc::new(Resource {
                path: path.into(),
                methods: methods.to_vec(),
            }))
        };
        u.resource = at("/users/{id}/avatar", &[Method::Get, Method::Post]);
        assert!(run(&CreatedWithoutLocation, &u).is_empty());
        u.resource = at("/users/{id}/posts", &[Method::Get, Method::Post]);
        assert_eq!(run(&CreatedWithoutLocation, &u).len(), 1);
        u.resource = at("/users", &[Method::Post]);
        assert_eq!(run(&CreatedWithoutLocation, &u).len(), 1);
        u.resource = at("/jobs", &[Method::Post, Method::Delete]);
        assert!(run(&CreatedWithoutLocation, &u).is_empty());
    }

    #[test]
    fn fires_without_location() {
        let mut u = response(201);
        assert_eq!(run(&CreatedWithoutLocation, &u).len(), 1);
        u.headers.add("location", Some("/items/1".into()));
        assert!(run(&CreatedWithoutLocation, &u).is_empty());
    }
}
