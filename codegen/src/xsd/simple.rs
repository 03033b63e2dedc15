//! Simple types: XSD built-ins, restrictions with their facets, enumerations, and the
//! `osmos:value` annotation that hands a text value to a runtime type.

use super::dom::{Node, QName, XS};
use super::lower::{docs, HoistKey, Lower};
use crate::ir::{Bound, Constraint, Enum, EnumVariant, Literal, Prim, Span, Ty, TyKind, TypeDef, TypeKind};

fn int_range(min: Option<i128>, max: Option<i128>) -> Constraint {
    let bound = |v: Option<i128>| v.map(|v| Bound { value: Literal::Int(v), inclusive: true });
    Constraint::Range { min: bound(min), max: bound(max) }
}

/// The runtime type of `xs:decimal`: a text value with numeric bounds.
pub const DECIMAL: &str = "xml::Decimal";

/// The type of an XSD built-in simple type.
pub fn builtin(local: &str) -> Option<Ty> {
    let ranged = |p: Prim, min: Option<i128>, max: Option<i128>| {
        let mut t = Ty::prim(p);
        t.constraints.push(int_range(min, max));
        t
    };
    Some(match local {
        "string" | "normalizedString" | "token" | "language" | "Name" | "NCName" | "ID" | "IDREF" | "IDREFS"
        | "ENTITY" | "ENTITIES" | "NMTOKEN" | "NMTOKENS" | "anyURI" | "QName" | "NOTATION" | "anySimpleType"
        | "anyAtomicType" | "dateTimeStamp" | "date" | "time" | "duration" | "dayTimeDuration"
        | "yearMonthDuration" | "gYearMonth" | "gMonth" | "gMonthDay" | "gDay" | "hexBinary" => Ty::prim(Prim::Text),
        // Values no Rust primitive holds exactly: runtime types that write back what they read.
        "decimal" => Ty::prim(Prim::TextValue(DECIMAL.into())),
        "dateTime" => Ty::prim(Prim::TextValue("xml::DateTime".into())),
        "gYear" => Ty::prim(Prim::TextValue("xml::GYear".into())),
        "base64Binary" => Ty::prim(Prim::TextValue("xml::Base64".into())),
        "boolean" => Ty::prim(Prim::Bool),
        "double" | "float" => Ty::prim(Prim::Float { bits: 64 }),
        "integer" | "long" => Ty::prim(Prim::Int),
        "int" => ranged(Prim::Int, Some(i32::MIN.into()), Some(i32::MAX.into())),
        "short" => ranged(Prim::Int, Some(i16::MIN.into()), Some(i16::MAX.into())),
        "byte" => ranged(Prim::Int, Some(i8::MIN.into()), Some(i8::MAX.into())),
        "nonPositiveInteger" => ranged(Prim::Int, None, Some(0)),
        "negativeInteger" => ranged(Prim::Int, None, Some(-1)),
        "nonNegativeInteger" | "unsignedLong" => Ty::prim(Prim::Uint),
        "positiveInteger" => ranged(Prim::Uint, Some(1), None),
        "unsignedInt" => ranged(Prim::Uint, None, Some(u32::MAX.into())),
        "unsignedShort" => ranged(Prim::Uint, None, Some(u16::MAX.into())),
        "unsignedByte" => ranged(Prim::Uint, None, Some(u8::MAX.into())),
        _ => return None,
    })
}

/// Facets of one restriction step.
#[derive(Default)]
struct Facets {
    enumeration: Vec<EnumVariant>,
    patterns: Vec<String>,
    chars: Option<(u64, Option<u64>)>,
    min: Option<(Bound, Span)>,
    max: Option<(Bound, Span)>,
}

impl<'a> Lower<'a> {
    pub fn builtin_or_error(&mut self, local: &str, span: Span) -> Ty {
        match builtin(local) {
            Some(t) => t,
            None => {
                self.err(span, format!("xs:{local} is not a simple type osmos maps"));
                Ty::prim(Prim::Text)
            }
        }
    }

