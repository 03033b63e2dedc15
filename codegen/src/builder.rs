//! The `build.rs` entry point, shaped like prost-build: name the schemas, call `compile`, and
//! `include!` the result from `OUT_DIR`.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     osmos_codegen::Builder::new().cddl("schemas/my-extension.cddl").compile()?;
//!     Ok(())
//! }
//! // src/lib.rs:
//! // pub mod my_extension { include!(concat!(env!("OUT_DIR"), "/my_extension.rs")); }
//! ```

use std::path::{Path, PathBuf};

use crate::diagnostic::{Error, SchemaError};
use crate::ir::{Schema, Source, Wire};
use crate::rust::{self, JsonForm, JsonImpls, Options};
use crate::{cddl, check};

/// Compiles schema files into a Rust module.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    cddl: Vec<PathBuf>,
    xsd: Vec<PathBuf>,
    module: Option<String>,
    out_dir: Option<PathBuf>,
    json: Option<JsonImpls>,
    json_form: JsonForm,
    keep_unknown_keys: bool,
    base: Option<cddl::Base>,
    allow_any_type_key: bool,
    derive_form: bool,
    owned: bool,
    file_name: Option<String>,
    extras: Extras,
    renames: Vec<(String, String)>,
    replacements: Vec<(String, String)>,
}

/// What the builder adds to the generated items, applied to the parsed file before formatting.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Visibility of the top-level items instead of `pub`.
    pub visibility: Option<String>,
    /// `(schema type name or ".", attribute)`: attributes for one type, or all of them.
    pub attributes: Vec<(String, String)>,
}

impl Builder {
    /// A builder with no schemas, writing to `OUT_DIR`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a CDDL file; all CDDL files of one builder form one schema.
    pub fn cddl(mut self, path: impl AsRef<Path>) -> Self {
        self.cddl.push(path.as_ref().to_owned());
        self
    }

    /// Adds an XSD file; `xs:include`d files are read too.
    pub fn xsd(mut self, path: impl AsRef<Path>) -> Self {
        self.xsd.push(path.as_ref().to_owned());
        self
    }

    /// The module (and output file) name; defaults to the first schema file's stem.
    pub fn module(mut self, name: impl Into<String>) -> Self {
        self.module = Some(name.into());
        self
    }

    /// The output file's name in the output directory; defaults to `<module>.rs`.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The visibility of the generated types, functions and constants (`pub(crate)`,
    /// `pub(super)`, …) instead of `pub`. Restricted items are `#[allow(dead_code)]`: a module
    /// compiled from a schema rarely uses every type it defines.
    pub fn visibility(mut self, vis: impl Into<String>) -> Self {
        self.extras.visibility = Some(vis.into());
        self
    }

    /// Adds `#[derive(<what>)]` to every generated struct and enum (`"serde::Serialize"`).
    pub fn derive(self, what: &str) -> Self {
        self.type_attribute(".", format!("#[derive({what})]"))
    }

    /// Adds an attribute to the type the schema calls `name` (its struct or enum), or to every
    /// generated struct and enum with `"."`, as prost-build's `type_attribute` does.
    pub fn type_attribute(mut self, name: impl Into<String>, attribute: impl Into<String>) -> Self {
        self.extras.attributes.push((name.into(), attribute.into()));
        self
    }

    /// Gives the schema type `name` the Rust identifier `ident` (references follow).
    pub fn rename(mut self, name: impl Into<String>, ident: impl Into<String>) -> Self {
        self.renames.push((name.into(), ident.into()));
        self
    }

    /// Uses an existing Rust type for the schema type `name`, as typify's replacements do:
    /// nothing is generated for it and references name `path`. The type must have the codecs
    /// (`osmos::cbor::Decode`/`Encode`, or the XML ones) and the lifetime (`<'a>` when the
    /// generated type would borrow) that the generated one would have had.
    pub fn replace(mut self, name: impl Into<String>, path: impl Into<String>) -> Self {
        self.replacements.push((name.into(), path.into()));
        self
    }

