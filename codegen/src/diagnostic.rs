//! Problems in schemas, located by file, line and column, and rendered the way rustc renders
//! its own: the source line with the span underlined, other places involved pointed at, and a
//! hint where the fix is obvious.
//!
//! Rendering uses codespan-reporting: two small dependencies (termcolor, unicode-width),
//! labels in several files (a reused key points at its first use, possibly in another file),
//! and the same output as text or in colour. miette would pull a dozen more crates into every
//! downstream `build.rs`; annotate-snippets renders one snippet per call and has no file map.

use std::fmt;
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor, Chars, Config};

use crate::ir::{Source, Span};

/// How bad a [`SchemaError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The schema cannot be compiled.
    Error,
    /// The schema compiles, but probably not into what its author meant.
    Warning,
}

/// Another place a diagnostic points at (the first use of a reused key, say).
#[derive(Clone, PartialEq, Eq)]
pub struct Note {
    /// The schema file.
    pub file: String,
    /// Byte range in the file.
    pub range: (usize, usize),
    /// What is there.
    pub message: String,
    text: Option<Arc<str>>,
}

/// One problem in a schema, with its location.
#[derive(Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The schema file, as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// Byte range in the file, for rendering.
    pub range: (usize, usize),
    /// Error or warning.
    pub severity: Severity,
    /// Other places involved, rendered as secondary labels.
    pub notes: Vec<Note>,
    /// How to fix it, where that is obvious (rendered as `= help: …`).
    pub help: Vec<String>,
    /// The file's text, kept to render the source line; absent when the file was unreadable.
    text: Option<Arc<str>>,
}

impl fmt::Debug for SchemaError {
    // The file text would drown everything else.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemaError")
            .field("file", &self.file)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("message", &self.message)
            .field("severity", &self.severity)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Note").field("file", &self.file).field("message", &self.message).finish_non_exhaustive()
    }
}

impl SchemaError {
    /// An error at `span` of one of `sources`.
    pub fn at(sources: &[Source], span: Span, message: impl Into<String>) -> Self {
        let (file, text) = match sources.get(span.file) {
            Some(s) => (s.path.clone(), s.text.as_str()),
            None => (String::from("<unknown>"), ""),
        };
        let start = span.start.min(text.len());
        let (line, column) = line_col(text, start);
        SchemaError {
            file,
            line,
            column,
            message: message.into(),
            range: (start, span.end.clamp(start, text.len())),
            severity: Severity::Error,
            notes: Vec::new(),
            help: Vec::new(),
            text: sources.get(span.file).map(|s| Arc::from(s.text.as_str())),
        }
    }

    /// An error at a known line and column (from a parser that reports those).
    pub fn at_line(file: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        SchemaError {
            file: file.to_owned(),
            line,
            column,
            message: message.into(),
            range: (0, 0),
            severity: Severity::Error,
            notes: Vec::new(),
            help: Vec::new(),
            text: None,
        }
    }

    /// The same problem, with the file's text so it renders with its source line; `range` is
    /// a byte range of `text` (an empty one is taken from the line and column).
    pub fn in_text(mut self, text: &str, range: (usize, usize)) -> Self {
        let range = if range == (0, 0) { offset_of(text, self.line, self.column) } else { range };
        let start = range.0.min(text.len());
        self.range = (start, range.1.clamp(start, text.len()));
        self.text = Some(Arc::from(text));
        self
    }

    /// Points at another place involved (`first used here`).
    pub fn note(mut self, sources: &[Source], span: Span, message: impl Into<String>) -> Self {
        let (file, text) = match sources.get(span.file) {
            Some(s) => (s.path.clone(), Some(Arc::from(s.text.as_str()))),
            None => (String::from("<unknown>"), None),
        };
        let len = text.as_deref().map_or(0, str::len);
        let start = span.start.min(len);
        self.notes.push(Note { file, range: (start, span.end.clamp(start, len)), message: message.into(), text });
        self
    }

    /// Adds a hint on how to fix it.
    pub fn help(mut self, hint: impl Into<String>) -> Self {
        self.help.push(hint.into());
        self
    }

    /// Makes it a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Whether the source text is known (so [`render`](Self::render) shows the line).
    pub fn has_source(&self) -> bool {
        self.text.is_some()
    }

    /// The rustc-style rendering: `error: message`, ` --> file:line:column`, the source line
    /// with the span underlined, notes and hints. With `color`, ANSI colours as rustc uses them.
    pub fn render(&self, color: bool) -> String {
        render_all(std::slice::from_ref(self), color)
    }
}

