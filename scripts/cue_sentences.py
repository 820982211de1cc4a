"""The annotators' evidence sentences as training-only rows for the transformer.

Why: a stance paragraph is often long, and its stance sits in one or two of
its sentences; the annotators marked those sentences in two blind passes
(data/corpus/cues*.jsonl). Each marked sentence of a stance paragraph with
two or more sentences becomes a row with its paragraph's label, in the
format of the counterfactual edits (`origin_letter`, `text`, `label`), so
`data.edits` trains on it only beside its own letter: a held-out letter's
sentences never train the model that scores it.

    python scripts/cue_sentences.py OUT.jsonl
    python train.py --config configs/ship.yaml data.edits=[OUT.jsonl]

Tried in the nineteenth session (README, "The annotators' evidence sentences
as training rows"): the transformer alone rose from 0.476 to 0.492 over the
1,117 letters of batches up to 29, out of fold, but the combination stayed
level and its gate skips fewer paragraphs, so the shipped model does not
train on them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from standpunt.pipelines.combine_command import CUE_FILES
from standpunt.pipelines.core.corpus import json_lines


def cue_sentence_rows(paths: list[Path]) -> list[dict]:
    """One row per marked sentence (the union of both passes) of a stance
    paragraph that has more than one sentence; a one-sentence paragraph's cue
    is the paragraph itself and would only count it twice."""
    rows = []
    for path in paths:
        for _, record in json_lines(path):
            if record["label"] == "none" or len(record["sentences"]) < 2:
                continue
            letter, label = record["id"], record["label"]
            rows += [{"origin_letter": letter, "text": record["sentences"][i], "label": label} for i in record["cues"]]
    return rows


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python scripts/cue_sentences.py OUT.jsonl", file=sys.stderr)
        return 2
    out = Path(argv[0])
    rows = cue_sentence_rows(CUE_FILES)
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} marked sentences of {len({r['origin_letter'] for r in rows})} letters -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
