//! Walk: find the files to check with the `ignore` crate's parallel walker, read, classify,
//! prefilter and extract them in the walker threads, and hand the facts to one collector.

use crate::cache::Cache;
use crate::classify::{NameClass, SourceKind, by_content, by_name};
use crate::extract::{extract, may_choose_status, may_tell_the_index};
use crate::ignores::{Chain, Ignores};
use crate::settings::Settings;
use crate::usage::{FileFacts, Usage};
use ignore::{WalkBuilder, WalkState};
use std::ffi::OsString;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, OnceLock, RwLock};

/// Files larger than this are skipped with a note. Bundled OpenAPI descriptions of large
/// APIs reach 10-20 MiB and are read in well under a second; anything past this is
/// generated data not worth the time.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// A config file is a few hundred lines at most.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

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
    /// Its facts are read when it is checked, each usage checked as it is made (a kind
    /// that [`streams`](crate::extract::streams), walked to be checked).
    pub streamed: bool,
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
    /// Files an index walk passed over that may still define a handler.
    pub deferred: Vec<PathBuf>,
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

#[derive(Default)]
pub struct WalkOptions {
    pub paths: Vec<PathBuf>,
    pub threads: usize,
    /// The facts of code files kept from the last run, used and added to.
    pub cache: Option<Arc<Cache>>,
}

enum Message {
    Seen(SourceKind),
    File(SourceFile),
    Note(Note),
    /// A file an index walk passed over that may still define a handler.
    Deferred(PathBuf),
}

/// Why the tree is walked: to lint its files, or to read what they tell the project index
/// about other files (the project around files named one by one).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Every file's facts read whole (the editor server hovers over them).
    Lint,
    /// Linted by the command line: the facts of kinds that stream are left for the check,
    /// which reads them usage by usage.
    Check,
    /// Only files that may hold routes or summaries are extracted; the others that may
    /// choose a status (and so define a handler) are given back as deferred.
    Index,
}

impl Message {
    fn into_note(self) -> Option<Note> {
        match self {
            Message::Note(n) => Some(n),
            _ => None,
        }
    }
}

/// The settings of a folder (an absolute path) and of its files; none when its
/// configuration cannot be used (the run then stops with that error).
pub type FolderSettings = Arc<dyn Fn(&Path) -> Option<Arc<Settings>> + Send + Sync>;

/// What the walk works out once per folder and shares among its entries: most trees have
/// tens of files per folder, and a path made absolute, an ignore chain or a settings
/// lookup per file cost more than reading the file.
struct Folder {
    /// The folder's path as the walker spells it (an entry's `parent()`).
    key: PathBuf,
    absolute: PathBuf,
    ignores: Arc<Chain>,
    /// Looked up when a file of the folder is read (a folder the walker entered has
    /// them already: they said whether to enter it).
    settings: OnceLock<Option<Arc<Settings>>>,
}

impl Folder {
    fn settings(&self, folders: &Folders) -> Option<&Settings> {
        self.settings
            .get_or_init(|| (folders.settings)(&self.absolute))
            .as_deref()
    }
}

/// Every folder met, by the walker's spelling of its path.
struct Folders {
    /// By the path's bytes: hashing a `Path` parses its components, which cost more per
    /// file than reading it does on a tree of small files.
    known: RwLock<rustc_hash::FxHashMap<OsString, Arc<Folder>>>,
    ignores: Ignores,
    settings: FolderSettings,
}

impl Folders {
    fn add(&self, folder: Folder) -> Arc<Folder> {
        let folder = Arc::new(folder);
        self.known
            .write()
            .expect("not poisoned")
            .insert(folder.key.clone().into_os_string(), folder.clone());
        folder
    }

    /// The folder holding `entry`: met when the walker entered it, or (a root, a file
    /// named on the command line) worked out now.
    fn of(&self, entry: &Path) -> Arc<Folder> {
        let key = entry.parent().unwrap_or(Path::new(""));
        if let Some(folder) = self
            .known
            .read()
            .expect("not poisoned")
            .get(key.as_os_str())
        {
            return folder.clone();
        }
        let absolute = absolute(entry);
        let absolute = absolute.parent().unwrap_or(Path::new("/")).to_path_buf();
        self.add(Folder {
            key: key.to_path_buf(),
            ignores: self.ignores.chain(&absolute),
            settings: OnceLock::new(),
            absolute,
        })
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.into())
}

