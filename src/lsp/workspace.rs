//! The state of a rules folder: its files as on disk, with the editor's open buffers laid over
//! them, and the analysis of the whole folder (parse, check, index) kept up to date.
//!
//! A file is parsed again only when its text changed; the checker, which needs every file,
//! runs over the cached syntax trees on every change, as `ruling check` would over the folder.

use super::index::{Index, Shift};
use super::library::ast::Module;
use super::library::Rules;
use super::library::{self, ExampleRun};
use super::library::{has_errors, Diagnostic};
use super::library::{FileId, Sources};
use super::position::LineIndex;
use lsp_types::Uri;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

/// One rule file of a folder.
#[derive(Debug, Clone)]
pub struct File {
    /// Its path.
    pub path: PathBuf,
    /// The text on disk (empty when it could not be read), and the problem reading it.
    disk: (Arc<str>, Option<(usize, String)>),
    /// The editor's buffer, when the file is open: the URI the client uses, and the text.
    pub open: Option<(Uri, Arc<str>)>,
    /// The syntax tree of `text()` and its syntax diagnostics, once parsed.
    parsed: Option<Parsed>,
    /// While `text()` has syntax errors: the syntax tree of the last version without them.
    last_good: Option<(Module, Arc<str>)>,
}

#[derive(Debug, Clone)]
struct Parsed {
    text: Arc<str>,
    id: FileId,
    module: Module,
    diags: Vec<Diagnostic>,
}

impl File {
    /// The text the analysis uses: the buffer when open, else the disk.
    pub fn text(&self) -> &Arc<str> {
        match &self.open {
            Some((_, t)) => t,
            None => &self.disk.0,
        }
    }

    /// The URI to publish under: the client's when open, else one made from the path.
    pub fn uri(&self) -> Option<Uri> {
        match &self.open {
            Some((u, _)) => Some(u.clone()),
            None => path_to_uri(&self.path),
        }
    }
}

/// The analysis of a folder at one moment.
#[derive(Debug, Default)]
pub struct Analysis {
    /// The files' texts and names, indexed like `files`.
    pub sources: Sources,
    /// Line tables, indexed like `files`.
    pub lines: Vec<LineIndex>,
    /// Every diagnostic `ruling check` would give.
    pub diags: Vec<Diagnostic>,
    /// The checked rule set (program and examples), when there is no error.
    pub program: Option<Rules>,
    /// Names and places.
    pub index: Index,
    /// Which files currently have syntax errors.
    pub broken: Vec<bool>,
}

/// A rules folder.
#[derive(Debug)]
pub struct Folder {
    /// The folder.
    pub dir: PathBuf,
    /// Its rule files, sorted by path (the order `ruling check` reads them).
    pub files: Vec<File>,
    /// The analysis of the current texts.
    pub analysis: Analysis,
    /// Failures of the last run of each file's examples ("运行示例"), until the next edit.
    pub example_runs: Vec<(PathBuf, Vec<ExampleRun>)>,
}

impl Folder {
    /// Reads a folder from disk and analyses it.
    pub fn load(dir: &Path) -> Folder {
        let files = library::rule_files(dir)
            .into_iter()
            .map(|path| {
                let (text, problem) = library::read_rule_file(&path);
                File {
                    path,
                    disk: (text.into(), problem),
                    open: None,
                    parsed: None,
                    last_good: None,
                }
            })
            .collect();
        let mut folder = Folder {
            dir: dir.to_path_buf(),
            files,
            analysis: Analysis::default(),
            example_runs: Vec::new(),
        };
        folder.analyse();
        folder
    }

