//! The generator's golden outputs (`codegen/tests/golden/*.rs`) compiled and run: each CDDL
//! construct decodes, validates and encodes as the schema says.

use std::borrow::Cow;

use osmos::cbor::{from_slice, to_vec, Nullable};
use osmos::ErrorKind;

#[allow(dead_code)]
mod text_keys {
    include!("../codegen/tests/golden/text_keys.rs");
}
#[allow(dead_code)]
mod occurrences {
    include!("../codegen/tests/golden/occurrences.rs");
}
#[allow(dead_code)]
mod ranges {
    include!("../codegen/tests/golden/ranges.rs");
}
#[allow(dead_code)]
mod tags_any {
    include!("../codegen/tests/golden/tags_any.rs");
}
#[allow(dead_code)]
mod sockets {
    include!("../codegen/tests/golden/sockets.rs");
}
#[allow(dead_code)]
mod generics {
    include!("../codegen/tests/golden/generics.rs");
}
#[allow(dead_code)]
mod keep_unknown {
    include!("../codegen/tests/golden/keep_unknown.rs");
}
#[allow(dead_code)]
mod world {
    include!("../codegen/tests/golden/world.rs");
}
#[allow(dead_code)]
mod choices {
    include!("../codegen/tests/golden/choices.rs");
}

/// Test input that outlives the values borrowing from it.
fn h(s: &str) -> &'static [u8] {
    Box::leak(hex::decode(s.replace(' ', "")).unwrap().into_boxed_slice())
}

#[test]
fn text_keys_and_extension_type_key() {
    use osmos::frame::Keyed;
    use text_keys::VendorHello;
    assert_eq!(VendorHello::TYPE_KEY, 49);
    // {1: -2, "name": "a", "label": "b"}: any order in, canonical order out.
    let bytes = h("a3 01 21 64 6e616d65 61 61 65 6c6162656c 61 62");
    let v: VendorHello = from_slice(bytes).unwrap();
    assert_eq!((v.name.as_ref(), v.count, v.id, v.label.as_deref()), ("a", None, -2, Some("b")));
    // Ascending encoded keys: 1 (0x01), then "name" (0x64…), then "label" (0x65…).
    assert_eq!(hex::encode(to_vec(&v).unwrap()), "a30121646e616d656161656c6162656c6162");
    let e = from_slice::<VendorHello>(h("a1 01 21")).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::MissingField("name"));
}

#[test]
fn unwrapped_maps_and_arrays_splice_their_entries() {
    use text_keys::{FullHeader, Point3};
    // {"alg": -7, "typ": "x"}: `~base-header` brought `alg` and `kid`.
    let bytes = h("a2 63 616c67 26 63 747970 61 78");
    let v: FullHeader = from_slice(bytes).unwrap();
    assert_eq!((v.alg, v.kid.as_deref(), v.typ.as_ref()), (-7, None, "x"));
    assert_eq!(to_vec(&v).unwrap(), bytes);
    // [1, 2, 3]: `~point2` brought `x` and `y` before `z`.
    let v: Point3 = from_slice(h("83 01 02 03")).unwrap();
    assert_eq!((v.x, v.y, v.z), (1, 2, 3));
    assert!(from_slice::<Point3>(h("82 01 02")).is_err());
}

#[test]
fn bounded_occurrences() {
    use occurrences::Batch;
    let ok: Batch = from_slice(h("a2 00 82 01 02 01 81 61 78")).unwrap();
    assert_eq!(ok.samples, vec![1, 2]);
    let e = from_slice::<Batch>(h("a2 00 81 01 01 81 61 78")).unwrap_err();
    assert_eq!(e.path().to_string(), "samples");
    assert!(matches!(e.kind(), ErrorKind::Constraint(c) if c.contains("2 to 4")), "{e}");
    let e = from_slice::<Batch>(h("a2 00 85 01 02 03 04 05 01 81 61 78")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Constraint(_)), "{e}");
    let e = from_slice::<Batch>(h("a2 00 82 01 02 01 80")).unwrap_err();
    assert_eq!(e.path().to_string(), "names");
    let bad = Batch { samples: vec![1], names: vec!["x".into()], blobs: None };
    assert_eq!(to_vec(&bad).unwrap_err().path().to_string(), "samples");
}

