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
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODT_NAMESPACES} office:version="1.3">'
        f"<office:body><office:text>{body_xml}</office:text></office:body></office:document-content>"
    )
    styles = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ODT_NAMESPACES} office:version="1.3">'
        f'<office:master-styles><style:master-page style:name="Standard">'
        f"<style:header><text:p>{escape(header)}</text:p></style:header>"
        f"<style:footer><text:p>{escape(footer)}</text:p></style:footer>"
        f"</style:master-page></office:master-styles></office:document-styles>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED
        )
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
    return (
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Arial;}}{\\header \\pard "
        + encode(header)
        + "\\par}\n"
        + body
        + "}"
    ).encode("ascii")


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
            pdf.drawString(72, y, p[start : start + 90])
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


def _compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors) holding the
    streams; each is padded to 4,096 bytes so none needs the mini stream."""
    import struct

    sector, end_of_chain, free, fat_sector, no_stream = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = list(streams)
    padded = []
    for name in names:
        data = streams[name].ljust(4096, b"\x00")
        padded.append(data + b"\x00" * (-len(data) % sector))
    fat = [fat_sector, end_of_chain]  # sector 0 holds the FAT, sector 1 the directory
    starts = []
    for data in padded:
        count = len(data) // sector
        starts.append(len(fat))
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [end_of_chain]
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(raw), kind, 1, no_stream, right, child)
            + b"\x00" * 20
            + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    # The root's children as a chain of right siblings in the format's name order.
    order = sorted(range(len(names)), key=lambda i: (len(names[i]), names[i].upper()))
    entries = [entry("Root Entry", 5, no_stream, order[0] + 1, end_of_chain, 0)] + [b""] * len(names)
    for rank, i in enumerate(order):
        right = order[rank + 1] + 1 if rank + 1 < len(order) else no_stream
        entries[i + 1] = entry(names[i], 2, right, no_stream, starts[i], len(padded[i]))
    directory = b"".join(entries).ljust(sector, b"\x00")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<9I", 0, 1, 1, 0, 4096, end_of_chain, 0, end_of_chain, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )
    return header + struct.pack("<128I", *fat) + directory + b"".join(padded)


def doc_letter(paragraphs: list[str]) -> bytes:
    """A Word 97 (.doc) file as small as antiword reads cleanly: a FIB, the
    text as 8-bit cp1252 with a paragraph mark (\\r) after each paragraph, a
    piece table pointing at it and an empty stylesheet (in the 1Table stream).
    Without the stylesheet antiword reads past a 1-byte buffer and crashes on
    about a third of runs (valgrind)."""
    import struct

    text = "".join(p + "\r" for p in paragraphs).encode("cp1252")
    offset = 0x800
    word = bytearray(offset)
    struct.pack_into("<HHHH", word, 0, 0xA5EC, 0x00C1, 0, 0x0413)  # wIdent, nFib (Word 97), nProduct, lid (Dutch)
    struct.pack_into("<HH", word, 0x0A, 0x0200 | 0x1000, 0x00BF)  # fWhichTblStm (1Table), fExtChar; nFibBack
    struct.pack_into("<II", word, 0x18, offset, offset + len(text))  # fcMin, fcMac
    struct.pack_into("<H", word, 0x20, 14)  # csw
    struct.pack_into("<H", word, 0x3E, 22)  # cslw
    struct.pack_into("<I", word, 0x40, offset + len(text))  # cbMac
    struct.pack_into("<I", word, 0x4C, len(text))  # ccpText
    struct.pack_into("<H", word, 0x98, 0x5D)  # cbRgFcLcb
    piece = struct.pack("<HIH", 0, (offset * 2) | 0x40000000, 0)  # compressed (8-bit) text at `offset`
    pieces = struct.pack("<II", 0, len(text)) + piece
    clx = b"\x02" + struct.pack("<I", len(pieces)) + pieces
    # STSHI: cbStshi, then no styles (cstd 0), cbSTDBaseInFile 10, names written, stiMax, istdMaxFixed, version, fonts.
    stylesheet = struct.pack("<H", 18) + struct.pack("<HHHHHH", 0, 10, 1, 0x5B, 15, 0) + b"\x00" * 6
    struct.pack_into("<II", word, 0x1A2, 0, len(clx))  # fcClx, lcbClx
    struct.pack_into("<II", word, 0xA2, len(clx), len(stylesheet))  # fcStshf, lcbStshf
    return _compound_file({"WordDocument": bytes(word) + text, "1Table": clx + stylesheet})
