//! Which incoming message acknowledges which outgoing one (SPEC285 §2.1 and each message's
//! "Response" line; `reference/mos.md` §2.3).

use crate::mos::messages::{Mos, MosMessage};
use crate::mos::value::MessageId;

/// The element name of a message (`roCreate`, `heartbeat`…).
pub fn name(message: &MosMessage<'_>) -> &'static str {
    macro_rules! names {
        ($($variant:ident => $name:literal,)*) => {
            match message { $(MosMessage::$variant(_) => $name,)* }
        };
    }
    names! {
        Heartbeat => "heartbeat", ReqMachInfo => "reqMachInfo", ListMachInfo => "listMachInfo",
        KeepAlive => "keepAlive", MosAck => "mosAck", MosObj => "mosObj", MosReqObj => "mosReqObj",
        MosReqAll => "mosReqAll", MosListAll => "mosListAll", RoAck => "roAck",
        RoCreate => "roCreate", RoReplace => "roReplace", RoMetadataReplace => "roMetadataReplace",
        RoDelete => "roDelete", RoReq => "roReq", RoList => "roList",
        RoElementStat => "roElementStat", RoElementAction => "roElementAction",
        RoReadyToAir => "roReadyToAir", RoStoryAppend => "roStoryAppend",
        RoStoryInsert => "roStoryInsert", RoStoryReplace => "roStoryReplace",
        RoStoryMove => "roStoryMove", RoStorySwap => "roStorySwap",
        RoStoryDelete => "roStoryDelete", RoStoryMoveMultiple => "roStoryMoveMultiple",
        RoItemInsert => "roItemInsert", RoItemReplace => "roItemReplace",
        RoItemDelete => "roItemDelete", RoItemMoveMultiple => "roItemMoveMultiple",
        RoStat => "roStat", RoItemStat => "roItemStat", MosObjCreate => "mosObjCreate",
        MosItemReplace => "mosItemReplace", MosReqSearchableSchema => "mosReqSearchableSchema",
        MosListSearchableSchema => "mosListSearchableSchema", MosReqObjList => "mosReqObjList",
        MosObjList => "mosObjList", MosReqObjAction => "mosReqObjAction", RoReqAll => "roReqAll",
        RoListAll => "roListAll", RoStorySend => "roStorySend", RoItemCue => "roItemCue",
        RoCtrl => "roCtrl", RoReqStoryAction => "roReqStoryAction", NcsAppInfo => "ncsAppInfo",
        NcsReqStoryAction => "ncsReqStoryAction", NcsAck => "ncsAck",
        NcsReqAppInfo => "ncsReqAppInfo", NcsReqAppMode => "ncsReqAppMode",
        NcsStoryRequest => "ncsStoryRequest", NcsItemRequest => "ncsItemRequest",
        NcsItem => "ncsItem", NcsReqAppClose => "ncsReqAppClose",
    }
}

/// The messages that answer `sent`, or `None` when nothing does (it is itself an answer).
pub(crate) fn replies(sent: &str) -> Option<&'static [&'static str]> {
    Some(match sent {
        "heartbeat" => &["heartbeat"],
        "reqMachInfo" => &["listMachInfo"],
        "mosReqObj" => &["mosObj", "mosAck"],
        "mosReqSearchableSchema" => &["mosListSearchableSchema"],
        "mosReqObjList" => &["mosObjList", "mosAck"],
        "roReq" => &["roList", "roAck"],
        "roReqAll" => &["roListAll", "roAck"],
        "ncsReqAppInfo" => &["ncsAppInfo"],
        "listMachInfo"
        | "keepAlive"
        | "mosAck"
        | "roAck"
        | "roList"
        | "roListAll"
        | "mosListSearchableSchema"
        | "mosObjList"
        | "ncsAck"
        | "ncsAppInfo" => return None,
        // mosItemReplace travels on the upper port and is answered like the ro* messages.
        "mosItemReplace" => &["roAck"],
        ncs if ncs.starts_with("ncs") => &["ncsAck"],
        ro if ro.starts_with("ro") => &["roAck"],
        _ => &["mosAck"],
    })
}

/// The message awaiting its acknowledgement on a connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Awaited {
    pub(crate) message_id: Option<MessageId>,
    pub(crate) replies: &'static [&'static str],
}

impl Awaited {
    /// Whether `incoming` answers it: a reply kind, echoing the messageID when both carry one
    /// (MOS 2.6 envelopes have none). The peer's own requests may carry any ID, which is why
    /// the kind is checked first.
    pub(crate) fn answered_by(&self, incoming: &Mos<'_>) -> bool {
        if !self.replies.contains(&name(&incoming.message)) {
            return false;
        }
        let echoed = incoming.message_id.as_ref().and_then(|id| id.value().copied());
        match (self.message_id, echoed) {
            (Some(sent), Some(echoed)) => sent == echoed,
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(xml: &str) -> Mos<'_> {
        Mos::decode(xml).unwrap()
    }

    #[test]
    fn answers_by_kind_then_message_id() {
        let awaited = Awaited { message_id: MessageId::new(7), replies: replies("roCreate").unwrap() };
        let ack = |id: &str| {
            format!("<mos><messageID>{id}</messageID><roAck><roID>R</roID><roStatus>OK</roStatus></roAck></mos>")
        };
        assert!(awaited.answered_by(&doc(&ack("7"))));
        assert!(awaited.answered_by(&doc(&ack("0x7"))));
        assert!(!awaited.answered_by(&doc(&ack("8"))));
        // MOS 2.6 envelopes carry no messageID: the kind decides.
        assert!(awaited.answered_by(&doc("<mos><roAck><roID>R</roID><roStatus>OK</roStatus></roAck></mos>")));
        // The peer's own request with the same number is not an answer.
        assert!(!awaited.answered_by(&doc("<mos><messageID>7</messageID><roReq><roID>R</roID></roReq></mos>")));
    }

    #[test]
    fn replies_follow_the_spec_table() {
        assert_eq!(replies("heartbeat"), Some(&["heartbeat"][..]));
        assert_eq!(replies("reqMachInfo"), Some(&["listMachInfo"][..]));
        assert_eq!(replies("mosObj"), Some(&["mosAck"][..]));
        assert_eq!(replies("mosReqObj"), Some(&["mosObj", "mosAck"][..]));
        assert_eq!(replies("roElementAction"), Some(&["roAck"][..]));
        assert_eq!(replies("mosItemReplace"), Some(&["roAck"][..]));
        assert_eq!(replies("roReq"), Some(&["roList", "roAck"][..]));
        for answer in ["roAck", "mosAck", "keepAlive", "listMachInfo", "roList", "roListAll"] {
            assert_eq!(replies(answer), None, "{answer}");
        }
    }
}
