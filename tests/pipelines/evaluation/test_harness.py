"""The whole harness on a small fixture with a tiny model and a baseline."""

from __future__ import annotations

import json

import mlflow
import pytest
from mlflow import MlflowClient
from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score, precision_recall_fscore_support

from standpunt.models.baselines import LexiconBaseline
from standpunt.models.config import load_config
from standpunt.models.stance_model import StanceModel
from standpunt.pipelines import evaluate_command as evaluate
from tests.conftest import CORPUS, ROOT, TINY_MODEL_OVERRIDES

KEYS = {
    "macro_f1",
    "accuracy",
    "kappa",
    "per_label",
    "confusion",
    "macro_f1_ci",
    "accuracy_ci",
    "ece",
    "reliability",
    "end_to_end_macro_f1",
    "end_to_end_accuracy",
    "segmentation_recall",
    "segmentation_precision",
    "n_letters",
    "n_paragraphs",
    "comparison",
    "annotator_agreement",
    "breakdowns",
    "errors",
    "model",
    "data",
    "synthetic",
    "training_letters",
    "against",
}


@pytest.fixture
def fixture_file(tmp_path):
    lines = (CORPUS / "real.jsonl").read_text(encoding="utf-8").splitlines()[:6]
    path = tmp_path / "fixture.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def tracking(tmp_path, monkeypatch):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    return uri


@pytest.fixture
def tiny_model(tiny_encoder, tmp_path):
    config = load_config(
        ROOT / "configs" / "default.yaml",
        [f"base_encoder={tiny_encoder}", *TINY_MODEL_OVERRIDES],
    )
    return StanceModel.create(config.model, str(tiny_encoder)).save(tmp_path / "tiny-model")


def runs(uri):
    mlflow.set_tracking_uri(uri)
    client = MlflowClient()
    experiment = client.get_experiment_by_name("standpunt-evaluation")
    return [] if experiment is None else client.search_runs([experiment.experiment_id])


def test_tiny_model_end_to_end(fixture_file, tracking, tiny_model, tmp_path):
    out = tmp_path / "out"
    assert (
        evaluate.main(
            ["--model", str(tiny_model), "--data", str(fixture_file), "--out", str(out), "--bootstrap", "200"]
        )
        == 0
    )
    metrics = json.loads((out / "metrics.json").read_text())
    assert KEYS <= set(metrics)
    assert metrics["n_letters"] == 6 and metrics["n_paragraphs"] > 6
    assert metrics["macro_f1_ci"][0] <= metrics["macro_f1"] <= metrics["macro_f1_ci"][1]
    assert set(metrics["comparison"]) == {
        "model",
        "baseline: majority",
        "baseline: lexicon",
        "baseline: tfidf",
        "baseline: hybrid",
    }
    assert metrics["annotator_agreement"] == {"macro_f1": 0.942, "kappa": 0.936, "accuracy": 0.965}
    assert metrics["model"]["kind"] == "folder" and metrics["synthetic"] is False
    assert 0 <= metrics["segmentation_recall"] <= 1 and 0 <= metrics["segmentation_precision"] <= 1
    assert {p.name for p in out.iterdir()} == {"metrics.json", "report.md", "confusion_matrix.png", "reliability.png"}
    assert "## Side by side" in (out / "report.md").read_text()
    [run] = runs(tracking)
    assert run.data.tags["data_sha256"] == metrics["data"]["sha256"]
    assert run.data.tags["model_kind"] == "folder"
    assert run.data.metrics["macro_f1"] == pytest.approx(metrics["macro_f1"])
    assert "end_to_end_macro_f1" in run.data.metrics and "baseline_tfidf_macro_f1" in run.data.metrics


