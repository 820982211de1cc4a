"""Write data/examples/: real letters from the corpus as .txt files, and the
seed letter as a multi-page PDF with a repeated page header, page numbers and
a paragraph broken across a page ("... maar ook" | "daarvoor grote impact").

    python scripts/make_examples.py        (needs reportlab, in the dev extra)

The outputs are committed; rerun only to change them."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus" / "real.jsonl"
OUT = ROOT / "data" / "examples"
TXT_LETTERS = [
    "000_seed-aenm-vo2025",
    "109_ienw-ovv-veiligheid-vliegverkeer-schiphol-reactie-2017",
    "420_bzk-def-ctivd-rapport-60-wegingsnotities-2019",
    "502_venw-auditdienst-zandmaas-grensmaas-17e-vgr-2010",
    "508_ienw-nsl-beleidsdoorlichting-aanbevelingen-ar-2017",
]
BREAK_AFTER = "in de afgelopen vijf jaar maar ook"


def load() -> dict[str, dict]:
    records = {}
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            records[record["id"]] = record
    return records


def write_txt(records: dict[str, dict]) -> None:
    for letter in TXT_LETTERS:
        (OUT / f"{letter}.txt").write_text(records[letter]["text"], encoding="utf-8")


def write_pdf(seed: dict, total_pages: int | None = None) -> int:
    """Render the letter; returns the number of pages (render twice to know
    the total that "Pagina n van N" needs)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    path = OUT / "000_seed-aenm-vo2025.pdf"
    width, height = A4
    left, right, top, bottom = 72, width - 72, height - 60, 70
    font, bold, size, leading, gap = "Helvetica", "Helvetica-Bold", 10, 13, 9
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.setTitle(seed["title"])
    pages: list[int] = [1]
    y = 0.0

    def header() -> float:
        pdf.setFont(font, 8)
        yy = top
        for text in (
            "Ministerie van Asiel en Migratie",
            "Directie Financieel Economische Zaken",
            "Datum 29 april 2026",
            "Onze referentie VO2025-AenM",
        ):
            pdf.drawString(left, yy, text)
            yy -= 10
        return yy - 28

    def footer() -> None:
        pdf.setFont(font, 8)
        pdf.drawString(left, bottom - 30, f"Pagina {pages[-1]} van {total_pages or '?'}")

    def new_page() -> None:
        nonlocal y
        footer()
        pdf.showPage()
        pages.append(pages[-1] + 1)
        y = header()

    def lines(text: str, face: str = font, extra_gap: float = gap) -> None:
        nonlocal y
        y -= extra_gap
        for line in simpleSplit(text, face, size, right - left):
            if y < bottom:
                new_page()
            pdf.setFont(face, size)
            pdf.drawString(left, y, line)
            y -= leading

    y = header()
    for block in (
        "Aan de President van de Algemene Rekenkamer\nt.a.v. De heer P. Duisenberg\nLange Voorhout 8\n2500 EA Den Haag",
        "Betreft Bestuurlijke reactie op het Verantwoordingsonderzoek 2025 Asiel en Migratie",
        "Geachte heer Duisenberg,",
    ):
        y -= gap
        for part in block.split("\n"):
            lines(part, extra_gap=0)
    heading = None
    for paragraph in seed["paragraphs"]:
        if paragraph["heading"] and paragraph["heading"] != heading:
            heading = paragraph["heading"]
            lines(heading, bold, extra_gap=gap + 4)
        text = paragraph["text"]
        if BREAK_AFTER in text:
            first, rest = text.split(BREAK_AFTER, 1)
            lines(first + BREAK_AFTER)
            new_page()
            lines(rest.strip(), extra_gap=0)
        else:
            lines(text)
    for block in ("Hoogachtend,", "De minister van Asiel en Migratie,", "Bart van den Brink"):
        lines(block, extra_gap=gap + 4)
    footer()
    pdf.showPage()
    pdf.save()
    return pages[-1]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    records = load()
    write_txt(records)
    seed = records["000_seed-aenm-vo2025"]
    write_pdf(seed, total_pages=write_pdf(seed))
    print(f"wrote {len(TXT_LETTERS)} .txt letters and 1 PDF to {OUT}")


if __name__ == "__main__":
    main()