    /// A reference to a simple type by name.
    pub fn simple_ref(&mut self, q: &QName, span: Span) -> Ty {
        if q.ns.as_deref() == Some(XS) {
            return self.builtin_or_error(&q.local, span);
        }
        let Some(name) = self.local_name(q, span) else { return Ty::prim(Prim::Text) };
        if self.g.simple.contains_key(name.as_str()) {
            return self.named_simple(&name, span);
        }
        if self.g.complex.contains_key(name.as_str()) {
            self.err(span, format!("`{name}` is a complex type; a simple type is needed here"));
        } else {
            self.err(span, format!("unresolved type `{name}`"));
        }
        Ty::prim(Prim::Text)
    }

    /// A named simple type: an enumeration becomes a type of that name (emitted in the type's
    /// own place in schema order); anything else is inlined where used.
    pub fn named_simple(&mut self, name: &str, at: Span) -> Ty {
        if let Some(t) = self.simple_done.get(name) {
            return t.clone();
        }
        let Some(&(node, slot)) = self.g.simple.get(name) else {
            self.err(at, format!("unresolved type `{name}`"));
            return Ty::prim(Prim::Text);
        };
        let key = (node.span.file, node.span.start);
        if !self.busy.insert(key) {
            self.err(node.span, format!("simple type `{name}` derives from itself"));
            return Ty::prim(Prim::Text);
        }
        // An enumeration sharing its name with a global element (a different symbol space in
        // XSD) takes a suffix: the element's struct owns the name. An imported one's is its
        // local name, unless this namespace has it.
        let local = super::lower::local_part(name);
        let imported = local != name;
        let enum_name =
            if self.is_global_element(name) || self.element_takes(local) || (imported && self.own_name(local)) {
                let wanted = format!("{local}-type");
                self.unique_name(&wanted, &wanted)
            } else if imported {
                local.to_owned()
            } else {
                name.to_owned()
            };
        let saved = std::mem::replace(&mut self.slot, slot);
        let ty = self.simple_def(node, EnumName::Named(enum_name));
        self.slot = saved;
        self.busy.remove(&key);
        self.simple_done.insert(name.to_owned(), ty.clone());
        ty
    }

    /// An inline `xs:simpleType`; an enumeration is hoisted as `preferred` or `fallback`.
    pub fn anonymous_simple(&mut self, node: &'a Node, preferred: &str, fallback: &str) -> Ty {
        let key = HoistKey::Decl(node.span.file, node.span.start);
        if let Some(n) = self.hoisted.get(&key) {
            return Ty::named(n.clone());
        }
        self.simple_def(node, EnumName::Hoisted(preferred.to_owned(), fallback.to_owned(), key))
    }

    fn simple_def(&mut self, node: &'a Node, enum_name: EnumName) -> Ty {
        if let Some(path) = self.value_annotation(node) {
            return Ty::prim(Prim::TextValue(path));
        }
        let mut body = node.content();
        let Some(d) = body.next() else {
            self.err(node.span, "an xs:simpleType needs an xs:restriction");
            return Ty::prim(Prim::Text);
        };
        if let Some(extra) = body.next() {
            self.err(
                extra.span,
                format!("<{}> is not allowed here: xs:simpleType has one derivation", extra.display_name()),
            );
        }
        match (d.in_xs(), d.local.as_str()) {
            (true, "restriction") => self.restriction(node, d, enum_name),
            (true, "list") => self.list(d, enum_name),
            // A value of any member type: kept as text (which member it is, the text tells).
            (true, "union") => {
                for c in d.content() {
                    if !c.is_xs("simpleType") {
                        self.err(c.span, format!("<{}> is not allowed in xs:union", c.display_name()));
                    }
                }
                if d.get("memberTypes").is_none() && d.xs_child("simpleType").is_none() {
                    self.err(d.span, "xs:union needs memberTypes or member simple types");
                }
                Ty::prim(Prim::Text)
            }
            _ => {
                self.err(d.span, format!("<{}> is not supported in xs:simpleType", d.display_name()));
                Ty::prim(Prim::Text)
            }
        }
    }

