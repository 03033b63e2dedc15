//! A counting global allocator: allocations and bytes requested per operation, for the tables
//! (`src/bin/allocs.rs`) and for the tests that hold borrowed decodes to none
//! (`tests/allocations.rs`). A `#[global_allocator]` is per binary, so each of those declares
//! `static A: Counting = Counting;` itself.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Forwards to the system allocator and counts, on the calling thread, every `alloc`,
/// `alloc_zeroed` and `realloc` (a grown buffer is one more allocation) and the bytes asked for.
pub struct Counting;

thread_local! {
    /// (allocations, bytes) on this thread: other test threads do not disturb a count.
    static COUNT: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

fn bump(bytes: usize) {
    // `try_with`: the allocator also runs while thread locals are being torn down.
    let _ = COUNT.try_with(|c| {
        let (n, b) = c.get();
        c.set((n + 1, b + bytes as u64));
    });
}

// SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
// `GlobalAlloc` contract; counting touches only a thread-local `Cell` and never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump(layout.size());
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump(layout.size());
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump(new_size);
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Allocations and bytes on this thread so far (meaningful only under [`Counting`]).
pub fn totals() -> (u64, u64) {
    COUNT.with(Cell::get)
}

/// Allocations and bytes per operation of `case` in the steady state: the case runs once to
/// warm up (inputs, per-thread scratch buffers), then with n = 0 and n = `n`, and the
/// difference is divided by `n` (set-up inside the case cancels out, as in `icount`).
pub fn per_op(case: &str, n: u64) -> (f64, f64) {
    std::hint::black_box(crate::run(case, 1));
    let measure = |n| {
        let before = totals();
        std::hint::black_box(crate::run(case, n));
        let after = totals();
        (after.0 - before.0, after.1 - before.1)
    };
    let base = measure(0);
    let total = measure(n);
    ((total.0 - base.0) as f64 / n as f64, (total.1 - base.1) as f64 / n as f64)
}
