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
  (8 numbers a paragraph), fitted on letters neither model trained on, in
  which each model's log-probability of a label counts only toward that
  label (`fit_stacker`, "diagonal": 12 numbers instead of 36);
- a temperature fitted on the same out-of-sample scores, so the combined
  probabilities mean what they say;
- the gate (`CueGate`): a stacker over the cue model's log-probabilities
  alone, and a threshold. Where it gives "none" at least that probability,
  the transformer is not run and its scores stand. `standpunt combine`
  picks the lowest threshold whose cross-fitted labels agree with the full
  combination's on at least 98% of held-out paragraphs without losing
  macro-F1: on the 268 held-out letters it spares the transformer about 40%
  of paragraphs (30% of its tokens) at the same macro-F1.

Every predictor that loads a model folder with this file (PyTorch or ONNX
Runtime, folder or registry) returns the combined scores."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from standpunt.models.baselines import HybridBaseline, LexiconBaseline, decisive_label
from standpunt.models.cue_scorer import CueScorer
from standpunt.models.evidence_ranker import FEATURES, ranker_weights, shortlisted
from standpunt.models.model_folder import ModelFolder
from standpunt.models.prediction import Prediction
from standpunt.models.temperature import fit_temperature, scale_scores
from standpunt.models.unseen_scores import UnseenTransformer
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


def settle_by_rule_book(texts: list[str], scores: np.ndarray) -> np.ndarray:
    """Where the rule book settles a paragraph outright (baselines.decisive_label:
    "Nee." to a question about the finding, a declined recommendation, a negated
    agreement, a cause placed elsewhere; a finding only attributed to the
    investigator), half the probability moves to that
    label, which makes it the label while the rest keeps the models' ranking.
    On the minimal pairs of the rule book's conventions the stacker had let the
    transformer's "agree" for "Ik onderschrijf de bevinding ..." outweigh the
    "... vooral het gevolg van de late aanlevering door werkgevers" after it."""
    return settle_rows(scores, [decisive_label(text) for text in texts])


def settle_rows(scores: np.ndarray, decisive: list[str | None]) -> np.ndarray:
    """settle_by_rule_book with each row's decisive label already read (a
    search over several stackers reads every text once)."""
    scores = np.array(scores, dtype=np.float64, copy=True)
    for row, label in enumerate(decisive):
        if label is not None:
            scores[row] *= 0.5
            scores[row, LABELS.index(label)] += 0.5
    return scores


@dataclass
class CueGate:
    """Why: most paragraphs of a reply take no stance, and on many of them the
    cue model alone is as sure as the combination would be. Skipping the
    transformer there is the one way left to classify faster on a CPU that
    already runs it at its fp32 peak, and measured on held-out letters it
    changes no more labels than `standpunt combine` allows."""

    weights: np.ndarray  # [len(LABELS), len(LABELS)] over the cue model's log-probabilities
    bias: np.ndarray  # [len(LABELS)]
    temperature: float
    threshold: float  # the transformer is skipped where p(none) >= threshold
    # The class-balanced stacker understates "none" on the paragraphs it is
    # surest of; this second temperature, fitted on exactly those, makes the
    # scores that stand there mean what they say (labels unchanged).
    skip_temperature: float = 1.0

    def scores(self, cue_scores: np.ndarray) -> np.ndarray:
        logits = np.log(np.clip(cue_scores, _FLOOR, 1.0)) @ self.weights.T + self.bias
        return softmax(logits / self.temperature)

    def skips(self, gate_scores: np.ndarray) -> np.ndarray:
        return gate_scores[:, LABELS.index("none")] >= self.threshold

    def standing_scores(self, gate_scores: np.ndarray) -> np.ndarray:
        """The scores a skipped paragraph gets."""
        return scale_scores(gate_scores, self.skip_temperature)


