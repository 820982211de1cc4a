"""Date, subject, sender, auditor and addressee from the letter's own words.

Analysts group stances by sender, auditor and year, so these matter, but an
excerpt may lack any of them: each finder returns None rather than a guess
from the wrong place."""

from __future__ import annotations

import re

from standpunt.pipelines.document import Metadata

MONTHS = {
    "januari": 1,
    "februari": 2,
    "maart": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "augustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
_MONTH = "|".join(MONTHS)
DATE_WORDS = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})\b", re.I)
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})-(\d{1,2})-(\d{4})\b")

_DATE_CUES = [
    re.compile(rf"^\s*Datum\s*:?\s*(?:\n\s*)*(\d{{1,2}}\s+(?:{_MONTH})\s+\d{{4}})", re.I | re.M),
    re.compile(
        rf"^\s*(?:Den Haag|'s-Gravenhage|[A-Z][a-zé]+(?:[- ][A-Z][a-z]+)?),\s*(\d{{1,2}}\s+(?:{_MONTH})\s+\d{{4}})",
        re.M,
    ),
    re.compile(rf"\b(?:Vastgesteld|Beantwoord|Ingediend)\s+(\d{{1,2}}\s+(?:{_MONTH})\s+\d{{4}})", re.I),
]
_SUBJECT = re.compile(r"^\s*(?:Betreft|Onderwerp)\s*:?\s*(.+?)\s*$", re.I | re.M)

_OFFICE = (
    r"(?:minister(?:-president)?|staatssecretaris|ministers|staatssecretarissen|burgemeester en wethouders|"
    r"college van burgemeester en wethouders|gedeputeerde staten|het college van gedeputeerde staten|"
    r"dagelijks bestuur|algemeen bestuur|college van bestuur|raad van bestuur|directeur|voorzitter|"
    r"het college|de raad van bestuur)"
)
_SIGNATURE = re.compile(rf"^\s*(?:De|de|DE|Het|het)?\s*({_OFFICE}\b[^\n]{{0,120}}?),?\s*$", re.I | re.M)
_BRIEF_VAN = re.compile(r"\bBRIEF VAN (?:DE|HET) ([A-ZËÏÉÖÜ ,\-]+?)(?:\s+Aan de|\n|$)")
_SENDER_IN_LETTERHEAD = re.compile(
    r"^\s*((?:Ministerie van|Gemeente|Provincie|Waterschap|Hoogheemraadschap|Veiligheidsregio)"
    r"\s+[^\n|]{2,80}?)\s*(?:\||$)",
    re.M,
)

_AUDITORS = re.compile(
    r"(Algemene Rekenkamer|(?:Randstedelijke|Noordelijke|Zuidelijke) Rekenkamer|"
    r"Rekenkamer(?:commissie)? [A-Z][\w\-]+(?:[- ][A-Z][\w\-]+)?|"
    r"Rekenkamer(?:commissie)?|Onderzoeksraad voor Veiligheid|Nationale ombudsman|Kinderombudsman|"
    r"Inspectie (?:(?:van|voor)(?: het| de)? )?[A-Z][\w\-]+(?: (?:en|&) [A-Z][\w\-]+| [A-Z][\w\-]+)*|"
    r"Auditdienst Rijk|Commissie van Toezicht[\w ]{0,80}?Veiligheidsdiensten|CTIVD|Staatstoezicht op de Mijnen|"
    r"Autoriteit Persoonsgegevens|Nederlandse Voedsel- en Warenautoriteit|NVWA|Onderwijsinspectie|ombudsman)",
)
_ADDRESSEE_LINE = re.compile(
    r"^\s*(Aan (?:de|het) [^\n]{3,120}|De (?:President|Voorzitter|voorzitter|directeur) van [^\n]{3,120})\s*$", re.M
)


def iso_date(day: str, month: str, year: str) -> str | None:
    try:
        number = MONTHS[month.lower()] if not month.isdigit() else int(month)
    except KeyError:
        return None
    if not (1 <= int(day) <= 31 and 1 <= number <= 12):
        return None
    return f"{int(year):04d}-{number:02d}-{int(day):02d}"


