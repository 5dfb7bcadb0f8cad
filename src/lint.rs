//! The pipeline: walk and extract, join what files say of each other (`index`), run the rules, apply the
//! suppression comments, place the findings. Rendering is left to `report`.

use crate::classify::SourceKind;
use crate::config::ConfigError;
use crate::diagnostic::{Diagnostic, Lines};
use crate::index::{self, Known};
use crate::rules::{
    self, CheckContext, Finding, PARTLY_CHECKED, RuleEntry, Text, UNUSED_SUPPRESSION,
};
use crate::settings::{Resolver, Settings};
use crate::suppress::Suppressions;
use crate::usage::{Made, Operation, RouteBinding, Usage};
use crate::walk::{
    Checked, FolderSettings, Note, Purpose, SourceFile, WalkOptions, WalkOutput, walk, walk_for,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A route and the kind of file that defines it (routes join within one language).
pub type KindRoute = (SourceKind, RouteBinding);

pub struct LintOutput {
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<Note>,
    pub checked: Checked,
    /// The files read, with their facts (the editor server hovers over their usages and
    /// keeps their routes).
    pub files: Vec<SourceFile>,
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
    let walked = walk(walk_options, Some(settings_of(resolver.clone())));
    resolver.first_error().map_or(Ok(()), Err)?;
    check_all(walked, &resolver)
}

/// Lints like [`lint_with`], and a file named on its own is linted with what the rest of
/// its project says (the routes that bind its handlers, the helpers it calls, the messages
/// of the error types it maps): the project around it is read too, for the index only, so
/// `statuslint src/api/todo.rs` finds what `statuslint .` finds in that file.
pub fn lint_in_project(
    walk_options: &WalkOptions,
    resolver: Arc<Resolver>,
) -> Result<LintOutput, ConfigError> {
    let mut walked = walk_for(
        walk_options,
        Some(settings_of(resolver.clone())),
        Purpose::Check,
    );
    resolver.first_error().map_or(Ok(()), Err)?;
    let known = around(walk_options, &walked.files, resolver.clone());
    index::join(&mut walked.files, &known);
    check_files(walked, &resolver, Usages::Dropped)
}

/// What the projects around the files named one by one say, less those files: each
/// project read once, for the kinds of the named files only.
fn around(walk_options: &WalkOptions, read: &[SourceFile], resolver: Arc<Resolver>) -> Vec<Known> {
    let mut roots: Vec<PathBuf> = Vec::new();
    for path in walk_options.paths.iter().filter(|p| p.is_file()) {
        if let Some(root) = index::project_root(path)
            && !roots.contains(&root)
            && !walk_options
                .paths
                .iter()
                .any(|p| p.is_dir() && root.starts_with(p))
        {
            roots.push(root);
        }
    }
    if roots.is_empty() {
        return Vec::new();
    }
    let kinds: Vec<SourceKind> = read.iter().map(|f| f.kind).collect();
    let named: Vec<PathBuf> = read
        .iter()
        .filter_map(|f| f.path.canonicalize().ok())
        .collect();
    let options = WalkOptions {
        paths: roots,
        threads: walk_options.threads,
        cache: walk_options.cache.clone(),
    };
    let walked = walk_for(&options, Some(settings_of(resolver)), Purpose::Index);
    let others = |f: &SourceFile| {
        kinds.contains(&f.kind) && f.path.canonicalize().is_ok_and(|p| !named.contains(&p))
    };
    let mut known: Vec<Known> = walked
        .files
        .into_iter()
        .filter(others)
        .map(Known::of)
        .collect();
    // Handlers the index walk passed over, read when a router may name them.
    let names = index::names_to_read(read, &known);
    if let Some(filter) = index::mentioning(&names) {
        known.extend(
            walked
                .deferred
                .iter()
                .filter(|p| std::fs::read(p).is_ok_and(|text| filter.is_match(&text)))
                .filter_map(|p| crate::walk::read_for_index(p, walk_options.cache.as_deref()))
                .filter(others)
                .map(Known::of),
        );
    }
    known
}

/// What each file of a project tells the index (routes, summaries, the handlers it
/// defines), without running the rules: what the editor server knows of the files that are
/// not open.
pub fn project_known(walk_options: &WalkOptions, resolver: Arc<Resolver>) -> Vec<(PathBuf, Known)> {
    let walked = walk(walk_options, Some(settings_of(resolver)));
    walked
        .files
        .into_iter()
        .map(|f| (f.path.clone(), Known::of(f)))
        .filter(|(_, k)| !k.routes.is_empty() || !k.summary.is_empty() || !k.handlers.is_empty())
        .collect()
}

/// Each folder's own settings, for its `exclude` and `allow-outside-project`.
fn settings_of(resolver: Arc<Resolver>) -> FolderSettings {
    Arc::new(move |dir: &Path| resolver.for_dir(dir).ok())
}

/// Reads `text` as if it were the file `path`, with that file's settings.
fn read_as(path: &Path, text: Vec<u8>, resolver: &Resolver) -> Result<WalkOutput, ConfigError> {
    let settings = resolver.for_file(path)?;
    Ok(if settings.exclude.matches(path) {
        WalkOutput::default()
    } else {
        crate::walk::read_text(path, text, &settings.outside_folders)
    })
}

/// Lints `text` as if it were the file `path`, with that file's settings, joined with what
/// `known` says (the rest of the project as the editor server knows it; empty when
/// unknown). The entry point of the editor server.
pub fn lint_text(
    path: &Path,
    text: Vec<u8>,
    resolver: &Resolver,
    known: &[Known],
) -> Result<LintOutput, ConfigError> {
    let mut walked = read_as(path, text, resolver)?;
    index::join(&mut walked.files, known);
    check_files(walked, resolver, Usages::Kept)
}

/// Lints `text` as if it were the file `path`, with what the rest of its project says, read
/// as for a file named alone: `--stdin-filename`. The project is walked as `walk` says
/// (its threads and cache); `text` itself is never kept in the cache.
pub fn lint_text_in_project(
    path: &Path,
    text: Vec<u8>,
    resolver: Arc<Resolver>,
    walk: WalkOptions,
) -> Result<LintOutput, ConfigError> {
    let mut walked = read_as(path, text, &resolver)?;
    let options = WalkOptions {
        paths: vec![path.to_path_buf()],
        ..walk
    };
    let known = around(&options, &walked.files, resolver.clone());
    index::join(&mut walked.files, &known);
    check_files(walked, &resolver, Usages::Dropped)
}

fn check_all(mut walked: WalkOutput, resolver: &Resolver) -> Result<LintOutput, ConfigError> {
    index::join(&mut walked.files, &[]);
    check_files(walked, resolver, Usages::Dropped)
}

/// What a caller still needs of each file's usages once its findings are made.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Usages {
    /// The editor server hovers over them and indexes the file from them.
    Kept,
    /// A check needs only the findings: each usage is dropped once checked, so a large
    /// spec's usages are not all held beside its findings.
    Dropped,
}