    /// Where `compile` writes; defaults to `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(dir.as_ref().to_owned());
        self
    }

    /// Emits `osmos::json` impls (needs the `json` feature of `osmos`), unconditionally or
    /// behind a feature of the including crate.
    pub fn json(mut self, json: JsonImpls) -> Self {
        self.json = Some(json);
        self
    }

    /// Which rules the JSON impls follow: the lossless view of CBOR and XML values (the
    /// default), or — for a CDDL schema that describes JSON texts, as WebDriver BiDi's does — the
    /// schema's own ([`JsonForm::Schema`]: untagged choices, arrays as arrays, extension
    /// members kept, values checked as read; see `osmos::json::text`). The schema form turns
    /// the JSON impls on when [`json`](Self::json) was not called, and the generator rejects
    /// what JSON cannot hold (byte strings, tags, integer keys) at its file:line:column.
    pub fn json_form(mut self, form: JsonForm) -> Self {
        self.json_form = form;
        self
    }

    /// Gives every CBOR map struct an `unknown: osmos::cbor::UnknownKeys` field that keeps the
    /// entries of keys the schema does not know, written back on encode (for proxies and
    /// gateways that must pass extension fields on). Off by default: unknown keys are skipped.
    pub fn keep_unknown_keys(mut self, keep: bool) -> Self {
        self.keep_unknown_keys = keep;
        self
    }

    /// Compiles the CDDL against the shipped Open Screen schema: the extension may use its
    /// names (`microseconds`, a spliced `request` group, `agent-capability`, a whole standard
    /// message), and the generated code refers to the `::osmos::openscreen` types instead of
    /// copying them. Redefining or extending a standard rule is an error.
    pub fn extends_openscreen(mut self) -> Self {
        self.base = Some(cddl::Base::openscreen());
        self
    }

    /// Generates owned types: no lifetime parameter, text and bytes as `Cow<'static, _>` (raw
    /// values and kept unknown entries likewise), copied out of the input while decoding. A
    /// decoded value then outlives its buffer and moves freely between threads and tasks, at
    /// the cost of one allocation per text, byte string or raw value. Off by default: decoding
    /// borrows from the input and allocates nothing for them. Not with `extends_openscreen`
    /// (the shipped Open Screen types borrow) nor `derive_form`.
    pub fn owned(mut self, owned: bool) -> Self {
        self.owned = owned;
        self
    }

    /// Accepts any `; type key N` a QUIC varint can carry. By default a CDDL message's type key
    /// must lie in the extension ranges (1 byte 49–63, 2 bytes 8193–16383, 4 bytes
    /// 2^29+1…2^30−1) and must not be a standard Open Screen key, like the derive's
    /// `allow_any_key`. Lift it for the standard schema itself or a private deployment.
    pub fn allow_any_type_key(mut self, allow: bool) -> Self {
        self.allow_any_type_key = allow;
        self
    }

    /// The module name in use.
    pub fn module_name(&self) -> String {
        self.module.clone().unwrap_or_else(|| {
            let first = self.cddl.first().or(self.xsd.first());
            let stem = first.and_then(|p| p.file_stem()).map(|s| s.to_string_lossy().into_owned());
            stem.unwrap_or_else(|| "schema".into()).replace(['-', '.'], "_")
        })
    }

    /// Reads and checks the schemas.
    pub fn schema(&self) -> Result<Schema, Error> {
        self.schema_and_warnings().map(|(schema, _)| schema)
    }

    /// Reads and checks the schemas, and lists what compiles but looks wrong (an integer key
    /// without a `; name` comment, a CDDL schema without a `; type key`).
    pub fn schema_and_warnings(&self) -> Result<(Schema, Vec<SchemaError>), Error> {
        let name = self.module_name();
        let schema = match (self.cddl.is_empty(), self.xsd.is_empty()) {
            (false, true) => cddl::compile_extending(&name, self.base.as_ref(), read_all(&self.cddl)?)?,
            (true, false) if self.base.is_some() => {
                return Err(Error::Usage("only a CDDL schema can extend the Open Screen schema".into()))
            }
            (true, false) => crate::xsd::compile(&name, &self.xsd)?,
            (true, true) => return Err(Error::Usage("no schema files given".into())),
            (false, false) => return Err(Error::Usage("one module is either CDDL or XSD, not both".into())),
        };
        let mut schema = schema;
        self.patch(&mut schema)?;
        if self.keep_unknown_keys {
            keep_unknown_keys(&mut schema);
        }
        let mut errors = check::check(&schema).err().unwrap_or_default();
        if schema.wire == Wire::Cbor {
            errors.extend(check::type_keys(&schema, self.allow_any_type_key).err().unwrap_or_default());
        }
        if self.json_form == JsonForm::Schema {
            errors.extend(check::json_texts(&schema).err().unwrap_or_default());
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let warnings = crate::lint::warnings(&schema);
        Ok((schema, warnings))
    }

    /// Writes the module in derive form (CBOR schemas only): readable types annotated with
    /// `#[derive(osmos::Message)]` and `#[osmos(...)]` attributes, prost-style, for a crate that
    /// enables `osmos/derive`. The codecs are the same as the default, expanded form's: the
    /// derive runs the generator's emitter on what the attributes say.
    pub fn derive_form(mut self, derive: bool) -> Self {
        self.derive_form = derive;
        self
    }

    /// The generated module's text.
    pub fn generate(&self) -> Result<String, Error> {
        let schema = self.schema()?;
        self.text(&schema)
    }

    fn text(&self, schema: &Schema) -> Result<String, Error> {
        if self.owned && self.derive_form {
            return Err(Error::Usage("owned types are not available in the derive form".into()));
        }
        if self.owned && self.base.is_some() {
            return Err(Error::Usage(
                "owned types cannot build on the shipped Open Screen types, which borrow: drop `owned` or \
                 `extends_openscreen`"
                    .into(),
            ));
        }
        if self.derive_form {
            return rust::generate_derive_form(schema);
        }
        let json = match (&self.json, self.json_form) {
            (Some(json), _) => json.clone(),
            (None, JsonForm::Schema) => JsonImpls::On,
            (None, JsonForm::View) => JsonImpls::Off,
        };
        let options = Options { json, json_form: self.json_form, owned: self.owned };
        crate::output::generate_with(schema, &options, &self.extras)
    }

    /// Applies renames and replacements; a name the schema does not define, or text that is
    /// no identifier or path, is a usage error (it would otherwise be silently ignored).
    fn patch(&self, schema: &mut Schema) -> Result<(), Error> {
        let own = |schema: &mut Schema, name: &str, what: &str| -> Result<usize, Error> {
            schema.types.iter().position(|t| t.name == name && t.external.is_none()).ok_or_else(|| {
                Error::Usage(format!(
                    "{what}: the schema defines no type `{name}` (use the schema's name, not the Rust one)"
                ))
            })
        };
        for (name, ident) in &self.renames {
            let i = own(schema, name, "rename")?;
            if syn::parse_str::<syn::Ident>(ident).is_err() {
                return Err(Error::Usage(format!("rename of `{name}`: `{ident}` is not a Rust identifier")));
            }
            schema.types[i].rust_name = Some(ident.clone());
        }
        for (name, path) in &self.replacements {
            let i = own(schema, name, "replace")?;
            if syn::parse_str::<syn::Path>(path).is_err() {
                return Err(Error::Usage(format!("replacement of `{name}`: `{path}` is not a Rust path")));
            }
            schema.types[i].external = Some(path.clone());
        }
        let known: Vec<&str> = schema.types.iter().map(|t| t.name.as_str()).collect();
        for (name, attr) in &self.extras.attributes {
            if name != "." && !known.contains(&name.as_str()) {
                return Err(Error::Usage(format!("type_attribute: the schema defines no type `{name}`")));
            }
            if syn::parse_str::<crate::output::Attributes>(attr).is_err() {
                return Err(Error::Usage(format!("type_attribute for `{name}`: `{attr}` is not an attribute")));
            }
        }
        if let Some(vis) = &self.extras.visibility {
            if syn::parse_str::<syn::Visibility>(vis).is_err() {
                return Err(Error::Usage(format!("visibility: `{vis}` is not a Rust visibility")));
            }
        }
        Ok(())
    }

    /// Generates and writes `<out_dir>/<module>.rs` (only when its bytes change, so Cargo does
    /// not rebuild for nothing). Under Cargo it prints `rerun-if-changed` for every file read,
    /// and each warning as `cargo:warning` lines (one per rendered line: Cargo shows a
    /// multi-line warning that way).
    pub fn compile(self) -> Result<PathBuf, Error> {
        let in_build_script = in_build_script();
        let (path, warnings) = self.compile_with_warnings()?;
        if in_build_script {
            for w in &warnings {
                for line in w.render(false).lines() {
                    println!("cargo:warning={line}");
                }
            }
        }
        Ok(path)
    }

    /// [`compile`](Self::compile), returning the warnings instead of printing them (for tools
    /// that show them their own way, like the CLI).
    pub fn compile_with_warnings(self) -> Result<(PathBuf, Vec<SchemaError>), Error> {
        let (schema, warnings) = self.schema_and_warnings()?;
        let text = self.text(&schema)?;
        let dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| Error::Usage("OUT_DIR is not set: call out_dir() outside build.rs".into()))?,
        };
        let path = dir.join(self.file_name.clone().unwrap_or_else(|| format!("{}.rs", self.module_name())));
        write_if_changed(&path, &text)?;
        if in_build_script() {
            // The base schema's files are embedded in the generator, not read from disk.
            let skip = self.base.as_ref().map_or(0, |b| b.sources.len());
            for s in &schema.sources[skip..] {
                println!("cargo:rerun-if-changed={}", s.path);
            }
        }
        Ok((path, warnings))
    }
}