/// Renders diagnostics one after the other, as rustc does.
pub fn render_all(errors: &[SchemaError], color: bool) -> String {
    let mut files = SimpleFiles::new();
    let mut ids: Vec<(String, usize)> = Vec::new();
    let mut file_id = |name: &str, text: &Option<Arc<str>>| -> Option<usize> {
        let text = text.as_ref()?;
        if let Some((_, id)) = ids.iter().find(|(n, _)| n == name) {
            return Some(*id);
        }
        let id = files.add(name.to_owned(), text.clone());
        ids.push((name.to_owned(), id));
        Some(id)
    };
    let diagnostics: Vec<Diagnostic<usize>> = errors
        .iter()
        .map(|e| {
            let mut d = match e.severity {
                Severity::Error => Diagnostic::error(),
                Severity::Warning => Diagnostic::warning(),
            }
            .with_message(&e.message);
            match file_id(&e.file, &e.text) {
                Some(id) => {
                    let text = e.text.as_deref().unwrap_or_default();
                    d = d.with_label(Label::primary(id, underline(&e.file, text, e.range)));
                }
                // Without the text there is nothing to underline; the location still shows.
                None => d = d.with_note(format!("at {}:{}:{}", e.file, e.line, e.column)),
            }
            for n in &e.notes {
                if let Some(id) = file_id(&n.file, &n.text) {
                    let text = n.text.as_deref().unwrap_or_default();
                    d = d.with_label(Label::secondary(id, underline(&n.file, text, n.range)).with_message(&n.message));
                }
            }
            d.with_notes(e.help.iter().map(|h| format!("help: {h}")).collect())
        })
        .collect();
    let config = Config { chars: Chars::ascii(), ..Config::default() };
    let mut out = if color { termcolor::Buffer::ansi() } else { termcolor::Buffer::no_color() };
    for d in &diagnostics {
        // Rendering only fails on ranges outside the file, which `at` and `in_text` clamp away.
        if term::emit_to_write_style(&mut out, &config, &files, d).is_err() {
            let _ = std::io::Write::write_all(&mut out, format!("{}\n", d.message).as_bytes());
        }
    }
    String::from_utf8_lossy(out.as_slice()).trim_end().to_owned()
}

/// What to underline of `range`: its first line, without a trailing CDDL comment (which names
/// the field, and is not where the problem is).
fn underline(file: &str, text: &str, range: (usize, usize)) -> std::ops::Range<usize> {
    let r = first_line(text, range);
    if !file.ends_with(".cddl") {
        return r;
    }
    let part = &text[r.clone()];
    match part.find(';') {
        // A `;` inside a text literal is not a comment.
        Some(i) if i > 0 && !part[..i].contains('"') => r.start..r.start + part[..i].trim_end().len(),
        _ => r,
    }
}

/// The part of `range` on its first line: a rule spanning twenty lines is pointed at by its
/// first, as rustc points at an item's head, not its body.
fn first_line(text: &str, (start, end): (usize, usize)) -> std::ops::Range<usize> {
    let start = floor_char_boundary(text, start.min(text.len()));
    let end = floor_char_boundary(text, end.clamp(start, text.len()));
    let line_end = text[start..end].find('\n').map_or(end, |i| start + i);
    let line_end = text[start..line_end].trim_end().len() + start;
    start..line_end.max(start)
}

/// The byte offset of a 1-based line and character column.
fn offset_of(text: &str, line: usize, column: usize) -> (usize, usize) {
    let line_start =
        if line <= 1 { 0 } else { text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1) };
    let rest = &text[line_start..];
    let start = line_start + rest.char_indices().nth(column.saturating_sub(1)).map_or(rest.len(), |(i, _)| i);
    let end = text[start..].chars().next().map_or(start, |c| start + c.len_utf8());
    (start, end)
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The one-line form, `file:line:column: message`, for logs and assertions.
impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

impl std::error::Error for SchemaError {}

/// Everything that can stop a compilation.
pub enum Error {
    /// A schema file could not be read.
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The schemas have problems; all of them are listed, in source order.
    Schema(Vec<SchemaError>),
    /// The request itself is wrong (no files, mixed languages, no output directory).
    Usage(String),
}

impl Error {
    /// The rendering [`Display`](fmt::Display) gives, in colour if `color`.
    pub fn render(&self, color: bool) -> String {
        match self {
            Error::Schema(errors) => {
                let mut out = render_all(errors, color);
                if errors.len() > 1 {
                    let summary = format!("error: aborting due to {} errors", errors.len());
                    out.push_str("\n\n");
                    out.push_str(&if color { format!("\x1b[1;31merror\x1b[0m{}", &summary[5..]) } else { summary });
                }
                out
            }
            other => format!("error: {other}"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{path}: {source}"),
            Error::Usage(msg) => f.write_str(msg),
            Error::Schema(_) => f.write_str(&self.render(false)),
        }
    }
}

/// The same as `Display`: a `build.rs` whose `main` returns this error (`Result<(), Box<dyn
/// Error>>`) prints it with `{:?}`, and should show the rendered diagnostics, not a struct dump.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Schema(_) => write!(f, "\n{self}"),
            Error::Io { path, source } => write!(f, "{path}: {source:?}"),
            Error::Usage(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Schema(_) | Error::Usage(_) => None,
        }
    }
}

impl From<SchemaError> for Error {
    fn from(e: SchemaError) -> Self {
        Error::Schema(vec![e])
    }
}

impl From<Vec<SchemaError>> for Error {
    fn from(mut e: Vec<SchemaError>) -> Self {
        e.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        e.dedup();
        Error::Schema(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "a = 1\nbé = x\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // `=` after a two-byte character is the 4th character of line 2.
        assert_eq!(line_col(text, text.find(" = x").unwrap() + 1), (2, 4));
        assert_eq!(offset_of(text, 2, 4), (text.find(" = x").unwrap() + 1, text.find(" = x").unwrap() + 2));
    }

    #[test]
    fn rendering_underlines_the_first_line_of_the_span() {
        let sources = vec![Source { path: "t.cddl".into(), text: "a = {\n  0: uint\n}\n".into() }];
        let e = SchemaError::at(&sources, Span { file: 0, start: 0, end: 17 }, "bad").help("fix it");
        assert_eq!(e.render(false), "error: bad\n  --> t.cddl:1:1\n  |\n1 | a = {\n  | ^^^^^\n  |\n  = help: fix it");
    }
}
