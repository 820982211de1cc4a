"""What in a letter is not a body paragraph: letterhead, addresses, reference
and date blocks, salutation, closing, signature, Kamerstuk headers, page
headers and footers, page numbers, footnotes, transcript labels.

Each rule is a named pattern so that a wrong call can be traced to one rule."""

from __future__ import annotations

import re

from standpunt.pipelines.ingest.metadata import DATE_WORDS

_MONTH = r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)"
_DATE = rf"\d{{1,2}}\s+{_MONTH}\s+\d{{4}}"

# Patterns that decide a whole block (its text with lines joined by a space).
BLOCK_RULES: list[tuple[str, re.Pattern]] = [
    (
        "page-number",
        re.compile(
            r"^(?:-\s*)?\d{1,3}(?:\s*-)?$|^\d{1,3}\s*/\s*\d{1,3}$|^\d{1,3}\s*-\s*\d{1,3}$|"
            r"^(?:pagina|page|blad)\s+\d+(?:\s+(?:van|of|/)\s+\d+)?$",
            re.I,
        ),
    ),
    ("return-address", re.compile(r"^>?\s*Retouradres\b", re.I)),
    (
        "reference-label",
        re.compile(
            r"^(?:Onze referentie|Uw referentie|Ons kenmerk|Uw kenmerk|Kenmerk|Referentie|Datum|Betreft|Onderwerp|"
            r"Bijlage\(?n?\)?|Bijlagen|"
            r"Uw brief(?: van)?|Uw bericht|Contactpersoon|Behandeld door|Doorkiesnummer|Telefoon|T|E|F|E-mail|"
            r"Inlichtingen|"
            r"Verzonden|Zaaknummer|Registratienummer|Documentnummer|Aantal bijlagen|Afschrift aan|Kopie aan|"
            r"Ons nummer|Uw nummer)"
            r"(?:\s*:|\s+\S|$)",
            re.I,
        ),
    ),
    (
        "date",
        re.compile(
            r"^(?:(?:Den Haag|'s-Gravenhage|[A-Z][a-zé]+(?:[- ][A-Z][a-zé]+)?),?\s*)?"
            r"(?:(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)\s+)?"
            rf"{_DATE}$|^\d{{1,2}}-\d{{1,2}}-\d{{4}}$|^(?:Vastgesteld|Ingediend|Beantwoord|Verzonden)\s+{_DATE}",
            re.I,
        ),
    ),
    ("salutation", re.compile(r"^(?:(?:Zeer |Hoog)?geachte|Beste|Dames en heren|L\.S\.)\b[^.!?]{0,80}[,:]?$", re.I)),
    (
        "closing",
        re.compile(
            r"^(?:Hoogachtend|Met (?:vriendelijke|hartelijke) groet(?:en)?|Met de meeste hoogachting|Met hoogachting|"
            r"Met vriendelijke groeten|Namens (?:deze|dezen))\b[^.]{0,120}$",
            re.I,
        ),
    ),
    (
        "signature",
        re.compile(
            r"^(?:de |het |DE |HET )?(?:minister(?:-president)?|staatssecretaris|ministers|staatssecretarissen|"
            r"burgemeester(?: en wethouders)?|"
            r"(?:het )?college van (?:burgemeester en wethouders|gedeputeerde staten)|gedeputeerde staten|secretaris|"
            r"griffier|voorzitter|"
            r"directeur(?:-generaal)?|de directie|dagelijks bestuur|algemeen bestuur|raad van bestuur|"
            r"college van bestuur|"
            r"loco-secretaris|wethouder|gemeentesecretaris|provinciesecretaris|commissaris van de koning)"
            r"\b[^.;:!?]{0,160},\s*(?:[A-Z][^.;:!?]{0,60})?$",
            re.I,
        ),
    ),
    (
        "signature-bare",
        re.compile(r"^(?:de |het )?(?:secretaris|voorzitter|burgemeester|griffier|loco-secretaris)\s*,?$", re.I),
    ),
    (
        "addressee",
        re.compile(
            r"^(?:Aan (?:de|het|den)\b[^.]{0,160}|"
            r"De (?:President|Voorzitter|voorzitter|leden|directeur) van (?:de|het) [^.]{0,160}"
            r"(?:Postbus|\d{4} ?[A-Z]{2}).*)$"
        ),
    ),
    (
        "address",
        re.compile(r"(?:^|\s)(?:Postbus \d+|\d{4} ?[A-Z]{2}\s+[A-Z'][\w'\-]+)(?:\s|$)|^t\.a\.v\.|\bt\.a\.v\.\s"),
    ),
    (
        "contact",
        re.compile(
            r"^(?:www\.|https?://)\S+$|^\S+@\S+\.\w+$|^(?:T|Tel\.?|Telefoon|F|Fax)\s*[:.]?\s*[+\d(][\d ()\-]{6,}$", re.I
        ),
    ),
    (
        "kamerstuk-header",
        re.compile(
            r"^\d{2}\s?\d{3}(?:\s+[A-Z]{1,5})?(?:\s|$)|^(?:nr\.|Nr\.)\s*\d+\b|^BRIEF VAN\b|"
            r"^Tweede Kamer der Staten-Generaal\b|^Eerste Kamer der Staten-Generaal\b|"
            r"^Vergaderjaar\b|^Kamervraag\b|^Kamerstuk\b|^LIJST VAN VRAGEN EN ANTWOORDEN\b|^Brief regering\s*:|"
            r"^Officiële uitgave\b|^ISSN\b|^kst-\d|^ah-tk-|^Aanhangsel\b|^Staatscourant\b"
        ),
    ),
    (
        "footnote-marker",
        re.compile(
            r"^(?:X\s?Noot|Noot)\s*\d*$|^\*+$|^\(?\d{1,2}\)$|^\d{1,2}\s+(?:Kamerstuk|Zie|Raadpleegbaar|Ter inzage|https?://|www\.)",
            re.I,
        ),
    ),
    (
        "transcript-label",
        re.compile(
            r"^(?:De voorzitter|Voorzitter|De heer [^:]{1,60}|Mevrouw [^:]{1,60}|Minister [^:]{1,60}|"
            r"Staatssecretaris [^:]{1,60}|"
            r"Vraag(?: van)? [^:]{0,60}|Antwoord [^:]{0,60}):$"
        ),
    ),
    (
        "transcript-procedure",
        re.compile(
            r"^(?:Daartoe wordt besloten|De beraadslaging wordt (?:geopend|hervat|gesloten)|"
            r"De vergadering wordt (?:geschorst|heropend|gesloten)|Aan de orde is\b.*|Dank u wel|"
            r"Ik dank u (?:wel )?voor uw aandacht)\.?:?$",
            re.I,
        ),
    ),
    (
        "speech-closing",
        re.compile(
            r"^(?:Ik wens u (?:allen )?[^.!]{0,60}|Dank u wel|Dank voor uw aandacht|"
            r"Ik dank u (?:wel )?voor uw aandacht)[.!]$",
            re.I,
        ),
    ),
    (
        "page-caption",
        re.compile(
            r"^(?:Toespraak|Speech|Kamerbrief|Persbericht|Nieuwsbericht|Brief) "
            r"(?:van|over|met|bij|aan|door)\b[^\n]{0,300}$"
        ),
    ),
    ("parenthetical", re.compile(r"^\([^()]{1,200}\)\.?$")),
    ("source-line", re.compile(r"^(?:bron|Bron|foto|Foto|Bekijk|Download|Lees (?:ook|meer)|Deel deze)\b.{0,160}$")),
    ("letterhead-pipe", re.compile(r"^[^|.]{2,80}\|\s*[^|]{0,60}$")),
]

