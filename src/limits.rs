//! Bounds on what one decode may take in: nesting, items, string lengths, frame and message
//! sizes. Every decoder has them, with safe defaults; a program that expects other sizes sets
//! its own [`Limits`] where it configures decoding.
//!
//! - [`crate::frame::FrameReader::with_limits`] and [`crate::mos::MosStreamDecoder::with_limits`]
//!   keep them for every frame or message they cut and decode;
//! - [`Limits::scope`] applies them to any decode call inside it (a generated
//!   `Message::decode_frame`, `Mos::decode_with`, [`crate::cbor::from_slice`]), which is also
//!   what [`crate::cbor::from_slice_with_limits`] does.
//!
//! Generated decoders take a `minicbor::Decoder` or an [`crate::xml::Decoder`] and nothing
//! else, so the limits in force live in a thread-local the runtime's readers consult (once per
//! array, map and string for CBOR, once per document for XML); the scope restores the previous
//! limits when it ends, even by a panic.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What one decode may take in. Each bound's error is [`crate::ErrorKind::Limit`]
/// (nesting: [`crate::ErrorKind::TooDeep`]) with the path and offset of the value that broke it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting: CBOR arrays, maps and tags inside a skipped unknown value or an `any`
    /// (generated types nest only as deep as their schema); XML elements, root included (never
    /// more than [`crate::xml::MAX_DEPTH`], the decoder's fixed stack).
    pub max_depth: usize,
    /// Most items in one CBOR array, entries in one CBOR map (a definite length above it fails
    /// at the header, before anything is read), or elements in one XML document.
    pub max_items: usize,
    /// Longest CBOR text or byte string, in bytes (chunks of an indefinite one together); longest
    /// XML text run, CDATA section or start tag, in bytes.
    pub max_string_len: usize,
    /// Largest Open Screen frame a [`crate::frame::FrameReader`] holds or returns, in bytes.
    pub max_frame_len: usize,
    /// Largest MOS message, in bytes of UTF-8 text: cut by [`crate::mos::MosStreamDecoder`],
    /// decoded by the generated `decode`.
    pub max_message_len: usize,
}

impl Limits {
    /// The defaults: nesting 64, 2^20 items, strings of 1 MiB, frames of 1 MiB, MOS messages
    /// of 16 MiB. Open Screen frames and MOS messages seen in practice stay far below each.
    pub const DEFAULT: Limits = Limits {
        max_depth: 64,
        max_items: 1 << 20,
        max_string_len: 1 << 20,
        max_frame_len: crate::frame::DEFAULT_MAX_FRAME,
        max_message_len: crate::mos::stream::DEFAULT_MAX_MESSAGE_SIZE,
    };

    /// Runs `f` with these limits in force for every decode it makes on this thread.
    pub fn scope<T>(&self, f: impl FnOnce() -> T) -> T {
        FLOOR_ITEMS.fetch_min(self.max_items, Ordering::Relaxed);
        FLOOR_STRING_LEN.fetch_min(self.max_string_len, Ordering::Relaxed);
        let _restore = Restore(CURRENT.with(|c| c.replace(*self)));
        f()
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

thread_local!(static CURRENT: Cell<Limits> = const { Cell::new(Limits::DEFAULT) });

// The smallest `max_items` and `max_string_len` any scope of the process ever set: every
// array, map and string is compared with these first, a plain load and compare (the
// instruction-count benchmarks see a thread-local read per string), and only a count or
// length above one is looked up in the thread's own limits. Never raised again, so a thread
// cannot miss another's smaller limit.
static FLOOR_ITEMS: AtomicUsize = AtomicUsize::new(Limits::DEFAULT.max_items);
static FLOOR_STRING_LEN: AtomicUsize = AtomicUsize::new(Limits::DEFAULT.max_string_len);

/// Puts the previous limits back when a scope ends.
struct Restore(Limits);

impl Drop for Restore {
    fn drop(&mut self) {
        let previous = self.0;
        CURRENT.with(|c| c.set(previous));
    }
}

/// The limits in force on this thread.
#[inline]
pub fn current() -> Limits {
    CURRENT.with(Cell::get)
}

/// Whether `n` items or entries exceed [`Limits::max_items`] in force.
#[inline(always)]
pub(crate) fn too_many_items(n: u64) -> bool {
    n > FLOOR_ITEMS.load(Ordering::Relaxed) as u64 && above(n, |l| l.max_items)
}

/// Whether a string of `len` bytes may exceed [`Limits::max_string_len`]: false for nearly
/// every string, without a thread-local read.
#[inline(always)]
pub(crate) fn may_be_too_long(len: usize) -> bool {
    len > FLOOR_STRING_LEN.load(Ordering::Relaxed)
}

/// Whether a string of `len` bytes exceeds [`Limits::max_string_len`] in force.
#[inline(always)]
pub(crate) fn too_long(len: usize) -> bool {
    len > FLOOR_STRING_LEN.load(Ordering::Relaxed) && above(len as u64, |l| l.max_string_len)
}

/// The thread's own limit, out of line: only reached above a floor.
#[cold]
#[inline(never)]
fn above(n: u64, limit: fn(&Limits) -> usize) -> bool {
    n > limit(&current()) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_sets_and_restores_even_through_a_panic() {
        let small = Limits { max_items: 3, ..Limits::default() };
        small.scope(|| assert_eq!(current().max_items, 3));
        assert_eq!(current(), Limits::DEFAULT);
        let r = std::panic::catch_unwind(|| small.scope(|| panic!("inside")));
        assert!(r.is_err());
        assert_eq!(current(), Limits::DEFAULT);
    }
}
