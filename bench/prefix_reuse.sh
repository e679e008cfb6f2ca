#!/usr/bin/env bash
# The local engine's prompt-prefix cache, end to end (issue 18): the same jobs with the cache
# off (`AVA_PREFIX_CACHE=off`: every request read from its first token, what every peer does)
# and on, alternating, plus one call of the same model over the whole text (the cost
# segmenting is compared with, issue 14). Seconds are wall time of the whole command, a warm
# page cache and one model load included in each.
#   - translate: the 20 shortest one-paragraph Polish items of bench/translate/set (7–46
#     words, ~550 words in all) as one document of 20 paragraphs, translated segment by
#     segment, every segment checked;
#   - summarize: the Polish judgment 10 of the shared corpus (4.2k words) on the local
#     engine's default path (grounded: one short request per key sentence).
# With MODE `batched` (issue 18, parts decoded together): fresh sequential requests (`--jobs 1`,
# cache off) against the default (the parts sent together, decoded as sequences of one
# context, shared prefix copied), alternating which goes first, for the same translation and
# for a 4-part map-reduce summary of the same judgment (`--summary-mode whole` with a context
# small enough to cut it in 4 parts, as bench/mapreduce.py sizes parts). Outputs are kept in
# OUT_DIR (default /tmp/prefix_reuse-out) to compare; CPU seconds (user+sys) next to wall.
# Usage: bench/prefix_reuse.sh AVA MODEL.gguf CORPUS_DIR [ROUNDS] [MODE]
set -euo pipefail
ava=${1:?usage: bench/prefix_reuse.sh AVA MODEL.gguf CORPUS_DIR [ROUNDS] [batched]}
model=${2:?model}
corpus=${3:?corpus dir}
rounds=${4:-1}
mode=${5:-cache}
keep=${OUT_DIR:-/tmp/prefix_reuse-out}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in 28 34 01 26 32 13 14 10 06 05 33 22 27 04 19 07 11 29 18 35; do
  grep -v '^#' "$here/translate/set/$i.pl.txt"
  echo
done >"$work/segments_pl.txt"
judgment=$(ls "$corpus"/10-pl-*.txt | head -1)
export AVA_DATA_DIR="$work/data" AVA_CONFIG_DIR="$work/config"
run() { # label, cache on|off, command…
  local label=$1 cache=$2
  shift 2
  local start end
  start=$(date +%s.%N)
  AVA_PREFIX_CACHE=$cache "$@" >"$work/out" 2>"$work/err" || true
  end=$(date +%s.%N)
  local tokens
  tokens=$(grep -o 'tokens: .*' "$work/err" | tail -1 || true)
  printf '%-10s cache=%-3s %7.1f s  %s\n' "$label" "$cache" "$(echo "$end - $start" | bc)" "$tokens"
}
common=(--provider local --model "$model" -v)
if [ "$mode" = batched ]; then
  mkdir -p "$keep"
  # The judgment in 4 parts: the smallest context (a multiple of 256) `ava tokens` says needs
  # no more than 4.
  ctx=2048
  while [ "$("$ava" --provider local --model "$model" --ctx-size "$ctx" tokens "$judgment" 2>/dev/null |
    awk '{print $2; exit}')" -gt 4 ]; do
    ctx=$((ctx + 256))
  done
  echo "summary context: $ctx tokens per request; load: $(uptime | sed 's/.*load/load/')"
  timed() { # label, variant, command…
    local label=$1 variant=$2
    shift 2
    local cache=on
    [ "$variant" = fresh ] && cache=off
    AVA_PREFIX_CACHE=$cache /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || true
    cp "$work/out" "$keep/$label.$variant.$round.txt"
    local tokens
    tokens=$(grep -o 'tokens: .*' "$work/err" | tail -1 || true)
    # The last line: a failing run (an unverified segment exits 1) gets a note before it.
    read -r wall user sys < <(tail -1 "$work/time")
    printf '%-10s %-7s wall %6.1f s  cpu %6.1f s  %s  [%s]\n' "$label" "$variant" "$wall" \
      "$(echo "$user + $sys" | bc)" "$tokens" "$(uptime | sed 's/.*average: //')"
  }
  for round in $(seq "$rounds"); do
    order="fresh batched"
    [ $((round % 2)) = 0 ] && order="batched fresh"
    for v in $order; do
      jobs=()
      [ "$v" = fresh ] && jobs=(--jobs 1)
      timed translate "$v" "$ava" translate --to en "${common[@]}" "${jobs[@]}" "$work/segments_pl.txt"
    done
    for v in $order; do
      jobs=()
      [ "$v" = fresh ] && jobs=(--jobs 1)
      timed summary4 "$v" "$ava" --ctx-size "$ctx" summarize --summary-mode whole "${common[@]}" "${jobs[@]}" "$judgment"
    done
  done
  exit 0
fi
for _ in $(seq "$rounds"); do
  run translate off "$ava" translate --to en "${common[@]}" "$work/segments_pl.txt"
  run translate on "$ava" translate --to en "${common[@]}" "$work/segments_pl.txt"
  run one-call on "$ava" process --prompt "Translate this Polish text into English. Output only the English translation." --max-tokens 4096 "${common[@]}" "$work/segments_pl.txt"
  run summarize off "$ava" summarize --summary-mode grounded "${common[@]}" "$judgment"
  run summarize on "$ava" summarize --summary-mode grounded "${common[@]}" "$judgment"
done