@dataclass
class Combination:
    cue_model: HybridBaseline | CueScorer  # fitted (scikit-learn) or loaded (numpy only)
    weights: np.ndarray  # [len(LABELS), 2 * len(LABELS)]
    bias: np.ndarray  # [len(LABELS)]
    temperature: float = 1.0
    gate: CueGate | None = None  # None: the transformer reads every paragraph
    evidence_weights: np.ndarray | None = None  # evidence ranker over evidence_ranker.FEATURES; None: by probability

    def needs_transformer(self, texts: list[str]) -> np.ndarray:
        """Which texts the gate passes on to the transformer."""
        if not texts:
            return np.zeros(0, dtype=bool)
        return self._reads(self.cue_model.predict(texts).scores)

    def _reads(self, cue_scores: np.ndarray) -> np.ndarray:
        if self.gate is None:
            return np.ones(len(cue_scores), dtype=bool)
        return ~self.gate.skips(self.gate.scores(cue_scores))

    def _scores(self, cue_scores: np.ndarray, transformer_scores, read: np.ndarray) -> np.ndarray:
        """Combined scores where the transformer read the text (`read`), the
        gate's own scores elsewhere; `transformer_scores` has a row per read text."""
        scores = np.zeros((len(cue_scores), len(LABELS)))
        if self.gate is not None and not read.all():
            scores[~read] = self.gate.standing_scores(self.gate.scores(cue_scores[~read]))
        if read.any():
            scores[read] = stacked_scores(
                cue_scores[read], transformer_scores, self.weights, self.bias, self.temperature
            )
        return scores

    def combine(self, texts: list[str], transformer_scores: np.ndarray) -> Prediction:
        """Combined scores given the transformer's scores of every text (rows
        the gate skips are not used)."""
        if not texts:
            return Prediction([], np.zeros((0, len(LABELS)), dtype=np.float32))
        cue_scores = self.cue_model.predict(texts).scores
        read = self._reads(cue_scores)
        scores = self._scores(cue_scores, np.asarray(transformer_scores)[read], read)
        return Prediction.from_scores(settle_by_rule_book(texts, scores))

    def wrap(self, predict, gate: bool = True):
        """predict(texts) of the transformer -> predict(texts) of the
        combination, which runs the transformer only on the texts the gate
        passes (`gate=False`: on every text, as evidence sentences are scored:
        on batch 6's letters, unseen by a combination fitted without them, the
        gate at 0.5 picked an annotated evidence sentence for 0.603 of 179
        stance paragraphs against 0.637 without it)."""

        def combined(texts: list[str], **kwargs) -> Prediction:
            if not texts:
                return Prediction([], np.zeros((0, len(LABELS)), dtype=np.float32))
            cue_scores = self.cue_model.predict(texts).scores
            read = self._reads(cue_scores) if gate else np.ones(len(texts), dtype=bool)
            rest = [text for text, keep in zip(texts, read) if keep]
            transformer_scores = predict(rest, **kwargs).in_order(LABELS) if rest else None
            return Prediction.from_scores(
                settle_by_rule_book(texts, self._scores(cue_scores, transformer_scores, read))
            )

        return combined

    def shortlist(self, candidates: list[tuple[list[str], str]], size: int) -> list[list[int]]:
        """For each (sentences, stance) candidate of evidence, the indices of
        the `size` sentences the cue model rates highest for the stance (in
        text order): only these go to the transformer. On the held-out stance
        paragraphs (benchmarks/evidence_ranking.py) the combination's choice
        among the cue model's top 2 was an annotated sentence as often as its
        choice among all (0.680 both, mean of three fold seeds), with the
        transformer reading 48% of the sentences."""
        longer = [n for n, (sentences, _) in enumerate(candidates) if len(sentences) > size]
        out = [list(range(len(sentences))) for sentences, _ in candidates]
        flat = [sentence for n in longer for sentence in candidates[n][0]]
        if not flat:
            return out
        scores = self.cue_model.predict(flat).scores
        start = 0
        for n in longer:
            sentences, stance = candidates[n]
            out[n] = shortlisted(scores[start : start + len(sentences), LABELS.index(stance)], size).tolist()
            start += len(sentences)
        return out

    def save(self, folder: str | Path) -> Path:
        """Only a freshly fitted combination is saved (its cue model is a HybridBaseline)."""
        from safetensors.numpy import save_file

        arrays, settings = self.cue_model.state()
        arrays = {f"cue.{name}": np.ascontiguousarray(value) for name, value in arrays.items()}
        arrays["stack.weights"] = np.ascontiguousarray(self.weights.astype(np.float64))
        arrays["stack.bias"] = np.ascontiguousarray(self.bias.astype(np.float64))
        metadata = {f"cue.{key}": value for key, value in settings.items()}
        metadata.update({"labels": json.dumps(list(LABELS)), "temperature": repr(float(self.temperature))})
        if self.gate is not None:
            arrays["gate.weights"] = np.ascontiguousarray(self.gate.weights.astype(np.float64))
            arrays["gate.bias"] = np.ascontiguousarray(self.gate.bias.astype(np.float64))
            metadata["gate.temperature"] = repr(float(self.gate.temperature))
            metadata["gate.threshold"] = repr(float(self.gate.threshold))
            metadata["gate.skip_temperature"] = repr(float(self.gate.skip_temperature))
        if self.evidence_weights is not None:
            arrays["evidence.weights"] = np.ascontiguousarray(self.evidence_weights.astype(np.float64))
            metadata["evidence.features"] = json.dumps(list(FEATURES))
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
        gate = None
        if "gate.weights" in arrays:  # combinations written before the gate have none
            gate = CueGate(
                arrays["gate.weights"],
                arrays["gate.bias"],
                float(metadata["gate.temperature"]),
                float(metadata["gate.threshold"]),
                float(metadata["gate.skip_temperature"]),
            )
        evidence = None
        if "evidence.weights" in arrays:  # combinations written before the evidence ranker have none
            evidence = ranker_weights(arrays["evidence.weights"], json.loads(metadata["evidence.features"]), path)
        return cls(cue, arrays["stack.weights"], arrays["stack.bias"], float(metadata["temperature"]), gate, evidence)


