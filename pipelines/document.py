"""The records that travel between the stages: file -> Document -> Paragraphs."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Metadata:
    """What the letter says about itself; every field is None when not found,
    because archived replies are often excerpts without letterhead or signature."""

    date: str | None = None  # ISO yyyy-mm-dd
    subject: str | None = None
    sender: str | None = None
    auditor: str | None = None
    addressee: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "date": self.date,
            "subject": self.subject,
            "sender": self.sender,
            "auditor": self.auditor,
            "addressee": self.addressee,
        }


@dataclass
class Document:
    """A letter as extracted from its file. `text` is the reference for every
    span downstream, so it is never edited after extraction."""

    id: str
    source: str
    text: str
    metadata: Metadata = field(default_factory=Metadata)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Paragraph:
    """One body paragraph. `spans` point into Document.text so that an analyst
    can find the exact words in the letter; a page break gives several spans."""

    index: int
    text: str
    spans: list[tuple[int, int]]
    heading: str | None = None

    def as_record(self, letter: str, source: str) -> dict:
        return {
            "letter": letter,
            "source": source,
            "paragraph": self.index,
            "text": self.text,
            "spans": [[a, b] for a, b in self.spans],
            "heading": self.heading,
        }