def find_date(text: str) -> str | None:
    head = text[:6000]
    for cue in _DATE_CUES:
        match = cue.search(head)
        if match:
            parts = DATE_WORDS.search(match.group(1))
            if parts:
                return iso_date(*parts.groups())
    match = DATE_WORDS.search(text[:1500])
    if match:
        return iso_date(*match.groups())
    match = _DATE_NUMERIC.search(text[:1500])
    if match:
        return iso_date(*match.groups())
    return None


def find_subject(text: str) -> str | None:
    match = _SUBJECT.search(text[:6000])
    if not match:
        return None
    subject = match.group(1)
    # A subject often wraps onto a second line before the blank line.
    rest = text[match.end() :]
    nxt = re.match(r"\n([^\n]{1,100})\n\s*\n", rest)
    if nxt and not re.match(r"\s*(Datum|Kenmerk|Uw|Onze|Bijlage|Geachte|Dames|Aan )", nxt.group(1), re.I):
        subject = f"{subject} {nxt.group(1).strip()}"
    return re.sub(r"\s+", " ", subject).strip() or None


_SMALL_WORDS = {"van", "voor", "en", "de", "het", "der", "op", "in"}
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-Ý][\w\-’']*|[A-Z]{2,}|\(?[A-Z][\w]*\)?)$")


def _tidy_office(raw: str) -> str | None:
    """Keep 'Minister van X en Y'; drop a trailing name and refuse a sentence."""
    raw = re.sub(r"\s+", " ", raw).strip(" ,")
    parts = [part.strip() for part in raw.split(",")]
    kept = [parts[0]]
    for part in parts[1:]:
        if re.search(r"\b[A-Z]\.", part) or not part:  # initials: a personal name follows
            break
        kept.append(part)
    raw = ", ".join(kept)
    if re.search(r"voorzitter van de (tweede|eerste) kamer", raw, re.I):
        return None  # the addressee, not the sender
    if raw.isupper():
        raw = " ".join(w.lower() if w.lower() in _SMALL_WORDS else w.capitalize() for w in raw.split())
    words = raw.split()
    if not words:
        return None
    # After the office word, everything must be part of a name of an organisation.
    tail = words[1:]
    if any(w.strip(",") not in _SMALL_WORDS and not _NAME_WORD.match(w.strip(",")) for w in tail):
        return None
    return words[0][0].upper() + raw[1:]


def find_sender(text: str) -> str | None:
    # The signature block near the end is the most reliable; scan from the
    # closing formula onward, else the whole text from the back.
    closing = re.search(r"^\s*(Hoogachtend|Met vriendelijke groet(?:en)?|Met de meeste hoogachting)", text, re.I | re.M)
    region = text[closing.end() :] if closing else text
    candidates = [m for m in _SIGNATURE.finditer(region) if len(m.group(1)) < 140]
    for match in candidates:
        line = match.group(1)
        if re.search(r"\b(van|voor)\b", line, re.I) and not re.search(r"[.;:?!]\s*$", line):
            if not closing and len(line.split()) > 14:
                continue
            tidy = _tidy_office(line)
            if tidy:
                return tidy
    for pattern, limit in ((_BRIEF_VAN, 3000), (_SENDER_IN_LETTERHEAD, 2500)):
        match = pattern.search(text[:limit])
        if match:
            tidy = _tidy_office(match.group(1))
            if tidy:
                return tidy
    return None


def find_auditor(text: str) -> str | None:
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for match in _AUDITORS.finditer(text):
        name = re.sub(r"\s+", " ", match.group(1)).strip()
        counts[name] = counts.get(name, 0) + 1
        first.setdefault(name, match.start())
    if not counts:
        return None
    # Prefer specific names over the bare word "Rekenkamer"/"ombudsman".
    specific = {n: c for n, c in counts.items() if n.lower() not in ("rekenkamer", "ombudsman", "rekenkamercommissie")}
    pool = specific or counts
    return max(pool, key=lambda n: (pool[n], -first[n]))


def find_addressee(text: str) -> str | None:
    match = _ADDRESSEE_LINE.search(text[:3000])
    if match:
        return re.sub(r"\s+", " ", match.group(1)).strip()
    return None


def extract_metadata(text: str) -> Metadata:
    return Metadata(
        date=find_date(text),
        subject=find_subject(text),
        sender=find_sender(text),
        auditor=find_auditor(text),
        addressee=find_addressee(text),
    )
