"""Runs an analyst can trust: run.json names the model, a resume under
another model is refused, odd paths survive, a dead worker costs one letter."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys

import pytest

from standpunt.models.onnx_backend import has_int8_products
from standpunt.pipelines.cli import main
from tests.conftest import EXAMPLES

LETTERS = ["000_seed-aenm-vo2025.txt", "502_venw-auditdienst-zandmaas-grensmaas-17e-vgr-2010.txt"]


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    for name in LETTERS:
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


def predict(*args):
    return main(["predict", *map(str, args), "--workers", "1", "--no-progress"])


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_manifest_names_the_model_and_every_paragraph_its_hash(tiny_model, archive, tmp_path, capsys):
    out = tmp_path / "out"
    assert predict(archive, "--out", out, "--model", tiny_model) == 0
    manifest = json.loads((out / "run.json").read_text())
    digest = hashlib.sha256((tiny_model / "weights.safetensors").read_bytes()).hexdigest()
    model = manifest["model"]
    assert model["given"] == str(tiny_model) and model["resolved"] == str(tiny_model) and model["kind"] == "folder"
    assert model["sha256"] == digest and model["hash_of"] == "safetensors" and model["version"] is None
    assert manifest["backend"] == "onnx" and manifest["quantize"] == "none"
    assert model["evidence_quantize"] == ("int8" if has_int8_products() else "none")  # `auto`, resolved here
    assert manifest["config"]["model"] == str(tiny_model) and manifest["config"]["tracking"]["alias"] == "champion"
    assert manifest["standpunt"]["version"] == "0.1.0" and "git_commit" in manifest["standpunt"]
    assert manifest["started"] <= manifest["finished"]
    paragraphs = lines(out / "paragraphs.jsonl")
    assert manifest["counts"] == {"letters": 2, "ok": 2, "failed": 0, "paragraphs": len(paragraphs)}
    assert {p["model"] for p in paragraphs} == {digest[:12]}

    assert main(["report", str(out)]) == 0
    assert f"model: model &middot; weights {digest[:12]}" in (out / "report.html").read_text()
    capsys.readouterr()


def test_resume_under_another_model_is_refused_unless_force_new(tiny_model, archive, tmp_path, capsys):
    out = tmp_path / "out"
    assert predict(archive / LETTERS[0], "--out", out, "--model", tiny_model) == 0
    before = {name: (out / name).read_bytes() for name in ("paragraphs.jsonl", "letters.jsonl", "run.json")}
    capsys.readouterr()
    assert predict(archive, "--out", out, "--model", "lexicon") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "resuming would mix two models' labels" in err[0] and "--force-new" in err[0]
    assert {name: (out / name).read_bytes() for name in before} == before

    # The same model resumes, and the manifest counts the whole folder.
    assert predict(archive, "--out", out, "--model", tiny_model) == 0
    manifest = json.loads((out / "run.json").read_text())
    assert len(manifest["sessions"]) == 2 and manifest["counts"]["letters"] == 2
    assert manifest["sessions"][1]["already_done"] == 1

    assert predict(archive, "--out", out, "--model", "lexicon", "--force-new") == 0
    [aside] = out.glob("superseded-*")
    assert (aside / "run.json").read_bytes() != (out / "run.json").read_bytes()
    assert json.loads((aside / "run.json").read_text())["model"]["sha256"] == manifest["model"]["sha256"]
    assert json.loads((out / "run.json").read_text())["model"]["kind"] == "baseline"
    assert {p["letter"] for p in lines(out / "paragraphs.jsonl")} == {"000_seed-aenm-vo2025", LETTERS[1][:-4]}
    capsys.readouterr()


def test_paths_with_hash_spaces_and_quotes_survive(tiny_model, archive, tmp_path, capsys):
    odd = tmp_path / "runs" / "m #2 'x' \"y\""
    shutil.copytree(tiny_model, odd)
    out = tmp_path / "out #1 'q' \"r\""
    assert predict(archive / LETTERS[0], "--out", out, "--model", odd, "--set", "inference.backend=torch") == 0
    model = json.loads((out / "run.json").read_text())["model"]
    assert model["given"] == str(odd) and model["resolved"] == str(odd)
    capsys.readouterr()


def test_baseline_model_runs_fitted_on_the_training_letters(archive, tmp_path, capsys):
    from standpunt.models.identity import baseline_sha256
    from standpunt.models.loading import training_paragraphs

    out = tmp_path / "out"
    assert predict(archive, "--out", out, "--model", "majority") == 0
    model = json.loads((out / "run.json").read_text())["model"]
    assert model["kind"] == "baseline" and model["hash_of"] == "baseline+training-data" and model["backend"] is None
    texts, labels = training_paragraphs()
    assert model["sha256"] == baseline_sha256("majority", texts, labels)
    assert {p["label"] for p in lines(out / "paragraphs.jsonl")} == {max(set(labels), key=labels.count)}
    assert predict(archive, "--out", tmp_path / "o2", "--model", "majorty") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].endswith(
        "not a model folder, a models:/ or runs:/ URI, or a baseline (majority, lexicon, tfidf, hybrid)"
    )


def test_no_matching_inputs_exits_2(tmp_path, capsys):
    assert predict(tmp_path / "nothing-*.txt", "--out", tmp_path / "out", "--model", "lexicon") == 2
    err = capsys.readouterr().err
    assert "nothing to predict" in err and not (tmp_path / "out").exists()


def test_killed_worker_costs_its_letter_not_the_run(archive, tmp_path, monkeypatch, capsys):
    for i in range(4):
        shutil.copy(EXAMPLES / LETTERS[1], archive / f"extra_{i}.txt")
    monkeypatch.setenv("STANDPUNT_TEST_KILL_WORKER_ON", "extra_1.txt")
    out = tmp_path / "out"
    assert (
        main(["predict", str(archive), "--out", str(out), "--model", "lexicon", "--workers", "2", "--no-progress"]) == 0
    )
    letters = {letter["letter"]: letter for letter in lines(out / "letters.jsonl")}
    assert len(letters) == 6
    assert letters["extra_1"]["status"] == "error" and letters["extra_1"]["reason"] == "worker-crashed"
    assert "\n" not in letters["extra_1"]["error"] and letters["extra_1"]["error"].startswith(
        str(archive / "extra_1.txt")
    )
    assert all(letter["status"] == "ok" for name, letter in letters.items() if name != "extra_1")
    assert json.loads((out / "run.json").read_text())["sessions"][-1]["worker_restarts"] >= 1
    capsys.readouterr()


def test_stuck_worker_times_out(archive, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STANDPUNT_TEST_HANG_WORKER_ON", LETTERS[0])
    out = tmp_path / "out"
    assert predict(archive, "--out", out, "--model", "lexicon", "--set", "letter_timeout_s=5") == 0
    letters = {letter["source"]: letter for letter in lines(out / "letters.jsonl")}
    assert letters[str(archive / LETTERS[0])]["reason"] == "timeout"
    assert letters[str(archive / LETTERS[1])]["status"] == "ok"
    capsys.readouterr()


def test_predict_without_a_registry_does_not_import_mlflow(tiny_model, archive, tmp_path):
    """Cold start: no --model and no registry file: the shipped model (here
    the tiny one in its place) runs and mlflow is never imported."""
    code = (
        "import sys; from pathlib import Path; import standpunt.models.loading as loading; "
        f"loading.SHIPPED_MODEL = Path({str(tiny_model)!r}); from standpunt.pipelines.cli import main; "
        f"code = main(['predict', {str(archive)!r}, '--out', {str(tmp_path / 'out')!r}, "
        "'--workers', '1', '--no-progress', "
        f"'--set', 'tracking.tracking_uri=sqlite:///{tmp_path / 'mlflow.db'}']); print(code, 'mlflow' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.stdout.split() == ["0", "False"], result.stderr[-2000:]
    assert json.loads((tmp_path / "out" / "run.json").read_text())["model"]["resolved"] == str(tiny_model)
    assert not (tmp_path / "mlflow.db").exists()


def counting_pool(tmp_path, letters: int):
    """A 2-worker reader pool over copies of the example letters, and the list
    of letter ids it submits for reading, in order."""
    from standpunt.pipelines.batch.pool import ReaderPool

    jobs = []
    for i in range(letters):
        shutil.copy(EXAMPLES / LETTERS[i % 2], tmp_path / f"letter_{i}.txt")
        jobs.append((str(tmp_path / f"letter_{i}.txt"), f"letter_{i}"))
    pool = ReaderPool(2, 10**7, 60)
    submitted: list[str] = []
    submit = pool._submit
    pool._submit = lambda job: submitted.append(job[1]) or submit(job)
    return pool, jobs, submitted


def test_nothing_is_read_while_the_first_letter_is_classified(tmp_path):
    """Cold start: readers working ahead would take the cores from the first
    letter's classification, so the first letter is read alone."""
    pool, jobs, submitted = counting_pool(tmp_path, 6)
    try:
        results = pool.results(jobs)
        assert next(results)["letter"] == "letter_0" and submitted == ["letter_0"]
        assert [r["letter"] for r in results] == [f"letter_{i}" for i in range(1, 6)]
        assert submitted == [f"letter_{i}" for i in range(6)]
    finally:
        pool.terminate()


def test_the_first_letter_read_ahead_is_not_read_twice(tmp_path):
    """predict reads the first letter while the model loads; results() then
    takes that record when the letter's turn comes instead of reading it
    again, also when other letters were asked for first."""
    pool, jobs, submitted = counting_pool(tmp_path, 3)
    try:
        pool.read_ahead(jobs[0])
        pool.read_ahead(jobs[2])
        assert submitted == ["letter_0", "letter_2"]
        assert [r["letter"] for r in pool.results(jobs[:2])] == ["letter_0", "letter_1"]
        assert submitted == ["letter_0", "letter_2", "letter_1"]
        assert [r["status"] for r in pool.results(jobs[2:])] == ["ok"] and len(submitted) == 3
    finally:
        pool.terminate()
