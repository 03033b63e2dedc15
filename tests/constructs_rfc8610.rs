//! RFC 8610 constructs from schemas written for other tools (issue 16), compiled from the
//! goldens in `codegen/tests/golden/` and checked on exact bytes, with `ciborium` as an
//! independent reader and writer of the same items.

use ciborium::value::Value as Cbor;
use osmos::cbor::{from_slice, to_vec};
use osmos::ErrorKind;

#[allow(dead_code)]
mod tagged_rules {
    include!("../codegen/tests/golden/tagged_rules.rs");
}
#[allow(dead_code)]
mod hygiene {
    include!("../codegen/tests/golden/hygiene.rs");
}
#[allow(dead_code)]
mod controls {
    include!("../codegen/tests/golden/controls.rs");
}
#[allow(dead_code)]
mod refused_before {
    include!("../codegen/tests/golden/refused_before.rs");
}

/// Test input that outlives the values borrowing from it.
fn h(s: &str) -> &'static [u8] {
    Box::leak(hex::decode(s.replace(' ', "")).unwrap().into_boxed_slice())
}

/// The item ciborium reads from `bytes`.
fn oracle(bytes: &[u8]) -> Cbor {
    ciborium::de::from_reader(bytes).expect("ciborium reads it")
}

/// What ciborium writes for `v`.
fn oracle_bytes(v: &Cbor) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(v, &mut out).unwrap();
    out
}

fn tag(n: u64, v: Cbor) -> Cbor {
    Cbor::Tag(n, Box::new(v))
}

#[test]
fn a_rule_that_tags_another_rule_keeps_its_tag() {
    use tagged_rules::{Envelope, EnvelopeTagged};
    // 107({1: 5, 2: "a"}), as SUIT_Envelope_Tagged is published.
    let wire = oracle_bytes(&tag(
        107,
        Cbor::Map(vec![(Cbor::Integer(1.into()), Cbor::Integer(5.into())), (Cbor::Integer(2.into()), "a".into())]),
    ));
    assert_eq!(hex::encode(&wire), "d86ba20105026161");
    let v: EnvelopeTagged = from_slice(&wire).unwrap();
    assert_eq!((v.0.key_1, v.0.key_2.as_deref()), (5, Some("a")));
    assert_eq!(to_vec(&v).unwrap(), wire);
    // The untagged map is not the tagged rule: the error is at byte 0 and says what it found.
    let e = from_slice::<EnvelopeTagged>(h("a1 01 05")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::UnexpectedType { found, .. } if found.contains("map")), "{e}");
    assert_eq!(e.offset(), 0);
    // Another tag is refused where it stands.
    let e = from_slice::<EnvelopeTagged>(h("d8 6c a1 01 05")).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::UnexpectedType { expected: "a specific tag", found: "tag 108".into() });
    assert_eq!(e.offset(), 0);
    // The content alone is still the untagged rule.
    let inner: Envelope = from_slice(h("a1 01 05")).unwrap();
    assert_eq!(to_vec(&EnvelopeTagged(inner)).unwrap(), h("d86b a1 01 05"));
}

#[test]
fn tags_nest_through_rules() {
    use tagged_rules::{Body, Inner, Outer};
    // {"x": 13(11([1]))}
    let wire =
        oracle_bytes(&Cbor::Map(vec![("x".into(), tag(13, tag(11, Cbor::Array(vec![Cbor::Integer(1.into())]))))]));
    assert_eq!(hex::encode(&wire), "a16178cdcb8101");
    let v: Outer = from_slice(&wire).unwrap();
    assert_eq!(v.x, Inner(Body { item0: 1 }));
    assert_eq!(to_vec(&v).unwrap(), wire);
    // 13([1]) lacks the inner tag: refused at the inner tag's offset (byte 4).
    let e = from_slice::<Outer>(h("a1 6178 cd 8101")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::UnexpectedType { found, .. } if found.contains("array")), "{e}");
    assert_eq!(e.offset(), 4);
    // `inner` decoded on its own is 11([1]).
    assert_eq!(to_vec(&Inner(Body { item0: 1 })).unwrap(), h("cb 8101"));
}

