//! Walk: find the files to check with the `ignore` crate's parallel walker, read, classify,
//! prefilter and extract them in the walker threads, and hand the facts to one collector.

use crate::classify::{NameClass, SourceKind, by_content, by_name};
use crate::extract::{extract, may_choose_status};
use crate::usage::FileFacts;
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

/// Files larger than this are skipped with a note. Bundled OpenAPI descriptions of large
/// APIs reach 10-20 MiB and are read in well under a second; anything past this is
/// generated data not worth the time.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// A suppression comment (see `suppress`).
static SUPPRESSION: LazyLock<regex::bytes::Regex> =
    LazyLock::new(|| regex::bytes::Regex::new(r"statuslint-disable").expect("a valid regex"));

/// Directories never worth walking, even outside a git repository.
const ALWAYS_SKIPPED: &[&str] = &[".git", ".hg", ".svn", ".jj", "node_modules"];

/// One file read and extracted.
pub struct SourceFile {
    /// The path as the walker found it.
    pub path: PathBuf,
    /// The path as the user will see it (relative to the current directory when below it).
    pub display: String,
    pub kind: crate::classify::SourceKind,
    /// The text, kept only when the file has usages or suppression comments.
    pub text: Option<Arc<str>>,
    pub facts: FileFacts,
}

/// Something the user should hear about that is not a finding.
#[derive(Debug)]
pub struct Note {
    pub path: String,
    pub message: String,
}

#[derive(Default)]
pub struct WalkOutput {
    pub files: Vec<SourceFile>,
    pub notes: Vec<Note>,
    /// The files classified as a source kind (before the prefilter).
    pub checked: Checked,
}

/// How many files of each kind a run read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    counts: Vec<(SourceKind, usize)>,
}

impl Checked {
    pub fn add(&mut self, kind: SourceKind) {
        match self.counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => self.counts.push((kind, 1)),
        }
    }

    pub fn total(&self) -> usize {
        self.counts.iter().map(|(_, n)| n).sum()
    }

    /// Each kind read with its count, most first.
    pub fn by_kind(&self) -> Vec<(SourceKind, usize)> {
        let mut counts = self.counts.clone();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.label().cmp(b.0.label())));
        counts
    }
}

pub struct WalkOptions {
    pub paths: Vec<PathBuf>,
    pub threads: usize,
}

enum Message {
    Seen(SourceKind),
    File(SourceFile),
    Note(Note),
}

/// Tells whether a path (a directory when the flag is set) is excluded by configuration.
pub type Exclude = Arc<dyn Fn(&Path, bool) -> bool + Send + Sync>;

pub fn walk(options: &WalkOptions, exclude: Option<Exclude>) -> WalkOutput {
    let exclude = exclude.unwrap_or_else(|| Arc::new(|_: &Path, _| false));
    let (first, rest) = options.paths.split_first().expect("at least one path");
    let mut builder = WalkBuilder::new(first);
    for path in rest {
        builder.add(path);
    }
    builder
        .hidden(false)
        .add_custom_ignore_filename(".statuslintignore")
        .threads(options.threads);
    let skip_dir = exclude.clone();
    builder.filter_entry(move |entry| {
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        let name = entry.file_name().to_str().unwrap_or("");
        // Cargo's target folder and other caches mark themselves with CACHEDIR.TAG.
        !(is_dir
            && entry.depth() > 0
            && (ALWAYS_SKIPPED.contains(&name)
                || entry.path().join("CACHEDIR.TAG").exists()
                || skip_dir(entry.path(), true)))
    });
    let cwd = std::env::current_dir().ok();
    let (tx, rx) = crossbeam_channel::unbounded::<Message>();
    let walker = builder.build_parallel();
    let collector = std::thread::spawn(move || {
        let mut out = WalkOutput::default();
        for message in rx {
            match message {
                Message::Seen(kind) => out.checked.add(kind),
                Message::File(f) => out.files.push(f),
                Message::Note(n) => out.notes.push(n),
            }
        }
        out
    });
    walker.run(|| {
        let tx = tx.clone();
        let cwd = cwd.clone();
        let exclude = exclude.clone();
        Box::new(move |entry| {
            match entry {
                Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                    let path = entry.path();
                    if let Some(class) = by_name(path).filter(|_| !exclude(path, false)) {
                        for message in read_one(path, class, cwd.as_deref()) {
                            let _ = tx.send(message);
                        }
                    }
                }
                Ok(_) => {}
                Err(err) => {
                    let _ = tx.send(Message::Note(Note {
                        path: String::new(),
                        message: format!("could not walk: {err}"),
                    }));
                }
            }
            WalkState::Continue
        })
    });
    drop(tx);
    let mut out = collector
        .join()
        .expect("the collector thread does not panic");
    out.files.sort_by(|a, b| a.display.cmp(&b.display));
    out.notes.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The path as shown to the user.
