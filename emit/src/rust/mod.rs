//! Rust back end: prints an [`ir::Schema`](crate::ir::Schema) as one formatted Rust module.
//!
//! `types` emits the data types, `cbor` their CBOR codecs, `json` their JSON views and
//! `messages` the message enum with its type-key dispatch. The output names the runtime as
//! `::osmos` and is deterministic: same schema, same bytes. Formatting and the provenance header
//! are the generator's (`osmos-codegen`); this crate stays free of front ends and formatters so
//! the derive macros can share it.

mod annotate;
mod cbor;
mod json;
mod json_text;
mod messages;
pub mod naming;
mod types;
mod xml;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};

use crate::ir::{Constraint, Occur, Prim, Schema, Ty, TyKind, TypeDef, TypeKind, Wire};

/// What to emit besides types and codecs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonImpls {
    /// No JSON views.
    Off,
    /// JSON views behind `#[cfg(feature = "<name>")]` of the crate that includes the code.
    Feature(String),
    /// JSON views, always (the including crate enables `osmos/json`).
    On,
}

/// Which rules the JSON impls follow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum JsonForm {
    /// A lossless view of the CBOR or XML values (what `osmos decode` prints): choices are
    /// `{"<alternative>": value}`, bytes are hex, raw items are `{"cbor": "<hex>"}`, positional
    /// arrays are objects keyed by field name.
    #[default]
    View,
    /// The schema describes JSON texts (WebDriver BiDi; CBOR schemas only): choices are untagged
    /// and told apart as a validator does, positional arrays are arrays, tables and open maps'
    /// extension members are members, values are checked as they are read (`osmos::json::text`).
    Schema,
}

/// Back-end options.
#[derive(Debug, Clone)]
pub struct Options {
    /// JSON views of the generated types.
    pub json: JsonImpls,
    /// The rules those JSON impls follow.
    pub json_form: JsonForm,
    /// Types without a lifetime parameter: text, bytes and raw values are copied out of the
    /// input (`Cow<'static, str>` and the like), so a decoded value outlives its buffer.
    pub owned: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { json: JsonImpls::Off, json_form: JsonForm::View, owned: false }
    }
}

