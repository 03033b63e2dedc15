//! Runs one benchmark case `n` times, for counting instructions under valgrind:
//! `bench/icount.sh` runs each case with n = 0 and n = N and divides the difference by N.
//! `icount --list` prints the case names.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag] if flag == "--list" => {
            for c in osmos_bench::cases() {
                println!("{c}");
            }
        }
        [case, n] => {
            let n: u64 = n.parse().expect("a count");
            // Build the inputs before the counted part in both runs.
            let _ = osmos_bench::inputs();
            std::hint::black_box(osmos_bench::run(case, n));
        }
        _ => {
            eprintln!("usage: icount --list | icount <case> <n>");
            std::process::exit(2);
        }
    }
}