#[test]
fn ranges_sizes_and_defaults() {
    use ranges::Settings;
    let good =
        Settings { port: 8080, temperature: -40, retries: None, gain: 0.0, tag: "abc".into(), level: 255, index: 9 };
    let bytes = to_vec(&good).unwrap();
    assert_eq!(from_slice::<Settings>(&bytes).unwrap(), good);
    assert_eq!(good.retries_or_default(), 3, "`.default 3` when absent");
    assert_eq!(Settings { retries: Some(7), ..good.clone() }.retries_or_default(), 7);
    let _ = &bytes;
    let cases: Vec<(Settings, &str)> = vec![
        (Settings { port: 65536, ..good.clone() }, "port"),
        (Settings { temperature: -41, ..good.clone() }, "temperature"),
        (Settings { temperature: 126, ..good.clone() }, "temperature"),
        (Settings { gain: -0.5, ..good.clone() }, "gain"),
        (Settings { tag: "".into(), ..good.clone() }, "tag"),
        (Settings { tag: "123456789".into(), ..good.clone() }, "tag"),
        (Settings { level: 256, ..good.clone() }, "level"),
        (Settings { index: 10, ..good.clone() }, "index"),
    ];
    for (bad, field) in cases {
        let e = to_vec(&bad).unwrap_err();
        assert_eq!(e.path().to_string(), field, "{e}");
        assert!(matches!(e.kind(), ErrorKind::Constraint(_)), "{e}");
        // And the decoder rejects the same value on the wire.
        let wire = forge(&bad);
        let e = from_slice::<Settings>(&wire).unwrap_err();
        assert_eq!(e.path().to_string(), field, "{e}");
    }
}

/// Encodes a `Settings` without its encoder's checks (a peer that ignores the schema).
fn forge(s: &ranges::Settings) -> Vec<u8> {
    let mut e = minicbor::Encoder::new(Vec::new());
    e.map(7).unwrap();
    e.u8(0).unwrap().u64(s.port).unwrap();
    e.u8(1).unwrap().i64(s.temperature).unwrap();
    e.u8(3).unwrap().f64(s.gain).unwrap();
    e.u8(4).unwrap().str(&s.tag).unwrap();
    e.u8(5).unwrap().u64(s.level).unwrap();
    e.u8(6).unwrap().u64(s.index).unwrap();
    e.u8(2).unwrap().u64(3).unwrap();
    e.into_writer()
}

#[test]
fn tags_any_and_nullable_optionals() {
    use tags_any::Envelope;
    // {0: 1(5), 1: 32("u"), 2: [1, {}], 3: null}
    let bytes = h("a4 00 c1 05 01 d820 61 75 02 82 01 a0 03 f6");
    let v: Envelope = from_slice(bytes).unwrap();
    assert_eq!(v.stamp, 5);
    assert_eq!(v.payload.as_bytes(), &[0x82, 0x01, 0xa0]);
    assert_eq!(v.note, Some(Nullable::Null));
    assert_eq!(to_vec(&v).unwrap(), bytes);
    let e = from_slice::<Envelope>(h("a3 00 c2 05 01 d820 61 75 02 00")).unwrap_err();
    assert_eq!(e.path().to_string(), "stamp");
    // The prelude's `undefined` (simple value 23) is not `null`.
    use tags_any::EnvelopeLegacy;
    let bytes = h("a4 00 c1 05 01 d820 61 75 02 00 04 f7");
    let v: Envelope = from_slice(bytes).unwrap();
    assert_eq!(v.legacy, Some(EnvelopeLegacy::Undefined(osmos::cbor::Undefined)));
    assert_eq!(to_vec(&v).unwrap(), bytes);
    let e = from_slice::<Envelope>(h("a4 00 c1 05 01 d820 61 75 02 00 04 f6")).unwrap_err();
    assert_eq!((e.path().to_string(), e.offset()), ("legacy".to_owned(), 12));
}

#[test]
fn sockets_merge_alternatives_and_group_sockets_splice_optionals() {
    use sockets::{Color, Paint};
    let v: Paint = from_slice(h("a2 00 64 626c7565 09 63 6d6174")).unwrap();
    assert_eq!((v.color, v.finish.as_deref()), (Color::Blue, Some("mat")));
    let e = from_slice::<Paint>(h("a1 00 65 677265656e")).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::UnknownEnumValue("\"green\"".into()));
    assert_eq!(Color::ALL.map(Color::value), ["red", "blue"]);
}

#[test]
fn generic_rules_are_monomorphised() {
    use generics::{Lookup, PairTextBool, PairUintText};
    let v = Lookup {
        entry: PairUintText { key: 1, value: "one".into() },
        flags: vec![PairTextBool { key: Cow::Borrowed("x"), value: true }],
    };
    let bytes = to_vec(&v).unwrap();
    assert_eq!(hex::encode(&bytes), "a200820163 6f6e6501 81826178f5".replace(' ', ""));
    assert_eq!(from_slice::<Lookup>(&bytes).unwrap(), v);
}

#[test]
fn literal_enums_and_type_choices() {
    use choices::{Level, Mode, Switch, SwitchValue};
    let v: Switch = from_slice(h("a4 00 64 6175746f 01 20 02 82 61 61 61 62 03 a1 00 f5")).unwrap();
    assert_eq!(v.mode, Mode::Auto);
    assert_eq!(v.level, Level::Low);
    assert_eq!(v.value, SwitchValue::Array(vec!["a".into(), "b".into()]));
    assert!(matches!(v.inline, Nullable::Value(ref i) if i.on));
    let v2: Switch = from_slice(h("a4 00 62 6f6e 01 01 02 38 63 03 f6")).unwrap();
    assert_eq!((v2.level, &v2.value, &v2.inline), (Level::High, &SwitchValue::Int(-100), &Nullable::Null));
    assert_eq!(Level::Low.value(), -1);
    let e = from_slice::<Switch>(h("a4 00 62 6f6e 01 01 02 f5 03 f6")).unwrap_err();
    assert_eq!(e.path().to_string(), "value");
    assert!(matches!(e.kind(), ErrorKind::UnexpectedType { .. }));
}