#[test]
fn a_rule_that_is_a_tagged_inline_type_is_one_type() {
    use tagged_rules::{Deep, DeepItem0Tag11, Pair, PairContent};
    let wire = oracle_bytes(&tag(11, Cbor::Array(vec![Cbor::Integer(7.into()), "z".into()])));
    let v: Pair = from_slice(&wire).unwrap();
    assert_eq!(v, Pair(PairContent { item0: 7, item1: "z".into() }));
    assert_eq!(to_vec(&v).unwrap(), wire);
    // [13(11(3))]: both inline tags, in order.
    let wire = oracle_bytes(&Cbor::Array(vec![tag(13, tag(11, Cbor::Integer(3.into())))]));
    let v: Deep = from_slice(&wire).unwrap();
    assert_eq!(v.item0, DeepItem0Tag11(3));
    assert_eq!(to_vec(&v).unwrap(), wire);
    assert_eq!(oracle(&to_vec(&v).unwrap()), Cbor::Array(vec![tag(13, tag(11, Cbor::Integer(3.into())))]));
    // The tags swapped are refused at the outer tag.
    let e = from_slice::<Deep>(h("81 cb cd 03")).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::UnexpectedType { expected: "a specific tag", found: "tag 11".into() });
    assert_eq!(e.offset(), 1);
}

#[test]
fn tagged_primitives_are_told_apart_by_their_tags() {
    use tagged_rules::{Either, Label, Stamp};
    let wire = oracle_bytes(&tag(1, Cbor::Integer((-5).into())));
    assert_eq!(from_slice::<Either>(&wire).unwrap(), Either::Stamp(Stamp(-5)));
    assert_eq!(from_slice::<Stamp>(&wire).unwrap(), Stamp(-5));
    let v = Either::Label(Label("https://x".into()));
    let wire = to_vec(&v).unwrap();
    assert_eq!(oracle(&wire), tag(32, "https://x".into()));
    assert_eq!(from_slice::<Either>(&wire).unwrap(), v);
    // An untagged integer is neither.
    assert!(from_slice::<Either>(h("24")).is_err());
    assert!(from_slice::<Stamp>(h("24")).is_err());
}

/// The field names of `hygiene.cddl`, each a local, parameter or closure argument of the
/// generated code; `locals-map` gives them the types `uint, text, ? int, bstr, [* uint]` in
/// turn, `locals-array` the types `uint, text, int, bstr, bool`.
const LOCALS: &[&str] = &[
    "d",
    "e",
    "v",
    "x",
    "k",
    "i",
    "m",
    "n",
    "s",
    "b",
    "t",
    "u",
    "f",
    "obj",
    "seq",
    "more",
    "map",
    "field",
    "key-pos",
    "key-end",
    "fits",
    "table",
    "table-keys",
    "kept",
    "unknown",
    "pos",
    "err",
    "len",
    "start",
    "out",
    "value",
    "entries",
    "ke",
    "ve",
    "item",
    "items",
    "count",
    "total",
    "expect",
    "required",
    "optional",
    "slot",
    "bytes",
    "text",
    "tag",
    "any",
    "rt",
    "id",
    "dec",
    "enc",
    "read",
    "write",
    "w",
    "r",
    "p",
    "l",
    "h",
    "j",
    "c",
    "a",
    "o",
    "q",
    "g",
    "y",
    "z",
];

fn hygiene_array_item(i: usize) -> Cbor {
    match i % 5 {
        0 => Cbor::Integer((i as u64).into()),
        1 => Cbor::Text(format!("t{i}")),
        2 => Cbor::Integer((-(i as i64)).into()),
        3 => Cbor::Bytes(vec![i as u8]),
        _ => Cbor::Bool(i % 2 == 0),
    }
}

