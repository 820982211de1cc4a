from __future__ import annotations

import json

from standpunt.pipelines.core.text import fold
from standpunt.pipelines.ingest import read_document
from standpunt.pipelines.segment import segment, segment_text
from tests.conftest import EXAMPLES, corpus_record


def assert_spans_hold(text: str, paragraphs) -> None:
    previous = 0
    for paragraph in paragraphs:
        for start, end in paragraph.spans:
            assert previous <= start < end <= len(text)
            previous = end
        assert fold(" ".join(text[a:b] for a, b in paragraph.spans)) == paragraph.text


def test_seed_letter_paragraphs_headings_and_spans(seed_record):
    paragraphs = segment_text(seed_record["text"])
    gold = seed_record["paragraphs"]
    assert [p.text for p in paragraphs] == [g["text"] for g in gold]
    assert [p.heading for p in paragraphs] == [g["heading"] for g in gold]
    assert [[list(s) for s in p.spans] for p in paragraphs] == [g["spans"] for g in gold]
    assert [p.index for p in paragraphs] == list(range(len(gold)))


def test_seed_letter_page_break_join(seed_record):
    paragraphs = segment_text(seed_record["text"])
    broken = paragraphs[3]
    assert len(broken.spans) == 2
    assert "in de afgelopen vijf jaar maar ook daarvoor grote impact gehad" in broken.text
    assert broken.heading == "Beheersing beslistermijnen asielprocedure"
    # the second page's letterhead repeat is furniture, not a paragraph or heading
    assert all("Politieke leiding" not in p.text and p.heading != "Politieke leiding" for p in paragraphs)
    assert paragraphs[-1].heading == "Financiële verantwoordingsinformatie"


def test_pdf_example_end_to_end(seed_record):
    document = read_document(EXAMPLES / "000_seed-aenm-vo2025.pdf")
    paragraphs = segment(document)
    assert_spans_hold(document.text, paragraphs)
    assert [p.text for p in paragraphs] == [g["text"] for g in seed_record["paragraphs"]]
    assert [p.heading for p in paragraphs] == [g["heading"] for g in seed_record["paragraphs"]]
    broken = paragraphs[3]
    assert len(broken.spans) == 2
    between = document.text[broken.spans[0][1] : broken.spans[1][0]]
    assert "Pagina 1 van 2" in between and "Onze referentie" in between  # furniture dropped
    assert not any("Pagina" in p.text or "Onze referentie" in p.text for p in paragraphs)


def test_synthetic_letter_with_page_furniture():
    record = corpus_record("synthetic.jsonl", "syn_001")
    paragraphs = segment_text(record["text"])
    assert [p.text for p in paragraphs] == [g["text"] for g in record["paragraphs"]]
    assert_spans_hold(record["text"], paragraphs)
    assert any(len(g["spans"]) > 1 for g in record["paragraphs"])


def test_hard_wrapped_lines_are_one_paragraph():
    text = (
        "Geachte voorzitter,\n\nIk onderschrijf de conclusie van de rekenkamer dat de\n"
        "informatievoorziening beter moet en neem de aanbeveling\nover.\n\nHoogachtend,\n\nDe minister van Financiën,\n"
    )
    paragraphs = segment_text(text)
    assert [p.text for p in paragraphs] == [
        "Ik onderschrijf de conclusie van de rekenkamer dat de informatievoorziening beter moet "
        "en neem de aanbeveling over."
    ]


def test_headings_numbered_and_nested():
    text = (
        "Aanbeveling 2\n\nIk neem deze aanbeveling over.\n\n"
        "Conclusie 3: sturing op doorlooptijden\n\nDeze conclusie deel ik niet.\n\n"
        "Stand van zaken\n\nPersonele reorganisatie\n\nDe reorganisatie is afgerond.\n"
    )
    paragraphs = segment_text(text)
    assert [(p.heading, p.text) for p in paragraphs] == [
        ("Aanbeveling 2", "Ik neem deze aanbeveling over."),
        ("Conclusie 3: sturing op doorlooptijden", "Deze conclusie deel ik niet."),
        ("Personele reorganisatie", "De reorganisatie is afgerond."),
    ]


def test_furniture_is_dropped():
    text = "\n\n".join(
        [
            "> Retouradres Postbus 20301 2500 EH Den Haag",
            "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal\nPostbus 20018\n2500 EA Den Haag",
            "Datum 29 april 2026\nBetreft Reactie op het rapport",
            "Onze referentie\n\n2026-0001234",
            "Geachte voorzitter,",
            "Met belangstelling heb ik kennisgenomen van uw rapport.",
            "2",
            "Pagina 2 van 3",
            "1)",
            "Met vriendelijke groet,",
            "De minister van Justitie en Veiligheid,",
            "X Noot\n1",
            "Kamerstuk 29 665, nr. 236.",
        ]
    )
    paragraphs = segment_text(text)
    assert [p.text for p in paragraphs] == ["Met belangstelling heb ik kennisgenomen van uw rapport."]


def test_repeated_page_header_and_lowercase_continuation():
    header = "Provincie Utrecht  |  PZH-2024-77"
    text = (
        f"{header}\n\nGeachte Statenleden,\n\nWij delen de conclusie van de rekenkamer dat de monitoring\n\n"
        f"{header}\n\n2/3\n\nbeter moet. Daarom nemen wij de aanbeveling over.\n\n"
        "Wij danken de rekenkamer voor het onderzoek.\n"
    )
    paragraphs = segment_text(text)
    assert [p.text for p in paragraphs] == [
        "Wij delen de conclusie van de rekenkamer dat de monitoring beter moet. Daarom nemen wij de aanbeveling over.",
        "Wij danken de rekenkamer voor het onderzoek.",
    ]
    assert len(paragraphs[0].spans) == 2


def test_cut_off_excerpt_keeps_last_paragraph():
    text = (
        "Eerste alinea van de brief.\n\n"
        "De afgelopen jaren is een programma in gang gezet om de woningen in het gebied beter bestand"
    )
    paragraphs = segment_text(text)
    assert len(paragraphs) == 2 and paragraphs[1].text.endswith("beter bestand")


def test_crlf_text_offsets_point_into_original():
    text = "Geachte heer,\r\n\r\nIk deel uw conclusie.\r\nDat is terecht.\r\n\r\nHoogachtend,\r\n"
    paragraphs = segment_text(text)
    assert len(paragraphs) == 1
    assert_spans_hold(text, paragraphs)
    assert paragraphs[0].text == "Ik deel uw conclusie. Dat is terecht."


def test_every_corpus_letter_keeps_the_span_invariant():
    for name in ("real.jsonl", "synthetic.jsonl", "synthetic_genres.jsonl"):
        for line in (EXAMPLES.parent / "corpus" / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            assert_spans_hold(record["text"], segment_text(record["text"]))
