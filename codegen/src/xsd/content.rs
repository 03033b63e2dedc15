//! Complex types: content models (sequence, all, choice, group references), local elements,
//! attributes, simple and complex content derivation, and the raw-content (mixed / `xs:any`)
//! test.

use std::collections::HashMap;

use super::dom::{Node, XML_NS, XS};
use super::lower::{docs, local_part, mul, occur, ElemKind, HoistKey, Lower, Occ, ONE, OPT};
use super::simple::EnumName;
use crate::ir::{
    Choice, ChoiceVariant, Enum, EnumVariant, Field, Key, Layout, Literal, Prim, Struct, Ty, TyKind, TypeDef, TypeKind,
    Wildcard,
};

/// The runtime type of mixed content's text (the XML back end writes its runs in place).
pub const MIXED_TEXT: &str = "::osmos::xml::MixedText<'a>";

/// One element alternative of a choice.
struct Member {
    name: String,
    /// The wire name.
    key: String,
    ty: Ty,
    /// The alternative's own occurrence (its `minOccurs`/`maxOccurs` times any nested choice's).
    occ: Occ,
}

/// An alternative of a choice, with the occurrence of the particles between it and the choice.
enum Alt<'a> {
    Element(&'a Node, Occ),
    Sequence(&'a Node, Occ),
    /// `xs:any`: an element the struct keeps among its unknown elements.
    Any(&'a Node),
}

impl<'a> Lower<'a> {
    /// The fields of a complex type. Mixed content with elements of its own gets a `text`
    /// field first (the text between the children); raw content (mixed or `xs:any` without
    /// elements of its own) kept with its attributes is their fields and a `content` field.
    pub fn struct_fields(&mut self, ct: &'a Node, parent: &str) -> Vec<Field> {
        // No cycle guard here: a type containing itself goes through a hoisted (cached) local
        // element or a global element reference; derivations are guarded where they recurse.
        let mut fields = Vec::new();
        let raw = self.is_raw(ct);
        let content = |name: &str, prim: Prim| Field {
            rust_name: None,
            name: name.into(),
            docs: Vec::new(),
            key: Key::Content,
            ty: Ty::prim(prim),
            occur: occur(ONE),
            group: None,
            span: ct.span,
        };
        if !raw && self.is_mixed(ct) {
            // The runs of text between the children, each kept in its place.
            fields.push(Field {
                docs: vec!["The text between the child elements, run by run in its place.".into()],
                ty: Ty::new(TyKind::Rust { path: MIXED_TEXT.into(), borrows: true }),
                ..content("text", Prim::Text)
            });
        }
        let outer = std::mem::take(&mut self.saw_any);
        self.type_body(ct, parent, &mut fields);
        let mut any = std::mem::replace(&mut self.saw_any, outer);
        any.sort();
        any.dedup();
        if any.contains(&Wildcard::Any) {
            any = vec![Wildcard::Any];
        }
        if raw {
            fields.push(content("content", Prim::Any));
        } else if !any.is_empty() {
            fields.push(Field {
                rust_name: None,
                name: "any".into(),
                docs: vec![
                    "The elements `xs:any` matches (and any other the schema does not name here), in place.".into()
                ],
                key: Key::AnyElement(any),
                ty: Ty::new(TyKind::Rust { path: "::osmos::xml::UnknownElements<'a>".into(), borrows: true }),
                occur: occur(ONE),
                group: None,
                span: ct.span,
            });
        }
        Self::distinct_field_names(&mut fields);
        fields
    }

    /// An element's struct. It keeps the child elements it does not take in (vendor elements,
    /// `xs:any`, repetitions beyond the schema's maximum) so that a gateway passes them on; an
    /// element with simple content has no children to keep. In a namespaced schema it keeps
    /// the attributes no field takes too: namespace declarations must survive for the prefixes
    /// in kept elements and raw content.
    pub fn element_struct(&self, mut fields: Vec<Field>) -> Struct {
        let taken = |fields: &[Field], n: &str| fields.iter().any(|f| crate::rust::naming::field_name(&f.name) == n);
        let free = |fields: &[Field], base: &str| {
            let mut name = base.to_owned();
            let mut i = 2;
            while taken(fields, &name) {
                name = format!("{base}_{i}");
                i += 1;
            }
            name
        };
        if self.namespace.is_some() {
            let name = free(&fields, "other_attributes");
            fields.push(Field {
                rust_name: None,
                name,
                docs: Vec::new(),
                key: Key::AnyAttribute,
                ty: Ty::new(TyKind::Rust { path: "::osmos::xml::OtherAttributes<'a>".into(), borrows: true }),
                occur: occur(ONE),
                group: None,
                span: crate::ir::Span::default(),
            });
        }
        let simple = fields.iter().any(|f| f.key == Key::Content)
            && !fields.iter().any(|f| matches!(f.key, Key::Element(_) | Key::Choice));
        let open = fields.iter().any(|f| matches!(f.key, Key::AnyElement(_)));
        let unknown = (!simple && !open).then(|| free(&fields, "unknown"));
        Struct { layout: Layout::Element, fields, unknown, table: None }
    }

    /// The content of an `xs:complexType`, `xs:extension` or `xs:restriction` of complex content.
    fn type_body(&mut self, node: &'a Node, parent: &str, out: &mut Vec<Field>) {
        for c in node.content() {
            if !c.in_xs() {
                self.err(c.span, format!("<{}> is not allowed here", c.display_name()));
                continue;
            }
            match c.local.as_str() {
                "sequence" | "choice" | "all" | "group" => self.particle(c, parent, ONE, out),
                "attribute" => {
                    if let Some(f) = self.attribute(c, parent) {
                        out.push(f);
                    }
                }
                "attributeGroup" => self.attribute_group(c, parent, out),
                "anyAttribute" => {} // unknown attributes are skipped by the decoder anyway
                "simpleContent" if node.is_xs("complexType") => self.simple_content(c, parent, out),
                "complexContent" if node.is_xs("complexType") => self.complex_content(c, parent, out),
                other => self.err(c.span, format!("xs:{other} is not supported here")),
            }
        }
    }

    /// `xs:simpleContent`: the text as a [`Key::Content`] field, then the attributes.
    fn simple_content(&mut self, sc: &'a Node, parent: &str, out: &mut Vec<Field>) {
        let Some(ext) = sc.content().next() else {
            self.err(sc.span, "xs:simpleContent needs an xs:extension");
            return;
        };
        if ext.is_xs("restriction") {
            self.simple_content_restriction(sc, ext, parent, out);
            return;
        }
        if !ext.is_xs("extension") {
            self.err(
                ext.span,
                format!("<{}> in xs:simpleContent: an xs:extension or xs:restriction is needed", ext.display_name()),
            );
            return;
        }
        let Some((q, span)) = self.qname(ext, "base") else {
            self.err(ext.span, "xs:extension needs a base");
            return;
        };
        let base_complex = match q.ns.as_deref() {
            _ if q.ns.as_deref() != Some(XS) => self.key_of(&q).and_then(|k| self.g.complex.get(&k).copied()),
            _ => None,
        };
        match base_complex {
            Some(base) if base.xs_child("simpleContent").is_some() => {
                let key = (base.span.file, base.span.start);
                if self.busy.insert(key) {
                    self.type_body(base, parent, out);
                    self.busy.remove(&key);
                } else {
                    self.err(span, "this complex type derives from itself");
                }
            }
            Some(_) => {
                self.err(span, format!("`{}` has complex content; xs:simpleContent extends a simple type", q.local));
            }
            None => {
                let ty = self.simple_ref(&q, span);
                out.push(Field {
                    rust_name: None,
                    name: "value".into(),
                    docs: Vec::new(),
                    key: Key::Content,
                    ty,
                    occur: occur(ONE),
                    group: None,
                    span: ext.span,
                });
            }
        }
        self.attribute_decls(ext, parent, out, "a simple content extension");
    }

    /// `xs:restriction` in `xs:simpleContent`: the base complex type's fields, its text
    /// narrowed by the facets (an enumeration makes it an enum `<parent>-value`; an inline
    /// `xs:simpleType` replaces the base's text type before the facets apply), its attributes
    /// redeclared in place (retyped, or removed by `use="prohibited"`), new ones after them.
    fn simple_content_restriction(&mut self, sc: &'a Node, r: &'a Node, parent: &str, out: &mut Vec<Field>) {
        let Some((q, span)) = self.qname(r, "base") else {
            self.err(r.span, "xs:restriction needs a base");
            return;
        };
        let base = match q.ns.as_deref() {
            Some(XS) => None,
            _ => self.key_of(&q).and_then(|k| self.g.complex.get(&k).copied()),
        };
        let Some(base) = base.filter(|b| b.xs_child("simpleContent").is_some()) else {
            let msg = format!(
                "`{}` is not a complex type with simple content: xs:restriction in xs:simpleContent restricts one (a simple type is extended: xs:extension)",
                q.local
            );
            self.err(span, msg);
            return;
        };
        let key = (base.span.file, base.span.start);
        if !self.busy.insert(key) {
            self.err(span, "this complex type derives from itself");
            return;
        }
        let mut fields = Vec::new();
        self.type_body(base, parent, &mut fields);
        self.busy.remove(&key);
        // The text, narrowed.
        if let Some(value) = fields.iter_mut().find(|f| f.key == Key::Content) {
            let base_ty = match r.xs_child("simpleType") {
                Some(st) => {
                    let name = format!("{parent}-value-base");
                    self.anonymous_simple(st, &name, &name)
                }
                None => value.ty.clone(),
            };
            let name = format!("{parent}-value");
            let hoist = HoistKey::Decl(r.span.file, r.span.start);
            let ty = match self.hoisted.get(&hoist) {
                Some(n) => Ty::named(n.clone()),
                None => self.restrict(sc, r, base_ty, EnumName::Hoisted(name.clone(), name, hoist)),
            };
            value.ty = Ty { default: value.ty.default.clone(), ..ty };
        }
        // The attributes, redeclared where the base has them.
        let mut own = Vec::new();
        let mut prohibited = Vec::new();
        for c in r.content().filter(|c| c.in_xs()) {
            match c.local.as_str() {
                "attribute" => match self.attribute(c, parent) {
                    Some(f) => own.push(f),
                    None => prohibited.extend(c.get("name").or(c.get("ref")).map(|n| local_part_of(n).to_owned())),
                },
                "attributeGroup" => self.attribute_group(c, parent, &mut own),
                _ => {}
            }
        }
        for f in fields {
            if !matches!(f.key, Key::Attribute(_)) {
                out.push(f);
            } else if let Some(i) = own.iter().position(|o| o.name == f.name) {
                out.push(own.remove(i));
            } else if !prohibited.contains(&f.name) {
                out.push(f);
            }
        }
        out.append(&mut own);
    }

    /// `xs:complexContent`: an extension is the base's fields followed by its own; a restriction
    /// restates the content model, so it is its own content plus the base's attributes it does
    /// not redeclare.
    fn complex_content(&mut self, cc: &'a Node, parent: &str, out: &mut Vec<Field>) {
        let Some(d) = cc.content().next() else {
            self.err(cc.span, "xs:complexContent needs an xs:extension or xs:restriction");
            return;
        };
        let extension = d.is_xs("extension");
        if !extension && !d.is_xs("restriction") {
            self.err(d.span, format!("<{}> is not supported in xs:complexContent", d.display_name()));
            return;
        }
        let Some((q, span)) = self.qname(d, "base") else {
            self.err(d.span, format!("xs:{} needs a base", d.local));
            return;
        };
        let base = if q.ns.as_deref() == Some(XS) && q.local == "anyType" {
            None
        } else {
            let Some(name) = self.local_name(&q, span) else { return };
            match self.g.complex.get(name.as_str()).copied() {
                Some(b) => Some(b),
                None => {
                    self.err(span, format!("unresolved complex type `{name}`"));
                    return;
                }
            }
        };
        let mut base_fields = Vec::new();
        if let Some(b) = base {
            let key = (b.span.file, b.span.start);
            if !self.busy.insert(key) {
                self.err(span, "this complex type derives from itself");
                return;
            }
            self.type_body(b, parent, &mut base_fields);
            self.busy.remove(&key);
        }
        if extension {
            out.append(&mut base_fields);
            self.type_body(d, parent, out);
        } else {
            let redeclared: Vec<String> = d
                .content()
                .filter(|c| c.is_xs("attribute"))
                .filter_map(|c| c.get("name").or(c.get("ref")).map(|n| n.rsplit(':').next().unwrap_or(n).to_owned()))
                .collect();
            self.type_body(d, parent, out);
            out.extend(
                base_fields.into_iter().filter(|f| matches!(&f.key, Key::Attribute(a) if !redeclared.contains(a))),
            );
        }
    }

    /// A particle of a content model, with the occurrence of the particles around it.
    fn particle(&mut self, node: &'a Node, parent: &str, occ: Occ, out: &mut Vec<Field>) {
        if !node.in_xs() {
            self.err(node.span, format!("<{}> is not allowed in a content model", node.display_name()));
            return;
        }
        match node.local.as_str() {
            "element" => match self.substitutes(node) {
                // A reference to the head of a substitution group: any of its members.
                Some(group) => {
                    let o = mul(occ, self.occurs(node));
                    let members = group.into_iter().map(|g| self.global_member(g)).collect();
                    let at = out.len();
                    self.choice_field(node, parent, members, o, at, None, out);
                }
                None => {
                    if let Some(f) = self.element_field(node, parent, occ) {
                        out.push(f);
                    }
                }
            },
            "sequence" | "all" => {
                let own = self.occurs(node);
                let o = mul(occ, own);
                let start = out.len();
                for c in node.content() {
                    self.particle(c, parent, o, out);
                }
                // A repeated sequence of several elements repeats as a unit: mark its members.
                if own.1 != Some(1) && out.len() - start >= 2 {
                    let id = self.next_group();
                    for f in &mut out[start..] {
                        f.group = Some(id);
                    }
                }
            }
            "choice" => {
                let o = mul(occ, self.occurs(node));
                self.choice(node, parent, o, out);
            }
            "group" => {
                let o = mul(occ, self.occurs(node));
                if let Some(model) = self.group_model(node) {
                    let key = (model.span.file, model.span.start);
                    if !self.busy.insert(key) {
                        self.err(node.span, "this group contains itself");
                        return;
                    }
                    self.particle(model, parent, o, out);
                    self.busy.remove(&key);
                }
            }
            // Elements it matches are kept in the struct's `any` field, in place.
            "any" => {
                let wildcard = self.wildcard(node);
                self.saw_any.push(wildcard);
            }
            other => self.err(node.span, format!("xs:{other} is not supported in a content model")),
        }
    }

    /// The model group (sequence, choice or all) of an `xs:group ref="..."`.
    fn group_model(&mut self, node: &'a Node) -> Option<&'a Node> {
        let Some((q, span)) = self.qname(node, "ref") else {
            self.err(node.span, "a local xs:group needs a ref");
            return None;
        };
        let name = self.local_name(&q, span)?;
        let Some(&def) = self.g.groups.get(name.as_str()) else {
            self.err(span, format!("unresolved group `{name}`"));
            return None;
        };
        let model = def.content().next();
        match model {
            Some(m) if m.is_xs("sequence") || m.is_xs("choice") || m.is_xs("all") => Some(m),
            _ => {
                self.err(def.span, format!("group `{name}` needs one xs:sequence, xs:choice or xs:all"));
                None
            }
        }
    }

    /// The field of an element particle; `None` when it may not occur (`maxOccurs="0"`).
    fn element_field(&mut self, node: &'a Node, parent: &str, occ: Occ) -> Option<Field> {
        let o = mul(occ, self.occurs(node));
        let (name, key, ty, docs) = self.element_decl(node, parent)?;
        if o.1 == Some(0) {
            return None;
        }
        let key = Key::Element(key);
        Some(Field { rust_name: None, name, docs, key, ty, occur: occur(o), group: None, span: node.span })
    }

    /// The name, wire name (`ir::Key::Element`), type and docs of an element particle (local
    /// declaration or `ref`).
    fn element_decl(&mut self, node: &'a Node, parent: &str) -> Option<(String, String, Ty, Vec<String>)> {
        self.check_element_decl(node);
        if let Some((q, span)) = self.qname(node, "ref") {
            let index = self.local_name(&q, span)?;
            let Some(&g) = self.g.elements.get(&index) else {
                self.err(span, format!("unresolved element `{index}`"));
                return None;
            };
            // An imported element renamed for a clash (`dc-title`) names its field so too.
            let name = self.element_type_name(g, &q.local);
            let key = self.element_key(g, &q.local);
            // An inline enumeration of a global element: the element's name is reserved for
            // element types, so the enumeration is `<name>-type`.
            let enum_name = format!("{}-type", q.local);
            let ty = match self.element_kind(g, &enum_name, &enum_name) {
                // A default of the global element is its struct's (`Lower::content_default`).
                ElemKind::Complex(_) => Ty::named(name.clone()),
                ElemKind::Raw => self.no_default(g, Ty::prim(Prim::Any)),
                ElemKind::Simple(mut ty) => {
                    self.value_default(g, &mut ty);
                    ty
                }
            };
            let mut d = docs(node);
            if d.is_empty() {
                d = docs(g);
            }
            // `nillable` belongs to the declaration: the global element's.
            let ty = Ty { nullable: nillable(g), ..ty };
            return Some((name, key, ty, d));
        }
        if node.get("ref").is_some() {
            return None; // the ref failed to resolve; reported
        }
        let Some(name) = node.get("name") else {
            self.err(node.span, "an element needs a name or a ref");
            return None;
        };
        let qualified = self.local_form_qualified(node);
        let fallback = format!("{parent}-{name}");
        let ty = match self.element_kind(node, name, &fallback) {
            ElemKind::Complex(ct) => self.hoist_element(node, ct, name, &fallback),
            ElemKind::Raw => self.no_default(node, Ty::prim(Prim::Any)),
            ElemKind::Simple(mut ty) => {
                self.value_default(node, &mut ty);
                ty
            }
        };
        let ty = Ty { nullable: nillable(node), ..ty };
        // An unqualified local element is in no namespace: matched and written without one.
        let key = if qualified { self.element_key(node, name) } else { name.to_owned() };
        Some((name.to_owned(), key, ty, docs(node)))
    }

    /// Reports a `default`/`fixed` value on an element whose content is not simple.
    fn no_default(&mut self, node: &Node, ty: Ty) -> Ty {
        if let Some(a) = node.attr("default").or(node.attr("fixed")) {
            let span = a.span;
            self.err(span, "default and fixed values need an element of simple type or simple content");
        }
        ty
    }

    /// A `default`/`fixed` value of an element whose complex type has simple content: its text
    /// field is optional (an empty element has none) with that default
    /// (`value_or_default()`); on any other complex type it is an error.
    pub fn content_default(&mut self, node: &Node, fields: &mut [Field]) {
        if node.attr("default").or(node.attr("fixed")).is_none() {
            return;
        }
        let simple = !fields.iter().any(|f| matches!(f.key, Key::Element(_) | Key::Choice | Key::AnyElement(_)));
        let text = fields
            .iter_mut()
            .find(|f| f.key == Key::Content && !matches!(&f.ty.kind, TyKind::Prim(Prim::Any) | TyKind::Rust { .. }));
        match text.filter(|_| simple) {
            Some(f) => {
                self.value_default(node, &mut f.ty);
                f.occur = occur(OPT);
            }
            None => {
                self.no_default(node, Ty::prim(Prim::Any));
            }
        }
    }

    /// The struct of a local element with a complex type.
    ///
    /// In a namespaced schema, local elements of one named complex type share one struct named
    /// after the type (GPX's `wpt`, `rtept` and `trkpt` are all `WptType`), as its users expect;
    /// a schema without namespace keeps a struct per element name (MOS's shape).
    fn hoist_element(&mut self, node: &'a Node, ct: &'a Node, name: &str, fallback: &str) -> Ty {
        // An element with a default has a struct of its own: the default is its text's.
        let own = node.attr("default").or(node.attr("fixed")).is_some();
        let by_type = self.namespace.is_some() && node.get("type").is_some() && !own;
        let key = match node.get("type") {
            _ if own => HoistKey::Decl(node.span.file, node.span.start),
            _ if by_type => HoistKey::Decl(ct.span.file, ct.span.start),
            Some(t) => HoistKey::Element(name.to_owned(), t.trim().to_owned()),
            None => HoistKey::Decl(node.span.file, node.span.start),
        };
        if let Some(n) = self.hoisted.get(&key) {
            return Ty::named(n.clone());
        }
        let tname = match ct.get("name") {
            // The type's name is reserved for it, unless a global element's struct has its
            // Rust name (elements and types are separate symbol spaces in XSD).
            Some(t)
                if by_type
                    && !self.element_takes(t)
                    && !(self.ns_of(ct) != self.namespace.as_deref() && self.own_name(t)) =>
            {
                t.to_owned()
            }
            Some(t) if by_type => {
                let wanted = format!("{t}-type");
                self.unique_name(&wanted, &wanted)
            }
            _ => self.unique_name(name, fallback),
        };
        self.hoisted.insert(key, tname.clone());
        let key = self.reserve();
        let saved = self.envelope.take();
        let mut fields = self.new_struct_fields(ct, &tname);
        self.envelope = saved;
        self.content_default(node, &mut fields);
        let mut d = if by_type { docs(ct) } else { docs(node) };
        if d.is_empty() {
            d = docs(ct);
        }
        let kind = TypeKind::Struct(self.element_struct(fields));
        self.emit(
            key,
            TypeDef {
                rust_name: None,
                external: None,
                name: tname.clone(),
                docs: d,
                span: node.span,
                message: None,
                kind,
            },
        );
        Ty::named(tname)
    }

    /// The alternatives of a choice; nested choices are merged into it.
    fn alternatives(&mut self, choice: &'a Node, occ: Occ, alts: &mut Vec<Alt<'a>>) {
        for c in choice.content() {
            if !c.in_xs() {
                self.err(c.span, format!("<{}> is not allowed in xs:choice", c.display_name()));
                continue;
            }
            match c.local.as_str() {
                "element" => alts.push(Alt::Element(c, occ)),
                "sequence" | "all" => alts.push(Alt::Sequence(c, occ)),
                "any" => alts.push(Alt::Any(c)),
                "choice" => {
                    let o = mul(occ, self.occurs(c));
                    self.alternatives(c, o, alts);
                }
                "group" => {
                    let o = mul(occ, self.occurs(c));
                    if let Some(model) = self.group_model(c) {
                        if model.is_xs("choice") {
                            let o = mul(o, self.occurs(model));
                            let key = (model.span.file, model.span.start);
                            if !self.busy.insert(key) {
                                self.err(c.span, "this group contains itself");
                                continue;
                            }
                            self.alternatives(model, o, alts);
                            self.busy.remove(&key);
                        } else {
                            alts.push(Alt::Sequence(model, o));
                        }
                    }
                }
                other => self.err(c.span, format!("xs:{other} is not supported in xs:choice")),
            }
        }
    }

    /// The alternatives an element particle of a choice brings: itself, or the members of the
    /// substitution group it references.
    fn members(&mut self, node: &'a Node, parent: &str, outer: Occ) -> Vec<Member> {
        match self.substitutes(node) {
            Some(group) => {
                let occ = mul(outer, self.occurs(node));
                group.into_iter().map(|g| Member { occ, ..self.global_member(g) }).collect()
            }
            None => self.member(node, parent, outer).into_iter().collect(),
        }
    }

    /// For a reference to the head of a substitution group (or to an abstract element), the
    /// global elements that may stand there: the head unless abstract, then its members and
    /// theirs, in declaration order. `None` for any other particle.
    fn substitutes(&mut self, node: &'a Node) -> Option<Vec<&'a Node>> {
        let (q, span) = self.qname(node, "ref")?;
        let index = self.local_name(&q, span)?;
        let head = *self.g.elements.get(&index)?;
        let abstract_head = is_true(head.get("abstract"));
        let mut found = Vec::new();
        let mut queue = vec![index];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(h) = queue.pop() {
            if !seen.insert(h.clone()) {
                continue;
            }
            for (index, m) in self.substitution_members(&h) {
                queue.push(index);
                found.push(m);
            }
        }
        if found.is_empty() && !abstract_head {
            return None;
        }
        found.sort_by_key(|n| (n.span.file, n.span.start));
        found.dedup_by_key(|n| (n.span.file, n.span.start));
        if !abstract_head {
            found.insert(0, head);
        }
        // An abstract member stands for its own members, which are listed already.
        found.retain(|m| !is_true(m.get("abstract")));
        if found.is_empty() {
            self.err(span, format!("`{}` is abstract and no element may substitute for it", q.local));
            return None;
        }
        Some(found)
    }

    /// The global elements (index, declaration) whose `substitutionGroup` is the element with
    /// index `head`.
    fn substitution_members(&mut self, head: &str) -> Vec<(String, &'a Node)> {
        if self.substitutions.is_none() {
            let mut map: HashMap<String, Vec<(String, &'a Node)>> = HashMap::new();
            let mut globals: Vec<(String, &'a Node)> = self.g.elements.iter().map(|(k, v)| (k.clone(), *v)).collect();
            globals.sort_by_key(|(_, n)| (n.span.file, n.span.start));
            for (index, g) in globals {
                let Some((q, span)) = self.qname(g, "substitutionGroup") else { continue };
                // An unresolved head is reported with its declaration (`Lower::global_element`).
                if let Some(h) = self.local_name(&q, span).filter(|h| self.g.elements.contains_key(h)) {
                    map.entry(h).or_default().push((index, g));
                }
            }
            self.substitutions = Some(map);
        }
        self.substitutions.as_ref().and_then(|m| m.get(head)).cloned().unwrap_or_default()
    }

    /// A global element as a choice member, typed as a reference to it would be.
    fn global_member(&mut self, g: &'a Node) -> Member {
        let name = g.get("name").unwrap_or_default().to_owned();
        let key = self.element_key(g, &name);
        let enum_name = format!("{name}-type");
        let ty = match self.element_kind(g, &enum_name, &enum_name) {
            ElemKind::Complex(_) => Ty::named(self.element_type_name(g, &name)),
            ElemKind::Raw => Ty::prim(Prim::Any),
            ElemKind::Simple(mut ty) => {
                self.value_default(g, &mut ty);
                ty
            }
        };
        Member { name, key, ty, occ: ONE }
    }

    /// An element alternative of a choice.
    fn member(&mut self, node: &'a Node, parent: &str, outer: Occ) -> Option<Member> {
        let occ = mul(outer, self.occurs(node));
        let (name, key, mut ty, _) = self.element_decl(node, parent)?;
        if ty.nullable {
            self.err(node.span, "a nillable element as an alternative of an xs:choice is not supported");
            ty.nullable = false;
        }
        (occ.1 != Some(0)).then_some(Member { name, key, ty, occ })
    }

    /// An `xs:choice` with occurrence `occ` (its own included).
    ///
    /// A choice of elements is one [`Key::Choice`] field over a hoisted [`TypeKind::Choice`]. A
    /// choice with sequence alternatives is flattened (see the module documentation): the
    /// sequences' elements become optional fields and the element alternatives, with the
    /// elements of choices directly inside the sequences, one choice field where the first of
    /// them appears. That is what the `<mos>` root needs (header + message, or a plug-in message
    /// alone) and what a lenient decoder can use; the exclusivity between a sequence and the
    /// other alternatives is not kept.
    fn choice(&mut self, node: &'a Node, parent: &str, occ: Occ, out: &mut Vec<Field>) {
        let envelope = self.envelope.take();
        let mut alts = Vec::new();
        self.alternatives(node, ONE, &mut alts);
        if alts.is_empty() {
            self.err(node.span, "an empty xs:choice is not supported");
            return;
        }
        let start = out.len();
        let mut at = None;
        let mut members: Vec<Member> = Vec::new();
        // Whether every alternative brings exactly one member (then the choice field is required).
        let mut always = true;
        for alt in alts {
            match alt {
                // Taken by the struct's `any` field: the choice field may be absent.
                Alt::Any(node) => {
                    always = false;
                    let wildcard = self.wildcard(node);
                    self.saw_any.push(wildcard);
                }
                Alt::Element(e, outer) => {
                    at.get_or_insert(out.len());
                    for m in self.members(e, parent, outer) {
                        always &= m.occ.0 >= 1;
                        self.add_member(&mut members, m, e);
                    }
                }
                Alt::Sequence(s, outer) => {
                    let seq = mul(outer, self.occurs(s));
                    let inner = mul(mul(occ, seq), OPT);
                    let mut brings = false;
                    // Where this sequence's last field is: a later element merges only with a
                    // field after it, so that the fields keep this sequence's order.
                    let mut last = None;
                    for c in s.content() {
                        let nested = c.is_xs("choice").then(|| {
                            let mut nested = Vec::new();
                            let o = mul(seq, self.occurs(c));
                            self.alternatives(c, o, &mut nested);
                            (o, nested)
                        });
                        match nested {
                            Some((o, nested)) if nested.iter().all(|a| matches!(a, Alt::Element(..))) => {
                                at.get_or_insert(out.len());
                                brings |= o.0 >= 1;
                                for a in nested {
                                    if let Alt::Element(e, outer) = a {
                                        for m in self.members(e, parent, outer) {
                                            brings &= m.occ.0 >= 1;
                                            self.add_member(&mut members, m, e);
                                        }
                                    }
                                }
                            }
                            Some(_) => {
                                self.particle(c, parent, inner, out);
                                last = out.len().checked_sub(1);
                            }
                            None if c.is_xs("element") => {
                                if let Some(f) = self.element_field(c, parent, inner) {
                                    let from = last.map_or(start, |l| (l + 1).max(start));
                                    last = Some(self.merge_field(out, from, f));
                                }
                            }
                            None => {
                                self.particle(c, parent, inner, out);
                                last = out.len().checked_sub(1);
                            }
                        }
                    }
                    always &= brings;
                }
            }
        }
        let Some(at) = at.filter(|_| !members.is_empty()) else { return };
        let field_occ = mul(occ, if always { ONE } else { OPT });
        self.choice_field(node, parent, members, field_occ, at, envelope, out);
    }

    /// The field of a choice between element `members` (an `xs:choice`, or a reference to a
    /// substitution group's head, `node`), inserted at `at`: a plain field for one member.
    #[allow(clippy::too_many_arguments)]
    fn choice_field(
        &mut self,
        node: &'a Node,
        parent: &str,
        members: Vec<Member>,
        field_occ: Occ,
        at: usize,
        envelope: Option<String>,
        out: &mut Vec<Field>,
    ) {
        if let [m] = members.as_slice() {
            // One element alternative: a plain field.
            let o = mul(field_occ, m.occ);
            let f = Field {
                rust_name: None,
                name: m.name.clone(),
                docs: Vec::new(),
                key: Key::Element(m.key.clone()),
                ty: m.ty.clone(),
                occur: occur(o),
                group: None,
                span: node.span,
            };
            out.insert(at, f);
            return;
        }
        // A substitution group's field is named after its head.
        let head = node.is_xs("element").then(|| node.get("ref")).flatten().map(|r| local_part(r.trim()).to_owned());
        let field_name = match (&envelope, &head) {
            (Some(_), _) => "message".to_owned(),
            (None, Some(h)) => h.clone(),
            (None, None) => "choice".to_owned(),
        };
        let variants: Vec<ChoiceVariant> = members
            .iter()
            .map(|m| {
                let ty = match m.occ {
                    (_, Some(1)) => m.ty.clone(),
                    (min, max) => Ty::new(TyKind::List { item: Box::new(m.ty.clone()), min: min.max(1), max }),
                };
                ChoiceVariant { rust_name: None, name: m.name.clone(), ty, element: Some(m.key.clone()) }
            })
            .collect();
        if envelope.is_some() {
            self.messages.extend(members.iter().map(|m| m.name.clone()));
        }
        let key = HoistKey::Decl(node.span.file, node.span.start);
        let tname = match self.hoisted.get(&key) {
            Some(n) => n.clone(),
            None => {
                let wanted = format!("{parent}-{field_name}");
                let n = self.unique_name(&wanted, &wanted);
                self.hoisted.insert(key, n.clone());
                let k = self.reserve();
                let kind = TypeKind::Choice(Choice { variants });
                self.emit(
                    k,
                    TypeDef {
                        rust_name: None,
                        external: None,
                        name: n.clone(),
                        docs: docs(node),
                        span: node.span,
                        message: None,
                        kind,
                    },
                );
                n
            }
        };
        let f = Field {
            rust_name: None,
            name: field_name,
            docs: docs(node),
            key: Key::Choice,
            ty: Ty::named(tname),
            occur: occur(field_occ),
            group: None,
            span: node.span,
        };
        out.insert(at, f);
    }

    /// Adds a choice member; the same element twice with the same type is one alternative.
    fn add_member(&mut self, members: &mut Vec<Member>, m: Member, node: &Node) {
        match members.iter_mut().find(|x| x.key == m.key) {
            Some(x) if x.ty == m.ty => {
                x.occ = (x.occ.0.min(m.occ.0), x.occ.1.zip(m.occ.1).map(|(a, b)| a.max(b)));
            }
            Some(_) => self.err(node.span, format!("<{}> is an alternative twice, with different types", m.name)),
            None => members.push(m),
        }
    }

    /// Adds a field flattened out of a choice's sequence; the same element from two sequences
    /// is one field when it is at or after `start` (so each sequence's order is kept), else
    /// a field of its own (`a` after `c` in `(a, b) | (c, a)`). Returns the field's index.
    fn merge_field(&mut self, out: &mut Vec<Field>, start: usize, f: Field) -> usize {
        let existing = out[start..].iter().position(|x| x.key == f.key && x.ty == f.ty).map(|i| start + i);
        match existing {
            Some(i) => {
                let x = &mut out[i];
                let bounds = |o: crate::ir::Occur| match o {
                    crate::ir::Occur::One => ONE,
                    crate::ir::Occur::Optional => OPT,
                    crate::ir::Occur::Many { min, max } => (min, max),
                };
                let (a, b) = (bounds(x.occur), bounds(f.occur));
                x.occur = occur((a.0.min(b.0), a.1.zip(b.1).map(|(p, q)| p.max(q))));
                i
            }
            None => {
                out.push(f);
                out.len() - 1
            }
        }
    }

    /// The attribute declarations among `node`'s children (attributes, attribute groups);
    /// anything else is an error naming `context`.
    fn attribute_decls(&mut self, node: &'a Node, parent: &str, out: &mut Vec<Field>, context: &str) {
        for c in node.content() {
            match c.local.as_str() {
                "attribute" if c.in_xs() => {
                    if let Some(f) = self.attribute(c, parent) {
                        out.push(f);
                    }
                }
                "attributeGroup" if c.in_xs() => self.attribute_group(c, parent, out),
                "anyAttribute" if c.in_xs() => {}
                _ => self.err(c.span, format!("<{}> is not allowed in {context}", c.display_name())),
            }
        }
    }

    /// An attribute declaration or reference; `None` when prohibited.
    pub fn attribute(&mut self, node: &'a Node, parent: &str) -> Option<Field> {
        // The wire name of an attribute in a namespace: `{ns}prefix:local`.
        let mut qualified = None;
        let (decl, name) = if let Some((q, span)) = self.qname(node, "ref") {
            if q.ns.as_deref() == Some(XML_NS) {
                return self.xml_attribute(node, &q.local, span);
            }
            if let Some(ns) = q.ns.as_deref().filter(|ns| Some(*ns) != self.namespace.as_deref()) {
                // A global attribute of an imported schema (EBU-TT-D's `tts:textAlign`) is a
                // typed field, written with the prefix the schema uses for its namespace; one
                // whose schema is not read is kept with the other attributes.
                let found = self.key_of(&q).and_then(|k| self.g.attributes.get(k.as_str()).copied());
                let d = found?;
                let prefix = attribute_prefix(node, ns);
                qualified = Some(format!("{{{ns}}}{prefix}:{}", q.local));
                (d, q.local.clone())
            } else {
                let name = self.local_name(&q, span)?;
                let Some(&d) = self.g.attributes.get(name.as_str()) else {
                    self.err(span, format!("unresolved attribute `{name}`"));
                    return None;
                };
                // A global attribute is in the target namespace, when there is one.
                if let Some(ns) = self.ns_of(d) {
                    qualified = Some(format!("{{{ns}}}{}:{}", attribute_prefix(node, ns), q.local));
                }
                (d, q.local.clone())
            }
        } else {
            let Some(name) = node.get("name") else {
                self.err(node.span, "an attribute needs a name or a ref");
                return None;
            };
            // A local attribute is qualified by `form`, else the file's
            // `attributeFormDefault`: in the target namespace, written with its prefix.
            let form = match node.get("form").map(str::trim) {
                Some(f) => f == "qualified",
                None => self.attr_qualified(node),
            };
            if let Some(ns) = self.ns_of(node).filter(|_| form) {
                qualified = Some(format!("{{{ns}}}{}:{name}", attribute_prefix(node, ns)));
            }
            (node, name.to_owned())
        };
        let occ = self.attribute_use(node)?;
        for c in decl.content() {
            if !c.is_xs("simpleType") {
                self.err(c.span, format!("<{}> is not allowed in xs:attribute", c.display_name()));
            }
        }
        let fallback = format!("{parent}-{name}");
        let mut ty = if let Some((q, span)) = self.qname(decl, "type") {
            self.simple_ref(&q, span)
        } else if let Some(st) = decl.xs_child("simpleType") {
            self.anonymous_simple(st, &name, &fallback)
        } else {
            Ty::prim(Prim::Text) // xs:anySimpleType
        };
        self.value_default(decl, &mut ty);
        self.value_default(node, &mut ty);
        let mut d = docs(node);
        if d.is_empty() {
            d = docs(decl);
        }
        Some(Field {
            rust_name: None,
            name: name.clone(),
            docs: d,
            key: Key::Attribute(qualified.unwrap_or(name)),
            ty,
            occur: occur(occ),
            group: None,
            span: node.span,
        })
    }

    /// `use` of an attribute: its occurrence, `None` when prohibited.
    fn attribute_use(&mut self, node: &Node) -> Option<Occ> {
        Some(match node.get("use").map(str::trim) {
            Some("required") => ONE,
            Some("prohibited") => return None,
            None | Some("optional") => OPT,
            Some(other) => {
                self.err(node.span, format!("use=\"{other}\" is not one of optional, required, prohibited"));
                OPT
            }
        })
    }

    /// An attribute of the XML namespace (`ref="xml:lang"`), known without its schema:
    /// `xml:lang`, `xml:id` and `xml:base` are text, `xml:space` the enum `xml-space`
    /// (`default`, `preserve`). The field is named after the local name and written `xml:…`.
    fn xml_attribute(&mut self, node: &'a Node, local: &str, span: crate::ir::Span) -> Option<Field> {
        let occ = self.attribute_use(node)?;
        let mut ty = match local {
            "lang" | "id" | "base" => Ty::prim(Prim::Text),
            "space" => {
                let key = HoistKey::Element(XML_NS.to_owned(), "space".to_owned());
                let name = match self.hoisted.get(&key) {
                    Some(n) => n.clone(),
                    None => {
                        let n = self.unique_name("xml-space", "xml-space");
                        self.hoisted.insert(key, n.clone());
                        let k = self.reserve();
                        let variant = |v: &str| EnumVariant {
                            rust_name: None,
                            name: v.to_owned(),
                            value: Literal::Text(v.to_owned()),
                            docs: Vec::new(),
                        };
                        let kind = TypeKind::Enum(Enum { variants: vec![variant("default"), variant("preserve")] });
                        let docs =
                            vec!["`xml:space`: whether white space in the element's text is significant.".into()];
                        let def = TypeDef {
                            rust_name: None,
                            external: None,
                            name: n.clone(),
                            docs,
                            span: node.span,
                            message: None,
                            kind,
                        };
                        self.emit(k, def);
                        n
                    }
                };
                Ty::named(name)
            }
            other => {
                self.err(
                    span,
                    format!("`xml:{other}` is not an attribute of the XML namespace (lang, space, id, base)"),
                );
                return None;
            }
        };
        self.value_default(node, &mut ty);
        Some(Field {
            rust_name: None,
            name: local.to_owned(),
            docs: docs(node),
            key: Key::Attribute(format!("{{{XML_NS}}}xml:{local}")),
            ty,
            occur: occur(occ),
            group: None,
            span: node.span,
        })
    }

    /// The attributes of an `xs:attributeGroup ref="..."`.
    fn attribute_group(&mut self, node: &'a Node, parent: &str, out: &mut Vec<Field>) {
        let Some((q, span)) = self.qname(node, "ref") else {
            self.err(node.span, "a local xs:attributeGroup needs a ref");
            return;
        };
        let Some(name) = self.local_name(&q, span) else { return };
        let Some(&def) = self.g.attribute_groups.get(name.as_str()) else {
            self.err(span, format!("unresolved attribute group `{name}`"));
            return;
        };
        let key = (def.span.file, def.span.start);
        if !self.busy.insert(key) {
            self.err(span, "this attribute group contains itself");
            return;
        }
        self.attribute_decls(def, parent, out, "xs:attributeGroup");
        self.busy.remove(&key);
    }

    /// Whether a complex type's content is raw XML: mixed, or with `xs:any` in its content
    /// model (or its base's), and no element declaration of its own there. A type with
    /// elements of its own is a struct; `xs:any` elements are then kept among its unknown
    /// elements, mixed text in a `text` field.
    pub fn is_raw(&mut self, ct: &'a Node) -> bool {
        let key = (ct.span.file, ct.span.start);
        if !self.raw_busy.insert(key) {
            return false; // a derivation cycle; reported when the fields are lowered
        }
        let raw = self.raw_type(ct) && !self.has_elements(ct);
        self.raw_busy.remove(&key);
        raw
    }

    /// Whether an element of complex type `ct` is raw content with nothing else: raw content
    /// with attributes is a struct in a namespaced schema, so that the attributes survive. (A
    /// schema without namespace keeps its raw elements' shape: MOS's `storyBody` stays `RawXml`.)
    pub fn raw_element(&mut self, ct: &'a Node) -> bool {
        self.is_raw(ct) && !(self.namespace.is_some() && has_attributes(ct))
    }

    /// Whether a complex type is mixed: `mixed="true"` on it or on its complex content, or an
    /// extension of a mixed type (XSD requires an extension to keep its base's mixedness, and
    /// one that adds only attributes, as NewsML-G2's `headline` does to `Label1Type`, has its
    /// base's content type outright). A restriction says for itself.
    fn is_mixed(&self, ct: &'a Node) -> bool {
        let mut seen = std::collections::HashSet::new();
        let mut ct = ct;
        loop {
            if !seen.insert((ct.span.file, ct.span.start)) {
                return false; // a derivation cycle, reported where the fields are lowered
            }
            if is_true(ct.get("mixed")) {
                return true;
            }
            let Some(cc) = ct.content().find(|c| c.is_xs("complexContent")) else { return false };
            if is_true(cc.get("mixed")) {
                return true;
            }
            let base = cc
                .content()
                .find(|d| d.is_xs("extension"))
                .and_then(|d| d.get("base").and_then(|b| d.resolve(b).ok()))
                .and_then(|b| self.key_of(&b))
                .and_then(|b| self.g.complex.get(&b).copied());
            match base {
                Some(b) => ct = b,
                None => return false,
            }
        }
    }

    /// Whether a content model declares (or references) an element, its base's included.
    fn has_elements(&mut self, node: &'a Node) -> bool {
        for c in node.content() {
            let found = match c.local.as_str() {
                _ if !c.in_xs() => false,
                "element" => true,
                "sequence" | "choice" | "all" | "complexContent" => self.has_elements(c),
                "extension" | "restriction" => {
                    let base = c
                        .get("base")
                        .and_then(|b| c.resolve(b).ok())
                        .and_then(|b| self.key_of(&b))
                        .and_then(|b| self.g.complex.get(&b).copied());
                    let from_base = match base {
                        Some(b) if c.local == "extension" => {
                            let key = (b.span.file, b.span.start);
                            self.raw_busy.insert(key) && {
                                let found = self.has_elements(b);
                                self.raw_busy.remove(&key);
                                found
                            }
                        }
                        _ => false,
                    };
                    from_base || self.has_elements(c)
                }
                "group" => {
                    let model = c
                        .get("ref")
                        .and_then(|r| c.resolve(r).ok())
                        .and_then(|q| self.key_of(&q))
                        .and_then(|q| self.g.groups.get(&q).copied());
                    match model {
                        Some(m) => {
                            let key = (m.span.file, m.span.start);
                            self.raw_busy.insert(key) && {
                                let found = self.has_elements(m);
                                self.raw_busy.remove(&key);
                                found
                            }
                        }
                        None => false,
                    }
                }
                _ => false,
            };
            if found {
                return true;
            }
        }
        false
    }

    fn raw_type(&mut self, ct: &'a Node) -> bool {
        if is_true(ct.get("mixed")) {
            return true;
        }
        for c in ct.content() {
            if c.is_xs("complexContent") {
                if is_true(c.get("mixed")) {
                    return true;
                }
                for d in c.content() {
                    if d.is_xs("extension") {
                        let base = d.get("base").and_then(|b| d.resolve(b).ok());
                        if let Some(b) = base.and_then(|b| self.key_of(&b)) {
                            if let Some(&bt) = self.g.complex.get(&b) {
                                if self.is_raw(bt) {
                                    return true;
                                }
                            }
                        }
                    }
                    if d.content().any(|p| self.has_any(p)) {
                        return true;
                    }
                }
            } else if self.has_any(c) {
                return true;
            }
        }
        false
    }

    /// The namespaces an `xs:any` takes: its `namespace` attribute, resolved against the
    /// target namespace of its file.
    fn wildcard(&mut self, any: &Node) -> Wildcard {
        let target = self.ns_of(any).unwrap_or("").to_owned();
        let Some(spec) = any.get("namespace").map(|v| v.trim().to_owned()) else { return Wildcard::Any };
        match spec.as_str() {
            "##any" => Wildcard::Any,
            "##other" => Wildcard::Other(target),
            _ => {
                let mut list: Vec<String> = spec
                    .split_whitespace()
                    .map(|n| match n {
                        "##local" => String::new(),
                        "##targetNamespace" => target.clone(),
                        uri => uri.to_owned(),
                    })
                    .collect();
                if list.iter().any(|n| n.starts_with("##")) {
                    self.err(any.span, format!("xs:any namespace=\"{spec}\": `##any` and `##other` stand alone"));
                    return Wildcard::Any;
                }
                list.sort();
                list.dedup();
                Wildcard::In(list)
            }
        }
    }

    /// Whether a particle contains `xs:any`.
    fn has_any(&mut self, p: &'a Node) -> bool {
        if p.is_xs("any") {
            return true;
        }
        if p.is_xs("sequence") || p.is_xs("choice") || p.is_xs("all") {
            return p.content().any(|c| self.has_any(c));
        }
        if p.is_xs("group") {
            let model = p
                .get("ref")
                .and_then(|r| p.resolve(r).ok())
                .and_then(|q| self.key_of(&q))
                .and_then(|q| self.g.groups.get(&q).copied())
                .and_then(|g| g.content().next());
            if let Some(m) = model {
                let key = (m.span.file, m.span.start);
                if self.raw_busy.insert(key) {
                    let any = self.has_any(m);
                    self.raw_busy.remove(&key);
                    return any;
                }
            }
        }
        false
    }
}

/// Whether a complex type declares attributes (directly or in its derivation).
fn has_attributes(ct: &Node) -> bool {
    ct.content().any(|c| {
        c.is_xs("attribute")
            || c.is_xs("attributeGroup")
            || ((c.is_xs("complexContent") || c.is_xs("simpleContent"))
                && c.content().any(|d| d.content().any(|a| a.is_xs("attribute") || a.is_xs("attributeGroup"))))
    })
}

/// The prefix an attribute of namespace `ns` is written with: the one its `ref` uses, else
/// one the schema binds to `ns` where the attribute is declared, else `ns`.
fn attribute_prefix(node: &Node, ns: &str) -> String {
    if let Some((p, _)) = node.get("ref").and_then(|r| r.trim().split_once(':')) {
        return p.to_owned();
    }
    node.scope
        .iter()
        .find(|(p, uri)| !p.is_empty() && p.as_str() != "xml" && uri.as_str() == ns)
        .map_or_else(|| "ns".to_owned(), |(p, _)| p.clone())
}

/// The local part of a QName as written (`tts:textAlign` → `textAlign`).
fn local_part_of(qname: &str) -> &str {
    qname.trim().rsplit(':').next().unwrap_or(qname)
}

fn is_true(v: Option<&str>) -> bool {
    matches!(v.map(str::trim), Some("true" | "1"))
}

/// `nillable="true"` on an element declaration: its type is nullable (`xsi:nil="true"`).
fn nillable(node: &Node) -> bool {
    is_true(node.get("nillable"))
}
