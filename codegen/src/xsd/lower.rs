//! The lowering driver: global elements and named enumerations in schema order, names for
//! hoisted types, the envelope's messages, and the small helpers every part shares.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::dom::{Node, QName, XS};
use super::load::{self, Globals, Loaded};
use crate::diagnostic::{Error, SchemaError};
use crate::ir::{Field, Key, MessageKey, Occur, Source, Span, Ty, TypeDef, TypeKind, Wildcard};
use crate::rust::naming;

/// `(min, max)` occurrences; `None` is unbounded.
pub type Occ = (u64, Option<u64>);

/// Exactly once.
pub const ONE: Occ = (1, Some(1));
/// Zero or one time.
pub const OPT: Occ = (0, Some(1));

/// Multiplies the occurrence of a particle into what it contains.
pub fn mul(a: Occ, b: Occ) -> Occ {
    let max = match (a.1, b.1) {
        (Some(0), _) | (_, Some(0)) => Some(0),
        (Some(x), Some(y)) => Some(x.saturating_mul(y)),
        _ => None,
    };
    (a.0.saturating_mul(b.0), max)
}

/// The IR occurrence of `(min, max)`.
pub fn occur(o: Occ) -> Occur {
    match o {
        (1, Some(1)) => Occur::One,
        (0, Some(1)) => Occur::Optional,
        (min, max) => Occur::Many { min, max },
    }
}

/// What a hoisted type was made from, so that it is made once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HoistKey {
    /// A local element of a named complex type: the same name and type give the same struct.
    Element(String, String),
    /// An anonymous type, choice or enumeration: its declaration.
    Decl(usize, usize),
}

/// How an element's content maps.
pub enum ElemKind<'a> {
    /// A complex type with structure: a struct.
    Complex(&'a Node),
    /// Mixed or `xs:any` content (or `xs:anyType`): raw XML.
    Raw,
    /// A simple type.
    Simple(Ty),
}

pub struct Lower<'a> {
    pub sources: &'a [Source],
    pub g: Globals<'a>,
    /// Emitted types with their sort key (slot of the owning top-level component, sequence).
    out: Vec<((usize, usize), TypeDef)>,
    pub errors: Vec<SchemaError>,
    /// The top-level component being lowered: hoisted types sort with it.
    pub slot: usize,
    seq: usize,
    /// Schema names in use or reserved, and their Rust type names.
    names: BTreeSet<String>,
    rust_names: BTreeSet<String>,
    pub hoisted: HashMap<HoistKey, String>,
    /// Named simple types already lowered.
    pub simple_done: HashMap<String, Ty>,
    /// Named components being expanded (cycle guard).
    pub busy: HashSet<(usize, usize)>,
    /// Complex types and groups being tested for raw content (cycle guard).
    pub raw_busy: HashSet<(usize, usize)>,
    /// While lowering a root element's own content: its name, until its choice is found.
    pub envelope: Option<String>,
    /// Elements that are alternatives of an envelope's message choice.
    pub messages: Vec<String>,
    /// Ids handed out to repeated groups (`ir::Field::group`).
    groups: u32,
    /// Global elements no other element refers to.
    roots: BTreeSet<String>,
    /// The schema's target namespace.
    pub namespace: Option<String>,
    /// The wildcards of the `xs:any`s in the content model being lowered (see `struct_fields`).
    pub saw_any: Vec<Wildcard>,
    /// `elementFormDefault="qualified"`, by file.
    qualified: Vec<bool>,
    /// `attributeFormDefault="qualified"`, by file.
    attr_qualified: Vec<bool>,
    /// Imported namespaces without a schema read, with the import.
    imported: Vec<(String, Span)>,
    /// The target namespace of each file.
    file_ns: Vec<Option<String>>,
    /// The struct names of imported global elements whose local name another global element
    /// has (`title` here and `dc:title` imported): `dc-title`, by index key. The others are
    /// named by their local name.
    element_names: HashMap<String, String>,
    /// The members of each substitution group, by the head's element index, in declaration
    /// order (built on first use: `Lower::substitution_members`).
    pub substitutions: Option<HashMap<String, Vec<(String, &'a Node)>>>,
}

