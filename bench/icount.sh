#!/usr/bin/env bash
# Instructions per operation for the benchmark cases, counted by valgrind's cachegrind: each case
# runs with n = 0 and n = N, and the difference is divided by N, so set-up and process start-up
# cancel out. The counts repeat exactly for one binary, whatever else the machine is doing.
#
#   bench/icount.sh [FILTER] [N]   print instructions/op of every case whose name contains FILTER
#   bench/icount.sh --check        osmos's own cases against bench/icount-baseline.txt: fails when
#                                  one costs more than 3% over its baseline (run by .ci/run)
#   bench/icount.sh --bless        rewrite the baseline after an intended change
set -euo pipefail
cd "$(dirname "$0")/.."
mode=print filter="${1:-}" n="${2:-100}"
case "$filter" in
  --check) mode=check filter="osmos/" n=50 ;;
  --bless) mode=bless filter="osmos/" n=50 ;;
esac
baseline=bench/icount-baseline.txt
cargo build -q --release -p osmos-bench --bin icount
bin=target/release/icount
count() {
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 |
    sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}
results=$(mktemp)
for c in $("$bin" --list); do
  [[ -n "$filter" && "$c" != *"$filter"* ]] && continue
  base=$(count "$c" 0)
  total=$(count "$c" "$n")
  echo "$c $(((total - base) / n))" >>"$results"
done
case "$mode" in
  print) printf '%-58s %12s\n' case instructions/op; awk '{printf "%-58s %12d\n", $1, $2}' "$results" ;;
  bless) sort "$results" >"$baseline"; echo "wrote $baseline" ;;
  check)
    # A case absent from the baseline (a new one, or a corpus case in a clone without the
    # corpus) is reported, not failed.
    awk -v tolerance=1.03 'NR == FNR { base[$1] = $2; next }
      !($1 in base) { printf "%-58s %12d   (no baseline)\n", $1, $2; next }
      { ratio = $2 / base[$1]; flag = ratio > tolerance ? "   REGRESSION" : "";
        printf "%-58s %12d %12d %7.3f%s\n", $1, base[$1], $2, ratio, flag; if (flag != "") bad = 1 }
      END { exit bad }' "$baseline" "$results" ;;
esac
