//! Zero-copy MOS decoding: with a counting global allocator, decoding an entity-free message
//! without repeated elements allocates nothing once the input is UTF-8 (UTF-16BE wire bytes
//! are transcoded first, which allocates the one buffer the message then borrows from).
//!
//! A `#[global_allocator]` is per test binary, so this file has its own.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;

use osmos::mos::messages::{Message, Mos, MosMessage};
use osmos::mos::wire::{to_utf8, utf8_to_utf16be};
use osmos::mos::MosTime;
use osmos::xml::Mode;

struct Counting;

thread_local! {
    /// Allocations on this thread while counting is on (other test threads do not count).
    static COUNT: Cell<Option<usize>> = const { Cell::new(None) };
}

fn bump() {
    // `try_with`: the allocator can run while thread locals are being torn down.
    let _ = COUNT.try_with(|c| {
        if let Some(n) = c.get() {
            c.set(Some(n + 1));
        }
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result with the number of allocations it made on this thread.
fn count<T>(f: impl FnOnce() -> T) -> (T, usize) {
    COUNT.with(|c| c.set(Some(0)));
    let out = f();
    let n = COUNT.with(|c| c.replace(None)).unwrap_or(0);
    (out, n)
}

fn wire(text: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    utf8_to_utf16be(text, &mut bytes);
    bytes
}

const HEARTBEAT: &str = "<mos>\r\n\t<mosID>aircache.newscenter.com</mosID>\r\n\t<ncsID>ncs.newscenter.com</ncsID>\r\n\
    \t<messageID>0x00000A3F</messageID>\r\n\t<heartbeat>\r\n\t\t<time>2009-04-11T17:20:42,125-05:00</time>\r\n\t</heartbeat>\r\n</mos>";
const RO_REQ: &str =
    "<mos><mosID>aircache.newscenter.com</mosID><ncsID>ncs.newscenter.com</ncsID><messageID>00000008</messageID>\
    <roReq><roID>5PM;NYC\\R_96857485</roID></roReq></mos>";
const RO_DELETE: &str = "<mos>\n  <mosID>m</mosID>\n  <ncsID>n</ncsID>\n  <messageID>x1F</messageID>\n  <roDelete>\n    <roID>5PM</roID>\n  </roDelete>\n</mos>\n";
const REQ_MACH_INFO: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-16\"?><mos><mosID>m</mosID><ncsID>n</ncsID><reqMachInfo/></mos>";
const RO_ELEMENT_STAT: &str = "<mos><mosID>m</mosID><ncsID>n</ncsID><roElementStat element = \"ITEM\">\
    <roID>5PM</roID><storyID>HOTEL FIRE</storyID><itemID>0</itemID><objID>A5295</objID><itemChannel>A</itemChannel>\
    <status>PLAY</status><time>2009-04-11T14:13:53</time></roElementStat></mos>";

#[test]
fn decoding_borrows_and_allocates_nothing() {
    for text in [RO_REQ, RO_DELETE, REQ_MACH_INFO] {
        let bytes = wire(text);
        let utf8 = to_utf8(&bytes).expect("transcodes");
        let (mos, n) = count(|| Mos::decode(&utf8));
        let mos = mos.expect("decodes");
        assert_eq!(n, 0, "{n} allocations decoding {text}");
        // Strict mode on a message without deviations allocates nothing either.
        let (strict, n) = count(|| Mos::decode_with(&utf8, Mode::Strict));
        assert_eq!(strict.as_ref().ok(), Some(&mos));
        assert_eq!(n, 0, "{n} allocations decoding {text} strictly");
    }
    // The text fields point into the transcoded buffer.
    let bytes = wire(RO_REQ);
    let utf8 = to_utf8(&bytes).expect("transcodes");
    let mos = Mos::decode(&utf8).expect("decodes");
    let MosMessage::RoReq(req) = &mos.message else { panic!("{mos:?}") };
    let std::borrow::Cow::Borrowed(id) = &req.ro_id else { panic!("copied: {:?}", req.ro_id) };
    let at = id.as_ptr() as usize - utf8.as_ptr() as usize;
    assert_eq!(&utf8[at..at + id.len()], "5PM;NYC\\R_96857485");
    assert_eq!(mos.message_id.as_ref().and_then(|id| id.value()).map(|id| id.get()), Some(8));
    // A body without the envelope, too.
    let (body, n) = count(|| Message::decode_body("<roReq><roID>r</roID></roReq>").map(drop));
    assert_eq!((body, n), (Ok(()), 0));
}

/// Messages with a MOS time: the decoder adds no allocation to what `MosTime::parse` makes
/// itself (today it formats an "expected …" message per field eagerly in `value.rs`; when that
/// is lazy, these decode with zero allocations as well).
#[test]
fn typed_time_values_allocate_nothing() {
    for text in [HEARTBEAT, RO_ELEMENT_STAT] {
        let bytes = wire(text);
        let utf8 = to_utf8(&bytes).expect("transcodes");
        let (mos, n) = count(|| Mos::decode(&utf8).map(drop));
        assert_eq!(mos, Ok(()));
        assert_eq!(n, 0, "{text}");
    }
    let (time, n) = count(|| MosTime::parse("2009-04-11T14:22:07,125-05:00"));
    time.expect("a MOS time");
    assert_eq!(n, 0, "MosTime::parse");
}

#[test]
fn corpus_messages_allocate_nothing() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/mos/samples");
    if !dir.is_dir() {
        // Under .ci/run a missing corpus must fail, not pass as a skip.
        assert!(
            std::env::var_os("OSMOS_REQUIRE_CORPUS").is_none(),
            "{} is absent, and OSMOS_REQUIRE_CORPUS is set",
            dir.display()
        );
        eprintln!("skipped: no MOS samples at {}", dir.display());
        return;
    }
    let cases = [
        "roReq.sofie-out.xml",
        "roDelete.sofie-out.xml",
        "reqMachInfo.sofie-out.xml",
        "mosReqObj.sofie-out.xml",
        "heartbeat.osm-2_6.xml",
        "heartbeat.openmos-go-mos4_live_reply.xml",
    ];
    for name in cases {
        let text = std::fs::read_to_string(dir.join(name)).expect("sample");
        let bytes = wire(&text);
        let utf8 = to_utf8(&bytes).expect("transcodes");
        let (mos, n) = count(|| Mos::decode(&utf8).map(drop));
        assert_eq!((mos, n), (Ok(()), 0), "{name}");
    }
}

#[test]
fn entities_and_repeated_elements_are_what_allocates() {
    let text = "<mos><mosID>m</mosID><ncsID>n</ncsID><roReq><roID>a &amp; b</roID></roReq></mos>";
    let (mos, n) = count(|| Mos::decode(text).map(drop));
    assert_eq!(mos, Ok(()));
    assert_eq!(n, 1, "one String for the expanded text");
    let text = "<mos><mosID>m</mosID><ncsID>n</ncsID><roStoryDelete><roID>r</roID><storyID>1</storyID><storyID>2</storyID></roStoryDelete></mos>";
    let (mos, n) = count(|| Mos::decode(text).map(drop));
    assert_eq!(mos, Ok(()));
    assert!(n >= 1, "a Vec for the repeated storyID");
}
