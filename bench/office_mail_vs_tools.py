#!/usr/bin/env python3
"""ava against the tools users would otherwise install, on files made from real public text
(issue 11): DOCX and ODT against `pandoc -t plain` (Debian's pandoc), .eml against Python's
`email` package. Word agreement in reading order and time.

    apt-get install pandoc
    cargo build --release --no-default-features
    python3 bench/office_mail_vs_tools.py target/release/ava [CORPUS_DIR] [OUT_DIR] [-v]

The DOCX and ODT are written by pandoc from Markdown (headings, paragraphs, a table, a
footnote); the e-mails by Python's `email` package (quoted-printable UTF-8, base64 ISO-8859-2,
multipart/alternative with an HTML part, a PDF attachment).

Both sides are compared as words; tokens that are only punctuation (pandoc's table rules
`----`, ava's cell separator `|`) are dropped first, as is pandoc's footnote marker style
(`[1]` both). Agreement is the longest common subsequence over the longer list.
"""

import os
import re
import statistics
import subprocess
import sys
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

args = [a for a in sys.argv[1:] if a != "-v"]
VERBOSE = "-v" in sys.argv
AVA = args[0]
CORPUS = args[1] if len(args) > 1 else "/work/shared/corpus"
OUT = args[2] if len(args) > 2 else "/tmp/ava-office"


def corpus(prefix):
    for name in sorted(os.listdir(CORPUS)):
        if name.startswith(prefix) and name.endswith(".txt"):
            with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
                return f.read()
    raise SystemExit(f"{prefix}*.txt not in {CORPUS}")


def paragraphs(text):
    for block in re.split(r"\n\s*\n", text):
        block = " ".join(block.split())
        if block:
            yield block


def md_escape(s):
    return re.sub(r"([\\`*_{}\[\]<>#|$~^])", r"\\\1", s)


def markdown(prefix, table_rows):
    ps = list(paragraphs(corpus(prefix)))
    out = [f"# {md_escape(ps[0])}", ""]
    for i, p in enumerate(ps[1:]):
        note = "[^1]" if i == 1 else ""
        out += [md_escape(p) + note, ""]
        if i == 2:
            head, *rows = table_rows
            out.append("| " + " | ".join(head) + " |")
            out.append("|" + "---|" * len(head))
            out += ["| " + " | ".join(r) + " |" for r in rows]
            out.append("")
    out += ["[^1]: Source: a public press release; reproduced for a reading benchmark.", ""]
    return "\n".join(out)


TABLE = [
    ["Name", "Role", "Amount", "Date"],
    ["Jan Kowalski", "suspect", "1500 zł", "12 March 2024"],
    ["Anna Nowak", "victim", "820 000 zł", "3 April 2024"],
    ["Piotr Wiśniewski", "witness", "none", "5 May 2024"],
]


def make_office():
    made = []
    for prefix, name in (("03-", "brooklyn"), ("12-", "lodz-pl"), ("06-", "san-diego")):
        md = os.path.join(OUT, f"{name}.md")
        with open(md, "w", encoding="utf-8") as f:
            f.write(markdown(prefix, TABLE))
        for ext in ("docx", "odt"):
            path = os.path.join(OUT, f"{name}.{ext}")
            subprocess.run(["pandoc", md, "-o", path], check=True)
            made.append(path)
    return made


