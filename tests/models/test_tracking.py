"""Registry settings, the promotion gate and the code's commit: the parts
of "which model said it" that need no training."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys

from standpunt.models.identity import baseline_sha256, weights_sha256
from standpunt.models.loading import SHIPPED_MODEL, choose_model, registry_has
from standpunt.models.tracking import git_commit, should_promote
from standpunt.pipelines.core.tracking import RegistrySettings
from tests.conftest import ROOT


def test_gate_new_model_must_beat_champion_or_shipped_default():
    assert should_promote(0.30, None, 0.556) == (False, "dev macro-F1 0.300 does not beat the shipped default's 0.556")
    assert should_promote(0.60, None, 0.556)[0]
    assert not should_promote(0.60, 0.60, 0.556)[0]  # a tie does not move the alias
    assert should_promote(0.61, 0.60, 0.556)[0]
    assert should_promote(0.10, 0.60, 0.556, force=True) == (True, "promoted by --promote")


def test_git_commit_is_none_outside_a_checkout_or_without_git(tmp_path, monkeypatch):
    assert git_commit(tmp_path) is None
    # A folder inside somebody else's checkout is not a checkout of the code.
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(tmp_path / "repo"),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "t",
        ],
        check=True,
    )
    (tmp_path / "repo" / "site-packages").mkdir()
    assert git_commit(tmp_path / "repo" / "site-packages") is None
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    assert git_commit(ROOT) is None


def test_weights_hash_covers_every_safetensors_file_in_name_order(tmp_path):
    """The shipped folder's identity is its transformer weights and its
    combination: `cat combination.safetensors weights.safetensors | sha256sum`."""
    together = (SHIPPED_MODEL / "combination.safetensors").read_bytes() + (
        SHIPPED_MODEL / "weights.safetensors"
    ).read_bytes()
    assert weights_sha256(SHIPPED_MODEL) == hashlib.sha256(together).hexdigest()
    (tmp_path / "weights.safetensors").write_bytes(b"only weights")
    assert weights_sha256(tmp_path) == hashlib.sha256(b"only weights").hexdigest()
    assert baseline_sha256("tfidf", ["a"], ["agree"]) != baseline_sha256("tfidf", ["a"], ["none"])
    assert baseline_sha256("tfidf", ["a"], ["agree"]) != baseline_sha256("majority", ["a"], ["agree"])


def fake_registry(path, aliases):
    """The two tables of an MLflow SQLite store that the registry lookup reads."""
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE model_versions (name TEXT, version INTEGER)")
    connection.execute("CREATE TABLE registered_model_aliases (name TEXT, alias TEXT, version INTEGER)")
    connection.execute("INSERT INTO model_versions VALUES ('standpunt-stance', 1), ('other', 1)")
    connection.executemany("INSERT INTO registered_model_aliases VALUES (?, ?, ?)", aliases)
    connection.commit()
    connection.close()


def test_registry_lookup_without_a_registry_creates_nothing(tmp_path):
    settings = RegistrySettings(f"sqlite:///{tmp_path / 'mlflow.db'}")
    assert choose_model(None, settings) == str(SHIPPED_MODEL)
    assert not (tmp_path / "mlflow.db").exists()


def test_registry_lookup_honours_name_and_alias(tmp_path):
    fake_registry(tmp_path / "mlflow.db", [("other", "champion", 1)])
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    assert choose_model(None, RegistrySettings(uri)) == str(SHIPPED_MODEL)
    assert choose_model(None, RegistrySettings(uri, "other")) == "models:/other@champion"
    assert choose_model(None, RegistrySettings(uri, "other", "best")) == str(SHIPPED_MODEL)
    assert registry_has("models:/standpunt-stance/1", RegistrySettings(uri))
    assert not registry_has("models:/standpunt-stance/2", RegistrySettings(uri))
    assert choose_model("runs/m #2", RegistrySettings(uri, "other")) == "runs/m #2"


def test_asking_a_sqlite_registry_does_not_import_mlflow(tmp_path):
    fake_registry(tmp_path / "mlflow.db", [("standpunt-stance", "champion", 1)])
    code = (
        "import sys; from standpunt.models.loading import choose_model; "
        "from standpunt.pipelines.core.tracking import RegistrySettings; "
        f"print(choose_model(None, RegistrySettings('sqlite:///{tmp_path / 'mlflow.db'}')), "
        f"choose_model(None, RegistrySettings('sqlite:///{tmp_path / 'none.db'}')), "
        "'mlflow' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout.split()
    assert out == ["models:/standpunt-stance@champion", str(SHIPPED_MODEL), "False"]