#[test]
fn fields_named_like_the_generated_locals_round_trip() {
    use hygiene::{LocalsArray, LocalsMap};
    // The array: every item in its place, then one of the two trailing optionals.
    let mut items: Vec<Cbor> = (0..LOCALS.len()).map(hygiene_array_item).collect();
    items.push(Cbor::Integer(99.into()));
    let wire = oracle_bytes(&Cbor::Array(items));
    let v: LocalsArray = from_slice(&wire).unwrap();
    assert_eq!((v.d, v.e.as_ref(), v.v, v.x.as_ref(), v.k), (0, "t1", -2, &[3u8][..], true));
    assert_eq!(
        (v.more, v.key_pos.as_ref(), v.z, v.seq_2, v.more_2.as_deref()),
        (15, &[18u8][..], true, Some(99), None)
    );
    assert_eq!(to_vec(&v).unwrap(), wire);
    // The map: keys in deterministic order (shorter first, then bytewise), optionals present.
    let mut entries: Vec<(String, Cbor)> = LOCALS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let value = match i % 5 {
                0 => Cbor::Integer((i as u64).into()),
                1 => Cbor::Text(format!("t{i}")),
                2 => Cbor::Integer((-(i as i64)).into()),
                3 => Cbor::Bytes(vec![i as u8]),
                _ => Cbor::Array(vec![Cbor::Integer((i as u64).into())]),
            };
            (name.to_string(), value)
        })
        .collect();
    entries.sort_by(|(a, _), (b, _)| (a.len(), a).cmp(&(b.len(), b)));
    let wire = oracle_bytes(&Cbor::Map(entries.into_iter().map(|(k, v)| (Cbor::Text(k), v)).collect()));
    let v: LocalsMap = from_slice(&wire).unwrap();
    assert_eq!((v.d, v.e.as_ref(), v.v, v.x.as_ref(), v.k.as_slice()), (0, "t1", Some(-2), &[3u8][..], &[4u64][..]));
    assert_eq!((v.seq.as_slice(), v.more, v.field, v.key_pos.as_ref()), (&[14u64][..], 15, Some(-17), &[18u8][..]));
    assert_eq!(to_vec(&v).unwrap(), wire);
    // A missing field is named as the schema spells it, at the map's offset.
    let e = from_slice::<LocalsMap>(h("a0")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::MissingField(_)), "{e}");
    assert_eq!(e.offset(), 0);
}

#[test]
fn locals_names_in_repeated_tables_and_choices_round_trip() {
    use hygiene::{DValue, DValueContent, LocalsChoice, LocalsGroupChoice, LocalsRepeated, LocalsTable};
    let v: LocalsRepeated = from_slice(h("84 01 6161 02 03")).unwrap();
    assert_eq!((v.d, v.e.as_ref(), v.v.as_slice()), (1, "a", &[2u64, 3][..]));
    assert_eq!(to_vec(&v).unwrap(), h("84 01 6161 02 03"));
    // {"d": 1, "e": "a", "zz": 7}: `zz` goes to the table.
    let wire = h("a3 6164 01 6165 6161 627a7a 07");
    let v: LocalsTable = from_slice(wire).unwrap();
    assert_eq!((v.d, v.e.as_deref(), v.entries.as_slice()), (1, Some("a"), &[("zz".into(), 7)][..]));
    assert_eq!(to_vec(&v).unwrap(), wire);
    let v: LocalsChoice = from_slice(h("d828 82 01 6161")).unwrap();
    assert_eq!(v, LocalsChoice::DValue(DValue(DValueContent { d: 1, v: "a".into() })));
    assert_eq!(to_vec(&v).unwrap(), h("d828 82 01 6161"));
    let v: LocalsGroupChoice = from_slice(h("a2 6164 01 6178 02")).unwrap();
    assert_eq!(to_vec(&v).unwrap(), h("a2 6164 01 6178 02"));
}

#[test]
fn size_on_integers_bounds_their_bytes() {
    use controls::Sized;
    // [-256, 65535, -256, 256, "a", h'01']: every bound at its edge.
    let wire = h("86 38ff 19ffff 38ff 190100 6161 4101");
    let v: Sized = from_slice(wire).unwrap();
    assert_eq!(
        (v.small, v.word, v.negative, v.wide, v.label.as_ref(), v.blob.as_ref()),
        (-256, 65535, -256, 256, "a", &[1u8][..])
    );
    assert_eq!(to_vec(&v).unwrap(), wire);
    // One past each edge is refused at the item's offset.
    let cases: [(&str, usize); 5] = [
        ("86 390100 19ffff 38ff 190100 6161 4101", 1),   // -257: int .size 1
        ("86 38ff 1a00010000 38ff 190100 6161 4101", 3), // 65536: uint .size 2
        ("86 38ff 19ffff 00 190100 6161 4101", 6),       // 0 is no nint
        ("86 38ff 19ffff 38ff 18ff 6161 4101", 8),       // 255: uint .size (2..3) needs two bytes
        ("86 38ff 19ffff 38ff 190100 60 4101", 11),      // "": tstr .size sizes (1..4)
    ];
    for (bytes, offset) in cases {
        let e = from_slice::<Sized>(h(bytes)).unwrap_err();
        assert_eq!(e.offset(), offset, "{bytes}: {e}");
    }
    // Encoding checks the same bounds.
    let mut bad = v.clone();
    bad.small = 256;
    assert!(to_vec(&bad).is_err());
}

