#!/usr/bin/env python3
"""Precision and recall of ava's deterministic entity extraction against hand-written gold, on
the public documents of the shared corpus (bench/extract/*.gold.tsv; format and conventions in
bench/extract/README.md).

Usage:  python3 bench/extract.py [--ava PATH] [--corpus DIR] [--region XX|doc] [--show]
                                 [--encodings] [--json OUT] [--only PREFIX ...]
                                 [--set corpus|synthetic] [--baseline]

For each gold file, the document it names is read from --corpus (default
/work/shared/corpus) and run through

    ava --provider builtin -q process --template entities --json FILE

with AVA_AUDIT_LOG=off, config, data and home in a temporary directory and no AVA_* variable
of the caller's environment, so that a personal config cannot change the figures. --region XX
passes AVA_REGION=XX to every document (--region doc: the region each gold file declares), to
compare against the default, which is to give ava no region at all: the goal is that ava
infers it.

Reported entities are matched to the gold by kind and normalised value (README: "What counts
as a match"). Printed: recall and precision per kind and overall (entities), the same for
occurrences (kind, value and line), the number of wrong values marked `verified: true`,
look-alikes that were reported, and every occurrence whose byte span file_start..file_end in the file
is not its `text`. --show lists every false negative and false positive, dates matched without
their time, and matched values reported on other lines than the gold's. --encodings also runs a
UTF-8-with-BOM and a UTF-16LE copy of each document (written to the temporary directory) and
checks their offsets against the bytes as stored. --set synthetic scores the invented
look-alike documents of bench/extract/synthetic/ (kinds the corpus lacks). --baseline scores
the plain-regex baseline of bench/extract_regex.py instead of ava (the region column is then
the gold's, which the baseline is given for phones and dates). Standard library only.
"""
import argparse
import hashlib
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation

import extract_regex

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD_DIR = os.path.join(HERE, "extract")
DEFAULT_CORPUS = "/work/shared/corpus"
GOALS = {"recall": 0.97, "precision": 0.97, "per_kind": 0.9, "wrong_verified": 0}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


# ---------------------------------------------------------------------------------------------
# Gold files


class Row:
    """One gold line: an entity that must be reported (`kind`), may be reported (`?kind`), or a
    look-alike that must not be (`!what`, its text as written)."""

    def __init__(self, kind, value, lines, attrs, where):
        self.optional = kind.startswith("?")
        self.lookalike = kind.startswith("!")
        self.kind = kind.lstrip("?!")
        self.value = value
        self.lines = lines
        self.attrs = attrs
        self.where = where  # "file.gold.tsv:12", for messages

    @property
    def readings(self):
        r = self.attrs.get("ambiguous")
        return frozenset(r.split("|")) if r else None

    @property
    def settled(self):
        """An ambiguous date whose value is one reading (the document's locale settles it), not
        the text as written."""
        return self.readings is None or bool(ISO_DATE.match(self.value))


class Gold:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[: -len(".gold.tsv")]
        self.header = {}
        self.rows = []
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            line = line.rstrip("\n")
            where = f"{os.path.basename(path)}:{n}"
            if line.startswith("#"):
                m = re.match(r"#\s*(file|sha256|country|language|region):\s*(\S+)", line)
                if m:
                    self.header[m.group(1)] = m.group(2)
                continue
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) not in (3, 4):
                sys.exit(f"{where}: expected kind, value, lines[, attributes]: {line!r}")
            kind, value, lines = fields[:3]
            attrs = {}
            if len(fields) == 4:
                for a in fields[3].split(";"):
                    k, _, v = a.partition("=")
                    attrs[k.strip()] = v.strip()
            try:
                lines = [int(x) for x in lines.split(",")]
            except ValueError:
                sys.exit(f"{where}: bad line numbers {lines!r}")
            self.rows.append(Row(kind, value, lines, attrs, where))
        for key in ("file", "region"):
            if key not in self.header:
                sys.exit(f"{path}: no '# {key}:' line")
        self.file = self.header["file"]
        self.region = self.header["region"]

    @property
    def required(self):
        return [r for r in self.rows if not r.optional and not r.lookalike]

    @property
    def optional(self):
        return [r for r in self.rows if r.optional]

    @property
    def lookalikes(self):
        return [r for r in self.rows if r.lookalike]