pub fn walk(options: &WalkOptions, settings: Option<FolderSettings>) -> WalkOutput {
    walk_for(options, settings, Purpose::Lint)
}

pub fn walk_for(
    options: &WalkOptions,
    settings: Option<FolderSettings>,
    purpose: Purpose,
) -> WalkOutput {
    let (tx, rx) = crossbeam_channel::unbounded::<Message>();
    let mut roots = Vec::new();
    let folders = Arc::new(Folders {
        known: RwLock::default(),
        ignores: Ignores::default(),
        settings: settings.unwrap_or_else(|| Arc::new(|_: &Path| None)),
    });
    for path in &options.paths {
        // The ignore files of a root and of every folder above it apply.
        let dirs = absolute(path);
        match dirs
            .ancestors()
            .find_map(|d| folders.ignores.enter(d).err())
        {
            Some(why) => {
                let _ = tx.send(Message::Note(Note {
                    path: String::new(),
                    message: format!(
                        "`{}` not checked: a folder above or at it: {why}",
                        path.display()
                    ),
                }));
            }
            None => roots.push(path),
        }
    }
    let mut builder = match roots.split_first() {
        Some((first, rest)) => {
            let mut builder = WalkBuilder::new(first);
            for path in rest {
                builder.add(path);
            }
            builder
        }
        None => {
            drop(tx);
            return WalkOutput {
                notes: rx.into_iter().filter_map(Message::into_note).collect(),
                ..WalkOutput::default()
            };
        }
    };
    // The crate's own ignore handling opens the files by name: `ignores` reads them.
    builder.standard_filters(false).threads(options.threads);
    let skipped = tx.clone();
    let cwd = std::env::current_dir().ok();
    let shown_from = cwd.clone();
    let filter_folders = folders.clone();
    builder.filter_entry(move |entry| {
        let folders = &filter_folders;
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if entry.depth() == 0 {
            return true;
        }
        let parent = folders.of(entry.path());
        let absolute = || parent.absolute.join(entry.file_name());
        if !parent.ignores.is_empty() && parent.ignores.ignores(&absolute(), is_dir) {
            return false;
        }
        if !is_dir {
            return true;
        }
        let name = entry.file_name().to_str().unwrap_or("");
        // Cargo's target folder and other caches mark themselves with CACHEDIR.TAG.
        if ALWAYS_SKIPPED.contains(&name) || entry.path().join("CACHEDIR.TAG").exists() {
            return false;
        }
        let absolute = absolute();
        let settings = (folders.settings)(&absolute);
        if settings
            .as_ref()
            .is_some_and(|s| s.exclude.matches(entry.path()))
        {
            return false;
        }
        if let Err(why) = folders.ignores.enter(&absolute) {
            let _ = skipped.send(Message::Note(Note {
                path: display_path(entry.path(), shown_from.as_deref()),
                message: format!("folder not checked: {why}"),
            }));
            return false;
        }
        folders.add(Folder {
            key: entry.path().to_path_buf(),
            ignores: folders.ignores.chain(&absolute),
            settings: settings.into(),
            absolute,
        });
        true
    });
    let walker = builder.build_parallel();
    // The filter holds a sender: the collector ends only when every sender is gone.
    drop(builder);
    let collector = std::thread::spawn(move || {
        let mut out = WalkOutput::default();
        for message in rx {
            match message {
                Message::Seen(kind) => out.checked.add(kind),
                Message::File(f) => out.files.push(f),
                Message::Note(n) => out.notes.push(n),
                Message::Deferred(p) => out.deferred.push(p),
            }
        }
        out
    });
    walker.run(|| {
        let tx = tx.clone();
        let cache = options.cache.clone();
        let cwd = cwd.clone();
        let folders = folders.clone();
        // A thread is handed the files of one folder one after another.
        let mut last: Option<Arc<Folder>> = None;
        Box::new(move |entry| {
            match entry {
                Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                    let path = entry.path();
                    if let Some(class) = by_name(path) {
                        let folder = match last.take() {
                            Some(f) if path.parent() == Some(f.key.as_path()) => f,
                            _ => folders.of(path),
                        };
                        let settings = folder.settings(&folders);
                        if !settings.is_some_and(|s| s.exclude.matches(path)) {
                            let outside = settings.map_or(&[][..], |s| &s.outside_folders);
                            let cache = cache.as_deref();
                            let read = (class, cwd.as_deref(), outside, purpose);
                            for message in read_one(path, read, cache) {
                                let _ = tx.send(message);
                            }
                        }
                        last = Some(folder);
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
    // A file named twice (`. main.rs ./main.rs`) is reported once.
    out.files.sort_by(|a, b| a.display.cmp(&b.display));
    out.files.dedup_by(|a, b| a.display == b.display);
    sort_notes(&mut out.notes);
    out
}

/// The notes by file and text, each once.
pub fn sort_notes(notes: &mut Vec<Note>) {
    notes.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    notes.dedup_by(|a, b| a.path == b.path && a.message == b.message);
}

/// The path as shown to the user.
pub fn display_path(path: &Path, cwd: Option<&Path>) -> String {
    let shown = cwd.and_then(|c| path.strip_prefix(c).ok()).unwrap_or(path);
    let shown = shown.strip_prefix("./").unwrap_or(shown);
    shown.to_string_lossy().into_owned()
}

/// How a file found by the walk is read: its class by name, the folder paths are shown
/// from, the folders outside the project it may refer to, and why it is read.
type HowRead<'a> = (NameClass, Option<&'a Path>, &'a [PathBuf], Purpose);

fn read_one(path: &Path, how: HowRead, cache: Option<&Cache>) -> Vec<Message> {
    let (class, cwd, outside, purpose) = how;
    // Shown only for a file with something to say: most files stop at the prefilter.
    let display = || display_path(path, cwd);
    match read_file(path, MAX_FILE_BYTES) {
        Ok(bytes) => from_bytes(path, display, class, bytes, outside, purpose, cache),
        Err(err) => vec![Message::Note(Note {
            path: display(),
            message: format!("skipped: {err}"),
        })],
    }
}

/// Whether a path named on the command line can be checked: a folder, or a regular file
/// that opens. What the walk would skip with a note is an error for a named file.
pub fn check_named(path: &Path) -> Result<(), ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Ok(());
    }
    let file = open_regular(path)?;
    let len = file.metadata().map_err(ReadError::Io)?.len();
    if len > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(MAX_FILE_BYTES));
    }
    Ok(())
}

/// The folder a file's project lives in: the nearest folder above it holding `.git`, or
/// when there is none the current folder if the file is below it, else the file's own
/// folder. Files a checked file refers to (`$ref`s, includes) are read only inside it, so
/// a repository cannot make statuslint read the machine's secrets.
pub fn project_root(file: &Path) -> PathBuf {
    let file = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
    let dir = file.parent().unwrap_or(Path::new("/"));
    if let Some(git) = git_root(dir) {
        return git.to_path_buf();
    }
    match std::env::current_dir().and_then(|c| c.canonicalize()) {
        Ok(cwd) if dir.starts_with(&cwd) => cwd,
        _ => dir.to_path_buf(),
    }
}

/// The nearest folder at or above `folder` that holds `.git`.
pub fn git_root(folder: &Path) -> Option<&Path> {
    folder.ancestors().find(|d| d.join(".git").exists())
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// A FIFO, device, socket or directory: opening or reading it could block or never end.
    NotRegular(&'static str),
    /// A file of the kernel's (under /proc or /sys): its size says nothing of what it holds.
    SystemFile,
    TooLarge(u64),
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(what) => {
                write!(f, "{what}, not a regular file; only regular files are read")
            }
            ReadError::SystemFile => {
                write!(f, "a file of the kernel (/proc or /sys) is never read")
            }
            ReadError::TooLarge(limit) => {
                write!(f, "more than the {} MiB limit", limit / 1024 / 1024)
            }
            ReadError::Io(e) if e.kind() == io::ErrorKind::NotFound => {
                write!(f, "does not exist")
            }
            ReadError::Io(e) if e.raw_os_error() == Some(ELOOP) => {
                write!(f, "a symbolic link loop")
            }
            ReadError::Io(e) => write!(f, "could not read: {e}"),
        }
    }
}

/// `errno` for too many levels of symbolic links (the same on Linux and the BSDs' 62).
#[cfg(target_os = "linux")]
const ELOOP: i32 = 40;
#[cfg(not(target_os = "linux"))]
const ELOOP: i32 = 62;

/// Reads a regular file of at most `limit` bytes. This is the one place files are opened
/// for reading, so every reader gets the same guards: the file is opened without blocking
/// (a FIFO would wait for a writer forever), checked on the opened handle (a file swapped
/// for a FIFO after listing is caught), and read up to `limit` bytes actually read, not
/// bytes `stat` reports.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    let (file, meta) = open_checked(path, options)?;
    let reported = meta.len();
    if reported > limit {
        return Err(ReadError::TooLarge(limit));
    }
    read_capped(file, limit, reported)
}

