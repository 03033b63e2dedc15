//! CDDL front end: the `cddl` crate's AST → [`ir::Schema`](crate::ir::Schema).
//!
//! Translation only. Open Screen conventions live in comments, so they are read here: a
//! `; type key N` line before a rule makes it a message, and the trailing `; name` after an
//! integer-keyed entry names the field. Inline maps, arrays, enums and choices are hoisted into
//! named types called `<parent>-<field>`, so names stay stable when the schema grows.
//! Whatever has no faithful Rust translation is reported with its location, never guessed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cddl::ast::{
    self, GenericArgs, Group, GroupEntry, MemberKey, Occur as AstOccur, RangeCtlOp, Type, Type1, Type2, TypeChoice,
};
use cddl::token::{ControlOperator, SocketPlug, Value};

use crate::comment;
use crate::diagnostic::{Error, SchemaError};
use crate::ir::{
    Bound, Choice, ChoiceVariant, Constraint, Enum, EnumVariant, Field, Key, Layout, Literal, MessageKey, Occur, Prim,
    Schema, Source, Span, Struct, Table, Ty, TyKind, TypeDef, TypeKind, Wire,
};

/// Compiles CDDL sources (already read) into one schema called `name`.
pub fn compile(name: &str, sources: Vec<Source>) -> Result<Schema, Error> {
    compile_extending(name, None, sources)
}

/// A schema that an extension builds on and whose types already exist in Rust (the shipped
/// Open Screen schema, in `::osmos::openscreen`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// Its files; they come before the extension's in [`Schema::sources`].
    pub sources: Vec<Source>,
    /// The Rust module its types live in (`::osmos::openscreen`).
    pub rust_path: String,
}

impl Base {
    /// The standard Open Screen schema, as shipped in `osmos::openscreen`.
    pub fn openscreen() -> Self {
        let sources = crate::shipped::OPENSCREEN_CDDL
            .iter()
            .map(|(path, text)| Source { path: (*path).to_owned(), text: (*text).to_owned() })
            .collect();
        Base { sources, rust_path: "::osmos::openscreen".into() }
    }
}

/// Compiles `sources` against `base`: the extension may use every name the base defines, and
/// every type the base produces (hoisted ones included) is marked [`TypeDef::external`] so the
/// back end refers to it instead of copying it. An extension rule may not redefine or extend a
/// base rule, because the shipped types could not follow.
pub fn compile_extending(name: &str, base: Option<&Base>, sources: Vec<Source>) -> Result<Schema, Error> {
    let base_files = base.map_or(0, |b| b.sources.len());
    let sources: Vec<Source> = base.map(|b| b.sources.clone()).unwrap_or_default().into_iter().chain(sources).collect();
    let mut asts = Vec::new();
    let mut errors = Vec::new();
    for source in &sources {
        if let Some(e) = too_deep(source) {
            errors.push(e);
            continue;
        }
        match cddl::pest_bridge::cddl_from_pest_str(&source.text) {
            Ok(ast) => asts.push(ast),
            Err(e) => errors.push(parse_error(source, e)),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let types = {
        let mut lower = Lowerer::new(&sources, &asts, base_files);
        lower.run();
        // A map with group choices lowers its shared entries once per alternative.
        let mut seen = BTreeSet::new();
        lower.errors.retain(|e| seen.insert((e.file.clone(), e.line, e.column, e.message.clone())));
        if !lower.errors.is_empty() {
            return Err(lower.errors.into());
        }
        let n = lower.base_types.unwrap_or(lower.types.len());
        let mut types = lower.types;
        // CoSWID has `role = 33` (a key) and `$role /= …` (its values): the socket gets the
        // suffix, the plain rule keeps its name.
        let plain: BTreeSet<String> = types
            .iter()
            .filter(|t| !t.name.starts_with('$'))
            .map(|t| crate::rust::naming::type_name(&t.name))
            .collect();
        for t in types.iter_mut().filter(|t| t.name.starts_with('$') && t.rust_name.is_none()) {
            let rust = crate::rust::naming::type_name(&t.name);
            if plain.contains(&rust) {
                t.rust_name = Some(format!("{rust}Socket"));
            }
        }
        // SUIT's `suit-manifest = 3` (a key) next to `SUIT_Manifest`: the named constant yields.
        let constant =
            |t: &TypeDef| matches!(&t.kind, TypeKind::Enum(e) if e.variants.len() == 1) && t.rust_name.is_none();
        let others: BTreeSet<String> = types
            .iter()
            .filter(|t| !constant(t))
            .map(|t| t.rust_name.clone().unwrap_or_else(|| crate::rust::naming::type_name(&t.name)))
            .collect();
        for t in types.iter_mut().filter(|t| constant(t)) {
            let rust = crate::rust::naming::type_name(&t.name);
            if others.contains(&rust) {
                t.rust_name = Some(format!("{rust}Value"));
            }
        }
        // `"Infinity" / "-Infinity"` (BiDi): values whose Rust names would collide.
        for t in &mut types {
            let TypeKind::Enum(e) = &mut t.kind else { continue };
            let mut seen = BTreeSet::new();
            for v in &mut e.variants {
                let mut rust = crate::rust::naming::variant_name(&v.name);
                if let (true, Some(rest)) = (seen.contains(&rust), v.name.strip_prefix('-')) {
                    rust = format!("Minus{}", crate::rust::naming::variant_name(rest));
                    v.rust_name = Some(rust.clone());
                }
                seen.insert(rust);
            }
        }
        if let Some(base) = base {
            // The base's rules come first and are lowered first, so its types (hoisted ones
            // included) are exactly the first `n`; whatever the extension derives from base
            // rules later (a generic instance the base never used) is its own.
            for t in &mut types[..n] {
                t.external = Some(format!("{}::{}", base.rust_path, crate::rust::type_ident(t)));
            }
        }
        types
    };
    Ok(Schema { name: name.to_owned(), wire: Wire::Cbor, sources, types })
}

/// How deep `(`, `[` and `{` may nest in a CDDL file. The `cddl` crate's PEG parser
/// backtracks exponentially in the nesting depth (`[[[…[uint]…]]]` 14 deep took 51 s, each
/// level doubling it), and a `build.rs` must fail, never hang. Open Screen nests 3 deep.
pub const MAX_CDDL_NESTING: usize = 8;

/// The first bracket nested deeper than [`MAX_CDDL_NESTING`], outside comments and strings,
/// as an error at its line and column. One pass over the text, before the parser sees it.
fn too_deep(source: &Source) -> Option<SchemaError> {
    let bytes = source.text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b';' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_CDDL_NESTING {
                    let (line, column) = crate::diagnostic::line_col(&source.text, i);
                    let mut e = SchemaError::at_line(
                        &source.path,
                        line,
                        column,
                        format!("CDDL nested more than {MAX_CDDL_NESTING} deep (the parser's time doubles per level)"),
                    );
                    e.range = (i, i + 1);
                    return Some(e);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn parse_error(source: &Source, e: cddl::parser::Error) -> SchemaError {
    match e {
        cddl::parser::Error::PARSER { position, msg } => SchemaError::at_line(
            &source.path,
            position.line.max(1),
            position.column.max(1),
            format!("CDDL syntax: {}", msg.short),
        )
        .in_text(&source.text, position.range),
        other => {
            SchemaError::at_line(&source.path, 1, 1, format!("CDDL syntax: {other}")).in_text(&source.text, (0, 0))
        }
    }
}

/// A rule and the alternates (`/=`, `//=`) that extend it.
struct RuleDef<'a> {
    file: usize,
    types: Vec<&'a ast::TypeRule<'a>>,
    groups: Vec<&'a ast::GroupRule<'a>>,
    comments: Vec<&'a str>,
    span: ast::Span,
}

impl RuleDef<'_> {
    fn generic_params(&self) -> Vec<&str> {
        let params = match (self.types.first(), self.groups.first()) {
            (Some(t), _) => t.generic_params.as_ref(),
            (None, Some(g)) => g.generic_params.as_ref(),
            _ => None,
        };
        params.map(|p| p.params.iter().map(|p| p.param.ident).collect()).unwrap_or_default()
    }
}

struct Lowerer<'a> {
    sources: &'a [Source],
    rules: Vec<(String, RuleDef<'a>)>,
    index: HashMap<String, usize>,
    types: Vec<TypeDef>,
    /// Names of derived types already emitted (group maps, group enums, generic instances).
    derived: BTreeSet<String>,
    /// Generic parameters in scope, innermost last.
    env: Vec<BTreeMap<String, Ty>>,
    /// The (parent, field) whose type is being lowered, to document hoisted inline types.
    site: Option<(String, String)>,
    file: usize,
    errors: Vec<SchemaError>,
    /// How many of the files belong to the base schema an extension builds on.
    base_files: usize,
    /// How many types the base's rules produced (set once the first extension rule is lowered).
    base_types: Option<usize>,
    /// Map structs (by name) whose schema allows entries beyond its fields (`* K => any`,
    /// `* ext` with `ext = (text => any)`): they keep those entries, so nothing is lost.
    open_maps: BTreeSet<String>,
    /// Set while splicing a repeated group (`* ext`): its entries may each occur or not, and a
    /// computed key in it is a repeated one.
    repeated: bool,
    /// The rules being spliced by `~name` (a rule that contains itself is an error, not a loop).
    unwrapping: BTreeSet<String>,
    /// The typed table (`* K => V`) of each map struct being lowered, by struct name.
    tables: BTreeMap<String, Table>,
    /// The group rule being spliced, which names a table found in it.
    splicing: Option<String>,
    /// The alternative to take at each group choice (`//`) met while lowering one map or
    /// array, in the order they are met (missing: the first); see `Lowerer::struct_kind`.
    picks: Vec<usize>,
    /// Set while `struct_kind` lowers an array body: its group choices pick alternatives too
    /// (elsewhere in arrays, such as a repeated group's items, they are an error).
    array_choices: bool,
    /// Alternatives lowered so far, all maps and arrays together (`MAX_ALTERNATIVES_PER_SCHEMA`).
    alternatives: usize,
    /// The group choices met so far in this pass: (pick, number of alternatives, its label).
    trace: Vec<(usize, usize, String)>,
}

/// What `Lowerer::rollback` restores: a pass over a map body that is done again.
struct Snapshot {
    types: usize,
    errors: usize,
    derived: BTreeSet<String>,
}

/// How many alternatives the group choices of one map may multiply into.
const MAX_MAP_ALTERNATIVES: usize = 512;

/// How many alternatives all maps of a schema may lower together. Maps nested in alternatives
/// are lowered again for each, so a per-map bound alone lets nesting multiply the work
/// (512^depth); this one keeps a hostile schema from hanging a `build.rs`. BiDi needs ~300.
const MAX_ALTERNATIVES_PER_SCHEMA: usize = 20_000;

fn rule_name(ident: &ast::Identifier) -> String {
    match ident.socket {
        Some(SocketPlug::TYPE) => format!("${}", ident.ident),
        Some(SocketPlug::GROUP) => format!("$${}", ident.ident),
        None => ident.ident.to_owned(),
    }
}

fn comments_of<'a>(c: &Option<ast::Comments<'a>>) -> Vec<&'a str> {
    c.as_ref().map(|c| c.0.iter().copied().filter(|s| *s != "\n").collect()).unwrap_or_default()
}

