"""`standpunt combine MODEL_DIR`: put the rule book's cue model beside a
trained transformer (models/combination.py).

A separate step from training because it needs the transformer's scores on
letters it never saw: every real letter of the corpus outside the
transformer's recorded training letters (metrics.json
`dataset.train.letter_ids`), and for a cross-fitted model (`data.folds`),
which trained on every letter, each letter scored by the fold model that left
it out (models/unseen_scores.py). When the corpus grows, rerunning it refits
the combination on the larger set without retraining the transformer."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import NamedTuple

from standpunt.pipelines.core.paths import ROOT, project_path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# Training-only edits of real paragraphs, written by the rule book (data/corpus/AGREEMENT.md)
EDIT_FILES = [ROOT / "data" / "corpus" / "counterfactual.jsonl"]
# The rule book's conventions written out as minimal pairs by four helper agents
# (data/robustness/written_a..d): training rows for the cue model in every fold
# (README, "The rule book's conventions on minimal pairs"); written_e judges them.
PAIR_FILES = [ROOT / "data" / "robustness" / f"written_{name}.jsonl" for name in "abcd"]
# The sentences that carry each real stance paragraph's label, from two blind passes
CUE_FILES = sorted((ROOT / "data" / "corpus").glob("cues*.jsonl"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="standpunt combine", description=__doc__.splitlines()[0])
    parser.add_argument(
        "model", type=Path, help="a trained model folder (config.json, weights.safetensors, metrics.json)"
    )
    parser.add_argument(
        "--config",
        default=str(ROOT / "configs" / "ship.yaml"),
        help="training config: its data.real files (default: the shipped model's recipe, configs/ship.yaml)",
    )
    parser.add_argument(
        "--extra",
        nargs="*",
        type=Path,
        default=EDIT_FILES,
        help="training-only edits of real paragraphs (JSONL with origin_letter, text, label); "
        "default: the corpus's counterfactual edits; --extra with no file: none",
    )
    parser.add_argument(
        "--pairs",
        nargs="*",
        type=Path,
        default=PAIR_FILES,
        help="minimal pairs written from the rule book (data/robustness/ format), both sides of each trained on "
        "by the cue model in every fold; default: written_a..d; --pairs with no file: none",
    )
    parser.add_argument(
        "--no-gate",
        action="store_true",
        help="run the transformer on every paragraph (no gate that skips it where the cue model alone "
        "is sure of 'none')",
    )
    parser.add_argument(
        "--cues",
        nargs="*",
        type=Path,
        default=CUE_FILES,
        help="the annotators' evidence sentences (JSONL: id, paragraph, sentences, cues) that the evidence ranker "
        "learns from; default: the corpus's cues*.jsonl; --cues with no file: no ranker (evidence by probability)",
    )
    parser.add_argument(
        "--evidence-shortlist",
        type=int,
        default=None,
        help="the shortlist the ranker's accuracy is reported for (default: configs/predict.yaml's "
        "summary.evidence_shortlist)",
    )
    parser.add_argument(
        "--stacker",
        choices=("diagonal", "full"),
        default="diagonal",
        help="diagonal (default): each model's log-probability of a label counts only toward that label; "
        "full: a free logistic regression over both models' log-probabilities",
    )
    parser.add_argument(
        "--prior-weight",
        type=float,
        default=None,
        help="how far the stacker moves from its class-balanced fit toward the labels' real shares, 0 to 1 "
        "(default: chosen by cross-validation over the letters among 0, 0.1, ..., 1; 0: class-balanced)",
    )
    parser.add_argument(
        "--gate-threshold",
        type=float,
        default=None,
        help="skip the transformer where the cue model gives 'none' at least this probability, above 0 and at most 1 "
        "(default: the lowest threshold whose held-out labels keep 98%% agreement and macro-F1 within one paragraph "
        "of the rarest label; the record keeps that rule's choice beside the one used)",
    )
    return parser


def read_extra(paths: list[Path]):
    """Counterfactual edits as Paragraphs keyed by the letter they were made from."""
    from standpunt.models.combination import Paragraphs
    from standpunt.pipelines.core.corpus import read_edits

    rows = [row for path in paths for row in read_edits(path)]
    return Paragraphs([r["text"] for r in rows], [r["label"] for r in rows], [r["origin_letter"] for r in rows])


def written_paragraphs(paths: list[Path]):
    """Both sides of every minimal pair in `paths` (data/robustness/) as
    training rows from no letter (combination.WRITTEN): the rule book's
    conventions, written out, for the cue model to learn from."""
    from standpunt.models.combination import WRITTEN, Paragraphs
    from standpunt.pipelines.core.text import fold
    from standpunt.pipelines.evaluation.minimal_pairs import read_pairs

    texts, labels, letters = [], [], []
    for path in paths:
        for n, pair in enumerate(read_pairs(path)):
            texts += [fold(text) for text in pair.texts]
            labels += list(pair.labels)
            letters += [f"{WRITTEN}{Path(path).name}:{n}"] * 2
    return Paragraphs(texts, labels, letters)


def real_paragraphs(config):
    """Every paragraph of the config's real letters (`data.real`), with its letter."""
    from standpunt.models.combination import Paragraphs
    from standpunt.pipelines.core.corpus import paragraph_rows, read_records

    rows = [row for name in config.data.real for row in paragraph_rows(read_records(project_path(name)))]
    return Paragraphs([r["text"] for r in rows], [r["label"] for r in rows], [r["letter"] for r in rows])


