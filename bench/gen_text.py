#!/usr/bin/env python3
"""Deterministic English test text of a given size, for throughput and memory benchmarks.

Usage: python3 bench/gen_text.py BYTES OUT.txt

A word-level Markov chain (order 2) over the original English documents in bench/quality/docs/ (real
ECHR press releases and judgments) with a fixed seed: the same bytes on every run and Python
3.x version, varied sentences (no exact repetition, unlike a repeated document), and the
vocabulary, sentence lengths and paragraphing of real legal prose. Not committed: generate it.
"""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "quality", "docs")
SEED = 20261129


FACTS = os.path.join(HERE, "quality", "facts")


def held_out(name):
    """Documents added later as a held-out quality set stay out, so the generated text (and
    the speed figures measured on it) does not change when the quality set grows."""
    facts = os.path.join(FACTS, name)
    return os.path.exists(facts) and "# split: held-out" in open(facts, encoding="utf-8").read()


def corpus_words():
    words = []
    for name in sorted(os.listdir(DOCS)):
        if name.endswith(".txt") and "policja" not in name and not held_out(name):
            words.extend(open(os.path.join(DOCS, name), encoding="utf-8").read().split())
    return words


def main():
    size, out = int(sys.argv[1]), sys.argv[2]
    words = corpus_words()
    chain = {}
    for a, b, c in zip(words, words[1:], words[2:]):
        chain.setdefault((a, b), []).append(c)
    starts = [(a, b) for (a, b) in chain if a[-1:] in ".?!" and b[:1].isupper()]
    rng = random.Random(SEED)
    written = 0
    with open(out, "w", encoding="utf-8") as f:
        while written < size:
            para = []
            for _ in range(rng.randint(2, 7)):
                state = rng.choice(starts)
                sent = [state[1]]
                while len(sent) < 45:
                    nxt = chain.get(state)
                    if not nxt:
                        break
                    w = rng.choice(nxt)
                    sent.append(w)
                    state = (state[1], w)
                    if w[-1] in ".?!" and len(sent) >= 6:
                        break
                if sent[-1][-1] not in ".?!":
                    sent[-1] += "."
                para.append(" ".join(sent))
            chunk = " ".join(para) + "\n\n"
            f.write(chunk)
            written += len(chunk.encode("utf-8"))


if __name__ == "__main__":
    main()
