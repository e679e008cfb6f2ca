#!/usr/bin/env bash
# Prompt and decode throughput of ava's local engine on a real GGUF model.
# Usage: bench/local_engine.sh MODEL.gguf
# llama.cpp's SIMD level follows Rust's target features (llama-cpp-sys-2 build script):
# without them it is built for baseline x86-64 (SSE2 only). Compare with e.g.
#   RUSTFLAGS="-C target-cpu=x86-64-v3" bench/local_engine.sh MODEL.gguf
# (a different RUSTFLAGS rebuilds llama.cpp, ~10 minutes on 2 cores).
set -euo pipefail
model=${1:?usage: bench/local_engine.sh MODEL.gguf}
cd "$(dirname "$0")/.."
AVA_TEST_MODEL=$(realpath "$model") cargo test --release --test local_engine \
  bench_real_model_throughput -- --ignored --nocapture 2>&1 | grep -E '^(prompt:|skipping)'
