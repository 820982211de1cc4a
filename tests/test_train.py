"""train.py end to end on a tiny random encoder: the run, its contents, the
registered version and the champion alias."""

import json

import mlflow
import pandas as pd
from mlflow import MlflowClient
from safetensors.torch import load_file

from standpunt.models.identity import recorded_dev_macro_f1, weights_sha256
from standpunt.models.loading import SHIPPED_MODEL, choose_model
from standpunt.pipelines import cli
from standpunt.pipelines import train_command as train
from standpunt.pipelines.core.tracking import RegistrySettings
from tests.conftest import ROOT, TINY_MODEL_OVERRIDES


def run_train(tiny_encoder, tmp_path, *extra):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    argv = [
        "--config",
        str(ROOT / "configs" / "default.yaml"),
        "--no-progress",
        f"base_encoder={tiny_encoder}",
        *TINY_MODEL_OVERRIDES,
        "train.max_steps=2",
        "train.batch_size=4",
        "data.use_synthetic=false",
        f"tracking.tracking_uri={uri}",
        f"output_dir={tmp_path / 'model'}",
        *extra,
    ]
    assert train.main(argv) == 0
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    return MlflowClient(), uri


def test_train_logs_run_registers_and_keeps_the_shipped_default(tiny_encoder, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path.parent)  # data paths resolve against the project, not the cwd
    client, uri = run_train(tiny_encoder, tmp_path)
    experiment = client.get_experiment_by_name("standpunt-stance")
    runs = client.search_runs([experiment.experiment_id])
    assert len(runs) == 1
    run = runs[0]
    assert run.data.params["train.max_steps"] == "2"
    assert run.data.params["model.finetune"] == "lora"
    for key in (
        "dev_macro_f1",
        "dev_accuracy",
        "dev_agree_f1",
        "dev_pushback_recall",
        "baseline_tfidf_dev_macro_f1",
        "train_loss",
    ):
        assert key in run.data.metrics
    assert run.data.tags["git_commit"]
    assert len(run.data.tags["data.real.jsonl.sha256"]) == 64
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"dataset.json", "classification_report.txt", "confusion_matrix.png"} <= artifacts
    [version] = client.search_model_versions("name = 'standpunt-stance'")
    assert str(version.version) == "1" and version.run_id == run.info.run_id
    # A smoke training does not beat the shipped default: no champion, and predict keeps the shipped model.
    assert (
        not client.get_registered_model("standpunt-stance").aliases and run.data.tags["promoted_to_champion"] == "False"
    )
    shipped = recorded_dev_macro_f1(SHIPPED_MODEL)
    assert f"does not beat the shipped default's {shipped:.3f}" in run.data.tags["promotion"]
    assert "from another dev split" in run.data.tags["promotion"]  # the corpus grew since the shipped model was trained
    assert choose_model(None, RegistrySettings(uri)) == str(SHIPPED_MODEL)
    capsys.readouterr()
    assert cli.main(["models", "--set", f"tracking.tracking_uri={uri}"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert (
        listing[1].split()[:2] == ["version", "dev"] and listing[2].split()[0] == "1" and len(listing[2].split()) == 4
    )  # no alias
    assert "@champion: none" in listing
    assert (
        f"predict uses: {SHIPPED_MODEL} (no @champion in the registry) "
        f"(dev macro-F1 {shipped:.3f}, weights {weights_sha256(SHIPPED_MODEL)[:12]})" in listing
    )

    served = mlflow.pyfunc.load_model("models:/standpunt-stance/1")
    frame = served.predict(pd.DataFrame({"text": ["Ik onderschrijf uw conclusie.", "Hoogachtend,"]}))
    assert list(frame.columns) == ["label", "agree", "acknowledge", "pushback", "none"]
    assert set(frame["label"]) <= {"agree", "acknowledge", "pushback", "none"}

    metrics = json.loads((tmp_path / "model" / "metrics.json").read_text())
    assert len(metrics["dev_predictions"]) == metrics["dev"]["n"] > 0
    assert metrics["dataset"]["dev"]["labels"]["none"] > 0


def test_champion_moves_only_when_beaten_or_promoted(tiny_encoder, tmp_path):
    client, _ = run_train(tiny_encoder, tmp_path)
    assert not client.get_registered_model("standpunt-stance").aliases  # below the shipped default
    client, _ = run_train(tiny_encoder, tmp_path, "--promote")
    champion = client.get_model_version_by_alias("standpunt-stance", "champion")
    assert str(champion.version) == "2"
    # The same seed and data give the same score: not better, so the alias stays.
    client, _ = run_train(tiny_encoder, tmp_path)
    assert str(client.get_model_version_by_alias("standpunt-stance", "champion").version) == "2"
    second, third = (
        client.get_run(client.get_model_version("standpunt-stance", v).run_id).data.metrics["dev_macro_f1"]
        for v in ("2", "3")
    )
    assert third == second
    assert (
        client.get_run(client.get_model_version("standpunt-stance", "3").run_id).data.tags["promoted_to_champion"]
        == "False"
    )


def test_cross_fitted_training_keeps_fold_models_that_each_left_out_one_fold(tiny_encoder, tmp_path, capsys):
    """data.folds: the dev figures are out of fold over every real letter, the
    model trains on every letter, and each letter is left out by exactly one
    kept fold model (what `standpunt combine` scores it with)."""
    from standpunt.models.model_folder import ModelFolder
    from standpunt.models.stance_model import StanceModel
    from standpunt.pipelines.core.corpus import read_records

    client, _ = run_train(tiny_encoder, tmp_path, "data.folds=3", "data.real=[data/corpus/real.jsonl]")
    assert "out of fold (3 folds) macro-F1" in capsys.readouterr().out
    folder = ModelFolder(tmp_path / "model")
    metrics = folder.metrics()
    real = [r for r in read_records(ROOT / "data" / "corpus" / "real.jsonl")]
    assert sorted(metrics["dataset"]["dev"]["letter_ids"]) == sorted(r["id"] for r in real)
    assert set(metrics["dataset"]["train"]["letter_ids"]) == {r["id"] for r in real}
    assert metrics["dev"]["n"] == sum(len(r["paragraphs"]) for r in real) == len(metrics["dev_predictions"])
    assert metrics["cross_fit"]["folds"] == 3 and len(metrics["cross_fit"]["per_fold"]) == 3
    folds = folder.fold_folders()
    assert [f.path.name for f in folds] == ["fold0", "fold1", "fold2"]
    left_out = [set(f.metrics()["dataset"]["dev"]["letter_ids"]) for f in folds]
    for fold, out in zip(folds, left_out, strict=True):
        assert not out & set(fold.metrics()["dataset"]["train"]["letter_ids"])
    assert sorted(letter for out in left_out for letter in out) == sorted(r["id"] for r in real)
    StanceModel.load(folds[0].path).predict(["Ik deel uw conclusie niet."])  # a model folder of its own
    run = client.search_runs([client.get_experiment_by_name("standpunt-stance").experiment_id])[0]
    assert len(client.get_metric_history(run.info.run_id, "fold_dev_macro_f1")) == 3
    assert "baseline_lexicon_dev_macro_f1" in run.data.metrics
    # a second run replaces the fold models rather than mixing in stale ones
    run_train(tiny_encoder, tmp_path, "data.folds=2", "data.real=[data/corpus/real.jsonl]")
    assert [f.path.name for f in folder.fold_folders()] == ["fold0", "fold1"]


def test_default_recipe_top_layers_on_the_opening_tokens(tiny_encoder, tmp_path):
    """configs/default.yaml's recipe (LoRA on the top layers over cached lower
    ones, a paragraph's first tokens), scaled to the tiny encoder's two layers."""
    run_train(tiny_encoder, tmp_path, "model.lora_layers=[1]", "model.read_tokens=32")
    saved = json.loads((tmp_path / "model" / "config.json").read_text())
    assert saved["lora"]["layers"] == [1] and saved["read_tokens"] == 32
    weights = load_file(str(tmp_path / "model" / "weights.safetensors"))
    adapted = {name.split(".layer.")[1].split(".")[0] for name in weights if ".layer." in name}
    assert adapted == {"1"}  # no adapters below the cached layers


def test_layers_the_encoder_lacks_fail_in_one_line(tiny_encoder, tmp_path, capsys):
    argv = ["--config", str(ROOT / "configs" / "default.yaml"), f"base_encoder={tiny_encoder}"]
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    assert train.main([*argv, f"output_dir={tmp_path / 'model'}", f"tracking.tracking_uri={uri}"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "model.lora_layers" in err[0] and "has 2 layers" in err[0] and "[6, 7" in err[0]
    assert not (tmp_path / "model").exists()


def test_bad_override_fails_before_training(capsys, tmp_path):
    assert train.main(["--config", str(ROOT / "configs" / "default.yaml"), "train.epoch=3"]) == 2
    assert "unknown key 'train.epoch'" in capsys.readouterr().err
