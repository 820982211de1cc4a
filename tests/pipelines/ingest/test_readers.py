from __future__ import annotations

import io
import zipfile

import pytest

from standpunt.pipelines.core.errors import IngestError
from standpunt.pipelines.ingest import IngestOptions, read_document
from standpunt.pipelines.ingest.html import html_to_text
from tests.conftest import EXAMPLES


def reason_of(path, options=None) -> tuple[str, str]:
    with pytest.raises(IngestError) as info:
        read_document(path, options)
    message = str(info.value)
    assert message.startswith(str(path) + ": "), message  # names the file
    assert "\n" not in message  # one line
    return info.value.reason, message


def test_txt_utf8_keeps_text_exactly(tmp_path):
    path = tmp_path / "brief.txt"
    raw = "Geachte heer,\r\n\r\nIk onderschrijf uw conclusie.\r\n"
    path.write_bytes(raw.encode("utf-8"))
    document = read_document(path)
    assert document.text == raw  # spans point into the decoded text, line ends and all
    assert document.id == "brief"
    assert document.warnings == []


def test_txt_cp1252_falls_back_with_warning(tmp_path):
    path = tmp_path / "oud.txt"
    path.write_bytes("Financiële verantwoording – één aanbeveling.".encode("cp1252"))
    document = read_document(path)
    assert "Financiële" in document.text and "één" in document.text
    assert len(document.warnings) == 1 and "cp1252" in document.warnings[0]
    assert str(path) in document.warnings[0]


@pytest.mark.parametrize(
    "codec, mark",
    [
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
        ("utf-32-be", b"\x00\x00\xfe\xff"),
        ("utf-8", b"\xef\xbb\xbf"),
    ],
)
def test_txt_with_byte_order_mark(tmp_path, codec, mark):
    """Notepad's "Unicode" is UTF-16 LE with a mark: full of NUL bytes, yet text."""
    from standpunt.pipelines.segment import segment

    raw = "Geachte voorzitter,\r\n\r\nIk deel uw conclusie over de financiële verantwoording.\r\n\r\nHoogachtend,\r\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(mark + raw.encode(codec))
    document = read_document(path)
    assert document.text == raw and document.warnings == []
    paragraph = next(p for p in segment(document) if "financiële" in p.text)
    ((start, end),) = paragraph.spans
    assert document.text[start:end] == "Ik deel uw conclusie over de financiële verantwoording."


def test_nul_padding_at_the_end_is_ignored_but_nul_inside_is_binary(tmp_path):
    path = tmp_path / "export.txt"
    raw = "Geachte voorzitter,\n\nIk deel uw conclusie.\n"
    path.write_bytes(raw.encode("utf-8") + b"\x00" * 3000)
    document = read_document(path)
    assert document.text == raw and "NUL" in document.warnings[0]
    path.write_bytes(raw.encode("utf-8").replace(b"deel", b"d\x00eel"))
    assert reason_of(path)[0] == "binary"