def letter_folds(letters: list[str], folds: int, seed: int) -> dict[str, int]:
    """Letter -> fold, shuffled by seed and independent of the input order: a
    letter never straddles folds."""
    order = sorted(set(letters))
    np.random.RandomState(seed).shuffle(order)
    return {letter: i % folds for i, letter in enumerate(order)}


def cue_models_by_fold(
    texts: list[str],
    labels: list[str],
    letters: list[str],
    extra_texts: list[str],
    extra_labels: list[str],
    extra_letters: list[str],
    folds: int = 5,
    seed: int = 13,
):
    """(cue model, rows of the letters it did not train on) for each fold of a
    grouped k-fold over letters. `extra_*` (e.g. counterfactual edits, keyed by
    the letter they came from) only ever train."""
    fold_of = letter_folds(letters, folds, seed)
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
        yield model, test


def cross_fitted_cue_scores(
    texts: list[str],
    labels: list[str],
    letters: list[str],
    extra_texts: list[str],
    extra_labels: list[str],
    extra_letters: list[str],
    folds: int = 5,
    seed: int = 13,
    models: list[tuple[HybridBaseline, list[int]]] | None = None,
) -> np.ndarray:
    """Cue-model scores for every paragraph from a model that did not train on
    its letter (cue_models_by_fold), so the stacker learns how far to trust it
    on unseen letters. `models`: those fold models, already fitted on these
    rows (fold_cue_models)."""
    scores = np.zeros((len(texts), len(LABELS)))
    extra = (extra_texts, extra_labels, extra_letters)
    if models is None:
        models = list(cue_models_by_fold(texts, labels, letters, *extra, folds, seed))
    for model, test in models:
        scores[test] = model.predict([texts[n] for n in test]).scores
    return scores


