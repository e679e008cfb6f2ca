#!/usr/bin/env python3
"""Translation quality of `ava translate` against the plain one-line prompt (issue 14).

Runs each system on every item of the hand-written reference set in bench/translate/set/
(see bench/translate/README.md for the format and how the references were written) and
reports, per system: chrF++ (sacrebleu, word_order=2; corpus-level and mean per item),
identifier recall, paragraph match on multi-paragraph passages, outputs in the wrong
language (lingua), outputs with a number that is neither in the source nor in the
reference, exit codes, and seconds per item.

Systems:
  ava        ava --provider local --model M -q --temperature 0 --seed 1 --max-tokens N
             --json translate --to en FILE
  plain      the same model and sampling, through ava, with the one-line request a user would
             type (bench/translate/templates/plain-translate.md):
             ava ... --template-dir bench/translate/templates process --template plain-translate
  reference  the reference itself (sanity check: must score 100 / 1.0 / 0 / 0)
  source     the untranslated source (sanity check: every item must be the wrong language)

Setup: pip install sacrebleu lingua-language-detector

  python3 bench/translate.py --ava /work/bin/ava-baseline \
      --model /work/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf --json out.json
  python3 bench/translate.py --rescore out.json --show      # score saved outputs again
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

HERE = Path(__file__).resolve().parent
SET_DIR = HERE / "translate" / "set"
TEMPLATE_DIR = HERE / "translate" / "templates"
LANG_NAMES = {"pl": "Polish", "de": "German", "fr": "French"}

# ---------------------------------------------------------------------------
# The reference set


@dataclass
class Keep:
    """One identifier a translation must keep: alternatives, each `(kind, value, min_count)`."""

    text: str
    alternatives: list[tuple[str, str, int]]


@dataclass
class Item:
    id: str
    lang: str
    kind: str  # "segment" or "passage"
    source_ref: str  # corpus file and lines
    src_path: Path
    src: str
    ref: str
    keeps: list[Keep] = field(default_factory=list)


def parse_keep(line: str) -> Keep:
    alternatives = []
    for alt in line.split(" | "):
        alt = alt.strip()
        count = 1
        m = re.search(r"\s@(\d+)$", alt)
        if m:
            count = int(m.group(1))
            alt = alt[: m.start()].rstrip()
        m = re.match(r"(num|date|time|law):(.*)$", alt)
        kind, value = (m.group(1), m.group(2).strip()) if m else ("lit", alt)
        alternatives.append((kind, value, count))
    return Keep(line, alternatives)


def load_set(set_dir: Path) -> list[Item]:
    items = []
    for keep_path in sorted(set_dir.glob("*.keep.txt")):
        id_ = keep_path.name.split(".")[0]
        meta, keeps = {}, []
        for line in keep_path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                meta[key.strip()] = value.strip()
            else:
                keeps.append(parse_keep(line))
        lang = meta["lang"]
        src_path = set_dir / f"{id_}.{lang}.txt"
        items.append(
            Item(
                id=id_,
                lang=lang,
                kind=meta["kind"],
                source_ref=meta["source"],
                src_path=src_path,
                src=src_path.read_text(encoding="utf-8").rstrip("\n"),
                ref=(set_dir / f"{id_}.en.txt").read_text(encoding="utf-8").rstrip("\n"),
                keeps=keeps,
            )
        )
    return items


# ---------------------------------------------------------------------------
# Normalisation and the matchers


def normalise(text: str) -> str:
    """NFKC, typographic quotes and dashes made plain, non-breaking spaces made spaces."""
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("„", '"'), ("«", '"'),
                 ("»", '"'), ("–", "-"), ("—", "-"), ("‑", "-"), ("\u00a0", " "),
                 ("\u202f", " ")):
        text = text.replace(a, b)
    return text


def literal_regex(value: str) -> re.Pattern:
    """Case-insensitive; whitespace may be added or dropped between characters (`M.W.` =
    `M. W.`, `(030) 4664-272210` = `(030) 4664 - 272210`); must not start or end inside a
    word."""
    chars = [re.escape(c) for c in normalise(value) if not c.isspace()]
    body = r"\s*".join(chars)
    head = r"(?<!\w)" if value[:1].isalnum() else ""
    tail = r"(?!\w)" if value[-1:].isalnum() else ""
    return re.compile(head + body + tail, re.IGNORECASE)


MONTHS = {}
for number, names in enumerate(
    [
        "january jan stycznia styczen styczeń januar janvier",
        "february feb lutego luty februar fevrier février",
        "march mar marca marzec märz marz mars",
        "april apr kwietnia kwiecien kwiecień avril",
        "may maja maj mai",
        "june jun czerwca czerwiec juni juin",
        "july jul lipca lipiec juli juillet",
        "august aug sierpnia sierpien sierpień aout août",
        "september sep sept września wrzesnia wrzesien wrzesień septembre",
        "october oct października pazdziernika październik oktober octobre",
        "november nov listopada listopad novembre",
        "december dec grudnia grudzien grudzień dezember decembre décembre",
    ],
    start=1,
):
    for name in names.split():
        MONTHS[name] = number
MONTH_RE = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
ORD = r"(?:st|nd|rd|th|er|\.)?"
DATE_PATTERNS = [
    # 29 January 2013, 29th of January, 2013, 26. Mai 2011, 1er juin 2020
    (re.compile(rf"(?<!\d)(\d{{1,2}}){ORD}\s+(?:of\s+)?({MONTH_RE})\.?,?\s+(\d{{4}})(?!\d)", re.I), "dmy"),
    # January 29, 2013
    (re.compile(rf"(?<!\w)({MONTH_RE})\.?\s+(\d{{1,2}}){ORD},?\s+(\d{{4}})(?!\d)", re.I), "mdy"),
    # 2013-01-29
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), "ymd"),
    # 29.01.2013, 29/01/2013 (and 01/29/2013 read the US way too)
    (re.compile(r"(?<!\d)(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?!\d)"), "numeric"),
]


def find_dates(text: str) -> list[str]:
    """Every date written in the text, as ISO strings (ambiguous slashes give both)."""
    found = []
    text = normalise(text)
    for pattern, shape in DATE_PATTERNS:
        for m in pattern.finditer(text):
            candidates = []
            if shape == "dmy":
                candidates.append((m.group(3), MONTHS[m.group(2).lower()], m.group(1)))
            elif shape == "mdy":
                candidates.append((m.group(3), MONTHS[m.group(1).lower()], m.group(2)))
            elif shape == "ymd":
                candidates.append((m.group(1), m.group(2), m.group(3)))
            else:
                candidates.append((m.group(4), m.group(3), m.group(1)))
                if m.group(2) == "/":
                    candidates.append((m.group(4), m.group(1), m.group(3)))
            for y, mo, d in candidates:
                if 1 <= int(mo) <= 12 and 1 <= int(d) <= 31:
                    found.append(f"{int(y):04d}-{int(mo):02d}-{int(d):02d}")
    return found


TIME_RE = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?:[:.h]|Uhr)\s*(\d{2})(?!\d)(?:\s*([ap])\.?\s?m\b\.?)?", re.I
)


def find_times(text: str) -> list[str]:
    found = []
    for m in TIME_RE.finditer(normalise(text)):
        hour, minute = int(m.group(1)), int(m.group(2))
        if m.group(3) and m.group(3).lower() == "p" and hour < 12:
            hour += 12
        if hour < 24 and minute < 60:
            found.append(f"{hour:02d}:{minute:02d}")
    return found


# A number as written: groups of three after a thousands separator (space, comma, dot,
# apostrophe), then an optional decimal part; or plain digits with an optional decimal part.
NUMBER_RE = re.compile(
    r"(?<!\d)(\d{1,3}(?:[ ,.'](?=\d{3}(?!\d))\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?!\d)"
)
MULTIPLIERS = [
    (re.compile(r"\s*(?:million|mln\.?|miliony|milionów|milion|millions|Millionen|Million)\b", re.I), 10**6),
    (re.compile(r"\s*(?:thousand|tys\.?|tysięcy|tysiące|tysiąc|Tausend|mille)(?!\w)", re.I), 10**3),
]
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                     "eighty": 80, "ninety": 90, "hundred": 100})


def number_values(token: str) -> set[Decimal]:
    """The values a written number can stand for: `2 189 337,30` and `2,189,337.30` →
    2189337.30; `300,000` → 300000 or 300.000 (both kept, so either reading matches)."""
    values = set()
    seps = [i for i, c in enumerate(token) if not c.isdigit()]
    digits = re.sub(r"\D", "", token)
    if not seps:
        return {Decimal(digits)}
    groups = re.split(r"\D", token)
    if all(len(g) == 3 for g in groups[1:]):  # every separator a thousands separator
        values.add(Decimal(digits))
    last = seps[-1]
    if token[last] in ".,":  # the last separator a decimal point
        int_part = re.sub(r"\D", "", token[:last])
        if len(seps) == 1 or all(len(g) == 3 for g in groups[1:-1]):
            try:
                values.add(Decimal(f"{int_part}.{token[last + 1:]}"))
            except InvalidOperation:
                pass
    return values


@dataclass
class Number:
    text: str
    values: set[Decimal]
    runs: list[int]


def find_numbers(text: str) -> list[Number]:
    text = normalise(text)
    numbers = []
    for m in NUMBER_RE.finditer(text):
        values, written = number_values(m.group(1)), m.group(1)
        after = text[m.end():]
        for pattern, factor in MULTIPLIERS:
            word = pattern.match(after)
            if word:  # "820 thousand" is 820000, not 820
                values = {v * factor for v in values}
                written += word.group(0)
                break
        runs = [int(r) for r in re.findall(r"\d+", m.group(1))]
        numbers.append(Number(written, values, runs))
    return numbers


def known_values(*texts: str) -> tuple[set[Decimal], set[int]]:
    """Numbers a translation may contain: every value and digit run of the source and the
    reference, number words of the reference ("three months" → 3), parts of their dates."""
    values, runs = set(), set()
    for text in texts:
        for n in find_numbers(text):
            values |= n.values
            runs |= set(n.runs)
        for iso in find_dates(text):
            y, mo, d = iso.split("-")
            runs |= {int(y), int(mo), int(d)}
        lowered = normalise(text).lower()
        for word, value in NUMBER_WORDS.items():
            m = re.search(rf"(?<!\w){word}(?!\w)", lowered)
            if m:
                values.add(Decimal(value))
                after = lowered[m.end():]
                for pattern, factor in MULTIPLIERS:
                    if pattern.match(after):
                        values.add(Decimal(value * factor))
    values |= {Decimal(r) for r in runs}
    return values, runs


def changed_numbers(output: str, item: Item) -> list[str]:
    """Numbers in the output that are neither in the source nor in the reference. A token
    counts as known when one of its readings is a known value, or — for date-like tokens such
    as `17.12` — when each of its digit runs is known."""
    values, runs = known_values(item.src, item.ref)
    # A full hour written as ava writes times into English ("gegen 12 Uhr" → "about 12:00"):
    # its ":00" is not a number of its own.
    output = re.sub(r"(?<![\d:])(\d{1,2}):00(?![\d:])", r"\1", output)
    changed = []
    for n in find_numbers(output):
        if n.values & values:
            continue
        if re.fullmatch(r"\d{1,2}[./]\d{1,2}", n.text) and all(r in runs for r in n.runs):
            continue  # day and month of a date written 17.12.2013
        changed.append(n.text)
    return changed


LAW_KEEP_RE = re.compile(r"art\.\s*(\d+)(?:\s*§\s*(\d+))?(?:.*?\s([a-z.]+))?\s*$", re.I)
CODE_NAMES = {
    "kk": r"k\.?\s?k\.?|criminal\s+code|penal\s+code",
    "kpk": r"k\.?\s?p\.?\s?k\.?|code\s+of\s+criminal\s+procedure|criminal\s+procedure\s+code",
    "kc": r"k\.?\s?c\.?|civil\s+code",
    "kpc": r"k\.?\s?p\.?\s?c\.?|code\s+of\s+civil\s+procedure|civil\s+procedure\s+code",
}


def law_regex(value: str) -> re.Pattern:
    """`art. 11 § 2 kk` → the article number after art./Art./Article/Articles; the § number
    within 30 characters after it; the code within 90 characters, abbreviated (with or
    without dots) or by its English name."""
    m = LAW_KEEP_RE.match(value.strip())
    if not m:
        raise ValueError(f"law reference not understood: {value!r}")
    article, para, code = m.group(1), m.group(2), m.group(3)
    pattern = rf"(?<!\w)art(?:icles?|s?\.)?\s*{article}(?!\d)"
    if para:
        pattern += rf"(?=.{{0,30}}?(?:§|para(?:graph)?\.?)\s*{para}(?!\d))"
    if code:
        key = code.replace(".", "").lower()
        pattern += rf"(?=.{{0,90}}?(?<!\w)(?:{CODE_NAMES[key]})(?!\w))"
    return re.compile(pattern, re.I | re.S)


CURRENCY_RES = {
    "PLN": re.compile(r"(?<!\w)(?:zł|złot\w*|zlot\w*|PLN|grosz\w*)(?!\w)", re.I),
    "EUR": re.compile(r"€|(?<!\w)(?:euro\w*|EUR)(?!\w)", re.I),
    "USD": re.compile(r"\$|(?<!\w)(?:dollars?|USD)(?!\w)", re.I),
    "GBP": re.compile(r"£|(?<!\w)(?:pounds?|GBP)(?!\w)", re.I),
}


def currencies(text: str) -> set[str]:
    text = normalise(text)
    return {c for c, pattern in CURRENCY_RES.items() if pattern.search(text)}


PREFACE_RE = re.compile(
    r"^\s*(?:here is|here's|sure|certainly|the (?:english )?translation|translation:"
    r"|the (?:polish|german|french) text (?:translates|in english))|</?text>|```",
    re.I | re.M,
)


def has_preface(output: str, item: Item) -> bool:
    """A preface ("Here is the translation…"), the prompt's `<text>` tags or a code fence in
    the answer, none of which the source has."""
    return bool(PREFACE_RE.search(output)) and not PREFACE_RE.search(item.src)


def wrong_currencies(output: str, item: Item) -> list[str]:
    """Currencies named in the output but in neither the source nor the reference
    ("30 tys. zł" → "300,000 euros")."""
    return sorted(currencies(output) - currencies(item.src) - currencies(item.ref))


def count_keep(kind: str, value: str, output: str) -> int:
    text = normalise(output)
    if kind == "lit":
        return len(literal_regex(value).findall(text))
    if kind == "num":
        wanted = number_values(normalise(value))
        return sum(1 for n in find_numbers(text) if n.values & wanted)
    if kind == "date":
        return find_dates(text).count(value)
    if kind == "time":
        return find_times(text).count(value)
    if kind == "law":
        return len(law_regex(value).findall(text))
    raise ValueError(kind)


def keep_present(keep: Keep, output: str) -> bool:
    return any(count_keep(kind, value, output) >= n for kind, value, n in keep.alternatives)


# ---------------------------------------------------------------------------
# Paragraphs and language


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


MARKER_RE = re.compile(r"^\s*((?:[IVXLC]+|\d+)[.)]|[*•\-–])(?=\s|$)")


def paragraph_match(output: str, ref: str) -> bool:
    """Same number of non-empty paragraphs, and each starts with the same numbering (I., 1),
    bullets) as the reference's paragraph at the same place."""
    out_p, ref_p = paragraphs(output), paragraphs(ref)
    if len(out_p) != len(ref_p):
        return False
    for o, r in zip(out_p, ref_p):
        mo, mr = MARKER_RE.match(o), MARKER_RE.match(r)
        if (mo.group(1) if mo else None) != (mr.group(1) if mr else None):
            return False
    return True


