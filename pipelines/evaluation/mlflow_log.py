"""Logging an evaluation result as an MLflow run: tags, flat metrics, the
result itself, the report and the figures (rendered by render.py)."""

from __future__ import annotations

from pathlib import Path

from standpunt.pipelines.evaluation.render import figures, markdown_report

EXPERIMENT = "standpunt-evaluation"


def log_run(result: dict, out: Path | None, tracking_uri: str | None = None) -> str:
    """Log the result to the evaluation experiment; returns the run id."""
    import matplotlib.pyplot as plt
    import mlflow

    from standpunt.models import tracking

    tracking.setup(tracking_uri, EXPERIMENT)
    prefix = "synthetic_" if result["synthetic"] else ""
    with mlflow.start_run() as run:
        mlflow.set_tags(
            {
                "model": result["model"]["spec"],
                "model_kind": result["model"]["kind"],
                "model_version": str(result["model"]["version"]),
                "data_file": result["data"]["path"],
                "data_sha256": result["data"]["sha256"],
                "split": result["data"]["split"],
                "synthetic": str(result["synthetic"]),
            }
        )
        flat = {
            k: result[k]
            for k in (
                "macro_f1",
                "accuracy",
                "kappa",
                "ece",
                "end_to_end_macro_f1",
                "segmentation_recall",
                "segmentation_precision",
            )
        }
        flat["macro_f1_ci_low"], flat["macro_f1_ci_high"] = result["macro_f1_ci"]
        flat["finding_macro_f1"] = result["findings"]["macro_f1"]
        if result["findings"]["evidence_accuracy"] is not None:
            flat["evidence_accuracy"] = result["findings"]["evidence_accuracy"]
        for label, row in result["per_label"].items():
            flat[f"{label}_f1"] = row["f1"]
        for name, row in result["comparison"].items():
            if name != "model":
                flat[name.replace("baseline: ", "baseline_") + "_macro_f1"] = row["macro_f1"]
        if result.get("against"):
            mlflow.set_tag("against", result["against"]["spec"])
            flat["against_macro_f1"] = result["against"]["macro_f1"]
            flat["against_difference"] = result["against"]["difference"]
        mlflow.log_metrics({prefix + k: float(v) for k, v in flat.items()})
        mlflow.log_dict(result, "metrics.json")
        mlflow.log_text(markdown_report(result), "report.md")
        for name, figure in figures(result).items():
            mlflow.log_figure(figure, name)
            plt.close(figure)
        return run.info.run_id
