"""The evaluation harness: annotated replies + a model -> metrics.json,
report.md, plots and an MLflow run.

Everything is computed before anything is written or logged, so invalid data
fails with `file:line: cause` and leaves no trace in MLflow."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from standpunt.models.baselines import BASELINES
from standpunt.models.comparison import compare_baselines
from standpunt.pipelines.core.labels import LABELS
from standpunt.models.metrics import classification_metrics, confusion_figure
from standpunt.pipelines.core.corpus import file_sha256, read_records, split_letters
from standpunt.pipelines.core.errors import CorpusError
from standpunt.pipelines.core.paths import ROOT, project_path
from standpunt.pipelines.core.text import fold
from standpunt.pipelines.evaluation.bootstrap import letter_bootstrap
from standpunt.pipelines.evaluation.breakdowns import auditor_kind, sender_kind
from standpunt.pipelines.evaluation.calibration import reliability, reliability_figure
from standpunt.pipelines.evaluation.end_to_end import MISSED, end_to_end
from standpunt.pipelines.evaluation.findings import cue_files_beside, finding_scores, read_cues
from standpunt.pipelines.predict_config import load_predict_config
from standpunt.models.loading import Predictor, resolve_model

AGREEMENT = ROOT / "data" / "corpus" / "AGREEMENT.md"
EXPERIMENT = "standpunt-evaluation"


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


def load_records(options: EvaluationOptions) -> tuple[list[dict], bool]:
    records = read_records(options.data)
    synthetic = [r for r in records if r["source"] == "synthetic"]
    if synthetic and not options.allow_synthetic:
        line = _line_of(options.data, synthetic[0]["id"])
        raise CorpusError(
            str(options.data), line,
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
    for key, pattern in (("macro_f1", r"macro-F1[^|]*\|\s*([0-9.]+)"), ("kappa", r"Cohen's kappa\s*\|\s*([0-9.]+)"), ("accuracy", r"raw agreement\s*\|\s*([0-9.]+)")):
        match = re.search(pattern, text)
        if match:
            found[key] = float(match.group(1))
    return found or None


def _pick(metrics: dict) -> dict:
    """The three figures of the side-by-side table."""
    return {"macro_f1": metrics["macro_f1"], "accuracy": metrics["accuracy"], "kappa": metrics["kappa"]}


def _scores(gold: list[str], predicted: list[str]) -> dict:
    return _pick(classification_metrics(gold, predicted))


def evaluate(options: EvaluationOptions, log=print) -> dict:
    records, synthetic = load_records(options)
    letters = [r["id"] for r in records for _ in r["paragraphs"]]
    texts = [fold(p["text"]) for r in records for p in r["paragraphs"]]
    gold = [p["label"] for r in records for p in r["paragraphs"]]
    if not texts:
        raise CorpusError(str(options.data), 0, "no annotated paragraphs to score")
    training = baseline_training(set(r["id"] for r in records), options.config)
    registry = _registry_settings(options.config)
    predictor = resolve_model(options.model, training, registry=registry)
    prediction = predictor.predict(texts)
    metrics = classification_metrics(gold, prediction.labels)
    ci = letter_bootstrap(letters, gold, prediction.labels, list(LABELS), options.resamples, options.seed)
    confidence = prediction.scores.max(axis=1)
    correct = np.array([g == p for g, p in zip(gold, prediction.labels)])
    ece, bins = reliability(confidence, correct)
    e2e = end_to_end(records, lambda t: predictor.predict(t).labels)
    e2e_metrics = classification_metrics(e2e.gold, e2e.predicted)
    findings = finding_scores(records, prediction.labels, prediction.scores, load_predict_config().summary.finding_rule,
                              _sentence_scorer(predictor), read_cues(options.cues or cue_files_beside(options.data)))

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
        {"letter": letters[i], "paragraph": paragraph_index[i], "gold": gold[i], "predicted": prediction.labels[i],
         "confidence": round(float(confidence[i]), 4), "text": texts[i]}
        for i in wrong[: options.errors]
    ]

    result = {
        "synthetic": synthetic,
        "model": {"spec": predictor.name, "kind": predictor.kind, "version": predictor.version,
                  "sha256": predictor.identity.sha256 if predictor.identity else None},
        "data": {"path": str(options.data), "sha256": file_sha256(options.data), "split": options.split},
        "n_letters": len(records),
        "n_paragraphs": len(texts),
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


def _sentence_scorer(predictor: Predictor):
    def score(sentences: list[str]) -> list[dict[str, float]]:
        scores = predictor.predict(sentences).scores
        return [{label: float(row[j]) for j, label in enumerate(LABELS)} for row in scores]

    return score


def findings_line(findings: dict) -> str:
    evidence = findings["evidence_accuracy"]
    shown = f"{evidence:.3f} of {findings['evidence_findings']} stance findings with marked cues" if evidence is not None else "n/a (no cues)"
    return f"findings ({findings['n_findings']}): macro-F1 {findings['macro_f1']:.3f}; evidence sentence right: {shown}"


def summary(result: dict) -> str:
    tag = " [SYNTHETIC letters: not a score of the model on real replies]" if result["synthetic"] else ""
    lo, hi = result["macro_f1_ci"]
    lines = [
        f"{result['model']['spec']} on {result['data']['path']} ({result['data']['split']}): "
        f"{result['n_paragraphs']} paragraphs, {result['n_letters']} letters{tag}",
        f"{'':<28} {'macro-F1':>8} {'accuracy':>8} {'kappa':>6}",
    ]
    for name, row in result["comparison"].items():
        lines.append(f"{name:<28} {row['macro_f1']:>8.3f} {row['accuracy']:>8.3f} {row['kappa']:>6.3f}")
    if result["annotator_agreement"]:
        a = result["annotator_agreement"]
        lines.append(f"{'annotators (ceiling)':<28} {a.get('macro_f1', float('nan')):>8.3f} {a.get('accuracy', float('nan')):>8.3f} {a.get('kappa', float('nan')):>6.3f}")
    lines.append(f"model macro-F1 95% CI (letters resampled): [{lo:.3f}, {hi:.3f}]   ECE {result['ece']:.3f}")
    lines.append(
        f"end to end from raw text: macro-F1 {result['end_to_end_macro_f1']:.3f}; segmentation recall "
        f"{result['segmentation_recall']:.3f}, precision {result['segmentation_precision']:.3f}"
    )
    lines.append(findings_line(result["findings"]))
    return "\n".join(lines)


def markdown_report(result: dict) -> str:
    synthetic = " (SYNTHETIC letters: these figures say nothing about real replies)" if result["synthetic"] else ""
    lo, hi = result["macro_f1_ci"]
    alo, ahi = result["accuracy_ci"]
    out = [
        f"# Evaluation of {result['model']['spec']}{synthetic}",
        "",
        f"Data: `{result['data']['path']}` (sha256 `{result['data']['sha256'][:16]}…`, split: {result['data']['split']}), "
        f"{result['n_letters']} letters, {result['n_paragraphs']} paragraphs. Model kind: {result['model']['kind']}, "
        f"version: {result['model']['version'] or 'n/a'}.",
        "",
        "## Side by side",
        "",
        "| | macro-F1 | accuracy | kappa |",
        "|---|---|---|---|",
    ]
    for name, row in result["comparison"].items():
        out.append(f"| {name} | {row['macro_f1']:.3f} | {row['accuracy']:.3f} | {row['kappa']:.3f} |")
    if result["annotator_agreement"]:
        a = result["annotator_agreement"]
        out.append(f"| annotators' agreement (ceiling, AGREEMENT.md) | {a.get('macro_f1', float('nan')):.3f} | {a.get('accuracy', float('nan')):.3f} | {a.get('kappa', float('nan')):.3f} |")
    out += [
        "",
        f"95% bootstrap interval (1 letter = 1 unit, {result['bootstrap']['resamples']} resamples): "
        f"macro-F1 [{lo:.3f}, {hi:.3f}], accuracy [{alo:.3f}, {ahi:.3f}].",
        "",
        "## Per label",
        "",
        "| label | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for label, row in result["per_label"].items():
        out.append(f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['support']} |")
    out += ["", "Confusion (rows gold, columns predicted):", "", "| | " + " | ".join(result["labels"]) + " |", "|---" * (len(result["labels"]) + 1) + "|"]
    for label, row in zip(result["labels"], result["confusion"]):
        out.append(f"| {label} | " + " | ".join(str(v) for v in row) + " |")
    out += [
        "",
        "![confusion](confusion_matrix.png)",
        "",
        "## Findings and evidence",
        "",
        "Findings are the paragraphs under one heading; a gold finding's stance follows from the gold labels by the "
        "finding rule of configs/predict.yaml, the predicted one from the model's. " + findings_line(result["findings"]) + ".",
        "",
        "## Calibration",
        "",
        f"Expected calibration error {result['ece']:.3f} (10 equal-width bins of top-label confidence).",
        "",
        "![reliability](reliability.png)",
        "",
        "## End to end from the raw letters",
        "",
        f"Segmentation recall {result['segmentation_recall']:.3f}, precision {result['segmentation_precision']:.3f} "
        f"(a gold paragraph is found at token F1 >= 0.9). Labels carried from the best-matching predicted paragraph "
        f"(F1 >= 0.5, else counted as missed: {result['end_to_end_missed']}): macro-F1 {result['end_to_end_macro_f1']:.3f}, "
        f"accuracy {result['end_to_end_accuracy']:.3f}.",
        "",
        "## Breakdowns",
    ]
    for title, groups in result["breakdowns"].items():
        out += ["", f"By {title} kind:", "", "| kind | letters | paragraphs | macro-F1 | accuracy |", "|---|---|---|---|---|"]
        for kind, row in groups.items():
            out.append(f"| {kind} | {row['n_letters']} | {row['n_paragraphs']} | {row['macro_f1']:.3f} | {row['accuracy']:.3f} |")
    out += ["", f"## The {len(result['errors'])} most confident wrong predictions", "", "| letter | # | gold | predicted | confidence | text |", "|---|---|---|---|---|---|"]
    for e in result["errors"]:
        text = e["text"][:240].replace("|", "\\|") + ("…" if len(e["text"]) > 240 else "")
        out.append(f"| {e['letter']} | {e['paragraph']} | {e['gold']} | {e['predicted']} | {e['confidence']:.2f} | {text} |")
    return "\n".join(out) + "\n"


def _figures(result: dict):
    title = "synthetic letters" if result["synthetic"] else "real letters"
    return {
        "confusion_matrix.png": confusion_figure(result["confusion"], tuple(result["labels"]), title),
        "reliability.png": reliability_figure(result["reliability"], result["ece"], title),
    }


def write_outputs(result: dict, out: Path) -> None:
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    (out / "report.md").write_text(markdown_report(result), encoding="utf-8")
    for name, figure in _figures(result).items():
        figure.savefig(out / name, dpi=120)
        plt.close(figure)


def _registry_settings(config_path: Path):
    """The training config's tracking block: evaluation looks the default
    model up, and logs its run, where training registered it."""
    from standpunt.models.config import load_config

    return load_config(config_path).tracking.registry()


def log_run(result: dict, out: Path | None, tracking_uri: str | None = None) -> str:
    import matplotlib.pyplot as plt
    import mlflow

    from standpunt.models import tracking

    tracking.setup(tracking_uri, EXPERIMENT)
    prefix = "synthetic_" if result["synthetic"] else ""
    with mlflow.start_run() as run:
        mlflow.set_tags({
            "model": result["model"]["spec"], "model_kind": result["model"]["kind"],
            "model_version": str(result["model"]["version"]), "data_file": result["data"]["path"],
            "data_sha256": result["data"]["sha256"], "split": result["data"]["split"], "synthetic": str(result["synthetic"]),
        })
        flat = {k: result[k] for k in ("macro_f1", "accuracy", "kappa", "ece", "end_to_end_macro_f1", "segmentation_recall", "segmentation_precision")}
        flat["macro_f1_ci_low"], flat["macro_f1_ci_high"] = result["macro_f1_ci"]
        flat["finding_macro_f1"] = result["findings"]["macro_f1"]
        if result["findings"]["evidence_accuracy"] is not None:
            flat["evidence_accuracy"] = result["findings"]["evidence_accuracy"]
        for label, row in result["per_label"].items():
            flat[f"{label}_f1"] = row["f1"]
        for name, row in result["comparison"].items():
            if name != "model":
                flat[name.replace("baseline: ", "baseline_") + "_macro_f1"] = row["macro_f1"]
        mlflow.log_metrics({prefix + k: float(v) for k, v in flat.items()})
        mlflow.log_dict(result, "metrics.json")
        mlflow.log_text(markdown_report(result), "report.md")
        for name, figure in _figures(result).items():
            mlflow.log_figure(figure, name)
            plt.close(figure)
        return run.info.run_id