fn doc_lines(comments: &[&str]) -> Vec<String> {
    comments
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        // A comment line `- item` is prose, not a Markdown list whose next lines would have
        // to be indented (EAT's comments are such lists).
        .map(|c| match c.strip_prefix("- ") {
            Some(rest) => format!("\\- {rest}"),
            None => c.to_owned(),
        })
        .collect()
}

fn occur_of(o: &Option<ast::Occurrence>) -> Option<AstOccur> {
    o.as_ref().map(|o| o.occur)
}

fn list_bounds(o: AstOccur) -> Option<(u64, Option<u64>)> {
    match o {
        AstOccur::ZeroOrMore { .. } => Some((0, None)),
        AstOccur::OneOrMore { .. } => Some((1, None)),
        AstOccur::Exact { lower, upper, .. } => Some((lower.unwrap_or(0) as u64, upper.map(|u| u as u64))),
        AstOccur::Optional { .. } => None,
    }
}

fn literal_of(t2: &Type2) -> Option<Literal> {
    match t2 {
        Type2::UintValue { value, .. } => Some(Literal::Int(*value as i128)),
        Type2::IntValue { value, .. } => Some(Literal::Int(*value as i128)),
        Type2::FloatValue { value, .. } => Some(Literal::Float(*value)),
        Type2::TextValue { value, .. } => Some(Literal::Text(value.to_string())),
        Type2::UTF8ByteString { value, .. }
        | Type2::B16ByteString { value, .. }
        | Type2::B64ByteString { value, .. } => Some(Literal::Bytes(value.to_vec())),
        Type2::Typename { ident, generic_args: None, .. } if ident.socket.is_none() => match ident.ident {
            "true" => Some(Literal::Bool(true)),
            "false" => Some(Literal::Bool(false)),
            _ => None,
        },
        _ => None,
    }
}

fn value_literal(v: &Value) -> Option<Literal> {
    match v {
        Value::UINT(u) => Some(Literal::Int(*u as i128)),
        Value::INT(i) => Some(Literal::Int(*i as i128)),
        Value::FLOAT(f) => Some(Literal::Float(*f)),
        Value::TEXT(t) => Some(Literal::Text(t.to_string())),
        Value::BYTE(_) => None,
    }
}

fn literal_name(l: &Literal) -> String {
    match l {
        Literal::Int(i) if *i < 0 => format!("minus-{}", -i),
        Literal::Int(i) => format!("v{i}"),
        Literal::Float(f) => format!("v{}", f.to_string().replace(['.', '-'], "_")),
        Literal::Text(t) => t.clone(),
        Literal::Bytes(_) => "bytes".into(),
        Literal::Bool(b) => b.to_string(),
    }
}

fn is_null(t1: &Type1) -> bool {
    t1.operator.is_none()
        && matches!(&t1.type2, Type2::Typename { ident, generic_args: None, .. }
            if ident.socket.is_none() && (ident.ident == "null" || ident.ident == "nil"))
}

/// The name of the group entry's trailing `; name` comment, and any further comment lines.
fn entry_comments<'a>(trailing: &Option<ast::Comments<'a>>, comma: &ast::OptionalComma<'a>) -> Vec<&'a str> {
    let mut c = comments_of(trailing);
    c.extend(comments_of(&comma.trailing_comments));
    c
}

impl<'a> Lowerer<'a> {
    fn new(sources: &'a [Source], asts: &'a [ast::CDDL<'a>], base_files: usize) -> Self {
        let mut me = Lowerer {
            sources,
            rules: Vec::new(),
            index: HashMap::new(),
            types: Vec::new(),
            derived: BTreeSet::new(),
            env: Vec::new(),
            site: None,
            file: 0,
            errors: Vec::new(),
            base_files,
            base_types: None,
            open_maps: BTreeSet::new(),
            repeated: false,
            tables: BTreeMap::new(),
            splicing: None,
            picks: Vec::new(),
            unwrapping: BTreeSet::new(),
            array_choices: false,
            alternatives: 0,
            trace: Vec::new(),
        };
        for (file, cddl) in asts.iter().enumerate() {
            me.file = file;
            for rule in &cddl.rules {
                me.collect(file, rule);
            }
        }
        me
    }

    fn span(&self, s: ast::Span) -> Span {
        Span { file: self.file, start: s.0, end: s.1 }
    }

    fn error(&mut self, s: ast::Span, message: impl Into<String>) {
        let e = SchemaError::at(self.sources, self.span(s), message);
        self.errors.push(e);
    }

    fn collect(&mut self, file: usize, rule: &'a ast::Rule<'a>) {
        let (name, span, comments, alternate) = match rule {
            ast::Rule::Type { rule: r, span, comments_before_rule, .. } => {
                (rule_name(&r.name), *span, comments_of(comments_before_rule), r.is_type_choice_alternate)
            }
            ast::Rule::Group { rule: r, span, comments_before_rule, .. } => {
                (rule_name(&r.name), *span, comments_of(comments_before_rule), r.is_group_choice_alternate)
            }
        };
        let slot = match self.index.get(&name) {
            Some(&i) if file >= self.base_files && self.rules[i].1.file < self.base_files => {
                let first = &self.rules[i].1;
                let at = SchemaError::at(
                    self.sources,
                    Span { file: first.file, start: first.span.0, end: first.span.1 },
                    "",
                );
                self.error(
                    span,
                    format!(
                        "`{name}` is defined by the standard schema this one extends ({}:{}:{}); \
                         an extension cannot redefine or extend a standard rule, pick another name",
                        at.file, at.line, at.column
                    ),
                );
                return;
            }
            Some(&i) if alternate || name.starts_with('$') => i,
            Some(_) => {
                self.error(span, format!("rule `{name}` is defined twice"));
                return;
            }
            None => {
                self.index.insert(name.clone(), self.rules.len());
                self.rules
                    .push((name.clone(), RuleDef { file, types: Vec::new(), groups: Vec::new(), comments, span }));
                self.rules.len() - 1
            }
        };
        let def = &mut self.rules[slot].1;
        match rule {
            ast::Rule::Type { rule, .. } => def.types.push(rule),
            ast::Rule::Group { rule, .. } => def.groups.push(rule),
        }
        if !def.types.is_empty() && !def.groups.is_empty() {
            self.error(span, format!("`{name}` is both a type and a group"));
        }
    }

    fn run(&mut self) {
        for i in 0..self.rules.len() {
            let (name, def) = &self.rules[i];
            if def.file >= self.base_files && self.base_types.is_none() {
                self.base_types = Some(self.types.len());
            }
            if def.types.is_empty() || !def.generic_params().is_empty() {
                continue;
            }
            let name = name.clone();
            self.file = def.file;
            let span = def.span;
            let mut docs = Vec::new();
            let mut message = None;
            for c in def.comments.clone() {
                match comment::type_key(c) {
                    Some(Ok(key)) if message.is_none() => message = Some(MessageKey::TypeKey(key)),
                    Some(Ok(_)) => self.error(span, format!("`{name}` has two type key comments")),
                    Some(Err(e)) => self.error(span, e),
                    None => docs.extend(doc_lines(&[c])),
                }
            }
            let ty = self.rule_type(i);
            let kind = self.type_kind(&ty, &name, span);
            self.push(name, docs, span, message, kind);
        }
    }

    /// The type of a type rule, with `/=` alternates merged into one choice.
    fn rule_type(&self, i: usize) -> Type<'a> {
        let def = &self.rules[i].1;
        let mut ty = def.types[0].value.clone();
        for alt in &def.types[1..] {
            ty.type_choices.extend(alt.value.type_choices.iter().cloned());
        }
        ty
    }

    fn push(&mut self, name: String, docs: Vec<String>, span: ast::Span, message: Option<MessageKey>, kind: TypeKind) {
        let span = self.span(span);
        self.types.push(TypeDef { rust_name: None, external: None, name, docs, span, message, kind });
    }

    /// Hoists an inline type into a named one and returns a reference to it.
    fn hoist(&mut self, name: &str, docs: Vec<String>, span: ast::Span, kind: TypeKind) -> Ty {
        let docs = match &self.site {
            Some((parent, field)) if docs.is_empty() && name == format!("{parent}-{field}") => {
                vec![format!("The type of the `{field}` field of `{parent}`, written inline in the schema.")]
            }
            _ => docs,
        };
        self.push(name.to_owned(), docs, span, None, kind);
        Ty::named(name)
    }

    /// What a named type rule (or a hoisted inline type) becomes.
    fn type_kind(&mut self, ty: &Type<'a>, name: &str, span: ast::Span) -> TypeKind {
        let (choices, nullable) = self.cbor_choices(ty);
        if nullable || choices.is_empty() {
            return TypeKind::Alias(self.lower_ty(ty, name));
        }
        if let [only] = choices.as_slice() {
            let t1 = &only.type1;
            if t1.operator.is_none() {
                match &t1.type2 {
                    // `a = ( b / c )`: the parentheses change nothing.
                    Type2::ParenthesizedType { pt, .. } => return self.type_kind(pt, name, span),
                    Type2::Map { group, span, .. } => {
                        return self.map_kind(name, *span, &|me: &mut Self, parent: &str| {
                            me.fields(group, Layout::Map, parent)
                        });
                    }
                    Type2::Array { group, span, .. } if self.list_of(group, name).is_none() => {
                        return self.array_kind(name, *span, group);
                    }
                    Type2::ChoiceFromInlineGroup { group, .. } => {
                        return TypeKind::Enum(Enum { variants: self.enum_variants(group) });
                    }
                    // `alg = 1`, a named constant (often a map key): a one-value enumeration.
                    t2 if matches!(literal_of(t2), Some(ref l) if !matches!(l, Literal::Bool(_))) => {
                        let value = literal_of(t2).expect("literal");
                        let variant =
                            EnumVariant { rust_name: None, name: literal_name(&value), value, docs: Vec::new() };
                        return TypeKind::Enum(Enum { variants: vec![variant] });
                    }
                    Type2::ChoiceFromGroup { ident, generic_args: None, span, .. } => {
                        if let Some(kind) = self.group_enum_kind(ident.ident, *span) {
                            return kind;
                        }
                    }
                    _ => {}
                }
            }
            return TypeKind::Alias(self.lower_type1(t1, name));
        }
        // Several alternatives: all literals make an enumeration, anything else a choice.
        let literals: Option<Vec<Literal>> = choices
            .iter()
            .map(|c| if c.type1.operator.is_none() { literal_of(&c.type1.type2) } else { None })
            .collect();
        if let Some(literals) = literals {
            let variants = literals
                .into_iter()
                .map(|value| EnumVariant { rust_name: None, name: literal_name(&value), value, docs: Vec::new() })
                .collect();
            return TypeKind::Enum(Enum { variants });
        }
        let mut variants: Vec<ChoiceVariant> = Vec::new();
        for c in &choices {
            let mut vname = self.variant_name(&c.type1);
            // `[2* text] / [2* int]`: both `array`, told apart by their position.
            if variants.iter().any(|v| v.name == vname) {
                vname = format!("{vname}-{}", variants.len() + 1);
            }
            let ty = self.lower_type1(&c.type1, &format!("{name}-{vname}"));
            variants.push(ChoiceVariant { rust_name: None, name: vname, ty, element: None });
        }
        let _ = span;
        // `bstr .cbor header_map / bstr .size 0`: a plain primitive takes every value of the
        // same primitive with constraints, so those alternatives add nothing.
        let plain: Vec<Ty> = variants
            .iter()
            .filter(|v| matches!(v.ty.kind, TyKind::Prim(_)) && v.ty == Ty::new(v.ty.kind.clone()))
            .map(|v| v.ty.clone())
            .collect();
        let mut kept: Vec<ChoiceVariant> = Vec::new();
        for v in variants {
            let subsumed = v.ty.tag.is_none()
                && !v.ty.nullable
                && plain.iter().any(|p| p.kind == v.ty.kind)
                && (v.ty != Ty::new(v.ty.kind.clone()) || kept.iter().any(|k| k.ty == v.ty));
            if !subsumed {
                kept.push(v);
            }
        }
        if let [only] = kept.as_slice() {
            return TypeKind::Alias(only.ty.clone());
        }
        TypeKind::Choice(Choice { variants: kept })
    }

