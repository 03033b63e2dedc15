//! The benchmark compares like with like: every peer decodes every input, and the hand-written
//! minicbor-derive types re-encode to exactly the bytes osmos writes.

use osmos_bench::{cases, handwritten as hw, inputs, run, MOS_SAMPLES};

#[test]
fn every_case_succeeds_once() {
    // MOS inputs are corpus samples: without ../shared they are left out, which is a skip.
    if inputs().mos.len() < MOS_SAMPLES.len() {
        assert!(
            std::env::var_os("OSMOS_REQUIRE_CORPUS").is_none(),
            "MOS samples are absent, and OSMOS_REQUIRE_CORPUS is set"
        );
        eprintln!("skipped: the MOS cases (no samples in ../shared/corpus/mos/samples)");
    }
    for case in cases() {
        // Decoders return 1 per successful operation; encoders the output length.
        assert!(run(&case, 1) > 0, "{case} did not succeed");
    }
}

#[test]
fn hand_written_types_write_the_same_bytes() {
    for (name, bytes) in &inputs().cbor {
        let again = match *name {
            "presentation-connection-message" => {
                minicbor::to_vec(minicbor::decode::<hw::PresentationConnectionMessage>(bytes).unwrap())
            }
            "agent-info-response" => minicbor::to_vec(minicbor::decode::<hw::AgentInfoResponse>(bytes).unwrap()),
            "streaming-capabilities-response" => {
                minicbor::to_vec(minicbor::decode::<hw::StreamingCapabilitiesResponse>(bytes).unwrap())
            }
            "remote-playback-state-event" => {
                minicbor::to_vec(minicbor::decode::<hw::RemotePlaybackStateEvent>(bytes).unwrap())
            }
            _ => minicbor::to_vec(minicbor::decode::<hw::VideoFrame>(bytes).unwrap()),
        }
        .unwrap();
        assert_eq!(hex(&again), hex(bytes), "{name}");
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn the_cddl_validator_checks_the_messages_it_accepts() {
    // Accepting is not vacuous: the same schema rejects a body whose field has the wrong type.
    let schema_text = osmos_bench::cddl_with_root("agent-info-response");
    let schema = cddl::cddl_from_str(&schema_text, false).unwrap();
    let validate = |bytes: &[u8]| {
        use cddl::validator::Validator;
        let value = cddl::validator::cbor_value::decode_cbor(bytes).unwrap();
        cddl::validator::cbor::CBORValidator::new(&schema, value, None).validate().is_ok()
    };
    let good = &inputs().cbor.iter().find(|(n, _)| *n == "agent-info-response").unwrap().1;
    assert!(validate(good));
    // { 0: 1, ... } → { 0: "1", ... }: request-id is a uint.
    assert_eq!(&good[..3], [0xA2, 0x00, 0x01]);
    let mut bad = vec![0xA2, 0x00, 0x61, b'1'];
    bad.extend_from_slice(&good[3..]);
    assert!(!validate(&bad));
}

#[test]
fn serde_reads_the_mos_documents_whole() {
    use osmos_bench::serde_mos::{decode, BodyPart, Message};
    for (name, text) in &inputs().mos {
        let mos = decode(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        match (*name, &mos.message) {
            ("heartbeat", Message::Heartbeat(h)) => assert_eq!(h.time.as_deref(), Some("1999-04-11T17:20:42")),
            ("listMachInfo", Message::ListMachInfo(m)) => {
                assert_eq!(m.supported_profiles.profiles.len(), 8);
                assert_eq!(m.supported_profiles.profiles[7].number, 7);
                assert_eq!(m.mos_rev, "2.8.2");
            }
            ("roCreate-20", Message::RoCreate(ro)) => {
                assert_eq!(ro.story.len(), 20);
                assert!(ro.story.iter().all(|s| s.item.len() == 1));
                assert_eq!(ro.story[19].item[0].item_ed_dur, Some(645));
            }
            ("roStorySend", Message::RoStorySend(s)) => {
                let paragraphs = s.story_body.parts.iter().filter(|p| matches!(p, BodyPart::P(_))).count();
                let items = s.story_body.parts.iter().filter(|p| matches!(p, BodyPart::StoryItem(_))).count();
                assert_eq!((paragraphs, items), (71, 1));
                assert_eq!(s.mos_external_metadata.len(), 1);
            }
            (name, message) => panic!("{name}: read as {message:?}"),
        }
    }
}
