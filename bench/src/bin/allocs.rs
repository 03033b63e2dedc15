//! Allocations and bytes requested per operation of every case (or those whose name contains
//! the filter), under a counting global allocator: `allocs [FILTER]`. The steady state is
//! measured: one warm-up run, then the difference between n = 0 and n = 100.

#[global_allocator]
static ALLOCATOR: osmos_bench::alloc::Counting = osmos_bench::alloc::Counting;

fn main() {
    let filter = std::env::args().nth(1).unwrap_or_default();
    println!("{:<58} {:>10} {:>12}", "case", "allocs/op", "bytes/op");
    for case in osmos_bench::cases() {
        if !case.contains(&filter) {
            continue;
        }
        let (allocs, bytes) = osmos_bench::alloc::per_op(&case, 100);
        println!("{case:<58} {allocs:>10.2} {bytes:>12.0}");
    }
    // The bytes each operation reads (bodies; MOS as UTF-8 text, twice that in UTF-16BE).
    println!("\n{:<58} {:>10}", "input", "bytes in");
    let inputs = osmos_bench::inputs();
    let sizes = inputs.cbor.iter().map(|(n, b)| (n, b.len())).chain(inputs.mos.iter().map(|(n, t)| (n, t.len())));
    for (name, len) in sizes {
        println!("{name:<58} {len:>10}");
    }
}