_DETECTOR = None


def detector():
    global _DETECTOR
    if _DETECTOR is None:
        from lingua import Language, LanguageDetectorBuilder

        langs = [Language.ENGLISH, Language.POLISH, Language.GERMAN, Language.FRENCH,
                 Language.SPANISH, Language.ITALIAN, Language.DUTCH, Language.PORTUGUESE,
                 Language.CZECH, Language.SLOVAK, Language.RUSSIAN, Language.UKRAINIAN]
        _DETECTOR = LanguageDetectorBuilder.from_languages(*langs).build()
    return _DETECTOR


def language_of(text: str, item: Item) -> str | None:
    """lingua's language of the output with the identifiers, digits and anonymisation marks
    taken out first: names such as `Kurfürstendamm` must not decide the language."""
    stripped = normalise(text)
    for keep in item.keeps:
        for kind, value, _ in keep.alternatives:
            if kind == "lit":
                stripped = literal_regex(value).sub(" ", stripped)
    stripped = re.sub(r"\(\.\.\.\)|\d+|§", " ", stripped)
    if len(re.findall(r"\w", stripped)) < 3:
        return None
    lang = detector().detect_language_of(stripped)
    return lang.iso_code_639_1.name.lower() if lang else None


# ---------------------------------------------------------------------------
# Running the systems


