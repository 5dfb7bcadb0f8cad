//! Which `header` directives reach a response.
//!
//! Caddy sorts the directives of a site, `handle` or `handle_path` block (`header` runs
//! before `redir`, `respond` and the route blocks), but runs a `route` block as written and
//! stops at the first handler that answers. So a header reaches a response when it sits in
//! the site or in one of the blocks around the response (in a `route`, above it), and its
//! matcher lets the response's requests through. `caddy adapt` shows this nesting: each
//! block is a subroute, and each `header` a `headers` handler with its own `match`.
//!
//! A header whose matcher plainly covers the response counts with its value; one whose
//! path matcher plainly excludes every path the response answers does not count; any
//! other counts by name only, so no rule reports it missing.
//!
//! A block beside the response runs before it too when its matcher lets the request in
//! (Caddy sorts `handle` and `route` before `respond`, and a block that does not answer
//! lets the request go on), so the headers inside it count by name, unless its path plainly
//! excludes the response's, or both are `handle`/`handle_path` blocks, of which Caddy runs
//! only the first that matches. `handle_errors` runs only for errors.

use super::lexer::{Line, Parsed, Token};
use super::{SiteCx, TABLE, descendants, directive, matcher_of, without_matcher};
use crate::usage::Headers;

/// Where a response sits: the site's own lines, the route blocks around it, and itself.
pub(super) struct Place<'a> {
    pub site_body: &'a [usize],
    pub enclosing: &'a [usize],
    pub line: usize,
}

/// Whether a header's matcher lets a response's requests through.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    Covers,
    Maybe,
    Excluded,
}

