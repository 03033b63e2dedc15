//! XSD front end: XML Schema → [`ir::Schema`](crate::ir::Schema). (Being written.)

use std::path::PathBuf;

use crate::diagnostic::Error;
use crate::ir::Schema;

/// Compiles XSD files (and what they include) into one schema called `name`.
pub fn compile(_name: &str, _paths: &[PathBuf]) -> Result<Schema, Error> {
    Err(Error::Usage("the XSD front end is not part of this build yet".into()))
}
