#!/usr/bin/env bash
# Build llama.cpp's own `llama-bench` against the very llama.cpp source that ava links (the copy
# vendored in the llama-cpp-sys-2 crate), as the reference for bench/local_engine.sh.
# Usage: bench/build_llama_bench.sh [BUILD_DIR [EXTRA CMAKE ARGS…]]  (default /tmp/llama-bench-build)
# Prints the path of the llama-bench binary. ~5-10 minutes on 2 cores.
#
# llama-cpp-sys-2 ships llama.cpp without the tools' sources (tools/llama-bench holds only its
# README), so the three llama-bench files (CMakeLists.txt, llama-bench.cpp, main.cpp) come from
# the full llama.cpp tree vendored in PyPI's llama-cpp-python sdist (0.3.36, checked: same
# llama.h API surface); ggml, libllama and libcommon — everything that computes — are
# llama-cpp-sys-2's own. Built with GGML_NATIVE=ON (-march=native), as llama.cpp's docs build it.
set -euo pipefail
out=${1:-/tmp/llama-bench-build}
shift || true
here=$(cd "$(dirname "$0")" && pwd)
ver=$(grep -A1 '^name = "llama-cpp-sys-2"' "$here/../Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')
sys=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/llama-cpp-sys-2-"$ver"/llama.cpp | head -1)
[ -d "$sys" ] || { echo "llama-cpp-sys-2 $ver source not found: run cargo fetch first" >&2; exit 1; }
src=$out-src
rm -rf "$src" && cp -r "$sys" "$src" && chmod -R u+w "$src"
dl=$(mktemp -d)
trap 'rm -rf "$dl"' EXIT
pip download --quiet --no-deps --no-binary :all: -d "$dl" llama-cpp-python==0.3.36 >&2
tar -xzf "$dl"/llama_cpp_python-0.3.36.tar.gz -C "$dl" \
  llama_cpp_python-0.3.36/vendor/llama.cpp/tools/llama-bench
cp "$dl"/llama_cpp_python-0.3.36/vendor/llama.cpp/tools/llama-bench/{CMakeLists.txt,llama-bench.cpp,main.cpp} \
  "$src/tools/llama-bench/"
cat >"$src/tools/CMakeLists.txt" <<'EOF'
# trimmed by ava's bench/build_llama_bench.sh: llama-bench only
find_package(Threads REQUIRED)
llama_add_compile_flags()
add_subdirectory(llama-bench)
EOF
nice -n 19 cmake -S "$src" -B "$out" -DCMAKE_BUILD_TYPE=Release \
  -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF \
  -DLLAMA_BUILD_APP=OFF -DGGML_NATIVE=ON -DLLAMA_CURL=OFF -DBUILD_SHARED_LIBS=OFF "$@" >&2
nice -n 19 cmake --build "$out" --target llama-bench -j 2 >&2
echo "$out/bin/llama-bench"
