//! The pipeline: walk and extract, join routes across files, run the rules, apply the
//! suppression comments, place the findings. Rendering is left to `report`.

use crate::classify::SourceKind;
use crate::config::ConfigError;
use crate::diagnostic::{Diagnostic, Lines};
use crate::rules::{self, CheckContext, Finding, PARTLY_CHECKED, RuleEntry, UNUSED_SUPPRESSION};
use crate::settings::{Resolver, Settings};
use crate::suppress::Suppressions;
use crate::usage::{Method, Resource, TextSource};
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
    // Every method each path answers, whichever handler serves it.
    let mut by_path: HashMap<String, Vec<Method>> = HashMap::new();
    for (methods, paths) in routes.values_mut() {
        methods.sort();
        methods.dedup();
        paths.sort();
        paths.dedup();
        for path in paths.iter() {
            by_path.entry(path.clone()).or_default().extend(&*methods);
        }
    }
    for methods in by_path.values_mut() {
        methods.sort();
        methods.dedup();
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
            if let [path] = paths.as_slice()
                && usage.resource.is_none()
            {
                usage.resource = Some(Resource {
                    path: path.clone(),
                    methods: by_path.get(path).cloned().unwrap_or_default(),
                });
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
    if let Some((at, why)) = &file.facts.partly_read
        && let Some(partly) = active.iter().find(|r| r.meta.id == PARTLY_CHECKED)
    {
        let at = (*at).min(text.len());
        let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        let line = placer.lines.locate(at).line;
        if !suppressions.suppresses(PARTLY_CHECKED, line) {
            let finding = Finding::at(at..end, "only part of this file was checked")
                .evidence(why.clone())
                .help(
                    "fix the syntax (a tab in YAML indentation is a common cause), then run again",
                );
            out.push(placer.place(partly, finding, None));
        }
    }
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

/// Every active rule over every usage and operation, less what the suppression comments
/// hide. A finding on a shared definition is reported once for all its uses.
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
    let mut placed: Vec<(&'static RuleEntry, Finding, Option<u32>)> = Vec::new();
    let mut shared = SharedFindings::default();
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
                let status = usage.code.exact();
                match &usage.shared {
                    // A finding on what a shared definition sends is one finding.
                    Some(definition) if rule.rule.judges_content() => {
                        finding.evidence.push(definition.what.clone());
                        shared.add(rule, finding, status, definition);
                    }
                    _ => {
                        // Where the usage was defined elsewhere (an OpenAPI component), say where.
                        finding
                            .evidence
                            .extend(usage.evidence.origin.iter().cloned());
                        placed.push((rule, finding, status));
                    }
                }
            }
        }
    }
    placed.extend(shared.finish());
    for op in &placer.file.facts.operations {
        for rule in active {
            findings.clear();
            rule.rule.check_operation(op, &ctx, &mut findings);
            placed.extend(findings.drain(..).map(|f| (*rule, f, None)));
        }
    }
    for (rule, finding, status) in placed {
        let line = placer.lines.locate(finding.span.start).line;
        if !suppressions.suppresses(&rule.meta.id, line) {
            out.push(placer.place(rule, finding, status));
        }
    }
}

/// Findings on uses of shared definitions, one per rule, definition, code and message.
#[derive(Default)]
struct SharedFindings {
    index: HashMap<(String, &'static str, Option<u32>, String), usize>,
    /// Each finding with how many uses it stands for and the first of them.
    found: Vec<(&'static RuleEntry, Finding, Option<u32>, usize, String)>,
}

impl SharedFindings {
    fn add(
        &mut self,
        rule: &'static RuleEntry,
        mut finding: Finding,
        status: Option<u32>,
        definition: &crate::usage::Shared,
    ) {
        let key = (
            definition.key.clone(),
            rule.meta.id.as_str(),
            status,
            finding.message.clone(),
        );
        if let Some(&i) = self.index.get(&key) {
            self.found[i].3 += 1;
            return;
        }
        if let Some(span) = &definition.definition {
            // Reported where the definition is, which is in this file.
            finding.span = span.clone();
            finding.fix = None;
        }
        self.index.insert(key, self.found.len());
        self.found
            .push((rule, finding, status, 1, definition.use_site.clone()));
    }

    fn finish(self) -> impl Iterator<Item = (&'static RuleEntry, Finding, Option<u32>)> {
        self.found
            .into_iter()
            .map(|(rule, mut finding, status, uses, first)| {
                finding.evidence.push(if uses == 1 {
                    format!("used by 1 operation: {first}")
                } else {
                    format!("used by {uses} operations: first at {first}")
                });
                (rule, finding, status)
            })
    }
}
