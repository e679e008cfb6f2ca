#!/usr/bin/env bash
# Build a release archive: one binary (prompt templates are compiled into it), its man page
# and shell completions, and the README. Usage: scripts/release.sh [OUT_DIR]  (default dist/)
# The archive is named ava-VERSION-TARGET.tar.gz; its sha256 is written beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
target=$(rustc -vV | sed -n 's/^host: //p')
# The archive must run on other machines, so it does not take .cargo/config.toml's
# `target-cpu=native`: on x86-64 it is built for x86-64-v3 (AVX2, FMA, F16C: Intel Haswell /
# AMD Excavator and later), which the local engine needs to be usable at all. `ava doctor` on
# the target machine names the CPU features such a build leaves unused (AVX-512); building
# from source there (`cargo install --path .`) uses them. AVA_RELEASE_CPU overrides.
case "$target" in
  x86_64-*) cpu=${AVA_RELEASE_CPU:-x86-64-v3} ;;
  *) cpu=${AVA_RELEASE_CPU:-generic} ;;
esac
name="ava-$version-$target"
RUSTFLAGS="-C target-cpu=$cpu" cargo build --release --locked
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/bin" "$stage/$name/share/man/man1" "$stage/$name/share/completions"
cp target/release/ava "$stage/$name/bin/"
strip "$stage/$name/bin/ava" 2>/dev/null || true
"$stage/$name/bin/ava" man > "$stage/$name/share/man/man1/ava.1"
for shell in bash zsh fish; do
  "$stage/$name/bin/ava" completions "$shell" > "$stage/$name/share/completions/ava.$shell"
done
cp README.md ARCHITECTURE.md "$stage/$name/"
mkdir -p "$out"
tar -C "$stage" -czf "$out/$name.tar.gz" "$name"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "$out/$name.tar.gz"
