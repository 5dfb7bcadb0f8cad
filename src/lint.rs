//! The pipeline: walk and extract, join routes across files, run the rules, apply the
//! suppression comments, place the findings. Rendering is left to `report`.

use crate::classify::SourceKind;
use crate::config::ConfigError;
use crate::diagnostic::{Diagnostic, Lines};
use crate::rules::{self, CheckContext, Finding, RuleEntry, UNUSED_SUPPRESSION};
use crate::settings::{Resolver, Settings};
use crate::suppress::Suppressions;
use crate::usage::{Method, TextSource};
use crate::walk::{Exclude, Note, SourceFile, WalkOptions, WalkOutput, walk};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

pub struct LintOutput {
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<Note>,
    pub files_seen: usize,
}

/// Lints with the same settings for every file (no config files are read).
pub fn lint(walk_options: &WalkOptions, settings: &Settings) -> LintOutput {
    lint_with(walk_options, Arc::new(Resolver::fixed(settings.clone())))
        .expect("fixed settings have no config file to fail")
}

/// Lints with each file's own settings (its nearest config file).
pub fn lint_with(
    walk_options: &WalkOptions,
    resolver: Arc<Resolver>,
) -> Result<LintOutput, ConfigError> {
    let for_walk = resolver.clone();
    let exclude: Exclude = Arc::new(move |path: &Path, is_dir| {
        let settings = if is_dir {
            for_walk.for_dir(path)
        } else {
            for_walk.for_file(path)
        };
        settings.is_ok_and(|settings| settings.exclude.matches(path))
    });
    let walked = walk(walk_options, Some(exclude));
    resolver.first_error().map_or(Ok(()), Err)?;
    check_all(walked, &resolver)
}

/// Lints text read from standard input as the file `path` (`--stdin-filename`).
pub fn lint_stdin(
    path: &Path,
    bytes: Vec<u8>,
    resolver: &Resolver,
) -> Result<LintOutput, ConfigError> {
    let settings = resolver.for_file(path)?;
    if settings.exclude.matches(path) {
        return check_all(crate::walk::read_stdin_text(path, Vec::new()), resolver);
    }
    check_all(crate::walk::read_stdin_text(path, bytes), resolver)
}

fn check_all(mut walked: WalkOutput, resolver: &Resolver) -> Result<LintOutput, ConfigError> {
    join_routes(&mut walked.files);
    let mut diagnostics = Vec::new();
    for file in &walked.files {
        let settings = resolver.for_file(&file.path)?;
        check_file(file, &settings, &mut diagnostics);
    }
    diagnostics.sort_by(|a, b| (&a.file, a.start, a.rule).cmp(&(&b.file, b.start, b.rule)));
    Ok(LintOutput {
        diagnostics,
        notes: walked.notes,
        files_seen: walked.files_seen,
    })
}

/// Handlers are often routed in another file than the one that defines them: give each
/// usage the methods and paths its handler is routed with anywhere in the project, in a
/// file of the same language (a Python `create` says nothing of a Rust `create`).
fn join_routes(files: &mut [SourceFile]) {
    type Routed = (Vec<Method>, Vec<String>);
    let mut routes: HashMap<(SourceKind, String), Routed> = HashMap::new();
    for file in files.iter() {
        for binding in &file.facts.routes {
            let entry = routes
                .entry((file.kind, binding.handler.clone()))
                .or_default();
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
        let kind = file.kind;
        for usage in &mut file.facts.usages {
            let Some((methods, paths)) = usage
                .handler
                .as_ref()
                .and_then(|h| routes.get(&(kind, h.clone())))
            else {
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

/// Turns findings into diagnostics placed in one file.
struct Placer<'a> {
    file: &'a SourceFile,
    text: &'a Arc<str>,
    /// Line starts of `text`, built once per file.
    lines: Lines<'a>,
    settings: &'a Settings,
}

impl Placer<'_> {
    fn place(&self, rule: &'static RuleEntry, finding: Finding, status: Option<u32>) -> Diagnostic {
        Diagnostic {
            rule: rule.meta.id.as_str(),
            name: rule.meta.name.as_str(),
            severity: self.settings.severity_of(rule),
            message: finding.message,
            file: self.file.display.clone(),
            start: self.lines.locate(finding.span.start),
            end: self.lines.locate(finding.span.end),
            span: finding.span,
            status,
            evidence: finding.evidence,
            help: finding.help,
            source: self.text.clone(),
            fix: finding.fix,
        }
    }
}

fn check_file(file: &SourceFile, settings: &Settings, out: &mut Vec<Diagnostic>) {
    let Some(text) = &file.text else { return };
    let enabled = settings.enabled_for(&file.path);
    let active: Vec<&'static RuleEntry> = rules::all()
        .iter()
        .filter(|r| enabled.contains(&r.meta.id.as_str()))
        .collect();
    let placer = Placer {
        file,
        text,
        lines: Lines::new(text),
        settings,
    };
    let mut suppressions = Suppressions::parse(text);
    run_rules(&placer, &active, &mut suppressions, out);
    if let Some(unused) = active.iter().find(|r| r.meta.id == UNUSED_SUPPRESSION) {
        for (span, message, fix) in suppressions.unused(text, &enabled) {
            let line = placer.lines.locate(span.start).line;
            if !suppressions.suppresses(UNUSED_SUPPRESSION, line) {
                let finding = Finding::at(span, message)
                    .help("remove it, or name the rule that fires here")
                    .fix(Some(fix));
                out.push(placer.place(unused, finding, None));
            }
        }
    }
}

/// Every active rule over every usage, less what the suppression comments hide.
fn run_rules(
    placer: &Placer,
    active: &[&'static RuleEntry],
    suppressions: &mut Suppressions,
    out: &mut Vec<Diagnostic>,
) {
    let ctx = CheckContext {
        kind: placer.file.kind,
        options: &placer.settings.options,
    };
    let mut findings: Vec<Finding> = Vec::new();
    for usage in &placer.file.facts.usages {
        for rule in active {
            findings.clear();
            rule.rule.check(usage, &ctx, &mut findings);
            for mut finding in findings.drain(..) {
                if usage.implicit
                    && let Some(code) = usage.code.exact()
                {
                    finding.evidence.push(format!(
                        "`{}` sends {code} when no code is written",
                        usage.spelled
                    ));
                }
                // Where the usage was defined elsewhere (an OpenAPI component), say where.
                finding
                    .evidence
                    .extend(usage.evidence.origin.iter().cloned());
                let line = placer.lines.locate(finding.span.start).line;
                if !suppressions.suppresses(&rule.meta.id, line) {
                    out.push(placer.place(rule, finding, usage.code.exact()));
                }
            }
        }
    }
}
