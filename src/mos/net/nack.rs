//! Answering what could not be read: the kind and messageID of a message that failed to
//! decode (or was too large) are read from its raw text, so that the peer gets a NACK at once
//! instead of waiting out its own timeout (SPEC285 §2.1 "Message Acknowledgement").

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::ack;
use super::error::Recovered;
use crate::cbor::IntoOwned;
use crate::mos::messages::{Mos, MosMessage};
use crate::mos::value::MessageId;

/// How much of a message's start is kept to read its envelope when the rest is dropped.
#[cfg_attr(not(feature = "mos-ws"), allow(dead_code))]
pub(crate) const HEAD: usize = 2048;

/// The largest char boundary of `text` at or below `at`.
pub(crate) fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// What the start of a message tells: its kind, messageID, and the IDs a NACK names.
#[derive(Debug, Default)]
pub(crate) struct Head {
    pub(crate) recovered: Recovered,
    pub(crate) mos_id: Option<String>,
    pub(crate) ncs_id: Option<String>,
    /// The message's `roID` or `objID`, when it comes before the failure.
    ro_id: Option<String>,
    obj_id: Option<String>,
}

/// Reads the envelope of `text`, which may be cut short or malformed anywhere: whatever was
/// read before the first error counts.
pub(crate) fn read_head(text: &str) -> Head {
    let mut head = Head::default();
    let mut reader = Reader::from_str(text);
    let mut depth = 0usize;
    // The element whose text is wanted, at depth 2 (envelope) or 3 (message body).
    let mut field: Option<String> = None;
    let mut value = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(start)) => {
                depth += 1;
                let name = AsRef::<str>::as_ref(&start.name()).to_string();
                match depth {
                    2 if !matches!(name.as_str(), "mosID" | "ncsID" | "messageID") => {
                        head.recovered.kind = Some(name);
                    }
                    2 | 3 => {
                        field = Some(name);
                        value.clear();
                    }
                    _ => field = None,
                }
            }
            Ok(Event::Empty(start)) if depth == 1 => {
                let name = AsRef::<str>::as_ref(&start.name()).to_string();
                if !matches!(name.as_str(), "mosID" | "ncsID" | "messageID") {
                    head.recovered.kind = Some(name);
                }
            }
            Ok(Event::Text(text)) => {
                if field.is_some() {
                    value.push_str(AsRef::<str>::as_ref(&text));
                }
            }
            Ok(Event::End(_)) => {
                // A value counts once its end tag is read: text cut short is not an ID.
                if let Some(name) = field.take() {
                    let value = std::mem::take(&mut value).trim().to_string();
                    match (depth, name.as_str()) {
                        (2, "mosID") => head.mos_id = Some(value),
                        (2, "ncsID") => head.ncs_id = Some(value),
                        (2, "messageID") => head.recovered.message_id = MessageId::parse(&value).ok(),
                        (3, "roID") if head.ro_id.is_none() => head.ro_id = Some(value),
                        (3, "objID") if head.obj_id.is_none() => head.obj_id = Some(value),
                        _ => {}
                    }
                }
                depth = depth.saturating_sub(1);
                // The message element is closed: nothing more is needed.
                if depth <= 1 && head.recovered.kind.is_some() {
                    break;
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        // Deep in the message body: its ID, if any, came first.
        if depth > 3 && head.recovered.kind.is_some() {
            break;
        }
    }
    head
}

/// The NACK answering the message `head` describes, naming `reason`: a `roAck` for the
/// running-order messages, a `mosAck` for the object messages; `None` for a message that is
/// itself an answer, or whose kind is unknown.
pub(crate) fn nack(head: &Head, reason: &str) -> Option<MosMessage<'static>> {
    let kind = head.recovered.kind.as_deref()?;
    let replies = ack::replies(kind)?;
    let reason = quick_xml::escape::escape(reason);
    let xml = if replies.contains(&"roAck") {
        let ro_id = quick_xml::escape::escape(head.ro_id.as_deref().unwrap_or_default());
        format!("<mos><roAck><roID>{ro_id}</roID><roStatus>NACK: {reason}</roStatus></roAck></mos>")
    } else if replies.contains(&"mosAck") {
        let obj_id = quick_xml::escape::escape(head.obj_id.as_deref().unwrap_or_default());
        format!(
            "<mos><mosAck><objID>{obj_id}</objID><objRev>0</objRev><status>NACK</status>\
             <statusDescription>{reason}</statusDescription></mosAck></mos>"
        )
    } else {
        return None;
    };
    Mos::decode(&xml).ok().map(|doc| doc.message.into_owned())
}

/// A NACK for a message that was understood but is refused, echoing its IDs.
pub(crate) fn refuse(doc: &Mos<'_>, reason: &str) -> Option<MosMessage<'static>> {
    let mut head = Head::default();
    head.recovered.kind = Some(ack::name(&doc.message).to_string());
    let text = doc.encode();
    let read = read_head(&text);
    head.ro_id = read.ro_id;
    head.obj_id = read.obj_id;
    nack(&head, reason)
}

/// Text for a status element: one line, bounded (a decode error can quote input).
pub(crate) fn reason(error: &str) -> Cow<'static, str> {
    let mut text = error.replace(['\r', '\n'], " ");
    if text.len() > 200 {
        text.truncate(floor(&text, 200));
        text.push('…');
    }
    Cow::Owned(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kind_and_message_id_from_broken_text() {
        let head = read_head(
            "<mos><mosID>d</mosID><ncsID>n</ncsID><messageID>42</messageID>\
             <roCreate><roID>RO7</roID><roSlug>x</roSlug><story><storyID>S</mos>",
        );
        assert_eq!(head.recovered.kind.as_deref(), Some("roCreate"));
        assert_eq!(head.recovered.message_id, MessageId::new(42));
        assert_eq!((head.mos_id.as_deref(), head.ncs_id.as_deref()), (Some("d"), Some("n")));
        let MosMessage::RoAck(ack) = nack(&head, "bad <story>").unwrap() else { panic!() };
        assert_eq!(ack.ro_id, "RO7");
        assert_eq!(ack.ro_status, "NACK: bad <story>");
    }

    #[test]
    fn a_truncated_head_still_names_the_message() {
        let head = read_head(
            "<mos><ncsID>n</ncsID><mosID>d</mosID><messageID>0x10</messageID><mosObj><objID>M9</objID><objSl",
        );
        assert_eq!(head.recovered.kind.as_deref(), Some("mosObj"));
        assert_eq!(head.recovered.message_id, MessageId::new(16));
        let MosMessage::MosAck(ack) = nack(&head, "too large").unwrap() else { panic!() };
        assert_eq!((ack.obj_id.as_ref(), ack.status_description.as_ref()), ("M9", "too large"));
    }

    #[test]
    fn answers_and_unknown_kinds_are_not_nacked() {
        let head = read_head("<mos><messageID>3</messageID><roAck><roID>R</roID><roStatus>OK</ro");
        assert_eq!(head.recovered.kind.as_deref(), Some("roAck"));
        assert!(nack(&head, "x").is_none());
        assert!(nack(&read_head("<mos><messageID>3</messageID>"), "x").is_none());
        assert!(nack(&read_head("garbage"), "x").is_none());
    }
}
