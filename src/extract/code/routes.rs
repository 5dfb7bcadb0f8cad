//! Routes: the methods a handler answers, from the names a decorator, attribute or router
//! writes them with. Handlers are joined with routes across files in `lint`.

use crate::usage::Method;

/// Methods from their names as written (`"POST"`, `post`, `*` for all); unknown names are
/// dropped.
pub fn methods_from<S: AsRef<str>>(names: &[S]) -> Vec<Method> {
    if names.iter().any(|n| n.as_ref() == "*") {
        return Method::ALL.to_vec();
    }
    let mut out: Vec<Method> = names
        .iter()
        .filter_map(|n| Method::parse(n.as_ref()))
        .collect();
    out.sort();
    out.dedup();
    out
}