/// The headers that reach the response at `place`.
pub(super) fn reaching(cx: &SiteCx, place: &Place) -> Headers {
    let mut headers = Headers::unknown();
    headers.complete = cx.headers_complete;
    let chain = holders(place);
    // Level 0 is the site; level k + 1 is the block of `enclosing[k]`.
    for level in 0..=place.enclosing.len() {
        let (lines, holder): (&[usize], Option<usize>) = match level {
            0 => (place.site_body, None),
            _ => {
                let h = place.enclosing[level - 1];
                (&cx.parsed.lines[h].children, Some(h))
            }
        };
        // In a `route` block only the lines above the response's branch run before it.
        let next = chain[level];
        let in_order = holder.is_some_and(|h| directive(cx.parsed, h) == Some("route"));
        let frame = frame_at(cx.parsed, place.enclosing, level);
        let next_exclusive = directive(cx.parsed, next).is_some_and(exclusive);
        for &i in lines {
            if in_order && i >= next {
                break;
            }
            let line = &cx.parsed.lines[i];
            let reach = || reach(cx, &line.tokens[1..], &chain, place.enclosing, frame);
            match directive(cx.parsed, i) {
                Some("header") => {
                    let reach = reach();
                    if reach != Reach::Excluded {
                        add_fields(cx.parsed, line, reach == Reach::Covers, &mut headers);
                    }
                }
                Some(block)
                    if i != next
                        && block != "handle_errors"
                        && TABLE.route_blocks.iter().any(|b| b == block)
                        && !(next_exclusive && exclusive(block))
                        && reach() != Reach::Excluded =>
                {
                    for inner in descendants(cx.parsed, &line.children) {
                        if directive(cx.parsed, inner) == Some("header") {
                            add_fields(cx.parsed, &cx.parsed.lines[inner], false, &mut headers);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    headers
}

/// `handle` and `handle_path` blocks of one level: Caddy runs only the first that matches.
fn exclusive(block: &str) -> bool {
    matches!(block, "handle" | "handle_path")
}

/// The route blocks around the response, then the response itself.
fn holders(place: &Place) -> Vec<usize> {
    let mut chain = place.enclosing.to_vec();
    chain.push(place.line);
    chain
}

/// How many `handle_path` blocks (which strip the matched prefix, so the matchers inside
/// see another path) lie around `level`.
fn frame_at(parsed: &Parsed, enclosing: &[usize], level: usize) -> usize {
    enclosing[..level]
        .iter()
        .filter(|&&h| directive(parsed, h) == Some("handle_path"))
        .count()
}

fn reach(cx: &SiteCx, args: &[Token], chain: &[usize], enclosing: &[usize], frame: usize) -> Reach {
    let Some(matcher) = matcher_of(args).filter(|m| m.text != "*") else {
        return Reach::Covers;
    };
    // The matchers around the response that see the same path as this header's.
    let around: Vec<&str> = chain
        .iter()
        .enumerate()
        .filter(|&(k, _)| frame_at(cx.parsed, enclosing, k) == frame)
        .filter_map(|(_, &h)| matcher_of(&cx.parsed.lines[h].tokens[1..]))
        .map(|m| m.text.as_str())
        .collect();
    if around.contains(&matcher.text.as_str()) {
        return Reach::Covers;
    }
    let Some(header_paths) = paths_of(cx, &matcher.text) else {
        return Reach::Maybe;
    };
    let constraints: Vec<Vec<String>> = around.iter().filter_map(|m| paths_of(cx, m)).collect();
    let covered = |q: &String| header_paths.iter().any(|p| covers(p, q));
    if constraints.iter().any(|c| c.iter().all(covered)) {
        return Reach::Covers;
    }
    let apart = |q: &String| header_paths.iter().all(|p| disjoint(p, q));
    if !cx.paths_rewritten && constraints.iter().any(|c| c.iter().all(apart)) {
        return Reach::Excluded;
    }
    Reach::Maybe
}

/// The paths a matcher lets through, when it tests nothing else: `/admin/*`, or a named
/// matcher whose one condition is `path ...`. Caddy compares paths case-insensitively.
fn paths_of(cx: &SiteCx, matcher: &str) -> Option<Vec<String>> {
    if matcher.starts_with('/') {
        return Some(vec![matcher.to_ascii_lowercase()]);
    }
    let defs = cx.matchers.get(matcher)?;
    let [d] = defs.as_slice() else {
        return None;
    };
    let line = &cx.parsed.lines[*d];
    let condition: &[Token] = match (line.tokens.len(), line.children.as_slice()) {
        (1, [only]) => &cx.parsed.lines[*only].tokens,
        (n, []) if n > 1 => &line.tokens[1..],
        _ => return None,
    };
    let (kind, args) = condition.split_first()?;
    (kind.text == "path" && !args.is_empty())
        .then(|| args.iter().map(|a| a.text.to_ascii_lowercase()).collect())
}

/// A path pattern this module can reason about: exact, or a prefix ending in one `*`.
fn shape(pattern: &str) -> Option<(&str, bool)> {
    if pattern.contains('{') {
        return None; // a placeholder
    }
    match pattern.strip_suffix('*') {
        Some(prefix) if !prefix.contains('*') => Some((prefix, true)),
        None if !pattern.contains('*') => Some((pattern, false)),
        _ => None,
    }
}

/// Every path `q` matches, `p` matches too.
fn covers(p: &str, q: &str) -> bool {
    match (shape(p), shape(q)) {
        (Some((a, false)), Some((b, false))) => a == b,
        (Some((a, true)), Some((b, _))) => b.starts_with(a),
        _ => false,
    }
}

/// No path matches both.
fn disjoint(p: &str, q: &str) -> bool {
    match (shape(p), shape(q)) {
        (Some((a, false)), Some((b, false))) => a != b,
        (Some((exact, false)), Some((prefix, true)))
        | (Some((prefix, true)), Some((exact, false))) => !exact.starts_with(prefix),
        (Some((a, true)), Some((b, true))) => !a.starts_with(b) && !b.starts_with(a),
        _ => false,
    }
}

/// `header Name value`, `header +Name value`, `header { Name value }`; `-Name` removes.
/// Without `with_values`, names only: the header may not reach the response.
fn add_fields(parsed: &Parsed, line: &Line, with_values: bool, headers: &mut Headers) {
    let mut add = |tokens: &[Token]| {
        if let Some(name) = tokens.first() {
            let field = name.text.trim_start_matches(['+', '?', '>']);
            if !name.text.starts_with('-') && !field.is_empty() {
                let value = tokens.get(1).filter(|_| with_values);
                headers.add(field, value.map(|t| t.text.clone()));
            }
        }
    };
    add(without_matcher(&line.tokens[1..]));
    for &c in &line.children {
        add(&parsed.lines[c].tokens);
    }
}

/// Directives that change the request's path before later matchers test it.
pub(super) fn rewrites_paths(name: &str) -> bool {
    TABLE.path_rewriters.iter().any(|d| d == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_shapes() {
        assert!(covers("/admin/*", "/admin/users"));
        assert!(covers("/admin/*", "/admin/x/*"));
        assert!(!covers("/admin/x", "/admin/*"));
        assert!(disjoint("/v2/*", "/admin/*"));
        assert!(disjoint("/v2/*", "/upload"));
        assert!(!disjoint("/v2/*", "/v2/upload"));
        assert!(!disjoint("/a/*", "/a/b/*"));
        assert!(!disjoint("*.php", "/index.php"));
        assert!(!disjoint("/{vars.x}", "/a"));
    }
}
