"""One set of tracking settings for train, predict and evaluate: a renamed
registered model is trained, looked up and evaluated under that name, in
the configured tracking store."""

from __future__ import annotations

import json
import shutil

import mlflow
import yaml
from mlflow import MlflowClient

from standpunt.pipelines import evaluate_command as evaluate
from standpunt.pipelines.cli import main
from tests.conftest import CORPUS, EXAMPLES, ROOT
from tests.test_train import run_train


def test_changed_registered_model_is_honoured_by_train_predict_and_evaluate(tiny_encoder, tmp_path, capsys):
    client, uri = run_train(tiny_encoder, tmp_path, "tracking.registered_model=other-stance", "--promote")
    assert str(client.get_model_version_by_alias("other-stance", "champion").version) == "1"
    assert not [m for m in client.search_registered_models() if m.name == "standpunt-stance"]
    capsys.readouterr()
    assert (
        main(["models", "--set", f"tracking.tracking_uri={uri}", "--set", "tracking.registered_model=other-stance"])
        == 0
    )
    listing = capsys.readouterr().out
    assert "registered model 'other-stance'" in listing and "@champion: version 1 (dev macro-F1 " in listing
    assert "predict uses: models:/other-stance@champion = version 1" in listing and "shipped default:" in listing

    letter = tmp_path / "letter.txt"
    shutil.copy(EXAMPLES / "000_seed-aenm-vo2025.txt", letter)
    out = tmp_path / "out"
    assert (
        main(
            [
                "predict",
                str(letter),
                "--out",
                str(out),
                "--workers",
                "1",
                "--no-progress",
                "--set",
                f"tracking.tracking_uri={uri}",
                "--set",
                "tracking.registered_model=other-stance",
            ]
        )
        == 0
    )
    model = json.loads((out / "run.json").read_text())["model"]
    assert model["resolved"] == "models:/other-stance@champion" and model["given"] is None
    assert model["registered_model"] == "other-stance" and model["version"] == "1" and model["aliases"] == ["champion"]
    weights = next((tmp_path / "model").glob("*.safetensors"))
    import hashlib

    assert model["sha256"] == hashlib.sha256(weights.read_bytes()).hexdigest()

    config = yaml.safe_load((ROOT / "configs" / "default.yaml").read_text())
    config["tracking"].update({"registered_model": "other-stance", "tracking_uri": uri})
    config_path = tmp_path / "train.yaml"
    config_path.write_text(yaml.safe_dump(config))
    data = tmp_path / "fixture.jsonl"
    data.write_text(
        "\n".join((CORPUS / "real.jsonl").read_text(encoding="utf-8").splitlines()[:3]) + "\n", encoding="utf-8"
    )
    assert (
        evaluate.main(
            ["--data", str(data), "--config", str(config_path), "--bootstrap", "20", "--out", str(tmp_path / "eval")]
        )
        == 0
    )
    metrics = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert metrics["model"]["spec"] == "models:/other-stance@champion" and metrics["model"]["version"] == "1"
    mlflow.set_tracking_uri(uri)
    experiment = MlflowClient().get_experiment_by_name("standpunt-evaluation")
    assert experiment is not None and len(MlflowClient().search_runs([experiment.experiment_id])) == 1
    capsys.readouterr()
