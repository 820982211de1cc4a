"""Does the stacker gain from a paragraph's context? On the real letters the
shipped transformer never saw (as `standpunt combine` uses them), the
stacker's macro-F1 with and without context features, cross-fitted by letter
(5 folds, 3 fold seeds):

- prev / next: the neighbouring paragraph's cue-model and transformer
  log-probabilities (zeros at a letter's edge);
- question: the previous paragraph ends in "?"; nee: this one opens with
  "Nee" after a question (the rule book's "Nee." convention); first: the
  letter's first paragraph.

    python benchmarks/stacker_context.py [--model models/default]"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def context_features(base, letters: list[str], texts: list[str]) -> dict:
    import numpy as np

    n = len(texts)
    prev, nxt = np.zeros_like(base), np.zeros_like(base)
    question, nee, first = np.zeros((n, 1)), np.zeros((n, 1)), np.zeros((n, 1))
    for i in range(n):
        if i > 0 and letters[i - 1] == letters[i]:
            prev[i] = base[i - 1]
            question[i] = float(texts[i - 1].rstrip().endswith("?"))
        else:
            first[i] = 1.0
        if i + 1 < n and letters[i + 1] == letters[i]:
            nxt[i] = base[i + 1]
        nee[i] = float(bool(re.match(r"\s*neen?\b", texts[i].lower()))) * question[i]
    return {"prev": prev, "next": nxt, "question": question, "nee": nee, "first": first}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "default"))
    parser.add_argument("--config", default=str(ROOT / "configs" / "default.yaml"))
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from standpunt.models.combination import cross_fitted_cue_scores, letter_folds, stack_features
    from standpunt.models.metrics import classification_metrics
    from standpunt.models.onnx_backend import OnnxStanceModel
    from standpunt.pipelines.combine_command import EDIT_FILES, combination_inputs
    from standpunt.pipelines.core.labels import LABELS

    real, extra, trained, _ = combination_inputs(args.config, Path(args.model) / "metrics.json", EDIT_FILES)
    extra = extra.from_letters(set(real.letters))
    rows_held = [n for n, letter in enumerate(real.letters) if letter not in trained]
    held = real.take(rows_held)
    cue = cross_fitted_cue_scores(
        real.texts, real.labels, real.letters, extra.texts, extra.labels, extra.letters, 5, 13
    )[rows_held]
    transformer = np.asarray(OnnxStanceModel(args.model).predict(held.texts).scores, dtype=np.float64)
    base = stack_features(cue, transformer)
    extra_columns = context_features(base, held.letters, held.texts)
    candidates = {
        "no context (as shipped)": [],
        "+ prev": ["prev"],
        "+ prev + question + nee": ["prev", "question", "nee"],
        "+ prev + next": ["prev", "next"],
        "+ question + nee + first": ["question", "nee", "first"],
        "+ all": ["prev", "next", "question", "nee", "first"],
    }

    def cross_fitted(features, seed: int) -> tuple[float, float]:
        fold_of = letter_folds(held.letters, 5, seed)
        folds = np.array([fold_of[letter] for letter in held.letters])
        scores = np.zeros((len(held.texts), len(LABELS)))
        for k in range(5):
            rest = folds != k
            model = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced")
            model.fit(features[rest], [held.labels[n] for n in np.flatnonzero(rest)])
            scores[~rest] = model.predict_proba(features[~rest])[:, [list(model.classes_).index(x) for x in LABELS]]
        metrics = classification_metrics(held.labels, [LABELS[i] for i in scores.argmax(axis=1)])
        return metrics["macro_f1"], metrics["per_label"]["pushback"]["f1"]

    print(f"{len(set(held.letters))} letters, {len(held.texts)} paragraphs the transformer never saw")
    print("| stacker input | macro-F1 (mean of 3 fold seeds) | per seed | pushback F1 |")
    print("|---|---|---|---|")
    for name, columns in candidates.items():
        features = np.hstack([base] + [extra_columns[c] for c in columns])
        runs = [cross_fitted(features, seed) for seed in (14, 15, 16)]
        print(
            f"| {name} | {np.mean([r[0] for r in runs]):.3f} | {', '.join(f'{r[0]:.3f}' for r in runs)} "
            f"| {np.mean([r[1] for r in runs]):.3f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