def make_mail():
    made = []
    pl = "\n\n".join(paragraphs(corpus("12-")))
    en = "\n\n".join(paragraphs(corpus("01-")))

    m = EmailMessage()
    m["From"] = "Komenda Policji <rzecznik@policja.example.pl>"
    m["To"] = "Jan Śliwiński <jan@example.org>"
    m["Cc"] = "biuro@example.org"
    m["Subject"] = "Oszuści na policjanta zatrzymani – komunikat"
    m["Date"] = "Tue, 05 Mar 2024 10:15:00 +0100"
    m["Message-ID"] = "<komunikat-1@policja.example.pl>"
    m.set_content(pl, charset="utf-8", cte="quoted-printable")
    made.append(("qp-utf8-pl.eml", m))

    m = EmailMessage()
    m["From"] = "press@da.example.gov"
    m["To"] = "desk@news.example.com"
    m["Subject"] = "HOA controller charged"
    m["Date"] = "Wed, 06 Mar 2024 09:00:00 -0500"
    m["Message-ID"] = "<pr-2@da.example.gov>"
    m.set_content(en, charset="utf-8", cte="base64")
    html = "".join(f"<p>{p}</p>" for p in paragraphs(corpus("01-")))
    m.add_alternative(f"<html><body>{html}</body></html>", subtype="html")
    made.append(("alt-base64-en.eml", m))

    m = EmailMessage()
    m["From"] = "sekretariat@sad.example.pl"
    m["To"] = "adwokat@example.pl"
    m["Subject"] = "Wyrok XV K 792/13"
    m["Date"] = "Thu, 07 Mar 2024 14:30:00 +0100"
    m["Message-ID"] = "<wyrok-3@sad.example.pl>"
    body = "\n\n".join(list(paragraphs(corpus("10-")))[:12])
    m.set_content(body.encode("iso-8859-2"), maintype="text", subtype="plain", cte="base64")
    m.set_param("charset", "iso-8859-2")
    pdf = "/tmp/ava-pdf/judgment-pl-short.pdf"
    if os.path.exists(pdf):
        with open(pdf, "rb") as f:
            m.add_attachment(f.read(), maintype="application", subtype="pdf", filename="wyrok.pdf")
    made.append(("b64-iso88592-attachment.eml", m))

    out = []
    for name, msg in made:
        path = os.path.join(OUT, name)
        with open(path, "wb") as f:
            f.write(msg.as_bytes(policy=policy.SMTP))
        out.append(path)
    return out


def words(text):
    return [w for w in text.split() if re.search(r"\w", w)]


def lcs(a, b):
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b):
            cur[j + 1] = prev[j] + 1 if x == y else max(prev[j + 1], cur[j])
        prev = cur
    return prev[len(b)]


def run(cmd):
    t = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    return out.decode("utf-8", "replace"), time.perf_counter() - t


def python_email(path):
    """What a Python user gets: the header fields ava shows, the preferred text body, the
    attachment names."""
    with open(path, "rb") as f:
        msg = BytesParser(policy=policy.default).parse(f)
    lines = [f"{h}: {msg[h]}" for h in ("From", "To", "Cc", "Date", "Subject", "Message-ID") if msg[h]]
    body = msg.get_body(preferencelist=("plain", "html"))
    lines.append(body.get_content() if body else "")
    for att in msg.iter_attachments():
        lines.append(att.get_filename() or "")
    return "\n".join(lines)


def compare(path, theirs_fn):
    ours, t_ours = [], []
    theirs, t_theirs = [], []
    for _ in range(3):
        o, t = run([AVA, "text", path])
        ours.append(o)
        t_ours.append(t)
        th, t2 = theirs_fn(path)
        theirs.append(th)
        t_theirs.append(t2)
    a, b = words(ours[0]), words(theirs[0])
    same = lcs(a, b)
    of = max(len(a), len(b))
    if VERBOSE and same < of:
        import difflib

        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag != "equal":
                print(f"    ava {a[i1:i2][:12]} | tool {b[j1:j2][:12]}")
    return same, of, statistics.median(t_ours), statistics.median(t_theirs)


def pandoc(path):
    return run(["pandoc", path, "-t", "plain", "--wrap=none"])


def py_email(path):
    t = time.perf_counter()
    text = python_email(path)
    return text, time.perf_counter() - t


def main():
    os.makedirs(OUT, exist_ok=True)
    print("| file | tool | words (tool) | word agreement | ava time | tool time |")
    print("|---|---|---|---|---|---|")
    for path, tool, fn in [(p, "pandoc", pandoc) for p in make_office()] + [
        (p, "Python email", py_email) for p in make_mail()
    ]:
        same, of, ta, tt = compare(path, fn)
        name = os.path.basename(path)
        note = " (in-process, no start-up)" if tool == "Python email" else ""
        print(
            f"| {name} | {tool} | {len(words(fn(path)[0]))} | {100 * same / max(of, 1):.2f} % "
            f"({same}/{of}) | {ta:.3f} s | {tt:.3f} s{note} |"
        )


if __name__ == "__main__":
    main()
