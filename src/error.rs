//! Errors shared by every codec in the runtime: where it went wrong (a field path and a byte
//! offset into the input) and what went wrong (an [`ErrorKind`] a program can match on).

use std::borrow::Cow;
use std::fmt;

/// One step of the path from the message root to the value that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// A field, element or attribute, by its schema name.
    Field(Cow<'static, str>),
    /// A position in an array or a repeated element.
    Index(usize),
}

/// A path such as `remote-playback-state.error.code` or `roCreate.story[2].storyID`.
///
/// Segments are pushed innermost first while an error travels up the decoder, so building a
/// path costs nothing until something fails.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(Vec<PathSegment>);

impl Path {
    /// The segments, outermost first.
    pub fn segments(&self) -> impl DoubleEndedIterator<Item = &PathSegment> {
        self.0.iter().rev()
    }

    /// True for an error at the message root.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for seg in self.segments() {
            match seg {
                PathSegment::Field(name) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                PathSegment::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// What went wrong, without the where.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended inside a value: more bytes may complete it.
    Incomplete,
    /// A frame started with a type key that no message of the schema has.
    UnknownTypeKey(u64),
    /// A message element that the schema does not know.
    UnknownMessage(String),
    /// The wire held another kind of value than the schema allows here.
    UnexpectedType {
        /// What the schema allows.
        expected: &'static str,
        /// What was found.
        found: String,
    },
    /// A required field is absent.
    MissingField(&'static str),
    /// A field appears twice in one map or element.
    DuplicateField(&'static str),
    /// A value outside the enumeration the schema declares.
    UnknownEnumValue(String),
    /// A size, length, range, count or pattern constraint is violated.
    Constraint(String),
    /// A text value the schema types (time, number, ...) does not parse.
    InvalidValue(String),
    /// Text that is not valid UTF-8 (or UTF-16 that does not transcode).
    InvalidUtf8,
    /// An integer too large for the field's Rust type.
    Overflow,
    /// Nesting deeper than the decoder allows ([`crate::Limits::max_depth`]).
    TooDeep,
    /// A bound of the [`crate::Limits`] in force: items, string length, frame or message size.
    /// Decoding stops there, in strict XML mode too.
    Limit(String),
    /// Bytes after a complete value where none may follow.
    TrailingBytes,
    /// The input is not well-formed CBOR or XML.
    Malformed(String),
    /// An XML document in a character encoding osmos does not read (named in the message), or
    /// whose declared encoding contradicts its byte order mark or its bytes.
    Encoding(String),
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Incomplete => f.write_str("input ends inside a value"),
            ErrorKind::UnknownTypeKey(k) => write!(f, "unknown type key {k}"),
            ErrorKind::UnknownMessage(m) => write!(f, "unknown message <{m}>"),
            ErrorKind::UnexpectedType { expected, found } => {
                write!(f, "expected {expected}, found {found}")
            }
            ErrorKind::MissingField(name) => write!(f, "missing required field `{name}`"),
            ErrorKind::DuplicateField(name) => write!(f, "field `{name}` appears twice"),
            ErrorKind::UnknownEnumValue(v) => write!(f, "value {v} is not in the enumeration"),
            ErrorKind::Constraint(c) => write!(f, "constraint violated: {c}"),
            ErrorKind::InvalidValue(v) => write!(f, "invalid value: {v}"),
            ErrorKind::InvalidUtf8 => f.write_str("invalid UTF-8 text"),
            ErrorKind::Overflow => f.write_str("integer out of range"),
            ErrorKind::TooDeep => f.write_str("nesting too deep"),
            ErrorKind::Limit(m) => write!(f, "limit exceeded: {m}"),
            ErrorKind::TrailingBytes => f.write_str("trailing bytes after the value"),
            ErrorKind::Malformed(m) => write!(f, "malformed input: {m}"),
            ErrorKind::Encoding(m) => write!(f, "encoding: {m}"),
        }
    }
}

/// A decode failure: the kind, the field path and the byte offset in the input.
///
/// Boxed, so that every `Result` a decoder returns stays one pointer wider than its value: the
/// success path moves less, and errors are rare.
#[derive(Clone, PartialEq)]
pub struct DecodeError(Box<DecodeErrorInner>);

#[derive(Clone, PartialEq)]
struct DecodeErrorInner {
    kind: ErrorKind,
    offset: usize,
    path: Path,
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("kind", &self.0.kind)
            .field("offset", &self.0.offset)
            .field("path", &self.0.path)
            .finish()
    }
}

impl DecodeError {
    /// A new error at `offset` with an empty path.
    #[cold]
    pub fn new(kind: ErrorKind, offset: usize) -> Self {
        DecodeError(Box::new(DecodeErrorInner { kind, offset, path: Path::default() }))
    }

    /// Adds the enclosing field: called by each level as the error travels outwards.
    #[must_use]
    pub fn in_field(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.0.path.0.push(PathSegment::Field(name.into()));
        self
    }

    /// Adds the enclosing array index.
    #[must_use]
    pub fn at_index(mut self, index: usize) -> Self {
        self.0.path.0.push(PathSegment::Index(index));
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// Byte offset into the decoded input where the failing value starts (or where input ran out).
    pub fn offset(&self) -> usize {
        self.0.offset
    }

    /// Shifts the offset, for decoders that run on a slice of a larger input.
    #[must_use]
    pub fn shifted(mut self, by: usize) -> Self {
        self.0.offset += by;
        self
    }

    /// The path from the message root to the failing value.
    pub fn path(&self) -> &Path {
        &self.0.path
    }

    /// True when more input could complete the value.
    pub fn is_incomplete(&self) -> bool {
        self.0.kind == ErrorKind::Incomplete
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        if e.path.is_empty() {
            write!(f, "{} (at byte {})", e.kind, e.offset)
        } else {
            write!(f, "{}: {} (at byte {})", e.path, e.kind, e.offset)
        }
    }
}

impl std::error::Error for DecodeError {}

/// An encode failure: a value the schema forbids, found before any byte is written for it.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodeError {
    kind: ErrorKind,
    path: Path,
}

impl EncodeError {
    /// A new error with an empty path.
    pub fn new(kind: ErrorKind) -> Self {
        EncodeError { kind, path: Path::default() }
    }

    /// Adds the enclosing field.
    #[must_use]
    pub fn in_field(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.path.0.push(PathSegment::Field(name.into()));
        self
    }

    /// Adds the enclosing array index.
    #[must_use]
    pub fn at_index(mut self, index: usize) -> Self {
        self.path.0.push(PathSegment::Index(index));
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The path from the message root to the offending value.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "cannot encode: {}", self.kind)
        } else {
            write!(f, "cannot encode {}: {}", self.path, self.kind)
        }
    }
}

impl std::error::Error for EncodeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_reads_outermost_first() {
        let e = DecodeError::new(ErrorKind::MissingField("code"), 7)
            .in_field("error")
            .at_index(3)
            .in_field("tracks")
            .in_field("remote-playback-state");
        assert_eq!(e.path().to_string(), "remote-playback-state.tracks[3].error");
        assert_eq!(e.to_string(), "remote-playback-state.tracks[3].error: missing required field `code` (at byte 7)");
    }
}