@dataclass
class Run:
    output: str
    exit_code: int | None
    seconds: float
    stderr: str = ""
    command: list[str] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)  # ava's --json records, output left out


def max_tokens_for(item: Item, args) -> int:
    """A cap on the answer so a looping model stops: about twice the tokens an English
    translation of the source needs (Polish text runs ~3.5 characters per token)."""
    if args.max_tokens:
        return args.max_tokens
    return max(128, len(item.src) // 2)


def parse_ava_stdout(stdout: str) -> tuple[str, list[dict]]:
    """ava's `--json` gives one NDJSON record per input with an `output` string (today and
    after issue 14); a future version may add records for segments or flags. Take every
    record's `output` string, in order — or its `partial` text when the answer was cut off
    (exit 75; that text stays on the user's screen); keep the rest of each record for the
    report. If nothing parses as JSON, stdout is the text itself."""
    outputs, records, parsed_any = [], [], False
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(record, dict):
            continue
        parsed_any = True
        if isinstance(record.get("output"), str):
            outputs.append(record["output"])
        elif isinstance(record.get("partial"), str):  # cut off (exit 75): what stays on screen
            outputs.append(record["partial"])
        records.append({k: v for k, v in record.items() if k not in ("output", "partial")})
    if not parsed_any:
        try:  # one pretty-printed object
            record = json.loads(stdout)
            if isinstance(record, dict) and isinstance(record.get("output"), str):
                return record["output"], [{k: v for k, v in record.items() if k != "output"}]
        except json.JSONDecodeError:
            pass
        return stdout, []
    return "\n".join(outputs), records


def build_command(system: str, item: Item, args) -> list[str]:
    common = [args.ava, "--provider", "local", "--model", args.model, "-q",
              "--temperature", "0", "--seed", str(args.seed),
              "--max-tokens", str(max_tokens_for(item, args))]
    if args.ava_json:
        common.append("--json")
    if system == "ava":
        return common + ["translate", "--to", "en", str(item.src_path)]
    if system == "plain":
        cmd = common + ["--template-dir", str(TEMPLATE_DIR), "process",
                        "--template", "plain-translate"]
        if item.lang != "pl":
            cmd += ["--var", f"from={LANG_NAMES[item.lang]}"]
        return cmd + [str(item.src_path)]
    raise ValueError(system)


def run_system(system: str, item: Item, args, env: dict, cwd: str) -> Run:
    if system == "reference":
        return Run(item.ref, 0, 0.0)
    if system == "source":
        return Run(item.src, 0, 0.0)
    cmd = build_command(system, item, args)
    if args.nice:
        cmd = ["nice", "-n", str(args.nice)] + cmd
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd,
                              timeout=args.timeout)
        seconds = time.monotonic() - start
        code, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as e:
        seconds = time.monotonic() - start
        code = None
        stdout = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        stderr = (e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or ""))
        stderr += f"\n[bench] killed after {args.timeout} s"
    output, records = parse_ava_stdout(stdout) if args.ava_json else (stdout, [])
    return Run(output.rstrip("\n"), code, seconds, stderr, cmd, records)


