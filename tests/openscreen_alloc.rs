//! Decoding a message whose fields are scalars, text and bytes allocates nothing: everything
//! borrows from the input buffer.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use osmos::openscreen::Message;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    f();
    ALLOCATIONS.load(Ordering::SeqCst) - before
}

#[test]
fn borrowed_decodes_without_arrays_allocate_nothing() {
    let frames: Vec<Vec<u8>> = [
        // presentation-connection-open-request {0: 7, 1: "p-1", 2: "https://x.example/"}
        "406da300070163702d31027268747470733a2f2f782e6578616d706c652f",
        // auth-spake2-handshake {0: {0: "tok"}, 1: 2, 2: h'0102030405'}
        "43eda300a10063746f6b0102024501020304 05",
        // presentation-connection-message {0: 1, 1: "hello"} with an unknown text key skipped
        "10a30001016568656c6c6f63657874f5",
        // remote-playback-state-event {0: 1, 1: {0: {0..4: true}, 5: null, 10: 1.5, 18: {0: 720, 1: 1280}}}
        "15a2000101a400a500f501f502f503f504f505f60afb3ff8000000000000 12a2001902d0011905 00",
    ]
    .iter()
    .map(|h| hex::decode(h.replace(' ', "")).unwrap())
    .collect();
    for frame in &frames {
        let mut decoded = None;
        let n = allocations_during(|| decoded = Some(Message::decode_frame(frame).unwrap().unwrap()));
        let (msg, used) = decoded.unwrap();
        assert_eq!(used, frame.len());
        assert_eq!(n, 0, "{} allocated {n} times", msg.name());
    }
}
