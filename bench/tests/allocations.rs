//! Allocations per operation, counted by the bench's allocator on the same cases the tables
//! report: a borrowed decode of a message without arrays allocates nothing, a MOS encode
//! allocates its output once.

use osmos_bench::alloc::{per_op, Counting};
use osmos_bench::{inputs, MOS_SAMPLES};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn allocs(case: &str) -> f64 {
    per_op(case, 10).0
}

#[test]
fn borrowed_decodes_without_arrays_allocate_nothing() {
    for case in ["osmos/decode/presentation-connection-message", "osmos/decode-frame/presentation-connection-message"] {
        assert_eq!(allocs(case), 0.0, "{case}");
    }
    // The other messages have arrays (a `Vec` each), and only those allocate.
    assert_eq!(allocs("osmos/decode/video-frame-64k"), 1.0, "depends-on");
    assert_eq!(allocs("osmos/decode/remote-playback-state-event"), 2.0, "two time-range lists");
}

#[test]
fn mos_encodes_allocate_their_output_once() {
    if inputs().mos.len() < MOS_SAMPLES.len() {
        assert!(std::env::var_os("OSMOS_REQUIRE_CORPUS").is_none(), "MOS samples absent under OSMOS_REQUIRE_CORPUS");
        eprintln!("skipped: the MOS cases (no samples in ../shared/corpus/mos/samples)");
    }
    for (m, _) in &inputs().mos {
        let case = format!("osmos/encode/{m}");
        assert_eq!(allocs(&case), 1.0, "{case}");
    }
}

#[test]
fn open_screen_encodes_grow_their_output_as_minicbor_does() {
    // `to_vec` grows a `Vec` by doubling, as minicbor's does: the same count for the same bytes,
    // and a frame costs no allocation beyond its body's.
    for m in osmos_bench::CBOR_MESSAGES {
        let osmos = allocs(&format!("osmos/encode/{m}"));
        assert_eq!(osmos, allocs(&format!("minicbor-derive/encode/{m}")), "{m}");
        assert_eq!(osmos, allocs(&format!("osmos/encode-frame/{m}")), "{m}");
    }
}

#[test]
fn mos_decodes_without_repeated_elements_allocate_nothing() {
    if inputs().mos.iter().all(|(m, _)| *m != "heartbeat") {
        assert!(std::env::var_os("OSMOS_REQUIRE_CORPUS").is_none(), "MOS samples absent under OSMOS_REQUIRE_CORPUS");
        eprintln!("skipped: heartbeat (no samples in ../shared/corpus/mos/samples)");
        return;
    }
    assert_eq!(allocs("osmos/decode/heartbeat"), 0.0);
    // From UTF-16BE through the stream decoder: the one transcoding buffer.
    assert_eq!(allocs("osmos/decode-utf16be-stream/heartbeat"), 1.0);
}