# ---------------------------------------------------------------------------
# Scoring


def score_item(item: Item, run: Run, chrf) -> dict:
    out = run.output
    present = [keep_present(k, out) for k in item.keeps]
    lang = language_of(out, item) if out.strip() else None
    result = {
        "id": item.id,
        "lang": item.lang,
        "kind": item.kind,
        "exit_code": run.exit_code,
        "seconds": round(run.seconds, 2),
        "chrf": chrf.sentence_score(out, [item.ref]).score,
        "keeps": len(item.keeps),
        "kept": sum(present),
        "missing": [k.text for k, p in zip(item.keeps, present) if not p],
        "detected_language": lang,
        "wrong_language": bool(out.strip()) and lang != "en",
        "empty": not out.strip(),
        "changed_numbers": changed_numbers(out, item),
        "wrong_currencies": wrong_currencies(out, item),
        "preface": has_preface(out, item),
    }
    # Numbers, dates and times the item lists (issue 14's "numbers kept").
    numeric = [p for k, p in zip(item.keeps, present)
               if all(a[0] in ("num", "date", "time") for a in k.alternatives)]
    result["numbers"] = len(numeric)
    result["numbers_kept"] = sum(numeric)
    # A wrong answer: not English, empty, a number or currency changed, or a listed number
    # lost. Flagged: ava's exit code is not 0 (3 = unverified parts, 75 = cut off, …).
    result["wrong"] = (result["wrong_language"] or result["empty"]
                       or bool(result["changed_numbers"]) or bool(result["wrong_currencies"])
                       or result["numbers_kept"] < result["numbers"])
    result["flagged"] = run.exit_code != 0
    result["unverified"] = sum(len(r.get("unverified") or []) for r in run.records)
    if item.kind == "passage":
        result["paragraphs"] = [len(paragraphs(out)), len(paragraphs(item.ref))]
        result["paragraph_match"] = paragraph_match(out, item.ref)
    return result


