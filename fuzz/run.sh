#!/bin/sh
# Run every decoder's fuzz target for a bounded time (default 60 s each), one after the
# other, single-threaded. Needs nightly and cargo-fuzz: `cargo install cargo-fuzz`.
#   fuzz/run.sh            60 s per target
#   fuzz/run.sh 3600 pdf   one hour on the PDF decoder only
set -eu
cd "$(dirname "$0")"
secs=${1:-60}
shift 2>/dev/null || true
targets=${*:-"text html pdf docx odt email mbox whatsapp telegram"}
for t in $targets; do
    mkdir -p "corpus/$t"
    echo "== $t ($secs s)"
    cargo +nightly fuzz run "$t" "corpus/$t" -- \
        -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 -max_len=1048576
done
