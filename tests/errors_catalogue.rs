//! The error catalogue: bad inputs, each with the exact error it must produce: kind, path and
//! byte offset, as `DecodeError`'s display prints them (`path: kind (at byte N)`). Open Screen
//! frames go through `Message::decode_frame`; MOS documents through `Mos::decode_with`, strict
//! mode listing every deviation. Set `OSMOS_PRINT_CATALOGUE=1` to print what each case gives.

use osmos::mos::messages::Mos;
use osmos::openscreen::Message;
use osmos::xml::Mode;

/// (what, frame in hex, the error).
const FRAMES: &[(&str, &str, &str)] = &[
    // Framing and type keys.
    ("unknown type key", "3fa0", "unknown type key 63 (at byte 0)"),
    ("unknown 2-byte type key", "4fffa0", "unknown type key 4095 (at byte 0)"),
    ("reserved 8-byte type key", "c000000000000001a0", "unknown type key 1 (at byte 0)"),
    // Wrong major types.
    ("text where uint", "0aa1006178", "agent-info-request.request-id: expected unsigned integer, found text string (at byte 3)"),
    ("negative where uint", "0aa10020", "agent-info-request.request-id: expected unsigned integer, found negative integer (at byte 3)"),
    ("array where map", "0a80", "agent-info-request: expected map, found array (at byte 1)"),
    ("bytes where map", "0a40", "agent-info-request: expected map, found byte string (at byte 1)"),
    ("float where uint", "0aa100f93c00", "agent-info-request.request-id: expected unsigned integer, found float (at byte 3)"),
    ("null where uint", "0aa100f6", "agent-info-request.request-id: expected unsigned integer, found null (at byte 3)"),
    ("map where text", "0ba20001 01a500a0 0160 0280 0360 0480", "agent-info-response.agent-info.display-name: expected text string, found map (at byte 7)"),
    ("text where bytes or text choice", "10a2000101f5", "presentation-connection-message.message: expected bytes or text, found bool (at byte 5)"),
    ("uint where array", "0ba2000101a5006178016179020003617a0480", "agent-info-response.agent-info.capabilities: expected array, found unsigned integer (at byte 13)"),
    // Keys.
    ("duplicate key", "0aa200010002", "agent-info-request: field `request-id` appears twice (at byte 4)"),
    ("missing key", "0aa0", "agent-info-request: missing required field `request-id` (at byte 1)"),
    ("missing key after unknown keys", "0aa20101627878f5", "agent-info-request: missing required field `request-id` (at byte 1)"),
    ("duplicate key in nested map", "0ba2000101a6006178016179028003617a0480006178", "agent-info-response.agent-info: field `display-name` appears twice (at byte 19)"),
    // Values.
    ("enum value outside", "0ba2000101a5006178016179028109036178 0480", "agent-info-response.agent-info.capabilities[0]: value 9 is not in the enumeration (at byte 14)"),
    ("size below", "43eba100583f", "auth-spake2-confirmation.confirmation-value: constraint violated: 63 bytes, expected exactly 64 (at byte 4)"),
    ("invalid UTF-8 text", "0ba2000101a50062c328016179028003617a0480", "agent-info-response.agent-info.display-name: invalid UTF-8 text (at byte 8)"),
    ("array too short", "16820001", "audio-frame: constraint violated: array of 2 items, expected 3 to 4 items (at byte 1)"),
    ("array too long", "1685000141aaa002", "audio-frame: constraint violated: array has more than 4 items (at byte 1)"),
    ("negative where an enumeration value", "0ba2000101a5006178016179028120036178 0480", "agent-info-response.agent-info.capabilities[0]: expected unsigned integer, found negative integer (at byte 14)"),
    ("text key where int expected is skipped, then missing", "0aa1617800", "agent-info-request: missing required field `request-id` (at byte 1)"),
    ("indefinite map without break", "0abf0001", "incomplete"),
    ("truncated text", "0ba2000101a500637879", "incomplete"),
    ("truncated frame after the type key", "0a", "incomplete"),
    ("empty input", "", "incomplete"),
    // Malformed CBOR.
    ("reserved additional info", "0aa1001c", "agent-info-request.request-id: malformed input: reserved additional information 28 in head byte 0x1c (at byte 3)"),
    ("break as a value", "0aa100ff", "agent-info-request.request-id: expected unsigned integer, found break (at byte 3)"),
    ("break as a key", "0aa1ff", "agent-info-request: malformed input: unexpected break (at byte 2)"),
    ("deep nesting in an unknown value", "", "agent-info-request: nesting too deep (at byte 69)"),
];

