"""Cross-validated candidates inside the combination: each candidate's
out-of-fold scores (from `model_selection.py --scores-out DIR`) stacked with
the rule book's cue model, the way `standpunt combine` stacks the shipped
transformer, over every real letter.

    python benchmarks/model_selection.py --repeats 1 --candidates setfit,lora-top6-128 --scores-out DIR
    python benchmarks/stack_candidates.py DIR [--seeds 13 14 15]

A candidate alone is not what ships: the combination is. Where the shipped
transformer can only be judged on the letters it did not train on (268), the
out-of-fold scores cover all real letters, every one scored by a model that
never saw it, so two fine-tuning recipes compare on the same footing and on
more letters. Per cue-model fold seed: the cue model alone (through the
stacker), cue + each candidate, cue + every candidate, each with the
diagonal stacker that ships and the free ("full") one (logistic regression
over log-probabilities, then a temperature: models/combination.py),
cross-fitted over letters. The first seed's runs also get a letter-bootstrap
interval and, against cue + the first candidate, a paired difference.

Measured 2026-12-06 (README, "Choosing a model"), seeds 13/14/15, diagonal
stacker: cue model alone 0.464/0.463/0.460, + lora-top6-128
0.473/0.462/0.478, + setfit 0.474/0.481/0.479 (a tie: -0.020 to +0.020);
the free stacker 0.000-0.037 lower in each of the nine pairs."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from machine import describe_machine  # noqa: E402

from standpunt.models.combination import (  # noqa: E402
    cross_fitted_cue_scores,
    fit_calibrated_logistic,
    fit_diagonal_logistic,
    letter_folds,
)
from standpunt.models.metrics import classification_metrics  # noqa: E402
from standpunt.models.windows import softmax  # noqa: E402
from standpunt.pipelines.combine_command import EDIT_FILES, combination_inputs  # noqa: E402
from standpunt.pipelines.core.labels import LABELS  # noqa: E402
from standpunt.pipelines.core.text import fold  # noqa: E402
from standpunt.pipelines.evaluation.bootstrap import letter_bootstrap, paired_letter_bootstrap  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def stacked(
    features: np.ndarray, labels: list[str], letters: list[str], seed: int, form: str, folds: int = 5
) -> np.ndarray:
    """The combination's stacker (`form` diagonal or full, as `combine --stacker`), cross-fitted over letters."""
    fold_of = letter_folds(letters, folds, seed)
    ids = np.array([fold_of[letter] for letter in letters])
    out = np.zeros((len(labels), len(LABELS)))
    for k in range(folds):
        rest = ids != k
        rest_labels = [labels[n] for n in np.flatnonzero(rest)]
        if form == "diagonal":
            weights, bias, temperature = fit_diagonal_logistic(
                features[rest], rest_labels, groups=features.shape[1] // len(LABELS)
            )
        else:
            weights, bias, temperature = fit_calibrated_logistic(features[rest], rest_labels)
        out[~rest] = softmax((features[~rest] @ weights.T + bias) / temperature)
    return out


def study_arguments(doc: str, more: Callable[[argparse.ArgumentParser], None] | None = None) -> argparse.Namespace:
    """--seeds and --config of the studies that refit the combination for
    several cue-model fold seeds (and whatever `more` adds); prints where the
    study runs first."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 14, 15])
    parser.add_argument("--config", default=str(ROOT / "configs" / "default.yaml"))
    if more:
        more(parser)
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    return args


def labels_of(scores: np.ndarray) -> list[str]:
    return [LABELS[i] for i in scores.argmax(axis=1)]


def f1_line(gold: list[str], predicted: list[str]) -> str:
    """Macro-F1 and pushback F1, as the studies print them."""
    metrics = classification_metrics(gold, predicted)
    return f"{metrics['macro_f1']:.3f} (pushback {metrics['per_label']['pushback']['f1']:.3f})"


def log(x: np.ndarray) -> np.ndarray:
    return np.log(np.clip(x, 1e-6, 1.0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scores", type=Path, help="folder of <candidate>.npz out-of-fold scores")
    parser.add_argument("--candidates", nargs="*", help="which of the folder's candidates (default: all)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 14, 15])
    parser.add_argument("--config", default=str(ROOT / "configs" / "default.yaml"))
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    real, extra, _, _ = combination_inputs(args.config, ROOT / "models" / "default" / "metrics.json", EDIT_FILES)
    extra = extra.from_letters(set(real.letters))
    names = args.candidates or sorted(p.stem for p in args.scores.glob("*.npz"))
    candidates = {}
    for name in names:
        data = np.load(args.scores / f"{name}.npz")
        if list(data["letters"]) != list(real.letters) or list(data["texts"]) != [fold(t) for t in real.texts]:
            print(f"stack_candidates: {name}.npz was scored on other paragraphs than the config's", file=sys.stderr)
            return 2
        candidates[name] = data["scores"][0]  # the first repeat
    gold, letters = real.labels, real.letters

    def scored(predicted: list[str]) -> str:
        return f1_line(gold, predicted)

    print(f"{len(set(letters))} real letters, {len(gold)} paragraphs")
    for name, scores in candidates.items():
        print(f"{name} alone: {scored(labels_of(scores))}")
    for seed in args.seeds:
        cue = log(
            cross_fitted_cue_scores(
                real.texts, real.labels, real.letters, extra.texts, extra.labels, extra.letters, 5, seed
            )
        )
        runs = {"cue model": stacked(cue, gold, letters, seed + 1, "full")}
        for form in ("diagonal", "full"):
            for name, scores in candidates.items():
                runs[f"cue + {name} ({form})"] = stacked(np.hstack([cue, log(scores)]), gold, letters, seed + 1, form)
            if len(candidates) > 1:
                every = np.hstack([cue, *(log(s) for s in candidates.values())])
                runs["cue + " + " + ".join(candidates) + f" ({form})"] = stacked(every, gold, letters, seed + 1, form)
        print(f"seed {seed}: " + "; ".join(f"{name} {scored(labels_of(s))}" for name, s in runs.items()), flush=True)
        if seed != args.seeds[0]:
            continue
        reference = f"cue + {names[0]} (diagonal)"
        for name, scores in runs.items():
            low, high = letter_bootstrap(letters, gold, labels_of(scores), list(LABELS), resamples=1000, seed=13)[
                "macro_f1"
            ]
            line = f"  {name}: 95% CI {low:.3f}-{high:.3f}"
            if name != reference:
                paired = paired_letter_bootstrap(
                    letters, gold, labels_of(runs[reference]), labels_of(scores), list(LABELS)
                )
                line += (
                    f"; minus {reference}: {paired['low']:+.3f} to {paired['high']:+.3f}, "
                    f"ahead in {paired['better_share']:.0%}"
                )
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