def summarise(items: list[Item], runs: list[Run], scored: list[dict], chrf) -> dict:
    hyps = [r.output for r in runs]
    refs = [i.ref for i in items]

    def corpus(pred):
        idx = [k for k, i in enumerate(items) if pred(i)]
        if not idx:
            return None
        return chrf.corpus_score([hyps[k] for k in idx], [[refs[k] for k in idx]]).score

    passages = [s for s in scored if s["kind"] == "passage"]
    codes: dict[str, int] = {}
    for s in scored:
        key = "timeout" if s["exit_code"] is None else str(s["exit_code"])
        codes[key] = codes.get(key, 0) + 1
    keeps = sum(s["keeps"] for s in scored)
    return {
        "items": len(items),
        "chrf_corpus": corpus(lambda i: True),
        "chrf_mean": sum(s["chrf"] for s in scored) / len(scored),
        "chrf_pl_segments": corpus(lambda i: i.lang == "pl" and i.kind == "segment"),
        "chrf_pl_passages": corpus(lambda i: i.lang == "pl" and i.kind == "passage"),
        "chrf_de_fr": corpus(lambda i: i.lang != "pl"),
        "identifiers": keeps,
        "identifiers_kept": sum(s["kept"] for s in scored),
        "identifier_recall": sum(s["kept"] for s in scored) / keeps if keeps else None,
        "passages": len(passages),
        "paragraph_match": sum(1 for s in passages if s["paragraph_match"]),
        "wrong_language": sum(1 for s in scored if s["wrong_language"]),
        "empty": sum(1 for s in scored if s["empty"]),
        "changed_number": sum(1 for s in scored if s["changed_numbers"]),
        "wrong_currency": sum(1 for s in scored if s["wrong_currencies"]),
        "preface": sum(1 for s in scored if s["preface"]),
        "numbers": sum(s["numbers"] for s in scored),
        "numbers_kept": sum(s["numbers_kept"] for s in scored),
        "wrong": sum(1 for s in scored if s["wrong"]),
        "wrong_unflagged": sum(1 for s in scored if s["wrong"] and not s["flagged"]),
        "flagged": sum(1 for s in scored if s["flagged"]),
        "exit_codes": codes,
        "seconds_total": sum(s["seconds"] for s in scored),
        "seconds_per_item": sum(s["seconds"] for s in scored) / len(scored),
    }