def real_paragraph_keys(config) -> list[tuple[str, int]]:
    """(letter id, paragraph index) of every paragraph of real_paragraphs, in its order."""
    from standpunt.pipelines.core.corpus import paragraph_rows, read_records

    return [
        (row["letter"], row["paragraph"])
        for name in config.data.real
        for row in paragraph_rows(read_records(project_path(name)))
    ]


class CombinationInputs(NamedTuple):
    real: object  # Paragraphs: every real paragraph of data.real
    extra: object  # Paragraphs of training-only edits, or None
    trained: set[str]  # the transformer's training letters
    metrics: dict  # the model folder's metrics.json, which names them


def combination_inputs(
    config_path: str | Path,
    metrics_path: str | Path,
    extra_paths: list[Path],
    pair_paths: list[Path] | None = None,
):
    """What `combine` and the benchmarks that refit the combination read:
    `extra` holds the edits of `extra_paths` and both sides of the minimal
    pairs of `pair_paths` (default PAIR_FILES, as `combine` trains).
    Raises ConfigError, CorpusError, PairFileError (a ValueError naming the
    pair file and line), OSError/ValueError (unreadable metrics) or
    KeyError/TypeError (metrics without the training letter ids)."""
    from standpunt.models.combination import Paragraphs
    from standpunt.models.config import load_config

    config = load_config(config_path)
    pairs = written_paragraphs(PAIR_FILES if pair_paths is None else pair_paths)
    metrics = json.loads(Path(metrics_path).read_text(encoding="utf-8"))
    trained = set(metrics["dataset"]["train"]["letter_ids"])
    edits = read_extra([Path(path) for path in extra_paths]) if extra_paths else Paragraphs([], [], [])
    extra = edits.joined(pairs)
    return CombinationInputs(real_paragraphs(config), extra if extra.texts else None, trained, metrics)


def held_out_ece(report: dict) -> float:
    """Expected calibration error of the cross-fitted combined scores on the
    held-out letters: whether its probabilities can be read as probabilities."""
    import numpy as np

    from standpunt.pipelines.core.labels import LABELS
    from standpunt.pipelines.evaluation.calibration import reliability

    scores = np.asarray(report["combination_scores"])
    gold = np.array([LABELS.index(label) for label in report["heldout_labels"]])
    return reliability(scores.max(axis=1), scores.argmax(axis=1) == gold)[0]