    /// The index of a file by path.
    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.files.iter().position(|f| f.path == path)
    }

    /// Lays an editor buffer over a file (adding the file when it is new). Gives whether
    /// anything changed.
    pub fn set_buffer(&mut self, path: &Path, uri: Uri, text: String) -> bool {
        let text: Arc<str> = text.into();
        match self.file_id(path) {
            Some(id) => {
                let Some(file) = self.files.get_mut(id) else {
                    return false;
                };
                let same = file.open.as_ref().is_some_and(|(_, t)| *t == text);
                file.open = Some((uri, text));
                !same
            }
            None => {
                if self.files.len() >= library::MAX_RULE_FILES {
                    return false;
                }
                self.files.push(File {
                    path: path.to_path_buf(),
                    disk: (Arc::from(""), None),
                    open: Some((uri, text)),
                    parsed: None,
                    last_good: None,
                });
                self.files.sort_by(|a, b| a.path.cmp(&b.path));
                true
            }
        }
    }

    /// Drops the buffer of a closed file: the disk's text counts again (and a file that was
    /// never saved leaves the folder).
    pub fn close(&mut self, path: &Path) {
        if let Some(id) = self.file_id(path) {
            self.files.retain(|f| f.path != path || path.is_file());
            if let Some(file) = self.files.get_mut(id).filter(|f| f.path == path) {
                file.open = None;
                file.disk = library::read_rule_file(path).map_text();
            }
        }
    }

    /// Reads the folder's files from disk again (after changes outside the editor), keeping
    /// the open buffers.
    pub fn reload(&mut self) {
        let mut files: Vec<File> = library::rule_files(&self.dir)
            .into_iter()
            .map(|path| {
                let old = self.files.iter().position(|f| f.path == path);
                let disk = library::read_rule_file(&path).map_text();
                match old.and_then(|i| self.files.get(i)) {
                    Some(f) => File { disk, ..f.clone() },
                    None => File {
                        path,
                        disk,
                        open: None,
                        parsed: None,
                        last_good: None,
                    },
                }
            })
            .collect();
        for f in &self.files {
            if f.open.is_some() && !files.iter().any(|x| x.path == f.path) {
                files.push(f.clone());
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        self.files = files;
    }

    /// Parses what changed and checks the whole folder again.
    pub fn analyse(&mut self) {
        let mut sources = Sources::default();
        let mut parse_diags = Vec::new();
        let mut modules = Vec::with_capacity(self.files.len());
        let mut broken = Vec::with_capacity(self.files.len());
        for (id, file) in self.files.iter_mut().enumerate() {
            let text = file.text().clone();
            sources.add(file.path.display().to_string(), text.clone());
            let fresh = file
                .parsed
                .as_ref()
                .is_some_and(|p| p.id == id && Arc::ptr_eq(&p.text, &text));
            if !fresh {
                let old = file.parsed.take();
                let (module, mut diags) = library::parse(id, &text);
                if file.open.is_none() {
                    if let Some((at, message)) = &file.disk.1 {
                        diags.push(library::unreadable(id, *at, message.clone()));
                    }
                }
                if !has_errors(&diags) {
                    file.last_good = None;
                } else if let Some(old) = old.filter(|o| !has_errors(&o.diags) && o.id == id) {
                    // The version before the error is the one to fall back on.
                    file.last_good = Some((old.module, old.text));
                }
                file.parsed = Some(Parsed {
                    text,
                    id,
                    module,
                    diags,
                });
            }
            if let Some(p) = &mut file.parsed {
                broken.push(has_errors(&p.diags));
                parse_diags.extend(p.diags.iter().cloned());
                // Lent to the checker below and given back, rather than copied each time.
                modules.push(std::mem::take(&mut p.module));
            }
        }
        let (program, diags) = library::check(&sources, &modules, parse_diags);
        for (file, module) in self.files.iter_mut().zip(modules) {
            if let Some(p) = &mut file.parsed {
                p.module = module;
            }
        }
        let lines = sources
            .files
            .iter()
            .map(|f| LineIndex::new(&f.text))
            .collect();
        let indexed: Vec<(FileId, &Module, Option<Shift>)> = self
            .files
            .iter()
            .enumerate()
            .filter_map(|(id, f)| {
                let p = f.parsed.as_ref()?;
                if has_errors(&p.diags) {
                    // The last good version, if its spans still name this file's id (files
                    // added or removed before it renumber the folder).
                    let (good, text) = f.last_good.as_ref()?;
                    let same_id = good.items.first().is_none_or(|i| i.span().file == id);
                    same_id.then(|| (id, good, Some(Shift::between(text, &p.text))))
                } else {
                    Some((id, &p.module, None))
                }
            })
            .collect();
        let index = Index::build(&indexed);
        self.analysis = Analysis {
            sources,
            lines,
            diags,
            program,
            index,
            broken,
        };
    }

    /// A file's syntax tree, when its current text has no syntax error.
    pub fn module(&self, id: FileId) -> Option<&Module> {
        let p = self.files.get(id)?.parsed.as_ref()?;
        (!has_errors(&p.diags)).then_some(&p.module)
    }

    /// A file's text and line table by id.
    pub fn text(&self, id: FileId) -> Option<(&str, &LineIndex)> {
        let text = self.analysis.sources.get(id)?;
        let lines = self.analysis.lines.get(id)?;
        Some((&text.text, lines))
    }
}

trait MapText {
    fn map_text(self) -> (Arc<str>, Option<(usize, String)>);
}

impl MapText for (String, Option<(usize, String)>) {
    fn map_text(self) -> (Arc<str>, Option<(usize, String)>) {
        (self.0.into(), self.1)
    }
}

/// The file path of a `file:` URI (percent-decoded), or `None` for other schemes.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file://host/path`: only the local host is understood.
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(i) if rest.get(..i) == Some("localhost") => rest.get(i..)?,
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    let decoded = String::from_utf8(out).ok()?;
    Some(PathBuf::from(local_path(&decoded, cfg!(windows))))
}

