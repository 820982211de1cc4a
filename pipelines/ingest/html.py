"""HTML letters, typically saved officielebekendmakingen.nl / Kamerstuk pages.

Those pages wrap the letter in site navigation, search boxes, breadcrumbs and
footers. We keep the element that holds the document text and render its
block elements as blank-line separated blocks."""

from __future__ import annotations

import re
from pathlib import Path

from standpunt.pipelines.core.errors import IngestError
from standpunt.pipelines.ingest.text import decode_text

_DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "svg",
    "iframe",
    "template",
]
_DROP_HINTS = re.compile(
    r"(^|[-_ ])(nav|navigation|menu|breadcrumb|skip|search|zoek"
    r"|footer|header|cookie|sidebar|share|social|toolbar|pagination)([-_ ]|$)",
    re.I,
)
# Containers that hold the document on officielebekendmakingen / overheid.nl
# pages, tried in this order before falling back to <main>, <article>, <body>.
_CONTENT_SELECTORS = [
    "#broodtekst",
    "div.stuk",
    "div.kamerstuk",
    "#content .document",
    "article",
    "main",
    "[role=main]",
    "#content",
]
_BLOCK_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "tr",
    "caption",
    "address",
}


def _node_text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True)).strip()


def html_to_text(markup: str) -> str:
    """Render the letter part of an HTML page as plain text blocks."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.attrs is None:
            continue
        marks = " ".join([tag.get("id") or ""] + list(tag.get("class") or []) + [tag.get("role") or ""])
        if marks.strip() and _DROP_HINTS.search(marks) and tag.name not in ("body", "html"):
            tag.decompose()
    root = None
    for selector in _CONTENT_SELECTORS:
        found = soup.select_one(selector)
        if found is not None and _node_text(found):
            root = found
            break
    root = root or soup.body or soup
    blocks: list[str] = []
    for node in root.find_all(True):
        if node.name in _BLOCK_TAGS and not any(p.name in _BLOCK_TAGS for p in node.parents if p is not root):
            text = _node_text(node)
            if text:
                blocks.append(text)
    if not blocks:
        text = _node_text(root)
        if text:
            blocks.append(text)
    return "\n\n".join(blocks)


def read_html(path: Path) -> tuple[str, list[str]]:
    markup, warnings = decode_text(path.read_bytes(), str(path))
    if "<" not in markup:
        raise IngestError(str(path), "corrupted", "no HTML markup in file")
    return html_to_text(markup), warnings