STACKERS = ("diagonal", "full")


# How far the stacker moves from its class-balanced fit back toward the
# labels' real shares: lambda in lambda * log(share) added to each label's
# logit (0: every label as common as any other; 1: as common as in the
# letters). `fit_combination` picks one by cross-validation over letters.
PRIOR_WEIGHTS = tuple(round(0.1 * n, 1) for n in range(11))


def label_log_prior(labels: list[str]) -> np.ndarray:
    """log of each label's share of `labels`, in LABELS order (a label never seen counts once)."""
    counts = np.array([labels.count(label) for label in LABELS], dtype=np.float64)
    return np.log(np.maximum(counts, 1.0) / max(len(labels), 1))


def fit_stacker(
    cue_scores: np.ndarray,
    transformer_scores: np.ndarray,
    labels: list[str],
    form: str = "diagonal",
    prior_weight: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, float]:
    """(weights, bias, temperature) over out-of-sample scores of both models.
    Class-balanced, because pushback is rare and matters most to analysts;
    the temperature then restores calibrated probabilities (fitted on the same
    scores: a single number, so it hardly overfits). `form`: "diagonal" lets
    each model's log-probability of a label count only toward that label (12
    numbers); "full" is a free multinomial regression over all 8 (36). On the
    268 held-out letters the free one scored 0.511, 0.493 and 0.495 over three
    cue-model fold seeds and the diagonal one 0.513, 0.517 and 0.515: with a
    thousand paragraphs, the cross terms fit noise (stronger regularisation of
    the free one did not help: 0.49-0.505).

    `prior_weight` (lambda) adds lambda * log(label share) to each label's
    logit before the temperature is fitted: the class-balanced fit treats
    every label as equally common, so on real letters, where three paragraphs
    in four take no stance, it calls a stance too often (on the 1,117 letters
    of batches up to 29, cross-fitted, it labelled 1,306 paragraphs agree or
    acknowledge where the annotators had 1,054, and pushback 530 times for 195). Part of
    the way back (lambda about 0.3) is what macro-F1 prefers; the refitted
    temperature keeps the probabilities calibrated, and a temperature never
    changes which label is highest."""
    features = stack_features(cue_scores, transformer_scores)
    if form == "diagonal":
        weights, bias, temperature = fit_diagonal_logistic(features, labels, groups=2)
    elif form == "full":
        weights, bias, temperature = fit_calibrated_logistic(features, labels)
    else:
        raise ValueError(f"unknown stacker form {form!r} (known: {', '.join(STACKERS)})")
    return with_prior(features, (weights, bias, float(temperature)), labels, prior_weight)


def with_prior(
    features: np.ndarray, stacker: tuple[np.ndarray, np.ndarray, float], labels: list[str], prior_weight: float
) -> tuple[np.ndarray, np.ndarray, float]:
    """A class-balanced stacker (weights, bias, temperature) moved by
    `prior_weight` toward the shares of `labels`, its temperature refitted on
    `features` (fit_stacker); weight 0 leaves it as it is. The slopes do not
    depend on the weight, so a search over weights fits them once."""
    weights, bias, temperature = stacker
    if not prior_weight:
        return weights, bias, temperature
    bias = bias + prior_weight * label_log_prior(labels)
    gold = np.array([LABELS.index(label) for label in labels])
    return weights, bias, float(fit_temperature(softmax(features @ weights.T + bias), gold))


