#!/usr/bin/env bash
# Coverage-guided fuzzing of every extractor and of the config and suppression parsers
# (the targets in fuzz/fuzz_targets), with cargo-fuzz on the nightly toolchain.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   build, then run each target for SECONDS (10)
#   scripts/fuzz.sh build                   only build (cargo-fuzz is installed if missing)
#   scripts/fuzz.sh run SECONDS [TARGET...] only run what was built
#
# Corpora start from the fixtures each run (target/fuzz/corpus/TARGET keeps what earlier
# runs found); a crash, hang or runaway allocation stops the run with the input saved
# under target/fuzz/artifacts/TARGET and the command that replays it. FUZZ_SANITIZER
# (default none: the crate is safe Rust, and panics, hangs and memory are what is looked
# for) may be `address` for longer runs. Without nightly the script skips, or fails under
# CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
TOOLS="$PWD/target/tools"
OUT="$PWD/target/fuzz"
SANITIZER="${FUZZ_SANITIZER:-none}"
TRIPLE="$(rustc -vV | sed -n 's/^host: //p')"
BIN="$OUT/build/$TRIPLE/release"
TARGETS=(rust python go javascript typescript nginx apache caddy haproxy redirects
    netlify_toml vercel_json next_config kubernetes traefik traefik_labels envoy firebase
    static_web_app openapi terraform cloudformation web_config config suppress)

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "fuzz: no nightly toolchain (rustup toolchain install nightly)" >&2
    [[ "${CI:-}" == true ]] && exit 1
    exit 0
fi

build() {
    if [[ ! -x "$TOOLS/bin/cargo-fuzz" ]]; then
        # A debug build: it only starts cargo, and compiles faster.
        cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --debug \
            --root "$TOOLS"
    fi
    # One cargo invocation builds every target, so the crate compiles once; 16 codegen
    # units (cargo-fuzz's default is 1) use both cores, for fuzzing that runs a little
    # slower.
    PATH="$TOOLS/bin:$PATH" cargo +nightly fuzz build --release --debug-assertions \
        --codegen-units 16 --sanitizer "$SANITIZER" --target-dir "$OUT/build"
}

# Files from fixtures/ that seed TARGET's corpus.
seeds() {
    case "$1" in
        rust) find fixtures -name '*.rs' ;;
        python) find fixtures -name '*.py' ;;
        go) find fixtures -name '*.go' ;;
        redirects) find fixtures -name _redirects ;;
        netlify_toml) find fixtures -name netlify.toml ;;
        vercel_json) find fixtures -name vercel.json ;;
        next_config) find fixtures -name 'next.config.*' ;;
        terraform) find fixtures -name '*.tf' ;;
        web_config) find fixtures -name 'web*.config' ;;
        config) find fuzz/seeds/config -type f ;;
        suppress) grep -rl 'statuslint-' fixtures ;;
        traefik_labels) find fixtures/traefik/compose -type f -not -name '*.expected' ;;
        static_web_app) find fixtures/static-web-apps -type f -not -name '*.expected' -not -name README.md ;;
        *) find "fixtures/$1" -type f -not -name '*.expected' -not -name README.md ;;
    esac
}

run() {
    local seconds="$1"
    shift
    local targets=("$@")
    [[ ${#targets[@]} -gt 0 ]] || targets=("${TARGETS[@]}")
    local failed=()
    for t in "${targets[@]}"; do
        local corpus="$OUT/corpus/$t" artifacts="$OUT/artifacts/$t/"
        mkdir -p "$corpus" "$artifacts"
        seeds "$t" | while read -r f; do cp "$f" "$corpus/seed-$(echo "$f" | tr / _)"; done
        echo "fuzz: $t for ${seconds}s ($(find "$corpus" -type f | wc -l) inputs)"
        # -timeout: one input taking 10 s is a hang; -rss_limit_mb: no input may use 2 GB.
        if ! "$BIN/$t" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix="$artifacts" -print_final_stats=1 >"$OUT/$t.log" 2>&1; then
            tail -n 40 "$OUT/$t.log" >&2
            echo "fuzz: $t FAILED; replay with: $BIN/$t $artifacts<file>" >&2
            failed+=("$t")
        else
            grep -h '^stat::number_of_executed_units' "$OUT/$t.log" | sed "s/^/fuzz: $t /"
        fi
    done
    if [[ ${#failed[@]} -gt 0 ]]; then
        echo "fuzz: failed: ${failed[*]}" >&2
        return 1
    fi
}

case "${1:-}" in
    build) build ;;
    run) shift; run "$@" ;;
    *) seconds="${1:-10}"; shift || true; build; run "$seconds" "$@" ;;
esac
