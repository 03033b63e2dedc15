#!/usr/bin/env bash
# Instructions per operation for every benchmark case (or those matching $1), counted by
# valgrind's cachegrind: each case runs with n = 0 and n = N, and the difference is divided by N,
# so setup and process start-up cancel out. Usage: bench/icount.sh [filter] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-}"
n="${2:-200}"
cargo build -q --release -p osmos-bench --bin icount
bin=target/release/icount
count() {
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 |
    sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}
printf '%-58s %12s\n' case instructions/op
for case in $("$bin" --list); do
  [[ -n "$filter" && "$case" != *$filter* ]] && continue
  base=$(count "$case" 0)
  total=$(count "$case" "$n")
  printf '%-58s %12d\n' "$case" $(((total - base) / n))
done