#[test]
fn constructs_refused_before_round_trip() {
    use refused_before::{Carrier, Color, Flags, KeyKind, Switches, Version};
    // `"red" / "green" / "red"`: two values.
    assert_eq!(Color::ALL.len(), 2);
    assert_eq!(from_slice::<Color>(h("63 726564")).unwrap(), Color::Red);
    assert_eq!(to_vec(&Color::Green).unwrap(), h("65 677265656e"));
    // {"v": 1.5}; another float is refused at its offset.
    let wire = oracle_bytes(&Cbor::Map(vec![("v".into(), Cbor::Float(1.5))]));
    let v: Version = from_slice(&wire).unwrap();
    assert_eq!(v.v, 1.5);
    assert_eq!(to_vec(&v).unwrap(), h("a1 6176 fb3ff8000000000000"));
    let e = from_slice::<Version>(h("a1 6176 fb4000000000000000")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Constraint(_)), "{e}");
    assert_eq!(e.offset(), 3);
    // [true, true] and [true, false].
    let v: Flags = from_slice(h("82 f5 f5")).unwrap();
    assert_eq!(to_vec(&v).unwrap(), h("82 f5 f5"));
    let v: Switches = from_slice(h("82 f5 f4")).unwrap();
    assert_eq!((v.on, v.off), (true, false));
    assert_eq!(to_vec(&v).unwrap(), h("82 f5 f4"));
    // The literal is the type: `false` where the schema says `true` is refused both ways.
    let e = from_slice::<Switches>(h("82 f4 f4")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Constraint(_)), "{e}");
    assert_eq!(e.offset(), 1);
    let e = to_vec(&Switches { on: false, off: false }).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Constraint(_)) && e.to_string().contains("on"), "{e}");
    // {1: h'0102'}: a CBOR sequence 1, 2 kept as its bytes.
    let v: Carrier = from_slice(h("a1 01 42 0102")).unwrap();
    assert_eq!(v.key_1.as_ref(), [1, 2]);
    assert_eq!(to_vec(&v).unwrap(), h("a1 01 42 0102"));
    // Names as text literals.
    assert_eq!(KeyKind::from_name("PubKey"), Some(KeyKind::PubKey));
    assert_eq!(from_slice::<KeyKind>(h("01")).unwrap(), KeyKind::SecretKey);
}

#[test]
fn array_member_keys_and_prose_comments() {
    use refused_before::{Block, BlockHead, LedgerParams};
    // [[1, "a"], [2, 3]]: `"header"` and `"body"` name positions, they are not on the wire.
    let v: Block = from_slice(h("82 82 01 6161 82 02 03")).unwrap();
    assert_eq!(v.header, BlockHead { item0: 1, item1: "a".into() });
    assert_eq!(v.body, [2, 3]);
    assert_eq!(to_vec(&v).unwrap(), h("82 82 01 6161 82 02 03"));
    // Prose comments leave the key's name; a one-word comment still names its field.
    let v: LedgerParams = from_slice(h("a3 00 01 01 02 02 03")).unwrap();
    assert_eq!((v.key_0, v.key_1, v.epoch), (1, 2, 3));
    assert_eq!(to_vec(&v).unwrap(), h("a3 00 01 01 02 02 03"));
}

#[test]
fn group_aliases_are_their_groups() {
    use refused_before::{Entry, Request};
    // {"id": 7, "label": "x"} through `common = (base)`.
    let wire = oracle_bytes(&Cbor::Map(vec![("id".into(), Cbor::Integer(7.into())), ("label".into(), "x".into())]));
    let v: Request = from_slice(&wire).unwrap();
    assert_eq!((v.id, v.label.as_deref()), (7, Some("x")));
    assert_eq!(to_vec(&v).unwrap(), wire);
    // [7] through `common-fields = base`, spliced into the array.
    let v: Entry = from_slice(h("81 07")).unwrap();
    assert_eq!((v.id, v.label.as_deref()), (7, None));
    assert_eq!(to_vec(&v).unwrap(), h("81 07"));
}

