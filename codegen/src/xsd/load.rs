//! Reading schema files: `xs:include` (and no-namespace `xs:import`) followed relative to the
//! including file, every file recorded as a [`Source`], and the global components indexed by
//! name in schema order.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::dom::{self, Node};
use crate::builder::display;
use crate::diagnostic::{Error, SchemaError};
use crate::ir::{Source, Span};

/// The files of one schema, parsed.
pub struct Loaded {
    /// Every file read, in reading order (a file before the files it includes).
    pub sources: Vec<Source>,
    /// The `xs:schema` element of each source, by index.
    pub docs: Vec<Node>,
    /// The top-level components (file, child index) in schema order: document order, with each
    /// included file's components where its `xs:include` stands.
    pub order: Vec<(usize, usize)>,
    /// The target namespace every file shares (`None`: no namespace, as MOS).
    pub namespace: Option<String>,
    /// `elementFormDefault="qualified"` of each file, by index: its local elements are in the
    /// target namespace.
    pub qualified: Vec<bool>,
    /// Namespaces `xs:import`ed (not read: see `Loader::include`), with the import's place.
    pub imported: Vec<(String, Span)>,
}

/// Reads `paths` and everything they include. I/O errors on the given paths are
/// [`Error::Io`]; everything else is a located [`SchemaError`].
pub fn load(paths: &[PathBuf]) -> Result<Loaded, Error> {
    let mut l = Loader {
        sources: Vec::new(),
        docs: Vec::new(),
        order: Vec::new(),
        seen: HashMap::new(),
        stack: Vec::new(),
        errors: Vec::new(),
        namespace: None,
        qualified: Vec::new(),
        imported: Vec::new(),
    };
    for p in paths {
        l.file(p, display(p), None)?;
    }
    if !l.errors.is_empty() {
        return Err(l.errors.into());
    }
    let docs = l.docs.into_iter().map(|d| d.expect("every read file is parsed or an error")).collect();
    let namespace = l.namespace.and_then(|(ns, _)| ns);
    Ok(Loaded { sources: l.sources, docs, order: l.order, namespace, qualified: l.qualified, imported: l.imported })
}

struct Loader {
    sources: Vec<Source>,
    docs: Vec<Option<Node>>,
    order: Vec<(usize, usize)>,
    /// Canonical path → source index.
    seen: HashMap<PathBuf, usize>,
    /// Files being read (canonical path, display path), outermost first.
    stack: Vec<(PathBuf, String)>,
    errors: Vec<SchemaError>,
    /// The target namespace of the first file, and where it is declared.
    namespace: Option<(Option<String>, Option<Span>)>,
    qualified: Vec<bool>,
    imported: Vec<(String, Span)>,
}

impl Loader {
    fn err(&mut self, span: Span, msg: impl Into<String>) {
        let e = SchemaError::at(&self.sources, span, msg);
        self.errors.push(e);
    }

