"""Which sentence of a stance paragraph carries its label: the ranking that
`predict` uses for the evidence sentence (the shipped combination's score of
each sentence alone) against other scores and a ranker learnt from the
annotators' cues.

    python benchmarks/evidence_ranking.py [--seeds 13 14 15] [--config FILE] [--model FOLDER]

Units: the stance paragraphs of the real letters the shipped transformer
never saw that have two or more sentences, at least one of them marked by the
annotators as carrying the label (data/corpus/cues*.jsonl, two blind passes,
union). A ranker is right when its top sentence is a marked one; the gold
label is given, so this is the sentence choice alone (evaluate.py's finding
level evidence accuracy also needs the finding's stance right).

Per sentence: the transformer's probability of the label, the cue model's
(cross-fitted by letter, as `combine` does), their combination with the
shipped stacker, a sentence model trained on the cues (`sentence_model.py`'s,
cross-fitted), position, length, and two flags (the sentence names the
auditor or its report; it speaks in the sender's voice). The learnt ranker is
a conditional logit (softmax over a paragraph's sentences), cross-fitted over
letters.

Measured 2026-12-06 (README, "What ships"; 252 paragraphs, 1,064 sentences,
151 letters), fold seeds 13 / 14 / 15: the combination's score picks a marked
sentence for 0.683 / 0.690 / 0.675, the transformer alone 0.663, the cue
model 0.607-0.643, the sentence model 0.627-0.639, the first sentence 0.369;
the best learnt ranker (combination, position, length, flags) 0.687 / 0.694 /
0.675 and the others 0.643-0.687: none better than the combination's score
by more than 0.004, so the score ships.

Also the shortlist `predict` applies (summary.evidence_shortlist): the
combination's choice among the sentences the cue model rates highest. With
batch 8 (278 paragraphs, 1,165 sentences), seeds 13 / 14 / 15: all sentences
0.694 / 0.669 / 0.676, the top 2 0.683 / 0.676 / 0.680 with the transformer
on 48% of the sentences, the top 3 0.680 / 0.680 / 0.680 on 67%, the cue
model alone (top 1) 0.637 / 0.644 / 0.626. So predict shortlisted 2.

With batches 9 and 10 (315 paragraphs, 1,307 sentences, 195 letters), seeds
13 / 14 / 15: the combination 0.686 / 0.689 / 0.686, its top 2 0.673 / 0.676
/ 0.673, the learnt ranker with position, length and flags 0.727 / 0.721 /
0.711. That ranker now ships (models/evidence_ranker.py, fitted by
`standpunt combine`, its features and fit shared with this study), over the
cue model's top 3 (0.724 cross-fitted in `combine`'s record).

Eighteenth session (1,099 stance paragraphs of 689 letters, the shipped
cross-fitted model: its fold models score the sentences of the letters they
left out): the combination's log-probability of "none" as the ranker's
eighth feature lifts `combine`'s record from 0.766 to 0.784 (top 3); the
feature set "... and the combination's none (ships)" below is that ranker.

Nineteenth session (same units, seed 14): the evidence pass without the
transformer, for speed (it is about a fifth of `predict`'s ONNX time). The
ranker over the gate's cue-only stacker instead of the combination picks a
marked sentence for 0.725 against 0.786; with the transformer only on the
sentences the gate passes (79% of them) 0.770. Neither is worth the time it
saves: the transformer stays in the evidence pass. With `--model` a
transformer whose folds also trained on the annotators' marked sentences
(scripts/cue_sentences.py; README): the shipped ranker's features 0.804
against 0.786, every score 0.803, the transformer alone 0.691 against 0.712."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sentence_model import cue_study_inputs, sentence_rows  # noqa: E402
from stack_candidates import log, study_arguments  # noqa: E402

from standpunt.models.baselines import HybridBaseline  # noqa: E402
from standpunt.models.combination import Combination, letter_folds, stacked_scores  # noqa: E402
from standpunt.models.evidence_ranker import FEATURES, fit_conditional_logit, is_cue, sentence_features  # noqa: E402
from standpunt.pipelines.combine_command import unseen_transformer  # noqa: E402
from standpunt.pipelines.core.labels import LABELS  # noqa: E402
from standpunt.pipelines.core.text import split_sentences  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "models" / "default"
NAMES = (
    "combination",
    "transformer",
    "cue model",
    "sentence model",
    "sentence model vs none",
    *FEATURES[1:],  # first, last, relative position, log words, names the auditor, sender's voice, log none
    "cue gate",  # the gate's stacker over the cue model alone: no transformer at all
    "cue gate's none",
    "gated combination",  # the transformer only where the gate passes the sentence, as for paragraphs
    "gated combination's none",
)
SHORTLISTS = (2, 3)  # Combination.shortlist sizes compared (predict's summary.evidence_shortlist)
FEATURE_SETS = {
    "combination + position and length": [0, 5, 6, 7, 8],
    "combination + sentence model": [0, 3, 4],
    "combination + position, length and flags": [0, 5, 6, 7, 8, 9, 10],
    "combination + position, length, flags and the combination's none (ships)": [0, 5, 6, 7, 8, 9, 10, 11],
    "the cue gate (no transformer) + position, length, flags and its none": [12, *range(5, 11), 13],
    "the gated combination + position, length, flags and its none": [14, *range(5, 11), 15],
    "all": list(range(NAMES.index("cue gate"))),  # every score the shipped model has (not the cheaper ones)
}


def ranking_units(real, keys, cues, unseen) -> list[dict]:
    """Stance paragraphs of two or more sentences with a marked one, of the
    letters a transformer that never saw them can score (the model's held-out
    letters, or every letter through a cross-fitted model's fold models)."""
    units = []
    for n, (text, label, letter) in enumerate(zip(real.texts, real.labels, real.letters)):
        if label == "none" or not unseen.can_score(letter) or keys[n] not in cues:
            continue
        sentences = split_sentences(text) or [text]
        gold = np.array([is_cue(s, cues[keys[n]]) for s in sentences], dtype=float)
        if len(sentences) > 1 and gold.any():
            units.append({"row": n, "letter": letter, "label": label, "sentences": sentences, "gold": gold})
    return units


def cross_fitted_sentence_scores(real, extra, keys, cues, units, seed: int) -> tuple[dict, dict]:
    """Per unit, the cue model's and the sentence model's scores of its
    sentences, each from a model that never trained on the unit's letter."""
    fold_of = letter_folds(real.letters, 5, seed)
    cue, sentence = {}, {}
    for k in range(5):
        rows = [n for n, letter in enumerate(real.letters) if fold_of[letter] != k]
        edits = [n for n, letter in enumerate(extra.letters) if fold_of.get(letter, -1) != k]
        cue_model = HybridBaseline().fit(
            [real.texts[n] for n in rows] + [extra.texts[n] for n in edits],
            [real.labels[n] for n in rows] + [extra.labels[n] for n in edits],
        )
        texts, labels = [], []
        for n in rows:
            more = sentence_rows(real.texts[n], real.labels[n], cues.get(keys[n]))
            texts += more[0]
            labels += more[1]
        sentence_model = HybridBaseline().fit(texts, labels)
        here = [u for u in units if fold_of[u["letter"]] == k]
        flat = [s for u in here for s in u["sentences"]]
        cue_scores, sentence_scores = cue_model.predict(flat).scores, sentence_model.predict(flat).scores
        start = 0
        for u in here:
            end = start + len(u["sentences"])
            cue[u["row"]], sentence[u["row"]] = cue_scores[start:end], sentence_scores[start:end]
            start = end
    return cue, sentence


def features(unit: dict, transformer: np.ndarray, cue: np.ndarray, sentence: np.ndarray, combination) -> np.ndarray:
    """NAMES: the shipped ranker's FEATURES (combination first), with the
    other models' scores of the stance after the combination's."""
    j, none = LABELS.index(unit["label"]), LABELS.index("none")
    combined = stacked_scores(cue, transformer, combination.weights, combination.bias, combination.temperature)
    shipped = sentence_features(unit["sentences"], combined[:, j], combined[:, none])
    others = [log(transformer[:, j]), log(cue[:, j]), log(sentence[:, j]), log(sentence[:, j]) - log(sentence[:, none])]
    gate = combination.gate.scores(cue)
    read = ~combination.gate.skips(gate)
    gated = combination._scores(cue, transformer[read], read)
    cheaper = [log(gate[:, j]), log(gate[:, none]), log(gated[:, j]), log(gated[:, none])]
    return np.column_stack([shipped[:, :1], *others, shipped[:, 1:], *cheaper])


def main() -> int:
    args = study_arguments(
        __doc__,
        lambda parser: parser.add_argument(
            "--model", default=str(SHIPPED), help="a cross-fitted model folder (its combination is the one used)"
        ),
    )
    real, extra, _, keys, cues = cue_study_inputs(args.config)
    unseen = unseen_transformer(Path(args.model))
    units = ranking_units(real, keys, cues, unseen)
    flat = [s for u in units for s in u["sentences"]]
    scores = unseen.scores(flat, [u["letter"] for u in units for _ in u["sentences"]])
    transformer, start = {}, 0
    for u in units:
        transformer[u["row"]] = scores[start : start + len(u["sentences"])]
        start += len(u["sentences"])
    combination = Combination.load(args.model)
    print(f"{len(units)} stance paragraphs, {len(flat)} sentences, {len(set(u['letter'] for u in units))} letters")
    print(f"the gate passes {combination.needs_transformer(flat).mean():.0%} of these sentences to the transformer")

    def right(x: np.ndarray, gold: np.ndarray) -> bool:
        return bool(gold[int(np.argmax(x))])

    for seed in args.seeds:
        cue, sentence = cross_fitted_sentence_scores(real, extra, keys, cues, units, seed)
        blocks = [features(u, transformer[u["row"]], cue[u["row"]], sentence[u["row"]], combination) for u in units]
        golds = [u["gold"] for u in units]
        line = {name: np.mean([right(x[:, i], g) for x, g in zip(blocks, golds)]) for i, name in enumerate(NAMES[:4])}
        line["first sentence"] = np.mean([g[0] > 0 for g in golds])
        for size in SHORTLISTS:  # what predict does: the combination's choice among the cue model's top sentences
            hits = []
            for x, g in zip(blocks, golds):
                keep = np.argsort(-x[:, 2], kind="stable")[:size]
                hits.append(bool(g[keep[np.argmax(x[keep, 0])]]))
            read = sum(min(size, len(g)) for g in golds) / sum(len(g) for g in golds)
            line[f"combination among the cue model's top {size} (transformer on {read:.0%})"] = np.mean(hits)
        fold_of = letter_folds([u["letter"] for u in units], 5, seed + 1)
        for name, columns in FEATURE_SETS.items():
            hits = []
            for k in range(5):
                train = [i for i, u in enumerate(units) if fold_of[u["letter"]] != k]
                test = [i for i, u in enumerate(units) if fold_of[u["letter"]] == k]
                w = fit_conditional_logit([blocks[i][:, columns] for i in train], [golds[i] for i in train])
                hits += [right(blocks[i][:, columns] @ w, golds[i]) for i in test]
            line[f"learnt: {name}"] = np.mean(hits)
        print(f"seed {seed}: " + "; ".join(f"{name} {value:.3f}" for name, value in line.items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