    /// `xs:list`: items of a simple type separated by whitespace, a `Vec` of the item type
    /// (`osmos::xml::XmlText` for `Vec<T>` reads and writes them).
    fn list(&mut self, l: &'a Node, enum_name: EnumName) -> Ty {
        let inline = l.xs_child("simpleType");
        let item = match (self.qname(l, "itemType"), inline) {
            (Some((q, span)), None) => self.simple_ref(&q, span),
            (None, Some(b)) => {
                let (p, f) = match &enum_name {
                    EnumName::Named(n) => (format!("{n}-item"), format!("{n}-item")),
                    EnumName::Hoisted(p, f, _) => (format!("{p}-item"), format!("{f}-item")),
                };
                self.anonymous_simple(b, &p, &f)
            }
            (Some(_), Some(_)) => {
                self.err(l.span, "an xs:list has an itemType attribute or an inline item type, not both");
                Ty::prim(Prim::Text)
            }
            (None, None) => {
                self.err(l.span, "xs:list needs an itemType");
                Ty::prim(Prim::Text)
            }
        };
        if matches!(item.kind, TyKind::List { .. } | TyKind::Prim(Prim::Any)) {
            self.err(l.span, "the items of an xs:list are atomic: a list of lists is not XML Schema");
        }
        Ty::new(TyKind::List { item: Box::new(item), min: 0, max: None })
    }