    /// Reads one file; `from` is the `xs:include` that names it.
    fn file(&mut self, path: &Path, shown: String, from: Option<Span>) -> Result<(), Error> {
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        if let Some(i) = self.stack.iter().position(|(c, _)| *c == canonical) {
            let mut chain: Vec<&str> = self.stack[i..].iter().map(|(_, s)| s.as_str()).collect();
            chain.push(&shown);
            let msg = format!("include cycle: {}", chain.join(" → "));
            match from {
                Some(span) => self.err(span, msg),
                None => return Err(Error::Usage(msg)),
            }
            return Ok(());
        }
        if self.seen.contains_key(&canonical) {
            return Ok(()); // included twice (a diamond): the second inclusion adds nothing
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(source) => match from {
                Some(span) => {
                    self.err(span, format!("cannot read the schema `{shown}`: {source}"));
                    return Ok(());
                }
                None => return Err(Error::Io { path: shown, source }),
            },
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let valid = String::from_utf8_lossy(valid);
                let (line, column) = crate::diagnostic::line_col(&valid, valid.len());
                self.errors.push(SchemaError::at_line(&shown, line, column, "the schema file is not valid UTF-8"));
                return Ok(());
            }
        };
        let file = self.sources.len();
        self.sources.push(Source { path: shown.clone(), text });
        self.docs.push(None);
        self.qualified.push(false);
        self.seen.insert(canonical.clone(), file);
        let root = match dom::parse(&self.sources, file) {
            Ok(root) => root,
            Err(e) => {
                self.errors.push(e);
                return Ok(());
            }
        };
        if !root.is_xs("schema") {
            let msg = format!("the root element is <{}>, not <xs:schema> (namespace {})", root.display_name(), dom::XS);
            self.err(root.span, msg);
        }
        self.target_namespace(&root, file);
        self.stack.push((canonical, shown.clone()));
        for (i, child) in root.children.iter().enumerate() {
            if child.is_xs("include") || child.is_xs("import") {
                self.include(path, &shown, child)?;
            } else if !child.is_xs("annotation") {
                self.order.push((file, i));
            }
        }
        self.stack.pop();
        self.docs[file] = Some(root);
        Ok(())
    }

    /// Records the file's target namespace: every file of one schema shares one (or none), so
    /// element names are that namespace's.
    fn target_namespace(&mut self, root: &Node, file: usize) {
        let tns = root.attr("targetNamespace").filter(|a| !a.value.is_empty());
        let this = (tns.map(|a| a.value.clone()), tns.map(|a| a.span));
        match &self.namespace {
            None => self.namespace = Some(this),
            Some((first, at)) if *first != this.0 => {
                let first = first.as_deref().map_or("no target namespace".to_owned(), |n| format!("`{n}`"));
                let here = this.0.as_deref().map_or("no target namespace".to_owned(), |n| format!("`{n}`"));
                let mut e = SchemaError::at(
                    &self.sources,
                    this.1.unwrap_or(root.span),
                    format!("{here} differs from the first schema file's {first}"),
                );
                if let Some(at) = at {
                    e = e.note(&self.sources, *at, "the first file's target namespace");
                }
                self.errors.push(e.help(
                    "one module compiles one namespace: give each namespace its own module, or one targetNamespace to all files",
                ));
            }
            Some(_) => {}
        }
        self.qualified[file] = root.get("elementFormDefault").map(str::trim) == Some("qualified");
        if let Some(a) = root.attr("attributeFormDefault").filter(|a| a.value.trim() == "qualified") {
            let msg = "attributeFormDefault=\"qualified\": attributes in a namespace are not supported";
            let e = SchemaError::at(&self.sources, a.span, msg).help("declare attributes unqualified (the default)");
            self.errors.push(e);
        }
    }

    fn include(&mut self, path: &Path, shown: &str, node: &Node) -> Result<(), Error> {
        let what = node.display_name();
        if node.is_xs("import") {
            // Another namespace is not read: its elements are kept raw where the schema has
            // `xs:any` (what most imports are for), a reference to one of its components is an
            // error at the reference, and the XML namespace's attributes (`xml:lang`) are kept
            // as other attributes (see `content::attribute`).
            if let Some(ns) = node.attr("namespace").filter(|a| !a.value.is_empty()) {
                self.imported.push((ns.value.clone(), ns.span));
                return Ok(());
            }
        }
        let Some(loc) = node.attr("schemaLocation") else {
            self.err(node.span, format!("{what} needs a schemaLocation"));
            return Ok(());
        };
        if loc.value.contains("://") || loc.value.is_empty() {
            let msg = format!("{what} of `{}`: only relative or absolute file paths are supported", loc.value);
            self.err(loc.span, msg);
            return Ok(());
        }
        let dir = path.parent().unwrap_or(Path::new(""));
        let target = dir.join(&loc.value);
        let shown_target = join_display(shown, &loc.value);
        self.file(&target, shown_target, Some(loc.span))
    }
}

