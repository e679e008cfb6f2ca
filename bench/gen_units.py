#!/usr/bin/env python3
"""Huge inputs made of many tiny units, for the memory of the built-in summary (issue 16).

Usage: python3 bench/gen_units.py short OUT.txt   # 1,000,000 lines of 3 words (~17.7 MB)
       python3 bench/gen_units.py long OUT.txt    # 100,000 lines of one 30-word sentence (~16.8 MB)

Words drawn with a fixed seed from 12 short words; no blank line anywhere, so the summarizer
cannot lean on paragraphs. Not committed: generate it.
"""
import random
import sys

WORDS = "man phone car fast night money street drove police bank red stolen".split()
SEED = 20261206


def main():
    kind, out = sys.argv[1], sys.argv[2]
    lines, per_line = {"short": (1_000_000, 3), "long": (100_000, 30)}[kind]
    rng = random.Random(SEED)
    with open(out, "w", encoding="utf-8") as f:
        for _ in range(lines):
            words = [rng.choice(WORDS) for _ in range(per_line)]
            f.write(" ".join(words).capitalize() + ".\n")


if __name__ == "__main__":
    main()
