"""Per archive: counts and shares of each stance by sender, auditor and year,
the share of pushback per year, and the strongest pushback paragraphs.

The unit is the finding (what an auditor's recommendation tracker counts),
with paragraph counts alongside."""

from __future__ import annotations

from collections import Counter, defaultdict

from standpunt.pipelines.core.labels import LABELS


def _year(letter: dict) -> str:
    date = (letter.get("metadata") or {}).get("date")
    return date[:4] if date else "unknown"


def _key(letter: dict, field: str) -> str:
    return (letter.get("metadata") or {}).get(field) or "unknown"


def _table(letters: list[dict], key) -> dict[str, dict]:
    findings: dict[str, Counter] = defaultdict(Counter)
    paragraphs: dict[str, Counter] = defaultdict(Counter)
    n_letters: Counter = Counter()
    for letter in letters:
        group = key(letter)
        n_letters[group] += 1
        for finding in letter["findings"]:
            findings[group][finding["stance"]] += 1
        for label, count in letter["counts"].items():
            paragraphs[group][label] += count
    out = {}
    for group in sorted(n_letters, key=lambda g: (-n_letters[g], g)):
        total = sum(findings[group].values())
        out[group] = {
            "letters": n_letters[group],
            "findings": {s: findings[group][s] for s in LABELS},
            "finding_shares": {s: (findings[group][s] / total if total else 0.0) for s in LABELS},
            "paragraphs": {s: paragraphs[group][s] for s in LABELS},
        }
    return out


def summarize_archive(letters: list[dict], paragraphs: list[dict], strongest: int = 20) -> dict:
    ok = [letter for letter in letters if letter["status"] == "ok"]
    failed = [letter for letter in letters if letter["status"] != "ok"]
    by_year = _table(ok, _year)
    pushback_share = {
        year: (row["findings"]["pushback"] / sum(row["findings"].values()) if sum(row["findings"].values()) else 0.0)
        for year, row in sorted(by_year.items())
    }
    strongest_pushback = sorted(
        (p for p in paragraphs if p["label"] == "pushback"), key=lambda p: -p["scores"]["pushback"]
    )[:strongest]
    totals = Counter()
    for letter in ok:
        for finding in letter["findings"]:
            totals[finding["stance"]] += 1
    return {
        "letters": len(letters),
        "letters_ok": len(ok),
        "letters_failed": len(failed),
        "failures": Counter(letter.get("reason") or "error" for letter in failed),
        "findings": {s: totals[s] for s in LABELS},
        "by_sender": _table(ok, lambda letter: _key(letter, "sender")),
        "by_auditor": _table(ok, lambda letter: _key(letter, "auditor")),
        "by_year": by_year,
        "pushback_share_by_year": pushback_share,
        "strongest_pushback": [
            {
                "letter": p["letter"],
                "source": p["source"],
                "paragraph": p["paragraph"],
                "heading": p["heading"],
                "score": p["scores"]["pushback"],
                "text": p["text"],
            }
            for p in strongest_pushback
        ],
    }
