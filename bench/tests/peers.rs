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
            _ => minicbor::to_vec(minicbor::decode::<hw::VideoFrame>(bytes).unwrap()),
        }
        .unwrap();
        assert_eq!(hex(&again), hex(bytes), "{name}");
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