pub fn display_path(path: &Path, cwd: Option<&Path>) -> String {
    let shown = cwd.and_then(|c| path.strip_prefix(c).ok()).unwrap_or(path);
    let shown = shown.strip_prefix("./").unwrap_or(shown);
    shown.to_string_lossy().into_owned()
}

fn read_one(path: &Path, class: NameClass, cwd: Option<&Path>) -> Vec<Message> {
    let display = display_path(path, cwd);
    let note = |message: String| {
        vec![Message::Note(Note {
            path: display.clone(),
            message,
        })]
    };
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            return note(format!(
                "skipped: {} bytes is more than the {} MiB limit",
                meta.len(),
                MAX_FILE_BYTES / 1024 / 1024
            ));
        }
        Ok(_) => {}
        Err(err) => return note(format!("could not read: {err}")),
    }
    match std::fs::read(path) {
        Ok(bytes) => from_bytes(path, display, class, bytes),
        Err(err) => note(format!("could not read: {err}")),
    }
}

/// Reads text (standard input, an editor's buffer) as if it were the file `path`.
pub fn read_text(path: &Path, bytes: Vec<u8>) -> WalkOutput {
    let display = display_path(path, std::env::current_dir().ok().as_deref());
    let mut out = WalkOutput::default();
    let Some(class) = by_name(path) else {
        return out;
    };
    for message in from_bytes(path, display, class, bytes) {
        match message {
            Message::Seen(kind) => out.checked.add(kind),
            Message::File(f) => out.files.push(f),
            Message::Note(n) => out.notes.push(n),
        }
    }
    out
}

fn from_bytes(path: &Path, display: String, class: NameClass, bytes: Vec<u8>) -> Vec<Message> {
    let note = |message: String| {
        vec![Message::Note(Note {
            path: display.clone(),
            message,
        })]
    };
    if bytes.iter().take(8192).any(|b| *b == 0) {
        return match class {
            NameClass::Kind(_) => note("skipped: looks like a binary file".into()),
            _ => Vec::new(),
        };
    }
    let Some(kind) = by_content(class, &bytes) else {
        return Vec::new();
    };
    let mut messages = vec![Message::Seen(kind)];
    let chooses = may_choose_status(kind, &bytes);
    // A suppression comment must be read even where no status is chosen: it is unused.
    if !chooses && !SUPPRESSION.is_match(&bytes) {
        return messages;
    }
    let text: Arc<str> = match String::from_utf8(bytes) {
        Ok(s) => s.into(),
        Err(err) => {
            let line = 1 + err.as_bytes()[..err.utf8_error().valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            messages.push(Message::Note(Note {
                path: display.clone(),
                message: format!("line {line}: not valid UTF-8; read with replacement characters"),
            }));
            String::from_utf8_lossy(err.as_bytes()).into_owned().into()
        }
    };
    let mut facts = if chooses {
        extract(kind, path, &text)
    } else {
        FileFacts::default()
    };
    for n in facts.notes.drain(..) {
        messages.push(Message::Note(Note {
            path: display.clone(),
            message: n,
        }));
    }
    let keep = !facts.usages.is_empty() || SUPPRESSION.is_match(text.as_bytes());
    messages.push(Message::File(SourceFile {
        path: path.to_path_buf(),
        display,
        kind,
        text: keep.then_some(text),
        facts,
    }));
    messages
}