# Sentence end, optionally followed by closing quotes and a footnote number ("jl.1").
_TERMINAL = re.compile(r"[.?!:;…]['\"”’)\]]*(?:\d{1,2}\)?|\*)?$")
_REFERENCE_CODE = re.compile(r"^[\w./\-–()&+ ]{2,40}$")
_LOWER_WORD = re.compile(r"\b[A-Za-zà-ÿ][a-zà-ÿ]{3,}\b")


def ends_sentence(text: str) -> bool:
    return bool(_TERMINAL.search(text.rstrip()))


def looks_like_reference_code(text: str) -> bool:
    """'VO2025-AenM', 'IENW/BSK-2019/123', '2019Z12345': short, with digits and
    no ordinary lower-case words."""
    text = text.strip()
    if not _REFERENCE_CODE.match(text) or not re.search(r"\d", text):
        return False
    if len(text.split()) > 4:
        return False
    return not _LOWER_WORD.search(text) or bool(re.search(r"[/_]|\d[A-Z]|[A-Z]\d", text))


def block_rule(text: str) -> str | None:
    """The name of the furniture rule that matches the whole block, or None."""
    text = text.strip()
    if not text:
        return "blank"
    long_text = len(text.split()) > 40
    for name, pattern in BLOCK_RULES:
        if long_text:
            break  # forty words and more are body text, whatever they start with
        if pattern.search(text):
            # Address and letterhead rules may only take short blocks: a long
            # paragraph can mention a Postbus or hold a '|' in passing.
            if name in ("address", "addressee", "letterhead-pipe", "signature", "kamerstuk-header") and (
                len(text) > 260 or (ends_sentence(text) and len(text.split()) > 12 and name != "kamerstuk-header")
            ):
                continue
            return name
    if looks_like_reference_code(text):
        return "reference-code"
    if DATE_WORDS.fullmatch(text):
        return "date"
    return None
