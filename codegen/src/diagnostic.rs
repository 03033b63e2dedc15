//! Errors about schemas, located by file, line and column.

use std::fmt;

use crate::ir::{Source, Span};

/// One problem in a schema, with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
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
        SchemaError { file, line, column, message: message.into(), range: (start, span.end.max(start)) }
    }

    /// An error at a known line and column (from a parser that reports those).
    pub fn at_line(file: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        SchemaError { file: file.to_owned(), line, column, message: message.into(), range: (0, 0) }
    }
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

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

impl std::error::Error for SchemaError {}

/// Everything that can stop a compilation.
#[derive(Debug)]
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

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{path}: {source}"),
            Error::Usage(msg) => f.write_str(msg),
            Error::Schema(errors) => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
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
    }
}