/// Reads at most `limit` bytes from `reader`: more is an error, not a truncation.
pub fn read_capped(reader: impl Read, limit: u64, expected: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::with_capacity(expected.min(limit) as usize);
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(bytes)
}

fn open_regular(path: &Path) -> Result<std::fs::File, ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    open_regular_with(path, options)
}

/// Opens `path` with `options` as only a regular file is opened, for reading or writing:
/// without blocking (a FIFO would wait for the other end forever), then checked on the
/// opened handle, so a file swapped for a FIFO or a device after it was checked is caught.
pub fn open_regular_with(
    path: &Path,
    options: std::fs::OpenOptions,
) -> Result<std::fs::File, ReadError> {
    open_checked(path, options).map(|(file, _)| file)
}

/// [`open_regular_with`], and the opened file's metadata (one `fstat` per file read).
fn open_checked(
    path: &Path,
    mut options: std::fs::OpenOptions,
) -> Result<(std::fs::File, std::fs::Metadata), ReadError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.file_type().is_file() {
        return Err(ReadError::NotRegular(describe(meta.file_type())));
    }
    if is_kernel_file(&file) {
        return Err(ReadError::SystemFile);
    }
    Ok((file, meta))
}

/// What a file that is not regular is, in words.
pub fn describe(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// True for files of procfs and sysfs, which are "regular" with a size of 0 and may hold
/// secrets or grow without end.
#[cfg(target_os = "linux")]
fn is_kernel_file(file: &std::fs::File) -> bool {
    use std::os::fd::AsRawFd;
    const PROC_SUPER_MAGIC: i64 = 0x9fa0;
    const SYSFS_MAGIC: i64 = 0x6265_6572;
    let mut stat = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: the descriptor is open for the call and `stat` is written by it.
    let ok = unsafe { libc::fstatfs(file.as_raw_fd(), stat.as_mut_ptr()) } == 0;
    if !ok {
        return false;
    }
    // SAFETY: fstatfs succeeded, so `stat` is initialised.
    // f_type is an i64 on some targets and a u32 or i32 on others.
    #[allow(clippy::unnecessary_cast)]
    let kind = unsafe { stat.assume_init() }.f_type as i64;
    kind == PROC_SUPER_MAGIC || kind == SYSFS_MAGIC
}

#[cfg(not(target_os = "linux"))]
fn is_kernel_file(_: &std::fs::File) -> bool {
    false
}

/// Reads text (standard input, an editor's buffer) as if it were the file `path`, whose
/// references may read `outside` its project.
pub fn read_text(path: &Path, bytes: Vec<u8>, outside: &[PathBuf]) -> WalkOutput {
    let display = display_path(path, std::env::current_dir().ok().as_deref());
    let mut out = WalkOutput::default();
    let Some(class) = by_name(path) else {
        return out;
    };
    let display = || display.clone();
    for message in from_bytes(path, display, class, bytes, outside, Purpose::Lint, None) {
        match message {
            Message::Seen(kind) => out.checked.add(kind),
            Message::File(f) => out.files.push(f),
            Message::Note(n) => out.notes.push(n),
            Message::Deferred(p) => out.deferred.push(p),
        }
    }
    out
}

/// Reads the file `path` for the index in full, as a lint walk would (a file an index walk
/// deferred).
pub fn read_for_index(path: &Path, cache: Option<&Cache>) -> Option<SourceFile> {
    let class = by_name(path)?;
    read_one(path, (class, None, &[], Purpose::Lint), cache)
        .into_iter()
        .find_map(|m| match m {
            Message::File(f) => Some(f),
            _ => None,
        })
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The bytes of a UTF-16 file (told by its byte order mark) as UTF-8, and the UTF-8 byte
/// order mark dropped: every reader then sees text that starts where the content starts,
/// and offsets count from there as editors do.
pub fn normalize(mut bytes: Vec<u8>) -> Vec<u8> {
    let utf16 = |big: bool| {
        let units = bytes[2..].chunks_exact(2).map(|p| {
            if big {
                u16::from_be_bytes([p[0], p[1]])
            } else {
                u16::from_le_bytes([p[0], p[1]])
            }
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
            .into_bytes()
    };
    if bytes.starts_with(UTF8_BOM) {
        bytes.drain(..3);
        bytes
    } else if bytes.starts_with(b"\xFF\xFE") {
        utf16(false)
    } else if bytes.starts_with(b"\xFE\xFF") {
        utf16(true)
    } else {
        bytes
    }
}

/// The text of a file's bytes (see [`normalize`]), and where it is not valid UTF-8, a
/// note naming the first line that is not.
pub fn decode(bytes: Vec<u8>) -> (String, Option<String>) {
    match String::from_utf8(normalize(bytes)) {
        Ok(s) => (s, None),
        Err(err) => {
            let line = 1 + err.as_bytes()[..err.utf8_error().valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            (
                String::from_utf8_lossy(err.as_bytes()).into_owned(),
                Some(format!(
                    "line {line}: not valid UTF-8; read with replacement characters"
                )),
            )
        }
    }
}

/// What the rules read of a file's facts, once: its directives are not evidence, and
/// the room its usages were given is given back.
fn tidy(mut facts: FileFacts) -> FileFacts {
    let calls = facts.summary.plain_calls.iter_mut().map(|c| &mut c.usage);
    facts.usages.iter_mut().chain(calls).for_each(tidy_usage);
    facts
}

/// What the rules read of one usage: see [`tidy`].
pub fn tidy_usage(usage: &mut Usage) {
    crate::suppress::drop_directives(&mut usage.evidence.texts);
    // Held until the rules run: the findings are made in the room given back.
    usage.shrink_to_fit();
}

/// True when a file is worth checking: it has usages (`has_usages`, which a streamed file
/// knows only once read), or may get some from the index, or was read in part, or holds
/// a suppression comment (which is unused).
pub fn worth_checking(facts: &FileFacts, has_usages: bool, text: &str) -> bool {
    // A file that sends other files' error values, hands numbers to helpers or calls
    // helpers that always raise gets usages from the index.
    has_usages
        || !facts.summary.propagations.is_empty()
        || !facts.summary.numbers.is_empty()
        || !facts.summary.plain_calls.is_empty()
        || facts.partly_read.is_some()
        || SUPPRESSION.is_match(text.as_bytes())
}

fn from_bytes(
    path: &Path,
    display: impl Fn() -> String,
    class: NameClass,
    bytes: Vec<u8>,
    outside: &[PathBuf],
    purpose: Purpose,
    cache: Option<&Cache>,
) -> Vec<Message> {
    let note = |message: String| {
        vec![Message::Note(Note {
            path: display(),
            message,
        })]
    };
    let bytes = normalize(bytes);
    // `contains` searches a word at a time; a byte loop with an early exit does not.
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return match class {
            NameClass::Kind(_) => note("skipped: looks like a binary file".into()),
            _ => Vec::new(),
        };
    }
    let Some(kind) = by_content(class, &bytes) else {
        return Vec::new();
    };
    let mut messages = vec![Message::Seen(kind)];
    if purpose == Purpose::Index && !may_tell_the_index(kind, &bytes) {
        if may_choose_status(kind, &bytes) {
            messages.push(Message::Deferred(path.to_path_buf()));
        }
        return messages;
    }
    let chooses = may_choose_status(kind, &bytes) || purpose == Purpose::Index;
    // A suppression comment must be read even where no status is chosen: it is unused.
    if !chooses && !SUPPRESSION.is_match(&bytes) {
        return messages;
    }
    let display = display();
    let key = cache
        .filter(|_| chooses)
        .and_then(|c| c.key(kind, path, &bytes));
    let (text, invalid) = decode(bytes);
    let text: Arc<str> = text.into();
    if let Some(message) = invalid {
        messages.push(Message::Note(Note {
            path: display.clone(),
            message,
        }));
    }
    let streamed = purpose == Purpose::Check && chooses && crate::extract::streams(kind);
    let cached = cache.zip(key).and_then(|(c, key)| c.get(key));
    let mut facts = match cached {
        Some(facts) => facts,
        None if chooses && !streamed => {
            let facts = tidy(extract(kind, path, &text, outside));
            if let Some((cache, key)) = cache.zip(key) {
                cache.put(key, &facts);
            }
            facts
        }
        None => FileFacts::default(),
    };
    for n in facts.notes.drain(..) {
        messages.push(Message::Note(Note {
            path: display.clone(),
            message: n,
        }));
    }
    let keep = streamed || worth_checking(&facts, !facts.usages.is_empty(), &text);
    messages.push(Message::File(SourceFile {
        path: path.to_path_buf(),
        display,
        kind,
        text: keep.then_some(text),
        facts,
        streamed,
    }));
    messages
}
