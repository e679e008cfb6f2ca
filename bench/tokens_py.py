#!/usr/bin/env python3
"""Token counting throughput of Python tiktoken, the reference for `cargo bench --bench tokens`.

Usage:
    pip install tiktoken
    AVA_BENCH_DUMP=/tmp/tokens.txt cargo bench --no-default-features --bench tokens
    python3 bench/tokens_py.py /tmp/tokens.txt [REPEATS]

tiktoken downloads its encoding files on first use, which fails offline. The encodings are built
here from the rank files tiktoken-rs ships in its crate (the same files, base64 token and rank
per line), with the pattern and special tokens of tiktoken's own openai_public.py, so both sides
count with identical vocabularies. The text file is the one the Rust bench writes with
AVA_BENCH_DUMP, so both sides read the same bytes.

One thread (`encode_ordinary`, as the Rust side counts), best of REPEATS runs (default 3).
"""
import base64
import glob
import os
import sys
import time

import tiktoken

ENDOFTEXT = "<|endoftext|>"
FIM_PREFIX = "<|fim_prefix|>"
FIM_MIDDLE = "<|fim_middle|>"
FIM_SUFFIX = "<|fim_suffix|>"
ENDOFPROMPT = "<|endofprompt|>"

# Copied from tiktoken_ext/openai_public.py (tiktoken 0.14).
CL100K_PAT = r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
O200K_PAT = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)

ENCODINGS = {
    "o200k_base": (O200K_PAT, {ENDOFTEXT: 199999, ENDOFPROMPT: 200018}),
    "cl100k_base": (
        CL100K_PAT,
        {
            ENDOFTEXT: 100257,
            FIM_PREFIX: 100258,
            FIM_MIDDLE: 100259,
            FIM_SUFFIX: 100260,
            ENDOFPROMPT: 100276,
        },
    ),
}


def ranks_file(name):
    pattern = os.path.expanduser(
        f"~/.cargo/registry/src/*/tiktoken-rs-0.12.*/assets/{name}.tiktoken"
    )
    found = sorted(glob.glob(pattern))
    if not found:
        sys.exit(f"{name}.tiktoken not found ({pattern}); build ava once to fetch tiktoken-rs")
    return found[-1]


def load_encoding(name):
    ranks = {}
    with open(ranks_file(name), "rb") as f:
        for line in f:
            if line.strip():
                token, rank = line.split()
                ranks[base64.b64decode(token)] = int(rank)
    pat_str, special = ENCODINGS[name]
    return tiktoken.Encoding(
        name=name, pat_str=pat_str, mergeable_ranks=ranks, special_tokens=special
    )


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    text = open(path, encoding="utf-8").read()
    mb = len(text.encode("utf-8")) / 1e6
    print(f"python tiktoken {tiktoken.__version__}, {mb:.1f} MB, one thread, best of {repeats}")
    print(f"{'encoding':<14} {'tokens':>10} {'seconds':>8} {'MB/s':>7}")
    for name in ("o200k_base", "cl100k_base"):
        enc = load_encoding(name)
        best, tokens = float("inf"), 0
        for _ in range(repeats):
            t = time.perf_counter()
            tokens = len(enc.encode_ordinary(text))
            best = min(best, time.perf_counter() - t)
        print(f"{name:<14} {tokens:>10} {best:>8.3f} {mb / best:>7.2f}")


if __name__ == "__main__":
    main()