def fit_diagonal_logistic(
    features: np.ndarray, labels: list[str], groups: int, c: float = 1.0
) -> tuple[np.ndarray, np.ndarray, float]:
    """Class-balanced logistic regression in which label j's logit is
    sum_g a[g, j] * features[:, g * L + j] + b[j], features being `groups`
    blocks of per-label log-probabilities (L = len(LABELS)); the same L2
    penalty as scikit-learn's C. Returned as a full weight matrix (zeros off
    the diagonals), so a saved combination reads the same either way, and the
    temperature that calibrates it on the same rows."""
    from scipy.optimize import minimize

    n_labels = len(LABELS)
    if features.shape[1] != groups * n_labels:
        raise ValueError(f"expected {groups} blocks of {n_labels} features, got {features.shape[1]} columns")
    gold = np.array([LABELS.index(label) for label in labels])
    objective = diagonal_objective(features.reshape(len(features), groups, n_labels), gold, c)
    start = np.concatenate([np.ones(groups * n_labels), np.zeros(n_labels)])
    theta = minimize(objective, start, jac=True, method="L-BFGS-B").x
    slopes, bias = theta[: groups * n_labels].reshape(groups, n_labels), theta[groups * n_labels :]
    weights = np.zeros((n_labels, groups * n_labels))
    for g in range(groups):
        weights[np.arange(n_labels), g * n_labels + np.arange(n_labels)] = slopes[g]
    probabilities = softmax(features @ weights.T + bias)
    temperature = fit_temperature(probabilities, gold)
    return weights, bias, float(temperature)


def diagonal_objective(blocks: np.ndarray, gold: np.ndarray, c: float = 1.0):
    """theta (the [groups, L] slopes, then L biases) -> (penalised class-balanced
    log-loss, its gradient), over `blocks` [rows, groups, L] and gold label ids."""
    n_labels = blocks.shape[2]
    present = np.bincount(gold, minlength=n_labels)
    sample_weight = (len(gold) / (np.count_nonzero(present) * np.maximum(present, 1)))[gold]
    total = sample_weight.sum()
    onehot = np.eye(n_labels)[gold]
    penalty = 0.5 / (c * total)
    groups = blocks.shape[1]

    def loss_and_gradient(theta: np.ndarray) -> tuple[float, np.ndarray]:
        slopes, bias = theta[: groups * n_labels].reshape(groups, n_labels), theta[groups * n_labels :]
        logits = (blocks * slopes).sum(axis=1) + bias
        logits -= logits.max(axis=1, keepdims=True)
        log_probabilities = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        loss = -(sample_weight * log_probabilities[np.arange(len(gold)), gold]).sum() / total
        residual = (np.exp(log_probabilities) - onehot) * sample_weight[:, None] / total
        gradient_slopes = (blocks * residual[:, None, :]).sum(axis=0) + 2 * penalty * slopes
        return loss + penalty * (slopes**2).sum(), np.concatenate([gradient_slopes.ravel(), residual.sum(axis=0)])

    return loss_and_gradient