/// The items of the module for `schema`, unformatted: types, codecs, JSON views and dispatch.
pub fn items(schema: &Schema, options: &Options) -> TokenStream {
    let ctx = Ctx::new(schema, options.owned);
    let mut items = Vec::new();
    // Types that already exist elsewhere (the standard ones an extension builds on) are only referred to.
    for t in schema.types.iter().filter(|t| t.external.is_none()) {
        items.push(types::emit(&ctx, t));
        if schema.wire == Wire::Cbor {
            items.push(cbor::emit(&ctx, t));
        }
        if schema.wire == Wire::Xml {
            items.push(xml::emit(&ctx, t));
        }
        let json = match options.json_form {
            JsonForm::Schema if schema.wire == Wire::Cbor => json_text::emit(&ctx, t),
            _ => json::emit(&ctx, t),
        };
        items.push(ctx.json_gate(options, json));
    }
    if schema.wire == Wire::Cbor {
        items.push(messages::emit(&ctx, options));
    }
    if schema.wire == Wire::Xml {
        items.push(xml::emit_messages(&ctx, options));
    }
    quote!(#(#items)*)
}

/// The derive form of a CBOR schema: its types annotated with `#[derive(osmos::Message)]` and
/// `#[osmos(...)]` attributes, and its `Message` set with `#[derive(osmos::Messages)]`; what a
/// person would write by hand, and what the derive turns into the codecs [`items`] prints. A
/// shape the attributes cannot express is an error naming it.
pub fn derive_form(schema: &Schema) -> Result<TokenStream, String> {
    if schema.wire != Wire::Cbor {
        return Err("the derive form is for CBOR schemas".into());
    }
    let ctx = Ctx::new(schema, false);
    let mut items = Vec::new();
    for t in schema.types.iter().filter(|t| t.external.is_none()) {
        items.push(types::definition(&ctx, t, types::Form::Derive).map_err(|e| format!("`{}`: {e}", t.name))?);
    }
    let msgs: Vec<&TypeDef> = schema.messages().filter(|(t, _)| t.external.is_none()).map(|(t, _)| t).collect();
    if !msgs.is_empty() {
        let rt = ctx.rt();
        let borrows = msgs.iter().any(|t| ctx.borrows(t));
        let generics = if borrows { quote!(<'a>) } else { quote!() };
        let variants = msgs.iter().map(|t| {
            let id = type_ident(t);
            let ty = ctx.type_ref(&t.name);
            let doc = format!(" `{}`.", t.name);
            quote!(#[doc = #doc] #id(#ty),)
        });
        items.push(quote! {
            /// Every type-keyed message of the schema, for dispatch on the wire.
            #[derive(Debug, Clone, PartialEq, #rt::Messages)]
            #[allow(clippy::large_enum_variant)]
            pub enum Message #generics { #(#variants)* }
        });
    }
    let rt = ctx.rt();
    Ok(quote! {
        #[allow(unused_imports)]
        use ::std::borrow::Cow;
        #[allow(unused_imports)]
        use #rt::cbor::{Nullable, RawCbor};
        #(#items)*
    })
}

/// What a derive adds to types the user wrote: everything [`items`] emits for them except the
/// definitions themselves (and JSON views, which need a feature the user's crate may not have).
pub fn derived(schema: &Schema) -> TokenStream {
    let ctx = Ctx::new(schema, false);
    let mut items = Vec::new();
    for t in schema.types.iter().filter(|t| t.external.is_none()) {
        items.push(types::impls(&ctx, t));
        items.push(match schema.wire {
            Wire::Cbor => cbor::emit(&ctx, t),
            Wire::Xml => xml::emit(&ctx, t),
        });
    }
    quote!(#(#items)*)
}

/// Resolved facts about the schema that every emitter needs.
pub(crate) struct Ctx<'s> {
    pub schema: &'s Schema,
    index: BTreeMap<&'s str, usize>,
    /// Types whose Rust form borrows from the input (`<'a>`); none in owned mode.
    lifetimes: BTreeSet<String>,
    /// Owned mode ([`Options::owned`]): leaves are `'static` and decoders copy them.
    owned: bool,
    /// Optional fields through which a type contains itself: `Option<Box<T>>`.
    boxed: BTreeSet<(String, usize)>,
}

/// A value type seen through its aliases: the constraints, tag and nullability of every alias
/// on the way, and the first non-alias type.
pub(crate) struct Effective<'s> {
    pub kind: &'s TyKind,
    pub nullable: bool,
    pub tag: Option<u64>,
    pub constraints: Vec<&'s Constraint>,
}

impl<'s> Ctx<'s> {
    fn new(schema: &'s Schema, owned: bool) -> Self {
        let index = schema.index();
        let mut ctx = Ctx { schema, index, lifetimes: BTreeSet::new(), owned, boxed: schema.recursive_fields() };
        if owned {
            return ctx;
        }
        // Fixpoint: a type borrows if anything it contains borrows.
        loop {
            let mut changed = false;
            for t in &schema.types {
                if !ctx.lifetimes.contains(&t.name) && ctx.def_borrows(t) {
                    ctx.lifetimes.insert(t.name.clone());
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        ctx
    }

    pub fn rt(&self) -> TokenStream {
        quote!(::osmos)
    }

    pub fn get(&self, name: &str) -> Option<&'s TypeDef> {
        self.index.get(name).map(|&i| &self.schema.types[i])
    }

    fn def_borrows(&self, t: &TypeDef) -> bool {
        match &t.kind {
            TypeKind::Struct(s) => {
                s.unknown.is_some()
                    || s.fields.iter().any(|f| self.ty_borrows(&f.ty))
                    || s.tables().any(|t| self.ty_borrows(&t.key) || self.ty_borrows(&t.value))
            }
            TypeKind::Enum(_) => false,
            TypeKind::Choice(c) => c.variants.iter().any(|v| self.ty_borrows(&v.ty)),
            TypeKind::Alias(ty) => self.ty_borrows(ty),
        }
    }

    pub fn ty_borrows(&self, ty: &Ty) -> bool {
        match &ty.kind {
            TyKind::Prim(p) => self.prim_borrows(p),
            TyKind::Named(n) => self.lifetimes.contains(n),
            TyKind::Rust { borrows, .. } => *borrows,
            TyKind::List { item, .. } => self.ty_borrows(item),
        }
    }

    /// Text, bytes and raw values borrow from the input (and XML's lenient values keep the
    /// text they could not parse).
    fn prim_borrows(&self, p: &Prim) -> bool {
        match p {
            Prim::TextValue(_) => self.schema.wire == Wire::Xml,
            p => matches!(p, Prim::Text | Prim::Bytes | Prim::Any),
        }
    }

    pub fn borrows(&self, t: &TypeDef) -> bool {
        self.lifetimes.contains(&t.name)
    }

    /// `Name` or `Name<'a>` (the full path for an external type).
    pub fn type_ref(&self, name: &str) -> TokenStream {
        let path = match self.get(name) {
            Some(TypeDef { external: Some(path), .. }) => syn::parse_str::<syn::Path>(path)
                .map(|p| quote!(#p))
                .unwrap_or_else(|e| panic!("external path `{path}` of `{name}`: {e}")),
            Some(t) => type_ident(t).into_token_stream(),
            None => format_ident!("{}", naming::type_name(name)).into_token_stream(),
        };
        if self.lifetimes.contains(name) {
            quote!(#path<'a>)
        } else {
            path
        }
    }

    /// The generics of a definition: `<'a>` or nothing.
    pub fn generics(&self, t: &TypeDef) -> TokenStream {
        if self.borrows(t) {
            quote!(<'a>)
        } else {
            quote!()
        }
    }

    /// The same with an elided lifetime, for impls that do not name it.
    pub fn anon_generics(&self, t: &TypeDef) -> TokenStream {
        if self.borrows(t) {
            quote!(<'_>)
        } else {
            quote!()
        }
    }

    /// The lifetime of the values a type holds: `'a`, or `'static` in owned mode.
    pub fn leaf_lifetime(&self) -> TokenStream {
        if self.owned {
            quote!('static)
        } else {
            quote!('a)
        }
    }

    /// `expr`, a `Result` of a value decoded as [`Ctx::borrowed_ty`] of `ty`, turned into the
    /// [`Ctx::rust_ty`] of `ty`: unchanged, except in owned mode where borrowed leaves are copied.
    pub fn owning(&self, ty: &Ty, expr: TokenStream) -> TokenStream {
        if self.copies(ty) {
            let rt = self.rt();
            quote!(#expr.map(#rt::cbor::IntoOwned::into_owned))
        } else {
            expr
        }
    }

    /// Whether a decoded value of `ty` is copied before it is stored (owned mode).
    pub fn copies(&self, ty: &Ty) -> bool {
        self.owned && self.ty_holds_borrowed_leaf(ty)
    }

    /// `expr` (a value holding `'a` data, such as kept unknown entries) as stored: copied in
    /// owned mode.
    pub fn stored(&self, expr: TokenStream) -> TokenStream {
        if self.owned {
            let rt = self.rt();
            quote!(#rt::cbor::IntoOwned::into_owned(#expr))
        } else {
            expr
        }
    }

    /// Does the value type (not through named types) hold text, bytes or raw values?
    fn ty_holds_borrowed_leaf(&self, ty: &Ty) -> bool {
        match &self.effective(ty).kind {
            TyKind::Prim(p) => self.prim_borrows(p),
            TyKind::List { item, .. } => self.ty_holds_borrowed_leaf(item),
            TyKind::Named(_) | TyKind::Rust { .. } => false,
        }
    }

    /// The Rust type of a value (without the field's occurrence).
    pub fn rust_ty(&self, ty: &Ty) -> TokenStream {
        self.rust_ty_with(ty, self.owned)
    }

    /// The type a decoder reads a value as before owned mode copies it: [`Ctx::rust_ty`] with
    /// its text, bytes and raw values borrowing for `'a` (named types as they are).
    pub fn borrowed_ty(&self, ty: &Ty) -> TokenStream {
        self.rust_ty_with(ty, false)
    }

    fn rust_ty_with(&self, ty: &Ty, owned_leaves: bool) -> TokenStream {
        let rt = self.rt();
        let lt = if owned_leaves { quote!('static) } else { quote!('a) };
        let base = match &ty.kind {
            TyKind::Prim(p) => match p {
                Prim::Uint => quote!(u64),
                Prim::Nint | Prim::Int => quote!(i64),
                Prim::Float { bits: 64 } => quote!(f64),
                Prim::Float { .. } => quote!(f32),
                Prim::Bool => quote!(bool),
                Prim::Text => quote!(::std::borrow::Cow<#lt, str>),
                Prim::Bytes => quote!(::std::borrow::Cow<#lt, [u8]>),
                Prim::Any => match self.schema.wire {
                    Wire::Cbor => quote!(#rt::cbor::RawCbor<#lt>),
                    Wire::Xml => quote!(#rt::xml::RawXml<#lt>),
                },
                Prim::Null => quote!(()),
                Prim::Undefined => quote!(#rt::cbor::Undefined),
                Prim::TextValue(path) => {
                    let path: syn::Path = syn::parse_str(path).expect("runtime value path");
                    match self.schema.wire {
                        // XML peers send garbled values too: keep their text rather than fail.
                        Wire::Xml => quote!(#rt::xml::Lenient<#lt, #rt::#path>),
                        Wire::Cbor => quote!(#rt::#path),
                    }
                }
            },
            TyKind::Named(n) => self.type_ref(n),
            // Runtime types that borrow name `'a` (the only lifetime generated code uses).
            TyKind::Rust { path, borrows: true } if owned_leaves => rust_path(&path.replace("'a", "'static")),
            TyKind::Rust { path, .. } => rust_path(path),
            TyKind::List { item, .. } => {
                let item = self.rust_ty_with(item, owned_leaves);
                quote!(::std::vec::Vec<#item>)
            }
        };
        if ty.nullable {
            quote!(#rt::cbor::Nullable<#base>)
        } else {
            base
        }
    }

    /// The Rust type of a field, with its occurrence.
    pub fn field_ty(&self, ty: &Ty, occur: Occur) -> TokenStream {
        let inner = self.rust_ty(ty);
        match occur {
            Occur::One => inner,
            Occur::Optional => quote!(::core::option::Option<#inner>),
            Occur::Many { .. } => quote!(::std::vec::Vec<#inner>),
        }
    }

    /// Whether field `i` of struct `t` is boxed (see [`Schema::recursive_fields`]).
    pub fn is_boxed(&self, t: &TypeDef, i: usize) -> bool {
        !self.boxed.is_empty() && self.boxed.contains(&(t.name.clone(), i))
    }

    /// The Rust type of field `i` of struct `t`, boxed where the type recurses through it.
    pub fn struct_field_ty(&self, t: &TypeDef, i: usize, f: &crate::ir::Field) -> TokenStream {
        if self.is_boxed(t, i) {
            let inner = self.rust_ty(&f.ty);
            match f.occur {
                crate::ir::Occur::One => quote!(::std::boxed::Box<#inner>),
                _ => quote!(::core::option::Option<::std::boxed::Box<#inner>>),
            }
        } else {
            self.field_ty(&f.ty, f.occur)
        }
    }

    /// Follows aliases, collecting what they add.
    pub fn effective(&self, ty: &'s Ty) -> Effective<'s> {
        let mut eff = Effective {
            kind: &ty.kind,
            nullable: ty.nullable,
            tag: ty.tag,
            constraints: ty.constraints.iter().collect(),
        };
        let mut seen = BTreeSet::new();
        while let TyKind::Named(n) = eff.kind {
            let Some(def @ TypeDef { kind: TypeKind::Alias(target), .. }) = self.get(n) else { break };
            // A tagged rule is its own type with its own codec (`TypeDef::tagged`).
            if def.tagged().is_some() || !seen.insert(n.as_str()) {
                break;
            }
            eff.kind = &target.kind;
            eff.nullable |= target.nullable;
            eff.tag = eff.tag.or(target.tag);
            eff.constraints.extend(target.constraints.iter());
        }
        eff
    }

    pub fn json_gate(&self, options: &Options, tokens: TokenStream) -> TokenStream {
        match &options.json {
            JsonImpls::Off => quote!(),
            JsonImpls::On => tokens,
            JsonImpls::Feature(name) => {
                let items: syn::File = syn::parse2(tokens).expect("json impls parse");
                let items = items.items;
                quote!(#( #[cfg(feature = #name)] #items )*)
            }
        }
    }
}

/// The Rust identifier of a type: its own where it has one, else derived from the schema name.
pub fn type_ident(t: &TypeDef) -> proc_macro2::Ident {
    match &t.rust_name {
        Some(n) => naming::ident(n),
        None => format_ident!("{}", naming::type_name(&t.name)),
    }
}

/// The Rust identifier of an enumeration value or a choice alternative.
pub fn variant_ident(name: &str, rust_name: &Option<String>) -> proc_macro2::Ident {
    match rust_name {
        Some(n) => naming::ident(n),
        None => format_ident!("{}", naming::variant_name(name)),
    }
}

/// The Rust identifier of a field (`r#loop` for keywords).
pub fn field_ident(f: &crate::ir::Field) -> proc_macro2::Ident {
    match &f.rust_name {
        Some(n) => naming::ident(n),
        None => naming::ident(&naming::field_name(&f.name)),
    }
}

/// The Rust identifier of a struct's table field.
pub(crate) fn table_ident(t: &crate::ir::Table) -> proc_macro2::Ident {
    naming::ident(&naming::field_name(&t.name))
}

/// A type in schema terms, for docs (`text`, `SUIT_Digest`, `[* bstr]`).
pub(crate) fn ty_text(ty: &Ty) -> String {
    let base = match &ty.kind {
        TyKind::Prim(p) => match p {
            Prim::Uint => "uint".into(),
            Prim::Nint => "nint".into(),
            Prim::Int => "int".into(),
            Prim::Float { bits } => format!("float{bits}"),
            Prim::Bool => "bool".into(),
            Prim::Text => "text".into(),
            Prim::Bytes => "bytes".into(),
            Prim::Any => "any".into(),
            Prim::Null => "null".into(),
            Prim::Undefined => "undefined".into(),
            Prim::TextValue(v) => v.clone(),
        },
        TyKind::Named(n) => n.clone(),
        TyKind::Rust { path, .. } => path.clone(),
        TyKind::List { item, .. } => format!("[* {}]", ty_text(item)),
    };
    if ty.nullable {
        format!("{base} / null")
    } else {
        base
    }
}

/// The local variable a decoder collects a field into.
/// The local a decoder binds field `f`'s value to: `f_` and the field's identifier, which no
/// local of the generated code starts with, so no field can shadow one. A field identifier
/// that starts with `_` (`_1`, from a name that starts with a digit) takes `f` alone (`f_1`),
/// which stays snake case; no other identifier gives that slot, since none is a digit alone.
pub(crate) fn slot(f: &crate::ir::Field) -> proc_macro2::Ident {
    let id = field_ident(f).to_string();
    let id = id.trim_start_matches("r#");
    if id.starts_with('_') {
        format_ident!("f{id}")
    } else {
        format_ident!("f_{id}")
    }
}

/// A Rust type written as text (an external type's path, a derived field's type).
pub(crate) fn rust_path(path: &str) -> TokenStream {
    match syn::parse_str::<syn::Type>(path) {
        Ok(t) => t.into_token_stream(),
        Err(e) => panic!("`{path}` is not a Rust type ({e}); this is a bug in osmos"),
    }
}

/// `Some(v)` / `None` as tokens.
pub(crate) fn opt<T: quote::ToTokens>(v: Option<T>) -> TokenStream {
    match v {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

/// `#[doc = "..."]` attributes for lines of text.
pub(crate) fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| format!(" {}", l.trim()));
    quote!(#( #[doc = #lines] )*)
}

/// A literal for a constraint bound, typed like the value it bounds.
pub(crate) fn number(lit: &crate::ir::Literal, prim: &Prim) -> Option<TokenStream> {
    use crate::ir::Literal;
    match (lit, prim) {
        (Literal::Int(i), Prim::Uint) => u64::try_from(*i).ok().map(|v| quote!(#v)),
        (Literal::Int(i), Prim::Int | Prim::Nint) => i64::try_from(*i).ok().map(|v| quote!(#v)),
        (Literal::Int(i), Prim::Float { bits: 64 }) => {
            let v = *i as f64;
            Some(quote!(#v))
        }
        (Literal::Float(f), Prim::Float { bits: 64 }) => Some(float64(*f)),
        (Literal::Int(i), Prim::Float { .. }) => {
            let v = *i as f32;
            Some(quote!(#v))
        }
        (Literal::Float(f), Prim::Float { .. }) => {
            let v = *f as f32;
            Some(quote!(#v))
        }
        // `true`/`false` as a type: a range of one value.
        (Literal::Bool(b), Prim::Bool) => Some(quote!(#b)),
        _ => None,
    }
}

/// An `f64` literal; a value that is one of `core::f64::consts` (BiDi's `-1.5707963267948966`,
/// π/2) is written as that constant, which clippy requires over the digits.
fn float64(f: f64) -> TokenStream {
    use std::f64::consts;
    let named = [
        ("PI", consts::PI),
        ("TAU", consts::TAU),
        ("FRAC_PI_2", consts::FRAC_PI_2),
        ("FRAC_PI_3", consts::FRAC_PI_3),
        ("FRAC_PI_4", consts::FRAC_PI_4),
        ("FRAC_PI_6", consts::FRAC_PI_6),
        ("FRAC_PI_8", consts::FRAC_PI_8),
        ("FRAC_1_PI", consts::FRAC_1_PI),
        ("FRAC_2_PI", consts::FRAC_2_PI),
        ("E", consts::E),
        ("SQRT_2", consts::SQRT_2),
        ("FRAC_1_SQRT_2", consts::FRAC_1_SQRT_2),
        ("LN_2", consts::LN_2),
        ("LN_10", consts::LN_10),
        ("LOG2_E", consts::LOG2_E),
        ("LOG10_E", consts::LOG10_E),
    ];
    match named.iter().find(|(_, v)| *v == f.abs()) {
        Some((name, _)) => {
            let id = format_ident!("{}", name);
            if f < 0.0 {
                quote!((-::core::f64::consts::#id))
            } else {
                quote!(::core::f64::consts::#id)
            }
        }
        None => quote!(#f),
    }
}