/// A URI's decoded path as the system writes paths: on Windows `/c:/规则/a.rule` is
/// `c:/规则/a.rule` (a drive letter, no leading slash).
fn local_path(decoded: &str, windows: bool) -> String {
    let b = decoded.as_bytes();
    let drive = b.len() >= 3 && b[0] == b'/' && b[1].is_ascii_alphabetic() && b[2] == b':';
    if windows && drive {
        decoded.get(1..).unwrap_or(decoded).to_string()
    } else {
        decoded.to_string()
    }
}

/// A path as a URI writes it: `/`-separated and starting with `/` (on Windows
/// `C:\规则\a.rule` is `/C:/规则/a.rule`).
fn uri_path(path: &str, windows: bool) -> String {
    if !windows {
        return path.to_string();
    }
    let slashed = path.replace('\\', "/");
    if slashed.starts_with('/') {
        slashed
    } else {
        format!("/{slashed}")
    }
}

/// The `file:` URI of a path, percent-encoded as VS Code writes them.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let mut s = String::from("file://");
    for b in uri_path(abs.to_str()?, cfg!(windows)).bytes() {
        // VS Code writes the drive letter's colon as %3A, as here.
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_paths_survive_the_round_trip() {
        let path = PathBuf::from("/tmp/规则 目录/意见4-构成.rule");
        let uri = path_to_uri(&path);
        assert!(uri
            .as_ref()
            .is_some_and(|u| u.as_str().starts_with("file:///tmp/%E8%A7%84")));
        assert_eq!(uri.and_then(|u| uri_to_path(&u)), Some(path));
    }

    #[test]
    fn windows_drive_letters_lose_and_regain_their_slash() {
        assert_eq!(local_path("/c:/规则/a.rule", true), "c:/规则/a.rule");
        assert_eq!(local_path("/c:/规则/a.rule", false), "/c:/规则/a.rule");
        assert_eq!(local_path("/home/规则/a.rule", true), "/home/规则/a.rule");
        assert_eq!(uri_path("C:\\规则\\a.rule", true), "/C:/规则/a.rule");
        assert_eq!(uri_path("/home/a.rule", false), "/home/a.rule");
    }

    #[test]
    fn other_schemes_are_not_files() {
        let uri = Uri::from_str("untitled:Untitled-1");
        assert!(uri.is_ok_and(|u| uri_to_path(&u).is_none()));
    }
}
