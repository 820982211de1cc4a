"""Small letter files that tests write themselves (no binary fixtures)."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

ODT_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
)


def odt_bytes(body_xml: str, header: str = "Koptekst die op elke pagina staat", footer: str = "Pagina 1") -> bytes:
    """An .odt as LibreOffice writes it: mimetype first and stored, the body
    in content.xml, header and footer on the master page in styles.xml."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODT_NAMESPACES} office:version="1.3">'
               f"<office:body><office:text>{body_xml}</office:text></office:body></office:document-content>")
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ODT_NAMESPACES} office:version="1.3">'
              f'<office:master-styles><style:master-page style:name="Standard">'
              f"<style:header><text:p>{escape(header)}</text:p></style:header>"
              f"<style:footer><text:p>{escape(footer)}</text:p></style:footer>"
              f"</style:master-page></office:master-styles></office:document-styles>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("styles.xml", styles)
        archive.writestr("META-INF/manifest.xml", manifest)
    return buffer.getvalue()


def odt_letter(paragraphs: list[str]) -> bytes:
    return odt_bytes("".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs))


def rtf_letter(paragraphs: list[str], header: str = "Koptekst die op elke pagina staat") -> bytes:
    """An .rtf with a header group and paragraphs; non-ASCII as \\'xx (cp1252)."""

    def encode(text: str) -> str:
        out = []
        for ch in text:
            if ch in "\\{}":
                out.append("\\" + ch)
            elif ord(ch) < 128:
                out.append(ch)
            else:
                try:
                    out.append("\\'" + ch.encode("cp1252").hex())
                except UnicodeEncodeError:
                    out.append(f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?")
        return "".join(out)

    body = "".join(f"\\pard {encode(p)}\\par\n\\par\n" for p in paragraphs)
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Arial;}}{\\header \\pard " + encode(header) + "\\par}\n"
            + body + "}").encode("ascii")


def docx_letter(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_letter(paragraphs: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    y = 780
    for p in paragraphs:
        for start in range(0, len(p), 90):
            if y < 60:
                pdf.showPage()
                y = 780
            pdf.drawString(72, y, p[start:start + 90])
            y -= 13
        y -= 14
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


LETTER = [
    "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal",
    "Den Haag, 3 maart 2021",
    "Betreft: Reactie op het rapport van de Algemene Rekenkamer",
    "Geachte voorzitter,",
    "Ik deel de conclusie van de Algemene Rekenkamer over de financiële verantwoording van het fonds "
    "en neem de aanbevelingen over.",
    "Wel plaats ik een kanttekening bij de tweede bevinding: de cijfers die de Rekenkamer gebruikt, "
    "zijn inmiddels achterhaald en geven een onvolledig beeld.",
    "Hoogachtend,",
    "De minister van Financiën,",
]
