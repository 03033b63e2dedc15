//! The XML back end on IR built by hand (independent of the XSD front end): the output is
//! exactly `golden/xml_small.rs` (rerun with `OSMOS_BLESS=1` after an intended change), it is
//! deterministic, and it has the shapes the runtime expects. The root crate's
//! `tests/mos_codec.rs` compiles that golden file and decodes and encodes with it.

use std::path::Path;

use osmos_codegen::ir::{
    Bound, Choice, ChoiceVariant, Constraint, Enum, EnumVariant, Field, Key, Layout, Literal, MessageKey, Occur, Prim,
    Schema, Source, Span, Struct, Ty, TyKind, TypeDef, TypeKind, Wire,
};
use osmos_codegen::{check, rust, JsonImpls, Options};

fn field(name: &str, key: Key, ty: Ty, occur: Occur) -> Field {
    Field { rust_name: None, name: name.into(), docs: vec![], key, ty, occur, group: None, span: Span::default() }
}

fn elem(name: &str, ty: Ty, occur: Occur) -> Field {
    field(name, Key::Element(name.into()), ty, occur)
}

fn text() -> Ty {
    Ty::prim(Prim::Text)
}

fn many() -> Occur {
    Occur::Many { min: 0, max: None }
}

fn strukt(name: &str, message: bool, fields: Vec<Field>) -> TypeDef {
    TypeDef {
        rust_name: None,
        external: None,
        name: name.into(),
        docs: vec![],
        span: Span::default(),
        message: message.then(|| MessageKey::Element(name.into())),
        kind: TypeKind::Struct(Struct { layout: Layout::Element, fields, unknown: None, table: None }),
    }
}

fn keeping(mut t: TypeDef) -> TypeDef {
    if let TypeKind::Struct(s) = &mut t.kind {
        s.unknown = Some("unknown".into());
    }
    t
}

fn variant(name: &str, ty: Ty) -> ChoiceVariant {
    ChoiceVariant { rust_name: None, name: name.into(), ty, element: Some(name.into()) }
}

fn choice(name: &str, variants: Vec<ChoiceVariant>) -> TypeDef {
    TypeDef {
        rust_name: None,
        external: None,
        name: name.into(),
        docs: vec![],
        span: Span::default(),
        message: None,
        kind: TypeKind::Choice(Choice { variants }),
    }
}

fn list(item: Ty, min: u64) -> Ty {
    Ty::new(TyKind::List { item: Box::new(item), min, max: None })
}

/// A small schema with every construct the back end handles.
pub fn schema() -> Schema {
    let level = TypeDef {
        rust_name: None,
        external: None,
        name: "level".into(),
        docs: vec!["Where a status applies.".into()],
        span: Span::default(),
        message: None,
        kind: TypeKind::Enum(Enum {
            variants: ["RO", "STORY", "NOT READY"]
                .iter()
                .map(|v| EnumVariant {
                    rust_name: None,
                    name: (*v).into(),
                    value: Literal::Text((*v).into()),
                    docs: vec![],
                })
                .collect(),
        }),
    };
    let mut story_id = text();
    story_id.constraints.push(Constraint::Chars { min: 0, max: Some(8) });
    let path = strukt(
        "path",
        false,
        vec![
            field("tech", Key::Attribute("tech".into()), text(), Occur::One),
            field("value", Key::Content, text(), Occur::One),
        ],
    );
    let note = strukt(
        "note",
        false,
        vec![
            field("lang", Key::Attribute("lang".into()), text(), Occur::Optional),
            field("text", Key::Content, text(), Occur::Optional),
            elem("em", text(), many()),
        ],
    );
    let story = strukt(
        "story",
        false,
        vec![
            elem("storyID", story_id, Occur::One),
            elem("slug", text(), Occur::Optional),
            elem("path", Ty::named("path"), many()),
            elem("note", Ty::named("note"), Occur::Optional),
            elem("payload", Ty::prim(Prim::Any), Occur::Optional),
        ],
    );
    // `story` and the envelope keep unknown and surplus children; the other types skip them.
    let story = keeping(story);
    let source =
        choice("act-source", vec![variant("story", list(Ty::named("story"), 1)), variant("id", list(text(), 1))]);
    let act = strukt(
        "act",
        true,
        vec![
            field("level", Key::Attribute("level".into()), Ty::named("level"), Occur::One),
            field("count", Key::Attribute("count".into()), Ty::prim(Prim::Uint), Occur::Optional),
            elem("roID", text(), Occur::One),
            field("source", Key::Choice, Ty::named("act-source"), Occur::One),
        ],
    );
    let mut ack_fields = vec![
        elem("roID", text(), Occur::One),
        elem("gid", text(), many()),
        elem("gstatus", Ty::named("level"), many()),
        elem("extra", text(), many()),
    ];
    // `gid` and `gstatus` repeat together (a repeated sequence); `extra` repeats on its own.
    ack_fields[1].group = Some(1);
    ack_fields[2].group = Some(1);
    let ack = strukt("ack", true, ack_fields);
    let mut num = Ty::prim(Prim::TextValue("mos::value::MosNumber".into()));
    num.constraints
        .push(Constraint::Range { min: None, max: Some(Bound { value: Literal::Int(999), inclusive: true }) });
    let beat = strukt(
        "beat",
        true,
        vec![
            elem("time", Ty::prim(Prim::TextValue("mos::value::MosTime".into())), Occur::One),
            elem("num", num, Occur::Optional),
            elem("pair", text(), Occur::Many { min: 2, max: Some(2) }),
        ],
    );
    let message = choice(
        "doc-message",
        vec![variant("act", Ty::named("act")), variant("ack", Ty::named("ack")), variant("beat", Ty::named("beat"))],
    );
    let doc = strukt(
        "doc",
        false,
        vec![
            elem("sender", text(), Occur::Optional),
            field("message", Key::Choice, Ty::named("doc-message"), Occur::One),
        ],
    );
    let doc = keeping(doc);
    Schema {
        name: "xml_small".into(),
        wire: Wire::Xml,
        sources: vec![Source { path: "xml_small.xsd".into(), text: String::new() }],
        types: vec![level, path, note, story, source, act, ack, beat, message, doc],
    }
}

