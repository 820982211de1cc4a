"""Which sentence of a stance paragraph the analyst is shown as its evidence.

The combination's probability of the stance, sentence by sentence, picks a
sentence the annotators marked as carrying the label for about two thirds of
held-out stance paragraphs. Most of its misses are sentences that restate
the auditor's finding in the auditor's words ("U constateert dat ...") where
the next sentence answers it in the sender's ("Ik deel die conclusie niet").
A conditional logit over a paragraph's sentences, fitted by `combine` on the
annotators' cue sentences (data/corpus/cues*.jsonl) of letters the
transformer never saw, weighs that probability against where the sentence
stands, how long it is, whether it names the auditor or speaks in the
sender's voice, and how sure the combination is that the sentence takes no
stance at all: a restated finding and an answer to it can share the stance's
probability, but the restatement reads far more as "none"
(benchmarks/evidence_ranking.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from standpunt.pipelines.core.labels import LABELS
from standpunt.pipelines.core.text import fold

FEATURES = (
    "log stance probability",
    "first",
    "last",
    "relative position",
    "log words",
    "names the auditor",
    "sender's voice",
    "log none probability",
)
AUDITOR = re.compile(
    r"\b(?:u (?:constateert|concludeert|stelt|beveelt|geeft aan)|rekenkamer|inspectie|uw rapport|het rapport)", re.I
)
SENDER = re.compile(r"\b(?:ik|wij|we|mijn|onze?|het college|het kabinet)\b", re.I)


def ranker_weights(weights: np.ndarray, names: list[str], path: Path) -> np.ndarray:
    """A saved ranker's weights over today's FEATURES. A ranker fitted before a
    feature was added never used it: weight 0 there ranks its sentences as it
    always did, so older model folders keep their evidence. A feature this
    version does not compute cannot be ranked by: ValueError naming the file."""
    unknown = [name for name in names if name not in FEATURES]
    if unknown or len(names) != len(weights):
        raise ValueError(f"{path}: evidence ranker over {names}, this version computes {list(FEATURES)}")
    full = np.zeros(len(FEATURES))
    for name, weight in zip(names, weights):
        full[FEATURES.index(name)] = weight
    return full


def is_cue(sentence: str, cues: list[str]) -> bool:
    """Whether a sentence is one of the annotators' marked ones (folded text,
    either containing the other: the two split sentences a little differently)."""
    sentence = fold(sentence)
    return any(sentence and (sentence in cue or cue in sentence) for cue in cues)


def _log(probabilities) -> np.ndarray:
    return np.log(np.clip(np.asarray(probabilities, dtype=float), 1e-6, 1.0))


def sentence_features(
    sentences: list[str], stance_probabilities: np.ndarray, none_probabilities: np.ndarray
) -> np.ndarray:
    """[len(sentences), len(FEATURES)]; positions count over every sentence of
    the paragraph, also where only a shortlist of them was scored."""
    count = len(sentences)
    position = np.arange(count)
    return np.column_stack(
        [
            _log(stance_probabilities),
            position == 0,
            position == count - 1,
            position / max(count - 1, 1),
            np.log([max(len(s.split()), 1) for s in sentences]),
            [bool(AUDITOR.search(s)) for s in sentences],
            [bool(SENDER.search(s)) for s in sentences],
            _log(none_probabilities),
        ]
    ).astype(float)


def fit_conditional_logit(blocks: list[np.ndarray], golds: list[np.ndarray], c: float = 1.0) -> np.ndarray:
    """Weights of a softmax over each paragraph's sentences, the marked
    sentences sharing the target; L2 as scikit-learn's C."""
    from scipy.optimize import minimize

    def loss_and_gradient(w: np.ndarray) -> tuple[float, np.ndarray]:
        loss, gradient = 0.5 * w @ w / c, w / c
        for x, gold in zip(blocks, golds):
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            target = gold / gold.sum()
            loss -= float(target @ np.log(p + 1e-12))
            gradient = gradient - x.T @ (target - p)
        return loss, gradient

    return minimize(loss_and_gradient, np.zeros(blocks[0].shape[1]), jac=True, method="L-BFGS-B").x


def choose_evidence(
    sentences: list[str], stance: str, rows: list[dict[str, float] | None], weights: np.ndarray | None = None
) -> tuple[int, float] | None:
    """(index, the sentence's probability of the stance) of the evidence among
    the scored sentences (`rows`, None where a sentence was not scored):
    ranked by `weights` over FEATURES, or without them by the probability
    alone. None when no sentence was scored."""
    scored = [i for i, row in enumerate(rows) if row is not None]
    if not scored:
        return None

    def column(label: str) -> np.ndarray:
        return np.array([row.get(label, 0.0) if row is not None else 0.0 for row in rows])

    probability = column(stance)
    if weights is None:
        best = max(scored, key=lambda i: probability[i])
    else:
        ranks = sentence_features(sentences, probability, column("none")) @ weights
        best = max(scored, key=lambda i: ranks[i])
    return best, float(probability[best])


@dataclass
class RankingUnit:
    """A stance paragraph of two or more sentences with at least one marked
    by the annotators: what the ranker learns from and is measured on."""

    letter: str
    label: str
    sentences: list[str]
    gold: np.ndarray  # 1.0 for a marked sentence


def ranking_units(
    texts: list[str], labels: list[str], letters: list[str], keys: list[tuple[str, int]], cues: dict
) -> list[RankingUnit]:
    from standpunt.pipelines.core.text import split_sentences

    units = []
    for text, label, letter, key in zip(texts, labels, letters, keys):
        if label == "none" or key not in cues:
            continue
        sentences = split_sentences(text) or [text]
        gold = np.array([is_cue(s, cues[key]) for s in sentences], dtype=float)
        if len(sentences) > 1 and gold.any():
            units.append(RankingUnit(letter, label, sentences, gold))
    return units


