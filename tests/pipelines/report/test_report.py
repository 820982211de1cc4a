"""The HTML report: self-contained, and working in a real browser (headless
Chromium): the letter list renders and the filters work."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest

from standpunt.pipelines.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def paragraph(letter, source, index, heading, label, p, text):
    scores = {s: round((1 - p) / 3, 4) for s in ("agree", "acknowledge", "pushback", "none")}
    scores[label] = p
    return {
        "letter": letter,
        "source": source,
        "paragraph": index,
        "text": text,
        "spans": [[0, len(text)]],
        "heading": heading,
        "label": label,
        "scores": scores,
    }


def write_run(folder: Path) -> None:
    letters = [
        {
            "letter": "fin-2020",
            "source": "a/fin-2020.pdf",
            "status": "ok",
            "n_paragraphs": 2,
            "metadata": {
                "date": "2020-05-01",
                "sender": "Minister van Financiën",
                "auditor": "Algemene Rekenkamer",
                "subject": "Reactie",
                "addressee": None,
            },
            "counts": {"agree": 1, "acknowledge": 0, "pushback": 1, "none": 0},
            "warnings": [],
            "findings": [
                {
                    "heading": "Toeslagen",
                    "paragraphs": [0, 1],
                    "stance": "pushback",
                    "evidence": {
                        "paragraph": 1,
                        "sentence": "Dat beeld is onvolledig.",
                        "score": 0.9,
                        "paragraph_score": 0.8,
                    },
                }
            ],
        },
        {
            "letter": "gem-2021",
            "source": "a/gem-2021.txt",
            "status": "ok",
            "n_paragraphs": 1,
            "metadata": {
                "date": "2021-03-02",
                "sender": "Burgemeester en wethouders van Utrecht",
                "auditor": "Rekenkamer Utrecht",
                "subject": None,
                "addressee": None,
            },
            "counts": {"agree": 1, "acknowledge": 0, "pushback": 0, "none": 0},
            "warnings": [],
            "findings": [
                {
                    "heading": None,
                    "paragraphs": [0],
                    "stance": "agree",
                    "evidence": {
                        "paragraph": 0,
                        "sentence": "Wij nemen de aanbevelingen over.",
                        "score": 0.9,
                        "paragraph_score": 0.9,
                    },
                }
            ],
        },
        {
            "letter": "scan",
            "source": "a/scan.pdf",
            "status": "error",
            "reason": "scanned-pdf",
            "error": "a/scan.pdf: PDF has no text layer: looks scanned; OCR is not supported, run OCR first",
        },
    ]
    paragraphs = [
        paragraph("fin-2020", "a/fin-2020.pdf", 0, "Toeslagen", "agree", 0.7, "Ik deel uw zorg over de toeslagen."),
        paragraph(
            "fin-2020",
            "a/fin-2020.pdf",
            1,
            "Toeslagen",
            "pushback",
            0.8,
            "Dat beeld is onvolledig. De cijfers zijn oud.",
        ),
        paragraph(
            "gem-2021", "a/gem-2021.txt", 0, None, "agree", 0.9, "Wij nemen de aanbevelingen over. Dat doen wij graag."
        ),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "letters.jsonl").write_text("".join(json.dumps(x) + "\n" for x in letters))
    (folder / "paragraphs.jsonl").write_text("".join(json.dumps(x) + "\n" for x in paragraphs))


SCRIPT = "<script>window.__pwned = 'script'</script>"
ATTRIBUTE = '" onmouseover="window.__pwned = \'attribute\'" data-x="'
TEXTAREA = "</textarea><img src=x onerror=\"window.__pwned = 'textarea'\">"
HOSTILE = [SCRIPT, ATTRIBUTE, TEXTAREA, "<script>alert(1)</script>", '" onmouseover="alert(1)']


def write_hostile_run(folder: Path) -> None:
    """A run whose letter text, ids, headings, metadata, evidence and errors
    carry markup: a letter can quote anything, and file names are chosen by
    whoever filled the archive."""
    text = f"Wij nemen dit over. {SCRIPT} {ATTRIBUTE} {TEXTAREA} <script>alert(1)</script>"
    evidence = f"Wij nemen dit over. {SCRIPT}"
    letter_id = f"brief{ATTRIBUTE}<script>alert(1)</script>"
    letters = [
        {
            "letter": letter_id,
            "source": f"a/{letter_id}.txt",
            "status": "ok",
            "n_paragraphs": 1,
            "metadata": {
                "date": "2021-01-01",
                "sender": f"Minister {ATTRIBUTE}",
                "auditor": TEXTAREA,
                "subject": SCRIPT,
                "addressee": None,
            },
            "counts": {"agree": 1, "acknowledge": 0, "pushback": 0, "none": 0},
            "warnings": [],
            "findings": [
                {
                    "heading": f"Kop {SCRIPT}",
                    "paragraphs": [0],
                    "stance": "agree",
                    "evidence": {"paragraph": 0, "sentence": evidence, "score": 0.9, "paragraph_score": 0.9},
                }
            ],
        },
        {
            "letter": f"kapot{TEXTAREA}",
            "source": f"a/kapot{TEXTAREA}.pdf",
            "status": "error",
            "reason": "corrupted",
            "error": f"a/kapot.pdf: corrupted PDF: {SCRIPT} {ATTRIBUTE}",
        },
    ]
    paragraphs = [paragraph(letter_id, f"a/{letter_id}.txt", 0, f"Kop {SCRIPT}", "agree", 0.9, text)]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "letters.jsonl").write_text("".join(json.dumps(x) + "\n" for x in letters))
    (folder / "paragraphs.jsonl").write_text("".join(json.dumps(x) + "\n" for x in paragraphs))


def test_report_escapes_markup_from_letters(tmp_path):
    write_hostile_run(tmp_path)
    assert main(["report", str(tmp_path)]) == 0
    html = (tmp_path / "report.html").read_text()
    from bs4 import BeautifulSoup

    for payload in HOSTILE:
        assert payload not in html
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.find_all("script")) == 1  # the report's own
    assert not soup.find_all(["img", "textarea"])
    assert not [
        (tag.name, name)
        for tag in soup.find_all(True)
        for name in tag.attrs
        if name.startswith("on") or name == "data-x"
    ]
    assert "&lt;/textarea&gt;&lt;img src=x onerror=" in html
    assert "<mark>Wij nemen dit over. &lt;script&gt;window.__pwned" in html


def test_report_files_and_self_containment(tmp_path, capsys):
    write_run(tmp_path)
    assert main(["report", str(tmp_path)]) == 0
    html = (tmp_path / "report.html").read_text()
    assert "<mark>Dat beeld is onvolledig.</mark>" in html
    for external in ("<link", 'src="http', "src='http", "@import", "url(http", "cdn"):
        assert external not in html
    rows = list(csv.DictReader((tmp_path / "summary.csv").open()))
    assert [r["letter"] for r in rows] == ["fin-2020", "gem-2021", "scan"]
    assert rows[0]["findings_pushback"] == "1" and rows[0]["pushback_evidence"] == "Dat beeld is onvolledig."
    assert rows[2]["status"] == "error" and rows[2]["reason"] == "scanned-pdf"


def test_sections_are_anchored_by_letter_id(tmp_path):
    from standpunt.pipelines.report.html import anchor, render

    letters, paragraphs = [], []
    for year in ("2019", "2020"):
        letter_id = f"{year}/brief"
        letters.append(
            {
                "letter": letter_id,
                "source": f"archief/{year}/brief.pdf",
                "status": "ok",
                "n_paragraphs": 1,
                "metadata": {"date": f"{year}-01-01"},
                "counts": {"agree": 1},
                "warnings": [],
                "findings": [{"heading": None, "paragraphs": [0], "stance": "agree", "evidence": None}],
            }
        )
        paragraphs.append(
            paragraph(letter_id, f"archief/{year}/brief.pdf", 0, None, "agree", 0.9, f"Tekst van {year}.")
        )
    html = render(letters, paragraphs)
    assert anchor("2019/brief") == "letter-2019_2fbrief" and anchor("brief.txt") != anchor("brief_2etxt")
    for year in ("2019", "2020"):
        target = anchor(f"{year}/brief")
        assert f'href="#{target}"' in html
        section = html.split(f'<section class="letter" id="{target}">', 1)[1].split("</section>", 1)[0]
        assert f"Tekst van {year}." in section and section.count('class="para"') == 1


def test_report_without_a_run_fails_cleanly(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "no letters" in capsys.readouterr().err


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed (CI installs it)")
def test_report_in_headless_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    write_run(tmp_path)
    assert main(["report", str(tmp_path)]) == 0
    profile = tmp_path / "profile"
    with sync_playwright() as playwright:
        # a fresh profile folder (--user-data-dir) for every run
        browser = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 1400}
        )
        page = browser.new_page()
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto((tmp_path / "report.html").as_uri())
        rows = page.locator("#letters tbody tr")
        assert rows.count() == 3
        assert page.locator("#shown").inner_text() == "3"
        assert page.locator("#chart-sender svg rect").count() >= 2
        page.select_option("#f-stance", "pushback")
        assert page.locator("#shown").inner_text() == "1"
        assert page.locator("#letters tbody tr:visible").all_inner_texts()[0].startswith("fin-2020")
        assert not page.locator("#letter-gem-2021").is_visible()  # the section of a filtered-out letter hides too
        page.select_option("#f-stance", "")
        page.select_option("#f-year", "2021")
        assert page.locator("#shown").inner_text() == "1"
        page.select_option("#f-year", "")
        page.fill("#f-search", "onvolledig")
        assert page.locator("#shown").inner_text() == "1"
        page.fill("#f-search", "")
        page.select_option("#f-stance", "error")
        assert "OCR" in page.locator("#letters tbody tr:visible").all_inner_texts()[0]
        page.select_option("#f-stance", "")
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 10_000
    assert {url.split(":", 1)[0] for url in requests} == {"file"}  # nothing from the network


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed (CI installs it)")
def test_markup_in_letters_does_not_run_in_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    write_hostile_run(tmp_path)
    assert main(["report", str(tmp_path)]) == 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 1400},
        )
        page = browser.new_page()
        dialogs, requests = [], []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", lambda request: requests.append(request.url))
        page.goto((tmp_path / "report.html").as_uri())
        for selector in (
            "#letters tbody tr",
            "section.letter h3",
            ".para",
            ".meta",
            ".findings li",
            "#f-sender option",
        ):
            for element in page.locator(selector).all():
                if element.is_visible():
                    element.hover()
        page.fill("#f-search", "pwned")  # the report's own script still runs over the hostile rows
        shown = page.locator("#shown").inner_text()
        state = page.evaluate("""() => ({
            pwned: window.__pwned === undefined ? null : window.__pwned,
            scripts: document.querySelectorAll('script').length,
            handlers: document.querySelectorAll('[onmouseover], [onerror]').length,
            images: document.querySelectorAll('img').length,
            textareas: document.querySelectorAll('textarea').length,
            paragraph: document.querySelector('.para').textContent,
        })""")
        browser.close()
    assert dialogs == [] and state["pwned"] is None
    assert state["scripts"] == 1 and state["handlers"] == 0 and state["images"] == 0 and state["textareas"] == 0
    assert SCRIPT in state["paragraph"] and TEXTAREA in state["paragraph"]  # shown as text, literally
    assert shown == "2"
    assert {url.split(":", 1)[0] for url in requests} == {"file"}
