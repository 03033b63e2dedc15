//! Whole documents: the prolog, the root element, what may follow it.

use super::super::tokens::{is_blank, Event};
use super::{abandoned, Decoder};
use crate::error::{DecodeError, ErrorKind};
use crate::xml::{DecodeErrors, Mode, Start};

/// Decodes one document: skips a BOM, whitespace, the XML declaration (whose `encoding`, if
/// any, must name an encoding osmos reads: see [`document_to_utf8`](crate::xml::document_to_utf8)
/// for documents in bytes), comments and a document type declaration, reads the root element and hands it to `f`; only whitespace,
/// comments and processing instructions may follow it.
///
/// `root` names the element the root must be (`None`: any, `f` dispatches); with `hide_root`
/// the root is left out of error paths (the `<mos>` envelope).
pub fn decode_document<'a, T>(
    input: &'a str,
    mode: Mode,
    root: Option<&'static str>,
    hide_root: bool,
    f: impl FnOnce(&mut Decoder<'a>, &Start<'a>) -> Result<T, DecodeError>,
) -> Result<T, DecodeErrors> {
    let mut d = Decoder::new(input, mode);
    let result = decode_root(&mut d, root, hide_root, f);
    finish_document(&mut d, result)
}

/// [`decode_document`] in lenient mode with its first error: what a generated `decode` returns,
/// without moving the decoded value from one `Result` type into another (a MOS envelope is
/// large: each move is a memcpy).
pub fn decode_document_lenient<'a, T>(
    input: &'a str,
    root: Option<&'static str>,
    hide_root: bool,
    f: impl FnOnce(&mut Decoder<'a>, &Start<'a>) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    let mut d = Decoder::new(input, Mode::Lenient);
    let result = decode_root(&mut d, root, hide_root, f);
    if result.is_ok() && d.deviations.is_empty() {
        return result;
    }
    match finish_document(&mut d, result.map(drop)) {
        Err(errors) => Err(DecodeError::from(errors)),
        // Unreachable: a failed or deviating decode always finishes with an error.
        Ok(()) => Err(DecodeError::new(ErrorKind::Malformed("decoding failed".into()), 0)),
    }
}

/// [`decode_document`] for a schema with a target namespace: element names are resolved
/// against their namespace declarations ([`Decoder::resolve`]), and `root`, if given, is the
/// root element's `(namespace, local name)`, whatever prefix the document gives it.
pub fn decode_namespaced_document<'a, T>(
    input: &'a str,
    mode: Mode,
    root: Option<(&'static str, &'static str)>,
    f: impl FnOnce(&mut Decoder<'a>, &Start<'a>) -> Result<T, DecodeError>,
) -> Result<T, DecodeErrors> {
    let mut d = Decoder::new(input, mode);
    d.track_namespaces();
    let result = decode_root(&mut d, None, false, |d, start| {
        if let Some((ns, local)) = root {
            let (found_ns, found) = d.resolve(start)?;
            if found_ns.as_deref() != Some(ns) || found != local {
                let found = match found_ns {
                    Some(n) => format!("root element <{found}> in namespace {n}"),
                    None => format!("root element <{found}> in no namespace"),
                };
                return Err(d.error(ErrorKind::UnexpectedType { expected: local, found }, start.offset));
            }
        }
        f(d, start)
    });
    finish_document(&mut d, result)
}

/// The outcome of a decode: the value, or every deviation (strict) or the error.
#[inline]
pub(in crate::xml) fn finish_document<T>(
    d: &mut Decoder<'_>,
    result: Result<T, DecodeError>,
) -> Result<T, DecodeErrors> {
    let seen = matches!(&result, Err(e) if e == &abandoned() || d.is_recorded(e));
    let mut deviations = std::mem::take(&mut d.deviations);
    match result {
        Ok(v) if deviations.is_empty() => Ok(v),
        Ok(_) => Err(DecodeErrors(deviations)),
        Err(e) => {
            if !seen {
                deviations.push(e);
            }
            if deviations.is_empty() {
                deviations.push(DecodeError::new(ErrorKind::Malformed("decoding failed".into()), 0));
            }
            Err(DecodeErrors(deviations))
        }
    }
}

/// The name of the root element of a document (after a BOM, whitespace, the XML declaration,
/// comments and a document type declaration), without decoding it.
pub fn root_element(input: &str) -> Result<&str, DecodeError> {
    decode_document(input, Mode::Lenient, None, false, |d, start| {
        d.pos = d.input.len();
        Ok(start.name)
    })
    .map_err(DecodeError::from)
}

fn decode_root<'a, T>(
    d: &mut Decoder<'a>,
    root: Option<&'static str>,
    hide_root: bool,
    f: impl FnOnce(&mut Decoder<'a>, &Start<'a>) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    let max = d.limits.max_message_len;
    if d.input.len() > max {
        return Err(d.error(
            ErrorKind::Limit(format!("message of {} bytes, more than the limit of {max}", d.input.len())),
            max,
        ));
    }
    crate::xml::encoding::check_text_declaration(d.input)?;
    if d.input.starts_with('\u{FEFF}') {
        d.pos = '\u{FEFF}'.len_utf8();
    }
    let start = loop {
        match d.next_event()? {
            Event::Start(s) => break s,
            Event::Text(t, at) if !is_blank(t) => {
                return Err(d.malformed("text before the root element", at));
            }
            Event::Text(..) => {}
            Event::CData(_, at) => return Err(d.malformed("CDATA before the root element", at)),
            Event::End(name, at) => return Err(d.malformed(format!("end tag </{name}> before the root element"), at)),
            Event::Eof => return Err(d.malformed("no root element", d.input.len())),
        }
    };
    if let Some(expected) = root {
        if start.name != expected {
            let kind = ErrorKind::UnexpectedType { expected, found: format!("root element <{}>", start.name) };
            return Err(d.error(kind, start.offset));
        }
    }
    d.enter(&start, None)?;
    d.hidden = usize::from(hide_root);
    let value = f(d, &start);
    d.pop();
    d.hidden = 0;
    // The value stays where `f` put it (a MOS envelope is large: each move is a memcpy).
    if value.is_ok() {
        trailing(d)?;
    }
    value
}

/// Only blank text may follow the root element.
fn trailing(d: &mut Decoder<'_>) -> Result<(), DecodeError> {
    loop {
        match d.next_event()? {
            Event::Eof => return Ok(()),
            Event::Text(t, _) if is_blank(t) => {}
            Event::Text(_, at) | Event::CData(_, at) | Event::End(_, at) => {
                return Err(d.error(ErrorKind::TrailingBytes, at));
            }
            Event::Start(s) => return Err(d.error(ErrorKind::TrailingBytes, s.offset)),
        }
    }
}