/// `dir/of/including.xsd` + `other.xsd` → `dir/of/other.xsd`, with `.` and `..` resolved
/// lexically and forward slashes, so the recorded path does not depend on the platform.
fn join_display(including: &str, location: &str) -> String {
    let location = location.replace('\\', "/");
    let joined = if location.starts_with('/') {
        location
    } else {
        match including.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/{location}"),
            None => location,
        }
    };
    let absolute = joined.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            p => parts.push(p),
        }
    }
    let body = parts.join("/");
    if absolute {
        format!("/{body}")
    } else {
        body
    }
}

/// The global components of a schema, by name.
pub struct Globals<'a> {
    /// Global `xs:element`s.
    pub elements: HashMap<&'a str, &'a Node>,
    /// Named `xs:complexType`s.
    pub complex: HashMap<&'a str, &'a Node>,
    /// Named `xs:simpleType`s, with their slot in [`Loaded::order`].
    pub simple: HashMap<&'a str, (&'a Node, usize)>,
    /// Named `xs:group`s.
    pub groups: HashMap<&'a str, &'a Node>,
    /// Named `xs:attributeGroup`s.
    pub attribute_groups: HashMap<&'a str, &'a Node>,
    /// Global `xs:attribute`s.
    pub attributes: HashMap<&'a str, &'a Node>,
    /// Every top-level component in schema order, with its slot.
    pub order: Vec<&'a Node>,
}

/// Indexes the top-level components; reports duplicates and constructs that are not supported
/// at the top level.
pub fn index<'a>(loaded: &'a Loaded, errors: &mut Vec<SchemaError>) -> Globals<'a> {
    let mut g = Globals {
        elements: HashMap::new(),
        complex: HashMap::new(),
        simple: HashMap::new(),
        groups: HashMap::new(),
        attribute_groups: HashMap::new(),
        attributes: HashMap::new(),
        order: Vec::new(),
    };
    let err = |span: Span, msg: String| SchemaError::at(&loaded.sources, span, msg);
    for (slot, &(file, i)) in loaded.order.iter().enumerate() {
        let node = &loaded.docs[file].children[i];
        g.order.push(node);
        if !node.in_xs() {
            errors.push(err(node.span, format!("unexpected <{}> at the top level of a schema", node.display_name())));
            continue;
        }
        let kind = match node.local.as_str() {
            "element" | "complexType" | "simpleType" | "group" | "attributeGroup" | "attribute" => node.local.as_str(),
            "notation" => continue, // declares a notation name only; no instance content
            "redefine" | "override" => {
                errors.push(err(node.span, format!("xs:{} is not supported", node.local)));
                continue;
            }
            other => {
                errors.push(err(node.span, format!("xs:{other} is not supported at the top level of a schema")));
                continue;
            }
        };
        let Some(name) = node.attr("name") else {
            errors.push(err(node.span, format!("a global xs:{kind} needs a name")));
            continue;
        };
        let name = name.value.as_str();
        let prev = match kind {
            "element" => g.elements.insert(name, node),
            "complexType" => g.complex.insert(name, node),
            "simpleType" => g.simple.insert(name, (node, slot)).map(|(n, _)| n),
            "group" => g.groups.insert(name, node),
            "attributeGroup" => g.attribute_groups.insert(name, node),
            _ => g.attributes.insert(name, node),
        };
        if let Some(prev) = prev {
            let at = SchemaError::at(&loaded.sources, prev.span, "");
            errors.push(
                err(
                    node.span,
                    format!("xs:{kind} `{name}` is declared twice (first at {}:{}:{})", at.file, at.line, at.column),
                )
                .note(&loaded.sources, prev.span, "first declared here"),
            );
        }
        if kind == "complexType" {
            // The same name may not be both a complex and a simple type.
            if g.simple.contains_key(name) {
                errors.push(err(node.span, format!("`{name}` is declared as both a simple and a complex type")));
            }
        } else if kind == "simpleType" && g.complex.contains_key(name) {
            errors.push(err(node.span, format!("`{name}` is declared as both a simple and a complex type")));
        }
    }
    g
}