# ---------------------------------------------------------------------------------------------
# Normalised values: what "the same value" means for each kind (README, "What counts as a match")


def refang(s):
    s = re.sub(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]", ".", s, flags=re.I)
    s = re.sub(r"\[@\]|\[at\]|\(at\)", "@", s, flags=re.I)
    return re.sub(r"^hxxp", "http", s, flags=re.I)


def canon_url(v):
    v = refang(v.strip())
    m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)?([^/?#]*)(.*)$", v)
    scheme, host, rest = (m.group(1) or "").lower(), m.group(2).lower().rstrip("."), m.group(3)
    if rest == "/":
        rest = ""
    return scheme + host + rest


def bare_host(kind, v):
    """The host when `v` is a url or domain without scheme and path ("www.example.com")."""
    if kind not in ("url", "domain"):
        return None
    c = canon_url(v)
    return None if ("://" in c or re.search(r"[/?#]", c)) else c


def canon(kind, value):
    v = value.strip()
    try:
        if kind in ("email", "domain", "hash", "ethereum", "eth_tx"):
            return refang(v).lower().rstrip(".")
        if kind == "url":
            return canon_url(v)
        if kind == "ipv4" or kind == "ipv6":
            return str(ipaddress.ip_address(refang(v)))
        if kind == "cidr":
            return str(ipaddress.ip_network(refang(v), strict=False))
        if kind in ("iban", "plate"):
            return re.sub(r"[\s-]", "", v).upper()
        if kind in ("phone", "payment_card"):
            return re.sub(r"[\s().-]", "", v)
        if kind in ("bitcoin", "litecoin"):
            return v.lower() if v.lower().startswith(("bc1", "tb1", "ltc1")) else v
        if kind == "bitcoin_cash":
            v = v.lower()
            return v if v.startswith("bitcoincash:") else "bitcoincash:" + v
        if kind in ("telegram", "signal"):
            return v.lower()
        if kind == "imei":
            return re.sub(r"\D", "", v)
        if kind == "mac":
            return ":".join(re.findall(r"[0-9a-f]{2}", re.sub(r"[^0-9a-f]", "", v.lower())))
        if kind == "amount":
            number, _, currency = v.rpartition(" ")
            d = Decimal(number.replace(",", "."))
            return f"{format(d.normalize(), 'f')} {currency.upper()}"
        if kind == "date":
            return v.upper().replace(" ", "T")
    except (ValueError, InvalidOperation):
        pass
    return v


def gold_keys(row):
    """The keys a reported entity may have to match `row`."""
    keys = set()
    if row.settled:
        keys.add((row.kind, canon(row.kind, row.value)))
    if "alt" in row.attrs:
        for alt in row.attrs["alt"].split("|"):
            keys.add((row.kind, canon(row.kind, alt)))
    host = bare_host(row.kind, row.value)
    if host:
        keys |= {("url", host), ("domain", host)}
    if row.readings:
        keys.add(("ambiguous-readings", row.readings))
        if not row.settled:
            keys.add(("ambiguous-text", row.value))
    if row.kind == "phone" and row.settled:
        keys.add(("phone-reading", canon("phone", row.value)))
    return keys


def readings_of(entity):
    for key in ("readings", "alternatives", "interpretations"):
        r = entity.get(key)
        if isinstance(r, list) and r:
            return frozenset(str(x) for x in r)
    return None


def reported_keys(entity):
    kind, value = entity["kind"], str(entity.get("value", ""))
    keys = {(kind, canon(kind, value))}
    if entity.get("ambiguous") is True:
        r = readings_of(entity)
        if r:
            keys.add(("ambiguous-readings", r))
        keys.add(("ambiguous-text", value))
        for o in entity.get("occurrences", []):
            keys.add(("ambiguous-text", o.get("text", "")))
        # A national number kept as written because its country is unknown, with the gold's
        # E.164 form among its readings: right, as an ambiguous date with the gold's reading.
        if kind == "phone":
            for r in entity.get("readings") or []:
                keys.add(("phone-reading", canon("phone", str(r))))
    return keys


# ---------------------------------------------------------------------------------------------
# Running ava


def clean_env(home, region):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AVA_", "OPENAI_"))}
    env.update(
        HOME=home,
        AVA_CONFIG_DIR=os.path.join(home, "config"),
        AVA_DATA_DIR=os.path.join(home, "data"),
        AVA_AUDIT_LOG="off",
    )
    if region:
        env["AVA_REGION"] = region
    return env


def run_ava(ava, path, region, home):
    cmd = [ava, "--provider", "builtin", "-q", "process", "--template", "entities", "--json", path]
    p = subprocess.run(cmd, capture_output=True, env=clean_env(home, region), cwd=home)
    if p.returncode != 0:
        raise RuntimeError(f"exit {p.returncode}: {p.stderr.decode('utf-8', 'replace').strip()}")
    records = [json.loads(l) for l in p.stdout.decode("utf-8").splitlines() if l.strip()]
    if len(records) != 1:
        raise RuntimeError(f"expected one JSON record, got {len(records)}")
    rec = records[0]
    if "error" in rec:
        raise RuntimeError(rec["error"])
    out = rec.get("output")
    if isinstance(out, str):
        out = json.loads(out)
    return out["entities"], p.stderr.decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------------
# Checks


def mask_like(original, shown):
    """`original` with `*` wherever `shown` hides a digit (cards are shown masked)."""
    out = "".join("*" if s == "*" and o.isdigit() else o for o, s in zip(original, shown))
    return out + original[len(shown):]


def offset_problems(data, entity, encoding="utf-8", bom=b""):
    """One message per occurrence whose bytes file_start..file_end, decoded with the file's
    encoding, are not its text, or whose line is not the line of `file_start`. These offsets
    count the file as stored, BOM included (`start`/`end` count the decoded text; README
    "Offsets"); every document here is plain text, so each occurrence must have them."""
    problems = []
    for o in entity.get("occurrences", []):
        start, end, text = o.get("file_start"), o.get("file_end"), o.get("text", "")
        if not isinstance(start, int) or not isinstance(end, int) \
                or not len(bom) <= start <= end <= len(data):
            problems.append(f"span {start}..{end} outside the text ({len(data)} bytes): {text!r}")
            continue
        try:
            raw = data[start:end].decode(encoding)
            before = data[len(bom):start].decode(encoding)
        except UnicodeDecodeError:
            problems.append(f"bytes {start}..{end} do not start and end on characters: {text!r}")
            continue
        if entity["kind"] == "payment_card":
            raw = mask_like(raw, text)
        wrong = []
        if raw != text:
            wrong.append(f"bytes {start}..{end} are {raw!r}, reported text {text!r}")
        line = before.count("\n") + 1
        if o.get("line") != line:
            wrong.append(f"{text!r} at byte {start} is on line {line}, "
                         f"reported line {o.get('line')}")
        if wrong:
            problems.append("; ".join(wrong))
    return problems


# Copies of each document as other encodings ava reads (README "Inputs and outputs"): offsets
# must still point at the bytes as stored, and the entities must be the same.
VARIANTS = {
    "utf-8 with BOM": (b"\xef\xbb\xbf", "utf-8"),
    "utf-16le with BOM": (b"\xff\xfe", "utf-16-le"),
}


def check_variants(ava, gold, data, entities, region, home):
    """{variant: (occurrences, offset problems, entity differences or an error)}."""
    plain = {(e["kind"], str(e.get("value"))) for e in entities}
    out = {}
    for name, (bom, encoding) in VARIANTS.items():
        copy = bom + data.decode("utf-8").encode(encoding)
        path = os.path.join(home, "variant-" + gold.file)
        with open(path, "wb") as f:
            f.write(copy)
        try:
            got, _ = run_ava(ava, path, region, home)
        except (RuntimeError, ValueError, KeyError, TypeError) as e:
            out[name] = (0, [], [f"failed: {e}"])
            continue
        problems = [f"{e['kind']} {e.get('value')}: {p}" for e in got
                    for p in offset_problems(copy, e, encoding, bom)]
        values = {(e["kind"], str(e.get("value"))) for e in got}
        diff = [f"only in the plain file: {k} {v}" for k, v in sorted(plain - values)] + \
               [f"only in this copy: {k} {v}" for k, v in sorted(values - plain)]
        out[name] = (sum(len(e.get("occurrences", [])) for e in got), problems, diff)
    return out


def lint(gold, data):
    """Warnings about the gold file itself: stale corpus file, lines out of range, verbatim
    values or look-alike texts not on the line they are said to be on."""
    warnings = []
    if gold.header.get("sha256") and hashlib.sha256(data).hexdigest() != gold.header["sha256"]:
        warnings.append(f"{gold.file} differs from the file the gold was written for (sha256)")
    lines = data.decode("utf-8", "replace").split("\n")
    for r in gold.rows:
        for n in r.lines:
            if not 1 <= n <= len(lines):
                warnings.append(f"{r.where}: line {n} out of range")
                continue
            text = lines[n - 1]
            if r.lookalike and r.value not in text:
                warnings.append(f"{r.where}: look-alike {r.value!r} not on line {n}")
            if r.kind in ("email", "hash", "domain", "ipv4") and not r.lookalike:
                if r.value.lower() not in refang(text).lower():
                    warnings.append(f"{r.where}: {r.value!r} not on line {n}")
    seen = Counter((r.kind, canon(r.kind, r.value)) for r in gold.rows if not r.lookalike)
    for (k, v), c in seen.items():
        if c > 1:
            warnings.append(f"{gold.name}: {k} {v} listed {c} times")
    return warnings


# ---------------------------------------------------------------------------------------------
# Scoring one document


def date_only_keys(row):
    """A gold date with a time (`2016-09-01T16:32`) is also matched, in a second pass, by the
    date alone: ava may give the time as a `time` entity of its own or not at all."""
    if row.kind == "date" and "T" in row.value and row.settled:
        return {("date", row.value.split("T")[0])}
    return set()


def score(gold, entities, data):
    """Matches reported entities to gold rows. Returns a dict of lists (tp, fn, fp, optional
    hits, dates matched without their time, look-alike hits, offset problems)."""
    required, optional = gold.required, gold.optional
    req_keys = [gold_keys(r) for r in required]
    opt_keys = [gold_keys(r) for r in optional]
    ent_keys = [reported_keys(e) for e in entities]
    row_of = {}  # required row index -> entity index
    # 1. Exact: kind and normalised value.
    for n, keys in enumerate(ent_keys):
        i = next((i for i, k in enumerate(req_keys) if i not in row_of and k & keys), None)
        if i is not None:
            row_of[i] = n
    # 2. A date-with-time row still unmatched: the same date reported on its line, the time
    #    lost or given apart. The entity may already stand for another row (the same date
    #    elsewhere without a time); it then counts for both.
    date_only = []
    taken = set(row_of.values())
    for i, row in enumerate(required):
        wanted = date_only_keys(row)
        if i in row_of or not wanted:
            continue
        cands = [n for n, keys in enumerate(ent_keys)
                 if wanted & keys and set(occurrence_lines(entities[n])) & set(row.lines)]
        cands.sort(key=lambda n: n in taken)
        if cands:
            row_of[i] = cands[0]
            taken.add(cands[0])
            date_only.append((row, entities[cands[0]]))
    taken = set(row_of.values())
    tp = [(required[i], entities[n]) for i, n in sorted(row_of.items())]
    fn = [r for i, r in enumerate(required) if i not in row_of]
    fp, opt_hits, used_opt = [], [], set()
    # The same value reported as two items (ava keeps an occurrence read with a doubt, e.g. a
    # date whose day/month order was assumed, apart from the same value read for certain):
    # one entity, not a false positive.
    matched_values = {(required[i].kind, canon(required[i].kind, required[i].value))
                      for i in row_of if required[i].settled}
    split = []
    for n, e in enumerate(entities):
        if n in taken:
            continue
        if (e["kind"], canon(e["kind"], str(e.get("value", "")))) in matched_values:
            split.append(e)
            continue
        j = next((j for j, k in enumerate(opt_keys) if j not in used_opt and k & ent_keys[n]), None)
        if j is not None:
            used_opt.add(j)
            opt_hits.append((optional[j], e))
        else:
            fp.append(e)

    # The time of a date matched without it, reported apart on the same line: right, and
    # already credited with the date, so neither a hit nor a false positive.
    time_apart = []
    for e in list(fp):
        if e["kind"] != "time":
            continue
        lines = set(occurrence_lines(e))
        for row, _ in date_only:
            if row.value.split("T")[1][:5] == str(e.get("value"))[:5] and lines & set(row.lines):
                fp.remove(e)
                time_apart.append((row, e))
                break

    # Look-alikes: a false positive whose span overlaps the look-alike's text on its line.
    text_lines = data.split(b"\n")
    line_starts = [0]
    for t in text_lines[:-1]:
        line_starts.append(line_starts[-1] + len(t) + 1)
    spans = []
    for r in gold.lookalikes:
        needle = r.value.encode("utf-8")
        for n in r.lines:
            if n > len(text_lines):
                continue
            for m in re.finditer(re.escape(needle), text_lines[n - 1]):
                spans.append((r, line_starts[n - 1] + m.start(), line_starts[n - 1] + m.end()))
    lookalike_hits = []
    for e in fp:
        for o in e.get("occurrences", []):
            for r, s, t in spans:
                if isinstance(o.get("start"), int) and o["start"] < t and s < o.get("end", 0):
                    lookalike_hits.append((r, e, o))

    offsets = [(e, p) for e in entities for p in offset_problems(data, e)]
    return dict(tp=tp, fn=fn, fp=fp, split=split, optional=opt_hits, date_only=date_only, time_apart=time_apart,
                lookalikes=lookalike_hits, offsets=offsets)


def matched_occurrences(tp):
    """(kind, gold lines, reported lines) per matched entity; an entity that stands for two
    rows (a date, and the same date with a time) is compared with the lines of both."""
    by_entity = {}
    for row, e in tp:
        kind, want, got = by_entity.setdefault(id(e), (row.kind, Counter(), occurrence_lines(e)))
        want.update(row.lines)
    return list(by_entity.values())


def occurrence_lines(entity):
    return Counter(o.get("line") for o in entity.get("occurrences", []))


# ---------------------------------------------------------------------------------------------
# Report


def ratio(a, b):
    return a / b if b else None


def fmt(x):
    return "—" if x is None else f"{x:.3f}"


def describe(e):
    lines = ",".join(str(o.get("line")) for o in e.get("occurrences", []))
    texts = sorted({o.get("text", "") for o in e.get("occurrences", [])})
    extra = " ambiguous" if e.get("ambiguous") is True else ""
    return (f"{e['kind']:<12} {e.get('value')!s:<44} line {lines:<10} "
            f"text {' | '.join(map(repr, texts))}"
            f"{' VERIFIED' if e.get('verified') is True else ''}{extra}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ava", default="target/release/ava", help="the ava binary")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS, help="directory with the documents")
    ap.add_argument("--region", help="AVA_REGION for every document, or 'doc' for each gold "
                    "file's own region (default: none, ava infers it)")
    ap.add_argument("--show", action="store_true", help="list false negatives and positives")
    ap.add_argument("--json", metavar="OUT", help="write figures and lists as JSON to OUT")
    ap.add_argument("--encodings", action="store_true", help="also run a UTF-8-with-BOM and a "
                    "UTF-16LE copy of each document and check their offsets")
    ap.add_argument("--only", nargs="*", default=[], help="only documents whose name starts so")
    ap.add_argument("--set", choices=["corpus", "synthetic"], default="corpus",
                    help="the public documents (gold in bench/extract/, documents in --corpus) "
                    "or the synthetic look-alike set (bench/extract/synthetic/, documents and "
                    "gold side by side)")
    ap.add_argument("--baseline", action="store_true", help="score the plain-regex baseline "
                    "(bench/extract_regex.py) instead of ava")
    args = ap.parse_args()

    gold_dir = GOLD_DIR
    if args.set == "synthetic":
        gold_dir = os.path.join(GOLD_DIR, "synthetic")
        args.corpus = gold_dir
    golds = [Gold(os.path.join(gold_dir, f)) for f in sorted(os.listdir(gold_dir))
             if f.endswith(".gold.tsv")]
    if args.only:
        golds = [g for g in golds if g.name.startswith(tuple(args.only))]
    ava = os.path.abspath(args.ava) if os.sep in args.ava else args.ava

    per_kind = defaultdict(Counter)  # kind -> tp, fn, fp, occ_tp, occ_fn, occ_fp
    docs, failures, warnings = [], [], []
    with tempfile.TemporaryDirectory(prefix="ava-bench-extract-") as home:
        for g in golds:
            path = os.path.join(args.corpus, g.file)
            try:
                data = open(path, "rb").read()
            except OSError as e:
                failures.append((g.name, f"cannot read: {e}"))
                continue
            warnings += lint(g, data)
            region = None
            if args.region == "doc":
                region = None if g.region == "none" else g.region
            elif args.region:
                region = args.region
            try:
                if args.baseline:
                    entities = extract_regex.extract(data, None if g.region == "none"
                                                     else g.region)
                else:
                    entities, _ = run_ava(ava, path, region, home)
            except (RuntimeError, ValueError, KeyError, TypeError) as e:
                failures.append((g.name, str(e)))
                continue
            s = score(g, entities, data)
            s["name"], s["region"] = g.name, region
            s["variants"] = {}
            if args.encodings and not args.baseline:
                s["variants"] = check_variants(ava, g, data, entities, region, home)
            docs.append(s)
            for row, _ in s["tp"]:
                per_kind[row.kind]["tp"] += 1
            for kind, want, got in matched_occurrences(s["tp"]):
                c = per_kind[kind]
                both = sum((want & got).values())
                c["occ_tp"] += both
                c["occ_fn"] += sum(want.values()) - both
                c["occ_fp"] += sum(got.values()) - both
            for row in s["fn"]:
                per_kind[row.kind]["fn"] += 1
                per_kind[row.kind]["occ_fn"] += len(row.lines)
            for e in s["fp"]:
                per_kind[e["kind"]]["fp"] += 1
                per_kind[e["kind"]]["occ_fp"] += len(e.get("occurrences", []))
                if e.get("verified") is True:
                    per_kind[e["kind"]]["wrong_verified"] += 1

    for w in warnings:
        print(f"gold warning: {w}", file=sys.stderr)
    for name, err in failures:
        print(f"FAILED {name}: {err}", file=sys.stderr)

    total = Counter()
    for c in per_kind.values():
        total.update(c)
    region_note = args.region or "none given (inferred by ava)"
    who = "plain-regex baseline (bench/extract_regex.py)" if args.baseline else f"ava: {args.ava}"
    print(f"{who}   region: {region_note}   documents: {len(docs)}"
          + (f" ({len(failures)} failed)" if failures else ""))
    print()
    head = f"{'kind':<13}{'gold':>5}{'found':>6}{'TP':>5}{'FN':>5}{'FP':>5}{'recall':>8}" \
           f"{'precision':>10}" \
           f"{'wrong verified':>16}{'occ recall':>12}{'occ precision':>14}"
    print(head)
    print("-" * len(head))
    rows = {}
    for kind in sorted(per_kind, key=lambda k: (-(per_kind[k]["tp"] + per_kind[k]["fn"]), k)):
        c = per_kind[kind]
        rows[kind] = figures(c)
        print_row(kind, c)
    print("-" * len(head))
    print_row("overall", total)
    rows["overall"] = figures(total)

    n_lookalikes = sum(len(g.lookalikes) for g in golds)
    lookalike_hits = [(d["name"], r, e, o) for d in docs for r, e, o in d["lookalikes"]]
    offsets = [(d["name"], e, p) for d in docs for e, p in d["offsets"]]
    n_occ = sum(len(e.get("occurrences", [])) for d in docs
                for e in [x for _, x in d["tp"]] + d["fp"] + [x for _, x in d["optional"]])
    print()
    print(f"wrong values marked verified: {total['wrong_verified']} "
          f"(of {total['fp']} reported values not in the gold)")
    kept = [(r, e) for d in docs for r, e in d["tp"] if e.get("ambiguous") is True]
    unverified_tp = [(r, e) for d in docs for r, e in d["tp"] if e.get("verified") is False]
    print(f"right values not marked verified: {len(unverified_tp)} of {total['tp']} "
          f"(kept ambiguous, gold among the readings: {len(kept)}, "
          f"of them phones: {sum(1 for r, _ in kept if r.kind == 'phone')})")
    print(f"values reported as two items (one read with a doubt), counted once: "
          f"{sum(len(d['split']) for d in docs)}")
    print(f"look-alikes reported: {len({(n, r.where) for n, r, _, _ in lookalike_hits})} "
          f"of {n_lookalikes} listed")
    print(f"dates matched without their time: {sum(len(d['date_only']) for d in docs)} "
          f"(the time reported apart: {sum(len(d['time_apart']) for d in docs)})")
    print(f"optional values reported: {sum(len(d['optional']) for d in docs)} "
          f"of {sum(len(g.optional) for g in golds)} (not scored)")
    print(f"occurrences whose file_start..file_end is not their text or line: {len(offsets)} of {n_occ}")

    for name in VARIANTS if args.encodings else []:
        occ = sum(d["variants"][name][0] for d in docs)
        bad = sum(len(d["variants"][name][1]) for d in docs)
        differ = sum(1 for d in docs if d["variants"][name][2])
        print(f"  copy as {name}: {bad} of {occ} occurrences off; entities differ from the plain "
              f"file in {differ} of {len(docs)} documents")
    print()
    print(f"{'document':<54}{'region':>7}{'TP':>5}{'FN':>5}{'FP':>5}{'wrong verified':>16}")
    for d in docs:
        wv = sum(1 for e in d["fp"] if e.get("verified") is True)
        print(f"{d['name'][:53]:<54}{d['region'] or '-':>7}{len(d['tp']):>5}{len(d['fn']):>5}"
              f"{len(d['fp']):>5}{wv:>16}")

    met = goals_met(rows, total)
    print()
    print("goals (issue 15): "
          + "; ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in met.items()))

    if args.show:
        for d in docs:
            lines_differ = [(r, e) for r, e in d["tp"] if Counter(r.lines) != occurrence_lines(e)
                            and not any(x is e for _, x in d["date_only"])]
            variant_notes = [(n, p) for n, (_, probs, diff) in d["variants"].items()
                             for p in (probs[:3] + diff[:3])]
            if not (d["fn"] or d["fp"] or d["offsets"] or lines_differ or d["date_only"]
                    or variant_notes):
                continue
            print(f"\n== {d['name']}")
            for row in d["fn"]:
                extra = f"  [{row.attrs}]" if row.attrs else ""
                lines = ",".join(map(str, row.lines))
                print(f"  FN {row.kind:<12} {row.value:<44} line {lines}{extra}")
            for e in d["fp"]:
                la = [r for n, r, x, _ in lookalike_hits if n == d["name"] and x is e]
                tag = f"  (look-alike: {la[0].kind} {la[0].value!r})" if la else ""
                print(f"  FP {describe(e)}{tag}")
            for r, e in d["date_only"]:
                print(f"  DATE WITHOUT TIME  gold {r.value}, reported {e.get('value')} (line "
                      f"{','.join(map(str, r.lines))})")
            for r, e in lines_differ:
                got = ",".join(str(o.get("line")) for o in e.get("occurrences", []))
                want = ",".join(map(str, r.lines))
                print(f"  LINES {r.kind:<12} {r.value:<44} gold line {want}, "
                      f"reported {got}")
            for n, p in variant_notes:
                print(f"  {n.upper()}: {p}")
            for e, p in d["offsets"]:
                print(f"  OFFSET {e['kind']} {e.get('value')}: {p}")

    if args.json:
        out = {
            "ava": args.ava, "region": args.region, "corpus": args.corpus,
            "kinds": rows, "documents": [
                {"name": d["name"], "region": d["region"],
                 "tp": [[r.kind, r.value, e.get("value")] for r, e in d["tp"]],
                 "fn": [[r.kind, r.value, r.lines] for r in d["fn"]],
                 "fp": [{k: e.get(k) for k in ("kind", "value", "verified", "occurrences")}
                        for e in d["fp"]],
                 "date_without_time": [[r.value, e.get("value")] for r, e in d["date_only"]],
                 "lookalikes_reported": [[r.kind, r.value, o.get("line")]
                                         for r, _, o in d["lookalikes"]],
                 "offset_problems": [p for _, p in d["offsets"]],
                 "variants": {n: {"occurrences": v[0], "offset_problems": v[1],
                                  "entities_differ": v[2]}
                              for n, v in d["variants"].items()}}
                for d in docs],
            "failures": failures, "gold_warnings": warnings, "goals_met": met,
        }
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False, indent=1)
    return 1 if failures else 0


def figures(c):
    return {
        "gold": c["tp"] + c["fn"], "tp": c["tp"], "fn": c["fn"], "fp": c["fp"],
        "recall": ratio(c["tp"], c["tp"] + c["fn"]),
        "precision": ratio(c["tp"], c["tp"] + c["fp"]),
        "wrong_verified": c["wrong_verified"],
        "occ_recall": ratio(c["occ_tp"], c["occ_tp"] + c["occ_fn"]),
        "occ_precision": ratio(c["occ_tp"], c["occ_tp"] + c["occ_fp"]),
    }


def print_row(kind, c):
    f = figures(c)
    print(f"{kind:<13}{f['gold']:>5}{c['tp'] + c['fp']:>6}{c['tp']:>5}{c['fn']:>5}{c['fp']:>5}"
          f"{fmt(f['recall']):>8}{fmt(f['precision']):>10}{c['wrong_verified']:>16}"
          f"{fmt(f['occ_recall']):>12}{fmt(f['occ_precision']):>14}")


def goals_met(rows, total):
    o = rows["overall"]
    kinds = [f for k, f in rows.items() if k != "overall"]
    return {
        "recall >= 0.97": (o["recall"] or 0) >= GOALS["recall"],
        "precision >= 0.97": (o["precision"] or 0) >= GOALS["precision"],
        "every kind >= 0.9": all((f["recall"] is None or f["recall"] >= GOALS["per_kind"])
                                 and (f["precision"] is None or f["precision"] >= GOALS["per_kind"])
                                 for f in kinds),
        "zero wrong verified": total["wrong_verified"] == GOALS["wrong_verified"],
    }


if __name__ == "__main__":
    sys.exit(main())
