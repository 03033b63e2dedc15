//! The schema model every front end produces and every back end prints.
//!
//! One model for CDDL and XSD: named types in schema order, each a struct (a CBOR map, a CBOR
//! array or an XML element), an enumeration of literal values, a choice between types, or an
//! alias. Inline types in the schema are hoisted by the front end into named types with stable
//! names, so a [`Ty`] only ever refers to a type by name. Wire keys, occurrences and constraints
//! stay in the schema's own terms; naming for Rust happens in the back end.

use std::collections::{BTreeMap, BTreeSet};

/// A compiled set of schema files.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// The module the back end emits (`openscreen`, `mos`).
    pub name: String,
    /// The wire format the types are encoded in.
    pub wire: Wire,
    /// Every file read, for diagnostics and the output header's hash.
    pub sources: Vec<Source>,
    /// The types, in schema order.
    pub types: Vec<TypeDef>,
}

/// The wire format of a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// CBOR items, framed by type keys (Open Screen).
    Cbor,
    /// XML elements, dispatched by element name (MOS).
    Xml,
}

/// One schema file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The path as given by the user (kept relative so output does not depend on the checkout).
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// A byte range in one of [`Schema::sources`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    /// Index into [`Schema::sources`].
    pub file: usize,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset after the last byte.
    pub end: usize,
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The schema's name (`agent-info`, `roCreate`); hoisted inline types get a derived name.
    pub name: String,
    /// The Rust identifier, where it is not derived from [`TypeDef::name`] (a derived type's own
    /// identifier, or a rename asked of the generator).
    pub rust_name: Option<String>,
    /// Set when the type already exists in Rust at this path (a standard Open Screen type an
    /// extension schema builds on): references use the path and nothing is emitted for it.
    pub external: Option<String>,
    /// Documentation lines from the schema's comments.
    pub docs: Vec<String>,
    /// Where the type is defined.
    pub span: Span,
    /// Set when the type is a message that travels on its own.
    pub message: Option<MessageKey>,
    /// What the type is.
    pub kind: TypeKind,
}

impl TypeDef {
    /// The content of a rule that is a tagged type (`SUIT_Envelope_Tagged = #6.107(SUIT_Envelope)`,
    /// `time = #6.1(number)`): such a rule is its own type, a newtype over the content that
    /// reads and writes its tag, not another name for the content. Only then does the tag stay
    /// on the wire where the type is decoded on its own, and a tag around it (`#6.13(inner)`)
    /// nests instead of replacing it. `T / null` under a tag stays an alias.
    pub fn tagged(&self) -> Option<&Ty> {
        match &self.kind {
            TypeKind::Alias(ty) if ty.tag.is_some() && !ty.nullable => Some(ty),
            _ => None,
        }
    }
}

/// How a message is recognised on the wire.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum MessageKey {
    /// An Open Screen type key, written as a QUIC varint before the CBOR item.
    TypeKey(u64),
    /// An XML element name under the envelope.
    Element(String),
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// Named fields: a CBOR map, a positional CBOR array or an XML element.
    Struct(Struct),
    /// One of a set of literal values.
    Enum(Enum),
    /// One of several types, told apart on the wire.
    Choice(Choice),
    /// Another name for a type.
    Alias(Ty),
}

/// A type with named fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// How the fields are laid out on the wire.
    pub layout: Layout,
    /// The fields, in schema order (which is the encoding order for arrays and XML).
    pub fields: Vec<Field>,
    /// The Rust field that keeps what the schema does not know, if the struct keeps it: the
    /// entries of unknown keys of a CBOR map (`osmos::cbor::UnknownKeys`, opt-in, for proxies),
    /// or the unknown and surplus child elements of an XML element with their positions
    /// (`osmos::xml::UnknownElements`), written back in place so nothing a vendor sent is lost.
    pub unknown: Option<String>,
    /// A typed table (`* K => V`, `+ tstr => T`): the map's entries whose keys are none of the
    /// fields' keys but decode as `K`, kept in wire order (CBOR maps only).
    pub table: Option<Box<Table>>,
}