    fn variant_name(&self, t1: &Type1) -> String {
        match &t1.type2 {
            Type2::Typename { ident, .. } => ident.ident.to_owned(),
            // `{ script.DateLocalValue }` is that group's alternative, not an anonymous map.
            Type2::Map { group, .. } => self.group_map_ref(group).unwrap_or_else(|| "map".into()),
            Type2::Array { .. } => "array".into(),
            Type2::TaggedData { tag, .. } => match tag.as_ref().and_then(|t| t.as_literal()) {
                Some(n) => format!("tag{n}"),
                None => "tagged".into(),
            },
            other => literal_of(other).map(|l| literal_name(&l)).unwrap_or_else(|| "value".into()),
        }
    }

    /// `{ group }` where the map is exactly one group: the struct is named after the group.
    fn group_map_ref(&self, group: &Group) -> Option<String> {
        let [gc] = group.group_choices.as_slice() else { return None };
        let [(GroupEntry::TypeGroupname { ge, .. }, _)] = gc.group_entries.as_slice() else {
            return None;
        };
        if ge.occur.is_some() || ge.generic_args.is_some() {
            return None;
        }
        let name = rule_name(&ge.name);
        let &i = self.index.get(&name)?;
        (!self.rules[i].1.groups.is_empty()).then_some(name)
    }