def shortlisted(cue_probabilities: np.ndarray, size: int | None) -> np.ndarray:
    """The sentences predict lets the transformer read (Combination.shortlist)."""
    if size is None or len(cue_probabilities) <= size:
        return np.arange(len(cue_probabilities))
    return np.sort(np.argsort(-cue_probabilities, kind="stable")[:size])


def fit_evidence_ranker(
    units: list[RankingUnit],
    combined: list[np.ndarray],
    cue: list[np.ndarray],
    shortlist: int | None,
    folds: int = 5,
    seed: int = 14,
) -> tuple[np.ndarray, dict]:
    """The ranker's weights from every unit, and how often a marked sentence
    is chosen, cross-fitted over letters, against the stance probability
    alone: among the cue model's top 2 and top 3 sentences and among all of
    them (`shortlist` is the one predict applies, reported first).
    `combined`/`cue`: per unit, the combination's and the cue model's [n, 4]
    scores of its sentences, each from models that never saw its letter."""
    from standpunt.models.combination import letter_folds

    none = LABELS.index("none")
    blocks = [sentence_features(u.sentences, p[:, LABELS.index(u.label)], p[:, none]) for u, p in zip(units, combined)]
    sizes = {"all" if size is None else f"top {size}": size for size in dict.fromkeys([shortlist, 2, 3, None])}
    keep = {
        name: [shortlisted(c[:, LABELS.index(u.label)], size) for u, c in zip(units, cue)]
        for name, size in sizes.items()
    }
    fold_of = letter_folds([u.letter for u in units], folds, seed)
    hits: dict[str, dict[str, list[bool]]] = {name: {"ranker": [], "stance_probability": []} for name in sizes}
    for k in range(folds):
        train = [i for i, u in enumerate(units) if fold_of[u.letter] != k]
        weights = fit_conditional_logit([blocks[i] for i in train], [units[i].gold for i in train])
        for i in (i for i, u in enumerate(units) if fold_of[u.letter] == k):
            for name in sizes:
                rows = keep[name][i]
                hits[name]["ranker"].append(units[i].gold[rows[np.argmax(blocks[i][rows] @ weights)]] > 0)
                hits[name]["stance_probability"].append(units[i].gold[rows[np.argmax(blocks[i][rows, 0])]] > 0)
    report = {
        "paragraphs": len(units),
        "letters": len(set(u.letter for u in units)),
        "sentences": int(sum(len(u.sentences) for u in units)),
        "shortlist": shortlist,
        "folds": folds,
        "marked_sentence_chosen": {
            name: {by: float(np.mean(values)) for by, values in found.items()} for name, found in hits.items()
        },
    }
    return fit_conditional_logit(blocks, [u.gold for u in units]), report


def fit_for_combination(
    combination,
    unseen,
    real,
    extra,
    keys: list[tuple[str, int]],
    cues: dict,
    shortlist: int | None,
    folds: int = 5,
    seed: int = 13,
    cue_models: list | None = None,
) -> tuple[np.ndarray, dict]:
    """The evidence ranker for a fitted combination (`standpunt combine`),
    learnt from the stance paragraphs of the real letters that `unseen`
    (models.unseen_scores.UnseenTransformer) scores with a transformer that
    never saw them (`real`, `extra`: models.combination.Paragraphs; `keys`:
    each real paragraph's (letter, index) in `cues`). Each sentence is scored
    as predict scores it: the transformer, the cue model (cross-fitted by
    letter, with the same folds as the stacker's cue scores) and the
    combination's stacker over both, without the gate. `cue_models`: those
    fold cue models (models.combination.fold_cue_models), if already fitted."""
    from standpunt.models.combination import fold_cue_models, stacked_scores

    held = [n for n, letter in enumerate(real.letters) if unseen.can_score(letter)]
    units = ranking_units(
        [real.texts[n] for n in held],
        [real.labels[n] for n in held],
        [real.letters[n] for n in held],
        [keys[n] for n in held],
        cues,
    )
    if len(set(u.letter for u in units)) < 2 * folds:
        raise ValueError(
            f"only {len(units)} held-out stance paragraphs with marked sentences; the evidence ranker needs more"
        )
    unit_of_letter: dict[str, list[int]] = {}
    for i, unit in enumerate(units):
        unit_of_letter.setdefault(unit.letter, []).append(i)
    cue: list[np.ndarray | None] = [None] * len(units)
    if cue_models is None:
        cue_models = fold_cue_models(real, extra, folds, seed)
    for model, rows in cue_models:
        here = sorted({i for letter in {real.letters[n] for n in rows} for i in unit_of_letter.get(letter, [])})
        scores = model.predict([s for i in here for s in units[i].sentences]).scores
        start = 0
        for i in here:
            cue[i] = np.asarray(scores[start : start + len(units[i].sentences)], dtype=float)
            start += len(units[i].sentences)
    transformer = unseen.scores([s for u in units for s in u.sentences], [u.letter for u in units for _ in u.sentences])
    combined, start = [], 0
    for i, unit in enumerate(units):
        end = start + len(unit.sentences)
        combined.append(
            stacked_scores(
                cue[i], transformer[start:end], combination.weights, combination.bias, combination.temperature
            )
        )
        start = end
    return fit_evidence_ranker(units, combined, cue, shortlist, folds, seed + 1)
