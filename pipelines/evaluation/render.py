"""Rendering an evaluation result: the console summary, report.md and the
figures, and writing them to the output folder. Reads the result dict only;
computes nothing (harness.py) and logs nothing (mlflow_log.py)."""

from __future__ import annotations

import json
from pathlib import Path

from standpunt.models.metrics import confusion_figure
from standpunt.pipelines.evaluation.calibration import reliability_figure


def findings_line(findings: dict) -> str:
    evidence = findings["evidence_accuracy"]
    shown = (
        f"{evidence:.3f} of {findings['evidence_findings']} stance findings with marked cues"
        if evidence is not None
        else "n/a (no cues)"
    )
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
        lines.append(
            f"{'annotators (ceiling)':<28} {a.get('macro_f1', float('nan')):>8.3f} "
            f"{a.get('accuracy', float('nan')):>8.3f} {a.get('kappa', float('nan')):>6.3f}"
        )
    lines.append(f"model macro-F1 95% CI (letters resampled): [{lo:.3f}, {hi:.3f}]   ECE {result['ece']:.3f}")
    lines.append(
        f"end to end from raw text: macro-F1 {result['end_to_end_macro_f1']:.3f}; segmentation recall "
        f"{result['segmentation_recall']:.3f}, precision {result['segmentation_precision']:.3f}"
    )
    lines.append(findings_line(result["findings"]))
    if result.get("against"):
        lines.append(against_line(result["against"]))
    warning = training_letters_line(result)
    if warning:
        lines.append(warning)
    return "\n".join(lines)


def against_line(against: dict) -> str:
    lo, hi = against["difference_ci"]
    return (
        f"against {against['spec']}: macro-F1 {against['macro_f1']:.3f} (pushback F1 {against['pushback_f1']:.3f}); "
        f"model minus it {against['difference']:+.3f} (95% interval {lo:+.3f} to {hi:+.3f}, letters resampled for "
        f"both; ahead in {against['better_share']:.0%} of resamples)"
    )


def training_letters_line(result: dict) -> str | None:
    """A warning where the model trained on some of the letters scored: its
    figures on them say how well it fits, not how well it reads new letters."""
    trained = result.get("training_letters", {})
    if trained.get("scored"):
        return (
            f"WARNING: {trained['scored']} of these {result['n_letters']} letters are among the model's training "
            "letters: not out of sample (--unseen-only leaves them out)"
        )
    if trained.get("left_out"):
        return f"{trained['left_out']} letters the model trained on left out (--unseen-only)"
    return None


def markdown_report(result: dict) -> str:
    synthetic = " (SYNTHETIC letters: these figures say nothing about real replies)" if result["synthetic"] else ""
    lo, hi = result["macro_f1_ci"]
    alo, ahi = result["accuracy_ci"]
    warning = training_letters_line(result)
    out = [
        f"# Evaluation of {result['model']['spec']}{synthetic}",
        "",
        f"Data: `{result['data']['path']}` "
        f"(sha256 `{result['data']['sha256'][:16]}…`, split: {result['data']['split']}), "
        f"{result['n_letters']} letters, {result['n_paragraphs']} paragraphs. Model kind: {result['model']['kind']}, "
        f"version: {result['model']['version'] or 'n/a'}.",
        "",
        *([warning, ""] if warning else []),
        *([against_line(result["against"]), ""] if result.get("against") else []),
        "## Side by side",
        "",
        "| | macro-F1 | accuracy | kappa |",
        "|---|---|---|---|",
    ]
    for name, row in result["comparison"].items():
        out.append(f"| {name} | {row['macro_f1']:.3f} | {row['accuracy']:.3f} | {row['kappa']:.3f} |")
    if result["annotator_agreement"]:
        a = result["annotator_agreement"]
        out.append(
            "| annotators' agreement (ceiling, AGREEMENT.md) | "
            f"{a.get('macro_f1', float('nan')):.3f} | {a.get('accuracy', float('nan')):.3f} | "
            f"{a.get('kappa', float('nan')):.3f} |"
        )
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
    out += [
        "",
        "Confusion (rows gold, columns predicted):",
        "",
        "| | " + " | ".join(result["labels"]) + " |",
        "|---" * (len(result["labels"]) + 1) + "|",
    ]
    for label, row in zip(result["labels"], result["confusion"]):
        out.append(f"| {label} | " + " | ".join(str(v) for v in row) + " |")
    out += [
        "",
        "![confusion](confusion_matrix.png)",
        "",
        "## Findings and evidence",
        "",
        "Findings are the paragraphs under one heading; a gold finding's stance follows from the gold labels by the "
        "finding rule of configs/predict.yaml, the predicted one from the model's. "
        + findings_line(result["findings"])
        + ".",
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
        f"(F1 >= 0.5, else counted as missed: {result['end_to_end_missed']}): "
        f"macro-F1 {result['end_to_end_macro_f1']:.3f}, "
        f"accuracy {result['end_to_end_accuracy']:.3f}.",
        "",
        "## Breakdowns",
    ]
    for title, groups in result["breakdowns"].items():
        out += [
            "",
            f"By {title} kind:",
            "",
            "| kind | letters | paragraphs | macro-F1 | accuracy |",
            "|---|---|---|---|---|",
        ]
        for kind, row in groups.items():
            out.append(
                f"| {kind} | {row['n_letters']} | {row['n_paragraphs']} | "
                f"{row['macro_f1']:.3f} | {row['accuracy']:.3f} |"
            )
    out += [
        "",
        f"## The {len(result['errors'])} most confident wrong predictions",
        "",
        "| letter | # | gold | predicted | confidence | text |",
        "|---|---|---|---|---|---|",
    ]
    for e in result["errors"]:
        text = e["text"][:240].replace("|", "\\|") + ("…" if len(e["text"]) > 240 else "")
        out.append(
            f"| {e['letter']} | {e['paragraph']} | {e['gold']} | {e['predicted']} | {e['confidence']:.2f} | {text} |"
        )
    return "\n".join(out) + "\n"


def figures(result: dict):
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
    for name, figure in figures(result).items():
        figure.savefig(out / name, dpi=120)
        plt.close(figure)
