//! The pipeline: walk and extract, join routes across files, run the rules, place the
//! findings. Rendering is left to `report`.

use crate::diagnostic::{Diagnostic, Lines};
use crate::rules::{self, CheckContext, Finding};
use crate::settings::Settings;
use crate::usage::{Method, TextSource};
use crate::walk::{Note, SourceFile, WalkOptions, walk};
use std::collections::HashMap;

pub struct LintOutput {
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<Note>,
    pub files_seen: usize,
}

pub fn lint(walk_options: &WalkOptions, settings: &Settings) -> LintOutput {
    let mut walked = walk(walk_options);
    join_routes(&mut walked.files);
    let mut diagnostics = Vec::new();
    for file in &walked.files {
        check_file(file, settings, &mut diagnostics);
    }
    diagnostics.sort_by(|a, b| (&a.file, a.start, a.rule).cmp(&(&b.file, b.start, b.rule)));
    LintOutput {
        diagnostics,
        notes: walked.notes,
        files_seen: walked.files_seen,
    }
}

/// Handlers are often routed in another file than the one that defines them: give each
/// usage the methods and paths its handler is routed with anywhere in the project.
fn join_routes(files: &mut [SourceFile]) {
    let mut routes: HashMap<String, (Vec<Method>, Vec<String>)> = HashMap::new();
    for file in files.iter() {
        for binding in &file.facts.routes {
            let entry = routes.entry(binding.handler.clone()).or_default();
            entry.0.extend(&binding.methods);
            entry.1.extend(binding.path.clone());
        }
    }
    for (methods, paths) in routes.values_mut() {
        methods.sort();
        methods.dedup();
        paths.sort();
        paths.dedup();
    }
    for file in files.iter_mut() {
        for usage in &mut file.facts.usages {
            let Some((methods, paths)) = usage.handler.as_ref().and_then(|h| routes.get(h)) else {
                continue;
            };
            if usage.methods.is_none() {
                usage.methods = Some(methods.clone());
            }
            for path in paths {
                usage.evidence.texts.push((TextSource::Route, path.clone()));
            }
        }
    }
}

fn check_file(file: &SourceFile, settings: &Settings, out: &mut Vec<Diagnostic>) {
    let Some(text) = &file.text else { return };
    let ctx = CheckContext {
        kind: file.kind,
        options: &settings.options,
    };
    let lines = Lines::new(text);
    let mut findings: Vec<Finding> = Vec::new();
    for usage in &file.facts.usages {
        for rule in rules::all().iter().filter(|r| settings.is_enabled(r)) {
            findings.clear();
            rule.rule.check(usage, &ctx, &mut findings);
            for finding in findings.drain(..) {
                let mut evidence = finding.evidence;
                if usage.implicit
                    && let Some(code) = usage.code.exact()
                {
                    evidence.push(format!(
                        "`{}` sends {code} when no code is written",
                        usage.spelled
                    ));
                }
                evidence.extend(usage.evidence.origin.iter().cloned());
                out.push(Diagnostic {
                    rule: rules_id(rule),
                    name: rules_name(rule),
                    severity: settings.severity_of(rule),
                    message: finding.message,
                    file: file.display.clone(),
                    start: lines.locate(finding.span.start),
                    end: lines.locate(finding.span.end),
                    span: finding.span,
                    status: usage.code.exact(),
                    evidence,
                    help: finding.help,
                    source: text.clone(),
                });
            }
        }
    }
}

fn rules_id(rule: &'static rules::RuleEntry) -> &'static str {
    rule.meta.id.as_str()
}

fn rules_name(rule: &'static rules::RuleEntry) -> &'static str {
    rule.meta.name.as_str()
}
