//! Issue 8's map constructs through their golden outputs (`codegen/tests/golden/tables.rs`,
//! `map_choices.rs`): typed tables and map alternatives decode, reject and re-encode as the
//! schema says, byte for byte.

use std::borrow::Cow;

use osmos::cbor::{from_slice, to_vec};
use osmos::ErrorKind;

#[allow(dead_code)]
mod tables {
    include!("../codegen/tests/golden/tables.rs");
}
#[allow(dead_code)]
mod map_choices {
    include!("../codegen/tests/golden/map_choices.rs");
}

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).expect("hex")
}

#[test]
fn a_table_next_to_fields_keeps_wire_order_and_encodes_sorted() {
    use tables::Labels;
    // {0: 1, "b": h'01', "a": h'', 1: "n"}: keys out of deterministic order.
    let wire = h("a4 00 01 6162 4101 6161 40 01 616e");
    let v: Labels = from_slice(&wire).unwrap();
    assert_eq!(v.version, 1);
    assert_eq!(v.name.as_deref(), Some("n"));
    assert_eq!(v.entries, vec![(Cow::from("b"), Cow::from(&[1u8][..])), (Cow::from("a"), Cow::from(&[][..]))]);
    // 0, 1, "a", "b": ascending encoded keys, table entries among the fields.
    assert_eq!(to_vec(&v).unwrap(), h("a4 00 01 01 616e 6161 40 6162 4101"));
}

#[test]
fn a_table_rejects_duplicates_bad_values_and_skips_other_keys() {
    use tables::Labels;
    // {0: 1, "a": h'', "a": h'01'}: the second "a" is at byte 6.
    let e = from_slice::<Labels>(&h("a3 00 01 6161 40 6161 4101")).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::DuplicateField("entries"));
    assert_eq!(e.offset(), 6);
    // {0: 1, "a": 5}: a text key is the table's, so its value must be bytes.
    let e = from_slice::<Labels>(&h("a2 00 01 6161 05")).unwrap_err();
    assert!(e.to_string().starts_with("entries[0]:"), "{e}");
    // {0: 1, 2: 3}: an integer key is neither a field's nor the table's: skipped.
    let wire = h("a2 00 01 02 03");
    let v = from_slice::<Labels>(&wire).unwrap();
    assert!(v.entries.is_empty());
    assert_eq!(to_vec(&v).unwrap(), h("a1 00 01"));
    // The encoder refuses two entries with one key.
    let mut v = v;
    v.entries = vec![(Cow::from("a"), Cow::from(&[][..])), (Cow::from("a"), Cow::from(&[1u8][..]))];
    assert!(to_vec(&v).unwrap_err().to_string().contains("same key"));
}

#[test]
fn table_bounds_and_array_keys() {
    use tables::{ByComponent, TextMap};
    // `+ tstr => uint`: at least one entry.
    let e = from_slice::<TextMap>(&h("a0")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Constraint(_)), "{e}");
    assert!(to_vec(&TextMap { entries: Vec::new() }).is_err());
    // `* [* bstr] => uint`: {[h'aa']: 5}.
    let wire = h("a1 81 41aa 05");
    let v: ByComponent = from_slice(&wire).unwrap();
    assert_eq!(v.entries, vec![(vec![Cow::from(&[0xaau8][..])], 5)]);
    assert_eq!(to_vec(&v).unwrap(), wire);
}

#[test]
fn a_table_spliced_from_a_group_with_a_choice_key() {
    use tables::{Attributed, AttributedAttributeValue, Label};
    // {15: "en", "x": 1, 2: "y"}: `lang` (15) is a field; the rest match `label => text / int`.
    let wire = h("a3 0f 62656e 6178 01 02 6179");
    let v: Attributed = from_slice(&wire).unwrap();
    assert_eq!(v.lang.as_deref(), Some("en"));
    assert_eq!(
        v.attribute,
        vec![
            (Label::Text("x".into()), AttributedAttributeValue::Int(1)),
            (Label::Int(2), AttributedAttributeValue::Text("y".into())),
        ]
    );
    assert_eq!(to_vec(&v).unwrap(), h("a3 02 6179 0f 62656e 6178 01"));
}

#[test]
fn group_choices_are_told_apart_by_a_fixed_value() {
    use map_choices::{Command, CommandStopMethod};
    // {"id": 1, "force": true, "method": "stop"}
    let wire = h("a3 626964 01 65666f726365 f5 666d6574686f64 6473746f70");
    match from_slice::<Command>(&wire).unwrap() {
        Command::Stop(s) => {
            assert_eq!((s.id, s.method, s.force), (1, CommandStopMethod::Stop, Some(true)));
            assert_eq!(to_vec(&Command::Stop(s)).unwrap(), wire);
        }
        other => panic!("{other:?}"),
    }
    // {"id": 2, "method": "start", "params": {"url": "u"}}
    let wire = h("a3 626964 02 666d6574686f64 657374617274 66706172616d73 a1 6375726c 6175");
    match from_slice::<Command>(&wire).unwrap() {
        Command::Start(s) => {
            assert_eq!(s.params.url, "u");
            assert_eq!(to_vec(&Command::Start(s)).unwrap(), wire);
        }
        other => panic!("{other:?}"),
    }
    // {"id": 3, "method": "pause"}: no alternative has that method.
    let e = from_slice::<Command>(&h("a2 626964 03 666d6574686f64 657061757365")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::UnexpectedType { .. }), "{e}");
    assert_eq!(e.offset(), 0);
}

#[test]
fn group_choices_are_told_apart_by_a_key_of_their_own() {
    use map_choices::Token;
    // {"subject": "s", "evidence": h'01'}
    let wire = h("a2 677375626a656374 6173 6865766964656e6365 4101");
    let v = from_slice::<Token>(&wire).unwrap();
    assert!(matches!(&v, Token::Evidence(t) if t.evidence.as_ref() == [1]), "{v:?}");
    assert_eq!(to_vec(&v).unwrap(), wire);
    // {"subject": "s"}: neither key, the alternative without one.
    let wire = h("a1 677375626a656374 6173");
    let v = from_slice::<Token>(&wire).unwrap();
    assert!(matches!(&v, Token::Absent(t) if t.subject == "s"), "{v:?}");
}

#[test]
fn type_choices_of_maps_by_a_value_among_several() {
    use map_choices::{Shape, ShapeMap2Kind};
    // {"kind": "box", "side": 3}: `kind: "square" / "box"` is the second alternative.
    let wire = h("a2 646b696e64 63626f78 6473696465 03");
    let v = from_slice::<Shape>(&wire).unwrap();
    assert!(matches!(&v, Shape::Map2(s) if s.kind == ShapeMap2Kind::Box && s.side == 3), "{v:?}");
    assert_eq!(to_vec(&v).unwrap(), wire);
}