def fmt(value, spec=".1f"):
    return "—" if value is None else format(value, spec)


def print_table(name: str, summary: dict):
    s = summary
    codes = ", ".join(f"{k}×{v}" for k, v in sorted(s["exit_codes"].items()))
    print(f"\n== {name}")
    print("| items | chrF++ corpus | chrF++ mean | pl seg / pl passages / de+fr | id recall "
          "| paragraphs | wrong lang | empty | changed number | wrong currency | preface/markup "
          "| exit codes | s/item |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {s['items']} | {fmt(s['chrf_corpus'])} | {fmt(s['chrf_mean'])} "
          f"| {fmt(s['chrf_pl_segments'])} / {fmt(s['chrf_pl_passages'])} / {fmt(s['chrf_de_fr'])} "
          f"| {fmt(s['identifier_recall'], '.3f')} ({s['identifiers_kept']}/{s['identifiers']}) "
          f"| {s['paragraph_match']}/{s['passages']} | {s['wrong_language']} | {s['empty']} "
          f"| {s['changed_number']} | {s['wrong_currency']} | {s['preface']} | {codes} "
          f"| {s['seconds_per_item']:.1f} |")
    print(f"numbers kept {s['numbers_kept']}/{s['numbers']}; wrong answers {s['wrong']}, "
          f"of which NOT flagged (exit 0) {s['wrong_unflagged']}; flagged (exit != 0) "
          f"{s['flagged']}")


