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
}
