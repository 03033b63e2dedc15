#!/usr/bin/env bash
# What code generation costs a user, in CPU seconds (user + sys; wall time means little on a
# shared machine):
#   1. `osmos generate` of both shipped schemas (Open Screen CDDL, MOS XSD), release build;
#   2. a cold and an incremental debug build of a downstream crate that compiles schemas in
#      build.rs (examples/newsroom), against a crate of the same shape that uses the shipped
#      bindings (osmos::openscreen, osmos::mos) and has no build.rs.
# Each build gets a fresh CARGO_TARGET_DIR under /tmp, deleted afterwards (disk is limited).
#
#   bench/buildcost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tmp=$(mktemp -d /tmp/osmos-buildcost.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# Runs a command and prints "<label> <user+sys seconds> <wall seconds>".
measure() {
  local label=$1
  shift
  /usr/bin/time -f "%U %S %e" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr" || { cat "$tmp/stderr"; exit 1; }
  read -r user sys wall <"$tmp/time"
  printf '%-52s %8.1f %8.1f\n' "$label" "$(echo "$user + $sys" | bc)" "$wall"
}

printf '%-52s %8s %8s\n' step cpu-s wall-s
cargo build -q --release -p osmos-cli
measure "osmos generate (both shipped schemas)" target/release/osmos generate --check

# Downstream crate with build.rs: the workspace's newsroom example.
export CARGO_TARGET_DIR=$tmp/newsroom-target
measure "newsroom (build.rs): cold build" cargo build -q -p newsroom
touch examples/newsroom/src/lib.rs
measure "newsroom (build.rs): incremental, src touched" cargo build -q -p newsroom
touch examples/newsroom/schemas/newsroom.cddl
measure "newsroom (build.rs): incremental, schema touched" cargo build -q -p newsroom
rm -rf "$CARGO_TARGET_DIR"

# Downstream crate with the shipped bindings: made here, outside the workspace, with the
# workspace's lock file so nothing is resolved anew.
crate=$tmp/shipped-user
mkdir -p "$crate/src"
cat >"$crate/Cargo.toml" <<EOF
[package]
name = "shipped-user"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
osmos = { path = "$root" }
EOF
cat >"$crate/src/lib.rs" <<'EOF'
//! Uses both shipped modules, as a downstream crate would.
pub fn decode(frame: &[u8], mos: &str) -> bool {
    osmos::openscreen::Message::decode_frame(frame).is_ok() && osmos::mos::messages::Mos::decode(mos).is_ok()
}
EOF
cp Cargo.lock "$crate/Cargo.lock"
export CARGO_TARGET_DIR=$tmp/shipped-target
measure "shipped bindings: cold build" cargo build -q --offline --manifest-path "$crate/Cargo.toml"
touch "$crate/src/lib.rs"
measure "shipped bindings: incremental, src touched" cargo build -q --offline --manifest-path "$crate/Cargo.toml"
rm -rf "$CARGO_TARGET_DIR"
