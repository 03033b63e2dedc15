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
    /// `attributeFormDefault="qualified"` of each file, by index: its local attributes are in
    /// the target namespace.
    pub attr_qualified: Vec<bool>,
    /// Namespaces `xs:import`ed without a schema to read (see `Loader::include`), with the
    /// import's place.
    pub imported: Vec<(String, Span)>,
    /// The target namespace of each file, by index (an imported file's is its own).
    pub file_ns: Vec<Option<String>>,
}

impl Loaded {
    /// The name a global component of namespace `ns` is indexed by: its local name in the
    /// module's namespace, `{ns}local` in an imported one (`None`: the namespace is not read).
    pub fn key(&self, ns: Option<&str>, local: &str) -> String {
        if ns == self.namespace.as_deref() {
            local.to_owned()
        } else {
            format!("{{{}}}{local}", ns.unwrap_or(""))
        }
    }
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
        attr_qualified: Vec::new(),
        imported: Vec::new(),
        file_ns: Vec::new(),
    };
    for p in paths {
        l.file(p, display(p), None, None)?;
    }
    if !l.errors.is_empty() {
        return Err(l.errors.into());
    }
    let docs = l.docs.into_iter().map(|d| d.expect("every read file is parsed or an error")).collect();
    let namespace = l.namespace.and_then(|(ns, _)| ns);
    Ok(Loaded {
        sources: l.sources,
        docs,
        order: l.order,
        namespace,
        qualified: l.qualified,
        attr_qualified: l.attr_qualified,
        imported: l.imported,
        file_ns: l.file_ns,
    })
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
    attr_qualified: Vec<bool>,
    imported: Vec<(String, Span)>,
    file_ns: Vec<Option<String>>,
}

impl Loader {
    fn err(&mut self, span: Span, msg: impl Into<String>) {
        let e = SchemaError::at(&self.sources, span, msg);
        self.errors.push(e);
    }

    /// Reads one file; `from` is the `xs:include` or `xs:import` that names it, `expect` the
    /// target namespace it must have (the including file's, or the imported one).
    fn file(
        &mut self,
        path: &Path,
        shown: String,
        from: Option<Span>,
        expect: Option<(Option<String>, bool)>,
    ) -> Result<(), Error> {
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        if self.stack.iter().any(|(c, _)| *c == canonical) {
            // Namespaces may import each other, files include each other (A includes B
            // includes A): the file being read has its components recorded already.
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
        self.attr_qualified.push(false);
        self.file_ns.push(None);
        self.seen.insert(canonical.clone(), file);
        let mut root = match dom::parse(&self.sources, file) {
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
        if self.target_namespace(&root, file, expect) {
            // A chameleon include: the file's unprefixed references name its new namespace's
            // components, as if it declared that namespace as its default.
            if let Some(ns) = self.file_ns[file].clone() {
                dom::default_namespace(&mut root, &ns);
            }
        }
        self.stack.push((canonical, shown.clone()));
        let own = self.file_ns[file].clone();
        for (i, child) in root.children.iter().enumerate() {
            if child.is_xs("include") || child.is_xs("import") {
                self.include(path, &shown, child, &own)?;
            } else if !child.is_xs("annotation") {
                self.order.push((file, i));
            }
        }
        self.stack.pop();
        self.docs[file] = Some(root);
        Ok(())
    }

    /// Records the file's target namespace: the given files share one (or none), the module's;
    /// an included file has its includer's, an imported one the imported namespace. An included
    /// file without a target namespace takes its includer's (a chameleon include): `true`.
    fn target_namespace(&mut self, root: &Node, file: usize, expect: Option<(Option<String>, bool)>) -> bool {
        let tns = root.attr("targetNamespace").filter(|a| !a.value.is_empty());
        let this = (tns.map(|a| a.value.clone()), tns.map(|a| a.span));
        self.file_ns[file] = this.0.clone();
        let name = |ns: &Option<String>| ns.as_deref().map_or("no target namespace".to_owned(), |n| format!("`{n}`"));
        let mut chameleon = false;
        match (&self.namespace, expect) {
            (_, Some((Some(want), false))) if this.0.is_none() => {
                self.file_ns[file] = Some(want);
                chameleon = true;
            }
            (_, Some((want, import))) if want != this.0 => {
                let how = if import { "imported as" } else { "included by a schema in" };
                let msg = format!("this schema's {} differs from {}, which it is {how}", name(&this.0), name(&want));
                let e = SchemaError::at(&self.sources, this.1.unwrap_or(root.span), msg)
                    .help("an included schema has its includer's namespace (or none); an imported one, the namespace of the xs:import");
                self.errors.push(e);
            }
            (_, Some(_)) => {}
            (None, None) => self.namespace = Some(this),
            (Some((first, at)), None) if *first != this.0 => {
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
            (Some(_), None) => {}
        }
        self.qualified[file] = root.get("elementFormDefault").map(str::trim) == Some("qualified");
        self.attr_qualified[file] = root.get("attributeFormDefault").map(str::trim) == Some("qualified");
        chameleon
    }

    fn include(&mut self, path: &Path, shown: &str, node: &Node, own: &Option<String>) -> Result<(), Error> {
        let what = node.display_name();
        let mut expect = (own.clone(), false);
        if node.is_xs("import") {
            // Another namespace with a schema file is read with its own namespace. Without one
            // (no schemaLocation, a URL, the XML namespace) it is not: its elements are kept
            // raw where the schema has `xs:any` (what many imports are for), a reference to
            // one of its components is an error at the reference, and the XML namespace's
            // attributes (`xml:lang`) are kept as other attributes (see `content::attribute`).
            if let Some(ns) = node.attr("namespace").filter(|a| !a.value.is_empty()) {
                let local = node.get("schemaLocation").filter(|l| !l.contains("://") && !l.trim().is_empty());
                if local.is_none() || ns.value == dom::XML_NS {
                    self.imported.push((ns.value.clone(), ns.span));
                    return Ok(());
                }
                expect = (Some(ns.value.clone()), true);
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
        self.file(&target, shown_target, Some(loc.span), Some(expect))
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

/// The global components of a schema, by name: the local name for the module's own namespace,
/// `{namespace}local` for an imported one's ([`Loaded::key`]).
pub struct Globals<'a> {
    /// Global `xs:element`s.
    pub elements: HashMap<String, &'a Node>,
    /// Named `xs:complexType`s.
    pub complex: HashMap<String, &'a Node>,
    /// Named `xs:simpleType`s, with their slot in [`Loaded::order`].
    pub simple: HashMap<String, (&'a Node, usize)>,
    /// Named `xs:group`s.
    pub groups: HashMap<String, &'a Node>,
    /// Named `xs:attributeGroup`s.
    pub attribute_groups: HashMap<String, &'a Node>,
    /// Global `xs:attribute`s.
    pub attributes: HashMap<String, &'a Node>,
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
        let name = loaded.key(loaded.file_ns[file].as_deref(), name.value.as_str());
        let name = name.as_str();
        let prev = match kind {
            "element" => g.elements.insert(name.to_owned(), node),
            "complexType" => g.complex.insert(name.to_owned(), node),
            "simpleType" => g.simple.insert(name.to_owned(), (node, slot)).map(|(n, _)| n),
            "group" => g.groups.insert(name.to_owned(), node),
            "attributeGroup" => g.attribute_groups.insert(name.to_owned(), node),
            _ => g.attributes.insert(name.to_owned(), node),
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