def test_utf16_mark_followed_by_broken_data(tmp_path):
    path = tmp_path / "half.txt"
    path.write_bytes(b"\xff\xfe" + "Tekst".encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate
    reason, message = reason_of(path)
    assert reason == "encoding" and "UTF-16" in message


def test_txt_in_no_known_encoding(tmp_path):
    path = tmp_path / "kapot.txt"
    path.write_bytes(b"Tekst met \x81\x8d\x8f\x90\x9d bytes die cp1252 niet kent en \xc3 geen utf-8.")
    reason, message = reason_of(path)
    assert reason == "encoding" and "not UTF-8" in message


def test_empty_file(tmp_path):
    path = tmp_path / "leeg.txt"
    path.write_bytes(b"")
    assert reason_of(path)[0] == "empty"


def test_whitespace_only_file(tmp_path):
    path = tmp_path / "wit.txt"
    path.write_text("\n\n   \n")
    assert reason_of(path)[0] == "empty"


def test_binary_file_with_txt_name(tmp_path):
    path = tmp_path / "plaatje.txt"
    path.write_bytes(bytes(range(256)) * 20)
    assert reason_of(path)[0] == "binary"


def test_unknown_format(tmp_path):
    path = tmp_path / "brief.xyz"
    path.write_text("tekst")
    reason, message = reason_of(path)
    assert reason == "unsupported" and ".xyz" in message


def test_missing_file(tmp_path):
    assert reason_of(tmp_path / "bestaat-niet.txt")[0] == "missing"


def test_file_over_size_limit(tmp_path):
    path = tmp_path / "groot.txt"
    path.write_text("Een zin. " * 2000)
    reason, message = reason_of(path, IngestOptions(max_bytes=1000))
    assert reason == "too-large" and "limit" in message


def test_scanned_pdf_says_ocr_is_not_supported(make_pdf):
    path = make_pdf("scan.pdf", [None, None])
    reason, message = reason_of(path)
    assert reason == "scanned-pdf" and "OCR" in message


def test_scanned_pdf_counts_its_image_pages(tmp_path):
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    image = tmp_path / "scan.png"
    Image.new("L", (200, 100), 128).save(image)
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(2):
        pdf.drawImage(str(image), 72, 400, 300, 150)
        pdf.showPage()
    pdf.save()
    reason, message = reason_of(path)
    assert reason == "scanned-pdf" and "(2 of 2 pages are images)" in message


def test_corrupted_pdf(tmp_path):
    path = tmp_path / "kapot.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"\x00garbage\xff" * 50)
    assert reason_of(path)[0] == "corrupted"


def test_pdf_that_is_not_a_pdf(tmp_path):
    path = tmp_path / "nep.pdf"
    path.write_text("Dit is gewoon tekst.")
    assert reason_of(path)[0] == "corrupted"


def test_truncated_pdf(tmp_path):
    data = (EXAMPLES / "000_seed-aenm-vo2025.pdf").read_bytes()
    path = tmp_path / "afgebroken.pdf"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert info.value.reason == "corrupted" and "corrupted PDF" in str(info.value)


def test_pdf_word_hyphenated_at_a_line_end_keeps_its_hyphen():
    # PDFium marks such a hyphen (U+0002 or U+FFFE) with no line break after it
    text = read_document(EXAMPLES / "000_seed-aenm-vo2025.pdf").text
    assert "Asiel-\nen Migratiepact" in text and "\ufffe" not in text and "\x02" not in text


def test_pdf_paragraph_gaps_become_blank_lines(make_pdf):
    path = make_pdf(
        "brief.pdf", [["Kop van de brief", "", "Eerste regel van alinea een,", "tweede regel.", "", "Alinea twee."]]
    )
    text = read_document(path).text
    assert "Eerste regel van alinea een,\ntweede regel." in text
    assert "tweede regel.\n\nAlinea twee." in text


def test_docx_body_and_tables(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Geachte voorzitter,")
    document.add_paragraph("Ik onderschrijf de conclusie van de rekenkamer.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Aanbeveling 1"
    table.rows[0].cells[1].text = "Overgenomen"
    document.sections[0].header.paragraphs[0].text = "Koptekst die op elke pagina staat"
    path = tmp_path / "brief.docx"
    document.save(path)
    text = read_document(path).text
    assert "Ik onderschrijf de conclusie van de rekenkamer." in text
    assert "Aanbeveling 1 | Overgenomen" in text
    assert "Koptekst" not in text
    assert "\n\n" in text


def test_corrupted_docx(tmp_path):
    path = tmp_path / "kapot.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("willekeurig.txt", "geen word-document")
    path.write_bytes(buffer.getvalue())
    assert reason_of(path)[0] == "corrupted"
    path.write_bytes(b"PK\x03\x04 kapot")
    assert reason_of(path)[0] == "corrupted"


KAMERSTUK_PAGE = """<!DOCTYPE html><html><head><title>Kamerstuk 29 665, nr. 242</title>
<script>var tracking = 1;</script><style>body{}</style></head><body>
<header><nav><ul><li>Home</li><li>Zoeken</li><li>Over deze site</li></ul></nav></header>
<div class="breadcrumb">Home &gt; Kamerstukken</div>
<div id="content"><div id="broodtekst" class="stuk">
<p>29 665 Evaluatie Schipholbeleid</p>
<p>Aan de Voorzitter van de Tweede Kamer der Staten-Generaal</p>
<p>Den Haag, 11 oktober 2017</p>
<p>Op 6 april 2017 heeft de Onderzoeksraad voor Veiligheid het rapport gepubliceerd.</p>
<h3>Reactie</h3>
<p>Ik neem de aanbevelingen van de <i>Onderzoeksraad</i> over.</p>
</div></div>
<footer><p>Dit is een publicatie van de overheid. Cookies.</p></footer>
</body></html>"""


def test_html_keeps_letter_and_drops_navigation(tmp_path):
    path = tmp_path / "kst-29665-242.html"
    path.write_text(KAMERSTUK_PAGE, encoding="utf-8")
    document = read_document(path)
    assert "Ik neem de aanbevelingen van de Onderzoeksraad over." in document.text
    assert "\n\nReactie\n\n" in document.text
    for navigation in ("Zoeken", "Home", "Cookies", "tracking"):
        assert navigation not in document.text
    assert document.metadata.date == "2017-10-11"


def test_html_without_content_container_uses_body():
    text = html_to_text("<html><body><nav>Menu</nav><p>Eerste alinea.</p><p>Tweede alinea.</p></body></html>")
    assert text == "Eerste alinea.\n\nTweede alinea."
