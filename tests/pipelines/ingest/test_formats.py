"""The formats archives hold besides txt/pdf/docx/html: .odt, .rtf, .doc.
Every test file is written by the test itself."""

from __future__ import annotations

import io
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from standpunt.pipelines.core.errors import IngestError
from standpunt.pipelines.ingest import read_document
from standpunt.pipelines.ingest.doc import OLE_SIGNATURE
from standpunt.pipelines.segment import segment
from tests.pipelines.ingest.builders import LETTER, doc_letter, odt_bytes, odt_letter, rtf_letter

ANTIWORD = shutil.which("antiword")


def reason_of(path) -> tuple[str, str]:
    with pytest.raises(IngestError) as info:
        read_document(path)
    message = str(info.value)
    assert message.startswith(str(path) + ": ") and "\n" not in message
    return info.value.reason, message


def test_odt_body_lists_and_tables_without_header_and_footer(tmp_path):
    body = (
        '<text:h text:outline-level="1">Reactie op het rapport</text:h>'
        "<text:p>Geachte <text:span>voorzitter</text:span>,</text:p>"
        '<text:p>Ik   deel<text:s text:c="2"/>de conclusie<text:note><text:note-body><text:p>Voetnoot 1</text:p>'
        "</text:note-body></text:note> van de Rekenkamer.<text:line-break/>Tweede regel.</text:p>"
        "<text:list><text:list-item><text:p>Eerste aanbeveling.</text:p></text:list-item>"
        "<text:list-item><text:list>"
        "<text:list-item><text:p>Genest punt.</text:p></text:list-item></text:list></text:list-item></text:list>"
        "<table:table><table:table-row><table:table-cell><text:p>Aanbeveling 1</text:p></table:table-cell>"
        "<table:table-cell><text:p>Overgenomen</text:p></table:table-cell></table:table-row></table:table>"
        "<text:p/>"
    )
    path = tmp_path / "brief.odt"
    path.write_bytes(odt_bytes(body, header="Ministerie van Financiën koptekst", footer="Pagina 1 van 2"))
    document = read_document(path)
    assert document.text == (
        "Reactie op het rapport\n\nGeachte voorzitter,\n\nIk deel  de conclusie van de Rekenkamer.\nTweede regel."
        "\n\nEerste aanbeveling.\n\nGenest punt.\n\nAanbeveling 1 | Overgenomen"
    )
    assert "koptekst" not in document.text and "Pagina" not in document.text and "Voetnoot" not in document.text


def test_odt_letter_is_segmented_with_metadata(tmp_path):
    path = tmp_path / "reactie.odt"
    path.write_bytes(odt_letter(LETTER))
    document = read_document(path)
    assert document.metadata.date == "2021-03-03"
    texts = [p.text for p in segment(document)]
    assert any(t.startswith("Ik deel de conclusie") for t in texts)
    for p in segment(document):
        assert " ".join(document.text[a:b] for a, b in p.spans).split() == p.text.split()


@pytest.mark.parametrize(
    "data, cause",
    [
        (b"PK\x03\x04 kapot", "not a zip archive"),
        (b"geen zip", "not a zip archive"),
        ("zip-without-content", "no content.xml"),
        ("bad-xml", "ParseError"),
        ("spreadsheet", "no text document body"),
        ("entities", "DTD"),
    ],
)
def test_corrupted_odt(tmp_path, data, cause):
    if isinstance(data, str):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            if data == "bad-xml":
                archive.writestr("content.xml", "<office:document-content><office:body><text:p>kapot")
            elif data == "spreadsheet":
                archive.writestr(
                    "content.xml",
                    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">'
                    "<office:body><office:spreadsheet/></office:body></office:document-content>",
                )
            elif data == "entities":
                archive.writestr(
                    "content.xml",
                    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>',
                )
        data = buffer.getvalue()
    path = tmp_path / "kapot.odt"
    path.write_bytes(data)
    reason, message = reason_of(path)
    assert reason == "corrupted" and cause in message


