#!/usr/bin/env bash
# Fuzz smoke run: every cargo-fuzz target of crates/audit/fuzz for a few seconds each, on stable
# Rust (no sanitizer). Exits non-zero when a target crashes (the input is kept under
# crates/audit/fuzz/artifacts/TARGET/). Installs cargo-fuzz when it is missing.
#
#   scripts/fuzz-smoke.sh [SECONDS_PER_TARGET]     (default 10)
#
# The seed corpus (crates/audit/fuzz/corpus/TARGET) is read, never written: new inputs go to a
# temporary directory.
set -euo pipefail
cd "$(dirname "$0")/../crates/audit/fuzz"

seconds="${1:-10}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-smoke: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

work=$(mktemp -d /tmp/gongkai-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT

started=$(date +%s)
# Build all targets once (one compilation of the dependencies), then run each.
cargo fuzz build --sanitizer none
targets=$(cargo fuzz list)
failed=()
for t in $targets; do
    mkdir -p "$work/$t"
    seeds=()
    [ -d "corpus/$t" ] && seeds=("corpus/$t")
    echo "fuzz-smoke: $t for ${seconds}s"
    if ! cargo fuzz run "$t" --sanitizer none "$work/$t" "${seeds[@]}" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        >"$work/$t.log" 2>&1; then
        failed+=("$t")
        tail -n 40 "$work/$t.log" >&2
    else
        grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "$work/$t.log" | tail -n 1 || true
    fi
done
echo "fuzz-smoke: $(echo $targets | wc -w) targets in $(( $(date +%s) - started ))s"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz-smoke: FAILED: ${failed[*]} (inputs in crates/audit/fuzz/artifacts/)" >&2
    exit 1
fi
echo "fuzz-smoke: OK"