/// The entries of a map beyond its fixed fields whose keys and values have a type
/// (`* K => V`). Kept as a list of pairs in wire order, not a `BTreeMap`: a key type need not
/// be `Ord` (arrays, choices, floats), and the encoder sorts by encoded key bytes anyway, as
/// deterministic encoding demands. Duplicate keys are rejected on both sides.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The Rust field's schema-style name (`entries`, or the group the table came from).
    pub name: String,
    /// The key type.
    pub key: Ty,
    /// The value type.
    pub value: Ty,
    /// Minimum number of entries.
    pub min: u64,
    /// Maximum number of entries, if bounded.
    pub max: Option<u64>,
    /// Where the table's entry is declared.
    pub span: Span,
    /// The map's further tables (`{ * tstr => int, * int => text }`), each its own Rust field;
    /// their key types start with major types no other table's can, so a key belongs to one.
    /// Kept under the first table so that a map with one table, the common case, is one
    /// `Option` on [`Struct`]; read them all through [`Struct::tables`].
    pub more: Vec<Table>,
}

impl Struct {
    /// The map's tables, the first and its [`Table::more`], in schema order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> + '_ {
        self.table.iter().flat_map(|t| std::iter::once(&**t).chain(&t.more))
    }
}

/// The wire layout of a [`Struct`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A CBOR map keyed by [`Key::Int`] or [`Key::Text`].
    Map,
    /// A CBOR array; fields are [`Key::Position`], trailing optional fields may be absent.
    Array,
    /// An XML element; fields are child elements, attributes, or the text content.
    Element,
    /// A CBOR group whose items are spliced into the enclosing array, never an item of its own:
    /// one element of a repeated group in an array (SUIT's `[+ (key, value) // …]` commands);
    /// fields are [`Key::Position`] within the group.
    Group,
}

/// A field of a [`Struct`].
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The schema's name for the field (`connection-id`, `roSlug`).
    pub name: String,
    /// The Rust identifier, where it is not derived from [`Field::name`].
    pub rust_name: Option<String>,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// Where the value sits on the wire.
    pub key: Key,
    /// The value's type.
    pub ty: Ty,
    /// How often the field occurs.
    pub occur: Occur,
    /// Fields that repeat together as one group (an XSD repeated sequence such as roAck's
    /// `(storyID, itemID, objID, itemChannel?, status)*`) share an id: the i-th values of its
    /// members belong together, and are written group by group.
    pub group: Option<u32>,
    /// Where the field is declared.
    pub span: Span,
}

/// The wire key of a field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    /// An integer map key.
    Int(i64),
    /// A text map key.
    Text(String),
    /// A position in an array.
    Position(usize),
    /// A child element: its name, or `{namespace}local` (James Clark's notation) for an element
    /// in a namespace (an XSD with a `targetNamespace`). The same notation names namespaced
    /// elements in [`ChoiceVariant::element`] and [`MessageKey::Element`].
    Element(String),
    /// An attribute.
    Attribute(String),
    /// The element's own text content (simple content or raw mixed content).
    Content,
    /// One child element out of several (an `xs:choice` of elements): the field's type is a
    /// [`TypeKind::Choice`] whose variants name their [`ChoiceVariant::element`].
    Choice,
    /// Every attribute no other field takes (namespace declarations, attributes of other
    /// namespaces), kept as they came: a field of type `osmos::xml::OtherAttributes`.
    AnyAttribute,
    /// The child elements no other field takes where the schema allows any (`xs:any`), kept in
    /// place in lenient and strict mode alike: a field of type `osmos::xml::UnknownElements`,
    /// which then stands for [`Struct::unknown`] (the struct has no other). The wildcards say
    /// which namespaces the elements may be of (one of them must take an element; strict mode
    /// reports one none takes).
    AnyElement(Vec<Wildcard>),
}

