//! Wall-clock times of every case, side by side (`cargo bench -p osmos-bench`). Instruction
//! counts, which hold on a noisy machine, come from `bench/icount.sh`.

use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};

fn all(c: &mut Criterion) {
    for case in osmos_bench::cases() {
        // `run` prepares its input (looks the case up, re-encodes MOS text as UTF-16BE) once,
        // then repeats the operation `iters` times: only the operation is timed.
        c.bench_function(&case, |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                osmos_bench::run(&case, iters);
                start.elapsed()
            })
        });
    }
}

criterion_group!(benches, all);
criterion_main!(benches);