#[test]
fn group_rules_without_parentheses() {
    use refused_before::Options;
    // {1: "a", "name": "n"}
    let wire = h("a2 01 6161 646e616d65 616e");
    let v: Options = from_slice(wire).unwrap();
    assert_eq!((v.key_1.as_ref(), v.name.as_ref(), v.level), ("a", "n", None));
    assert_eq!(to_vec(&v).unwrap(), wire);
}

#[test]
fn byte_string_literal_choices_are_enumerations_of_exact_bytes() {
    use refused_before::{FormatTag, Framed, FramedF, FramedT, Magic, Marks, MarksItem1, MarksItem2};
    // `magic = h'01' / h'02' / h'cafe'` as the entry type: each value is its bytes.
    assert_eq!(Magic::ALL.len(), 3);
    assert_eq!(from_slice::<Magic>(h("41 01")).unwrap(), Magic::H01);
    assert_eq!(from_slice::<Magic>(h("42 cafe")).unwrap(), Magic::Hcafe);
    assert_eq!(to_vec(&Magic::Hcafe).unwrap(), oracle_bytes(&Cbor::Bytes(vec![0xca, 0xfe])));
    assert_eq!(to_vec(&Magic::H02).unwrap(), h("41 02"));
    // Wrong bytes, a wrong length, text with the same bytes: refused at byte 0.
    let e = from_slice::<Magic>(h("41 03")).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::UnknownEnumValue("h'03'".into()));
    assert_eq!(e.offset(), 0);
    let e = from_slice::<Magic>(h("42 0102")).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::UnknownEnumValue("h'0102'".into()));
    assert!(matches!(from_slice::<Magic>(h("61 01")).unwrap_err().kind(), ErrorKind::UnexpectedType { .. }));
    // `'ab' / 'cd'`: the UTF-8 bytes of the text, in a byte string (major type 2, not 3).
    assert_eq!(to_vec(&FormatTag::Cd).unwrap(), oracle_bytes(&Cbor::Bytes(b"cd".to_vec())));
    assert_eq!(from_slice::<FormatTag>(h("42 6162")).unwrap(), FormatTag::Ab);
    assert!(from_slice::<FormatTag>(h("62 6162")).is_err());
    // As map values: {"f": h'ff', "m": h'cafe', "t": 'on'}.
    let wire = oracle_bytes(&Cbor::Map(vec![
        ("f".into(), Cbor::Bytes(vec![0xff])),
        ("m".into(), Cbor::Bytes(vec![0xca, 0xfe])),
        ("t".into(), Cbor::Bytes(b"on".to_vec())),
    ]));
    let v: Framed = from_slice(&wire).unwrap();
    assert_eq!((v.m, v.f, v.t), (Magic::Hcafe, FramedF::Hff, Some(FramedT::On)));
    assert_eq!(to_vec(&v).unwrap(), wire);
    // A wrong byte in a value is an error at that value.
    let e = from_slice::<Framed>(h("a2 6166 41 fe 616d 41 01")).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::UnknownEnumValue("h'fe'".into()));
    assert_eq!(e.offset(), 3);
    // As array items: [h'01', 'y', h'bb', h'aa'].
    let wire = oracle_bytes(&Cbor::Array(vec![
        Cbor::Bytes(vec![1]),
        Cbor::Bytes(b"y".to_vec()),
        Cbor::Bytes(vec![0xbb]),
        Cbor::Bytes(vec![0xaa]),
    ]));
    let v: Marks = from_slice(&wire).unwrap();
    assert_eq!((v.item0, v.item1), (Magic::H01, MarksItem1::Y));
    assert_eq!(v.item2, [MarksItem2::Hbb, MarksItem2::Haa]);
    assert_eq!(to_vec(&v).unwrap(), wire);
    let e = from_slice::<Marks>(h("83 41 01 41 79 41 cc")).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::UnknownEnumValue("h'cc'".into()));
    assert_eq!(e.offset(), 5);
}

