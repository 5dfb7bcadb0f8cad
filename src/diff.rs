//! Diff: the unified diff of a fix, for `--diff`. Built from the edits themselves (no
//! general diff algorithm): each edit replaces whole lines, grouped into hunks with three
//! lines of context.

use crate::rules::Fix;
use std::fmt::Write;

const CONTEXT: usize = 3;

/// One run of changed lines: old lines `first..=last` (0-based) become `new`.
struct Change {
    first: usize,
    last: usize,
    new: Vec<String>,
}

/// `--- a/file`, `+++ b/file` and the hunks; empty when nothing changes.
pub fn unified(file: &str, old: &str, edits: &[Fix]) -> String {
    let lines: Vec<&str> = old.split_inclusive('\n').collect();
    let starts: Vec<usize> = lines
        .iter()
        .scan(0, |at, l| {
            let start = *at;
            *at += l.len();
            Some(start)
        })
        .collect();
    let changes = changes(old, &lines, &starts, edits);
    if changes.is_empty() {
        return String::new();
    }
    let mut out = format!("--- a/{file}\n+++ b/{file}\n");
    let mut delta: isize = 0;
    let mut i = 0;
    while i < changes.len() {
        // Changes whose contexts touch share a hunk.
        let mut j = i;
        while j + 1 < changes.len() && changes[j + 1].first <= changes[j].last + 1 + 2 * CONTEXT {
            j += 1;
        }
        let from = changes[i].first.saturating_sub(CONTEXT);
        let to = (changes[j].last + CONTEXT).min(lines.len() - 1);
        let mut body = String::new();
        let (mut old_count, mut new_count) = (0, 0);
        let mut line = from;
        for change in &changes[i..=j] {
            for l in &lines[line..change.first] {
                push(&mut body, ' ', l);
            }
            old_count += change.first - line;
            new_count += change.first - line;
            for l in &lines[change.first..=change.last] {
                push(&mut body, '-', l);
            }
            for l in &change.new {
                push(&mut body, '+', l);
            }
            old_count += change.last - change.first + 1;
            new_count += change.new.len();
            line = change.last + 1;
        }
        for l in &lines[line.min(to + 1)..=to] {
            push(&mut body, ' ', l);
        }
        old_count += (to + 1).saturating_sub(line);
        new_count += (to + 1).saturating_sub(line);
        let new_start = from as isize + 1 + delta;
        let _ = write!(
            out,
            "@@ -{},{old_count} +{},{new_count} @@\n{body}",
            hunk_start(from + 1, old_count),
            hunk_start(new_start.max(0) as usize, new_count)
        );
        delta += new_count as isize - old_count as isize;
        i = j + 1;
    }
    out
}

/// An empty range is named by the line before it.
fn hunk_start(start: usize, count: usize) -> usize {
    if count == 0 { start - 1 } else { start }
}

fn push(out: &mut String, sign: char, line: &str) {
    out.push(sign);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

/// The edits as whole-line changes; edits on the same lines are made together.
fn changes(old: &str, lines: &[&str], starts: &[usize], edits: &[Fix]) -> Vec<Change> {
    let line_of = |offset: usize| starts.partition_point(|s| *s <= offset).saturating_sub(1);
    let mut groups: Vec<(usize, usize, Vec<&Fix>)> = Vec::new();
    for e in edits {
        let first = line_of(e.span.start);
        let last = line_of(e.span.end.max(e.span.start + 1) - 1).max(first);
        match groups.last_mut() {
            Some(g) if first <= g.1 => {
                g.1 = g.1.max(last);
                g.2.push(e);
            }
            _ => groups.push((first, last, vec![e])),
        }
    }
    groups
        .into_iter()
        .map(|(first, last, group)| {
            let base = starts[first];
            let end = starts[last] + lines[last].len();
            let mut text = String::new();
            let mut at = base;
            for e in group {
                text.push_str(&old[at..e.span.start]);
                text.push_str(&e.replacement);
                at = e.span.end;
            }
            text.push_str(&old[at..end]);
            Change {
                first,
                last,
                new: text.split_inclusive('\n').map(str::to_string).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(span: std::ops::Range<usize>, with: &str) -> Fix {
        Fix::replacing(span, with)
    }

    #[test]
    fn one_changed_line_with_context() {
        let old = "a\nb\nc\nreturn 302 /x;\nd\ne\nf\ng\n";
        let at = old.find("302").unwrap();
        let diff = unified("x.conf", old, &[fix(at..at + 3, "308")]);
        assert_eq!(
            diff,
            "--- a/x.conf\n+++ b/x.conf\n@@ -1,7 +1,7 @@\n a\n b\n c\n-return 302 /x;\n+return 308 /x;\n d\n e\n f\n"
        );
    }

    #[test]
    fn a_removed_line_and_a_missing_final_newline() {
        let old = "# statuslint-disable-line SL101\nx";
        let diff = unified("f", old, &[fix(0..32, "")]);
        assert_eq!(
            diff,
            "--- a/f\n+++ b/f\n@@ -1,2 +1,1 @@\n-# statuslint-disable-line SL101\n x\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn distant_edits_make_two_hunks() {
        let old: String = (0..20).map(|i| format!("l{i}\n")).collect();
        let a = old.find("l2\n").unwrap();
        let b = old.find("l17\n").unwrap();
        let diff = unified("f", &old, &[fix(a..a + 2, "X"), fix(b..b + 3, "Y")]);
        assert_eq!(diff.matches("@@ -").count(), 2);
        assert!(diff.contains("@@ -15,6 +15,6 @@"));
    }
}
