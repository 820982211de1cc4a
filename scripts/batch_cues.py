"""Evidence cues for a gathered batch, in the format of cues.jsonl.

Each annotation pass marks, for every block it tags agree/acknowledge/pushback,
up to three verbatim sentences that carry the label. For every stance
paragraph of the adjudicated records this writes its sentences and the
indices of those that either pass (whose tag matches the final label, or the
adjudicator where neither did) marked: `cues` is the union, `agreed` the
intersection, as in the shared corpus's cues.jsonl.

    python scripts/batch_cues.py RECORDS.jsonl BLOCKS_DIR PASS_A PASS_B FINAL OUT.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from standpunt.pipelines.core.labels import STANCES
from standpunt.pipelines.core.text import fold, split_sentences


def _marked(sentences: list[str], cues: list[str]) -> set[int]:
    """Indices of the sentences that a pass's cue strings cover."""
    folded = [fold(c) for c in cues if c.strip()]
    return {i for i, s in enumerate(sentences) for c in folded if c in fold(s) or fold(s) in c}


def batch_cues(records: Path, blocks: Path, passes: list[Path], final: Path) -> list[dict]:
    out = []
    for line in records.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        starts = {b["start"]: b["i"] for b in json.loads((blocks / f"{record['id']}.json").read_text())["blocks"]}
        tags = [
            {b["i"]: b for b in json.loads((folder / f"{record['id']}.json").read_text())["blocks"]}
            for folder in (*passes, final)
        ]
        for index, paragraph in enumerate(record["paragraphs"]):
            if paragraph["label"] not in STANCES:
                continue
            block = starts[paragraph["spans"][0][0]]
            sentences = split_sentences(paragraph["text"]) or [paragraph["text"]]
            chosen = [
                _marked(sentences, t[block].get("cues", [])) for t in tags[:-1] if t[block]["tag"] == paragraph["label"]
            ]
            if not chosen:
                chosen = [_marked(sentences, tags[-1][block].get("cues", []))]
            union = sorted(set().union(*chosen))
            agreed = sorted(set.intersection(*chosen)) if chosen else []
            out.append(
                {
                    "id": record["id"],
                    "paragraph": index,
                    "label": paragraph["label"],
                    "sentences": sentences,
                    "cues": union,
                    "agreed": agreed,
                    "passes": len(chosen),
                }
            )
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    records, blocks, a, b, final, out = map(Path, argv)
    rows = batch_cues(records, blocks, [a, b], final)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    both = [r for r in rows if r["passes"] == 2]
    same = sum(r["cues"] == r["agreed"] for r in both)
    overlap = sum(bool(r["agreed"]) for r in both)
    empty = sum(not r["cues"] for r in rows)
    print(
        f"{len(rows)} stance paragraphs -> {out}; marked by both passes: {len(both)}, same sentences {same}, "
        f"at least one common sentence {overlap}; no cue found: {empty}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
