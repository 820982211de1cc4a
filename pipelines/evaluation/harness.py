"""The evaluation harness: annotated replies + a model -> metrics.json,
report.md, plots and an MLflow run. This module computes the result;
render.py turns it into text and figures, mlflow_log.py logs it.

Everything is computed before anything is written or logged, so invalid data
fails with `file:line: cause` and leaves no trace in MLflow."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from standpunt.models.baselines import BASELINES
from standpunt.models.comparison import compare_baselines
from standpunt.models.loading import Predictor, resolve_model
from standpunt.models.metrics import classification_metrics
from standpunt.pipelines.core.corpus import file_sha256, read_records, split_letters
from standpunt.pipelines.core.errors import CorpusError
from standpunt.pipelines.core.labels import LABELS
from standpunt.pipelines.core.paths import ROOT, project_path
from standpunt.pipelines.core.text import fold
from standpunt.pipelines.evaluation.bootstrap import letter_bootstrap, paired_letter_bootstrap
from standpunt.pipelines.evaluation.breakdowns import auditor_kind, sender_kind
from standpunt.pipelines.evaluation.calibration import reliability
from standpunt.pipelines.evaluation.end_to_end import MISSED, end_to_end
from standpunt.pipelines.evaluation.findings import cue_files_beside, finding_scores, read_cues
from standpunt.pipelines.evaluation.mlflow_log import log_run
from standpunt.pipelines.evaluation.render import summary, write_outputs
from standpunt.pipelines.predict_config import load_predict_config
from standpunt.pipelines.summarize.evidence import evidence_scorer

AGREEMENT = ROOT / "data" / "corpus" / "AGREEMENT.md"


@dataclass
class EvaluationOptions:
    data: Path
    model: str | None = None
    out: Path | None = None
    allow_synthetic: bool = False
    split: str = "all"  # all | dev (the dev letters of the training split)
    config: Path = ROOT / "configs" / "default.yaml"
    resamples: int = 1000
    seed: int = 13
    log_to_mlflow: bool = True
    errors: int = 20
    cues: list[Path] | None = None  # evidence cues; None: the cues files beside the data file
    unseen_only: bool = False  # leave out the letters the model records training on
    against: str | None = None  # a second model scored on the same letters, the difference paired by letter


def load_records(options: EvaluationOptions) -> tuple[list[dict], bool]:
    records = read_records(options.data)
    synthetic = [r for r in records if r["source"] == "synthetic"]
    if synthetic and not options.allow_synthetic:
        line = _line_of(options.data, synthetic[0]["id"])
        raise CorpusError(
            str(options.data),
            line,
            f"letter {synthetic[0]['id']} is synthetic ({len(synthetic)} synthetic letters in the file): "
            "scores on synthetic letters are refused; pass --allow-synthetic to score them anyway, labelled synthetic",
        )
    if options.split == "dev":
        from standpunt.models.config import load_config

        config = load_config(options.config)
        _, records = split_letters(records, config.data.dev_fraction, config.data.split_seed)
        if not records:
            raise CorpusError(str(options.data), 0, "no dev letters (the split takes only real letters)")
    return records, bool(synthetic)


def _line_of(path: Path, letter: str) -> int:
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if f'"{letter}"' in line:
            return number
    return 0


def baseline_training(exclude: set[str], config_path: Path) -> tuple[list[str], list[str]]:
    """The project's corpus (real + synthetic, as the training config lists
    it) minus the letters being evaluated: baselines never see the test letters."""
    from standpunt.models.config import load_config

    texts, labels = [], []
    for name in load_config(config_path).data.files():
        for record in read_records(project_path(name)):
            if record["id"] in exclude:
                continue
            for paragraph in record["paragraphs"]:
                texts.append(fold(paragraph["text"]))
                labels.append(paragraph["label"])
    return texts, labels


def annotator_ceiling(path: Path = AGREEMENT) -> dict | None:
    """The two annotation passes' agreement, from AGREEMENT.md's first table."""
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    found = {}
    for key, pattern in (
        ("macro_f1", r"macro-F1[^|]*\|\s*([0-9.]+)"),
        ("kappa", r"Cohen's kappa\s*\|\s*([0-9.]+)"),
        ("accuracy", r"raw agreement\s*\|\s*([0-9.]+)"),
    ):
        match = re.search(pattern, text)
        if match:
            found[key] = float(match.group(1))
    return found or None


def _pick(metrics: dict) -> dict:
    """The three figures of the side-by-side table."""
    return {"macro_f1": metrics["macro_f1"], "accuracy": metrics["accuracy"], "kappa": metrics["kappa"]}


def _scores(gold: list[str], predicted: list[str]) -> dict:
    return _pick(classification_metrics(gold, predicted))


def model_training_letters(predictor) -> set[str]:
    """The letters a model folder records training on (metrics.json
    `dataset.train.letter_ids`); empty for baselines (fitted here without the
    evaluated letters) and for folders that record none."""
    from standpunt.models.model_folder import ModelFolder
    from standpunt.models.unseen_scores import trained_letters

    folder = predictor.identity.folder if predictor.identity else None
    if predictor.kind == "baseline" or not folder:
        return set()
    try:
        return set(trained_letters(ModelFolder(folder)))
    except (KeyError, TypeError):
        return set()


def against_scores(
    rival: Predictor,
    texts: list[str],
    letters: list[str],
    gold: list[str],
    labels: list[str],
    options: EvaluationOptions,
) -> dict:
    """The second model on the same paragraphs, and the model minus it,
    resampled by letter for both at once: two models' intervals side by side
    overlap far more than the interval of their difference does, which is
    what says whether a new model reads a fresh batch better than the old."""
    predicted = rival.predict(texts).labels
    metrics = classification_metrics(gold, predicted)
    paired = paired_letter_bootstrap(letters, gold, predicted, labels, list(LABELS), options.resamples, options.seed)
    return {
        "spec": rival.name,
        "kind": rival.kind,
        "sha256": rival.identity.sha256 if rival.identity else None,
        **_pick(metrics),
        "pushback_f1": metrics["per_label"]["pushback"]["f1"],
        "difference": paired["difference"],
        "difference_ci": [paired["low"], paired["high"]],
        "better_share": paired["better_share"],
    }


def evaluate(options: EvaluationOptions, log=print) -> dict:
    records, synthetic = load_records(options)
    training = baseline_training(set(r["id"] for r in records), options.config)
    registry = _registry_settings(options.config)
    predictor = resolve_model(options.model, training, registry=registry)
    rival = resolve_model(options.against, training, registry=registry) if options.against else None
    # A model scored on letters it trained on looks far better than it is: say so, or leave them out
    # (with --against, the letters either model trained on: the comparison is fair on neither's).
    seen = model_training_letters(predictor)
    if rival is not None:
        seen |= model_training_letters(rival)
    seen &= {r["id"] for r in records}
    if options.unseen_only:
        records = [r for r in records if r["id"] not in seen]
        if not records:
            raise CorpusError(str(options.data), 0, "every letter is one the model trained on (--unseen-only)")
        left_out, seen = len(seen), set()
    else:
        left_out = 0
    letters = [r["id"] for r in records for _ in r["paragraphs"]]
    texts = [fold(p["text"]) for r in records for p in r["paragraphs"]]
    gold = [p["label"] for r in records for p in r["paragraphs"]]
    if not texts:
        raise CorpusError(str(options.data), 0, "no annotated paragraphs to score")
    prediction = predictor.predict(texts)
    metrics = classification_metrics(gold, prediction.labels)
    ci = letter_bootstrap(letters, gold, prediction.labels, list(LABELS), options.resamples, options.seed)
    confidence = prediction.scores.max(axis=1)
    correct = np.array([g == p for g, p in zip(gold, prediction.labels)])
    ece, bins = reliability(confidence, correct)
    e2e = end_to_end(records, lambda t: predictor.predict(t).labels)
    e2e_metrics = classification_metrics(e2e.gold, e2e.predicted)
    summary_config = load_predict_config().summary
    findings = finding_scores(
        records,
        prediction.labels,
        prediction.in_order(LABELS),
        summary_config.finding_rule,
        # each finding's sentences scored when asked for, shortlist included, as predict scores them
        evidence_scorer(predictor, [], summary_config.evidence_shortlist),
        read_cues(options.cues or cue_files_beside(options.data)),
        predictor.choose_evidence,
    )

    against = against_scores(rival, texts, letters, gold, prediction.labels, options) if rival is not None else None
    comparison = {"model": _scores(gold, prediction.labels)}
    itself = predictor.name if predictor.kind == "baseline" else None  # a baseline is not scored twice
    others = compare_baselines(*training, texts, gold, [name for name in BASELINES if name != itself])
    for name in BASELINES:
        comparison[f"baseline: {name}"] = comparison["model"] if name == itself else _pick(others[name])
    ceiling = annotator_ceiling()

    breakdowns = {}
    for title, kind_of, field in (("auditor", auditor_kind, "auditor"), ("sender", sender_kind, "sender")):
        groups: dict[str, list[int]] = {}
        offset = 0
        for record in records:
            kind = kind_of(record.get(field)) or "unknown"
            groups.setdefault(kind, []).extend(range(offset, offset + len(record["paragraphs"])))
            offset += len(record["paragraphs"])
        breakdowns[title] = {
            kind: {
                "n_letters": len({letters[i] for i in idx}),
                "n_paragraphs": len(idx),
                **_scores([gold[i] for i in idx], [prediction.labels[i] for i in idx]),
            }
            for kind, idx in sorted(groups.items())
        }

    wrong = [i for i in range(len(texts)) if gold[i] != prediction.labels[i]]
    wrong.sort(key=lambda i: -float(confidence[i]))
    paragraph_index = [i for r in records for i in range(len(r["paragraphs"]))]
    errors = [
        {
            "letter": letters[i],
            "paragraph": paragraph_index[i],
            "gold": gold[i],
            "predicted": prediction.labels[i],
            "confidence": round(float(confidence[i]), 4),
            "text": texts[i],
        }
        for i in wrong[: options.errors]
    ]

    result = {
        "synthetic": synthetic,
        "model": {
            "spec": predictor.name,
            "kind": predictor.kind,
            "version": predictor.version,
            "sha256": predictor.identity.sha256 if predictor.identity else None,
        },
        "data": {"path": str(options.data), "sha256": file_sha256(options.data), "split": options.split},
        "n_letters": len(records),
        "n_paragraphs": len(texts),
        # letters scored that the model trained on (not out of sample), and those --unseen-only left out
        "training_letters": {"scored": len(seen), "left_out": left_out},
        "labels": list(LABELS),
        "labels_present": metrics["labels_present"],
        "macro_f1": metrics["macro_f1"],
        "accuracy": metrics["accuracy"],
        "kappa": metrics["kappa"],
        "per_label": metrics["per_label"],
        "confusion": metrics["confusion"],
        "macro_f1_ci": ci["macro_f1"],
        "accuracy_ci": ci["accuracy"],
        "bootstrap": {"resamples": options.resamples, "seed": options.seed, "unit": "letter", "level": 0.95},
        "ece": ece,
        "reliability": bins,
        "end_to_end_macro_f1": e2e_metrics["macro_f1"],
        "end_to_end_accuracy": e2e_metrics["accuracy"],
        "end_to_end_missed": sum(1 for p in e2e.predicted if p == MISSED),
        "segmentation_recall": e2e.segmentation_recall,
        "segmentation_precision": e2e.segmentation_precision,
        "findings": findings,
        "comparison": comparison,
        "against": against,
        "annotator_agreement": ceiling,
        "breakdowns": breakdowns,
        "errors": errors,
    }
    log(summary(result))
    if options.out:
        write_outputs(result, Path(options.out))
    if options.log_to_mlflow:
        result["mlflow_run_id"] = log_run(result, Path(options.out) if options.out else None, registry.tracking_uri)
    return result


def _registry_settings(config_path: Path):
    """The training config's tracking block: evaluation looks the default
    model up, and logs its run, where training registered it."""
    from standpunt.models.config import load_config

    return load_config(config_path).tracking.registry()
