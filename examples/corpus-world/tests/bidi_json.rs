//! WebDriver BiDi commands as JSON texts, read and written by the generated types with the
//! schema's own rules (`JsonForm::Schema`): untagged choices picked by `method` and `type`,
//! numbers against special-number strings, `null` against objects, positional pairs in
//! `script.MappingLocalValue`, extension members (`Extensible`) kept, ranges checked.
//!
//! The corpus has no BiDi instances; the commands below are written from the schema and the
//! spec's prose, each as a client would send it.
#![cfg(all(corpus, feature = "json"))]

use corpus_world::bidi::{
    Command, Number, ScriptLocalValue, ScriptNumberValueValue, ScriptPrimitiveProtocolValue, ScriptSpecialNumber,
    ScriptTarget,
};
use osmos::json::{self, Value};
use osmos::ErrorKind;

/// Commands, each written with its members in schema order (so the text itself round-trips).
const COMMANDS: &[(&str, &str)] = &[
    (
        "SessionNew",
        r#"{"id":1,"method":"session.new","params":{"capabilities":{"alwaysMatch":{"acceptInsecureCerts":true,"browserName":"firefox","proxy":{"proxyType":"manual","httpProxy":"proxy.example:3128"},"unhandledPromptBehavior":{"default":"dismiss"},"moz:debuggerAddress":true}}}}"#,
    ),
    ("SessionStatus", r#"{"id":2,"method":"session.status","params":{}}"#),
    (
        "SessionSubscribe",
        r#"{"id":3,"method":"session.subscribe","params":{"events":["browsingContext.load","log.entryAdded"],"contexts":["c-1"]}}"#,
    ),
    (
        "BrowsingContextNavigate",
        r#"{"id":4,"method":"browsingContext.navigate","params":{"context":"c-1","url":"https://example.org/","wait":"complete"}}"#,
    ),
    (
        "BrowsingContextSetViewport",
        r#"{"id":5,"method":"browsingContext.setViewport","params":{"context":"c-1","viewport":null,"devicePixelRatio":2.5}}"#,
    ),
    (
        "BrowsingContextSetViewport",
        r#"{"id":6,"method":"browsingContext.setViewport","params":{"context":"c-1","viewport":{"width":800,"height":600},"devicePixelRatio":null}}"#,
    ),
    (
        "ScriptEvaluate",
        r#"{"id":7,"method":"script.evaluate","params":{"expression":"1 + 1","target":{"context":"c-1","sandbox":"s"},"awaitPromise":false,"resultOwnership":"root"}}"#,
    ),
    (
        "ScriptEvaluate",
        r#"{"id":8,"method":"script.evaluate","params":{"expression":"self","target":{"realm":"r-7"},"awaitPromise":true}}"#,
    ),
    (
        "ScriptCallFunction",
        r#"{"id":9,"method":"script.callFunction","params":{"functionDeclaration":"(a, b, c, d) => a","awaitPromise":false,"target":{"context":"c-1"},"arguments":[{"type":"number","value":1.5},{"type":"number","value":"-0"},{"type":"number","value":42},{"type":"string","value":"x"},{"type":"undefined"},{"type":"map","value":[["k",{"type":"boolean","value":true}],[{"type":"number","value":"NaN"},{"type":"null"}]]},{"type":"array","value":[{"type":"bigint","value":"9007199254740993"},{"sharedId":"node-1","handle":"h-1"}]},{"handle":"h-2","goog:hint":[1,2]},{"type":"date","value":"2026-12-01T00:00:00Z"}],"this":{"type":"object","value":[["a",{"type":"regexp","value":{"pattern":"a+","flags":"g"}}]]}}}"#,
    ),
    (
        "InputPerformActions",
        r#"{"id":10,"method":"input.performActions","params":{"context":"c-1","actions":[{"type":"pointer","id":"mouse","parameters":{"pointerType":"mouse"},"actions":[{"type":"pointerMove","x":10.5,"y":20,"origin":"viewport"},{"type":"pointerDown","button":0},{"type":"pause","duration":50},{"type":"pointerUp","button":0}]},{"type":"key","id":"kb","actions":[{"type":"keyDown","value":"a"},{"type":"keyUp","value":"a"}]}]}}"#,
    ),
    (
        "NetworkAddIntercept",
        r#"{"id":11,"method":"network.addIntercept","params":{"phases":["beforeRequestSent"],"urlPatterns":[{"type":"string","pattern":"https://example.org/*"},{"type":"pattern","hostname":"example.org","port":"443"}]}}"#,
    ),
    (
        "StorageGetCookies",
        r#"{"id":12,"method":"storage.getCookies","params":{"filter":{"name":"sid","value":{"type":"string","value":"abc"}},"partition":{"type":"context","context":"c-1"}}}"#,
    ),
];

fn variant(c: &Command<'_>) -> String {
    let debug = format!("{c:?}");
    debug.split('(').next().unwrap().to_owned()
}

#[test]
fn every_command_reads_by_its_method_and_writes_back_the_same_text() {
    for (want, text) in COMMANDS {
        let c: Command<'_> = json::from_str(text).unwrap_or_else(|e| panic!("{want}: {e}\n{text}"));
        assert_eq!(&variant(&c), want, "{text}");
        let back = json::to_string(&c).unwrap_or_else(|e| panic!("{want}: {e}"));
        assert_eq!(&back, text, "{want}: written differently");
        // The same value carried over CBOR comes back equal.
        let cbor = osmos::cbor::to_vec(&c).unwrap();
        let again: Command<'_> = osmos::cbor::from_slice(&cbor).unwrap_or_else(|e| panic!("{want}: {e}"));
        assert_eq!(json::to_string(&again).unwrap(), back, "{want}: changed through CBOR");
    }
}

#[test]
fn local_values_are_told_apart_by_json_kind_then_type() {
    let text = COMMANDS.iter().find(|(n, _)| *n == "ScriptCallFunction").unwrap().1;
    let Command::ScriptCallFunction(c) = json::from_str::<Command<'_>>(text).unwrap() else { panic!() };
    let args = c.params.arguments.unwrap();
    let number = |v: &ScriptLocalValue<'_>| match v {
        ScriptLocalValue::ScriptPrimitiveProtocolValue(ScriptPrimitiveProtocolValue::ScriptNumberValue(n)) => {
            n.value.clone()
        }
        other => panic!("not a number value: {other:?}"),
    };
    // A JSON number is `number` (int or float by its form); a string is a special number.
    assert_eq!(number(&args[0]), ScriptNumberValueValue::Number(Number::Float(1.5)));
    assert_eq!(number(&args[1]), ScriptNumberValueValue::ScriptSpecialNumber(ScriptSpecialNumber::V0));
    assert_eq!(number(&args[2]), ScriptNumberValueValue::Number(Number::Int(42)));
    // `{"type": "undefined"}` among the primitive values, picked by `type`.
    assert!(matches!(
        args[4],
        ScriptLocalValue::ScriptPrimitiveProtocolValue(ScriptPrimitiveProtocolValue::ScriptUndefinedValue(_))
    ));
    // References have no `type`: shared or remote object by which member they require.
    assert!(matches!(args[7], ScriptLocalValue::ScriptRemoteReference(_)));
    let ScriptLocalValue::ScriptRemoteReference(r) = &args[7] else { panic!() };
    assert!(format!("{r:?}").starts_with("ScriptRemoteObjectReference"), "{r:?}");
    // `{ script.DateLocalValue }` is named after its group.
    assert!(matches!(args[8], ScriptLocalValue::ScriptDateLocalValue(ref d) if d.value == "2026-12-01T00:00:00Z"));
    // A target is a context or a realm by the member each requires.
    assert!(matches!(c.params.target, ScriptTarget::ScriptContextTarget(_)));
}