/// The namespaces an `xs:any` takes elements of (its `namespace` attribute).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Wildcard {
    /// `##any` (the default): every namespace, and none.
    Any,
    /// A list: elements of one of these namespaces (`""` for none: `##local`;
    /// `##targetNamespace` is written out).
    In(Vec<String>),
    /// `##other`: elements of a namespace other than this one (the target namespace); not
    /// elements of no namespace.
    Other(String),
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Int(i) => write!(f, "key {i}"),
            Key::Text(t) => write!(f, "key \"{t}\""),
            Key::Position(p) => write!(f, "position {p}"),
            Key::Element(e) => write!(f, "element `<{e}>`"),
            Key::Attribute(a) => write!(f, "attribute `{a}`"),
            Key::Content => f.write_str("text content"),
            Key::Choice => f.write_str("one of several elements"),
            Key::AnyAttribute => f.write_str("the other attributes"),
            Key::AnyElement(_) => f.write_str("any other elements"),
        }
    }
}

/// How often a field occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    /// Exactly once.
    One,
    /// Zero or one time.
    Optional,
    /// Repeated (XML elements; CBOR repetition is expressed with [`TyKind::List`]).
    Many {
        /// Minimum count.
        min: u64,
        /// Maximum count, if bounded.
        max: Option<u64>,
    },
}

/// A value type with its constraints.
#[derive(Debug, Clone, PartialEq)]
pub struct Ty {
    /// The underlying type.
    pub kind: TyKind,
    /// `T / null`: null is a distinct value from absence.
    pub nullable: bool,
    /// A CBOR tag that wraps the value (`#6.n(T)`).
    pub tag: Option<u64>,
    /// Checks on the value.
    pub constraints: Vec<Constraint>,
    /// The schema's default value, for absent optional fields.
    pub default: Option<Literal>,
}

impl Ty {
    /// A plain type with no constraints.
    pub fn new(kind: TyKind) -> Self {
        Ty { kind, nullable: false, tag: None, constraints: Vec::new(), default: None }
    }

    /// A plain primitive.
    pub fn prim(p: Prim) -> Self {
        Ty::new(TyKind::Prim(p))
    }

    /// A reference to a named type.
    pub fn named(name: impl Into<String>) -> Self {
        Ty::new(TyKind::Named(name.into()))
    }
}

/// The underlying kind of a [`Ty`].
#[derive(Debug, Clone, PartialEq)]
pub enum TyKind {
    /// A built-in type.
    Prim(Prim),
    /// A named type in the same schema.
    Named(String),
    /// A Rust type outside the schema, named by its path (a derived type's field of a type the
    /// derive cannot see into). Its codec is whatever its `Decode`/`Encode` impls do.
    Rust {
        /// The type as written, lifetimes included (`my::Payload<'a>`).
        path: String,
        /// Whether it borrows from the input (carries the `'a` lifetime).
        borrows: bool,
    },
    /// A homogeneous list (`[* T]`, `[1* T]`, `[2*4 T]`).
    List {
        /// The element type.
        item: Box<Ty>,
        /// Minimum count.
        min: u64,
        /// Maximum count, if bounded.
        max: Option<u64>,
    },
}

/// Built-in types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prim {
    /// Unsigned integer (`uint`).
    Uint,
    /// Negative integer (`nint`).
    Nint,
    /// Signed integer (`int`).
    Int,
    /// Floating point; `bits` is the widest width accepted (16, 32 or 64).
    Float {
        /// 16, 32 or 64.
        bits: u8,
    },
    /// `bool`.
    Bool,
    /// UTF-8 text.
    Text,
    /// A byte string.
    Bytes,
    /// Any single CBOR item, kept raw; or any XML content, kept raw.
    Any,
    /// `null` on its own.
    Null,
    /// `undefined` (CBOR simple value 23), `osmos::cbor::Undefined`.
    Undefined,
    /// A text value with its own grammar, parsed by a runtime type (XSD simple types such as
    /// MOS time); the string is the runtime type's path below `osmos::`.
    TextValue(String),
}

/// A literal value from the schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// An integer.
    Int(i128),
    /// A float.
    Float(f64),
    /// A text string.
    Text(String),
    /// A byte string.
    Bytes(Vec<u8>),
    /// A boolean.
    Bool(bool),
}

