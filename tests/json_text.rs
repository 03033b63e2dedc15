//! The JSON texts a CDDL schema describes (`JsonForm::Schema`), through the golden output of
//! `codegen/tests/golden/json_text.cddl`: each way of telling alternatives apart, positional
//! arrays, tables, open maps, `any`, nullable and checked values, and what each bad text gives.
#![cfg(feature = "json")]

use osmos::json::{self, Value};
use osmos::ErrorKind;

#[allow(dead_code)]
mod json_text {
    include!("../codegen/tests/golden/json_text.rs");
}
use json_text::{Label, Mark, MoveParams, Number, NumberLabelValue, Point, Reference, Request, SpecialNumber};

/// Reads `text` as `T` and requires the same text back; the value.
fn exact<T: json::FromJson + json::ToJson + osmos::cbor::Encode>(text: &str) -> T {
    let v: T = json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    assert_eq!(json::to_string(&v).unwrap(), text, "written differently");
    v
}

fn fails<T: json::FromJson + std::fmt::Debug>(text: &str) -> osmos::DecodeError {
    json::from_str::<T>(text).map(|v| panic!("accepted {text}: {v:?}")).unwrap_err()
}

#[test]
fn requests_are_picked_by_method_and_keep_vendor_members() {
    let r: Request<'_> = exact(r#"{"id":7,"method":"ping","params":{}}"#);
    assert!(matches!(r, Request::Ping(ref p) if p.id == 7));
    let r: Request<'_> = exact(r#"{"id":8,"method":"move","params":{"to":null},"x:trace":{"span":[1,2]}}"#);
    let Request::Move(m) = r else { panic!("{r:?}") };
    assert_eq!(m.unknown.len(), 1);
    // The vendor member is a CBOR entry too: the same request over CBOR keeps it.
    let cbor = osmos::cbor::to_vec(&Request::Move(m)).unwrap();
    let again: Request<'_> = osmos::cbor::from_slice(&cbor).unwrap();
    assert_eq!(
        json::to_string(&again).unwrap(),
        r#"{"id":8,"method":"move","params":{"to":null},"x:trace":{"span":[1,2]}}"#
    );

    let e = fails::<Request<'_>>(r#"{"id":1,"method":"jump","params":{}}"#);
    assert_eq!(e.kind(), &ErrorKind::UnknownEnumValue(r#""jump" (expected "ping", "move")"#.into()));
    assert_eq!(e.path().to_string(), "method");
    let e = fails::<Request<'_>>(r#"{"id":1,"params":{}}"#);
    assert_eq!(e.kind(), &ErrorKind::MissingField("method"));
    let e = fails::<Request<'_>>(r#"{"id":9007199254740992,"method":"ping","params":{}}"#);
    assert!(matches!(e.kind(), ErrorKind::Constraint(_)), "{e}");
    assert_eq!(e.path().to_string(), "id");
    // `params: {}` is a closed map.
    let e = fails::<Request<'_>>(r#"{"id":1,"method":"ping","params":{"x":1}}"#);
    assert_eq!(e.kind(), &ErrorKind::InvalidValue(r#"unknown member "x""#.into()));
    assert_eq!(e.path().to_string(), "params");
}

#[test]
fn positional_arrays_are_arrays_with_trailing_optionals() {
    let p: Point = exact("[1,2.5]");
    assert_eq!((p.x, p.y, p.z), (1.0, 2.5, None));
    let p: Point = exact("[1,2,-0.0]");
    assert!(p.z.unwrap().is_sign_negative());
    for (text, want) in
        [("[1]", "array of 1 items, expected 2 to 3 items"), ("[1,2,3,4]", "array of 4 items, expected 2 to 3 items")]
    {
        assert_eq!(fails::<Point>(text).kind(), &ErrorKind::Constraint(want.into()), "{text}");
    }
    let e = fails::<Point>(r#"[1,"2"]"#);
    assert!(matches!(e.kind(), ErrorKind::UnexpectedType { expected: "a number", .. }), "{e}");
    assert_eq!(e.path().to_string(), "y");
}

#[test]
fn alternatives_are_told_apart_by_kind_value_member_or_order() {
    let text = r#"{"to":[0,0],"speed":1.5,"path":[[1,1],[2,2,2]],"labels":{"a":{"type":"text","value":"start"},"b":{"type":"number","value":3},"c":{"type":"number","value":0.5},"d":{"type":"number","value":"-0"},"e":{"id":"x"},"f":{"ref":"y"}},"target":{"handle":"h1"},"hint":{"any":["json",1,null]}}"#;
    let m: MoveParams<'_> = exact(text);
    let labels = &m.labels.as_ref().unwrap().entries;
    let by = |k: &str| &labels.iter().find(|(n, _)| n == k).unwrap().1;
    assert!(matches!(by("a"), Label::TextLabel(t) if t.value == "start"));
    assert!(matches!(by("b"), Label::NumberLabel(n) if n.value == NumberLabelValue::Number(Number::Int(3))));
    assert!(matches!(by("c"), Label::NumberLabel(n) if n.value == NumberLabelValue::Number(Number::Float(0.5))));
    assert!(matches!(by("d"), Label::NumberLabel(n) if n.value == NumberLabelValue::SpecialNumber(SpecialNumber::V0)));
    assert!(matches!(by("e"), Label::Mark(Mark::Map(_))));
    assert!(matches!(by("f"), Label::Mark(Mark::Map2(_))));
    // Neither reference has a member of its own: `shared` needs `shared-id`, so it is tried first.
    assert!(matches!(m.target, Some(Reference::Remote(_))));
    let m: MoveParams<'_> = exact(r#"{"to":null,"target":{"shared-id":"s","handle":"h","x":true}}"#);
    let Some(Reference::Shared(s)) = m.target else { panic!() };
    assert_eq!(s.unknown.len(), 1);
    // `null` against an object, and against a checked float.
    let m: MoveParams<'_> = exact(r#"{"to":null,"speed":null}"#);
    assert_eq!(m.speed, Some(osmos::cbor::Nullable::Null));
}

#[test]
fn bad_values_fail_with_the_path_of_the_fault() {
    let cases: &[(&str, &str)] = &[
        (r#"{"to":[0,0],"speed":0}"#, "speed"),
        (r#"{"to":[0,0],"labels":{"a":{"type":"text","value":""}}}"#, "labels.a.value"),
        (r#"{"to":[0,0],"labels":{"a":{"type":"number","value":"NaNa"}}}"#, "labels.a.value"),
        (r#"{"to":[0,0],"labels":{"a":{"type":"colour"}}}"#, "labels.a.type"),
        (r#"{"to":[0,0],"path":[[0,0],[0]]}"#, "path[1]"),
        (r#"{"to":[0,0],"target":{"id":"x"}}"#, "target"),
        (r#"{"to":"here"}"#, "to"),
        (r#"{"speed":1}"#, ""),
    ];
    for (text, path) in cases {
        let e = fails::<MoveParams<'_>>(text);
        assert_eq!(e.path().to_string(), *path, "{text}: {e}");
    }
}

#[test]
fn any_holds_any_json_value() {
    for hint in [r#"null"#, r#"[1,-2,3.5,"x",true,{"k":[]}]"#, r#"{"z":1,"a":2}"#, "18446744073709551615"] {
        let text = format!(r#"{{"to":null,"hint":{hint}}}"#);
        let m: MoveParams<'_> = exact(&text);
        let back: Value = serde_json::from_str(hint).unwrap();
        assert_eq!(json::text::item_to_json(m.hint.as_ref().unwrap()), back);
    }
}
