"""The fine-tuned transformer and the rule book, combined.

Why: in cross-validation over real letters the transformer alone never beat a
TF-IDF model that also sees the rule book's cue features (negation-aware),
and the two err on different paragraphs: the transformer reads
acknowledgements better, the cue model negated agreement and pushback. On the
268 real letters the shipped transformer never saw, the transformer scored
macro-F1 0.460, the cue model 0.459 and their combination 0.511 (each
cross-fitted by letter; `standpunt combine` measures and records this in the
model's metrics.json).

A combination is one small file beside the transformer's weights,
`combination.safetensors` (plain arrays and JSON settings, no pickle):

- the cue model (`HybridBaseline`): TF-IDF vocabulary, idf, coefficients;
- the stacker: a logistic regression over the two models' log-probabilities
  (8 numbers a paragraph), fitted on letters neither model trained on;
- a temperature fitted on the same out-of-sample scores, so the combined
  probabilities mean what they say.

Every predictor that loads a model folder with this file (PyTorch or ONNX
Runtime, folder or registry) returns the combined scores."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from standpunt.models.baselines import HybridBaseline, LexiconBaseline
from standpunt.models.cue_scorer import CueScorer
from standpunt.models.model_folder import ModelFolder
from standpunt.models.prediction import Prediction
from standpunt.models.windows import softmax
from standpunt.pipelines.core.labels import LABELS

_FLOOR = 1e-6  # log of a probability the model rounds to zero


def stack_features(cue_scores: np.ndarray, transformer_scores: np.ndarray) -> np.ndarray:
    """[log p_cue | log p_transformer], in LABELS order: the stacker's input."""
    return np.hstack([np.log(np.clip(cue_scores, _FLOOR, 1.0)), np.log(np.clip(transformer_scores, _FLOOR, 1.0))])


def stacked_scores(
    cue_scores: np.ndarray, transformer_scores: np.ndarray, weights: np.ndarray, bias: np.ndarray, temperature: float
) -> np.ndarray:
    """The stacker's probabilities: softmax((W x + b) / T) over both models' log-probabilities."""
    return softmax((stack_features(cue_scores, transformer_scores) @ weights.T + bias) / temperature)


@dataclass
class Combination:
    cue_model: HybridBaseline | CueScorer  # fitted (scikit-learn) or loaded (numpy only)
    weights: np.ndarray  # [len(LABELS), 2 * len(LABELS)]
    bias: np.ndarray  # [len(LABELS)]
    temperature: float = 1.0

    def combine(self, texts: list[str], transformer_scores: np.ndarray) -> Prediction:
        if not texts:
            return Prediction([], np.zeros((0, len(LABELS)), dtype=np.float32))
        cue_scores = self.cue_model.predict(texts).scores
        scores = stacked_scores(cue_scores, transformer_scores, self.weights, self.bias, self.temperature)
        return Prediction.from_scores(scores)

    def wrap(self, predict):
        """predict(texts) of the transformer -> predict(texts) of the combination."""

        def combined(texts: list[str], **kwargs) -> Prediction:
            return self.combine(texts, predict(texts, **kwargs).in_order(LABELS))

        return combined

    def save(self, folder: str | Path) -> Path:
        """Only a freshly fitted combination is saved (its cue model is a HybridBaseline)."""
        from safetensors.numpy import save_file

        arrays, settings = self.cue_model.state()
        arrays = {f"cue.{name}": np.ascontiguousarray(value) for name, value in arrays.items()}
        arrays["stack.weights"] = np.ascontiguousarray(self.weights.astype(np.float64))
        arrays["stack.bias"] = np.ascontiguousarray(self.bias.astype(np.float64))
        metadata = {f"cue.{key}": value for key, value in settings.items()}
        metadata.update({"labels": json.dumps(list(LABELS)), "temperature": repr(float(self.temperature))})
        path = ModelFolder(folder).combination_path
        save_file(arrays, str(path), metadata=metadata)
        return path

    @classmethod
    def load(cls, folder: str | Path) -> Combination | None:
        """The folder's combination, or None for a transformer-only folder."""
        from safetensors import safe_open

        path = ModelFolder(folder).combination_path
        if not path.exists():
            return None
        with safe_open(str(path), framework="numpy") as handle:
            metadata = handle.metadata()
            arrays = {key: handle.get_tensor(key) for key in handle.keys()}
        if json.loads(metadata["labels"]) != list(LABELS):
            raise ValueError(f"{path}: written for labels {metadata['labels']}, this version has {list(LABELS)}")
        cue = CueScorer(
            {k[4:]: v for k, v in arrays.items() if k.startswith("cue.")},
            {k[4:]: v for k, v in metadata.items() if k.startswith("cue.")},
        )
        return cls(cue, arrays["stack.weights"], arrays["stack.bias"], float(metadata["temperature"]))


def letter_folds(letters: list[str], folds: int, seed: int) -> dict[str, int]:
    """Letter -> fold, shuffled by seed and independent of the input order: a
    letter never straddles folds."""
    order = sorted(set(letters))
    np.random.RandomState(seed).shuffle(order)
    return {letter: i % folds for i, letter in enumerate(order)}


