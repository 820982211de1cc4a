"""The sentence-level candidate of the quality issue: a cue model trained on
sentences, supervised by the annotators' evidence cues, whose paragraph label
follows the rule book's precedence (multiple-instance learning), and the same
model as a third input of the shipped combination's stacker.

    python benchmarks/sentence_model.py [--seeds 13 14 15]

Training sentences: in a stance paragraph with marked cues
(data/corpus/cues*.jsonl, two blind passes, union) the cue sentences carry its
label and the others `none`; a stance paragraph without cues trains whole;
every sentence of a `none` paragraph is `none`. Folds are grouped by letter
over every real letter. Reported, per fold seed:

- the sentence model alone: a paragraph is the first of pushback > agree >
  acknowledge whose best sentence scores at least 0.5, else none (over all
  real letters);
- the stacker of `standpunt combine` (cross-fitted over the 268 held-out
  letters of the shipped transformer) over cue model + transformer, and
  with the sentence model's best-sentence scores added.

Measured 2026-12-06 (README, "The combination"), fold seeds 13/14/15: alone
0.459/0.443/0.428 macro-F1 (pushback 0.198/0.174/0.092); in the stacker
0.508 -> 0.512, 0.487 -> 0.492, 0.501 -> 0.477: no gain."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from stack_candidates import f1_line, labels_of, log, stacked, study_arguments  # noqa: E402

from standpunt.models.baselines import HybridBaseline  # noqa: E402
from standpunt.models.combination import cross_fitted_cue_scores, letter_folds  # noqa: E402
from standpunt.models.evidence_ranker import is_cue  # noqa: E402
from standpunt.pipelines.combine_command import (  # noqa: E402
    CUE_FILES,
    EDIT_FILES,
    combination_inputs,
    real_paragraph_keys,
)
from standpunt.pipelines.core.labels import LABELS  # noqa: E402
from standpunt.pipelines.core.text import split_sentences  # noqa: E402
from standpunt.pipelines.evaluation.findings import read_cues  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "models" / "default"
PRECEDENCE = ("pushback", "agree", "acknowledge")


def sentence_rows(text: str, label: str, cues: list[str] | None) -> tuple[list[str], list[str]]:
    """One paragraph's training sentences and their labels."""
    sentences = split_sentences(text) or [text]
    if label == "none":
        return sentences, ["none"] * len(sentences)
    if cues:
        labels = [label if is_cue(s, cues) else "none" for s in sentences]
        if any(lab != "none" for lab in labels):
            return sentences, labels
    return [text], [label]


def best_sentence_scores(real, keys, cues, seed: int, folds: int = 5) -> np.ndarray:
    """Per paragraph, each label's highest sentence score from a sentence model
    that never trained on the paragraph's letter."""
    fold_of = letter_folds(real.letters, folds, seed)
    sentences = [split_sentences(t) or [t] for t in real.texts]
    best = np.zeros((len(real.texts), len(LABELS)))
    for k in range(folds):
        texts, labels = [], []
        for n, letter in enumerate(real.letters):
            if fold_of[letter] != k:
                rows = sentence_rows(real.texts[n], real.labels[n], cues.get(keys[n]))
                texts += rows[0]
                labels += rows[1]
        model = HybridBaseline().fit(texts, labels)
        test = [n for n, letter in enumerate(real.letters) if fold_of[letter] == k]
        scores = model.predict([s for n in test for s in sentences[n]]).scores
        position = 0
        for n in test:
            best[n] = scores[position : position + len(sentences[n])].max(axis=0)
            position += len(sentences[n])
    return best


def cue_study_inputs(config: str):
    """What the studies of sentences and cues read: the real paragraphs, the
    counterfactual edits of their letters, the shipped transformer's training
    letters, each paragraph's (letter id, index) and the annotators' cues."""
    from standpunt.models.config import load_config

    real, extra, trained, _ = combination_inputs(config, SHIPPED / "metrics.json", EDIT_FILES)
    extra = extra.from_letters(set(real.letters))
    keys = real_paragraph_keys(load_config(config))
    cues = read_cues(CUE_FILES)
    return real, extra, trained, keys, cues


def by_precedence(best: np.ndarray) -> list[str]:
    out = []
    for row in best:
        out.append(next((label for label in PRECEDENCE if row[LABELS.index(label)] >= 0.5), "none"))
    return out


def main() -> int:
    args = study_arguments(__doc__)
    from standpunt.models.onnx_backend import OnnxStanceModel

    real, extra, trained, keys, cues = cue_study_inputs(args.config)
    held = [n for n, letter in enumerate(real.letters) if letter not in trained]
    held_labels = [real.labels[n] for n in held]
    held_letters = [real.letters[n] for n in held]
    transformer = np.asarray(OnnxStanceModel(SHIPPED).predict([real.texts[n] for n in held]).scores, dtype=float)

    for seed in args.seeds:
        best = best_sentence_scores(real, keys, cues, seed)
        cue = cross_fitted_cue_scores(
            real.texts, real.labels, real.letters, extra.texts, extra.labels, extra.letters, 5, seed
        )[held]
        two = stacked(np.hstack([log(cue), log(transformer)]), held_labels, held_letters, seed + 1, "full")
        three = stacked(
            np.hstack([log(cue), log(transformer), log(best[held])]), held_labels, held_letters, seed + 1, "full"
        )
        print(
            f"seed {seed}: sentence model alone, {len(real.texts)} real paragraphs: "
            f"{f1_line(real.labels, by_precedence(best))}; stacker on {len(held)} held-out paragraphs: "
            f"cue + transformer {f1_line(held_labels, labels_of(two))}, "
            f"+ sentence model {f1_line(held_labels, labels_of(three))}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