    /// `[* T]`, `[1* T]`, `[n*m T]`: the element entry and its bounds.
    fn list_of<'g>(&self, group: &'g Group<'a>, _name: &str) -> Option<(&'g GroupEntry<'a>, u64, Option<u64>)> {
        let [gc] = group.group_choices.as_slice() else { return None };
        let [(entry, _)] = gc.group_entries.as_slice() else { return None };
        let occur = match entry {
            GroupEntry::ValueMemberKey { ge, .. } if ge.member_key.is_none() => occur_of(&ge.occur)?,
            GroupEntry::TypeGroupname { ge, .. } => {
                let name = rule_name(&ge.name);
                if self.index.get(&name).is_some_and(|&i| !self.rules[i].1.groups.is_empty()) {
                    return None;
                }
                occur_of(&ge.occur)?
            }
            // `[+ (tstr / int)]`: the parentheses hold one type, not a group.
            GroupEntry::InlineGroup { occur, group, .. } if paren_type(group).is_some() => occur_of(occur)?,
            _ => return None,
        };
        let (min, max) = list_bounds(occur)?;
        Some((entry, min, max))
    }

    fn group_enum_kind(&mut self, group_name: &str, span: ast::Span) -> Option<TypeKind> {
        let Some(&i) = self.index.get(group_name) else {
            self.error(span, format!("`&{group_name}` names no group rule"));
            return None;
        };
        let groups = self.rules[i].1.groups.clone();
        if groups.is_empty() {
            self.error(span, format!("`&{group_name}` needs a group rule, `{group_name}` is a type"));
            return None;
        }
        let mut variants = Vec::new();
        for g in groups {
            variants.extend(self.enum_entry_variants(&g.entry));
        }
        Some(TypeKind::Enum(Enum { variants }))
    }

    /// Ensures the enum for `&group` exists and returns a reference to it.
    fn group_enum(&mut self, group_name: &str, span: ast::Span) -> Ty {
        if self.derived.insert(format!("&{group_name}")) {
            if let Some(kind) = self.group_enum_kind(group_name, span) {
                let i = self.index[group_name];
                let (docs, def_span, file) = {
                    let def = &self.rules[i].1;
                    (doc_lines(&def.comments), def.span, def.file)
                };
                let saved = std::mem::replace(&mut self.file, file);
                self.push(group_name.to_owned(), docs, def_span, None, kind);
                self.file = saved;
            }
        }
        Ty::named(group_name)
    }

    /// Ensures the struct for `{ group }` exists and returns a reference to it.
    fn group_struct(&mut self, group_name: &str) -> Ty {
        if self.derived.insert(format!("{{{group_name}}}")) {
            let i = self.index[group_name];
            let (groups, docs, span, file) = {
                let def = &self.rules[i].1;
                (def.groups.clone(), doc_lines(&def.comments), def.span, def.file)
            };
            let saved = std::mem::replace(&mut self.file, file);
            let kind = self.map_kind(group_name, span, &|me: &mut Self, parent: &str| {
                let mut fields = Vec::new();
                me.splice_rules(group_name, &groups, Layout::Map, parent, false, &mut fields);
                fields
            });
            self.push(group_name.to_owned(), docs, span, None, kind);
            self.file = saved;
        }
        Ty::named(group_name)
    }

    fn enum_variants(&mut self, group: &Group<'a>) -> Vec<EnumVariant> {
        let mut out = Vec::new();
        if group.group_choices.len() > 1 {
            self.error(group.span, "group choices (`//`) cannot form an enumeration");
        }
        for gc in &group.group_choices {
            for (entry, _) in &gc.group_entries {
                out.extend(self.enum_entry_variants(entry));
            }
        }
        out
    }

    fn enum_entry_variants(&mut self, entry: &GroupEntry<'a>) -> Vec<EnumVariant> {
        match entry {
            GroupEntry::ValueMemberKey { ge, span, leading_comments, .. } => {
                let docs = doc_lines(&comments_of(leading_comments));
                let value = match ge.entry_type.type_choices.as_slice() {
                    [c] if c.type1.operator.is_none() => literal_of(&c.type1.type2),
                    _ => None,
                };
                let Some(value) = value else {
                    self.error(*span, "enumeration members must be literal values");
                    return Vec::new();
                };
                let name = match &ge.member_key {
                    Some(MemberKey::Bareword { ident, .. }) => ident.ident.to_owned(),
                    None => literal_name(&value),
                    Some(_) => {
                        self.error(*span, "enumeration members are written `name: value`");
                        return Vec::new();
                    }
                };
                vec![EnumVariant { rust_name: None, name, value, docs }]
            }
            GroupEntry::TypeGroupname { ge, span, .. } => {
                let name = rule_name(&ge.name);
                match self.index.get(&name).map(|&i| (self.rules[i].1.groups.clone(), self.rules[i].1.types.clone())) {
                    Some((groups, _)) if !groups.is_empty() => {
                        groups.iter().flat_map(|g| self.enum_entry_variants(&g.entry)).collect()
                    }
                    Some((_, types)) => match types.first().map(|t| t.value.type_choices.as_slice()) {
                        Some([c]) if c.type1.operator.is_none() => match literal_of(&c.type1.type2) {
                            Some(value) => vec![EnumVariant { rust_name: None, name, value, docs: Vec::new() }],
                            None => {
                                self.error(*span, format!("`{name}` is not a literal value"));
                                Vec::new()
                            }
                        },
                        _ => {
                            self.error(*span, format!("`{name}` is not a literal value"));
                            Vec::new()
                        }
                    },
                    None => {
                        self.error(*span, format!("unresolved name `{name}`"));
                        Vec::new()
                    }
                }
            }
            GroupEntry::InlineGroup { group, .. } => self.enum_variants(group),
        }
    }

    /// The fields of a map or array body.
    fn fields(&mut self, group: &Group<'a>, layout: Layout, parent: &str) -> Vec<Field> {
        let mut out = Vec::new();
        self.group_fields(group, layout, parent, false, &mut out);
        out
    }

    fn group_fields(&mut self, group: &Group<'a>, layout: Layout, parent: &str, optional: bool, out: &mut Vec<Field>) {
        self.group_choice(group, layout, parent, optional, false, out);
    }

    /// A group, or one alternative of its group choice (`a // b`) as `picks` says; `absent`
    /// adds the alternative of no entries at all (`? (a // b)`).
    fn group_choice(
        &mut self,
        group: &Group<'a>,
        layout: Layout,
        parent: &str,
        optional: bool,
        absent: bool,
        out: &mut Vec<Field>,
    ) {
        let choices: Vec<&ast::GroupChoice<'a>> = if group.group_choices.len() > 1 || absent {
            if layout != Layout::Map && !(layout == Layout::Array && self.array_choices) {
                self.error(
                    group.span,
                    "group choices (`//`) inside a repeated group are not supported; use a type choice of arrays",
                );
                return;
            }
            let mut labels: Vec<String> =
                group.group_choices.iter().enumerate().map(|(i, gc)| choice_label(gc, i)).collect();
            if absent {
                labels.push("absent".into());
            }
            match group.group_choices.get(self.choose(labels)) {
                Some(gc) => vec![gc],
                None => return,
            }
        } else {
            group.group_choices.iter().collect()
        };
        for gc in choices {
            for (entry, comma) in &gc.group_entries {
                self.entry_fields(entry, comma, layout, parent, optional, out);
            }
        }
    }

    /// Takes the next group choice's alternative from `picks` and records it in `trace`.
    fn choose(&mut self, labels: Vec<String>) -> usize {
        let n = labels.len();
        let pick = self.picks.get(self.trace.len()).copied().unwrap_or(0).min(n - 1);
        let label = labels.into_iter().nth(pick).unwrap_or_default();
        self.trace.push((pick, n, label));
        pick
    }

    /// The rules of a group (one, or several joined by `//=`, a group choice), spliced.
    fn splice_rules(
        &mut self,
        name: &str,
        groups: &[&'a ast::GroupRule<'a>],
        layout: Layout,
        parent: &str,
        optional: bool,
        out: &mut Vec<Field>,
    ) {
        let chosen: Vec<&'a ast::GroupRule<'a>> =
            if groups.len() > 1 && !name.starts_with("$$") && layout == Layout::Map {
                let labels = groups.iter().enumerate().map(|(i, g)| entry_label(&g.entry, i)).collect();
                vec![groups[self.choose(labels)]]
            } else {
                groups.to_vec()
            };
        for g in chosen {
            self.entry_fields(&g.entry, &ast::OptionalComma::default(), layout, parent, optional, out);
        }
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot { types: self.types.len(), errors: self.errors.len(), derived: self.derived.clone() }
    }

    /// Undoes a pass over a map body: its hoisted types, errors and the struct's table.
    fn rollback(&mut self, s: Snapshot, name: &str) {
        self.types.truncate(s.types);
        self.errors.truncate(s.errors);
        self.derived = s.derived;
        self.tables.remove(name);
        self.open_maps.remove(name);
    }

    /// A map type: a struct of the fields `body` lowers, or, where the body holds group choices
    /// (`//`), a choice of one struct per combination of alternatives (`<name>-<alternative>`),
    /// which the decoder tells apart by a key only one of them has or a key's value.
    fn map_kind(&mut self, name: &str, span: ast::Span, body: &dyn Fn(&mut Self, &str) -> Vec<Field>) -> TypeKind {
        self.struct_kind(Layout::Map, name, span, body)
    }

    /// An array type: [`Lowerer::map_kind`] for positional items. `[a, (b // c)]` is the
    /// choice of `[a, b]` and `[a, c]`, tried in order by the decoder (they all start as an
    /// array), as a validator matches.
    fn array_kind(&mut self, name: &str, span: ast::Span, group: &Group<'a>) -> TypeKind {
        let saved = std::mem::replace(&mut self.array_choices, true);
        let kind = self.struct_kind(Layout::Array, name, span, &|me: &mut Self, parent: &str| {
            me.fields(group, Layout::Array, parent)
        });
        self.array_choices = saved;
        kind
    }

    /// The struct of `layout` that `body` lowers, or one per combination of its group choices.
    fn struct_kind(
        &mut self,
        layout: Layout,
        name: &str,
        span: ast::Span,
        body: &dyn Fn(&mut Self, &str) -> Vec<Field>,
    ) -> TypeKind {
        let make = |me: &mut Self, name: &str, fields: Vec<Field>| match layout {
            Layout::Map => {
                let unknown = me.open_field(name, &fields);
                let table = me.table_field(name, &fields);
                Struct { layout, fields, unknown, table }
            }
            _ => Struct { layout, fields, unknown: None, table: None },
        };
        let saved = (std::mem::take(&mut self.picks), std::mem::take(&mut self.trace));
        let before = self.snapshot();
        let fields = body(self, name);
        if self.trace.is_empty() {
            (self.picks, self.trace) = saved;
            return TypeKind::Struct(make(self, name, fields));
        }
        self.rollback(before, name);
        let mut variants: Vec<ChoiceVariant> = Vec::new();
        let mut picks: Vec<usize> = Vec::new();
        loop {
            // A first pass learns which alternatives this combination takes (and their labels),
            // the second lowers it under its own name.
            let probe = format!("{name}-?");
            let before = self.snapshot();
            self.picks = picks.clone();
            self.trace.clear();
            let _ = body(self, &probe);
            let trace = std::mem::take(&mut self.trace);
            self.rollback(before, &probe);
            let last = trace.last().map(|t| t.2.clone()).unwrap_or_default();
            let taken = |l: &str| variants.iter().any(|v| v.name == l);
            let mut label = last;
            if taken(&label) {
                label = trace.iter().map(|t| t.2.as_str()).collect::<Vec<_>>().join("-");
            }
            if taken(&label) {
                label = format!("{label}-{}", variants.len() + 1);
            }
            let vname = format!("{name}-{label}");
            self.picks = trace.iter().map(|t| t.0).collect();
            self.trace.clear();
            let fields = body(self, &vname);
            self.trace.clear();
            let docs = vec![format!("The `{label}` alternative of `{name}`.")];
            let kind = TypeKind::Struct(make(self, &vname, fields));
            self.push(vname.clone(), docs, span, None, kind);
            variants.push(ChoiceVariant { name: label, rust_name: None, ty: Ty::named(vname), element: None });
            self.alternatives += 1;
            if self.alternatives > MAX_ALTERNATIVES_PER_SCHEMA {
                self.error(
                    span,
                    format!(
                        "the group choices of the schema's maps and arrays make more than {MAX_ALTERNATIVES_PER_SCHEMA} alternatives (nested in each other, they multiply)"
                    ),
                );
                break;
            }
            if variants.len() > MAX_MAP_ALTERNATIVES {
                self.error(
                    span,
                    format!("the group choices of `{name}` make more than {MAX_MAP_ALTERNATIVES} alternatives"),
                );
                break;
            }
            // The next combination, odometer-wise from the last choice met.
            let mut rest: Vec<(usize, usize)> = trace.iter().map(|t| (t.0, t.1)).collect();
            let mut next = None;
            while let Some((p, n)) = rest.pop() {
                if p + 1 < n {
                    next = Some(rest.iter().map(|r| r.0).chain([p + 1]).collect());
                    break;
                }
            }
            match next {
                Some(n) => picks = n,
                None => break,
            }
        }
        (self.picks, self.trace) = saved;
        TypeKind::Choice(Choice { variants })
    }

    fn entry_fields(
        &mut self,
        entry: &GroupEntry<'a>,
        comma: &ast::OptionalComma<'a>,
        layout: Layout,
        parent: &str,
        optional: bool,
        out: &mut Vec<Field>,
    ) {
        match entry {
            // `~other` in a map (an array): the entries of the map (array) `other` is, spliced.
            GroupEntry::ValueMemberKey { ge, span, .. }
                if ge.member_key.is_none() && self.unwrap_rule(&ge.entry_type).is_some() =>
            {
                let (name, group) = self.unwrap_rule(&ge.entry_type).expect("checked");
                match (&group.0, layout) {
                    (Layout::Map, Layout::Map) | (Layout::Array, Layout::Array) if ge.occur.is_none() => {
                        if !self.unwrapping.insert(name.clone()) {
                            self.error(*span, format!("`~{name}` unwraps a rule that contains itself"));
                            return;
                        }
                        self.group_fields(group.1, layout, parent, optional, out);
                        self.unwrapping.remove(&name);
                    }
                    (_, _) if ge.occur.is_some() => self.error(
                        *span,
                        "an unwrapped group (`~name`) cannot repeat; name the group as a rule and repeat that",
                    ),
                    (Layout::Map, _) => {
                        self.error(*span, format!("`~{name}` is a map: its entries splice into a map, not an array"))
                    }
                    _ => self.error(*span, format!("`~{name}` is an array: its items splice into an array, not a map")),
                }
            }
            GroupEntry::ValueMemberKey { ge, span, leading_comments, trailing_comments } => {
                let mut docs = doc_lines(&comments_of(leading_comments));
                let trailing = entry_comments(trailing_comments, comma);
                let occur = occur_of(&ge.occur);
                let key = match &ge.member_key {
                    None => None,
                    Some(MemberKey::Bareword { ident, .. }) => Some(FieldName::Bare(ident.ident.to_owned())),
                    Some(MemberKey::Value { value, .. }) => match value_literal(value) {
                        Some(l) => Some(FieldName::Lit(l)),
                        None => {
                            self.error(*span, "byte-string map keys are not supported");
                            return;
                        }
                    },
                    Some(MemberKey::Type1 { t1, .. }) => {
                        match (t1.operator.is_none()).then(|| literal_of(&t1.type2)).flatten() {
                            Some(l) => Some(FieldName::Lit(l)),
                            None => {
                                let repeated = self.repeated || occur.is_some_and(|o| list_bounds(o).is_some());
                                if layout == Layout::Map && repeated && self.is_any(&ge.entry_type) {
                                    // `* tstr => any`: an open map, whose other entries are kept.
                                    self.open_maps.insert(parent.to_owned());
                                    return;
                                }
                                if let Some(named) = (layout == Layout::Map && t1.operator.is_none())
                                    .then(|| self.named_constant(&t1.type2))
                                    .flatten()
                                {
                                    // `lbl => T` with `lbl = 1`, `&(lbl: 1) => T`: the constant is the key.
                                    Some(named)
                                } else if layout == Layout::Map {
                                    self.table(parent, t1, ge, occur, optional, *span);
                                    return;
                                } else {
                                    self.error(*span, "computed keys (`K => V`) belong in maps, not arrays");
                                    return;
                                }
                            }
                        }
                    }
                    Some(MemberKey::NonMemberKey { .. }) => {
                        self.error(*span, "unsupported member key");
                        return;
                    }
                };
                let (name, wire_key) = match (key, layout) {
                    (Some(FieldName::Bare(n)), Layout::Map) => {
                        docs.extend(doc_lines(&trailing));
                        (n.clone(), Key::Text(n))
                    }
                    (Some(FieldName::Bare(n)), _) => {
                        docs.extend(doc_lines(&trailing));
                        (n, Key::Position(out.len()))
                    }
                    (Some(FieldName::Lit(Literal::Int(k))), Layout::Map) => {
                        let Ok(k) = i64::try_from(k) else {
                            self.error(*span, "map key out of range");
                            return;
                        };
                        let (name, rest) = match trailing.first().map(|c| comment::field_name(c)) {
                            Some(Some((n, rest))) => (n, rest),
                            _ if k < 0 => (format!("key-minus-{}", k.unsigned_abs()), String::new()),
                            _ => (format!("key-{k}"), String::new()),
                        };
                        if !rest.is_empty() {
                            docs.push(rest);
                        }
                        docs.extend(doc_lines(trailing.get(1..).unwrap_or_default()));
                        (name, Key::Int(k))
                    }
                    (Some(FieldName::Const(n, Literal::Int(k))), Layout::Map) => {
                        let Ok(k) = i64::try_from(k) else {
                            self.error(*span, "map key out of range");
                            return;
                        };
                        docs.extend(doc_lines(&trailing));
                        (n, Key::Int(k))
                    }
                    (Some(FieldName::Const(n, Literal::Text(t))), Layout::Map) => {
                        docs.extend(doc_lines(&trailing));
                        (n, Key::Text(t))
                    }
                    (Some(FieldName::Lit(Literal::Text(t))), Layout::Map) => {
                        docs.extend(doc_lines(&trailing));
                        (t.clone(), Key::Text(t))
                    }
                    (Some(FieldName::Lit(_) | FieldName::Const(..)), _) => {
                        self.error(*span, "only integer and text literals can be map keys, and arrays take no keys");
                        return;
                    }
                    (None, Layout::Array) => {
                        let name = match trailing.first().map(|c| comment::field_name(c)) {
                            Some(Some((n, _))) => n,
                            _ => format!("item{}", out.len()),
                        };
                        (name, Key::Position(out.len()))
                    }
                    (None, _) => {
                        self.error(*span, "a map entry needs a key (`key: type`)");
                        return;
                    }
                };
                let occur = match occur {
                    None => Occur::One,
                    Some(AstOccur::Optional { .. }) => Occur::Optional,
                    // `[bstr, * bstr]`, `[2* bstr, ?nil]`: the items this entry takes.
                    Some(o) if layout == Layout::Array && matches!(wire_key, Key::Position(_)) => {
                        let (min, max) = list_bounds(o).unwrap_or((0, None));
                        Occur::Many { min, max }
                    }
                    Some(_) => {
                        self.error(*span, "repeated entries (`*`, `+`, `n*m`) inside a map are not supported; wrap them in an array: `key: [* T]`");
                        return;
                    }
                };
                let occur = if optional { Occur::Optional } else { occur };
                let saved = self.site.replace((parent.to_owned(), name.clone()));
                let ty = self.lower_ty(&ge.entry_type, &format!("{parent}-{name}"));
                self.site = saved;
                let span = self.span(*span);
                out.push(Field { rust_name: None, name, docs, key: wire_key, ty, occur, group: None, span });
            }
            GroupEntry::TypeGroupname { ge, span, trailing_comments, leading_comments } => {
                let name = rule_name(&ge.name);
                let occur = occur_of(&ge.occur);
                let group_rules = self.index.get(&name).map(|&i| self.rules[i].1.groups.clone());
                match group_rules {
                    Some(groups) if !groups.is_empty() => {
                        // `* group` in a map: a key occurs at most once, so each entry of the
                        // group is optional, and a computed key in it is a repeated one.
                        let repeated = layout == Layout::Map && occur.is_some_and(|o| list_bounds(o).is_some());
                        let opt = match occur {
                            None => optional,
                            Some(AstOccur::Optional { .. }) => true,
                            Some(_) if repeated => true,
                            Some(o) => {
                                // `[* group]` inside an array: a list of the group's items.
                                let alts: Vec<(String, Vec<&GroupEntry<'a>>)> = groups
                                    .iter()
                                    .enumerate()
                                    .flat_map(|(i, g)| self.group_alternatives(&g.entry, i))
                                    .collect();
                                self.repeated_group(alts, o, parent, *span, out);
                                return;
                            }
                        };
                        // A group socket's alternatives are a group choice: every entry optional.
                        let opt = opt || name.starts_with("$$");
                        let file = self.rules[self.index[&name]].1.file;
                        let saved = std::mem::replace(&mut self.file, file);
                        let saved_repeated = self.repeated;
                        self.repeated |= repeated;
                        let saved_splicing = self.splicing.replace(name.clone());
                        self.splice_rules(&name, &groups, layout, parent, opt, out);
                        self.splicing = saved_splicing;
                        self.repeated = saved_repeated;
                        self.file = saved;
                    }
                    None if name.starts_with("$$") => {} // an empty group socket: an extension point
                    _ if layout == Layout::Array => {
                        let trailing = entry_comments(trailing_comments, comma);
                        let fname = match trailing.first().map(|c| comment::field_name(c)) {
                            Some(Some((n, _))) => n,
                            _ => format!("item{}", out.len()),
                        };
                        let occur = match occur {
                            None => Occur::One,
                            Some(AstOccur::Optional { .. }) => Occur::Optional,
                            Some(o) => {
                                let (min, max) = list_bounds(o).unwrap_or((0, None));
                                Occur::Many { min, max }
                            }
                        };
                        let ty = self.typename(&ge.name, ge.generic_args.as_ref(), *span, &format!("{parent}-{fname}"));
                        let docs = doc_lines(&comments_of(leading_comments));
                        out.push(Field {
                            rust_name: None,
                            name: fname,
                            docs,
                            key: Key::Position(out.len()),
                            ty,
                            occur,
                            group: None,
                            span: self.span(*span),
                        });
                    }
                    _ => self.error(*span, format!("`{name}` is not a group; a map entry needs a key (`key: {name}`)")),
                }
            }
            GroupEntry::InlineGroup { occur, group, span, .. } => {
                let repeated = layout == Layout::Map && occur_of(occur).is_some_and(|o| list_bounds(o).is_some());
                let opt = match occur_of(occur) {
                    None => optional,
                    Some(AstOccur::Optional { .. }) => true,
                    Some(_) if repeated => true,
                    Some(o) => {
                        // `[+ (a // b)]`: a list of groups spliced into the array.
                        let alts: Vec<(String, Vec<&GroupEntry<'a>>)> = group
                            .group_choices
                            .iter()
                            .enumerate()
                            .flat_map(|(i, gc)| self.choice_alternatives(gc, i))
                            .collect();
                        self.repeated_group(alts, o, parent, *span, out);
                        return;
                    }
                };
                let saved_repeated = self.repeated;
                self.repeated |= repeated;
                if group.group_choices.len() > 1 && matches!(occur_of(occur), Some(AstOccur::Optional { .. })) {
                    // `? (a // b)`: one of them, or neither.
                    self.group_choice(group, layout, parent, optional, true, out);
                } else {
                    self.group_fields(group, layout, parent, opt, out);
                }
                self.repeated = saved_repeated;
            }
        }
    }

    /// The alternatives of one group choice, each a label and its entries: a choice that names
    /// a group rule stands for that rule's alternatives (`SUIT_Condition //= (…)`, seven times).
    fn choice_alternatives<'g>(&self, gc: &'g ast::GroupChoice<'a>, i: usize) -> Vec<(String, Vec<&'g GroupEntry<'a>>)>
    where
        'a: 'g,
    {
        if let [(entry, _)] = gc.group_entries.as_slice() {
            return self.group_alternatives(entry, i);
        }
        vec![(choice_label(gc, i), gc.group_entries.iter().map(|(e, _)| e).collect())]
    }

    fn group_alternatives<'g>(&self, entry: &'g GroupEntry<'a>, i: usize) -> Vec<(String, Vec<&'g GroupEntry<'a>>)>
    where
        'a: 'g,
    {
        match entry {
            GroupEntry::TypeGroupname { ge, .. } if ge.occur.is_none() && ge.generic_args.is_none() => {
                let name = rule_name(&ge.name);
                match self.index.get(&name).map(|&r| &self.rules[r].1.groups) {
                    Some(groups) if !groups.is_empty() => {
                        groups.iter().enumerate().flat_map(|(j, g)| self.group_alternatives(&g.entry, j)).collect()
                    }
                    _ => vec![(name, vec![entry])],
                }
            }
            GroupEntry::InlineGroup { group, occur: None, .. } => {
                group.group_choices.iter().enumerate().flat_map(|(j, gc)| self.choice_alternatives(gc, j)).collect()
            }
            other => vec![(entry_label(other, i), vec![other])],
        }
    }

    /// A repeated group inside an array (`[+ (key, value) // …]`): each alternative a struct
    /// of its items ([`Layout::Group`]), their choice if several, and a field listing them.
    fn repeated_group(
        &mut self,
        alts: Vec<(String, Vec<&GroupEntry<'a>>)>,
        o: AstOccur,
        parent: &str,
        span: ast::Span,
        out: &mut Vec<Field>,
    ) {
        // A group choice inside one repeated alternative is not the array's to pick.
        let saved = std::mem::replace(&mut self.array_choices, false);
        self.repeated_group_items(alts, o, parent, span, out);
        self.array_choices = saved;
    }

    fn repeated_group_items(
        &mut self,
        alts: Vec<(String, Vec<&GroupEntry<'a>>)>,
        o: AstOccur,
        parent: &str,
        span: ast::Span,
        out: &mut Vec<Field>,
    ) {
        let (min, max) = list_bounds(o).unwrap_or((0, None));
        let fname = format!("item{}", out.len());
        let base = format!("{parent}-{fname}");
        let mut variants: Vec<ChoiceVariant> = Vec::new();
        for (label, entries) in alts {
            let mut label = label;
            if variants.iter().any(|v| v.name == label) {
                label = format!("{label}-{}", variants.len() + 1);
            }
            let name = format!("{base}-{label}");
            let mut fields = Vec::new();
            for e in entries {
                self.entry_fields(e, &ast::OptionalComma::default(), Layout::Array, &name, false, &mut fields);
            }
            if fields.iter().any(|f| f.occur != Occur::One) {
                self.error(span, "optional or repeated items inside a repeated group are not supported");
                return;
            }
            let docs = vec![format!("One `{label}` group of `{parent}`'s items.")];
            self.push(
                name.clone(),
                docs,
                span,
                None,
                TypeKind::Struct(Struct { layout: Layout::Group, fields, unknown: None, table: None }),
            );
            variants.push(ChoiceVariant { name: label, rust_name: None, ty: Ty::named(name), element: None });
        }
        let ty = match variants.as_slice() {
            [one] => one.ty.clone(),
            _ => {
                let docs = vec![format!("One of the groups `{parent}`'s items repeat.")];
                self.push(base.clone(), docs, span, None, TypeKind::Choice(Choice { variants }));
                Ty::named(base)
            }
        };
        let span = self.span(span);
        out.push(Field {
            rust_name: None,
            name: fname,
            docs: Vec::new(),
            key: Key::Position(out.len()),
            ty,
            occur: Occur::Many { min, max },
            group: None,
            span,
        });
    }

    /// `any`, or a rule that is another name for it (`values = any`).
    fn is_any(&self, ty: &Type) -> bool {
        let [c] = ty.type_choices.as_slice() else { return false };
        if c.type1.operator.is_some() {
            return false;
        }
        match &c.type1.type2 {
            Type2::Any { .. } => true,
            Type2::Typename { ident, generic_args: None, .. } if ident.ident == "any" => true,
            Type2::Typename { ident, generic_args: None, .. } => match self.index.get(&rule_name(ident)) {
                Some(&i) => self.rules[i].1.types.len() == 1 && self.is_any(&self.rules[i].1.types[0].value),
                None => false,
            },
            _ => false,
        }
    }

    /// A map key written as a name for one literal: `lbl` with `lbl = 1`, or `&(lbl: 1)`.
    fn named_constant(&self, t2: &Type2) -> Option<FieldName> {
        match t2 {
            Type2::Typename { ident, generic_args: None, .. } if ident.socket.is_none() => {
                let value = match self.constant(t2) {
                    Some(v) => v,
                    None => match self.cbor_constant(t2, &HashMap::new(), 0) {
                        KeyValue::Lit(v) => v,
                        _ => return None,
                    },
                };
                Some(FieldName::Const(ident.ident.to_owned(), value))
            }
            Type2::ChoiceFromInlineGroup { group, .. } => {
                let [gc] = group.group_choices.as_slice() else { return None };
                let [(GroupEntry::ValueMemberKey { ge, .. }, _)] = gc.group_entries.as_slice() else { return None };
                let Some(MemberKey::Bareword { ident, .. }) = &ge.member_key else { return None };
                let [c] = ge.entry_type.type_choices.as_slice() else { return None };
                let value = c.type1.operator.is_none().then(|| self.constant(&c.type1.type2)).flatten()?;
                Some(FieldName::Const(ident.ident.to_owned(), value))
            }
            _ => None,
        }
    }

    /// A computed key (`* K => V`, `+ tstr => T`, `K => V`): the map's typed table.
    fn table(
        &mut self,
        parent: &str,
        t1: &Type1<'a>,
        ge: &ast::ValueMemberKeyEntry<'a>,
        occur: Option<AstOccur>,
        optional: bool,
        span: ast::Span,
    ) {
        let (min, max) = match occur {
            None if self.repeated => (0, None),
            None => (1, Some(1)),
            Some(AstOccur::Optional { .. }) => (0, Some(1)),
            Some(o) => list_bounds(o).unwrap_or((0, None)),
        };
        let min = if optional || self.repeated { 0 } else { min };
        if self.tables.contains_key(parent) {
            self.error(
                span,
                "a map can hold one table (`* K => V`) besides its fields; this is a second: merge them into one with a choice of key and value types",
            );
            return;
        }
        let name = self.splicing.clone().unwrap_or_else(|| "entries".into());
        let key = self.lower_type1(t1, &format!("{parent}-{name}-key"));
        let value = self.lower_ty(&ge.entry_type, &format!("{parent}-{name}-value"));
        let span = self.span(span);
        self.tables.insert(parent.to_owned(), Table { name, key, value, min, max, span });
    }

    /// The table of the map struct `name`, renamed if a field already has its name.
    fn table_field(&mut self, name: &str, fields: &[Field]) -> Option<Box<Table>> {
        let mut table = self.tables.remove(name)?;
        let ident = |n: &str| crate::rust::naming::field_name(n);
        if fields.iter().any(|f| crate::rust::field_ident(f) == ident(&table.name).as_str()) {
            table.name = format!("{}-entries", table.name);
        }
        Some(Box::new(table))
    }

    /// The one CBOR literal a key names once JSON-only alternatives are dropped: EAT writes
    /// its claim keys `JC<"eat_nonce", 10>`, that is `"eat_nonce" .feature "json" / 10 .feature
    /// "cbor"`, and a CBOR map holds only the second. Follows rules and generic arguments.
    fn cbor_constant(&self, t2: &Type2<'a>, env: &HashMap<String, Type1<'a>>, depth: usize) -> KeyValue {
        if depth > 16 {
            return KeyValue::Unknown;
        }
        if let Some(l) = literal_of(t2) {
            return KeyValue::Lit(l);
        }
        match t2 {
            Type2::ParenthesizedType { pt, .. } => self.cbor_constant_of(pt, env, depth + 1),
            Type2::Typename { ident, generic_args, .. } if ident.socket.is_none() => {
                if let Some(t1) = env.get(ident.ident) {
                    return self.cbor_constant_t1(&t1.clone(), &HashMap::new(), depth + 1);
                }
                let Some(&i) = self.index.get(ident.ident) else { return KeyValue::Unknown };
                let def = &self.rules[i].1;
                let [rule] = def.types.as_slice() else { return KeyValue::Unknown };
                let params = def.generic_params();
                let mut inner = HashMap::new();
                match generic_args {
                    Some(args) if args.args.len() == params.len() => {
                        for (p, a) in params.iter().zip(&args.args) {
                            // An argument may name an outer parameter: resolve it now.
                            let arg = match &a.arg.type2 {
                                Type2::Typename { ident, generic_args: None, .. } if a.arg.operator.is_none() => {
                                    env.get(ident.ident).cloned().unwrap_or_else(|| (*a.arg).clone())
                                }
                                _ => (*a.arg).clone(),
                            };
                            inner.insert((*p).to_owned(), arg);
                        }
                    }
                    None if params.is_empty() => {}
                    _ => return KeyValue::Unknown,
                }
                self.cbor_constant_of(&rule.value, &inner, depth + 1)
            }
            _ => KeyValue::Unknown,
        }
    }

    fn cbor_constant_t1(&self, t1: &Type1<'a>, env: &HashMap<String, Type1<'a>>, depth: usize) -> KeyValue {
        match &t1.operator {
            None => self.cbor_constant(&t1.type2, env, depth),
            Some(op) => match &op.operator {
                RangeCtlOp::CtlOp { ctrl: ControlOperator::FEATURE, .. } => match literal_of(&op.type2) {
                    Some(Literal::Text(f)) if f == "json" => KeyValue::JsonOnly,
                    _ => self.cbor_constant(&t1.type2, env, depth),
                },
                _ => KeyValue::Unknown,
            },
        }
    }

    fn cbor_constant_of(&self, ty: &Type<'a>, env: &HashMap<String, Type1<'a>>, depth: usize) -> KeyValue {
        let mut found = KeyValue::JsonOnly;
        for c in &ty.type_choices {
            match (self.cbor_constant_t1(&c.type1, env, depth), &found) {
                (KeyValue::JsonOnly, _) => {}
                (KeyValue::Lit(l), KeyValue::JsonOnly) => found = KeyValue::Lit(l),
                _ => return KeyValue::Unknown,
            }
        }
        found
    }

    /// The choices of a type without `null` (and whether it was one), less the alternatives
    /// marked `.feature "json"` (EAT's `JC<json, cbor>`): the generated types speak CBOR.
    fn cbor_choices<'t>(&self, ty: &'t Type<'a>) -> (Vec<&'t TypeChoice<'a>>, bool) {
        let (choices, nullable) = split_null(ty);
        let cbor: Vec<&TypeChoice<'a>> = choices.iter().copied().filter(|c| !self.json_only(&c.type1, 0)).collect();
        if cbor.is_empty() {
            (choices, nullable)
        } else {
            (cbor, nullable)
        }
    }

    /// `T .feature "json"`, or a rule that is (`JSON-ONLY<J> = J .feature "json"`).
    fn json_only(&self, t1: &Type1, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        if let Some(op) = &t1.operator {
            return matches!(&op.operator, RangeCtlOp::CtlOp { ctrl: ControlOperator::FEATURE, .. })
                && matches!(literal_of(&op.type2), Some(Literal::Text(f)) if f == "json");
        }
        let Type2::Typename { ident, .. } = &t1.type2 else { return false };
        let Some(&i) = self.index.get(ident.ident) else { return false };
        match self.rules[i].1.types.as_slice() {
            [rule] => match rule.value.type_choices.as_slice() {
                [c] => self.json_only(&c.type1, depth + 1),
                _ => false,
            },
            _ => false,
        }
    }

    /// The field that keeps a map's other entries, where the schema allows them.
    fn open_field(&mut self, name: &str, fields: &[Field]) -> Option<String> {
        if !self.open_maps.remove(name) {
            return None;
        }
        let taken = fields.iter().any(|f| crate::rust::field_ident(f) == "unknown");
        Some(if taken { "unknown_entries" } else { "unknown" }.into())
    }

    /// A type in a field or alias position.
    fn lower_ty(&mut self, ty: &Type<'a>, hint: &str) -> Ty {
        let (choices, nullable) = self.cbor_choices(ty);
        let mut out = match choices.as_slice() {
            [] => Ty::prim(Prim::Null),
            [only] => self.lower_type1(&only.type1, hint),
            _ => {
                let non_null = Type { type_choices: choices.iter().map(|c| (*c).clone()).collect(), span: ty.span };
                let kind = self.type_kind(&non_null, hint, ty.span);
                self.hoist(hint, Vec::new(), ty.span, kind)
            }
        };
        if nullable && !choices.is_empty() {
            out.nullable = true;
        }
        out
    }

    fn lower_type1(&mut self, t1: &Type1<'a>, hint: &str) -> Ty {
        let Some(op) = &t1.operator else { return self.lower_type2(&t1.type2, hint) };
        match &op.operator {
            RangeCtlOp::RangeOp { is_inclusive, .. } => {
                let (lo, hi) = (self.constant(&t1.type2), self.constant(&op.type2));
                let (Some(lo), Some(hi)) = (lo, hi) else {
                    self.error(t1.span, "range bounds must be numbers");
                    return Ty::prim(Prim::Int);
                };
                let prim = match (&lo, &hi) {
                    (Literal::Int(a), Literal::Int(_)) if *a >= 0 => Prim::Uint,
                    (Literal::Int(_), Literal::Int(_)) => Prim::Int,
                    _ => Prim::Float { bits: 64 },
                };
                let mut ty = Ty::prim(prim);
                ty.constraints.push(Constraint::Range {
                    min: Some(Bound { value: lo, inclusive: true }),
                    max: Some(Bound { value: hi, inclusive: *is_inclusive }),
                });
                ty
            }
            RangeCtlOp::CtlOp { ctrl, .. } => {
                let mut ty = self.lower_type2(&t1.type2, hint);
                match ctrl {
                    ControlOperator::SIZE => match self.size_arg(&op.type2) {
                        Some((min, max)) => {
                            if matches!(self.prim_of(&ty), Some(Prim::Uint)) {
                                let bits = 8 * max.unwrap_or(8).min(8);
                                let top = if bits >= 64 { u64::MAX as i128 } else { (1i128 << bits) - 1 };
                                ty.constraints.push(Constraint::Range {
                                    min: None,
                                    max: Some(Bound { value: Literal::Int(top), inclusive: true }),
                                });
                            } else {
                                ty.constraints.push(Constraint::Size { min, max });
                            }
                        }
                        None => self.error(t1.span, "`.size` takes a number or a range of numbers"),
                    },
                    ControlOperator::LT | ControlOperator::LE | ControlOperator::GT | ControlOperator::GE => {
                        let Some(v) = self.constant(&op.type2) else {
                            self.error(t1.span, "comparison operators take a number");
                            return ty;
                        };
                        let (min, max) = match ctrl {
                            ControlOperator::LT => (None, Some(Bound { value: v, inclusive: false })),
                            ControlOperator::LE => (None, Some(Bound { value: v, inclusive: true })),
                            ControlOperator::GT => (Some(Bound { value: v, inclusive: false }), None),
                            _ => (Some(Bound { value: v, inclusive: true }), None),
                        };
                        ty.constraints.push(Constraint::Range { min, max });
                    }
                    ControlOperator::DEFAULT => match self.constant(&op.type2) {
                        Some(v) => ty.default = Some(v),
                        // `.default null`: absence already reads as no value.
                        None if matches!(&op.type2, Type2::Typename { ident, .. } if ident.ident == "null" || ident.ident == "nil") =>
                            {}
                        None => self.error(t1.span, "`.default` takes a literal value"),
                    },
                    // The embedded item stays its exact bytes: signatures (COSE, SUIT) cover
                    // them, and re-encoding could change them. Decode it with its own type.
                    ControlOperator::CBOR | ControlOperator::CBORSEQ
                        if matches!(self.prim_of(&ty), Some(Prim::Bytes)) => {}
                    // Validator notions the generated types do not check: a bit set is its
                    // integer or bytes, a feature annotation changes nothing on the wire, and
                    // `.ne` excludes one value the decoder lets through.
                    ControlOperator::BITS | ControlOperator::FEATURE | ControlOperator::NE => {}
                    ControlOperator::REGEXP | ControlOperator::PCRE => match literal_of(&op.type2) {
                        Some(Literal::Text(re)) => ty.constraints.push(Constraint::Pattern(re)),
                        _ => self.error(t1.span, "`.regexp` takes a text literal"),
                    },
                    other => {
                        self.error(t1.span, format!("control operator `{other}` is not supported by the generator"))
                    }
                }
                ty
            }
        }
    }

    fn prim_of(&self, ty: &Ty) -> Option<Prim> {
        match &ty.kind {
            TyKind::Prim(p) => Some(p.clone()),
            TyKind::Named(n) => {
                let &i = self.index.get(n)?;
                let t = self.rules[i].1.types.first()?;
                match t.value.type_choices.as_slice() {
                    [c] => match &c.type1.type2 {
                        Type2::Typename { ident, .. } => prelude(ident.ident).map(|(p, _)| p),
                        _ => None,
                    },
                    _ => None,
                }
            }
            TyKind::List { .. } | TyKind::Rust { .. } => None,
        }
    }

    fn size_arg(&self, t2: &Type2) -> Option<(u64, Option<u64>)> {
        match t2 {
            Type2::UintValue { value, .. } => Some((*value as u64, Some(*value as u64))),
            Type2::ParenthesizedType { pt, .. } => match pt.type_choices.as_slice() {
                [TypeChoice { type1, .. }] => match &type1.operator {
                    None => self.size_arg(&type1.type2),
                    Some(op) => match (&op.operator, self.constant(&type1.type2), self.constant(&op.type2)) {
                        (RangeCtlOp::RangeOp { is_inclusive, .. }, Some(Literal::Int(a)), Some(Literal::Int(b))) => {
                            let b = if *is_inclusive { b } else { b - 1 };
                            Some((a as u64, Some(b as u64)))
                        }
                        _ => None,
                    },
                },
                _ => None,
            },
            Type2::Typename { .. } => match self.constant(t2) {
                Some(Literal::Int(n)) => Some((n as u64, Some(n as u64))),
                _ => None,
            },
            _ => None,
        }
    }

    /// A literal, or a rule whose whole value is one literal.
    /// The literal `t2` is, directly or through rules that are one literal (`a = b`, `b = 1`);
    /// a chain of rules naming each other (`a = b`, `b = a`) is none.
    fn constant(&self, t2: &Type2) -> Option<Literal> {
        let mut t2 = t2;
        for _ in 0..16 {
            if let Some(l) = literal_of(t2) {
                return Some(l);
            }
            let Type2::Typename { ident, generic_args: None, .. } = t2 else { return None };
            let &i = self.index.get(ident.ident)?;
            let t = self.rules[i].1.types.first()?;
            match t.value.type_choices.as_slice() {
                [c] if c.type1.operator.is_none() => t2 = &c.type1.type2,
                _ => return None,
            }
        }
        None
    }

    fn lower_type2(&mut self, t2: &Type2<'a>, hint: &str) -> Ty {
        match t2 {
            Type2::Typename { ident, generic_args, span } => {
                if let Some(l) = literal_of(t2) {
                    return self.literal_type(l, hint, *span);
                }
                let ident = ident.clone();
                self.typename(&ident, generic_args.as_ref(), *span, hint)
            }
            Type2::ParenthesizedType { pt, .. } => self.lower_ty(pt, hint),
            Type2::Map { group, span, .. } => match self.group_map_ref(group) {
                Some(g) => self.group_struct(&g),
                None => {
                    let kind = self
                        .map_kind(hint, *span, &|me: &mut Self, parent: &str| me.fields(group, Layout::Map, parent));
                    self.hoist(hint, Vec::new(), *span, kind)
                }
            },
            Type2::Array { group, span, .. } => match self.list_of(group, hint) {
                Some((entry, min, max)) => {
                    let item_hint = format!("{hint}-item");
                    let item = match entry {
                        GroupEntry::ValueMemberKey { ge, .. } => self.lower_ty(&ge.entry_type, &item_hint),
                        GroupEntry::TypeGroupname { ge, span, .. } => {
                            self.typename(&ge.name, ge.generic_args.as_ref(), *span, &item_hint)
                        }
                        GroupEntry::InlineGroup { group, .. } => match paren_type(group) {
                            Some(ty) => self.lower_ty(ty, &item_hint),
                            None => unreachable!("list_of only returns keyless entries"),
                        },
                    };
                    Ty::new(TyKind::List { item: Box::new(item), min, max })
                }
                None => {
                    let kind = self.array_kind(hint, *span, group);
                    self.hoist(hint, Vec::new(), *span, kind)
                }
            },
            Type2::ChoiceFromInlineGroup { group, span, .. } => {
                let variants = self.enum_variants(group);
                self.hoist(hint, Vec::new(), *span, TypeKind::Enum(Enum { variants }))
            }
            Type2::ChoiceFromGroup { ident, generic_args: None, span, .. } => self.group_enum(ident.ident, *span),
            Type2::TaggedData { tag, t, span, .. } => {
                let mut ty = self.lower_ty(t, hint);
                match tag.as_ref().and_then(|t| t.as_literal()) {
                    Some(n) if ty.tag.is_none() => ty.tag = Some(n),
                    Some(_) => self.error(*span, "nested tags are not supported"),
                    None => self.error(*span, "a tag needs a literal number: `#6.N(T)`"),
                }
                ty
            }
            Type2::Any { .. } => Ty::prim(Prim::Any),
            Type2::UintValue { span, .. }
            | Type2::IntValue { span, .. }
            | Type2::FloatValue { span, .. }
            | Type2::TextValue { span, .. } => {
                let l = literal_of(t2).expect("literal");
                self.literal_type(l, hint, *span)
            }
            Type2::UTF8ByteString { span, .. }
            | Type2::B16ByteString { span, .. }
            | Type2::B64ByteString { span, .. } => {
                self.error(*span, "byte-string literals as types are not supported");
                Ty::prim(Prim::Bytes)
            }
            Type2::ChoiceFromGroup { span, .. } => {
                self.error(*span, "generic groups as enumerations are not supported");
                Ty::prim(Prim::Any)
            }
            Type2::Unwrap { ident, generic_args, span, .. } => {
                // `~tagged`: the tag's content (`~time` is `number`, `~uri` is `text`).
                let ident = ident.clone();
                let ty = self.typename(&ident, generic_args.as_ref(), *span, hint);
                let ty = match &ty.kind {
                    TyKind::Named(n) => match self.types.iter().find(|t| &t.name == n).map(|t| &t.kind) {
                        Some(TypeKind::Alias(inner)) if inner.tag.is_some() => inner.clone(),
                        // A rule defined further down (`~oid` before `oid = #6.111(bstr)`): its tag's content.
                        None => match self.tagged_content(n) {
                            Some(inner) => return self.lower_ty(&inner, hint),
                            None => ty,
                        },
                        _ => ty,
                    },
                    _ => ty,
                };
                if ty.tag.is_none() {
                    self.error(
                        *span,
                        "the unwrap operator `~` works on tagged types (`~time`) and, as an entry of a map or array, on a map or array rule (`{ ~base, extra: int }`)",
                    );
                    return Ty::prim(Prim::Any);
                }
                Ty { tag: None, ..ty }
            }
            Type2::DataMajorType { span, .. } => {
                self.error(*span, "major-type shorthands (`#0`, `#1.n`, …) are not supported; use `uint`, `text`, …");
                Ty::prim(Prim::Any)
            }
        }
    }

    /// For `~name` where `name` is a rule that is one map or array (not generic): the rule's
    /// name, and the layout and group of its body.
    fn unwrap_rule(&self, ty: &Type<'a>) -> Option<(String, (Layout, &'a Group<'a>))> {
        let [c] = ty.type_choices.as_slice() else { return None };
        let Type2::Unwrap { ident, generic_args: None, .. } = &c.type1.type2 else { return None };
        if c.type1.operator.is_some() {
            return None;
        }
        let name = rule_name(ident);
        let &i = self.index.get(&name)?;
        let [rule] = self.rules[i].1.types.as_slice() else { return None };
        if rule.generic_params.is_some() {
            return None;
        }
        let [only] = rule.value.type_choices.as_slice() else { return None };
        if only.type1.operator.is_some() {
            return None;
        }
        match &only.type1.type2 {
            Type2::Map { group, .. } => Some((name, (Layout::Map, group))),
            Type2::Array { group, .. } => Some((name, (Layout::Array, group))),
            _ => None,
        }
    }

    /// The content type of a rule that is one tagged type (`oid = #6.111(bstr)` → `bstr`).
    fn tagged_content(&self, name: &str) -> Option<Type<'a>> {
        let &i = self.index.get(name)?;
        let [rule] = self.rules[i].1.types.as_slice() else { return None };
        match rule.value.type_choices.as_slice() {
            [c] if c.type1.operator.is_none() => match &c.type1.type2 {
                Type2::TaggedData { t, .. } => Some(t.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// A literal in a type position: a one-value enumeration.
    fn literal_type(&mut self, l: Literal, hint: &str, span: ast::Span) -> Ty {
        if matches!(l, Literal::Bool(_)) {
            // `true`/`false` as a type: a `bool` (the literal is not enforced).
            let _ = span;
            return Ty::prim(Prim::Bool);
        }
        let variant = EnumVariant { rust_name: None, name: literal_name(&l), value: l, docs: Vec::new() };
        self.hoist(hint, Vec::new(), span, TypeKind::Enum(Enum { variants: vec![variant] }))
    }

    fn typename(
        &mut self,
        ident: &ast::Identifier<'a>,
        args: Option<&GenericArgs<'a>>,
        span: ast::Span,
        hint: &str,
    ) -> Ty {
        let name = rule_name(ident);
        if args.is_none() {
            if let Some(ty) = self.env.iter().rev().find_map(|e| e.get(&name)) {
                return ty.clone();
            }
        }
        match self.index.get(&name).copied() {
            Some(i) => {
                let def = &self.rules[i].1;
                if !def.groups.is_empty() {
                    self.error(
                        span,
                        format!("`{name}` is a group, used here as a type; write `{{ {name} }}` for a map of it"),
                    );
                    return Ty::prim(Prim::Any);
                }
                let params = def.generic_params();
                match (params.is_empty(), args) {
                    (true, None) => Ty::named(name),
                    (false, Some(args)) => self.instantiate(i, args, span),
                    (true, Some(_)) => {
                        self.error(span, format!("`{name}` takes no generic arguments"));
                        Ty::named(name)
                    }
                    (false, None) => {
                        self.error(span, format!("`{name}` is generic and needs arguments: `{name}<…>`"));
                        Ty::prim(Prim::Any)
                    }
                }
            }
            None if self.prelude_rule(&name) => Ty::named(name),
            None => match prelude(&name) {
                Some((prim, tag)) => {
                    let mut ty = Ty::prim(prim);
                    ty.tag = tag;
                    ty
                }
                None if name.starts_with('$') => {
                    // A type socket nobody has filled yet: any value may arrive there.
                    let _ = hint;
                    Ty::prim(Prim::Any)
                }
                None => {
                    self.error(span, format!("unresolved name `{name}`"));
                    Ty::prim(Prim::Any)
                }
            },
        }
    }

    /// RFC 8610 Appendix D names that are not one primitive: emitted as types on first use,
    /// unless the schema defines them itself.
    fn prelude_rule(&mut self, name: &str) -> bool {
        let tagged = |n: &str, tag: u64| Ty { tag: Some(tag), ..Ty::named(n) };
        let prim_tagged = |p: Prim, tag: u64| Ty { tag: Some(tag), ..Ty::prim(p) };
        let choice = |alts: &[(&str, Ty)]| {
            TypeKind::Choice(Choice {
                variants: alts
                    .iter()
                    .map(|(n, ty)| ChoiceVariant { name: (*n).into(), rust_name: None, ty: ty.clone(), element: None })
                    .collect(),
            })
        };
        let (kind, doc) = match name {
            "number" => (
                choice(&[("int", Ty::prim(Prim::Int)), ("float", Ty::prim(Prim::Float { bits: 64 }))]),
                "An integer or a float (`number`, RFC 8610 Appendix D).",
            ),
            "time" => {
                (TypeKind::Alias(tagged("number", 1)), "Seconds since the epoch, tag 1 (`time`, RFC 8610 Appendix D).")
            }
            "biguint" => (
                TypeKind::Alias(prim_tagged(Prim::Bytes, 2)),
                "An unsigned bignum: big-endian bytes under tag 2 (RFC 8610 Appendix D).",
            ),
            "bignint" => (
                TypeKind::Alias(prim_tagged(Prim::Bytes, 3)),
                "A negative bignum (-1 - n): big-endian bytes under tag 3 (RFC 8610 Appendix D).",
            ),
            "bigint" => (
                choice(&[("biguint", Ty::named("biguint")), ("bignint", Ty::named("bignint"))]),
                "A bignum, positive or negative (RFC 8610 Appendix D).",
            ),
            "eb64url" => (
                TypeKind::Alias(prim_tagged(Prim::Any, 21)),
                "Any item, expected to be converted to base64url (tag 21).",
            ),
            "eb64legacy" => {
                (TypeKind::Alias(prim_tagged(Prim::Any, 22)), "Any item, expected to be converted to base64 (tag 22).")
            }
            "eb16" => {
                (TypeKind::Alias(prim_tagged(Prim::Any, 23)), "Any item, expected to be converted to base16 (tag 23).")
            }
            "cbor-any" => {
                (TypeKind::Alias(prim_tagged(Prim::Any, 55799)), "Any item under the self-described CBOR tag 55799.")
            }
            "decfrac" | "bigfloat" => {
                let (tag, exp) = if name == "decfrac" { (4, "e10") } else { (5, "e2") };
                let field = |n: &str, i: usize, ty: Ty| Field {
                    name: n.into(),
                    rust_name: None,
                    docs: Vec::new(),
                    key: Key::Position(i),
                    ty,
                    occur: Occur::One,
                    group: None,
                    span: Span::default(),
                };
                let inner = format!("{name}-value");
                if self.derived.insert(inner.clone()) {
                    let fields = vec![field(exp, 0, Ty::prim(Prim::Int)), field("m", 1, Ty::prim(Prim::Int))];
                    let docs = vec![format!("The exponent and mantissa of a `{name}`.")];
                    self.types.push(TypeDef {
                        name: inner.clone(),
                        rust_name: None,
                        external: None,
                        docs,
                        span: Span::default(),
                        message: None,
                        kind: TypeKind::Struct(Struct { layout: Layout::Array, fields, unknown: None, table: None }),
                    });
                }
                let doc = if tag == 4 {
                    "A decimal fraction m × 10^e10, tag 4 (RFC 8610 Appendix D)."
                } else {
                    "A binary float m × 2^e2, tag 5 (RFC 8610 Appendix D)."
                };
                (TypeKind::Alias(tagged(&inner, tag)), doc)
            }
            _ => return false,
        };
        if self.derived.insert(name.to_owned()) {
            // What it refers to first, so the schema's order reads top-down.
            let refs: Vec<String> = match &kind {
                TypeKind::Alias(Ty { kind: TyKind::Named(n), .. }) => vec![n.clone()],
                TypeKind::Choice(c) => c
                    .variants
                    .iter()
                    .filter_map(|v| match &v.ty.kind {
                        TyKind::Named(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for r in refs {
                self.prelude_rule(&r);
            }
            self.types.push(TypeDef {
                name: name.to_owned(),
                rust_name: None,
                external: None,
                docs: vec![doc.into()],
                span: Span::default(),
                message: None,
                kind,
            });
        }
        true
    }

    /// Monomorphises a generic rule for the given arguments.
    fn instantiate(&mut self, rule: usize, args: &GenericArgs<'a>, span: ast::Span) -> Ty {
        let (base, params, file) = {
            let (n, def) = &self.rules[rule];
            (n.clone(), def.generic_params().iter().map(|s| s.to_string()).collect::<Vec<_>>(), def.file)
        };
        if params.len() != args.args.len() {
            self.error(span, format!("`{base}` takes {} generic arguments, {} given", params.len(), args.args.len()));
            return Ty::prim(Prim::Any);
        }
        // An argument naming an outer generic parameter (`CBOR-ONLY<C>` inside `JC<J, C>`) is
        // named after what the parameter is bound to, so each instance gets its own type.
        let arg_names: Vec<String> = args
            .args
            .iter()
            .map(|a| match (&a.arg.type2, &a.arg.operator) {
                (Type2::Typename { ident, generic_args: None, .. }, None) => {
                    match self.env.iter().rev().find_map(|e| e.get(ident.ident)) {
                        Some(ty) => ty_label(ty),
                        None => self.variant_name(&a.arg),
                    }
                }
                _ => self.variant_name(&a.arg),
            })
            .collect();
        let inst = format!("{base}-{}", arg_names.join("-"));
        if self.derived.insert(inst.clone()) {
            // Inline arguments are hoisted under the instance's name, so two instances
            // (`JC<"a", 1>`, `JC<"b", 2>`) do not hoist two types of one name.
            let mut bound = BTreeMap::new();
            for (p, a) in params.iter().zip(&args.args) {
                let ty = self.lower_type1(&a.arg, &format!("{inst}-{p}"));
                bound.insert(p.clone(), ty);
            }
            let ty = self.rule_type(rule);
            let (docs, def_span) = (doc_lines(&self.rules[rule].1.comments), self.rules[rule].1.span);
            let saved = std::mem::replace(&mut self.file, file);
            self.env.push(bound);
            let kind = self.type_kind(&ty, &inst, def_span);
            self.env.pop();
            self.push(inst.clone(), docs, def_span, None, kind);
            self.file = saved;
        }
        Ty::named(inst)
    }
}

/// What a key expression is on the CBOR wire (see `Lowerer::cbor_constant`).
enum KeyValue {
    /// One literal.
    Lit(Literal),
    /// Nothing: every alternative is JSON-only.
    JsonOnly,
    /// Not a constant.
    Unknown,
}

enum FieldName {
    Bare(String),
    Lit(Literal),
    /// A key written as a named constant: the field takes the constant's name.
    Const(String, Literal),
}

/// A name for a lowered type, for naming generic instances.
fn ty_label(ty: &Ty) -> String {
    let base = match &ty.kind {
        TyKind::Named(n) => n.clone(),
        TyKind::Prim(p) => format!("{p:?}").to_lowercase().replace([' ', '{', '}', ':'], ""),
        TyKind::Rust { path, .. } => path.clone(),
        TyKind::List { item, .. } => format!("list-{}", ty_label(item)),
    };
    match ty.tag {
        Some(t) => format!("tag{t}-{base}"),
        None => base,
    }
}

/// A name for one alternative of a group choice: its first entry's key or group name.
fn choice_label(gc: &ast::GroupChoice, i: usize) -> String {
    match gc.group_entries.first() {
        Some((entry, _)) => entry_label(entry, i),
        None => "empty".into(),
    }
}

fn entry_label(entry: &GroupEntry, i: usize) -> String {
    match entry {
        GroupEntry::ValueMemberKey { ge, .. } => match &ge.member_key {
            Some(MemberKey::Bareword { ident, .. }) => ident.ident.to_owned(),
            Some(MemberKey::Value { value, .. }) => match value_literal(value) {
                Some(l) => literal_name(&l),
                None => format!("alt{i}"),
            },
            Some(MemberKey::Type1 { t1, .. }) => match &t1.type2 {
                Type2::Typename { ident, .. } => ident.ident.to_owned(),
                other => literal_of(other).map(|l| literal_name(&l)).unwrap_or_else(|| format!("alt{i}")),
            },
            _ => format!("alt{i}"),
        },
        GroupEntry::TypeGroupname { ge, .. } => rule_name(&ge.name),
        GroupEntry::InlineGroup { group, .. } => match group.group_choices.first() {
            Some(gc) => choice_label(gc, i),
            None => format!("alt{i}"),
        },
    }
}

/// The one type inside parentheses that the parser read as a group (`(tstr / int)`).
fn paren_type<'g, 'a>(group: &'g Group<'a>) -> Option<&'g Type<'a>> {
    let [gc] = group.group_choices.as_slice() else { return None };
    match gc.group_entries.as_slice() {
        [(GroupEntry::ValueMemberKey { ge, .. }, _)] if ge.member_key.is_none() && ge.occur.is_none() => {
            Some(&ge.entry_type)
        }
        _ => None,
    }
}

/// The choices of a type without `null`, and whether `null` was one of them.
fn split_null<'t, 'a>(ty: &'t Type<'a>) -> (Vec<&'t TypeChoice<'a>>, bool) {
    let mut nullable = false;
    let mut rest = Vec::new();
    for c in &ty.type_choices {
        if is_null(&c.type1) {
            nullable = true;
        } else {
            rest.push(c);
        }
    }
    (rest, nullable)
}

/// The RFC 8610 prelude names the generator maps, with the tag some of them imply.
fn prelude(name: &str) -> Option<(Prim, Option<u64>)> {
    Some(match name {
        "uint" | "unsigned" => (Prim::Uint, None),
        "nint" => (Prim::Nint, None),
        "int" | "integer" => (Prim::Int, None),
        "float16" => (Prim::Float { bits: 16 }, None),
        "float32" | "float16-32" => (Prim::Float { bits: 32 }, None),
        "float64" | "float32-64" | "float" => (Prim::Float { bits: 64 }, None),
        "bool" => (Prim::Bool, None),
        "text" | "tstr" => (Prim::Text, None),
        "bytes" | "bstr" => (Prim::Bytes, None),
        "any" => (Prim::Any, None),
        "null" | "nil" => (Prim::Null, None),
        "undefined" => (Prim::Undefined, None),
        "tdate" => (Prim::Text, Some(0)),
        "uri" => (Prim::Text, Some(32)),
        "b64url" => (Prim::Text, Some(33)),
        "b64legacy" => (Prim::Text, Some(34)),
        "regexp" => (Prim::Text, Some(35)),
        "mime-message" => (Prim::Text, Some(36)),
        "encoded-cbor" => (Prim::Bytes, Some(24)),
        _ => return None,
    })
}