#[test]
fn two_tables_in_one_map_are_two_fields() {
    use refused_before::{MixedTables, TwoTables};
    // {"b": 2, 1: "x", "a": -1, -5: "y"}: text keys go to one table, integer keys to the other,
    // each in wire order; the encoder writes all four in deterministic key order.
    let wire = oracle_bytes(&Cbor::Map(vec![
        ("b".into(), Cbor::Integer(2.into())),
        (Cbor::Integer(1.into()), "x".into()),
        ("a".into(), Cbor::Integer((-1).into())),
        (Cbor::Integer((-5).into()), "y".into()),
    ]));
    let v: TwoTables = from_slice(&wire).unwrap();
    let texts: Vec<(&str, i64)> = v.text_entries.iter().map(|(k, x)| (k.as_ref(), *x)).collect();
    let ints: Vec<(i64, &str)> = v.int_entries.iter().map(|(k, x)| (*k, x.as_ref())).collect();
    assert_eq!(texts, [("b", 2), ("a", -1)]);
    assert_eq!(ints, [(1, "x"), (-5, "y")]);
    // {1: "x", -5: "y", "a": -1, "b": 2}
    assert_eq!(to_vec(&v).unwrap(), h("a4 01 6178 24 6179 6161 20 6162 02"));
    let bytes = to_vec(&v).unwrap();
    let again: TwoTables = from_slice(&bytes).unwrap();
    assert_eq!(to_vec(&again).unwrap(), bytes);
    // A value of the other table's type is an error in the table its key chose.
    let e = from_slice::<TwoTables>(h("a1 6161 6178")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::UnexpectedType { .. }), "{e}");
    assert_eq!(e.offset(), 3);
    assert!(e.to_string().contains("text-entries"), "{e}");
    // A key twice in one table is refused; a float key belongs to neither and is skipped.
    assert!(from_slice::<TwoTables>(h("a2 01 6178 01 6179")).is_err());
    let v: TwoTables = from_slice(h("a1 f93c00 01")).unwrap();
    assert!(v.text_entries.is_empty() && v.int_entries.is_empty());
    // Beside fixed fields: {0: 7, "name": "n", "z": h'01', 3: [1, 2]}; fixed keys are fields,
    // not table entries, and `+ int => …` needs one entry.
    let wire = oracle_bytes(&Cbor::Map(vec![
        (Cbor::Integer(0.into()), Cbor::Integer(7.into())),
        ("name".into(), "n".into()),
        ("z".into(), Cbor::Bytes(vec![1])),
        (Cbor::Integer(3.into()), Cbor::Array(vec![Cbor::Integer(1.into()), Cbor::Integer(2.into())])),
    ]));
    let v: MixedTables = from_slice(&wire).unwrap();
    assert_eq!((v.key_0, v.name.as_deref()), (7, Some("n")));
    let texts: Vec<(&str, &[u8])> = v.text_entries.iter().map(|(k, x)| (k.as_ref(), x.as_ref())).collect();
    assert_eq!(texts, [("z", [1u8].as_slice())]);
    assert_eq!(v.int_entries, [(3, vec![1, 2])]);
    // {0: 7, 3: [1, 2], "z": h'01', "name": "n"}
    assert_eq!(to_vec(&v).unwrap(), h("a4 00 07 03 82 01 02 617a 41 01 646e616d65 616e"));
    let e = from_slice::<MixedTables>(h("a1 00 07")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Constraint(_) | ErrorKind::MissingField(_)), "{e}");
}

