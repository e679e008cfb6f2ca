#!/usr/bin/env python3
"""Make text-layer PDFs of real public reports and judgments with ReportLab (issue 11's PDF
benchmark): a judgment with running header and footer, a Polish judgment (embedded TrueType
font, diacritics), a two-column report with header/footer, an IOC report with tables, and a
~100-page judgment for timing.

    pip install reportlab
    python3 bench/pdf_gen.py [CORPUS_DIR] [OUT_DIR]     # defaults: /work/shared/corpus /tmp/ava-pdf

The PDFs are not committed (the largest is ~1 MB and any machine with ReportLab makes them again
byte-for-byte: ReportLab's invariant mode fixes dates and ids).
"""

import html
import os
import re
import sys

from reportlab import rl_config

rl_config.invariant = 1  # same bytes every run

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_JUSTIFY  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    BaseDocTemplate,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

CORPUS = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/corpus"
OUT = sys.argv[2] if len(sys.argv) > 2 else "/tmp/ava-pdf"
FONTS = "/usr/share/fonts/truetype/dejavu"  # Debian's fonts-dejavu-core

pdfmetrics.registerFont(TTFont("Serif", f"{FONTS}/DejaVuSerif.ttf"))
pdfmetrics.registerFont(TTFont("Serif-Bold", f"{FONTS}/DejaVuSerif-Bold.ttf"))
pdfmetrics.registerFont(TTFont("Sans", f"{FONTS}/DejaVuSans.ttf"))
pdfmetrics.registerFont(TTFont("Sans-Bold", f"{FONTS}/DejaVuSans-Bold.ttf"))


def corpus(prefix):
    for name in sorted(os.listdir(CORPUS)):
        if name.startswith(prefix) and name.endswith(".txt"):
            with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
                return f.read()
    raise SystemExit(f"{prefix}*.txt not in {CORPUS}")


def paragraphs(text):
    """Blank-line separated paragraphs; single newlines inside are spaces."""
    for block in re.split(r"\n\s*\n", text):
        block = " ".join(block.split())
        if block:
            yield block


def styles(font, size, leading, justify=True):
    body = ParagraphStyle(
        "body",
        fontName=font,
        fontSize=size,
        leading=leading,
        spaceAfter=leading * 0.5,
        alignment=TA_JUSTIFY if justify else 0,
    )
    head = ParagraphStyle(
        "head", parent=body, fontName=font + "-Bold", fontSize=size + 2, leading=leading + 2
    )
    return body, head


def running(header, font):
    """Header on top, 'Page N' and the header's short name at the bottom: drawn before the
    page's body, as ReportLab's documented onPage idiom does."""

    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        w, h = doc.pagesize
        canvas.drawString(2 * cm, h - 1.3 * cm, header)
        canvas.drawRightString(w - 2 * cm, 1.2 * cm, f"Page {doc.page}")
        canvas.drawString(2 * cm, 1.2 * cm, "Public document")
        canvas.restoreState()

    return draw


def build(path, story, header, font, columns=1):
    doc = BaseDocTemplate(
        path,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=header,
    )
    gap = 0.8 * cm
    width = (doc.width - gap * (columns - 1)) / columns
    frames = [
        Frame(doc.leftMargin + i * (width + gap), doc.bottomMargin, width, doc.height, id=f"c{i}")
        for i in range(columns)
    ]
    doc.addPageTemplates([PageTemplate(id="p", frames=frames, onPage=running(header, font))])
    doc.build(story)


def para(text, style):
    return Paragraph(html.escape(text), style)


def judgment(prefixes, out, header, font, size=10, leading=13):
    body, head = styles(font, size, leading)
    story = []
    for prefix in prefixes.split():
        for p in paragraphs(corpus(prefix)):
            heading = len(p) < 60 and not p.endswith(".")
            story.append(para(p, head if heading else body))
    build(out, story, header, font)


def two_column(out):
    body, head = styles("Sans", 9, 11.5)
    story = []
    for prefix in ("03-", "04-", "06-"):
        ps = list(paragraphs(corpus(prefix)))
        story.append(para(ps[0], head))
        story += [para(p, body) for p in ps[1:]]
        story.append(Spacer(1, 12))
    build(out, story, "District Attorney press releases, 2015-2016", "Sans", columns=2)


def adoc_tables(out):
    """The ESET IOC notes (AsciiDoc): headings, paragraphs, lists, and |=== tables as real
    PDF tables (ruled cells, wrapped text)."""
    body, head = styles("Sans", 9, 11.5, justify=False)
    cell = ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9, spaceAfter=0)
    story = []
    for prefix in ("08-", "09-"):
        lines = corpus(prefix).splitlines()
        i = 0
        while i < len(lines):
            line = lines[i].rstrip()
            if line == "|===":
                rows, cur = [], None
                i += 1
                while i < len(lines) and lines[i].rstrip() != "|===":
                    raw = lines[i].rstrip()
                    if raw.startswith("|"):
                        cur = [c.strip() for c in raw[1:].split("|")]
                        rows.append(cur)
                    elif cur is not None and raw:  # a cell continued on the next line
                        cur[-1] += " " + raw.strip()
                    i += 1
                clean = [
                    [para(re.sub(r"[`+]", "", c).strip(), cell) for c in r] for r in rows if r
                ]
                n = max(len(r) for r in clean)
                clean = [r + [para("", cell)] * (n - len(r)) for r in clean]
                widths = [17 * cm / n] * n
                if n == 4:
                    widths = [6.2 * cm, 3 * cm, 3.8 * cm, 4 * cm]
                t = Table(clean, colWidths=widths, repeatRows=1)
                t.setStyle(
                    TableStyle(
                        [
                            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                            ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                        ]
                    )
                )
                story += [t, Spacer(1, 8)]
            elif line.startswith("="):
                story.append(para(line.lstrip("= "), head))
            elif line.startswith("[") or not line.strip():
                pass
            else:
                story.append(para(re.sub(r"[`+]", "", line.lstrip("- ")), body))
            i += 1
    build(out, story, "ESET Research - Indicators of Compromise", "Sans")


def main():
    os.makedirs(OUT, exist_ok=True)
    made = {
        "judgment-en.pdf": lambda p: judgment(
            "15-", p, "Hajiyeva v National Crime Agency [2020] EWCA Civ 108", "Serif"
        ),
        "judgment-pl.pdf": lambda p: judgment(
            "11-", p, "Wyrok Sądu Apelacyjnego w Katowicach, I ACa 927/13", "Serif"
        ),
        "judgment-pl-short.pdf": lambda p: judgment(
            "10-", p, "Wyrok Sądu Rejonowego w Białymstoku, XV K 792/13", "Sans"
        ),
        "report-2col.pdf": two_column,
        "iocs-tables.pdf": adoc_tables,
        # Two Court of Appeal judgments, 33 700 words at 12/20 pt: ~100 pages.
        "long-100p.pdf": lambda p: judgment(
            "19- 15-", p, "R (Bridges) v Chief Constable of South Wales Police [2020] EWCA Civ 1058",
            "Serif", size=12, leading=20,
        ),
    }
    for name, make in made.items():
        path = os.path.join(OUT, name)
        make(path)
        print(path)


if __name__ == "__main__":
    main()
