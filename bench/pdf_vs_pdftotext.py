#!/usr/bin/env python3
"""ava's PDF text against Debian's pdftotext (poppler-utils) on the same files, same run:
word agreement in reading order and time (issue 11's PDF benchmark).

    python3 bench/pdf_gen.py                      # makes /tmp/ava-pdf/*.pdf (needs reportlab)
    cargo build --release --no-default-features
    python3 bench/pdf_vs_pdftotext.py target/release/ava /tmp/ava-pdf/*.pdf [-v]

Agreement is per page: the longest common subsequence of the two word lists (whitespace-split),
over the longer list, summed over pages — 100 % when both read the same words in the same order
on every page. Time is the median of 5 runs of each command, output to a pipe; the CPU is
shared, so both are timed interleaved.
"""

import json
import statistics
import subprocess
import sys
import time


def lcs(a, b):
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b):
            cur[j + 1] = prev[j] + 1 if x == y else max(prev[j + 1], cur[j])
        prev = cur
    return prev[len(b)]


def ava_pages(ava, pdf):
    out = subprocess.run(
        [ava, "text", "--json", pdf], capture_output=True, check=True, text=True
    ).stdout
    rec = json.loads(out.splitlines()[0])
    pages = {}
    for line in rec["lines"]:
        pages.setdefault(line.get("page", 0), []).extend(line["text"].split())
    return pages


def poppler_pages(pdf):
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True, check=True, text=True
    ).stdout
    return {i + 1: p.split() for i, p in enumerate(out.split("\f")) if p.strip()}


def timed(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t


def diff(a, b, n=3):
    """First few places where the two readings part (for -v)."""
    import difflib

    shown = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal" and shown < n:
            print(f"      ava: {' '.join(a[i1:i2])[:100]!r}\n      pdftotext: {' '.join(b[j1:j2])[:100]!r}")
            shown += 1


def main():
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv
    ava, pdfs = args[0], args[1:]
    print("| PDF | pages | words (pdftotext) | word agreement | ava time | pdftotext time | ratio |")
    print("|---|---|---|---|---|---|---|")
    total_same = total_of = 0
    for pdf in pdfs:
        ours, theirs = ava_pages(ava, pdf), poppler_pages(pdf)
        same = of = 0
        for page in sorted(set(ours) | set(theirs)):
            a, b = ours.get(page, []), theirs.get(page, [])
            s = lcs(a, b)
            same += s
            of += max(len(a), len(b))
            if verbose and s < max(len(a), len(b)):
                print(f"  p. {page}: {s}/{max(len(a), len(b))}")
                diff(a, b)
        total_same += same
        total_of += of
        t_ava, t_pop = [], []
        for _ in range(5):
            t_ava.append(timed([ava, "text", pdf]))
            t_pop.append(timed(["pdftotext", "-enc", "UTF-8", pdf, "-"]))
        ta, tp = statistics.median(t_ava), statistics.median(t_pop)
        words = sum(len(w) for w in theirs.values())
        name = pdf.rsplit("/", 1)[-1]
        print(
            f"| {name} | {len(theirs)} | {words} | {100 * same / max(of, 1):.2f} % ({same}/{of}) "
            f"| {ta:.3f} s | {tp:.3f} s | {ta / tp:.2f}× |"
        )
    print(f"| all | | | {100 * total_same / max(total_of, 1):.2f} % ({total_same}/{total_of}) | | | |")


if __name__ == "__main__":
    main()
