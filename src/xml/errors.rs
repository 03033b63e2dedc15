//! Decoding modes and the errors of one decode.

use std::fmt;

use crate::error::DecodeError;

/// How forgiving decoding is; see the [module documentation](crate::xml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// The spec's tolerance: skip what is unknown, accept any order and empty optionals.
    #[default]
    Lenient,
    /// Report every deviation from the schema, all of them.
    Strict,
}

/// Every error of one decode: one for [`Mode::Lenient`] (it stops at the first), all the
/// deviations found for [`Mode::Strict`], in document order of discovery. Never empty.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeErrors(pub(super) Vec<DecodeError>);

impl DecodeErrors {
    /// The errors.
    pub fn errors(&self) -> &[DecodeError] {
        &self.0
    }

    /// The first error.
    pub fn first(&self) -> &DecodeError {
        &self.0[0]
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: there is at least one error.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The errors, owned.
    pub fn into_vec(self) -> Vec<DecodeError> {
        self.0
    }
}

impl fmt::Display for DecodeErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeErrors {}

impl From<DecodeErrors> for DecodeError {
    /// The first error.
    fn from(e: DecodeErrors) -> Self {
        e.0.into_iter().next().expect("DecodeErrors is never empty")
    }
}

impl IntoIterator for DecodeErrors {
    type Item = DecodeError;
    type IntoIter = std::vec::IntoIter<DecodeError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