def cross_fitted_cue_scores(
    texts: list[str],
    labels: list[str],
    letters: list[str],
    extra_texts: list[str],
    extra_labels: list[str],
    extra_letters: list[str],
    folds: int = 5,
    seed: int = 13,
) -> np.ndarray:
    """Cue-model scores for every paragraph from a model that did not train on
    its letter (grouped k-fold), so the stacker learns how far to trust it on
    unseen letters. `extra_*` (e.g. counterfactual edits, keyed by the letter
    they came from) only ever train."""
    fold_of = letter_folds(letters, folds, seed)
    scores = np.zeros((len(texts), len(LABELS)))
    for k in range(folds):
        train = [n for n, letter in enumerate(letters) if fold_of[letter] != k]
        test = [n for n, letter in enumerate(letters) if fold_of[letter] == k]
        if not test:
            continue
        extra = [n for n, letter in enumerate(extra_letters) if fold_of.get(letter, -1) != k]
        model = HybridBaseline().fit(
            [texts[n] for n in train] + [extra_texts[n] for n in extra],
            [labels[n] for n in train] + [extra_labels[n] for n in extra],
        )
        scores[test] = model.predict([texts[n] for n in test]).scores
    return scores


def fit_stacker(
    cue_scores: np.ndarray, transformer_scores: np.ndarray, labels: list[str]
) -> tuple[np.ndarray, np.ndarray, float]:
    """(weights, bias, temperature) over out-of-sample scores of both models.
    Class-balanced, because pushback is rare and matters most to analysts;
    the temperature then restores calibrated probabilities (fitted on the same
    scores: a single number, so it hardly overfits)."""
    from sklearn.linear_model import LogisticRegression

    from standpunt.models.temperature import fit_temperature

    features = stack_features(cue_scores, transformer_scores)
    stacker = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(features, labels)
    weights = np.zeros((len(LABELS), features.shape[1]))
    bias = np.zeros(len(LABELS))
    for row, label in enumerate(stacker.classes_):
        weights[LABELS.index(label)] = stacker.coef_[row]
        bias[LABELS.index(label)] = stacker.intercept_[row]
    probabilities = stacked_scores(cue_scores, transformer_scores, weights, bias, 1.0)
    temperature = fit_temperature(probabilities, np.array([LABELS.index(label) for label in labels]))
    return weights, bias, float(temperature)


@dataclass
class Paragraphs:
    """Texts with gold labels and the letter each comes from (the unit that
    folds and held-out sets are drawn by)."""

    texts: list[str]
    labels: list[str]
    letters: list[str]

    def take(self, rows: list[int]) -> Paragraphs:
        return Paragraphs(
            [self.texts[n] for n in rows], [self.labels[n] for n in rows], [self.letters[n] for n in rows]
        )

    def from_letters(self, letters: set[str]) -> Paragraphs:
        """Only the rows of these letters: an edit trains only with the letter it
        was made from (an edit of a letter left out would leak it back in)."""
        return self.take([n for n, letter in enumerate(self.letters) if letter in letters])


def fit_combination(
    transformer_predict,
    real: Paragraphs,
    trained_letters: set[str],
    extra: Paragraphs | None = None,
    folds: int = 5,
    seed: int = 13,
) -> tuple[Combination, dict]:
    """The combination for a trained transformer, and how well it does.

    The stacker must learn how far to trust each model on letters it has not
    seen, so it is fitted only on real letters the transformer did not train
    on (`trained_letters` excluded), with cue-model scores cross-fitted by
    letter. Its own quality is measured the same way once more: the stacker
    cross-fitted over those held-out letters. The cue model that ships is then
    refitted on every real paragraph (+ `extra`, e.g. counterfactual edits,
    which only ever train)."""
    from standpunt.models.metrics import classification_metrics

    extra = extra or Paragraphs([], [], [])
    extra = extra.from_letters(set(real.letters))
    heldout = [n for n, letter in enumerate(real.letters) if letter not in trained_letters]
    held = real.take(heldout)
    if len(set(held.letters)) < 2 * folds:
        raise ValueError(
            f"only {len(set(held.letters))} real letters the transformer did not train on; "
            f"the combination needs at least {2 * folds}"
        )
    cue = cross_fitted_cue_scores(
        real.texts, real.labels, real.letters, extra.texts, extra.labels, extra.letters, folds, seed
    )[heldout]
    transformer = np.asarray(transformer_predict(held.texts).scores, dtype=np.float64)

    fold_of = letter_folds(held.letters, folds, seed + 1)
    fold_ids = np.array([fold_of[letter] for letter in held.letters])
    combined = np.zeros_like(cue)
    for k in range(folds):
        rest = fold_ids != k
        weights, bias, temperature = fit_stacker(
            cue[rest], transformer[rest], [held.labels[n] for n in np.flatnonzero(rest)]
        )
        combined[~rest] = stacked_scores(cue[~rest], transformer[~rest], weights, bias, temperature)

    def scored(scores: np.ndarray) -> dict:
        metrics = classification_metrics(held.labels, [LABELS[i] for i in scores.argmax(axis=1)])
        return {
            "macro_f1": metrics["macro_f1"],
            **{f"{label}_f1": metrics["per_label"][label]["f1"] for label in LABELS},
        }

    report = {
        "heldout_letters": len(set(held.letters)),
        "heldout_paragraphs": len(held.texts),
        "folds": folds,
        "lexicon": scored(LexiconBaseline().predict(held.texts).scores),
        "transformer": scored(transformer),
        "cue_model": scored(cue),
        "combination": scored(combined),
        "combination_scores": combined.tolist(),
        "heldout_labels": held.labels,
        "heldout_letter_ids": held.letters,
    }
    weights, bias, temperature = fit_stacker(cue, transformer, held.labels)
    final = HybridBaseline().fit(real.texts + extra.texts, real.labels + extra.labels)
    return Combination(final, weights, bias, temperature), report
