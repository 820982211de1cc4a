"""`standpunt report DIR`: one self-contained HTML file (styles, script and
charts inline; it loads nothing from the network) plus summary.csv.

Overview charts (stance of findings by sender and by year), a letter table
that can be filtered by stance, sender and year and searched, and a section
per letter with its paragraphs coloured by stance, their probability and
heading, and the evidence sentence highlighted."""

from __future__ import annotations

import csv
import datetime as dt
import json
from html import escape
from pathlib import Path

from standpunt.pipelines.batch.outputs import LETTERS
from standpunt.pipelines.batch.tables import read_letters, read_paragraphs
from standpunt.pipelines.core.labels import LABELS
from standpunt.pipelines.summarize.archive import summarize_archive

COLOURS = {"agree": "#2e7d32", "acknowledge": "#1565c0", "pushback": "#c62828", "none": "#9e9e9e"}
DUTCH = {"agree": "instemmen", "acknowledge": "erkennen", "pushback": "tegenspreken", "none": "geen standpunt"}

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#212121;background:#fafafa}
header{background:#263238;color:#fff;padding:16px 24px}header h1{margin:0;font-size:22px}
main{padding:16px 24px;max-width:1200px}
h2{border-bottom:2px solid #cfd8dc;padding-bottom:4px;margin-top:32px}
.charts{display:flex;flex-wrap:wrap;gap:24px}\
.chart{background:#fff;border:1px solid #e0e0e0;padding:8px;border-radius:4px}
.legend span{display:inline-block;margin-right:12px;font-size:13px}\
.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
table{border-collapse:collapse;width:100%;background:#fff}\
th,td{border-bottom:1px solid #eceff1;padding:6px 8px;text-align:left;font-size:14px;vertical-align:top}
th{background:#eceff1;position:sticky;top:0}
.chip{display:inline-block;border-radius:10px;padding:1px 8px;color:#fff;font-size:12px;margin:1px}
.filters{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}.filters label{font-size:14px}
.filters select,.filters input{margin-left:4px;padding:4px}
section.letter{background:#fff;border:1px solid #e0e0e0;border-radius:4px;padding:12px 16px;margin:16px 0}
.meta{color:#546e7a;font-size:13px}.para{border-left:6px solid #9e9e9e;padding:6px 10px;margin:8px 0;background:#fcfcfc}
.para .lab{font-size:12px;font-weight:600}.heading{font-weight:700;margin-top:14px}
mark{background:#fff59d;padding:0 1px}.error{color:#c62828}
.findings li{margin:4px 0}.count{color:#546e7a;font-size:13px}
"""

SCRIPT = """
(function(){
  var rows = Array.prototype.slice.call(document.querySelectorAll('#letters tbody tr'));
  var stance = document.getElementById('f-stance'), sender = document.getElementById('f-sender'),
      year = document.getElementById('f-year'), search = document.getElementById('f-search'),
      shown = document.getElementById('shown');
  function apply(){
    var s = stance.value, se = sender.value, y = year.value, q = search.value.trim().toLowerCase(), n = 0;
    rows.forEach(function(r){
      var ok = (!s || (' ' + r.dataset.stances + ' ').indexOf(' ' + s + ' ') >= 0)
        && (!se || r.dataset.sender === se) && (!y || r.dataset.year === y)
        && (!q || r.dataset.search.indexOf(q) >= 0);
      r.style.display = ok ? '' : 'none';
      var section = document.getElementById(r.dataset.target);
      if (section) section.style.display = ok ? '' : 'none';
      if (ok) n++;
    });
    shown.textContent = n;
  }
  [stance, sender, year].forEach(function(el){ el.addEventListener('change', apply); });
  search.addEventListener('input', apply);
  apply();
})();
"""


def _chip(stance: str, text: str | None = None) -> str:
    return (
        f'<span class="chip" style="background:{COLOURS[stance]}" title="{DUTCH[stance]}">'
        f"{escape(text or stance)}</span>"
    )


def _bar_chart(title: str, table: dict[str, dict], limit: int = 15) -> str:
    """Horizontal stacked bars of finding stances, one bar per group (inline SVG)."""
    items = list(table.items())[:limit]
    width, label_w, bar_w, row_h = 560, 210, 330, 22
    height = 30 + row_h * max(1, len(items))
    top = max((sum(row["findings"].values()) for _, row in items), default=1) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="0" y="16" font-size="14" font-weight="600">{escape(title)}</text>',
    ]
    for i, (group, row) in enumerate(items):
        y = 26 + i * row_h
        name = group if len(group) <= 32 else group[:31] + "…"
        parts.append(f'<text x="0" y="{y + 14}" font-size="12"><title>{escape(group)}</title>{escape(name)}</text>')
        x = label_w
        for stance in LABELS:
            count = row["findings"][stance]
            if count:
                w = bar_w * count / top
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{COLOURS[stance]}">'
                    f"<title>{escape(group)}: {count} {stance}</title></rect>"
                )
                x += w
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 14}" font-size="11" fill="#546e7a">{sum(row["findings"].values())}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _highlight(text: str, sentence: str | None) -> str:
    if sentence and sentence in text:
        start = text.index(sentence)
        return escape(text[:start]) + "<mark>" + escape(sentence) + "</mark>" + escape(text[start + len(sentence) :])
    return escape(text)


_ANCHOR_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


def anchor(letter_id: str) -> str:
    """The HTML id of a letter's section, from its letter id, so that a link
    to a letter (report.html#letter-...) stays valid across reruns. Every
    character outside [A-Za-z0-9-] is written as _xx per UTF-8 byte (and '_'
    itself too), so distinct letters never share an anchor and the anchor
    needs no escaping in an attribute, a URL fragment or a CSS selector."""
    return "letter-" + "".join(
        ch if ch in _ANCHOR_SAFE else "".join(f"_{b:02x}" for b in ch.encode("utf-8")) for ch in letter_id
    )


def _model_line(model: dict | None) -> str:
    """Which model labelled the folder (run.json), so a printed report says it too."""
    if not model:
        return "model: unknown (no run.json)"
    version = f" version {escape(str(model['version']))}" if model.get("version") else ""
    name = escape(str(model.get("name") or model.get("resolved")))
    return f"model: {name}{version} &middot; weights {escape(str(model.get('sha256') or '')[:12])}"


def render(
    letters: list[dict], paragraphs: list[dict], title: str = "Standpunt report", model: dict | None = None
) -> str:
    archive = summarize_archive(letters, paragraphs)
    by_letter: dict[str, list[dict]] = {}
    for p in paragraphs:
        by_letter.setdefault(p["letter"], []).append(p)
    senders = sorted({(lt.get("metadata") or {}).get("sender") or "unknown" for lt in letters if lt["status"] == "ok"})
    years = sorted(
        {((lt.get("metadata") or {}).get("date") or "unknown")[:4] for lt in letters if lt["status"] == "ok"}
    )
    legend = "".join(f'<span><i style="background:{COLOURS[s]}"></i>{s} ({DUTCH[s]})</span>' for s in LABELS)
    total_findings = sum(archive["findings"].values())

    html = [
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{escape(title)}</h1><div>{archive['letters_ok']} letters read, "
        f"{archive['letters_failed']} failed, "
        f"{len(paragraphs)} paragraphs, {total_findings} findings &middot; "
        f"generated {dt.date.today().isoformat()}</div>"
        f'<div id="model">{_model_line(model)}</div></header><main>',
        "<h2>Archive overview</h2>",
        f'<div class="legend">{legend}</div>',
        "<p>" + " ".join(f"{_chip(s)} {archive['findings'][s]} findings" for s in LABELS) + "</p>",
        '<div class="charts">',
        f'<div class="chart" id="chart-sender">'
        f"{_bar_chart('Findings by stance, per sender', archive['by_sender'])}</div>",
        f'<div class="chart" id="chart-year">'
        f"{_bar_chart('Findings by stance, per year', dict(sorted(archive['by_year'].items())))}</div>",
        "</div>",
        "<h3>Share of findings with pushback, per year</h3>"
        "<table><tr><th>year</th><th>pushback share</th><th>findings</th></tr>",
    ]
    for year, share in archive["pushback_share_by_year"].items():
        html.append(
            f"<tr><td>{escape(year)}</td><td>{share:.0%}</td>"
            f"<td>{sum(archive['by_year'][year]['findings'].values())}</td></tr>"
        )
    html.append("</table>")
    if archive["strongest_pushback"]:
        html.append(
            "<h3>Strongest pushback</h3><table><tr><th>letter</th><th>heading</th><th>p</th><th>paragraph</th></tr>"
        )
        for item in archive["strongest_pushback"][:10]:
            html.append(
                f"<tr><td>{escape(item['letter'])}</td><td>{escape(item['heading'] or '')}</td>"
                f"<td>{item['score']:.2f}</td><td>{escape(item['text'][:400])}</td></tr>"
            )
        html.append("</table>")

    html += [
        "<h2>Letters</h2>",
        '<div class="filters">',
        '<label>Stance <select id="f-stance"><option value="">any</option>'
        + "".join(f'<option value="{s}">{s}</option>' for s in LABELS)
        + '<option value="error">failed</option></select></label>',
        '<label>Sender <select id="f-sender"><option value="">any</option>'
        + "".join(f'<option value="{escape(s)}">{escape(s)}</option>' for s in senders)
        + "</select></label>",
        '<label>Year <select id="f-year"><option value="">any</option>'
        + "".join(f'<option value="{escape(y)}">{escape(y)}</option>' for y in years)
        + "</select></label>",
        '<label>Search <input id="f-search" type="search" placeholder="letter, sender, words"></label>',
        '<span class="count"><span id="shown"></span> letters shown</span></div>',
        '<table id="letters"><thead><tr><th>letter</th><th>date</th><th>sender</th><th>auditor</th>'
        "<th>findings</th><th>paragraphs</th></tr></thead><tbody>",
    ]
    sections = []
    for letter in letters:
        meta = letter.get("metadata") or {}
        sender = meta.get("sender") or "unknown"
        year = (meta.get("date") or "unknown")[:4]
        target = anchor(letter["letter"])
        mine = by_letter.get(letter["letter"], [])
        if letter["status"] != "ok":
            search = f"{letter['letter']} {letter.get('error', '')}".lower()
            html.append(
                f'<tr data-stances="error" data-sender="" data-year="" data-search="{escape(search)}" '
                f'data-target="{target}">'
                f"<td>{escape(letter['letter'])}</td><td></td><td></td><td></td>"
                f'<td class="error" colspan="2">failed: {escape(letter.get("error", ""))}</td></tr>'
            )
            continue
        stances = sorted({f["stance"] for f in letter["findings"]})
        chips = "".join(
            _chip(s, f"{s} {sum(1 for f in letter['findings'] if f['stance'] == s)}") for s in LABELS if s in stances
        )
        search = " ".join(
            [letter["letter"], sender, meta.get("auditor") or "", meta.get("subject") or ""] + [p["text"] for p in mine]
        ).lower()
        html.append(
            f'<tr data-stances="{" ".join(stances)}" data-sender="{escape(sender)}" data-year="{escape(year)}" '
            f'data-search="{escape(search)}" data-target="{target}">'
            f'<td><a href="#{target}">{escape(letter["letter"])}</a></td><td>{escape(meta.get("date") or "")}</td>'
            f"<td>{escape(sender)}</td>"
            f"<td>{escape(meta.get('auditor') or '')}</td><td>{chips}</td><td>{letter['n_paragraphs']}</td></tr>"
        )
        evidence = {
            f["evidence"]["paragraph"]: f["evidence"]["sentence"] for f in letter["findings"] if f.get("evidence")
        }
        body = [
            f'<section class="letter" id="{target}"><h3>{escape(letter["letter"])}</h3>',
            f'<div class="meta">{escape(letter["source"])} &middot; {escape(meta.get("date") or "no date")} &middot; '
            f"{escape(sender)} &rarr; {escape(meta.get('auditor') or 'auditor unknown')}"
            + (f" &middot; {escape(meta['subject'])}" if meta.get("subject") else "")
            + "</div>",
            '<ul class="findings">',
        ]
        for finding in letter["findings"]:
            ev = finding.get("evidence")
            body.append(
                f"<li>{_chip(finding['stance'])} <b>{escape(finding['heading'] or '(before the first heading)')}</b>"
                + (f": &ldquo;{escape(ev['sentence'])}&rdquo;" if ev else "")
                + "</li>"
            )
        body.append("</ul>")
        heading = object()
        for p in mine:
            if p["heading"] != heading:
                heading = p["heading"]
                if heading:
                    body.append(f'<div class="heading">{escape(heading)}</div>')
            body.append(
                f'<div class="para" style="border-left-color:{COLOURS[p["label"]]}" data-label="{p["label"]}">'
                f'<div class="lab" style="color:{COLOURS[p["label"]]}">{p["label"]} {p["scores"][p["label"]]:.2f}</div>'
                f"{_highlight(p['text'], evidence.get(p['paragraph']))}</div>"
            )
        body.append("</section>")
        sections.append("".join(body))
    html.append("</tbody></table>")
    html.append("<h2>Letters in full</h2>")
    html += sections
    html.append(f"</main><script>{SCRIPT}</script></body></html>")
    return "\n".join(html)


def write_summary_csv(letters: list[dict], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["letter", "source", "status", "reason", "date", "sender", "auditor", "subject", "paragraphs"]
            + [f"paragraphs_{s}" for s in LABELS]
            + [f"findings_{s}" for s in LABELS]
            + ["pushback_evidence"]
        )
        for letter in letters:
            meta = letter.get("metadata") or {}
            counts = letter.get("counts") or {}
            findings = letter.get("findings") or []
            evidence = " | ".join(
                f["evidence"]["sentence"] for f in findings if f["stance"] == "pushback" and f.get("evidence")
            )
            writer.writerow(
                [
                    letter["letter"],
                    letter["source"],
                    letter["status"],
                    letter.get("reason") or "",
                    meta.get("date") or "",
                    meta.get("sender") or "",
                    meta.get("auditor") or "",
                    meta.get("subject") or "",
                    letter.get("n_paragraphs") or 0,
                ]
                + [counts.get(s, 0) for s in LABELS]
                + [sum(1 for f in findings if f["stance"] == s) for s in LABELS]
                + [evidence]
            )


def write_report(folder: str | Path) -> tuple[Path, Path]:
    folder = Path(folder)
    letters = read_letters(folder)  # letters.jsonl (predict) or letters.parquet/ (spark-predict)
    if not letters:
        raise FileNotFoundError(f"{folder / LETTERS}: no letters (run standpunt predict ... --out {folder} first)")
    paragraphs = read_paragraphs(folder)
    report = folder / "report.html"
    manifest_path = folder / "run.json"
    model = json.loads(manifest_path.read_text(encoding="utf-8")).get("model") if manifest_path.exists() else None
    report.write_text(render(letters, paragraphs, f"Standpunt report: {folder.name}", model), encoding="utf-8")
    summary = folder / "summary.csv"
    write_summary_csv(letters, summary)
    (folder / "summary.json").write_text(
        json.dumps(summarize_archive(letters, paragraphs), indent=2, ensure_ascii=False, default=dict)
    )
    return report, summary
