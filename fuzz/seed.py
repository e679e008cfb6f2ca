#!/usr/bin/env python3
"""Small seed inputs for every fuzz target, made with well-known tools (ReportLab for PDF,
pandoc for DOCX/ODT, Python's email package for e-mail) into fuzz/corpus/<target>/.
Optional: without a tool its seeds are skipped and the fuzzer starts from nothing.

    python3 fuzz/seed.py
"""

import io
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from email.message import EmailMessage

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT_PL = "Sprawca wyłudził 1500 zł od pokrzywdzonej. Świadek: Łukasz Żółć, tel. 601 234 567.\n"
TEXT_EN = "The suspect called the victim at 10:15 from +44 20 7946 0958 and asked for £2,000.\n"


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def hand_pdf(pages):
    """An uncompressed PDF written by hand (Helvetica, WinAnsi), xref offsets right."""
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", None]
    kids = []
    font = 3
    objs.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for lines in pages:
        stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(
            f"({line}) Tj T*" for line in lines
        ) + " ET"
        objs.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        content = len(objs)
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>"
        )
        kids.append(f"{len(objs)} 0 R")
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{o}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def pdf_seeds():
    put("pdf", "hand-2p.pdf", hand_pdf([["Police report 12/2024", "Witness at 10:15."], ["Page two"]]))
    try:
        from reportlab.pdfgen import canvas
    except ImportError:
        return
    for compress in (0, 1):
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pageCompression=compress, invariant=1)
        c.drawString(72, 720, TEXT_EN.strip())
        c.drawString(72, 700, "Case 12/2024 - page 1")
        c.showPage()
        c.drawString(72, 720, "Second page")
        c.showPage()
        c.save()
        put("pdf", f"reportlab-{compress}.pdf", buf.getvalue())


def office_seeds():
    if not shutil.which("pandoc"):
        return
    md = f"# Report\n\n{TEXT_PL}\n| a | b |\n|---|---|\n| 1 | 2 |\n\nNote[^1]\n\n[^1]: Footnote.\n"
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "r.md")
        with open(src, "w", encoding="utf-8") as f:
            f.write(md)
        for ext in ("docx", "odt"):
            out = os.path.join(d, f"r.{ext}")
            subprocess.run(["pandoc", src, "-o", out], check=True)
            with open(out, "rb") as f:
                put(ext, f"pandoc.{ext}", f.read())
    # A minimal hand-made zip of each (small: the fuzzer mutates it more often usefully).
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Hello 1500 zł</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r>"
            "<w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>",
        )
    put("docx", "min.docx", buf.getvalue())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr(
            "content.xml",
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
            ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
            "<text:h>Title</text:h><text:p>Hello <text:span>1500 zł</text:span></text:p>"
            "</office:text></office:body></office:document-content>",
        )
    put("odt", "min.odt", buf.getvalue())


def mail_seeds():
    m = EmailMessage()
    m["From"] = "a@example.org"
    m["To"] = "b@example.org"
    m["Subject"] = "Sprawa 12/2024"
    m["Date"] = "Tue, 05 Mar 2024 10:15:00 +0100"
    m["Message-ID"] = "<1@example.org>"
    m.set_content(TEXT_PL, cte="base64")
    m.add_alternative(f"<p>{TEXT_PL}</p>", subtype="html")
    m.add_attachment(hand_pdf([["Attached"]]), maintype="application", subtype="pdf", filename="a.pdf")
    put("email", "multipart.eml", m.as_bytes())
    q = EmailMessage()
    q["From"] = "c@example.org"
    q["Subject"] = "=?iso-8859-2?q?Wyrok_z=B3?="
    q.set_content(TEXT_PL, cte="quoted-printable")
    put("email", "qp.eml", q.as_bytes())
    put("mbox", "two.mbox", b"From a@example.org Tue Mar  5 10:15:00 2024\n" + q.as_bytes()
        + b"\nFrom c@example.org Tue Mar  5 10:16:00 2024\n" + m.as_bytes())


def chat_seeds():
    put("whatsapp", "chat.txt", "05.03.2024, 10:15 - Jan: Masz te 1500 zł?\n05.03.2024, 10:16 - Anna: Tak\n"
        "druga linia\n[3/5/24, 10:17:01 AM] Bob: ok\n")
    put("telegram", "result.json", json.dumps({
        "name": "Case", "type": "personal_chat", "messages": [
            {"id": 1, "type": "message", "date": "2024-03-05T10:15:00", "from": "Jan",
             "text": ["Masz ", {"type": "bold", "text": "1500 zł"}, "?"]},
            {"id": 2, "type": "service", "date": "2024-03-05T10:16:00", "actor": "Anna", "text": ""},
        ]}, ensure_ascii=False))


def text_seeds():
    put("text", "utf8.txt", TEXT_PL + TEXT_EN)
    put("text", "cp1250.txt", TEXT_PL.encode("cp1250"))
    put("text", "koi8r.txt", "Подозреваемый позвонил в 10:15.\n".encode("koi8-r"))
    put("text", "utf16le-bom.txt", b"\xff\xfe" + TEXT_PL.encode("utf-16-le"))
    put("text", "utf16be-nobom.txt", TEXT_EN.encode("utf-16-be"))
    put("html", "page.html", f"<html><head><style>p{{}}</style><script>x()</script></head><body>"
        f"<nav>Menu</nav><h1>Report</h1><p>{TEXT_PL}<a href='https://example.org/x'>link</a></p>"
        "<table><tr><td>a</td><td>b</td></tr></table></body></html>")


if __name__ == "__main__":
    pdf_seeds()
    office_seeds()
    mail_seeds()
    chat_seeds()
    text_seeds()
    for t in sorted(os.listdir(os.path.join(HERE, "corpus"))):
        files = os.listdir(os.path.join(HERE, "corpus", t))
        print(t, len(files), "seed(s)", max(os.path.getsize(os.path.join(HERE, "corpus", t, f)) for f in files), "bytes max")
