#!/usr/bin/env bash
# ava's local engine against llama.cpp's own llama-bench, same GGUF, 2 threads, same shape:
# a ~420-token prompt in one 512 batch, then 64 generated tokens. Medians of RUNS runs each,
# alternating the two tools so that both see the same background load.
# llama-bench's decode test runs with the prompt's tokens already in the KV cache (-d N), as ava's
# decode does (it follows the prompt). Both measure a warm engine (llama-bench runs a warm-up
# first; ava's bench sends one short request before the clock starts). Still not identical:
# ava's prompt figure includes applying the chat template, tokenizing and clearing the KV cache;
# llama-bench does not sample at all, ava samples every token (one-pass top-k 40, then
# top-p/temperature on those 40).
# Usage: bench/local_vs_llama_bench.sh LLAMA_BENCH MODEL.gguf [RUNS]
#   LLAMA_BENCH: from bench/build_llama_bench.sh. The ava side is bench/local_engine.sh, so the
#   build it measures follows CARGO_TARGET_DIR / RUSTFLAGS as usual.
set -euo pipefail
lb=${1:?usage: bench/local_vs_llama_bench.sh LLAMA_BENCH MODEL.gguf [RUNS]}
model=${2:?usage: bench/local_vs_llama_bench.sh LLAMA_BENCH MODEL.gguf [RUNS]}
runs=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# llama-bench gets the prompt length ava's chat template produces for this model (~420), so
# both process the same number of tokens.
first=$("$here/local_engine.sh" "$model" 1 | grep '^prompt:')
n=$(sed -E 's/^prompt: ([0-9]+) tokens.*/\1/' <<<"$first")
for _ in $(seq "$runs"); do
  "$lb" -m "$model" -t 2 -p "$n" -n 0 -b 512 -ub 512 -r 1 -o jsonl 2>/dev/null | sed 's/^/LB /' >>"$log"
  "$lb" -m "$model" -t 2 -p 0 -n 64 -d "$n" -b 512 -ub 512 -r 1 -o jsonl 2>/dev/null | sed 's/^/LB /' >>"$log"
  "$here/local_engine.sh" "$model" 1 | grep '^prompt:' | sed 's/^/AVA /' >>"$log"
done
python3 - "$log" "$model" "$n" <<'EOF'
import json, re, statistics, sys
# One round = llama-bench pp, llama-bench tg, then ava; rounds run back to back, so the ratio
# within a round compares the two tools under the same background load.
pp, tg, ap, ad = [], [], [], []
for line in open(sys.argv[1]):
    tag, rest = line.split(" ", 1)
    if tag == "LB":
        j = json.loads(rest)
        (pp if j["n_prompt"] > 0 else tg).append(j["avg_ts"])
    else:
        p, d = map(float, re.findall(r"([\d.]+) tok/s", rest))
        ap.append(p); ad.append(d)
m = statistics.median
rp = [a / b for a, b in zip(ap, pp)]
rd = [a / b for a, b in zip(ad, tg)]
print(f"model {sys.argv[2]}, 2 threads, {len(ap)} rounds (medians; min–max)")
print("| | llama-bench | ava local engine | ratio of medians | median of per-round ratios |")
print("|---|---|---|---|---|")
print(f"| prompt (pp{sys.argv[3]}) tok/s | {m(pp):.1f} ({min(pp):.0f}–{max(pp):.0f}) | {m(ap):.1f} ({min(ap):.0f}–{max(ap):.0f}) | **{m(ap)/m(pp):.2f}×** | **{m(rp):.2f}×** ({min(rp):.2f}–{max(rp):.2f}) |")
print(f"| decode (tg64 @ depth {sys.argv[3]}) tok/s | {m(tg):.1f} ({min(tg):.1f}–{max(tg):.1f}) | {m(ad):.1f} ({min(ad):.1f}–{max(ad):.1f}) | **{m(ad)/m(tg):.2f}×** | **{m(rd):.2f}×** ({min(rd):.2f}–{max(rd):.2f}) |")
EOF
