//! Checks on the IR that no front end can make alone: every error names a source location.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::SchemaError;
use crate::ir::{Key, Literal, MessageKey, Prim, Schema, Ty, TyKind, TypeDef, TypeKind, Wire};
use crate::keys;
use crate::rust::naming;

/// The largest value a QUIC varint can carry.
pub const MAX_TYPE_KEY: u64 = (1 << 62) - 1;

/// Runs every check; returns all problems found.
pub fn check(schema: &Schema) -> Result<(), Vec<SchemaError>> {
    let mut errors = Vec::new();
    let err = |t: &TypeDef, msg: String| SchemaError::at(&schema.sources, t.span, msg);

    let mut names: BTreeMap<String, &TypeDef> = BTreeMap::new();
    let mut rust_names: BTreeMap<String, &TypeDef> = BTreeMap::new();
    for t in &schema.types {
        if let Some(prev) = names.insert(t.name.clone(), t) {
            let at = SchemaError::at(&schema.sources, prev.span, "");
            errors.push(
                err(t, format!("type `{}` is defined twice (first at {}:{})", t.name, at.line, at.column)).note(
                    &schema.sources,
                    prev.span,
                    "first defined here",
                ),
            );
            continue;
        }
        let rust = t.rust_name.clone().unwrap_or_else(|| naming::type_name(&t.name));
        if let Some(prev) = rust_names.insert(rust.clone(), t) {
            let e = err(t, format!("`{}` and `{}` both become the Rust type `{rust}`; rename one", prev.name, t.name))
                .note(&schema.sources, prev.span, format!("`{}` is defined here", prev.name));
            errors.push(differ_only_by_case(e, &prev.name, &t.name));
        }
    }

    let mut keys: BTreeMap<&MessageKey, &TypeDef> = BTreeMap::new();
    for (t, key) in schema.messages() {
        if let MessageKey::TypeKey(k) = key {
            if *k == 0 || *k > MAX_TYPE_KEY {
                errors.push(err(t, format!("type key {k} of `{}` is outside 1…2^62−1 (a QUIC varint)", t.name)));
            }
        }
        if let Some(prev) = keys.insert(key, t) {
            errors.push(
                err(t, format!("`{}` reuses the {} of `{}`", t.name, describe(key), prev.name))
                    .note(&schema.sources, prev.span, format!("first used by `{}` here", prev.name))
                    .help("every message needs its own key"),
            );
        }
        if schema.wire == Wire::Cbor && !matches!(t.kind, TypeKind::Struct(_)) {
            errors.push(err(t, format!("message `{}` must be a map or an array", t.name)));
        }
    }

    for t in &schema.types {
        match &t.kind {
            TypeKind::Struct(s) => {
                let mut seen: BTreeMap<Key, &crate::ir::Field> = BTreeMap::new();
                let mut field_names: BTreeMap<String, &crate::ir::Field> = BTreeMap::new();
                for f in &s.fields {
                    // An element may stand at several places of an XML sequence (MOS's
                    // roStoryMove has two storyID): the decoder fills those fields in order, which
                    // is ambiguous only after a repeated one.
                    let in_order = |prev: &crate::ir::Field| {
                        s.layout == crate::ir::Layout::Element
                            && matches!(f.key, Key::Element(_))
                            && !matches!(prev.occur, crate::ir::Occur::Many { .. })
                    };
                    // A choice of elements (several may sit in one element) claims its elements.
                    let keys = match (&f.key, &f.ty.kind) {
                        (Key::Choice, TyKind::Named(n)) => match schema.get(n).map(|c| &c.kind) {
                            Some(TypeKind::Choice(c)) => {
                                c.variants.iter().filter_map(|v| v.element.clone().map(Key::Element)).collect()
                            }
                            _ => vec![f.key.clone()],
                        },
                        _ => vec![f.key.clone()],
                    };
                    for key in keys {
                        if let Some(prev) = seen.insert(key.clone(), f).filter(|prev| !in_order(prev)) {
                            errors.push(
                                SchemaError::at(
                                    &schema.sources,
                                    f.span,
                                    format!("field `{}` of `{}` reuses {key} of `{}`", f.name, t.name, prev.name),
                                )
                                .note(
                                    &schema.sources,
                                    prev.span,
                                    format!("first used by `{}` here", prev.name),
                                ),
                            );
                        }
                    }
                    if let Some(prev) = field_names.insert(naming::field_name(&f.name), f) {
                        let e = SchemaError::at(
                            &schema.sources,
                            f.span,
                            format!(
                                "two fields of `{}` become the Rust field `{}`",
                                t.name,
                                naming::field_name(&f.name)
                            ),
                        )
                        .note(&schema.sources, prev.span, format!("`{}` is here", prev.name));
                        errors.push(differ_only_by_case(e, &prev.name, &f.name));
                    }
                    resolve(schema, &f.ty, t, &mut errors);
                }
                // Several tables (`{ * tstr => int, * int => text }`): a key's major type says
                // which one it belongs to.
                let tables: Vec<_> = s.tables().collect();
                for (i, b) in tables.iter().enumerate() {
                    for a in &tables[..i] {
                        if !schema.major_types(&a.key).is_disjoint(&schema.major_types(&b.key)) {
                            errors.push(
                                SchemaError::at(
                                    &schema.sources,
                                    b.span,
                                    format!(
                                        "the tables `{}` and `{}` of `{}` both take keys of one CBOR major type: \
                                         a key could belong to either",
                                        a.name, b.name, t.name
                                    ),
                                )
                                .note(&schema.sources, a.span, format!("`{}` is here", a.name))
                                .help(
                                    "merge them into one table, or key them by types that start apart (`tstr`, `int`)",
                                ),
                            );
                        }
                    }
                }
            }
            TypeKind::Alias(ty) => resolve(schema, ty, t, &mut errors),
            TypeKind::Choice(c) => {
                for v in &c.variants {
                    resolve(schema, &v.ty, t, &mut errors);
                }
                let named = c.variants.iter().map(|v| (v.name.as_str(), &v.rust_name));
                unique_variants(t, named, &mut errors, &schema.sources);
                if schema.wire == Wire::Cbor {
                    let maps: Vec<_> = c
                        .variants
                        .iter()
                        .filter_map(|v| schema.map_struct(&v.ty).map(|s| (v.name.as_str(), s)))
                        .collect();
                    if maps.len() > 1 {
                        if let Err(why) = schema.map_dispatch(&maps) {
                            errors.push(
                                err(t, format!("the map alternatives of `{}` cannot be decoded: {why}", t.name)).help(
                                    "give each alternative a key of its own, or a key all have with a fixed value of its own (`type: \"a\"`)",
                                ),
                            );
                        }
                    }
                }
            }
            TypeKind::Enum(e) => {
                let named = e.variants.iter().map(|v| (v.name.as_str(), &v.rust_name));
                unique_variants(t, named, &mut errors, &schema.sources);
                let mut values = Vec::new();
                for v in &e.variants {
                    if values.contains(&&v.value) {
                        errors.push(err(t, format!("enumeration `{}` lists the value of `{}` twice", t.name, v.name)));
                    }
                    values.push(&v.value);
                }
                if e.variants.is_empty() {
                    errors.push(err(t, format!("enumeration `{}` has no values", t.name)));
                }
                // Generated enums carry their values as u64, i64, &str or &[u8].
                let fits =
                    |f: fn(&i128) -> bool| e.variants.iter().all(|v| matches!(&v.value, Literal::Int(i) if f(i)));
                let unsigned = fits(|i| u64::try_from(*i).is_ok());
                let signed = fits(|i| i64::try_from(*i).is_ok());
                let texts = e.variants.iter().all(|v| matches!(v.value, Literal::Text(_)));
                let bytes = e.variants.iter().all(|v| matches!(v.value, Literal::Bytes(_)));
                if !(unsigned || signed || texts || bytes) {
                    errors.push(err(
                        t,
                        format!(
                            "enumeration `{}` must list only integers (within 64 bits), only text strings or only \
                             byte strings",
                            t.name
                        ),
                    ));
                }
            }
        }
    }
    infinite_types(schema, &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The type keys a CDDL schema gives its own messages must be extension keys: inside the
/// extension ranges and not a standard Open Screen key ([`keys::extension_problem`]), the same
/// rule the derive applies. `allow_any_key` lifts it (the standard schema itself, a private
/// deployment). Messages of a base schema an extension builds on are not its own, and a
/// standard message under its own name and key (a copy of the standard schema) squats nothing.
pub fn type_keys(schema: &Schema, allow_any_key: bool) -> Result<(), Vec<SchemaError>> {
    let errors: Vec<SchemaError> = schema
        .messages()
        .filter(|(t, _)| t.external.is_none())
        .filter(|(t, key)| !matches!(key, MessageKey::TypeKey(k) if keys::standard(*k) == Some(t.name.as_str())))
        .filter_map(|(t, key)| match key {
            // `check` reports keys no varint can carry.
            MessageKey::TypeKey(k) if *k == 0 || *k > MAX_TYPE_KEY => None,
            MessageKey::TypeKey(k) => keys::extension_problem(*k, allow_any_key)
                .map(|p| SchemaError::at(&schema.sources, t.span, format!("`{}`: {p}", t.name))),
            MessageKey::Element(_) => None,
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A schema whose JSON impls follow its own rules (`JsonForm::Schema`) must describe JSON:
/// text member names, no byte strings, tags or `undefined`, and shapes with a JSON form.
pub fn json_texts(schema: &Schema) -> Result<(), Vec<SchemaError>> {
    let mut errors = Vec::new();
    if schema.wire != Wire::Cbor {
        let span = schema.types.first().map(|t| t.span).unwrap_or_default();
        errors.push(
            SchemaError::at(&schema.sources, span, "JSON texts are described in CDDL; an XML Schema has no JSON form")
                .help("use the JSON view (`JsonForm::View`) of XML messages"),
        );
        return Err(errors);
    }
    for t in schema.types.iter().filter(|t| t.external.is_none()) {
        let mut err = |span: crate::ir::Span, what: &str, msg: String, help: &str| {
            errors.push(
                SchemaError::at(&schema.sources, span, format!("`{}`{what}: {msg}", t.name)).help(help.to_owned()),
            );
        };
        match &t.kind {
            TypeKind::Struct(s) => {
                if s.layout == crate::ir::Layout::Group {
                    err(
                        t.span,
                        "",
                        "a group spliced into an array has no JSON form here".into(),
                        "write the array's items as a positional array of their own",
                    );
                }
                if s.layout == crate::ir::Layout::Array
                    && s.fields.iter().any(|f| matches!(f.occur, crate::ir::Occur::Many { .. }))
                {
                    err(
                        t.span,
                        "",
                        "a positional array with a repeated item has no JSON form here".into(),
                        "make the repeated items a list field of their own: `[a, [* b]]`",
                    );
                }
                for f in &s.fields {
                    let what = format!(" field `{}`", f.name);
                    if let Key::Int(k) = f.key {
                        err(
                            f.span,
                            &what,
                            format!("integer key {k}: JSON member names are text"),
                            "give the field a text key",
                        );
                    }
                    json_ty(&f.ty, &mut |msg, help| err(f.span, &what, msg, help));
                }
                for table in s.tables() {
                    let what = format!(" table `{}`", table.name);
                    if !text_like(schema, &table.key) {
                        err(
                            table.span,
                            &what,
                            "its keys are not text: JSON member names are".into(),
                            "key the table by `text`",
                        );
                    }
                    json_ty(&table.key, &mut |msg, help| err(table.span, &what, msg, help));
                    json_ty(&table.value, &mut |msg, help| err(table.span, &what, msg, help));
                }
            }
            TypeKind::Choice(c) => {
                for v in &c.variants {
                    json_ty(&v.ty, &mut |msg, help| err(t.span, "", msg, help));
                }
            }
            TypeKind::Alias(ty) => json_ty(ty, &mut |msg, help| err(t.span, "", msg, help)),
            TypeKind::Enum(e) => {
                if e.variants.iter().any(|v| matches!(v.value, Literal::Bytes(_))) {
                    err(t.span, "", "a byte string value: JSON has no byte strings".into(), "use text values");
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// What a JSON text cannot hold in `ty` itself (named types are checked where they are defined).
fn json_ty(ty: &Ty, err: &mut dyn FnMut(String, &str)) {
    if let Some(tag) = ty.tag {
        err(format!("tag {tag}: JSON has no tags"), "drop the tag (`#6.n(T)` → `T`)");
    }
    match &ty.kind {
        TyKind::Prim(Prim::Bytes) => {
            err("a byte string: JSON has no byte strings".into(), "use `text` (base64url, as `b64url` describes)")
        }
        TyKind::Prim(Prim::Undefined) => {
            err("`undefined`: JSON has no such value".into(), "use `null`, or leave the member out (`?`)")
        }
        TyKind::List { item, .. } => json_ty(item, err),
        _ => {}
    }
}

/// Whether values of `ty` are text (through aliases, choices and enumerations of text).
fn text_like(schema: &Schema, ty: &Ty) -> bool {
    fn go(schema: &Schema, ty: &Ty, depth: usize) -> bool {
        let ty = effective(schema, ty);
        if ty.nullable || ty.tag.is_some() || depth > 32 {
            return false;
        }
        match &ty.kind {
            TyKind::Prim(Prim::Text | Prim::TextValue(_)) => true,
            TyKind::Named(n) => match schema.get(n).map(|t| &t.kind) {
                Some(TypeKind::Enum(e)) => e.variants.iter().all(|v| matches!(v.value, Literal::Text(_))),
                Some(TypeKind::Choice(c)) => c.variants.iter().all(|v| go(schema, &v.ty, depth + 1)),
                _ => false,
            },
            _ => false,
        }
    }
    go(schema, ty, 0)
}

/// A type that contains itself through required or optional fields (not through a list) has
/// no finite Rust layout; report the first type of each such cycle.
fn infinite_types(schema: &Schema, errors: &mut Vec<SchemaError>) {
    // Aliases are looked through; a chain of them that does not end (`a = b`, `b = a`) is an
    // edge to where the walk stopped, so the search below finds the cycle.
    fn direct<'s>(schema: &'s Schema, ty: &'s Ty, out: &mut Vec<&'s str>, depth: usize) {
        if let TyKind::Named(n) = &ty.kind {
            match schema.get(n).map(|t| &t.kind) {
                Some(TypeKind::Alias(inner)) if depth < 32 => direct(schema, inner, out, depth + 1),
                Some(_) => out.push(n),
                None => {}
            }
        }
    }
    let edges = |t: &'_ TypeDef| -> Vec<String> {
        let mut out = Vec::new();
        match &t.kind {
            TypeKind::Struct(s) => {
                // Structs box an optional field through which they recurse (XML a required one
                // too: `Schema::recursive_fields`).
                let boxed = |f: &crate::ir::Field| {
                    f.occur == crate::ir::Occur::Optional
                        || (schema.wire == Wire::Xml && f.occur == crate::ir::Occur::One)
                };
                for f in s.fields.iter().filter(|f| !matches!(f.occur, crate::ir::Occur::Many { .. }) && !boxed(f)) {
                    direct(schema, &f.ty, &mut out, 0);
                }
            }
            TypeKind::Choice(c) => c.variants.iter().for_each(|v| direct(schema, &v.ty, &mut out, 0)),
            TypeKind::Alias(ty) => direct(schema, ty, &mut out, 0),
            TypeKind::Enum(_) => {}
        }
        out.into_iter().map(str::to_owned).collect()
    };
    for t in &schema.types {
        // Depth-first search from `t` looking for a path back to `t`.
        let mut stack = edges(t);
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == t.name {
                errors.push(SchemaError::at(
                    &schema.sources,
                    t.span,
                    format!("`{}` contains itself without an array in between; it would have infinite size", t.name),
                ));
                break;
            }
            if seen.insert(n.clone()) {
                if let Some(next) = schema.get(&n) {
                    stack.extend(edges(next));
                }
            }
        }
    }
}

/// Two alternatives whose names map to one Rust variant would not compile. The identifier is
/// the emitter's (`rust::variant_ident`), renamed values (`-Infinity` → `MinusInfinity`) included.
fn unique_variants<'n>(
    t: &TypeDef,
    names: impl Iterator<Item = (&'n str, &'n Option<String>)>,
    errors: &mut Vec<SchemaError>,
    sources: &[crate::ir::Source],
) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (name, rust_name) in names {
        let ident = crate::rust::variant_ident(name, rust_name).to_string();
        if let Some(prev) = seen.insert(ident.clone(), name) {
            errors.push(SchemaError::at(
                sources,
                t.span,
                format!("`{prev}` and `{name}` of `{}` both become the Rust variant `{ident}`", t.name),
            ));
        }
    }
}

/// A hint for two names that are one Rust identifier because they differ only in case or in
/// `-`/`_`, which is easy to miss when reading the schema.
fn differ_only_by_case(e: SchemaError, a: &str, b: &str) -> SchemaError {
    let fold = |s: &str| s.chars().filter(|c| *c != '-' && *c != '_').collect::<String>().to_lowercase();
    if fold(a) == fold(b) {
        e.help(format!(
            "`{a}` and `{b}` differ only in case or `-`/`_`, which Rust names do not keep; \
             rename one in the schema, or give one a Rust name with `Builder::rename`"
        ))
    } else {
        e
    }
}

fn describe(key: &MessageKey) -> String {
    match key {
        MessageKey::TypeKey(k) => format!("type key {k}"),
        MessageKey::Element(e) => format!("element <{e}>"),
    }
}

fn resolve(schema: &Schema, ty: &Ty, owner: &TypeDef, errors: &mut Vec<SchemaError>) {
    match &ty.kind {
        TyKind::Named(n) if schema.get(n).is_none() => {
            errors.push(SchemaError::at(
                &schema.sources,
                owner.span,
                format!("unresolved name `{n}` in `{}`", owner.name),
            ));
        }
        TyKind::List { item, .. } => resolve(schema, item, owner, errors),
        _ => {}
    }
}

/// Alternatives that can start alike are decoded by trying them in schema order (the first
/// that decodes wins, as a CDDL validator matches), so an alternative that an earlier one
/// covers (`any / uint`) is valid CDDL that never decodes: a warning, not an error. It still
/// encodes, and what it encodes decodes as the earlier alternative.
pub(crate) fn covered_alternatives(schema: &Schema) -> Vec<SchemaError> {
    let mut out = Vec::new();
    for t in schema.types.iter().filter(|t| t.external.is_none()) {
        let TypeKind::Choice(c) = &t.kind else { continue };
        for (i, v) in c.variants.iter().enumerate() {
            let covering = c.variants[..i].iter().find(|p| {
                let (pe, ve) = (effective(schema, &p.ty), effective(schema, &v.ty));
                (pe == ve && !pe.nullable)
                    || (pe.kind == TyKind::Prim(Prim::Any) && pe.tag.is_none() && pe.constraints.is_empty())
            });
            if let Some(prev) = covering {
                out.push(
                    SchemaError::at(
                        &schema.sources,
                        t.span,
                        format!(
                            "the alternative `{}` of `{}` is never decoded: `{}` before it accepts every value it \
                             could (alternatives are tried in order)",
                            v.name, t.name, prev.name
                        ),
                    )
                    .help("drop it, or put it first")
                    .warning(),
                );
                break;
            }
        }
    }
    out
}

/// A type with its aliases looked through.
fn effective(schema: &Schema, ty: &Ty) -> Ty {
    let mut ty = ty.clone();
    for _ in 0..32 {
        let TyKind::Named(n) = &ty.kind else { break };
        let Some(def @ TypeDef { kind: TypeKind::Alias(inner), .. }) = schema.get(n) else { break };
        // A tagged rule is a type of its own (`TypeDef::tagged`).
        if def.tagged().is_some() || (ty.tag.is_some() && inner.tag.is_some()) {
            break;
        }
        let outer = ty.clone();
        ty = inner.clone();
        ty.nullable |= outer.nullable;
        ty.tag = outer.tag.or(ty.tag);
        ty.constraints.extend(outer.constraints);
    }
    ty
}