#[test]
fn unknown_entries_are_kept_when_asked_and_written_back_in_order() {
    use keep_unknown::{Relay, RelayHop};
    // {"z": 1, 3: {0: 1, 9: null}, 1: h'ff', 0: 5, "vendor": h'01'}: keys 1, 9 and "z" are unknown.
    let input = h("a5 617a 01 03 a2 00 01 09 f6 01 41ff 00 05 66 76656e646f72 4101");
    let r: Relay = from_slice(input).unwrap();
    assert_eq!(r.request_id, 5);
    assert_eq!(r.unknown.len(), 2);
    assert_eq!(r.hop.as_ref().map(|h| (h.index, h.unknown.len())), Some((1, 1)));
    // Deterministic (bytewise) order: 0, 1 (kept), 3, "z" (kept, 0x61 sorts before "vendor"'s
    // 0x66), "vendor"; inside the hop 0, 9 (kept).
    assert_eq!(
        hex::encode(to_vec(&r).unwrap()),
        "a5000501 41ff03a2000109f6 617a01 6676656e646f724101".replace(' ', "")
    );
    // Built by hand, nothing is kept: an ordinary message.
    let plain = Relay {
        request_id: 1,
        note: None,
        vendor: None,
        hop: Some(RelayHop { index: 0, unknown: Default::default() }),
        unknown: Default::default(),
    };
    assert_eq!(hex::encode(to_vec(&plain).unwrap()), "a2000103a10000");
}

/// Named constant keys are their integer keys, `* label => values` entries are kept and written
/// back in key order, `~time` is the untagged number.
#[test]
fn world_header_map() {
    use world::{Header, HeaderAlg, Number};
    // {1: -7, 4: h'01', 6: 1700000000, 100: 5, -70000: "x", "note": true}
    let bytes = h("a6 01 26 04 41 01 06 1a 6553f100 18 64 05 3a 0001116f 61 78 64 6e6f7465 f5");
    let v: Header = from_slice(bytes).unwrap();
    assert_eq!(v.alg, Some(HeaderAlg::Int(-7)));
    assert_eq!(v.kid.as_deref(), Some(&[1u8][..]));
    assert_eq!(v.issued, Some(Number::Int(1_700_000_000)));
    assert_eq!(v.key_100, Some(5));
    assert_eq!(v.unknown.len(), 2);
    assert_eq!(to_vec(&v).unwrap(), bytes);
}

/// Alternatives that start alike are tried in order: an array of three whose last item is a
/// list is `encrypted`, not `signed`; a tagged one is the third alternative.
#[test]
fn world_choices_by_content() {
    use world::{EncryptedRecipientsItem, MessageType};
    let signed = h("83 40 f6 41 00");
    assert!(matches!(from_slice::<MessageType>(signed).unwrap(), MessageType::Signed(_)));
    let encrypted = h("83 40 f6 82 61 61 01");
    match from_slice::<MessageType>(encrypted).unwrap() {
        MessageType::Encrypted(e) => {
            assert_eq!(e.recipients, vec![EncryptedRecipientsItem::Tstr("a".into()), EncryptedRecipientsItem::Int(1)]);
            assert_eq!(to_vec(&MessageType::Encrypted(e)).unwrap(), encrypted);
        }
        other => panic!("{other:?}"),
    }
    let tagged = h("d8 62 83 40 f6 41 00");
    let v = from_slice::<MessageType>(tagged).unwrap();
    assert!(matches!(v, MessageType::Tag98(_)));
    assert_eq!(to_vec(&v).unwrap(), tagged);
    // Neither: the error of the alternative that read furthest.
    assert!(from_slice::<MessageType>(h("83 40 f6 f6")).is_err());
}

/// `time` is tag 1 over `number`, `bigint` a choice of tag 2 and tag 3 bytes.
#[test]
fn world_prelude() {
    use world::{Bigint, Number, Stamp, Time};
    let bytes = h("83 c1 fb 3ff8000000000000 20 c3 41 01");
    let v: Stamp = from_slice(bytes).unwrap();
    // A tagged rule is a type of its own (issue 16).
    assert_eq!(v.when, Time(Number::Float(1.5)));
    assert_eq!(v.amount, Number::Int(-1));
    assert!(matches!(v.big, Bigint::Bignint(ref b) if b.0.as_ref() == [1]));
    assert_eq!(to_vec(&v).unwrap(), bytes);
}
