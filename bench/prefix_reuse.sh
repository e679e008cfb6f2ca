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
# Usage: bench/prefix_reuse.sh AVA MODEL.gguf CORPUS_DIR [ROUNDS]
set -euo pipefail
ava=${1:?usage: bench/prefix_reuse.sh AVA MODEL.gguf CORPUS_DIR [ROUNDS]}
model=${2:?model}
corpus=${3:?corpus dir}
rounds=${4:-1}
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
for _ in $(seq "$rounds"); do
  run translate off "$ava" translate --to en "${common[@]}" "$work/segments_pl.txt"
  run translate on "$ava" translate --to en "${common[@]}" "$work/segments_pl.txt"
  run one-call on "$ava" process --prompt "Translate this Polish text into English. Output only the English translation." --max-tokens 4096 "${common[@]}" "$work/segments_pl.txt"
  run summarize off "$ava" summarize --summary-mode grounded "${common[@]}" "$judgment"
  run summarize on "$ava" summarize --summary-mode grounded "${common[@]}" "$judgment"
done