def test_odt_cut_short_is_corrupted(tmp_path):
    data = odt_letter(LETTER * 20)
    path = tmp_path / "afgebroken.odt"
    path.write_bytes(data[: len(data) * 2 // 3])
    assert reason_of(path)[0] == "corrupted"


def test_rtf_paragraphs_without_header(tmp_path):
    path = tmp_path / "brief.rtf"
    path.write_bytes(rtf_letter(LETTER, header="Koptekst bovenaan elke pagina"))
    document = read_document(path)
    assert "Koptekst" not in document.text
    assert "Ik deel de conclusie van de Algemene Rekenkamer over de financiële verantwoording" in document.text
    assert document.text.startswith(
        "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal\n\nDen Haag, 3 maart 2021\n\n"
    )
    assert document.metadata.date == "2021-03-03" and document.metadata.auditor == "Algemene Rekenkamer"
    assert any("kanttekening" in p.text for p in segment(document))


def test_rtf_pictures_are_dropped_before_parsing(tmp_path):
    """A logo of 3 MB as hex would take striprtf tens of seconds; it is cut
    out first, braces and escaped braces inside it included."""
    logo = "{\\*\\shppict{\\pict{\\*\\blipuid 0a1b}\\pngblip\\picw100 " + "89504e47" * 400_000 + " \\{ }}"
    markup = (
        "{\\rtf1\\ansi\\binfsxn1 " + logo + "\\pard Geachte voorzitter,\\par\\par "
        "Ik deel uw conclusie.\\par{\\nonshppict{\\pict 00ff}}Hoogachtend,\\par}"
    )
    path = tmp_path / "logo.rtf"
    path.write_text(markup, encoding="ascii")
    started = time.perf_counter()
    assert read_document(path).text == "Geachte voorzitter,\n\nIk deel uw conclusie.\n\nHoogachtend,"
    assert time.perf_counter() - started < 5


def test_rtf_with_over_a_million_characters_of_text_is_too_large(tmp_path):
    path = tmp_path / "enorm.rtf"
    path.write_text("{\\rtf1 " + "Ik deel uw conclusie. " * 50_000 + "}", encoding="ascii")
    reason, message = reason_of(path)
    assert reason == "too-large" and "million characters" in message


def test_rtf_table_rows_become_blocks(tmp_path):
    path = tmp_path / "tabel.rtf"
    path.write_bytes(
        b"{\\rtf1\\ansi Aanbevelingen\\par\\trowd\\cellx1000\\cellx2000 Aanbeveling 1\\cell Overgenomen\\cell\\row}"
    )
    assert read_document(path).text == "Aanbevelingen\n\nAanbeveling 1 | Overgenomen"


def test_rtf_that_is_not_rtf(tmp_path):
    path = tmp_path / "nep.rtf"
    path.write_text("Gewone tekst met een .rtf-naam.")
    reason, message = reason_of(path)
    assert reason == "corrupted" and "{\\rtf" in message


def test_doc_without_antiword_is_unsupported_naming_antiword(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    path = tmp_path / "oud.doc"
    path.write_bytes(OLE_SIGNATURE + b"\x00" * 1000)
    reason, message = reason_of(path)
    assert reason == "unsupported" and "antiword" in message


def test_doc_that_is_really_rtf_or_html(tmp_path):
    rtf = tmp_path / "brief.doc"
    rtf.write_bytes(rtf_letter(LETTER))
    document = read_document(rtf)
    assert "kanttekening" in document.text and "read as RTF" in document.warnings[0]
    html = tmp_path / "pagina.doc"
    html.write_text("<html><body><p>Ik deel de conclusie.</p></body></html>", encoding="utf-8")
    assert read_document(html).text == "Ik deel de conclusie."


def test_doc_that_crashes_antiword_is_corrupted(tmp_path, monkeypatch):
    """antiword reads past its buffers on some damaged files and dies of a
    signal; the letter is then corrupted, and the run goes on."""
    import subprocess

    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/antiword")
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, -11, b"", b""))
    path = tmp_path / "kapot.doc"
    path.write_bytes(OLE_SIGNATURE + b"\x00" * 1000)
    reason, message = reason_of(path)
    assert reason == "corrupted" and "antiword crashed" in message and "signal 11" in message


def test_doc_that_is_neither(tmp_path):
    path = tmp_path / "nep.doc"
    path.write_text("Gewone tekst met een .doc-naam.")
    reason, message = reason_of(path)
    assert reason == "corrupted" and "OLE2" in message


@pytest.mark.skipif(ANTIWORD is None, reason="antiword is not installed (CI installs it)")
def test_doc_that_antiword_rejects_is_corrupted(tmp_path):
    path = tmp_path / "kapot.doc"
    path.write_bytes(OLE_SIGNATURE + bytes(range(256)) * 8)
    reason, message = reason_of(path)
    assert reason == "corrupted" and "antiword" in message


@pytest.mark.skipif(ANTIWORD is None, reason="antiword is not installed (CI installs it)")
def test_doc_read_through_antiword(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = Path("-reactie.doc")  # given relative, and looking like an option
    path.write_bytes(doc_letter(LETTER + ["Een lange alinea die antiword op één regel moet laten. " * 12]))
    document = read_document(path)
    assert document.text.startswith(
        "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal\n\nDen Haag, 3 maart 2021\n\n"
    )
    assert document.metadata.date == "2021-03-03" and document.metadata.sender == "Minister van Financiën"
    paragraphs = [p.text for p in segment(document)]
    assert any(p.startswith("Wel plaats ik een kanttekening") for p in paragraphs)
    assert any(p.count("Een lange alinea") == 12 for p in paragraphs)  # one paragraph, not wrapped into many


@pytest.mark.skipif(ANTIWORD is None, reason="antiword is not installed (CI installs it)")
def test_doc_cut_short_is_corrupted(tmp_path):
    path = tmp_path / "afgebroken.doc"
    path.write_bytes(doc_letter(LETTER)[:3000])
    assert reason_of(path)[0] == "corrupted"