fn check_files(
    mut walked: WalkOutput,
    resolver: &Resolver,
    usages: Usages,
) -> Result<LintOutput, ConfigError> {
    // A file kept without its text has nothing to check; the walk resolved its settings.
    let mut files: Vec<&mut SourceFile> = walked
        .files
        .iter_mut()
        .filter(|f| f.text.is_some())
        .collect();
    type Part = (Vec<Diagnostic>, Vec<Note>);
    let check = |part: &mut [&mut SourceFile]| -> Result<Part, ConfigError> {
        let (mut out, mut notes) = (Vec::new(), Vec::new());
        for file in part {
            let settings = resolver.for_file(&file.path)?;
            check_file(file, &settings, usages, &mut out, &mut notes);
        }
        Ok((out, notes))
    };
    // The rules read one file at a time: the files are shared out among the cores, in
    // order, so the diagnostics come back in the order one thread gives them.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = files.len().div_ceil(threads).max(1);
    let parts: Vec<_> = if files.len() <= chunk {
        vec![check(&mut files)]
    } else {
        std::thread::scope(|scope| {
            let running: Vec<_> = files
                .chunks_mut(chunk)
                .map(|part| scope.spawn(move || check(part)))
                .collect();
            running
                .into_iter()
                .map(|t| {
                    t.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    };
    // The first part is taken as it is: copying it would hold its findings twice.
    let mut parts = parts.into_iter();
    let (mut diagnostics, mut notes) = parts.next().transpose()?.unwrap_or_default();
    for part in parts {
        let (more, more_notes) = part?;
        diagnostics.extend(more);
        notes.extend(more_notes);
    }
    sort_in_place(&mut diagnostics);
    if !notes.is_empty() {
        // The notes of files read while checked, among those of the walk.
        notes.append(&mut walked.notes);
        crate::walk::sort_notes(&mut notes);
        walked.notes = notes;
    }
    Ok(LintOutput {
        diagnostics,
        notes: walked.notes,
        checked: walked.checked,
        files: walked.files,
    })
}

/// Sorts by file, place and rule as a stable sort does, without the stable sort's buffer
/// of half the list: the findings of a dense spec are most of the run's memory at its
/// peak, and that buffer added a fifth. The order is worked out on indices and then
/// applied by swaps.
fn sort_in_place(diagnostics: &mut [Diagnostic]) {
    let key = |i: usize| {
        let d = &diagnostics[i];
        (&d.file, d.start, d.rule)
    };
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    order.sort_by(|&a, &b| key(a).cmp(&key(b)));
    // Position j takes what was at order[j]: each cycle of the permutation in turn.
    for i in 0..order.len() {
        let mut j = i;
        loop {
            let from = order[j];
            order[j] = j;
            if from == i || from == j {
                break;
            }
            diagnostics.swap(j, from);
            j = from;
        }
    }
}

/// Turns findings into diagnostics placed in one file.
struct Placer<'a> {
    text: &'a Arc<str>,
    /// Line starts of `text`, built once per file.
    lines: Lines<'a>,
    /// The file's name as shown, shared by its findings.
    display: Arc<str>,
    settings: &'a Settings,
}

impl Placer<'_> {
    /// Places a finding, unless a comment suppresses it on its line.
    fn place_into(
        &self,
        rule: &'static RuleEntry,
        finding: Finding,
        status: Option<u32>,
        suppressions: &mut Suppressions,
        out: &mut Vec<Diagnostic>,
    ) {
        let line = self.lines.locate(finding.span.start).line;
        if !suppressions.suppresses(&rule.meta.id, line) {
            out.push(self.place(rule, finding, status));
        }
    }

    fn place(
        &self,
        rule: &'static RuleEntry,
        mut finding: Finding,
        status: Option<u32>,
    ) -> Diagnostic {
        // Kept until the run ends, one per finding: without the room left for more.
        finding.message.shrink_to_fit();
        finding.evidence.shrink_to_fit();
        Diagnostic {
            rule: rule.meta.id.as_str(),
            name: rule.meta.name.as_str(),
            severity: self.settings.severity_of(rule),
            message: finding.message,
            file: Arc::clone(&self.display),
            start: self.lines.locate(finding.span.start),
            end: self.lines.locate(finding.span.end),
            span: finding.span,
            status,
            evidence: finding.evidence,
            help: finding.help,
            source: self.text.clone(),
            fix: finding.fix.map(Box::new),
        }
    }
}

/// Checks one file: its usages, then its operations, then what is said of the file as a
/// whole. A file that [`streams`](SourceFile::streamed) is read here, each usage checked
/// as it is made; its notes are added to `notes`.
fn check_file(
    file: &mut SourceFile,
    settings: &Settings,
    usages: Usages,
    out: &mut Vec<Diagnostic>,
    notes: &mut Vec<Note>,
) {
    let Some(text) = file.text.clone() else {
        return;
    };
    let enabled = settings.enabled_for(&file.path);
    let active: Vec<&'static RuleEntry> = rules::all()
        .iter()
        .filter(|r| enabled.contains(&r.meta.id.as_str()))
        .collect();
    let placer = Placer {
        text: &text,
        lines: Lines::new(&text),
        display: file.display.as_str().into(),
        settings,
    };
    let mut suppressions = Suppressions::parse(&text);
    let mut run = RuleRun::new(file.kind, &placer, &active);
    let before = out.len();
    if file.streamed {
        let mut seen = false;
        let facts = crate::extract::extract_each(
            file.kind,
            &file.path,
            &text,
            &settings.outside_folders,
            &mut |made| match made {
                Made::Usage(mut usage) => {
                    seen = true;
                    crate::walk::tidy_usage(&mut usage);
                    run.usage(&usage, &mut suppressions, out);
                }
                Made::Operation(op) => run.operation(&op, &mut suppressions, out),
            },
        );
        file.facts = facts;
        notes.extend(file.facts.notes.drain(..).map(|message| Note {
            path: file.display.clone(),
            message,
        }));
        // As a file read whole in the walk: one that turns out to say nothing is not checked.
        if !crate::walk::worth_checking(&file.facts, seen, &text) {
            out.truncate(before);
            file.text = None;
            return;
        }
    } else {
        // Taken out while the file is read, and put back (empty once dropped).
        let mut own = std::mem::take(&mut file.facts.usages);
        each_usage(&mut own, usages, |usage| {
            run.usage(usage, &mut suppressions, out)
        });
        file.facts.usages = own;
        for op in &file.facts.operations {
            run.operation(op, &mut suppressions, out);
        }
    }
    run.finish(&mut suppressions, out);
    if let Some((at, why)) = &file.facts.partly_read
        && let Some(partly) = active.iter().find(|r| r.meta.id == PARTLY_CHECKED)
    {
        let at = (*at).min(text.len());
        let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        let finding = Finding::at(at..end, "only part of this file was checked")
            .evidence(why.clone())
            .help("fix the syntax (a tab in YAML indentation is a common cause), then run again");
        placer.place_into(partly, finding, None, &mut suppressions, out);
    }
    if let Some(unused) = active.iter().find(|r| r.meta.id == UNUSED_SUPPRESSION) {
        for (span, message, fix) in suppressions.unused(&text, &enabled) {
            let finding = Finding::at(span, message)
                .help("remove it, or name the rule that fires here")
                .fix(Some(fix));
            placer.place_into(unused, finding, None, &mut suppressions, out);
        }
    }
}

/// Every active rule over every usage and operation of one file, less what the
/// suppression comments hide. A finding on a shared definition is reported once for all
/// its uses, when the file's usages are all checked.
struct RuleRun<'a> {
    ctx: CheckContext<'a>,
    placer: &'a Placer<'a>,
    active: &'a [&'static RuleEntry],
    shared: SharedFindings,
    /// One rule's findings on one usage, the buffer reused.
    findings: Vec<Finding>,
}