    /// A restriction of an `xs:list`: its length facets count items; nothing else applies to
    /// the list as a whole here.
    fn list_restriction(&mut self, r: &'a Node, mut list: Ty, attributes: bool) -> Ty {
        let facets = self.facets(r, &list, attributes);
        if let (Some((lo, hi)), TyKind::List { min, max, .. }) = (facets.chars, &mut list.kind) {
            *min = (*min).max(lo);
            *max = match (*max, hi) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        if !facets.enumeration.is_empty() || facets.min.is_some() || facets.max.is_some() {
            self.err(r.span, "a restriction of an xs:list takes length facets (and patterns) only");
        }
        list
    }

    fn restriction(&mut self, st: &'a Node, r: &'a Node, enum_name: EnumName) -> Ty {
        let inline_base = r.xs_child("simpleType");
        let base = match (self.qname(r, "base"), inline_base) {
            (Some((q, span)), None) => self.simple_ref(&q, span),
            (None, Some(b)) => {
                let (p, f) = enum_name.derived();
                self.anonymous_simple(b, &p, &f)
            }
            (Some(_), Some(_)) => {
                self.err(r.span, "a restriction has a base attribute or an inline base type, not both");
                Ty::prim(Prim::Text)
            }
            (None, None) => {
                if r.get("base").is_none() {
                    self.err(r.span, "xs:restriction needs a base");
                }
                Ty::prim(Prim::Text)
            }
        };
        self.restrict(st, r, base, enum_name)
    }

    /// The facets of restriction `r` (of `st`) applied to `base`: an enumeration is an enum
    /// type named by `enum_name`, other facets are constraints on the base type. Also the
    /// text of a restricted complex type with simple content (`xs:simpleContent`), whose
    /// attribute declarations beside the facets are not facets.
    pub fn restrict(&mut self, st: &'a Node, r: &'a Node, base: Ty, enum_name: EnumName) -> Ty {
        if matches!(base.kind, TyKind::List { .. }) {
            return self.list_restriction(r, base, st.is_xs("simpleContent"));
        }
        let facets = self.facets(r, &base, st.is_xs("simpleContent"));
        if !facets.enumeration.is_empty() {
            let name = match enum_name {
                EnumName::Named(n) => n,
                EnumName::Hoisted(p, f, key) => {
                    let n = self.unique_name(&p, &f);
                    self.hoisted.insert(key, n.clone());
                    n
                }
            };
            let k = self.reserve();
            let kind = TypeKind::Enum(Enum { variants: facets.enumeration });
            self.emit(
                k,
                TypeDef {
                    rust_name: None,
                    external: None,
                    name: name.clone(),
                    docs: docs(st),
                    span: st.span,
                    message: None,
                    kind,
                },
            );
            return Ty::named(name);
        }
        let mut ty = base;
        let decimal = matches!(&ty.kind, TyKind::Prim(Prim::TextValue(p)) if p == DECIMAL);
        if matches!(ty.kind, TyKind::Prim(Prim::TextValue(_))) && !decimal {
            // The runtime type's grammar is the check; lexical facets describe the same thing.
            return ty;
        }
        if let Some((min, max)) = facets.chars {
            let merged = match ty.constraints.iter().position(|c| matches!(c, Constraint::Chars { .. })) {
                Some(i) => {
                    let Constraint::Chars { min: a, max: b } = ty.constraints.remove(i) else { unreachable!() };
                    let max = match (b, max) {
                        (Some(x), Some(y)) => Some(x.min(y)),
                        (x, y) => x.or(y),
                    };
                    Constraint::Chars { min: a.max(min), max }
                }
                None => Constraint::Chars { min, max },
            };
            ty.constraints.push(merged);
        }
        match facets.patterns.as_slice() {
            [] => {}
            [one] => ty.constraints.push(Constraint::Pattern(one.clone())),
            // Patterns of one step are alternatives (XSD ORs them); steps AND.
            many => ty
                .constraints
                .push(Constraint::Pattern(many.iter().map(|p| format!("({p})")).collect::<Vec<_>>().join("|"))),
        }
        if facets.min.is_some() || facets.max.is_some() {
            let numeric =
                decimal || matches!(ty.kind, TyKind::Prim(Prim::Int | Prim::Uint | Prim::Nint | Prim::Float { .. }));
            if !numeric {
                let span = facets.min.as_ref().or(facets.max.as_ref()).map(|(_, s)| *s).unwrap_or(r.span);
                self.err(span, "numeric bounds need a numeric base type (xs:integer, xs:decimal, ...)");
            } else {
                let (mut lo, mut hi) = (None, None);
                if let Some(i) = ty.constraints.iter().position(|c| matches!(c, Constraint::Range { .. })) {
                    if let Constraint::Range { min, max } = ty.constraints.remove(i) {
                        (lo, hi) = (min, max);
                    }
                }
                if let Some((b, _)) = facets.min {
                    lo = Some(b);
                }
                if let Some((b, _)) = facets.max {
                    hi = Some(b);
                }
                ty.constraints.push(Constraint::Range { min: lo, max: hi });
            }
        }
        ty
    }

    /// The facets of restriction `r`; `attributes`: it restricts simple content, and may
    /// declare attributes too.
    fn facets(&mut self, r: &'a Node, base: &Ty, attributes: bool) -> Facets {
        let mut f = Facets::default();
        let integer = matches!(base.kind, TyKind::Prim(Prim::Int | Prim::Uint | Prim::Nint));
        for c in r.content() {
            // The base type inline; attributes of a restricted simple content type.
            if c.is_xs("simpleType") || c.is_xs("attribute") || c.is_xs("attributeGroup") || c.is_xs("anyAttribute") {
                if !c.is_xs("simpleType") && !attributes {
                    self.err(c.span, format!("<{}> is not allowed in xs:restriction", c.display_name()));
                }
                continue;
            }
            let value = c.get("value");
            if !c.in_xs() {
                self.err(c.span, format!("<{}> is not allowed in xs:restriction", c.display_name()));
                continue;
            }
            let needs_value = !matches!(c.local.as_str(), "assertion" | "assert");
            let Some(value) = value.filter(|_| needs_value) else {
                if needs_value {
                    self.err(c.span, format!("xs:{} needs a value", c.local));
                } else {
                    self.err(c.span, format!("xs:{} (XSD 1.1) is not supported", c.local));
                }
                continue;
            };
            let count = |l: &mut Lower, v: &str| match v.trim().parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    l.err(c.span, format!("xs:{} needs a non-negative integer, not `{v}`", c.local));
                    None
                }
            };
            match c.local.as_str() {
                "enumeration" => f.enumeration.push(EnumVariant {
                    rust_name: None,
                    name: value.to_owned(),
                    value: Literal::Text(value.to_owned()),
                    docs: docs(c),
                }),
                "pattern" => f.patterns.push(value.to_owned()),
                "length" => {
                    if let Some(n) = count(self, value) {
                        f.chars = Some((n, Some(n)));
                    }
                }
                "minLength" => {
                    if let Some(n) = count(self, value) {
                        f.chars = Some((n, f.chars.and_then(|c| c.1)));
                    }
                }
                "maxLength" => {
                    if let Some(n) = count(self, value) {
                        f.chars = Some((f.chars.map_or(0, |c| c.0), Some(n)));
                    }
                }
                "minInclusive" | "minExclusive" | "maxInclusive" | "maxExclusive" => {
                    let Some(lit) = self.number(value, integer, c.span) else { continue };
                    let bound = Bound { value: lit, inclusive: c.local.ends_with("Inclusive") };
                    if c.local.starts_with("min") {
                        f.min = Some((bound, c.span));
                    } else {
                        f.max = Some((bound, c.span));
                    }
                }
                // Lexical details and precision: no change to the value's shape.
                "whiteSpace" | "totalDigits" | "fractionDigits" => {}
                other => self.err(c.span, format!("the facet xs:{other} is not supported")),
            }
        }
        f
    }

    fn number(&mut self, text: &str, integer: bool, span: Span) -> Option<Literal> {
        let t = text.trim();
        let t = t.strip_prefix('+').unwrap_or(t);
        if integer {
            if let Ok(i) = t.parse::<i128>() {
                return Some(Literal::Int(i));
            }
        } else if let Ok(x) = t.parse::<f64>() {
            return Some(Literal::Float(x));
        }
        self.err(span, format!("`{text}` is not a valid bound for this type"));
        None
    }

    /// The `osmos:value type="..."` annotation of a simple type (any element called `value` in
    /// its `xs:appinfo`): the runtime type's path below `osmos::`.
    fn value_annotation(&mut self, node: &Node) -> Option<String> {
        let annotation = node.xs_child("annotation")?;
        for appinfo in annotation.children.iter().filter(|c| c.is_xs("appinfo")) {
            for v in appinfo.children.iter().filter(|c| c.local == "value") {
                let Some(path) = v.attr("type") else {
                    self.err(v.span, "an osmos value annotation needs type=\"path::To::Type\"");
                    continue;
                };
                if syn::parse_str::<syn::Path>(&path.value).is_err() || path.value.trim().starts_with("::") {
                    let (span, p) = (path.span, path.value.clone());
                    self.err(span, format!("`{p}` is not a Rust path below `osmos::` (e.g. mos::value::MosTime)"));
                    continue;
                }
                return Some(path.value.trim().to_owned());
            }
        }
        None
    }

    /// Applies an element's or attribute's `default`/`fixed` value.
    pub fn value_default(&mut self, node: &Node, ty: &mut Ty) {
        let Some(a) = node.attr("default").or(node.attr("fixed")) else { return };
        if node.attr("default").is_some() && node.attr("fixed").is_some() {
            self.err(node.span, "default and fixed exclude each other");
        }
        let (text, span) = (a.value.clone(), a.span);
        let t = text.trim();
        let lit = match &ty.kind {
            TyKind::Prim(Prim::Int | Prim::Uint | Prim::Nint) => t.parse::<i128>().ok().map(Literal::Int),
            TyKind::Prim(Prim::Float { .. }) => t.parse::<f64>().ok().map(Literal::Float),
            TyKind::Prim(Prim::Bool) => match t {
                "true" | "1" => Some(Literal::Bool(true)),
                "false" | "0" => Some(Literal::Bool(false)),
                _ => None,
            },
            TyKind::Prim(Prim::Any) => {
                self.err(span, "a default value needs a simple type");
                return;
            }
            // A list's default is its text, each item valid for the item type.
            TyKind::List { item, min, max } => {
                let items: Vec<&str> = t.split_ascii_whitespace().collect();
                let valid = |v: &str| match &item.kind {
                    TyKind::Prim(Prim::Int | Prim::Uint | Prim::Nint) => v.parse::<i128>().is_ok(),
                    TyKind::Prim(Prim::Float { .. }) => v.parse::<f64>().is_ok(),
                    TyKind::Prim(Prim::Bool) => matches!(v, "true" | "false" | "1" | "0"),
                    _ => true,
                };
                let counted = (items.len() as u64) >= *min && max.is_none_or(|m| items.len() as u64 <= m);
                (counted && items.iter().all(|v| valid(v))).then(|| Literal::Text(items.join(" ")))
            }
            _ => Some(Literal::Text(text.clone())),
        };
        match lit {
            Some(l) => ty.default = Some(l),
            None => self.err(span, format!("`{text}` is not a valid value of this type")),
        }
    }
}

/// What an enumeration found in a simple type is called.
pub enum EnumName {
    /// The named simple type's name.
    Named(String),
    /// Hoisted: preferred name, fallback, and the declaration it is cached under.
    Hoisted(String, String, HoistKey),
}

impl EnumName {
    /// Names for an enumeration in an inline base type of this one.
    fn derived(&self) -> (String, String) {
        match self {
            EnumName::Named(n) => (format!("{n}-base"), format!("{n}-base")),
            EnumName::Hoisted(p, f, _) => (format!("{p}-base"), format!("{f}-base")),
        }
    }
}