def show(item: Item, run: Run, scored: dict, system: str):
    flags = []
    if scored["missing"]:
        flags.append("missing: " + "; ".join(scored["missing"]))
    if scored["wrong_language"]:
        flags.append(f"language: {scored['detected_language']}")
    if scored["changed_numbers"]:
        flags.append("changed numbers: " + ", ".join(scored["changed_numbers"]))
    if scored["preface"]:
        flags.append("preface/markup")
    if scored["wrong_currencies"]:
        flags.append("currency: " + ", ".join(scored["wrong_currencies"]))
    if item.kind == "passage" and not scored["paragraph_match"]:
        flags.append("paragraphs out/ref: %d/%d" % tuple(scored["paragraphs"]))
    if scored["exit_code"] != 0:
        flags.append(f"exit {scored['exit_code']}")
    print(f"\n--- {item.id} [{system}] chrF++ {scored['chrf']:.1f}, {scored['seconds']:.1f} s "
          f"({item.source_ref})")
    print("REF: " + item.ref.replace("\n", "\n     "))
    print("OUT: " + run.output.replace("\n", "\n     "))
    if run.stderr.strip():
        print("ERR: " + run.stderr.strip()[-600:].replace("\n", "\n     "))
    if flags:
        print("!!  " + " | ".join(flags))