/// Lowers a loaded schema into its types, in schema order.
pub fn lower(loaded: &Loaded) -> Result<Vec<TypeDef>, Error> {
    let mut errors = Vec::new();
    let g = load::index(loaded, &mut errors);
    let mut referenced = BTreeSet::new();
    for doc in &loaded.docs {
        element_refs(doc, &mut referenced);
    }
    let roots = g.elements.keys().filter(|n| !referenced.contains(n.as_str())).cloned().collect();
    let mut names = BTreeSet::new();
    for n in g.elements.keys().chain(g.complex.keys()).chain(g.simple.keys()) {
        // An imported component's struct or enum has its local name.
        names.insert(local_part(n).to_owned());
    }
    let rust_names = names.iter().map(|n| naming::type_name(n)).collect();
    let mut l = Lower {
        sources: &loaded.sources,
        g,
        out: Vec::new(),
        errors,
        slot: 0,
        seq: 0,
        names,
        rust_names,
        hoisted: HashMap::new(),
        simple_done: HashMap::new(),
        busy: HashSet::new(),
        raw_busy: HashSet::new(),
        envelope: None,
        messages: Vec::new(),
        groups: 0,
        roots,
        namespace: loaded.namespace.clone(),
        saw_any: Vec::new(),
        qualified: loaded.qualified.clone(),
        attr_qualified: loaded.attr_qualified.clone(),
        imported: loaded.imported.clone(),
        file_ns: loaded.file_ns.clone(),
        substitutions: None,
        element_names: HashMap::new(),
    };
    l.name_imported_elements();
    let order = l.g.order.clone();
    for (slot, node) in order.into_iter().enumerate() {
        l.slot = slot;
        match node.local.as_str() {
            "element" if node.in_xs() => l.global_element(node),
            "simpleType" if node.in_xs() => {
                if let Some(name) = node.get("name") {
                    let key = loaded.key(l.ns_of(node), name);
                    l.named_simple(&key, node.span);
                }
            }
            // Named complex types, groups and attributes are templates: lowered where used.
            _ => {}
        }
    }
    let key = |name: &str| element_key(loaded.namespace.as_deref(), name);
    // Global elements of imported namespaces are no document roots of this module.
    let Lower { mut out, errors, mut messages, g, .. } = l;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    out.sort_by_key(|(k, _)| *k);
    let mut types: Vec<TypeDef> = out.into_iter().map(|(_, t)| t).collect();
    if loaded.namespace.is_some() {
        // No envelope names the messages of a namespaced schema (GPX, XML Signature): any global
        // element can be a document's root.
        messages.extend(g.elements.keys().filter(|n| !n.starts_with('{')).cloned());
    }
    for m in messages {
        if let Some(t) = types.iter_mut().find(|t| t.name == m && matches!(t.kind, TypeKind::Struct(_))) {
            t.message.get_or_insert(MessageKey::Element(key(&m)));
        }
    }
    distinct_rust_names(&mut types);
    Ok(types)
}

/// XSD names are case-sensitive and may be punctuation (`TextType` and `textType`, the
/// enumeration values `+` and `-`), Rust identifiers made from them are not: where two would
/// be one identifier, the later one gets another (punctuation spelled out, else a number), so
/// that the schema compiles instead of being refused.
fn distinct_rust_names(types: &mut [TypeDef]) {
    fn free(base: &str, taken: &BTreeSet<String>) -> String {
        (2..).map(|i| format!("{base}{i}")).find(|n| !taken.contains(n)).expect("a free name")
    }
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let all: Vec<String> =
        types.iter().map(|t| t.rust_name.clone().unwrap_or_else(|| naming::type_name(&t.name))).collect();
    for (t, rust) in types.iter_mut().zip(all) {
        if taken.contains(&rust) {
            let other = free(&rust, &taken);
            t.rust_name = Some(other.clone());
            taken.insert(other);
        } else {
            taken.insert(rust);
        }
        if let TypeKind::Enum(e) = &mut t.kind {
            let mut used = BTreeSet::new();
            for v in &mut e.variants {
                // A value of punctuation alone (`+`) has no word to make a name of: spelled out.
                if v.rust_name.is_none() && !v.name.chars().any(char::is_alphanumeric) && !v.name.is_empty() {
                    v.rust_name = Some(naming::variant_name(&spell_punctuation(&v.name)));
                }
                let rust = v.rust_name.clone().unwrap_or_else(|| naming::variant_name(&v.name));
                if used.insert(rust.clone()) {
                    continue;
                }
                let spelled = naming::variant_name(&spell_punctuation(&v.name));
                let other = if used.contains(&spelled) { free(&rust, &used) } else { spelled };
                used.insert(other.clone());
                v.rust_name = Some(other);
            }
        }
    }
}