fn generate() -> String {
    let schema = schema();
    check::check(&schema).unwrap_or_else(|e| panic!("hand-built IR does not check: {e:?}"));
    rust::generate(&schema, &Options { json: JsonImpls::Feature("json".into()), ..Default::default() })
}

#[test]
fn generated_code_matches_the_golden_file() {
    let text = generate();
    assert_eq!(text, generate(), "generation is not deterministic");
    let golden = Path::new("tests/golden/xml_small.rs");
    if std::env::var_os("OSMOS_BLESS").is_some() {
        std::fs::write(golden, &text).expect("write golden");
    }
    let expected = std::fs::read_to_string(golden).unwrap_or_default();
    assert!(expected == text, "{} differs (rerun with OSMOS_BLESS=1 if intended)", golden.display());
}

#[test]
fn generated_code_has_the_expected_shapes() {
    let text = generate();
    for needle in [
        // Per type: decode and encode.
        "impl<'a> ::osmos::xml::XmlDecode<'a> for Story<'a>",
        "impl ::osmos::xml::XmlEncode for Story<'_>",
        // Enumerations are text values (decode/encode come from the runtime's blanket impls).
        "impl<'a> ::osmos::xml::XmlText<'a> for Level",
        "\"NOT READY\" => Ok(Self::NotReady)",
        // Attributes, simple content, raw content.
        "\"tech\" => d.attribute(&mut f_tech, \"tech\", a)?",
        "::osmos::xml::attr(out, \"tech\", &self.tech);",
        "::osmos::xml::text(out, &self.value);",
        "::osmos::xml::Decoder::raw",
        // Constraints: characters of decoded text; ranges on MOS numbers.
        "d.check_len(v.chars().count(), 0u64, ::core::option::Option::Some(8u64), \"characters\", s.end);",
        "d.check_range(u64::from(v.get())",
        // Empty optional typed values are absent.
        "d.opt_value::<::osmos::xml::Lenient<'a, ::osmos::mos::value::MosNumber>>(s)?",
        "::osmos::xml::Decoder::opt_value::<::std::borrow::Cow<'a, str>>",
        // A list alternative collects consecutive elements.
        "d.choice_item(",
        // Counted repetitions.
        "d.finish_many(f_pair, \"pair\", 2u64, ::core::option::Option::Some(2u64), start)",
        // The flattened group restarts and is written group by group; `extra` is not in it.
        "d.order(&mut order, 1usize, ::core::option::Option::Some(1usize), \"gid\", &child);",
        "d.order(&mut order, 3usize, ::core::option::Option::None, \"extra\", &child);",
        "self.gid.get(i)",
        // The message enum, its table and the envelope's entry points.
        "pub enum Message<'a>",
        "pub const MESSAGES: [::osmos::xml::MessageInfo; 3usize]",
        "pub fn decode_body(input: &'a str)",
        "pub const ELEMENT: &'static str = \"doc\";",
        "pub fn encode_utf16be(&self) -> ::std::vec::Vec<u8>",
        "d.finish_choice(f_message, \"message\", kept.first(), true, start)",
        // Unknown and surplus children: kept by `story`, skipped by `act`; written back in place.
        "pub unknown: ::osmos::xml::UnknownElements<'a>,",
        "let mut kept = ::osmos::xml::Kept::new(true);",
        "let mut kept = ::osmos::xml::Kept::new(false);",
        "unknown: kept.into_elements(),",
        // A kept repetition waits for its field: the writer knows each name's field.
        "let mut kept = self.unknown.writer(|name: &str| match name {",
        "\"slug\" => ::core::option::Option::Some(1usize),",
        "kept.known(out, 1usize);",
        "kept.rest(out);",
        "d.many(&mut f_pair, &child, ::core::option::Option::Some(2u64), &mut kept, ::osmos::xml::Decoder::value::<::std::borrow::Cow<'a, str>>)?;",
    ] {
        // Compare without whitespace and trailing commas: prettyplease decides where lines break.
        let squeeze = |s: &str| {
            s.chars().filter(|c| !c.is_whitespace()).collect::<String>().replace(",)", ")").replace(",>", ">")
        };
        assert!(squeeze(&text).contains(&squeeze(needle)), "generated code lacks `{needle}`");
    }
    // Nothing for the CBOR wire.
    assert!(!text.contains("::osmos::cbor::Decode"), "CBOR codecs in an XML schema");
}

#[test]
fn cbor_schemas_get_no_xml_codecs() {
    let mut schema = schema();
    schema.wire = Wire::Cbor;
    schema.types.retain(|t| matches!(t.kind, TypeKind::Enum(_)));
    let text = rust::generate(&schema, &Options::default());
    assert!(!text.contains("::osmos::xml::"), "{text}");
}