/// A bound of a range constraint.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    /// The limit (an [`Literal::Int`] or [`Literal::Float`]).
    pub value: Literal,
    /// Whether the limit itself is allowed.
    pub inclusive: bool,
}

/// A check on a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    /// Encoded length in bytes of text or bytes (`.size`), or of an integer (`uint .size 4`).
    Size {
        /// Minimum.
        min: u64,
        /// Maximum, if bounded.
        max: Option<u64>,
    },
    /// Length of text in characters (XSD `length`/`minLength`/`maxLength`).
    Chars {
        /// Minimum.
        min: u64,
        /// Maximum, if bounded.
        max: Option<u64>,
    },
    /// Numeric range (`a..b`, `.lt`, `.le`, `.gt`, `.ge`, XSD bounds).
    Range {
        /// Lower bound.
        min: Option<Bound>,
        /// Upper bound.
        max: Option<Bound>,
    },
    /// A regular expression the text must match (kept for docs and validators).
    Pattern(String),
}

/// An enumeration of literal values.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// The variants, in schema order.
    pub variants: Vec<EnumVariant>,
}

/// One value of an [`Enum`].
#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    /// The schema's name for the value (the value itself for XSD enumerations).
    pub name: String,
    /// The Rust identifier, where it is not derived from [`EnumVariant::name`].
    pub rust_name: Option<String>,
    /// The value on the wire.
    pub value: Literal,
    /// Documentation lines.
    pub docs: Vec<String>,
}

/// A choice between types.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The alternatives, in schema order.
    pub variants: Vec<ChoiceVariant>,
}

/// One alternative of a [`Choice`].
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceVariant {
    /// A name for the alternative (derived from its type where the schema gives none).
    pub name: String,
    /// The Rust identifier, where it is not derived from [`ChoiceVariant::name`].
    pub rust_name: Option<String>,
    /// The alternative's type.
    pub ty: Ty,
    /// For XML: the element that selects this alternative.
    pub element: Option<String>,
}

/// How a decoder tells apart the map alternatives of a choice ([`Schema::map_dispatch`]):
/// all maps start alike, and maps skip keys they do not know, so trying them in order would
/// let the first one take everything.
#[derive(Debug, Clone, PartialEq)]
pub enum MapDispatch {
    /// Every alternative has this key, with literal values no other alternative has (BiDi's
    /// `method: "session.new"`, `type: "allowed"`).
    ByValue {
        /// The key.
        key: Key,
        /// Each alternative's values, in variant order.
        values: Vec<Vec<Literal>>,
    },
    /// Each alternative's key that no other alternative has, in variant order; `None` for the
    /// one alternative taken when no such key is present (CoSWID's `? (payload // evidence)`).
    ByKey(Vec<Option<Key>>),
    /// No key tells them apart, but each alternative before the last requires a key: tried in
    /// schema order, the first that decodes wins, as a CDDL validator matches (BiDi's
    /// `SharedReference` needs `sharedId`, `RemoteObjectReference` needs `handle`).
    InOrder,
}

impl Schema {
    /// The map struct a type is, through aliases (untagged, not nullable).
    pub fn map_struct(&self, ty: &Ty) -> Option<&Struct> {
        let mut ty = ty;
        for _ in 0..32 {
            if ty.tag.is_some() || ty.nullable {
                return None;
            }
            let TyKind::Named(n) = &ty.kind else { return None };
            match &self.get(n)?.kind {
                TypeKind::Struct(s) if s.layout == Layout::Map => return Some(s),
                TypeKind::Alias(inner) => ty = inner,
                _ => return None,
            }
        }
        None
    }

