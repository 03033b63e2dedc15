use std::borrow::Cow;

use super::tokens::Event;
use super::*;
use crate::error::ErrorKind;

fn events(input: &str) -> Vec<String> {
    let mut d = Decoder::new(input, Mode::Lenient);
    let mut out = Vec::new();
    loop {
        match d.next_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(s)) => out.push(format!("S{}{}@{}", s.name, if s.empty { "/" } else { "" }, s.offset)),
            Ok(Event::End(n, at)) => out.push(format!("E{n}@{at}")),
            Ok(Event::Text(t, at)) => out.push(format!("T{t:?}@{at}")),
            Ok(Event::CData(t, at)) => out.push(format!("C{t:?}@{at}")),
            Err(e) => {
                out.push(format!("!{e}"));
                break;
            }
        }
    }
    out
}

#[test]
fn tokenises() {
    assert_eq!(
        events("<?xml version='1.0'?><!-- c --><a x='>'>t<b/><![CDATA[<x>]]></a >"),
        ["Sa@31", "T\"t\"@40", "Sb/@41", "C\"<x>\"@45", "Ea@60"]
    );
    assert_eq!(events("<a"), ["!input ends inside a value (at byte 0)"]);
    assert_eq!(events("< a>"), ["!malformed input: bad start tag \"< a>\" (at byte 0)"]);
}

#[test]
fn text_borrows_unless_expanded() {
    let input = "<a>x &amp; y</a>";
    let mut d = Decoder::new(input, Mode::Lenient);
    let Ok(Event::Start(s)) = d.next_event() else { panic!() };
    let t = d.text(&s).unwrap();
    assert_eq!(t, "x & y");
    assert!(matches!(t, Cow::Owned(_)));
    let input = "<a>plain</a>";
    let mut d = Decoder::new(input, Mode::Lenient);
    let Ok(Event::Start(s)) = d.next_event() else { panic!() };
    assert!(matches!(d.text(&s).unwrap(), Cow::Borrowed("plain")));
    let input = "<a>a\r\nb&#13;</a>";
    let mut d = Decoder::new(input, Mode::Lenient);
    let Ok(Event::Start(s)) = d.next_event() else { panic!() };
    assert_eq!(d.text(&s).unwrap(), "a\nb\r");
}

#[test]
fn raw_is_byte_for_byte() {
    let input = "<p><x a=\"1\">t &amp; <y/></x>tail</p>";
    let mut d = Decoder::new(input, Mode::Lenient);
    let Ok(Event::Start(s)) = d.next_event() else { panic!() };
    let raw = d.raw(&s).unwrap();
    assert_eq!(raw.as_str(), "<x a=\"1\">t &amp; <y/></x>tail");
    assert!(matches!(raw.0, Cow::Borrowed(_)));
    let mut d = Decoder::new("<p><x></y></p>", Mode::Lenient);
    let Ok(Event::Start(s)) = d.next_event() else { panic!() };
    assert!(matches!(d.raw(&s).unwrap_err().kind(), ErrorKind::Malformed(_)));
}

#[test]
fn depth_is_capped() {
    let deep = "<a>".repeat(MAX_DEPTH + 5);
    let r = decode_document(&deep, Mode::Lenient, None, false, |d, s| d.skip(s));
    assert_eq!(r.unwrap_err().first().kind(), &ErrorKind::TooDeep);
}

#[test]
fn escapes() {
    let mut s = String::new();
    escape_text(&mut s, "a<b>&c\r\"");
    assert_eq!(s, "a&lt;b&gt;&amp;c&#13;\"");
    s.clear();
    escape_attr(&mut s, "\"x\"\t\n");
    assert_eq!(s, "&quot;x&quot;&#9;&#10;");
    s.clear();
    text_element(&mut s, "e", "");
    assert_eq!(s, "<e/>");
}

#[test]
fn document_prolog_and_trailing() {
    let ok =
        decode_document("\u{FEFF} <?xml version=\"1.0\"?>\n<a/>\n", Mode::Lenient, Some("a"), false, |d, s| d.skip(s));
    assert!(ok.is_ok());
    let trailing = decode_document("<a/><b/>", Mode::Lenient, Some("a"), false, |d, s| d.skip(s));
    assert_eq!(trailing.unwrap_err().first().kind(), &ErrorKind::TrailingBytes);
    let wrong = decode_document("<b/>", Mode::Lenient, Some("a"), false, |d, s| d.skip(s));
    assert!(matches!(wrong.unwrap_err().first().kind(), ErrorKind::UnexpectedType { .. }));
}

#[test]
fn attributes_borrow() {
    let input = "<a x = \"1\" y='2 &amp; 3'/>";
    let mut d = Decoder::new(input, Mode::Lenient);
    let Ok(Event::Start(s)) = d.next_event() else { panic!() };
    let mut it = d.attributes(&s);
    let mut attrs = Vec::new();
    while let Some(a) = d.next_attribute(&mut it).unwrap() {
        attrs.push(a);
    }
    assert_eq!(attrs[0].name, "x");
    assert!(matches!(attrs[0].value, Cow::Borrowed("1")));
    assert_eq!(attrs[1].value, "2 & 3");
}

/// A kept repetition of a field not written yet waits for it, and the kept elements after
/// it wait with it, so they stay in document order; one of a field already written, or an
/// unknown one, goes back at its position.
#[test]
fn kept_repetition_waits_for_its_field() {
    let kept = |position, xml| UnknownElement { position, xml: RawXml(Cow::Borrowed(xml)) };
    let items = UnknownElements(vec![kept(0, "<v/>"), kept(1, "<b>2</b>"), kept(1, "<w/>"), kept(3, "<a>2</a>")]);
    let field_of = |name: &str| match name {
        "a" => Some(0),
        "b" => Some(1),
        _ => None,
    };
    let mut w = items.writer(field_of);
    let mut out = String::new();
    for (field, value) in [(0, "<a>1</a>"), (1, "<b>1</b>"), (2, "<c/>"), (2, "<c/>")] {
        w.known(&mut out, field);
        out.push_str(value);
    }
    w.rest(&mut out);
    assert_eq!(out, "<v/><a>1</a><b>1</b><b>2</b><w/><c/><a>2</a><c/>");
}
