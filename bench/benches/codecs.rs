//! Wall-clock times of every case, side by side (`cargo bench -p osmos-bench`). Instruction
//! counts, which hold on a noisy machine, come from `bench/icount.sh`.

use criterion::{criterion_group, criterion_main, Criterion};

fn all(c: &mut Criterion) {
    for case in osmos_bench::cases() {
        c.bench_function(&case, |b| b.iter(|| osmos_bench::run(&case, 1)));
    }
}

criterion_group!(benches, all);
criterion_main!(benches);