#[test]
fn one_key_through_alternatives_is_a_choice_of_maps() {
    use refused_before::{
        ChoiceMap, ChoiceMapByText, ExtMap, ExtMapA, SameKey, SameKeyA, SameKeyA2, SameKeyGroups, SameKeyGroupsByInt,
        SameKeyGroupsByText,
    };
    // {"a": -2} and {"a": "x"}: the alternatives are tried in order; each gives its own bytes.
    let int = oracle_bytes(&Cbor::Map(vec![("a".into(), Cbor::Integer((-2).into()))]));
    let text = oracle_bytes(&Cbor::Map(vec![("a".into(), "x".into())]));
    assert_eq!(from_slice::<SameKey>(&int).unwrap(), SameKey::A(SameKeyA { a: -2 }));
    assert_eq!(from_slice::<SameKey>(&text).unwrap(), SameKey::A2(SameKeyA2 { a: "x".into() }));
    assert_eq!(to_vec(&SameKey::A(SameKeyA { a: -2 })).unwrap(), int);
    assert_eq!(to_vec(&SameKey::A2(SameKeyA2 { a: "x".into() })).unwrap(), text);
    assert!(from_slice::<SameKey>(h("a1 6161 f5")).is_err());
    // Through spliced group names beside a fixed field: {"a": "x", "c": 3, "n": 1}.
    let wire = h("a3 6161 6178 6163 03 616e 01");
    let v: SameKeyGroups = from_slice(wire).unwrap();
    assert_eq!(v, SameKeyGroups::ByText(SameKeyGroupsByText { n: 1, a: "x".into(), c: Some(3) }));
    assert_eq!(to_vec(&v).unwrap(), wire);
    let v = SameKeyGroups::ByInt(SameKeyGroupsByInt { n: 1, a: 5 });
    assert_eq!(to_vec(&v).unwrap(), h("a2 6161 05 616e 01"));
    assert_eq!(from_slice::<SameKeyGroups>(h("a2 6161 05 616e 01")).unwrap(), v);
    // A group rule written `by-int // by-text`, and a group socket's two alternatives.
    let v: ChoiceMap = from_slice(&text).unwrap();
    assert_eq!(v, ChoiceMap::ByText(ChoiceMapByText { a: "x".into(), c: None }));
    assert_eq!(to_vec(&v).unwrap(), text);
    let v: ExtMap = from_slice(&int).unwrap();
    assert_eq!(v, ExtMap::A(ExtMapA { a: -2 }));
    assert_eq!(to_vec(&v).unwrap(), int);
    assert!(matches!(from_slice::<ExtMap>(&text).unwrap(), ExtMap::A2(_)));
    // A map with neither is an error.
    assert!(from_slice::<ExtMap>(h("a0")).is_err());
}

#[test]
fn major_type_shorthands_are_the_prelude_types() {
    use refused_before::Shorthands;
    // [7, -3, h'01', "t", [1, "x"], false, null, undefined, 1.5 (half), 2.5 (double)]
    let wire = h("8a 07 22 41 01 61 74 82 01 61 78 f4 f6 f7 f9 3e00 fb 4004000000000000");
    let v: Shorthands = from_slice(wire).unwrap();
    assert_eq!((v.item0, v.item1, v.item2.as_ref(), v.item3.as_ref()), (7, -3, &[1u8][..], "t"));
    assert_eq!(v.item4.len(), 2);
    assert_eq!(oracle(v.item4[1].as_bytes()), Cbor::Text("x".into()));
    assert!(!v.item5);
    assert_eq!((v.item8, v.item9), (1.5, 2.5));
    assert_eq!(to_vec(&v).unwrap(), wire, "the same bytes back: `#7.25` (float16) is a half");
    // A value no half holds is refused, not rounded onto the wire; one it holds is 2 bytes.
    let mut inexact = v.clone();
    inexact.item8 = 0.1;
    let e = to_vec(&inexact).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Constraint(_)), "{e}");
    assert!(e.to_string().contains("item8") && e.to_string().contains("float16"), "{e}");
    inexact.item8 = -65504.0;
    assert!(to_vec(&inexact).unwrap().windows(3).any(|w| w == [0xf9, 0xfb, 0xff]), "the largest negative half");
    // Each shorthand keeps its major type: `#0` is no negative integer, `#3` no byte string,
    // `#4` no map, `#7.22` nothing but null.
    for (bad, offset) in [
        ("8a 20 22 41 01 61 74 82 01 61 78 f4 f6 f7 f9 3e00 fb 4004000000000000", 1),
        ("8a 07 22 41 01 41 74 82 01 61 78 f4 f6 f7 f9 3e00 fb 4004000000000000", 5),
        ("8a 07 22 41 01 61 74 a0 f4 f6 f7 f9 3e00 fb 4004000000000000", 7),
        ("8a 07 22 41 01 61 74 82 01 61 78 f4 f5 f7 f9 3e00 fb 4004000000000000", 12),
    ] {
        let e = from_slice::<Shorthands>(h(bad)).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::UnexpectedType { .. }), "{bad}: {e}");
        assert_eq!(e.offset(), offset, "{bad}: {e}");
    }
}