def test_letters_the_model_trained_on_are_flagged_or_left_out(fixture_file, tiny_model, tmp_path, capsys):
    """The shipped model trains on every corpus letter: scoring it on them
    would read as a score on new letters unless the harness says otherwise."""
    from standpunt.models.model_folder import ModelFolder

    ids = [json.loads(line)["id"] for line in fixture_file.read_text().splitlines()]
    ModelFolder(tiny_model).write_metrics({"dataset": {"train": {"letter_ids": ids[:2] + ["elsewhere"]}}})
    argv = ["--model", str(tiny_model), "--data", str(fixture_file), "--bootstrap", "50", "--no-mlflow"]
    out = tmp_path / "flagged"
    assert evaluate.main([*argv, "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_letters"] == 6 and metrics["training_letters"] == {"scored": 2, "left_out": 0}
    warning = "WARNING: 2 of these 6 letters are among the model's training letters"
    assert warning in capsys.readouterr().out and warning in (out / "report.md").read_text()
    out = tmp_path / "unseen"
    assert evaluate.main([*argv, "--out", str(out), "--unseen-only"]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_letters"] == 4 and metrics["training_letters"] == {"scored": 0, "left_out": 2}
    assert "WARNING" not in capsys.readouterr().out
    ModelFolder(tiny_model).write_metrics({"dataset": {"train": {"letter_ids": ids}}})
    assert evaluate.main([*argv, "--unseen-only"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(fixture_file) in err[0] and "every letter is one the model trained on" in err[0]


def test_against_a_second_model_gives_the_paired_difference(fixture_file, tracking, tiny_model, tmp_path, capsys):
    """A fresh batch decides between the old and the new model only through
    the difference on the same letters: both scored, resampled together."""
    from standpunt.models.model_folder import ModelFolder

    out = tmp_path / "out"
    argv = ["--model", "lexicon", "--data", str(fixture_file), "--out", str(out), "--bootstrap", "200"]
    assert evaluate.main([*argv, "--against", "majority"]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    against = metrics["against"]
    assert against["spec"] == "majority" and against["macro_f1"] == pytest.approx(
        metrics["comparison"]["baseline: majority"]["macro_f1"]
    )
    assert against["difference"] == pytest.approx(metrics["macro_f1"] - against["macro_f1"])
    assert against["difference_ci"][0] <= against["difference"] <= against["difference_ci"][1]
    assert 0 <= against["better_share"] <= 1
    line = f"against majority: macro-F1 {against['macro_f1']:.3f}"
    assert line in capsys.readouterr().out and line in (out / "report.md").read_text()
    [run] = runs(tracking)
    assert run.data.tags["against"] == "majority"
    assert run.data.metrics["against_difference"] == pytest.approx(against["difference"])
    # letters the second model trained on are not out of sample for the comparison either
    ids = [json.loads(line)["id"] for line in fixture_file.read_text().splitlines()]
    ModelFolder(tiny_model).write_metrics({"dataset": {"train": {"letter_ids": ids[:3]}}})
    argv = ["--model", "lexicon", "--data", str(fixture_file), "--bootstrap", "50", "--no-mlflow", "--out", str(out)]
    assert evaluate.main([*argv, "--against", str(tiny_model), "--unseen-only"]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_letters"] == 3 and metrics["training_letters"] == {"scored": 0, "left_out": 3}
    assert metrics["against"]["kind"] == "folder"


def test_figures_agree_with_scikit_learn(fixture_file, tracking, tmp_path):
    out = tmp_path / "out"
    assert (
        evaluate.main(
            ["--model", "lexicon", "--data", str(fixture_file), "--out", str(out), "--no-mlflow", "--bootstrap", "50"]
        )
        == 0
    )
    metrics = json.loads((out / "metrics.json").read_text())
    records = [json.loads(line) for line in fixture_file.read_text().splitlines()]
    texts = [" ".join(p["text"].split()) for r in records for p in r["paragraphs"]]
    gold = [p["label"] for r in records for p in r["paragraphs"]]
    predicted = LexiconBaseline().predict(texts).labels
    present = [label for label in ("agree", "acknowledge", "pushback", "none") if label in gold]
    assert metrics["macro_f1"] == f1_score(gold, predicted, labels=present, average="macro", zero_division=0)
    assert metrics["accuracy"] == accuracy_score(gold, predicted)
    assert metrics["kappa"] == cohen_kappa_score(gold, predicted)
    p, r, f, s = precision_recall_fscore_support(
        gold, predicted, labels=["agree", "acknowledge", "pushback", "none"], zero_division=0
    )
    assert [metrics["per_label"][k]["f1"] for k in ("agree", "acknowledge", "pushback", "none")] == list(f)
    assert [metrics["per_label"][k]["support"] for k in ("agree", "acknowledge", "pushback", "none")] == list(s)
    assert metrics["comparison"]["baseline: lexicon"] == {
        "macro_f1": f1_score(gold, predicted, labels=present, average="macro", zero_division=0),
        "accuracy": accuracy_score(gold, predicted),
        "kappa": cohen_kappa_score(gold, predicted),
    }


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "no records (empty file)"),
        (
            '{"id": "x", "source": "real", "text": "abc", '
            '"paragraphs": [{"text": "abc", "spans": [[0, 3]], "label": "maybe"}]}\n',
            ":1: letter x paragraph 0: unknown label 'maybe'",
        ),
        (
            '{"id": "x", "source": "real", "text": "abc", '
            '"paragraphs": [{"text": "abd", "spans": [[0, 3]], "label": "none"}]}\n',
            ":1: letter x paragraph 0: text does not match its spans",
        ),
        ("{broken\n", ":1: invalid JSON"),
    ],
)
def test_bad_data_fails_with_file_line_cause_and_logs_nothing(tmp_path, tracking, capsys, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    assert evaluate.main(["--model", "lexicon", "--data", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"evaluate: {path}:") and message in err and "\n" not in err
    assert runs(tracking) == [] and not (tmp_path / "out").exists()


def test_synthetic_letters_are_refused_unless_allowed(tmp_path, tracking, capsys):
    lines = (CORPUS / "synthetic.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    path = tmp_path / "syn.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert evaluate.main(["--model", "lexicon", "--data", str(path), "--no-mlflow"]) == 2
    assert "synthetic" in capsys.readouterr().err
    out = tmp_path / "out"
    assert (
        evaluate.main(
            ["--model", "lexicon", "--data", str(path), "--out", str(out), "--allow-synthetic", "--bootstrap", "20"]
        )
        == 0
    )
    assert "SYNTHETIC" in capsys.readouterr().out
    assert json.loads((out / "metrics.json").read_text())["synthetic"] is True
    assert "SYNTHETIC" in (out / "report.md").read_text().splitlines()[0]
    [run] = runs(tracking)
    assert (
        run.data.tags["synthetic"] == "True"
        and "synthetic_macro_f1" in run.data.metrics
        and "macro_f1" not in run.data.metrics
    )


def test_default_model_without_registry_is_the_shipped_one(fixture_file, tracking):
    from standpunt.models.loading import SHIPPED_MODEL, registry_has, resolve_model

    assert not registry_has("models:/standpunt-stance@champion")
    assert resolve_model(None).name == str(SHIPPED_MODEL)


def test_unknown_model_spec(fixture_file, capsys):
    assert evaluate.main(["--model", "no-such-thing", "--data", str(fixture_file), "--no-mlflow"]) == 2
    assert "no-such-thing: not a model folder" in capsys.readouterr().err
