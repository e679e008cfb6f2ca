#!/usr/bin/env bash
# Prompt and decode throughput of ava's local engine on a real GGUF model, with 2 threads (the
# engine's default on a 2-core machine: one per core).
# Usage: bench/local_engine.sh MODEL.gguf [RUNS]     (RUNS default 3; prints each run and medians)
#
# What is timed (tests/local_engine.rs, bench_real_model_throughput, release build): one
# ChatRequest through LocalEngine::stream — a ~420-token prompt (system + user message through
# the model's chat template, asking for a copy so the model writes all 64 tokens), max 64 new
# tokens. "prompt" = tokens / time to the first text token (includes templating, tokenizing,
# clearing the KV cache and the first sampling); "decode" = the remaining tokens / the remaining
# time. The model is loaded and the same request answered once with max 1 token before the clock
# starts, as llama-bench runs its test once to warm up.
#
# SIMD: .cargo/config.toml builds for the CPU at hand (target-cpu=native, which llama-cpp-sys-2
# turns into GGML_NATIVE=ON). To measure the portable release build instead, point
# CARGO_TARGET_DIR elsewhere and override the flags:
#   RUSTFLAGS="-C target-cpu=x86-64-v3" CARGO_TARGET_DIR=/tmp/ava-v3 bench/local_engine.sh M.gguf
# (a different RUSTFLAGS rebuilds llama.cpp: 10+ minutes on 2 cores).
# AVA_CARGO_ARGS adds cargo flags, e.g. AVA_CARGO_ARGS="--features llama-cpp-2/openmp" to try a
# feature of the binding without editing Cargo.toml.
# Reference: llama.cpp's own llama-bench on the same file (bench/build_llama_bench.sh), e.g.
#   llama-bench -m M.gguf -t 2 -p 400 -n 0 -r 5; llama-bench -m M.gguf -t 2 -p 0 -n 64 -d 400 -r 5
set -euo pipefail
model=${1:?usage: bench/local_engine.sh MODEL.gguf [RUNS]}
runs=${2:-3}
extra=${AVA_CARGO_ARGS:-}
cd "$(dirname "$0")/.."
model=$(realpath "$model")
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Build once (quietly), then run the measurement RUNS times.
# shellcheck disable=SC2086 # AVA_CARGO_ARGS is a list of flags
cargo test --release $extra --test local_engine --no-run >/dev/null 2>&1 ||
  cargo test --release $extra --test local_engine --no-run
# The warm-up sends the same request: with the prompt-prefix cache on, the timed request would
# read one token, not the prompt (bench/prefix_reuse.sh measures the cache).
export AVA_PREFIX_CACHE=off
for _ in $(seq "$runs"); do
  # shellcheck disable=SC2086
  AVA_TEST_MODEL=$model cargo test --release $extra --test local_engine \
    bench_real_model_throughput -- --ignored --nocapture 2>&1 | grep -E '^(prompt:|skipping)' | tee -a "$out"
done
python3 - "$out" <<'EOF'
import re, statistics, sys
rows = [re.findall(r"([\d.]+) tok/s", l) for l in open(sys.argv[1])]
rows = [r for r in rows if len(r) == 2]
if rows:
    p = statistics.median(float(r[0]) for r in rows)
    d = statistics.median(float(r[1]) for r in rows)
    print(f"median of {len(rows)}: prompt {p:.1f} tok/s, decode {d:.1f} tok/s")
EOF