def held_out_interval(report: dict) -> list[float]:
    """95% interval of the combination's held-out macro-F1, resampling letters."""
    import numpy as np

    from standpunt.pipelines.core.labels import LABELS
    from standpunt.pipelines.evaluation.bootstrap import letter_bootstrap

    predicted = [LABELS[i] for i in np.asarray(report["combination_scores"]).argmax(axis=1)]
    interval = letter_bootstrap(report["heldout_letter_ids"], report["heldout_labels"], predicted, list(LABELS))[
        "macro_f1"
    ]
    return [float(interval[0]), float(interval[1])]


def fit_evidence(combination, unseen, real, extra, args, cue_models=None):
    """(ranker weights, report) for `combine`'s arguments (models/evidence_ranker.py)."""
    from standpunt.models.config import load_config
    from standpunt.models.evidence_ranker import fit_for_combination
    from standpunt.pipelines.evaluation.findings import read_cues
    from standpunt.pipelines.predict_config import load_predict_config

    shortlist = args.evidence_shortlist
    if shortlist is None:
        shortlist = load_predict_config().summary.evidence_shortlist
    keys = real_paragraph_keys(load_config(args.config))
    return fit_for_combination(
        combination, unseen, real, extra, keys, read_cues(args.cues), shortlist, cue_models=cue_models
    )


def unseen_transformer(model_dir: Path):
    """The model folder's transformer and fold models (models/unseen_scores.py):
    the model on ONNX Runtime as predict runs it; fold models, which only
    `combine` runs, on PyTorch, sparing each a 470 MB export."""
    from standpunt.models.model_folder import ModelFolder
    from standpunt.models.onnx_backend import OnnxStanceModel
    from standpunt.models.unseen_scores import folder_transformer

    main_path = ModelFolder(model_dir).path

    def load(path: Path):
        if path == main_path:
            return OnnxStanceModel(path)
        from standpunt.models.stance_model import StanceModel

        return StanceModel.load(path)

    return folder_transformer(model_dir, load)


def scored_by(counts: dict[str, int]) -> str:
    """'all by the model itself' or 'by fold models: fold0 77, fold1 77, ...'."""
    used = {name: n for name, n in counts.items() if n}
    if list(used) == ["model"]:
        return "all scored by the model itself"
    return "scored by " + ", ".join(f"{name} {n}" for name, n in used.items())


