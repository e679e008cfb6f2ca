"""The "plain regex" baseline of bench/extract.py (`--baseline`): the simplest grep-style
patterns a user would write for each kind, with no validation (no checksum, calendar, TLD list
or cue words), no defanged forms and no written-out numbers.

To measure what the patterns *find* rather than how their matches are normalised, each match
gets the normalisation the gold uses where that is only formatting: phones are given the
document's country code when they have none (the region the gold file declares — help ava does
not get), dates are turned into ISO 8601 (day first, month first in a US document), amounts lose
their grouping and get the currency's ISO code. Nothing a pattern matched is dropped, so its
precision is that of the patterns. Every value is reported `verified: false` (the baseline
checks nothing), so "wrong verified" does not apply to it. Standard library only.
"""
import re

B58 = "[1-9A-HJ-NP-Za-km-z]"
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
MONTH_RE = "|".join(m.capitalize() for m in MONTHS)
CALLING = {"US": "1", "GB": "44", "NZ": "64", "DE": "49", "FR": "33", "PL": "48"}
SIGN = {"$": "USD", "€": "EUR", "£": "GBP", "zł": "PLN", "PLN": "PLN", "EUR": "EUR",
        "USD": "USD", "GBP": "GBP", "euros": "EUR", "euro": "EUR", "Euro": "EUR",
        "złotych": "PLN", "dollars": "USD"}

# kind -> pattern, in the order a user would try them; every match is reported.
PATTERNS = [
    ("email", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ("url", r"https?://[^\s<>\"'\]]+"),
    ("domain", r"\b(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|gov|uk|pl|de|fr|nz|ru|io|info|xyz|top)\b"),
    ("ipv4", r"\b\d{1,3}(?:\.\d{1,3}){3}\b"),
    ("iban", r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,4})?\b"),
    ("bitcoin", r"\b(?:[13]" + B58 + r"{25,34}|bc1[a-z0-9]{25,90})\b"),
    ("ethereum", r"\b0x[a-fA-F0-9]{40}\b"),
    ("litecoin", r"\b(?:[LM]" + B58 + r"{26,33}|ltc1[a-z0-9]{25,90})\b"),
    ("bitcoin_cash", r"\b(?:bitcoincash:)?[qp][a-z0-9]{41}\b"),
    ("dash", r"\bX" + B58 + r"{33}\b"),
    ("tron", r"\bT" + B58 + r"{33}\b"),
    ("solana", r"\b" + B58 + r"{32,44}\b"),
    ("hash", r"\b(?:[a-fA-F0-9]{64}|[a-fA-F0-9]{40}|[a-fA-F0-9]{32})\b"),
    ("telegram", r"(?<![\w.])@[A-Za-z][\w]{4,31}\b|t\.me/[A-Za-z][\w]{4,31}"),
    ("imei", r"\b\d{15}\b"),
    ("mac", r"\b[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}\b"),
    ("date", r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{4}\b|\b(?:" + MONTH_RE
     + r")\.? \d{1,2},? \d{4}\b|\b\d{1,2} (?:" + MONTH_RE + r") \d{4}\b"),
    ("time", r"\b\d{1,2}:\d{2}\b"),
    ("amount", r"(?:[$€£]\s?\d[\d,.]*\d|\b\d[\d,. ]*\d\s?(?:(?:zł|PLN|EUR|USD|GBP|euros?|Euro|złotych|dollars)\b|€))"),
    ("phone", r"(?<![\w.])\+?\(?\d[\d\s().-]{7,16}\d\b"),
]
COMPILED = [(k, re.compile(p)) for k, p in PATTERNS]


def normalise(kind, text, region):
    if kind == "phone":
        digits = re.sub(r"\D", "", text)
        if text.startswith("+"):
            return "+" + digits
        cc = CALLING.get(region or "")
        if cc == "1":
            return "+" + (digits if len(digits) == 11 and digits.startswith("1") else "1" + digits)
        if cc:
            return "+" + cc + digits.lstrip("0")
        return digits
    if kind == "date":
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})$", text)
        if m:
            return text
        m = re.match(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})$", text)
        if m:
            a, b, y = m.groups()
            d, mo = (b, a) if region == "US" and "." not in text else (a, b)
            return f"{y}-{int(mo):02d}-{int(d):02d}"
        words = re.findall(r"[A-Za-z]+|\d+", text)
        month = next((MONTHS.index(w.lower()) + 1 for w in words if w.lower() in MONTHS), 1)
        nums = [w for w in words if w.isdigit()]
        year = next((n for n in nums if len(n) == 4), "0")
        day = next((n for n in nums if len(n) <= 2), "1")
        return f"{year}-{month:02d}-{int(day):02d}"
    if kind == "time":
        h, m = text.split(":")
        return f"{int(h):02d}:{m}"
    if kind == "amount":
        cur = next((c for s, c in SIGN.items() if s in text), "")
        number = re.sub(r"[^\d.,]", "", text)
        # The user's script: "," groups thousands, "." is the decimal mark.
        number = number.replace(",", "")
        return f"{number or '0'} {cur}"
    if kind == "telegram":
        return "@" + text.split("/")[-1].lstrip("@").lower()
    if kind == "mac":
        return re.sub("-", ":", text.lower())
    return text


def extract(data, region):
    """Entities in the shape ava reports them (kind, value, occurrences with byte offsets)."""
    text = data.decode("utf-8", "replace")
    taken = []  # byte spans already reported by an earlier pattern
    by_key = {}
    for kind, rx in COMPILED:
        for m in rx.finditer(text):
            s = len(text[: m.start()].encode("utf-8"))
            e = s + len(m.group(0).encode("utf-8"))
            if any(s < t2 and t1 < e for t1, t2 in taken):
                continue
            taken.append((s, e))
            value = normalise(kind, m.group(0).strip(), region)
            line = text.count("\n", 0, m.start()) + 1
            ent = by_key.setdefault((kind, value), {"kind": kind, "value": value,
                                                    "verified": False, "occurrences": []})
            ent["occurrences"].append({"line": line, "start": s, "end": e,
                                       "text": m.group(0)})
    return list(by_key.values())