/// `+` → ` plus `, `-` → ` minus `…: an enumeration value made of punctuation, in words.
fn spell_punctuation(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '+' => " plus ".to_owned(),
            '-' => " minus ".to_owned(),
            '*' => " star ".to_owned(),
            '/' => " slash ".to_owned(),
            '.' => " dot ".to_owned(),
            '=' => " equals ".to_owned(),
            '#' => " hash ".to_owned(),
            '@' => " at ".to_owned(),
            '%' => " percent ".to_owned(),
            '&' => " and ".to_owned(),
            '<' => " less ".to_owned(),
            '>' => " greater ".to_owned(),
            ':' => " colon ".to_owned(),
            ' ' => " space ".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// The local name of a global component's index key (`{ns}local` for an imported one's).
pub fn local_part(key: &str) -> &str {
    match key.strip_prefix('{').and_then(|k| k.split_once('}')) {
        Some((_, local)) => local,
        None => key,
    }
}

/// The wire name of an element: `{namespace}local` in a namespaced schema (see `ir::Key::Element`).
pub fn element_key(namespace: Option<&str>, local: &str) -> String {
    match namespace {
        Some(ns) => format!("{{{ns}}}{local}"),
        None => local.to_owned(),
    }
}

/// Every `ref` of an `xs:element` in a file.
fn element_refs(node: &Node, out: &mut BTreeSet<String>) {
    if node.is_xs("element") {
        if let Some(r) = node.get("ref").and_then(|r| node.resolve(r).ok()) {
            out.insert(r.local);
        }
        // A member of a substitution group is used where its head is referenced.
        if let Some(name) = node.get("substitutionGroup").and(node.get("name")) {
            out.insert(name.to_owned());
        }
    }
    for c in &node.children {
        element_refs(c, out);
    }
}

impl<'a> Lower<'a> {
    pub fn err(&mut self, span: Span, msg: impl Into<String>) {
        let e = SchemaError::at(self.sources, span, msg);
        self.errors.push(e);
    }

    /// A sort position for a type about to be emitted (taken before lowering what it contains,
    /// so a type sorts before the types hoisted out of it).
    pub fn reserve(&mut self) -> (usize, usize) {
        self.seq += 1;
        (self.slot, self.seq)
    }

    pub fn emit(&mut self, key: (usize, usize), def: TypeDef) {
        self.out.push((key, def));
    }

    /// Takes `preferred` if neither it nor its Rust name is in use, else `fallback`, else
    /// `fallback-2`, `fallback-3`, ...
    pub fn unique_name(&mut self, preferred: &str, fallback: &str) -> String {
        let mut candidates = vec![preferred.to_owned(), fallback.to_owned()];
        candidates.extend((2..).map(|i| format!("{fallback}-{i}")).take(1000));
        for c in candidates {
            let rust = naming::type_name(&c);
            if !self.names.contains(&c) && !self.rust_names.contains(&rust) {
                self.names.insert(c.clone());
                self.rust_names.insert(rust);
                return c;
            }
        }
        fallback.to_owned()
    }

    /// Whether a global element's struct has the Rust name `name` would get.
    pub fn element_takes(&self, name: &str) -> bool {
        let rust = naming::type_name(name);
        self.g.elements.keys().any(|e| naming::type_name(e) == rust)
    }

    /// Whether the module's own namespace has a global element or named type called `local`
    /// (so an imported component of that name takes another).
    pub fn own_name(&self, local: &str) -> bool {
        self.g.elements.contains_key(local) || self.g.complex.contains_key(local) || self.g.simple.contains_key(local)
    }

    /// Whether `name` is a global element (so a type of that name is the element's).
    pub fn is_global_element(&self, name: &str) -> bool {
        self.g.elements.contains_key(name)
    }

    /// Resolves a QName attribute of `node`, reporting failures at the attribute.
    pub fn qname(&mut self, node: &Node, attr: &str) -> Option<(QName, Span)> {
        let a = node.attr(attr)?;
        match node.resolve(&a.value) {
            Ok(q) => Some((q, a.span)),
            Err(msg) => {
                let span = a.span;
                self.err(span, msg);
                None
            }
        }
    }

    /// The wire name of an element declared in `decl`'s file (its target namespace).
    pub fn element_key(&self, decl: &Node, local: &str) -> String {
        element_key(self.ns_of(decl), local)
    }

    /// The target namespace of the file `node` is in.
    pub fn ns_of(&self, node: &Node) -> Option<&str> {
        self.file_ns.get(node.span.file).and_then(|n| n.as_deref())
    }

    /// The index key of a global component named `q` whose schema was read (see
    /// `Loaded::key`), without reporting anything.
    pub fn key_of(&self, q: &QName) -> Option<String> {
        let ns = q.ns.as_deref();
        if ns == self.namespace.as_deref() {
            return Some(q.local.clone());
        }
        self.file_ns.iter().any(|f| f.as_deref() == ns).then(|| format!("{{{}}}{}", ns.unwrap_or(""), q.local))
    }

    /// A name in the schema's target namespace (a component of this schema), or an error at
    /// `span`.
    pub fn local_name(&mut self, q: &QName, span: Span) -> Option<String> {
        if q.ns.as_deref() != Some(XS) {
            if let Some(key) = self.key_of(q) {
                return Some(key);
            }
        }
        match q.ns.as_deref() {
            Some(XS) => {
                self.err(span, format!("xs:{} is not a component of this kind", q.local));
                None
            }
            found => {
                let import = found.and_then(|n| self.imported.iter().find(|(i, _)| i == n)).map(|(_, at)| *at);
                let found = found.map_or("no namespace".to_owned(), |n| format!("namespace `{n}`"));
                let own = self.namespace.as_deref().map_or("no namespace".to_owned(), |n| format!("`{n}`"));
                let e = match import {
                    Some(at) => SchemaError::at(
                        self.sources,
                        span,
                        format!("`{}` is in the imported {found}: components of another namespace are not compiled", q.local),
                    )
                    .note(self.sources, at, "imported here")
                    .help("a module compiles one namespace: compile the other schema as its own module, or take its elements with xs:any (kept raw)"),
                    None => SchemaError::at(
                        self.sources,
                        span,
                        format!("`{}` is in {found}, but this schema's components are in {own}", q.local),
                    )
                    .help("check the prefix: a module compiles the components of one namespace"),
                };
                self.errors.push(e);
                None
            }
        }
    }

    /// Whether the local element declaration `node` is in its file's target namespace
    /// (`form`, else the file's `elementFormDefault`); unqualified, the most common XSD style,
    /// it is in no namespace although the schema has one.
    pub fn local_form_qualified(&self, node: &Node) -> bool {
        match node.get("form").map(str::trim) {
            Some("qualified") => true,
            Some(_) => false,
            None => self.qualified.get(node.span.file).copied().unwrap_or(false),
        }
    }

    /// Whether the local attribute declarations of `node`'s file are qualified by default
    /// (`attributeFormDefault="qualified"`).
    pub fn attr_qualified(&self, node: &Node) -> bool {
        self.attr_qualified.get(node.span.file).copied().unwrap_or(false)
    }

    /// A fresh id for a repeated group.
    pub fn next_group(&mut self) -> u32 {
        self.groups += 1;
        self.groups
    }

    /// `minOccurs`/`maxOccurs` of a particle.
    pub fn occurs(&mut self, node: &Node) -> Occ {
        let min = match node.attr("minOccurs") {
            None => 1,
            Some(a) => match a.value.trim().parse::<u64>() {
                Ok(n) => n,
                Err(_) => {
                    let (span, v) = (a.span, a.value.clone());
                    self.err(span, format!("minOccurs `{v}` is not a non-negative integer"));
                    1
                }
            },
        };
        let max = match node.attr("maxOccurs") {
            None => Some(1),
            Some(a) if a.value.trim() == "unbounded" => None,
            Some(a) => match a.value.trim().parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    let (span, v) = (a.span, a.value.clone());
                    self.err(span, format!("maxOccurs `{v}` is not a non-negative integer or `unbounded`"));
                    Some(1)
                }
            },
        };
        if max.is_some_and(|m| m < min) {
            self.err(node.span, format!("maxOccurs is less than minOccurs ({min})"));
            return (min, Some(min));
        }
        (min, max)
    }

    /// Checks the attributes of an element declaration that have no mapping.
    pub fn check_element_decl(&mut self, node: &Node) {
        if node.get("name").is_some() && node.get("ref").is_some() {
            self.err(node.span, "an element has either a name or a ref, not both");
        }
    }

    /// Names the structs of imported global elements whose local name is taken by a global
    /// element of this namespace or of an import read before: `<prefix>-<local>`, the prefix
    /// the element's own file binds to its namespace (`dc-title`).
    fn name_imported_elements(&mut self) {
        let mut imported: Vec<(String, &'a Node)> =
            self.g.elements.iter().filter(|(k, _)| k.starts_with('{')).map(|(k, n)| (k.clone(), *n)).collect();
        imported.sort_by_key(|(_, n)| (n.span.file, n.span.start));
        let mut taken: BTreeSet<String> = self.g.elements.keys().filter(|k| !k.starts_with('{')).cloned().collect();
        for (key, node) in imported {
            let local = local_part(&key).to_owned();
            if taken.insert(local.clone()) {
                continue;
            }
            let ns = self.ns_of(node).unwrap_or_default();
            let prefix = node.scope.iter().find(|(p, uri)| !p.is_empty() && uri.as_str() == ns).map(|(p, _)| p.clone());
            let fallback = format!("{local}-element");
            let preferred = prefix.map_or_else(|| fallback.clone(), |p| format!("{p}-{local}"));
            let name = self.unique_name(&preferred, &fallback);
            self.element_names.insert(key, name);
        }
    }

    /// The struct name of the global element `local` declared by `decl` (see
    /// `Lower::name_imported_elements`).
    pub fn element_type_name(&self, decl: &Node, local: &str) -> String {
        let key = match self.ns_of(decl) {
            ns if ns == self.namespace.as_deref() => return local.to_owned(),
            ns => format!("{{{}}}{local}", ns.unwrap_or("")),
        };
        self.element_names.get(&key).cloned().unwrap_or_else(|| local.to_owned())
    }

    fn global_element(&mut self, node: &'a Node) {
        self.check_element_decl(node);
        if let Some((q, span)) = self.qname(node, "substitutionGroup") {
            if let Some(h) = self.local_name(&q, span).filter(|h| !self.g.elements.contains_key(h)) {
                self.err(span, format!("unresolved substitution group head `{h}`"));
            }
        }
        let Some(name) = node.get("name") else { return };
        let enum_name = format!("{name}-type");
        match self.element_kind(node, &enum_name, &enum_name) {
            ElemKind::Complex(ct) => {
                let key = self.reserve();
                // The MOS envelope; a namespaced schema has none (its global elements are roots).
                let envelope = self.namespace.is_none() && self.roots.contains(name);
                let saved = std::mem::replace(&mut self.envelope, envelope.then(|| name.to_owned()));
                let mut fields = self.new_struct_fields(ct, name);
                self.envelope = saved;
                self.content_default(node, &mut fields);
                let mut docs = docs(node);
                if docs.is_empty() {
                    docs = self::docs(ct);
                }
                let kind = TypeKind::Struct(self.element_struct(fields));
                let name = self.element_type_name(node, name);
                self.emit(
                    key,
                    TypeDef { rust_name: None, external: None, name, docs, span: node.span, message: None, kind },
                );
            }
            // Raw and simple global elements are no types: references to them carry their type.
            ElemKind::Raw | ElemKind::Simple(_) => {}
        }
    }

    /// The fields of a new struct: derivations and groups being expanded around it do not
    /// count as cycles in it (a type derived from a type that contains it, a group that
    /// contains itself through an element: the hoisted struct stands for the recursion).
    pub fn new_struct_fields(&mut self, ct: &'a Node, parent: &str) -> Vec<Field> {
        let outer = std::mem::take(&mut self.busy);
        let fields = self.struct_fields(ct, parent);
        self.busy = outer;
        fields
    }

    /// How the content of an element declaration maps. `preferred`/`fallback` name an anonymous
    /// enumeration hoisted out of it.
    pub fn element_kind(&mut self, node: &'a Node, preferred: &str, fallback: &str) -> ElemKind<'a> {
        let inline_complex = node.xs_child("complexType");
        let inline_simple = node.xs_child("simpleType");
        for c in node.content() {
            if !(c.is_xs("complexType")
                || c.is_xs("simpleType")
                || c.is_xs("key")
                || c.is_xs("keyref")
                || c.is_xs("unique"))
            {
                self.err(c.span, format!("<{}> is not supported inside xs:element", c.display_name()));
            }
        }
        let typed = node.attr("type").is_some();
        if usize::from(typed) + usize::from(inline_complex.is_some()) + usize::from(inline_simple.is_some()) > 1 {
            self.err(node.span, "an element has one type: a type attribute or one inline type");
        }
        if let Some((q, span)) = self.qname(node, "type") {
            return self.type_ref(&q, span);
        }
        if let Some(ct) = inline_complex {
            return if self.raw_element(ct) { ElemKind::Raw } else { ElemKind::Complex(ct) };
        }
        if let Some(st) = inline_simple {
            return ElemKind::Simple(self.anonymous_simple(st, preferred, fallback));
        }
        if typed {
            // The type attribute failed to resolve; already reported.
            return ElemKind::Simple(Ty::prim(crate::ir::Prim::Text));
        }
        ElemKind::Raw // no type at all: xs:anyType
    }

    /// The content kind of a `type="..."` reference.
    fn type_ref(&mut self, q: &QName, span: Span) -> ElemKind<'a> {
        if q.ns.as_deref() == Some(XS) {
            if q.local == "anyType" {
                return ElemKind::Raw;
            }
            return ElemKind::Simple(self.builtin_or_error(&q.local, span));
        }
        let Some(name) = self.local_name(q, span) else {
            return ElemKind::Simple(Ty::prim(crate::ir::Prim::Text));
        };
        if let Some(&ct) = self.g.complex.get(name.as_str()) {
            return if self.raw_element(ct) { ElemKind::Raw } else { ElemKind::Complex(ct) };
        }
        if self.g.simple.contains_key(name.as_str()) {
            return ElemKind::Simple(self.named_simple(&name, span));
        }
        self.err(span, format!("unresolved type `{name}`"));
        ElemKind::Simple(Ty::prim(crate::ir::Prim::Text))
    }

    /// Gives every field of a struct a distinct Rust name: a clashing attribute becomes
    /// `<name>-attr`, anything else `<name>-2`, `<name>-3`, ...
    pub fn distinct_field_names(fields: &mut [Field]) {
        let mut seen = BTreeSet::new();
        for f in fields.iter_mut() {
            if seen.insert(naming::field_name(&f.name)) {
                continue;
            }
            let base = f.name.clone();
            let mut candidates = Vec::new();
            if matches!(f.key, Key::Attribute(_)) {
                candidates.push(format!("{base}-attr"));
            }
            candidates.extend((2..1000).map(|i| format!("{base}-{i}")));
            for c in candidates {
                if seen.insert(naming::field_name(&c)) {
                    f.name = c;
                    break;
                }
            }
        }
    }
}

/// The `xs:documentation` of a declaration: trimmed, non-empty lines.
pub fn docs(node: &Node) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(a) = node.xs_child("annotation") {
        for d in a.children.iter().filter(|d| d.is_xs("documentation")) {
            let text = d.deep_text();
            // Tabs inside a line (SCTE 35 lays out tables with them) become spaces: rustdoc
            // and clippy want no tabs in doc comments.
            out.extend(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| l.replace('\t', "    ")));
        }
    }
    out
}
