//! Issue 8's constructs through their golden outputs (`codegen/tests/golden/tables.rs`,
//! `map_choices.rs`, `array_groups.rs`): typed tables, map alternatives and repeated groups in
//! arrays decode, reject and re-encode as the schema says, byte for byte.

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
#[allow(dead_code)]
mod array_groups {
    include!("../codegen/tests/golden/array_groups.rs");
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

#[test]
fn a_repeated_tail_and_a_repeated_item_before_an_optional_one() {
    use array_groups::{Signed, TryEach};
    let wire = h("83 4101 4102 4103");
    let v: Signed = from_slice(&wire).unwrap();
    assert_eq!(v.payload.as_ref(), [1]);
    assert_eq!(v.signature, vec![Cow::from(&[2u8][..]), Cow::from(&[3u8][..])]);
    assert_eq!(to_vec(&v).unwrap(), wire);
    let wire = h("81 4101");
    let v: Signed = from_slice(&wire).unwrap();
    assert!(v.signature.is_empty());
    assert_eq!(to_vec(&v).unwrap(), wire);
    // `[2* bstr, ?nil]`: the byte strings, then the null.
    let wire = h("83 40 40 f6");
    let v: TryEach = from_slice(&wire).unwrap();
    assert_eq!((v.item0.len(), v.item1), (2, Some(())));
    assert_eq!(to_vec(&v).unwrap(), wire);
    let e = from_slice::<TryEach>(&h("82 40 f6")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Constraint(_)), "{e}");
    assert!(e.to_string().starts_with("item0:"), "{e}");
    assert!(to_vec(&TryEach { item0: vec![Cow::from(&[][..])], item1: None }).is_err());
}

#[test]
fn group_choices_in_an_array_are_arrays_tried_in_order() {
    use array_groups::Reading;
    // [7, 21.5]
    let wire = h("82 07 fb4035800000000000");
    assert!(matches!(from_slice::<Reading>(&wire).unwrap(), Reading::Celsius(ref c) if c.celsius == 21.5));
    assert_eq!(to_vec(&from_slice::<Reading>(&wire).unwrap()).unwrap(), wire);
    // [7, h'0102', -2]
    let wire = h("83 07 420102 21");
    let v: Reading = from_slice(&wire).unwrap();
    assert!(matches!(v, Reading::Raw(ref r) if r.raw.as_ref() == [1, 2] && r.scale == -2), "{v:?}");
    assert_eq!(to_vec(&v).unwrap(), wire);
    // [7]: the empty alternative.
    let wire = h("81 07");
    assert!(matches!(from_slice::<Reading>(&wire).unwrap(), Reading::Empty(ref e) if e.sensor == 7));
    // [7, "x"]: no alternative; the error is the one that got furthest (at the second item).
    let e = from_slice::<Reading>(&h("82 07 6178")).unwrap_err();
    assert_eq!(e.offset(), 2, "{e}");
}

#[test]
fn repeated_key_value_groups_spliced_into_an_array() {
    use array_groups::{Commands, CommandsItem0, CommandsItem0CustomKeyItem1, CommandsItem0SetIndexItem1};
    // [1, 5, 12, [1, 2], -3, h'ff', 32, "x"]: four (key, value) groups in one array.
    let wire = h("88 01 05 0c 82 01 02 22 41ff 1820 6178");
    let v: Commands = from_slice(&wire).unwrap();
    assert_eq!(v.item0.len(), 4);
    assert!(matches!(&v.item0[0], CommandsItem0::CheckVendor(c) if c.item1 == 5));
    assert!(
        matches!(&v.item0[1], CommandsItem0::SetIndex(c) if c.item1 == CommandsItem0SetIndexItem1::Array(vec![1, 2]))
    );
    assert!(
        matches!(&v.item0[2], CommandsItem0::CustomKey(c) if c.item0 == -3 && c.item1 == CommandsItem0CustomKeyItem1::Bstr(Cow::from(&[0xffu8][..])))
    );
    assert!(matches!(&v.item0[3], CommandsItem0::Run(c) if c.item1 == "x"));
    assert_eq!(to_vec(&v).unwrap(), wire);
    // A key without its value: the group's second item is missing.
    let e = from_slice::<Commands>(&h("81 01")).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (&ErrorKind::MissingField("item1"), 2));
    // 7 is no command's key (nor a negative custom one); `+`: at least one group.
    assert!(from_slice::<Commands>(&h("82 07 01")).is_err());
    assert!(from_slice::<Commands>(&h("80")).is_err());
}
