#!/bin/sh
# Run every decoder's fuzz target for a bounded time, one after the other, single-threaded,
# at low priority; not part of `cargo test`. Needs cargo-fuzz (`cargo install cargo-fuzz`) and
# a nightly toolchain, or the stable one with RUSTC_BOOTSTRAP=1 (used when no nightly is
# installed).
#   fuzz/run.sh                      each target until 1 000 000 runs or 600 s, whichever first
#   fuzz/run.sh 3600 pdf             one hour (or 1 000 000 runs) on the PDF decoder only
#   FUZZ_RUNS=-1 fuzz/run.sh 60      60 s each, no run limit (libFuzzer: -runs=0 only replays the corpus)
# Prints one line per target: executions, time, and whether it crashed; the full libFuzzer
# output is in fuzz/logs/<target>.log, crashing inputs in fuzz/artifacts/<target>/.
set -u
cd "$(dirname "$0")"
secs=${1:-600}
shift 2>/dev/null || true
targets=${*:-"text html pdf docx odt email mbox whatsapp telegram"}
runs=${FUZZ_RUNS:-1000000}
if rustup run nightly rustc --version >/dev/null 2>&1; then
    toolchain=+nightly
else
    toolchain=
    export RUSTC_BOOTSTRAP=1
fi
# No sanitizer: the fuzzer looks for panics, hangs and runaway memory, and ASan would cost
# half the executions (the crate has no unsafe code of its own).
cargo $toolchain fuzz build -s none || exit 1
bin=target/$(rustc -vV | sed -n 's/^host: //p')/release
mkdir -p logs
status=0
for t in $targets; do
    mkdir -p "corpus/$t" "artifacts/$t"
    case $t in
        docx | odt | email | mbox) len=16384 ;; # zips and MIME trees need room
        *) len=8192 ;;
    esac
    # The binaries built above, not `cargo fuzz run`: every target runs the same build.
    nice -n 10 "$bin/$t" -artifact_prefix="artifacts/$t/" "corpus/$t" \
        -runs="$runs" -max_total_time="$secs" -max_len="$len" -timeout=20 \
        -rss_limit_mb=2048 -print_final_stats=1 >"logs/$t.log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "logs/$t.log" | tail -1)
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "logs/$t.log" | tail -1)
    if [ "$rc" -eq 0 ]; then
        echo "$t: ${execs:-?} executions in ${took:-?} s, no crash"
    else
        status=1
        echo "$t: CRASH (exit $rc) after ${execs:-?} executions; see fuzz/logs/$t.log, fuzz/artifacts/$t/"
    fi
done
exit $status