def save_partial(path: str, started: str, done: list[Item], runs: dict[str, list[Run]]):
    data = {"started": started, "partial": True, "systems": {
        system: {"items": [
            {"id": item.id, "output": r.output, "exit_code": r.exit_code, "seconds": r.seconds,
             "stderr": r.stderr[-4000:], "command": r.command, "records": r.records}
            for item, r in zip(done, system_runs)]}
        for system, system_runs in runs.items()}}
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ava", default="ava", help="ava binary (default: ava on PATH)")
    p.add_argument("--model", help="GGUF file for the local engine")
    p.add_argument("--systems", default="ava,plain",
                   help="comma list of ava, plain, reference, source (default ava,plain)")
    p.add_argument("--limit", type=int, help="only the first N items (by id)")
    p.add_argument("--ids", help="only these items, in this order, comma list (e.g. 03,51)")
    p.add_argument("--deadline", type=float, help="start no new item after this many minutes "
                   "(the items done are scored; every system runs each item it starts)")
    p.add_argument("--show", action="store_true", help="print outputs next to references")
    p.add_argument("--json", dest="json_out", help="write results (and outputs) to this file")
    p.add_argument("--rescore", help="score the outputs saved in an earlier --json file "
                   "instead of running anything")
    p.add_argument("--max-tokens", type=int, help="fixed answer cap (default max(128, source "
                   "characters / 2))")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--timeout", type=float, default=1200, help="seconds per run (default 1200)")
    p.add_argument("--nice", type=int, default=0, help="run ava under nice -n N")
    p.add_argument("--no-ava-json", dest="ava_json", action="store_false",
                   help="read ava's plain stdout instead of its --json records")
    p.add_argument("--set-dir", default=str(SET_DIR))
    args = p.parse_args()

    from sacrebleu.metrics import CHRF

    chrf = CHRF(word_order=2)
    items = load_set(Path(args.set_dir))
    if args.ids:  # in the order given
        by_id = {i.id: i for i in items}
        items = [by_id[x] for x in args.ids.split(",") if x in by_id]
    if args.limit:
        items = items[: args.limit]
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]

    saved = {}
    if args.rescore:
        previous = json.loads(Path(args.rescore).read_text(encoding="utf-8"))
        for name, data in previous["systems"].items():
            saved[name] = {r["id"]: r for r in data["items"]}
        systems = [s for s in systems if s in saved] or list(saved)
        items = [i for i in items if all(i.id in saved[s] for s in systems)]

    if not args.rescore and any(s in ("ava", "plain") for s in systems):
        if not args.model:
            p.error("--model is needed for the ava and plain systems")
        args.model = str(Path(args.model).resolve())
        args.ava = str(Path(args.ava).resolve()) if os.sep in args.ava else args.ava

    # An empty config dir and working directory: no user config, profile or template
    # overrides a run; the audit log is off.
    tmp = tempfile.mkdtemp(prefix="ava-bench-translate-")
    env = dict(os.environ, AVA_AUDIT_LOG="off", AVA_CONFIG_DIR=tmp, AVA_DATA_DIR=tmp,
               NO_COLOR="1")
    for var in ("AVA_PROVIDER", "AVA_MODEL", "AVA_BASE_URL", "OPENAI_BASE_URL", "AVA_PROFILE",
                "AVA_TEMPLATE_DIR"):
        env.pop(var, None)

    runs: dict[str, list[Run]] = {s: [] for s in systems}
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    clock = time.monotonic()
    load_before = os.getloadavg()
    done: list[Item] = []
    for n, item in enumerate(items, 1):
        if args.deadline and time.monotonic() - clock > args.deadline * 60:
            print(f"[bench] deadline reached: {len(done)} of {len(items)} items run",
                  file=sys.stderr)
            break
        for system in systems:  # interleaved, so load changes hit every system alike
            if args.rescore:
                r = saved[system][item.id]
                output = r["output"]
                if not output:  # files written before partial answers were read
                    partials = [x["partial"] for x in r.get("records", [])
                                if isinstance(x.get("partial"), str)]
                    output = "\n".join(partials)
                run = Run(output, r["exit_code"], r["seconds"], r.get("stderr", ""),
                          r.get("command", []), r.get("records", []))
            else:
                run = run_system(system, item, args, env, tmp)
                if system in ("ava", "plain"):
                    print(f"[{n}/{len(items)}] {item.id} {system}: exit {run.exit_code}, "
                          f"{run.seconds:.1f} s", file=sys.stderr, flush=True)
            runs[system].append(run)
        done.append(item)
        if args.json_out and not args.rescore:  # a partial file that --rescore can read
            save_partial(args.json_out, started, done, runs)
    items = done

    results = {"started": started, "load_before": load_before, "load_after": os.getloadavg(),
               "ava": args.ava, "model": args.model, "seed": args.seed, "systems": {}}
    for system in systems:
        scored = [score_item(i, r, chrf) for i, r in zip(items, runs[system])]
        summary = summarise(items, runs[system], scored, chrf)
        if args.show:
            for i, r, s in zip(items, runs[system], scored):
                show(i, r, s, system)
        print_table(system, summary)
        for s, r in zip(scored, runs[system]):
            s.update(output=r.output, stderr=r.stderr[-4000:], command=r.command,
                     records=r.records)
        results["systems"][system] = {"summary": summary, "items": scored}
    print(f"\nload average before/after: {' '.join(f'{x:.1f}' for x in load_before)} / "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, ensure_ascii=False, indent=1),
                                       encoding="utf-8")


if __name__ == "__main__":
    main()