def fit_calibrated_logistic(features: np.ndarray, labels: list[str]) -> tuple[np.ndarray, np.ndarray, float]:
    """Class-balanced multinomial logistic regression (rows in LABELS order)
    and the temperature that calibrates it on the same rows."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(features, labels)
    weights = np.zeros((len(LABELS), features.shape[1]))
    bias = np.zeros(len(LABELS))
    for row, label in enumerate(model.classes_):
        weights[LABELS.index(label)] = model.coef_[row]
        bias[LABELS.index(label)] = model.intercept_[row]
    probabilities = softmax(features @ weights.T + bias)
    temperature = fit_temperature(probabilities, np.array([LABELS.index(label) for label in labels]))
    return weights, bias, float(temperature)


def fit_gate_stacker(cue_scores: np.ndarray, labels: list[str]) -> tuple[np.ndarray, np.ndarray, float]:
    """(weights, bias, temperature) of the cue model's scores alone: what stands
    where the gate skips the transformer."""
    return fit_calibrated_logistic(np.log(np.clip(cue_scores, _FLOOR, 1.0)), labels)


GATE_THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
GATE_MIN_AGREEMENT = 0.98  # share of held-out labels the gated combination must keep


def one_paragraph_of_macro_f1(labels: list[str], predicted: list[str]) -> float:
    """What losing one right paragraph of the rarest label (one that has a
    right prediction) costs macro-F1: the smallest difference these held-out
    letters can tell from noise (0.002 on the 1,193 held-out paragraphs of
    2026-12-06)."""
    from standpunt.models.metrics import classification_metrics

    right = [label for label, guess in zip(labels, predicted) if label == guess]
    if not right:
        return 0.0
    rarest = min(set(right), key=labels.count)
    row = next(n for n, (label, guess) in enumerate(zip(labels, predicted)) if label == guess == rarest)
    other = "none" if rarest != "none" else next(label for label in LABELS if label != rarest)  # as the gate would
    lost = predicted[:row] + [other] + predicted[row + 1 :]
    return classification_metrics(labels, predicted)["macro_f1"] - classification_metrics(labels, lost)["macro_f1"]


def choose_gate_threshold(
    gate_scores: np.ndarray, full_scores: np.ndarray, labels: list[str], min_agreement: float = GATE_MIN_AGREEMENT
) -> float | None:
    """The lowest threshold (the most paragraphs spared the transformer) whose
    cross-fitted labels agree with the full combination's on `min_agreement`
    of paragraphs and whose macro-F1 is lower by less than one paragraph of
    the rarest label is worth (`one_paragraph_of_macro_f1`); None where none
    does. Agreement bounds how far a threshold chosen on these letters can
    drift from what was measured; macro-F1 alone would pick by noise, and so
    would demanding it not drop by even 0.001 (one fold seed then chose 0.6
    where the three seeds' differences at 0.5 were -0.001, -0.002, +0.002)."""
    from standpunt.models.metrics import classification_metrics

    def predicted(scores: np.ndarray) -> list[str]:
        return [LABELS[i] for i in scores.argmax(axis=1)]

    full = predicted(full_scores)
    full_f1 = classification_metrics(labels, full)["macro_f1"]
    tolerance = one_paragraph_of_macro_f1(labels, full)
    for threshold in GATE_THRESHOLDS:
        skip = gate_scores[:, LABELS.index("none")] >= threshold
        mixed = np.where(skip[:, None], gate_scores, full_scores)
        agreement = np.mean(mixed.argmax(axis=1) == full_scores.argmax(axis=1))
        lost = full_f1 - classification_metrics(labels, predicted(mixed))["macro_f1"]
        if agreement >= min_agreement and lost < tolerance - 1e-9:  # a loss of one such paragraph is not tolerated
            return threshold
    return None


# The "letter" of training rows written from the rule book, not edited from a
# real letter (the minimal pairs of data/robustness/): in every training fold.
WRITTEN = "written:"


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

    def joined(self, other: Paragraphs) -> Paragraphs:
        return Paragraphs(self.texts + other.texts, self.labels + other.labels, self.letters + other.letters)

    def from_letters(self, letters: set[str]) -> Paragraphs:
        """Only the rows of these letters: an edit trains only with the letter it
        was made from (an edit of a letter left out would leak it back in).
        Rows written from the rule book alone (letter WRITTEN + a name) come
        from no letter, so nothing leaks: they are always kept."""
        return self.take(
            [n for n, letter in enumerate(self.letters) if letter in letters or letter.startswith(WRITTEN)]
        )


def fold_cue_models(
    real: Paragraphs, extra: Paragraphs | None = None, folds: int = 5, seed: int = 13
) -> list[tuple[HybridBaseline, list[int]]]:
    """The cue models of cue_models_by_fold over `real` (+ the `extra` rows of
    its letters), fitted once: `combine` scores paragraphs and their sentences
    with the same fold models, and fitting them is most of its cue-side time."""
    extra = (extra or Paragraphs([], [], [])).from_letters(set(real.letters))
    return list(
        cue_models_by_fold(real.texts, real.labels, real.letters, extra.texts, extra.labels, extra.letters, folds, seed)
    )


def fit_combination(
    unseen: UnseenTransformer,
    real: Paragraphs,
    extra: Paragraphs | None = None,
    folds: int = 5,
    seed: int = 13,
    gate: bool = True,
    stacker: str = "diagonal",
    cue_models: list[tuple[HybridBaseline, list[int]]] | None = None,
    prior_weights: tuple[float, ...] = PRIOR_WEIGHTS,
    gate_threshold: float | None = None,
) -> tuple[Combination, dict]:
    """The combination for a trained transformer, and how well it does.

    The stacker must learn how far to trust each model on letters it has not
    seen, so it is fitted only on real letters that `unseen` can score with a
    transformer that did not train on them (the model's held-out letters, or
    every letter through a cross-fitted model's fold models:
    models/unseen_scores.py), with cue-model scores cross-fitted by letter.
    Its own quality is measured the same way once more: the stacker
    cross-fitted over those held-out letters. The cue model that ships is then
    refitted on every real paragraph (+ `extra`, e.g. counterfactual edits,
    which only ever train). With `gate`, the gate's threshold is chosen on the
    same cross-fitted scores (`choose_gate_threshold`), and the reported
    combination is the gated one, as it ships. `cue_models`: fold_cue_models
    of the same `real`, `extra`, `folds` and `seed`, if already fitted.

    The stacker's prior weight (`fit_stacker`) is the one of `prior_weights`
    whose cross-fitted labels score the highest macro-F1; in the reported
    figures each fold's weight was chosen on the other folds' scores alone,
    so the choice is measured on letters it did not see.

    `gate_threshold` fixes the gate's threshold instead of the rule's choice.
    The rule tolerates a macro-F1 loss of one paragraph of the rarest label,
    which on a few thousand paragraphs is a couple of paragraphs' noise: on
    the 1,410 letters up to batch 43 every threshold from 0.4 to 0.85 cost
    0.001-0.002 and the rule fell back to 0.9, sparing the transformer 11% of
    paragraphs instead of half (README, "What ships"). The report keeps the
    rule's choice beside the threshold used."""
    from standpunt.models.metrics import classification_metrics

    extra = extra or Paragraphs([], [], [])
    extra = extra.from_letters(set(real.letters))
    heldout = [n for n, letter in enumerate(real.letters) if unseen.can_score(letter)]
    held = real.take(heldout)
    if len(set(held.letters)) < 2 * folds:
        raise ValueError(
            f"only {len(set(held.letters))} real letters the transformer (or a fold model of it) did not train on; "
            f"the combination needs at least {2 * folds}"
        )
    cue = cross_fitted_cue_scores(
        real.texts, real.labels, real.letters, extra.texts, extra.labels, extra.letters, folds, seed, cue_models
    )[heldout]
    transformer = unseen.scores(held.texts, held.letters)

    fold_of = letter_folds(held.letters, folds, seed + 1)
    fold_ids = np.array([fold_of[letter] for letter in held.letters])
    by_weight = {weight: np.zeros_like(cue) for weight in prior_weights}
    cue_alone = np.zeros_like(cue)
    for k in range(folds):
        rest = fold_ids != k
        rest_labels = [held.labels[n] for n in np.flatnonzero(rest)]
        balanced = fit_stacker(cue[rest], transformer[rest], rest_labels, stacker)
        features = stack_features(cue[rest], transformer[rest])
        for weight, scores in by_weight.items():
            weights, bias, temperature = with_prior(features, balanced, rest_labels, weight)
            scores[~rest] = stacked_scores(cue[~rest], transformer[~rest], weights, bias, temperature)
        gate_weights, gate_bias, gate_temperature = fit_gate_stacker(cue[rest], rest_labels)
        cue_alone[~rest] = CueGate(gate_weights, gate_bias, gate_temperature, 1.0).scores(cue[~rest])
    decisive = [decisive_label(text) for text in held.texts]
    settled_by_weight = {weight: settle_rows(scores, decisive) for weight, scores in by_weight.items()}  # row by row
    gold_array = np.array(held.labels)

    def prior_f1(weight: float, rows: np.ndarray) -> float:
        predicted = [LABELS[i] for i in settled_by_weight[weight][rows].argmax(axis=1)]
        return classification_metrics(list(gold_array[rows]), predicted)["macro_f1"]

    full = np.zeros_like(cue)
    weight_by_fold = []
    for k in range(folds):  # each fold's weight chosen on the other folds' cross-fitted scores
        weight = max(prior_weights, key=lambda w: prior_f1(w, fold_ids != k))  # ties: the least weight
        full[fold_ids == k] = by_weight[weight][fold_ids == k]
        weight_by_fold.append(weight)
    everywhere = np.ones(len(cue), dtype=bool)
    prior_weight = max(prior_weights, key=lambda w: prior_f1(w, everywhere))
    rule_threshold = choose_gate_threshold(cue_alone, full, held.labels) if gate else None
    threshold = gate_threshold if gate and gate_threshold is not None else rule_threshold
    skipped = (
        cue_alone[:, LABELS.index("none")] >= threshold if threshold is not None else np.zeros(len(cue), dtype=bool)
    )
    gold = np.array([LABELS.index(label) for label in held.labels])
    combined = full.copy()
    for k in range(folds):  # the skip temperature, cross-fitted like the rest
        here, rest = skipped & (fold_ids == k), skipped & (fold_ids != k)
        if here.any() and rest.any():
            combined[here] = scale_scores(cue_alone[here], fit_temperature(cue_alone[rest], gold[rest]))

    combined = settle_rows(combined, decisive)
    full = settle_rows(full, decisive)

    def scored(scores: np.ndarray) -> dict:
        metrics = classification_metrics(held.labels, [LABELS[i] for i in scores.argmax(axis=1)])
        return {
            "macro_f1": metrics["macro_f1"],
            **{f"{label}_f1": metrics["per_label"][label]["f1"] for label in LABELS},
        }

    report = {
        "heldout_letters": len(set(held.letters)),
        "heldout_paragraphs": len(held.texts),
        "scored_by": unseen.letters_by_scorer(held.letters),  # letters per model that never saw them
        "folds": folds,
        "stacker": stacker,
        "lexicon": scored(LexiconBaseline().predict(held.texts).scores),
        "transformer": scored(transformer),
        "cue_model": scored(cue),
        "combination": scored(combined),
        "without_gate": scored(full),
        "prior": {
            "weight": prior_weight,
            "candidates": list(prior_weights),
            "weight_by_fold": weight_by_fold,
            # the class-balanced stacker (weight 0) on the same folds, without the gate: what the weight changes
            "balanced_without_gate": scored(settled_by_weight[0.0]) if 0.0 in settled_by_weight else None,
        },
        "gate": {
            "threshold": threshold,
            # what choose_gate_threshold picks on these letters; differs from threshold where one was given
            "rule_threshold": rule_threshold,
            "skipped_share": float(skipped.mean()),
            "label_agreement": float(np.mean(combined.argmax(axis=1) == full.argmax(axis=1))),
            # the macro-F1 the gate may cost: less than this (choose_gate_threshold)
            "macro_f1_tolerance": one_paragraph_of_macro_f1(held.labels, [LABELS[i] for i in full.argmax(axis=1)]),
        },
        "combination_scores": combined.tolist(),
        "heldout_labels": held.labels,
        "heldout_letter_ids": held.letters,
    }
    weights, bias, temperature = fit_stacker(cue, transformer, held.labels, stacker, prior_weight)
    final_gate = None
    if threshold is not None:
        skip_temperature = fit_temperature(cue_alone[skipped], gold[skipped]) if skipped.any() else 1.0
        final_gate = CueGate(*fit_gate_stacker(cue, held.labels), threshold, skip_temperature)
    final = HybridBaseline().fit(real.texts + extra.texts, real.labels + extra.labels)
    return Combination(final, weights, bias, temperature, final_gate), report