#[test]
fn extension_members_are_kept_in_open_maps_and_refused_in_closed_ones() {
    // `Command` is `Extensible`: a vendor member at the top level is kept and written back.
    let text = r#"{"id":1,"method":"session.status","params":{},"goog:channel":{"n":[1,2.5,null]}}"#;
    let c: Command<'_> = json::from_str(text).unwrap();
    assert_eq!(json::to_string(&c).unwrap(), text);
    // `browsingContext.NavigateParameters` is closed: an unknown member is an error at its path.
    let text = r#"{"id":1,"method":"browsingContext.navigate","params":{"context":"c","url":"u","speed":"fast"}}"#;
    let e = json::from_str::<Command<'_>>(text).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::InvalidValue("unknown member \"speed\"".into()));
    assert_eq!(e.path().to_string(), "params");
}

/// Each bad command with the error kind and path it must produce.
#[test]
fn bad_commands_fail_with_the_kind_and_path_of_the_fault() {
    let cases: &[(&str, &str, &str)] = &[
        (r#"{"id":1,"method":"session.launch","params":{}}"#, "unknown-enum", "method"),
        (r#"{"id":1,"params":{}}"#, "missing method", ""),
        (r#"{"method":"session.status","params":{}}"#, "missing id", ""),
        (r#"{"id":9007199254740992,"method":"session.status","params":{}}"#, "constraint", "id"),
        (r#"{"id":-1,"method":"session.status","params":{}}"#, "type", "id"),
        (
            r#"{"id":1,"method":"script.evaluate","params":{"expression":"1","target":{"context":"c"},"awaitPromise":"yes"}}"#,
            "type",
            "params.awaitPromise",
        ),
        (
            r#"{"id":1,"method":"browsingContext.setViewport","params":{"devicePixelRatio":0}}"#,
            "constraint",
            "params.devicePixelRatio",
        ),
        (
            r#"{"id":1,"method":"browsingContext.setViewport","params":{"viewport":{"width":800}}}"#,
            "missing height",
            "params.viewport",
        ),
        (
            r#"{"id":1,"method":"script.callFunction","params":{"functionDeclaration":"f","awaitPromise":false,"target":{"context":"c"},"arguments":[{"type":"number","value":1},{"type":"number","value":"one"}]}}"#,
            "unknown-enum",
            "params.arguments[1].value",
        ),
        (r#"{"id":1,"method":"session.subscribe","params":{"events":[]}}"#, "constraint", "params.events"),
        ("[1, 2]", "type", ""),
        ("{\"id\": 1,", "malformed", ""),
    ];
    for (text, kind, path) in cases {
        let e = json::from_str::<Command<'_>>(text).map(|c| panic!("accepted {text}: {c:?}")).unwrap_err();
        let got = match e.kind() {
            ErrorKind::UnknownEnumValue(_) => "unknown-enum".to_owned(),
            ErrorKind::MissingField(f) => format!("missing {f}"),
            ErrorKind::Constraint(_) => "constraint".to_owned(),
            ErrorKind::UnexpectedType { .. } => "type".to_owned(),
            ErrorKind::Malformed(_) => "malformed".to_owned(),
            other => format!("{other:?}"),
        };
        assert_eq!((got.as_str(), e.path().to_string().as_str()), (*kind, *path), "{text}: {e}");
    }
}

#[test]
fn values_built_by_hand_are_checked_before_they_are_written() {
    let text = r#"{"id":1,"method":"session.status","params":{}}"#;
    let Command::SessionStatus(mut c) = json::from_str::<Command<'_>>(text).unwrap() else { panic!() };
    c.id = 1 << 53;
    let e = json::to_string(&Command::SessionStatus(c)).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Constraint(_)), "{e}");
    assert_eq!(e.path().to_string(), "id");
}

#[test]
fn json_values_of_any_shape_survive_as_extension_members() {
    let member = serde_json::json!({"a": [1, -2, 3.25, "s", true, null, {"b": []}], "big": 18446744073709551615u64});
    let mut doc: Value = serde_json::from_str(r#"{"id":1,"method":"session.status","params":{}}"#).unwrap();
    doc["vendor:x"] = member.clone();
    let c: Command<'_> = json::from_str(&doc.to_string()).unwrap();
    let back: Value = serde_json::from_str(&json::to_string(&c).unwrap()).unwrap();
    assert_eq!(back["vendor:x"], member);
}

/// Mutated commands (characters dropped, doubled or replaced, deterministic) never panic, and
/// whatever reads is written back to a text that reads to the same value: reading checks what
/// writing checks, and the written form is a fixed point.
#[test]
fn mutated_commands_read_or_fail_cleanly_and_what_reads_writes_back() {
    const ALPHABET: &[u8] = br#"{}[],:"0123456789.-eE tnulfasx\"#;
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let (mut read, mut total) = (0, 0);
    for (_, text) in COMMANDS {
        for _ in 0..400 {
            let mut bytes = text.as_bytes().to_vec();
            for _ in 0..1 + next(3) {
                let at = next(bytes.len());
                match next(3) {
                    0 => {
                        bytes.remove(at);
                    }
                    1 => bytes.insert(at, bytes[at]),
                    _ => bytes[at] = ALPHABET[next(ALPHABET.len())],
                }
            }
            let Ok(mutated) = std::str::from_utf8(&bytes) else { continue };
            total += 1;
            let Ok(c) = json::from_str::<Command<'_>>(mutated) else { continue };
            read += 1;
            let once = json::to_string(&c).unwrap_or_else(|e| panic!("read but does not write: {e}\n{mutated}"));
            let again: Command<'_> = json::from_str(&once).unwrap_or_else(|e| panic!("{e}\n{once}"));
            assert_eq!(json::to_string(&again).unwrap(), once, "not a fixed point: {mutated}");
        }
    }
    // Most mutations break the text or the schema; some survive (a digit changed, a member dropped).
    assert!(read > 100 && read < total, "{read} of {total} read");
}

/// Nesting is bounded by the JSON parser's depth limit, and the deepest text it takes reads
/// without exhausting the stack (debug build, a test thread's 2 MiB).
#[test]
fn deeply_nested_local_values_read_or_fail_cleanly() {
    for depth in [10, 60, 200, 5000] {
        let mut value = r#"{"type":"null"}"#.to_owned();
        for _ in 0..depth {
            value = format!(r#"{{"type":"array","value":[{value}]}}"#);
        }
        let text = format!(
            r#"{{"id":1,"method":"script.callFunction","params":{{"functionDeclaration":"f","awaitPromise":false,"target":{{"context":"c"}},"arguments":[{value}]}}}}"#
        );
        match json::from_str::<Command<'_>>(&text) {
            Ok(c) => {
                assert!(depth <= 60, "{depth} levels read");
                assert_eq!(json::to_string(&c).unwrap(), text);
            }
            Err(e) => {
                assert!(depth > 60, "{depth}: {e}");
                assert!(matches!(e.kind(), ErrorKind::Malformed(m) if m.contains("recursion limit")), "{e}");
            }
        }
    }
}

/// A member twice is refused, not resolved silently: `{"method": "session.status", "method":
/// "session.end"}` would otherwise be whichever a reader keeps.
#[test]
fn a_member_twice_is_refused() {
    let text = r#"{"id":1,"method":"session.status","params":{},"method":"session.end"}"#;
    let e = json::from_str::<Command<'_>>(text).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Malformed(m) if m.contains("\"method\" appears twice")), "{e}");
    assert_eq!(e.offset(), text.rfind("\"method\"").unwrap() + 7);
}