def main(argv: list[str] | None = None) -> int:
    from standpunt.models.combination import PRIOR_WEIGHTS, WRITTEN, fit_combination, fold_cue_models
    from standpunt.models.model_folder import ModelFolder
    from standpunt.pipelines.core.config_loader import ConfigError
    from standpunt.pipelines.core.corpus import CorpusError
    from standpunt.pipelines.evaluation.minimal_pairs import PairFileError

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.prior_weight is not None and not 0.0 <= args.prior_weight <= 1.0:
        parser.error(f"--prior-weight {args.prior_weight}: must lie between 0 and 1")
    if args.gate_threshold is not None and not 0.0 < args.gate_threshold <= 1.0:
        parser.error(f"--gate-threshold {args.gate_threshold}: must lie above 0 and at most 1")
    if args.gate_threshold is not None and args.no_gate:
        parser.error("--gate-threshold and --no-gate: a threshold needs the gate")
    folder = ModelFolder(args.model)
    metrics_path = folder.metrics_path
    try:
        real, extra, _, metrics = combination_inputs(args.config, metrics_path, args.extra, args.pairs)
    except (ConfigError, PairFileError, CorpusError) as exc:  # each names its file
        print(f"combine: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"combine: {metrics_path}: cannot read: {exc}", file=sys.stderr)
        return 2
    except (KeyError, TypeError):
        print(
            f"combine: {metrics_path}: records no dataset.train.letter_ids, so the letters the transformer never saw "
            "are unknown",
            file=sys.stderr,
        )
        return 2
    try:
        unseen = unseen_transformer(args.model)
    except (KeyError, TypeError):
        print(
            f"combine: {args.model}: a fold model's metrics.json records no dataset.train.letter_ids",
            file=sys.stderr,
        )
        return 2
    cue_models = fold_cue_models(real, extra)  # paragraphs and evidence sentences are scored by the same ones
    try:
        combination, report = fit_combination(
            unseen,
            real,
            extra,
            gate=not args.no_gate,
            stacker=args.stacker,
            cue_models=cue_models,
            prior_weights=PRIOR_WEIGHTS if args.prior_weight is None else (args.prior_weight,),
            gate_threshold=args.gate_threshold,
        )
    except ValueError as exc:
        print(f"combine: {args.model}: {exc}", file=sys.stderr)
        return 2
    if args.cues:
        try:
            evidence = fit_evidence(combination, unseen, real, extra, args, cue_models)
        except (OSError, ValueError) as exc:
            print(f"combine: evidence ranker: {exc}", file=sys.stderr)
            return 2
        combination.evidence_weights, evidence_report = evidence
    combination.save(args.model)
    metrics["combination"] = {
        key: value
        for key, value in report.items()
        if key not in ("combination_scores", "heldout_labels", "heldout_letter_ids")
    }
    metrics["combination"]["written_pairs"] = {
        "files": [Path(path).name for path in args.pairs],
        "texts": sum(letter.startswith(WRITTEN) for letter in (extra.letters if extra else [])),
    }
    metrics["combination"]["temperature"] = combination.temperature
    metrics["combination"]["ece"] = held_out_ece(report)
    metrics["combination"]["combination"]["macro_f1_ci"] = held_out_interval(report)
    if args.cues:
        metrics["combination"]["evidence"] = evidence_report
    folder.write_metrics(metrics)
    print(
        f"combine: {report['heldout_letters']} letters ({report['heldout_paragraphs']} paragraphs) "
        f"the transformer never saw ({scored_by(report['scored_by'])}), "
        f"stacker cross-fitted over {report['folds']} folds:",
        file=sys.stderr,
    )
    for name in ("lexicon", "transformer", "cue_model", "without_gate", "combination"):
        scores = report[name]
        print(
            f"  {name:12s} macro-F1 {scores['macro_f1']:.3f}  pushback F1 {scores['pushback_f1']:.3f}", file=sys.stderr
        )
    prior = report["prior"]
    balanced = prior["balanced_without_gate"]
    print(
        f"  stacker prior weight {prior['weight']} (per fold, chosen on the others: "
        f"{', '.join(str(w) for w in prior['weight_by_fold'])})"
        + (f"; class-balanced, without the gate: macro-F1 {balanced['macro_f1']:.3f}" if balanced else ""),
        file=sys.stderr,
    )
    gate = report["gate"]
    if gate["threshold"] is None:
        print("  gate: none (the transformer reads every paragraph)", file=sys.stderr)
    else:
        print(
            f"  gate: transformer skipped where the cue model gives none >= {gate['threshold']}: "
            f"{gate['skipped_share']:.0%} of held-out paragraphs, labels as without the gate on "
            f"{gate['label_agreement']:.1%}"
            + (f" (given; the rule would choose {gate['rule_threshold']})" if args.gate_threshold is not None else ""),
            file=sys.stderr,
        )
    low, high = metrics["combination"]["combination"]["macro_f1_ci"]
    print(
        f"  combination 95% interval (letters) {low:.3f}-{high:.3f}; ECE {metrics['combination']['ece']:.3f} "
        f"(temperature {combination.temperature:.2f})",
        file=sys.stderr,
    )
    if args.cues:
        size = evidence_report["shortlist"]
        chosen = evidence_report["marked_sentence_chosen"]["all" if size is None else f"top {size}"]
        print(
            f"  evidence: on {evidence_report['paragraphs']} held-out stance paragraphs "
            f"({evidence_report['letters']} letters), among the cue model's top {size} sentences, "
            f"a marked sentence chosen by the ranker for {chosen['ranker']:.3f}, by the stance probability "
            f"for {chosen['stance_probability']:.3f} (ranker cross-fitted by letter)",
            file=sys.stderr,
        )
    print(f"combine: wrote {folder.combination_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