/// (what, MOS document, every error strict mode reports).
const MOS: &[(&str, &str, &str)] = &[
    ("unknown message", "<mos><mosID>m</mosID><ncsID>n</ncsID><roFrobnicate/></mos>", "unknown message <roFrobnicate> (at byte 37)"),
    ("unbalanced tags", "<mos><mosID>m</mosID><ncsID>n</ncsID><roReq><roID>1</roReq></mos>", "roReq.roID: malformed input: expected </roID>, found </roReq> (at byte 51)"),
    ("end tag without start", "<mos><mosID>m</mosID></ncsID></mos>", "malformed input: expected </mos>, found </ncsID> (at byte 21)"),
    ("missing required element", "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID><roReq/></mos>", "roReq: missing required field `roID` (at byte 61)"),
    ("header out of order", "<mos><ncsID>n</ncsID><mosID>m</mosID><messageID>1</messageID><roReq><roID>1</roID></roReq></mos>", "mosID: constraint violated: element <mosID> out of order: the schema puts it before <ncsID> (at byte 21)"),
    ("unknown element", "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID><roReq><roID>1</roID><vendor/></roReq></mos>", "roReq.vendor: expected an element the schema defines here, found unknown element <vendor> (at byte 82)"),
    ("over-long roID", "", "roReq.roID: constraint violated: 129 characters, at most 128 allowed (at byte 74)"),
    ("malformed time", "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID><heartbeat><time>yesterday</time></heartbeat></mos>", "heartbeat.time: invalid value: MOS time: expected 4-digit year (at byte 78)"),
    ("empty time", "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID><heartbeat><time/></heartbeat></mos>", "heartbeat.time: invalid value: MOS time: expected 4-digit year (at byte 79)"),
    ("forbidden character reference", "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID><roReq><roID>&#1;</roID></roReq></mos>", "roReq.roID: malformed input: character U+0001 is not allowed in XML (at byte 74)"),
    ("forbidden raw character", "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID><roReq><roID>\u{1}</roID></roReq></mos>", "roReq.roID: malformed input: character U+0001 is not allowed in XML (at byte 74)"),
    ("unknown entity", "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID><roReq><roID>&bogus;</roID></roReq></mos>", "roReq.roID: malformed input: bad reference in text: at 1..6: unrecognized entity `bogus` (at byte 74)"),
    ("unknown attribute", "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID><roReq x=\"1\"><roID>1</roID></roReq></mos>", "roReq.x: expected an attribute the schema defines, found attribute \"x\" (at byte 61)"),
    ("duplicate element", "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID><roReq><roID>1</roID><roID>2</roID></roReq></mos>", "roReq.roID: field `roID` appears twice (at byte 82)"),
    ("bad messageID", "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>one</messageID><roReq><roID>1</roID></roReq></mos>", "messageID: invalid value: MOS messageID: expected a number (at byte 48)"),
    ("truncated document", "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID><roReq><roID>1</ro", "roReq.roID: input ends inside a value (at byte 75)"),
    ("text outside the root", "junk<mos><mosID>m</mosID></mos>", "malformed input: text before the root element (at byte 0)"),
    ("two roots", "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID><roReq><roID>1</roID></roReq></mos><mos/>", "trailing bytes after the value (at byte 96)"),
    ("attribute without quotes", "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID><roReq a=1><roID>1</roID></roReq></mos>", "roReq: malformed input: attributes of <roReq>: position 8: attribute value must be enclosed in `\"` or `'` (at byte 61)"),
    ("DOCTYPE inside an element", "<mos><!DOCTYPE x><mosID>m</mosID></mos>", "malformed input: markup declaration inside an element (at byte 5)"),
    ("CDATA never closed", "<mos><mosID><![CDATA[m</mosID></mos>", "mosID: input ends inside a value (at byte 12)"),
    ("comment never closed", "<mos><!-- <mosID>m</mosID></mos>", "input ends inside a value (at byte 5)"),
];

/// The input of a case: its hex, completed where it is too long to write out.
fn frame_bytes(what: &str, hex_text: &str) -> Vec<u8> {
    let mut bytes = hex::decode(hex_text.replace(' ', "")).expect("hex");
    match what {
        // 63 of the 64 bytes a confirmation value must have.
        "size below" => bytes.extend([0u8; 63]),
        // An unknown key whose value nests 200 arrays deep.
        "deep nesting in an unknown value" => {
            bytes = hex::decode("0aa20007 01".replace(' ', "")).unwrap();
            bytes.extend([0x81; 200]);
            bytes.push(0x00);
        }
        _ => {}
    }
    bytes
}

fn mos_doc(what: &str, doc: &str) -> String {
    match what {
        // roID is at most 128 characters; these are 129, two bytes each.
        "over-long roID" => format!(
            "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID><roReq><roID>{}</roID></roReq></mos>",
            "é".repeat(129)
        ),
        _ => doc.to_owned(),
    }
}

fn frame_error(bytes: &[u8]) -> String {
    match Message::decode_frame(bytes) {
        Ok(Some((m, _))) => format!("decoded {}", m.name()),
        Ok(None) => "incomplete".into(),
        Err(e) => e.to_string(),
    }
}

fn mos_errors(doc: &str) -> String {
    match Mos::decode_with(doc, Mode::Strict) {
        Ok(_) => "decoded".into(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn catalogue() {
    let print = std::env::var_os("OSMOS_PRINT_CATALOGUE").is_some();
    let mut wrong = Vec::new();
    for (what, input, expected) in FRAMES {
        let got = frame_error(&frame_bytes(what, input));
        if print {
            println!("FRAME {what:?}\n  {got}");
        } else if got != *expected {
            wrong.push(format!("{what}: expected {expected:?}, got {got:?}"));
        }
    }
    for (what, input, expected) in MOS {
        let got = mos_errors(&mos_doc(what, input));
        if print {
            println!("MOS {what:?}\n  {got}");
        } else if got != *expected {
            wrong.push(format!("{what}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(FRAMES.len() + MOS.len() >= 50);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