impl<'a> RuleRun<'a> {
    fn new(kind: SourceKind, placer: &'a Placer<'a>, active: &'a [&'static RuleEntry]) -> Self {
        RuleRun {
            ctx: CheckContext {
                kind,
                options: &placer.settings.options,
            },
            placer,
            active,
            shared: SharedFindings::default(),
            findings: Vec::new(),
        }
    }

    fn usage(&mut self, usage: &Usage, suppressions: &mut Suppressions, out: &mut Vec<Diagnostic>) {
        for rule in self.active {
            self.findings.clear();
            rule.rule.check(usage, &self.ctx, &mut self.findings);
            for mut finding in self.findings.drain(..) {
                if usage.implicit
                    && let Some(code) = usage.code.exact()
                {
                    finding.evidence.push(
                        format!("`{}` sends {code} when no code is written", usage.spelled).into(),
                    );
                }
                let status = usage.code.exact();
                match &usage.shared {
                    // A finding on what a shared definition sends is one finding.
                    Some(definition) if rule.rule.judges_content() => {
                        finding.evidence.push(definition.what.clone().into());
                        self.shared.add(rule, finding, status, definition);
                    }
                    _ => {
                        // Where the usage was defined elsewhere (an OpenAPI component), say where.
                        finding
                            .evidence
                            .extend(usage.evidence.origin.iter().cloned().map(Text::from));
                        // Placed at once: a dense spec has a finding per response, and
                        // holding them all unplaced beside the placed ones doubles them.
                        self.placer
                            .place_into(rule, finding, status, suppressions, out);
                    }
                }
            }
        }
    }

    /// The findings on a whole operation, placed at once (a spec streams its operations).
    fn operation(
        &mut self,
        op: &Operation,
        suppressions: &mut Suppressions,
        out: &mut Vec<Diagnostic>,
    ) {
        for rule in self.active {
            self.findings.clear();
            rule.rule.check_operation(op, &self.ctx, &mut self.findings);
            for finding in self.findings.drain(..) {
                self.placer
                    .place_into(rule, finding, None, suppressions, out);
            }
        }
    }

    /// The findings on shared definitions, once every usage is checked.
    fn finish(mut self, suppressions: &mut Suppressions, out: &mut Vec<Diagnostic>) {
        for (rule, finding, status) in std::mem::take(&mut self.shared).finish() {
            self.placer
                .place_into(rule, finding, status, suppressions, out);
        }
    }
}