/// Only a build script has both; `cargo run` of a tool sets CARGO but neither of these.
fn in_build_script() -> bool {
    std::env::var_os("OUT_DIR").is_some() && std::env::var_os("TARGET").is_some()
}

/// Marks every map struct as keeping its unknown entries, in a field named `unknown` (or
/// `unknown_entries` where the schema already has an `unknown` field).
fn keep_unknown_keys(schema: &mut Schema) {
    use crate::ir::{Layout, TypeKind};
    // The standard types an extension builds on are what `osmos::openscreen` ships.
    for t in schema.types.iter_mut().filter(|t| t.external.is_none()) {
        if let TypeKind::Struct(s) = &mut t.kind {
            if s.layout == Layout::Map {
                let taken = s.fields.iter().any(|f| crate::rust::field_ident(f) == "unknown");
                s.unknown = Some(if taken { "unknown_entries" } else { "unknown" }.into());
            }
        }
    }
}

/// Reads schema files, keeping the paths as given (so output does not depend on the checkout).
pub fn read_all(paths: &[PathBuf]) -> Result<Vec<Source>, Error> {
    paths.iter().map(|p| read(p)).collect()
}

/// Reads one schema file.
pub fn read(path: &Path) -> Result<Source, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: display(path), source })?;
    Ok(Source { path: display(path), text })
}

/// A path with forward slashes, the same on every platform.
pub fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Writes `text` to `path` unless the file already holds exactly that.
pub fn write_if_changed(path: &Path, text: &str) -> Result<bool, Error> {
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: display(dir), source })?;
    }
    std::fs::write(path, text).map_err(|source| Error::Io { path: display(path), source })?;
    Ok(true)
}