    /// The literal values a type allows, if it is an enumeration (through aliases).
    pub fn literal_values(&self, ty: &Ty) -> Option<Vec<Literal>> {
        let mut ty = ty;
        for _ in 0..32 {
            if ty.tag.is_some() || ty.nullable {
                return None;
            }
            let TyKind::Named(n) = &ty.kind else { return None };
            match &self.get(n)?.kind {
                TypeKind::Enum(e) => return Some(e.variants.iter().map(|v| v.value.clone()).collect()),
                TypeKind::Alias(inner) => ty = inner,
                _ => return None,
            }
        }
        None
    }

    /// How the map alternatives `maps` (each a [`Schema::map_struct`]) are told apart: a key all
    /// have with disjoint literal values, else a key of its own per alternative (one may have
    /// none: it is taken when no other's key is present). `Err` names the alternatives that
    /// cannot be told apart.
    pub fn map_dispatch(&self, maps: &[(&str, &Struct)]) -> Result<MapDispatch, String> {
        if let Some((_, first)) = maps.first() {
            'key: for f in &first.fields {
                let mut values: Vec<Vec<Literal>> = Vec::new();
                for (_, s) in maps {
                    let Some(g) = s.fields.iter().find(|g| g.key == f.key && g.occur == Occur::One) else {
                        continue 'key;
                    };
                    let Some(vals) = self.literal_values(&g.ty) else { continue 'key };
                    if values.iter().flatten().any(|v| vals.contains(v)) {
                        continue 'key;
                    }
                    values.push(vals);
                }
                return Ok(MapDispatch::ByValue { key: f.key.clone(), values });
            }
        }
        let mut keys = Vec::new();
        for (i, (_, s)) in maps.iter().enumerate() {
            let own = |f: &&Field| {
                maps.iter().enumerate().all(|(j, (_, o))| j == i || o.fields.iter().all(|g| g.key != f.key))
            };
            let mut candidates: Vec<&Field> = s.fields.iter().filter(own).collect();
            candidates.sort_by_key(|f| f.occur != Occur::One);
            keys.push(candidates.first().map(|f| f.key.clone()));
        }
        let without: Vec<&str> = maps.iter().zip(&keys).filter(|(_, k)| k.is_none()).map(|((n, _), _)| *n).collect();
        let requires = |s: &Struct| s.fields.iter().any(|f| f.occur == Occur::One);
        let in_order = maps[..maps.len() - 1].iter().all(|(_, s)| requires(s));
        if without.len() > 1 && in_order {
            return Ok(MapDispatch::InOrder);
        }
        // A key only one alternative has but need not hold (`by-text = (a: text, ? c: uint)`
        // beside `by-int = (a: int)`): a map without it may still be that alternative, so the
        // one without a key of its own is no fallback; try them in order.
        let optional_key = maps.iter().zip(&keys).any(|((_, s), k)| {
            k.as_ref().is_some_and(|k| s.fields.iter().any(|f| &f.key == k && f.occur != Occur::One))
        });
        if without.len() == 1 && optional_key && in_order {
            return Ok(MapDispatch::InOrder);
        }
        if without.len() > 1 {
            return Err(format!(
                "no key or key value tells the map alternatives {} apart",
                without.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        Ok(MapDispatch::ByKey(keys))
    }

    /// How a choice's alternatives `vs` are told apart when all are maps of the schema (two or
    /// more of them): [`Schema::map_dispatch`]; `None` otherwise or when nothing tells them
    /// apart (the checker reports that). The CBOR decoder and the JSON texts' reader share it.
    pub fn variants_dispatch(&self, vs: &[&ChoiceVariant]) -> Option<MapDispatch> {
        if vs.len() < 2 {
            return None;
        }
        let maps: Option<Vec<(&str, &Struct)>> =
            vs.iter().map(|v| self.map_struct(&v.ty).map(|s| (v.name.as_str(), s))).collect();
        self.map_dispatch(&maps?).ok()
    }

    /// The optional fields of structs through which a type contains itself (BiDi's
    /// `NodeProperties` ↔ `NodeRemoteValue`, an XSD type derived from a type that contains
    /// it), as (type, field index): the back ends box them, since the Rust type would
    /// otherwise have no finite size. Lists break cycles already.
    pub fn recursive_fields(&self) -> BTreeSet<(String, usize)> {
        let mut out = BTreeSet::new();
        let index = self.index();
        // The named types a value of `ty` holds inline (not through a list).
        let direct = |ty: &Ty| -> Option<usize> {
            match &ty.kind {
                TyKind::Named(n) => index.get(n.as_str()).copied(),
                _ => None,
            }
        };
        let edges = |t: &TypeDef| -> Vec<usize> {
            match &t.kind {
                TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .filter(|f| !matches!(f.occur, Occur::Many { .. }))
                    .filter_map(|f| direct(&f.ty))
                    .collect(),
                TypeKind::Choice(c) => c.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
                TypeKind::Alias(ty) => direct(ty).into_iter().collect(),
                TypeKind::Enum(_) => Vec::new(),
            }
        };
        let reaches = |from: usize, to: usize| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from];
            while let Some(i) = stack.pop() {
                if i == to {
                    return true;
                }
                if seen.insert(i) {
                    stack.extend(edges(&self.types[i]));
                }
            }
            false
        };
        // XML boxes a required field too (an XSD group that contains itself through an
        // element and a choice: `neg` holds an `expr`, which may be a `neg`).
        let boxable = |f: &Field| f.occur == Occur::Optional || (self.wire == Wire::Xml && f.occur == Occur::One);
        for (ti, t) in self.types.iter().enumerate() {
            let TypeKind::Struct(s) = &t.kind else { continue };
            for (fi, f) in s.fields.iter().enumerate() {
                if boxable(f) && direct(&f.ty).is_some_and(|d| reaches(d, ti)) {
                    out.insert((t.name.clone(), fi));
                }
            }
        }
        out
    }

    /// Looks a type up by its schema name.
    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }

    /// A map from name to index, for back ends that resolve many references.
    pub fn index(&self) -> BTreeMap<&str, usize> {
        self.types.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect()
    }

    /// The type-keyed or element-named messages, in schema order.
    pub fn messages(&self) -> impl Iterator<Item = (&TypeDef, &MessageKey)> {
        self.types.iter().filter_map(|t| t.message.as_ref().map(|k| (t, k)))
    }

    /// The CBOR major types a value of `ty` can start with; alternatives of a choice must not share one,
    /// or a decoder could not tell them apart without guessing.
    pub fn major_types(&self, ty: &Ty) -> BTreeSet<u8> {
        let mut out = BTreeSet::new();
        if ty.tag.is_some() {
            out.insert(6);
            return out;
        }
        if ty.nullable {
            out.insert(7);
        }
        match &ty.kind {
            TyKind::Prim(p) => out.extend(match p {
                Prim::Uint => vec![0],
                Prim::Nint => vec![1],
                Prim::Int => vec![0, 1],
                Prim::Float { .. } | Prim::Bool | Prim::Null | Prim::Undefined => vec![7],
                Prim::Text | Prim::TextValue(_) => vec![3],
                Prim::Bytes => vec![2],
                Prim::Any => (0..8).collect(),
            }),
            TyKind::List { .. } => {
                out.insert(4);
            }
            // Known only to the type's `Decode::MAJORS`; the emitter asks it at compile time.
            TyKind::Rust { .. } => {}
            TyKind::Named(n) => match self.get(n).map(|t| &t.kind) {
                Some(TypeKind::Struct(s)) => {
                    out.insert(if s.layout == Layout::Array { 4 } else { 5 });
                }
                Some(TypeKind::Alias(inner)) => out.extend(self.major_types(inner)),
                Some(TypeKind::Enum(e)) => {
                    for v in &e.variants {
                        out.insert(match &v.value {
                            Literal::Int(i) if *i < 0 => 1,
                            Literal::Int(_) => 0,
                            Literal::Text(_) => 3,
                            Literal::Bytes(_) => 2,
                            _ => 7,
                        });
                    }
                }
                Some(TypeKind::Choice(c)) => {
                    for v in &c.variants {
                        out.extend(self.major_types(&v.ty));
                    }
                }
                None => {}
            },
        }
        out
    }
}