/// Calls `check` on each usage in order; with [`Usages::Dropped`] each is dropped once
/// checked, and the list is checked half by half, its buffer shrunk after each half, so
/// the memory of a large file's usages goes to its findings as they are made (moving what
/// is left down costs one copy of the list in all).
fn each_usage(list: &mut Vec<Usage>, usages: Usages, mut check: impl FnMut(&Usage)) {
    if usages == Usages::Kept {
        list.iter().for_each(check);
        return;
    }
    while !list.is_empty() {
        let half = list.len().div_ceil(2);
        list.drain(..half).for_each(|usage| check(&usage));
        list.shrink_to_fit();
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
                finding.evidence.push(
                    if uses == 1 {
                        format!("used by 1 operation: {first}")
                    } else {
                        format!("used by {uses} operations: first at {first}")
                    }
                    .into(),
                );
                (rule, finding, status)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::Method;

    const HANDLER: &str = "async fn submit(Form(f): Form<F>) -> Response {\n    \
        (StatusCode::FOUND, [(header::LOCATION, \"/done\")]).into_response()\n}\n";

    fn rules_fired(project_routes: &[KindRoute]) -> Vec<&'static str> {
        let resolver = Resolver::fixed(Settings::default());
        let path = Path::new("src/handlers.rs");
        let known: Vec<Known> = project_routes
            .iter()
            .map(|(kind, route)| Known {
                kind: *kind,
                display: String::new(),
                routes: vec![route.clone()],
                summary: Default::default(),
                handlers: Vec::new(),
            })
            .collect();
        let output = lint_text(path, HANDLER.into(), &resolver, &known).unwrap();
        output.diagnostics.iter().map(|d| d.rule).collect()
    }

    #[test]
    fn usages_are_checked_in_order_and_dropped_only_when_asked() {
        let list = || -> Vec<Usage> {
            (0..7)
                .map(|i| Usage::new(i..i + 1, crate::usage::Code::Exact(200), "200"))
                .collect()
        };
        for usages in [Usages::Kept, Usages::Dropped] {
            let mut checked = list();
            let mut seen = Vec::new();
            each_usage(&mut checked, usages, |u| seen.push(u.span.start));
            assert_eq!(seen, (0..7).collect::<Vec<_>>());
            let left = if usages == Usages::Kept { 7 } else { 0 };
            assert_eq!(checked.len(), left);
        }
    }

    #[test]
    fn a_check_keeps_its_findings_and_the_server_its_usages() {
        let resolver = Resolver::fixed(Settings::default());
        let path = Path::new("api.yaml");
        let spec = "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        '401':\n          description: no\n";
        let walked = || read_as(path, spec.into(), &resolver).unwrap();
        let kept = check_files(walked(), &resolver, Usages::Kept).unwrap();
        let dropped = check_files(walked(), &resolver, Usages::Dropped).unwrap();
        assert!(!kept.files[0].facts.usages.is_empty());
        assert!(dropped.files[0].facts.usages.is_empty());
        let rules = |o: &LintOutput| o.diagnostics.iter().map(|d| d.rule).collect::<Vec<_>>();
        assert_eq!(rules(&kept), ["SL202"]);
        assert_eq!(rules(&kept), rules(&dropped));
    }

    #[test]
    fn a_spec_checked_as_it_is_read_gives_what_one_read_whole_gives() {
        let settings = Settings {
            enabled: rules::all().iter().map(|r| r.meta.id.as_str()).collect(),
            ..Settings::default()
        };
        let options = WalkOptions {
            paths: vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/openapi")],
            threads: 1,
            cache: None,
        };
        let resolver = || Arc::new(Resolver::fixed(settings.clone()));
        let whole = lint_with(&options, resolver()).unwrap();
        let streamed = lint_in_project(&options, resolver()).unwrap();
        assert!(whole.files.iter().all(|f| !f.streamed));
        let streams = |f: &SourceFile| f.streamed == (f.kind == SourceKind::OpenApi);
        assert!(streamed.files.iter().all(streams) && streamed.files.iter().any(|f| f.streamed));
        let said = |o: &LintOutput| {
            let found = o.diagnostics.iter().map(|d| {
                let at = (d.file.to_string(), d.start, d.end, d.rule);
                format!("{at:?} {} {:?} {:?}", d.message, d.evidence, d.help)
            });
            let notes = o.notes.iter().map(|n| format!("{}: {}", n.path, n.message));
            found.chain(notes).collect::<Vec<_>>()
        };
        // Findings on responses, shared definitions and operations, and broken references.
        let whole = said(&whole);
        for what in ["SL104", "SL202", "used by", "cannot be followed"] {
            assert!(whole.iter().any(|s| s.contains(what)), "{what}");
        }
        assert_eq!(whole, said(&streamed));
    }

    #[test]
    fn text_is_joined_with_routes_from_the_rest_of_the_project() {
        assert_eq!(rules_fired(&[]), Vec::<&str>::new());
        let route = RouteBinding {
            handler: "submit".into(),
            key: crate::summary::Key::partial(vec!["submit".into()]),
            methods: vec![Method::Post],
            path: Some("/checkout".into()),
        };
        assert_eq!(
            rules_fired(&[(SourceKind::Python, route.clone())]),
            Vec::<&str>::new()
        );
        assert_eq!(rules_fired(&[(SourceKind::Rust, route)]), ["SL103"]);
    }
}
