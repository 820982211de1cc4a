"""standpunt predict end to end on a tiny model: the output contract, bad
letters recorded next to good ones, resuming after a kill."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd

from standpunt.pipelines.cli import main
from tests.conftest import EXAMPLES, ROOT

PARAGRAPH_KEYS = {"letter", "source", "paragraph", "text", "spans", "heading", "label", "scores", "model"}


def make_bad_letters(folder):
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "encoding.txt").write_bytes(b"Tekst \x81\x8d\x8f\x90\x9d en \xc3 kapot.")
    (folder / "scanned.pdf").write_bytes((ROOT / "tests" / "data" / "scanned.pdf").read_bytes())
    (folder / "corrupted.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage\xff" * 50)
    (folder / "huge.txt").write_text("Ik deel uw conclusie. " * 60000)  # about 1.3 MB, over the 1 MB limit set below
    (folder / "furniture.txt").write_text("Hoogachtend,\n\nDe minister van Financiën,\n")
    (folder / "kapot.docx").write_bytes(b"PK\x03\x04 kapot")
    (folder / "oud.wpd").write_bytes(b"\xffWPC WordPerfect")  # a format we cannot read: reported, not skipped


def test_good_and_bad_letters(tiny_model, tmp_path, capsys):
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in (
        "000_seed-aenm-vo2025.pdf",
        "000_seed-aenm-vo2025.txt",
        "502_venw-auditdienst-zandmaas-grensmaas-17e-vgr-2010.txt",
    ):
        shutil.copy(EXAMPLES / name, archive / name)
    make_bad_letters(archive)
    out = tmp_path / "out"
    code = main(
        [
            "predict",
            str(archive),
            "--out",
            str(out),
            "--model",
            str(tiny_model),
            "--workers",
            "2",
            "--set",
            "max_size_mb=1",
            "--format",
            "csv",
            "--format",
            "parquet",
            "--no-progress",
        ]
    )
    assert code == 0
    rows = [json.loads(line) for line in (out / "letters.jsonl").read_text().splitlines()]
    letters = {letter["letter"]: letter for letter in rows if letter["status"] == "error"}
    reasons = {name: letter.get("reason") for name, letter in letters.items()}
    assert reasons == {
        "empty": "empty",
        "binary": "binary",
        "encoding": "encoding",
        "scanned": "scanned-pdf",
        "corrupted": "corrupted",
        "huge": "too-large",
        "furniture": "no-paragraphs",
        "kapot": "corrupted",
        "oud": "unsupported",
    }
    for name in reasons:
        assert (
            letters[name]["error"].startswith(str(archive / name.split(".")[0])) and "\n" not in letters[name]["error"]
        )
    assert "OCR is not supported" in letters["scanned"]["error"]
    assert "unknown format '.wpd'" in letters["oud"]["error"]
    ok = [letter for letter in rows if letter["status"] == "ok"]
    # the .pdf and .txt seed share a stem: both are kept, told apart by their ids
    assert {letter["letter"] for letter in ok} == {
        "000_seed-aenm-vo2025.pdf",
        "000_seed-aenm-vo2025.txt",
        "502_venw-auditdienst-zandmaas-grensmaas-17e-vgr-2010",
    }
    assert sum(1 for line in (out / "letters.jsonl").read_text().splitlines()) == 12
    paragraphs = [json.loads(line) for line in (out / "paragraphs.jsonl").read_text().splitlines()]
    assert paragraphs and all(set(p) == PARAGRAPH_KEYS for p in paragraphs)
    assert all(
        abs(sum(p["scores"].values()) - 1) < 1e-3 and p["label"] == max(p["scores"], key=p["scores"].get)
        for p in paragraphs
    )
    assert {p["letter"] for p in paragraphs} == {letter["letter"] for letter in ok}
    seed = next(letter for letter in ok if letter["letter"] == "000_seed-aenm-vo2025.pdf")
    assert sum(1 for p in paragraphs if p["letter"] == seed["letter"]) == seed["n_paragraphs"]
    assert seed["metadata"]["sender"] == "Minister van Asiel en Migratie" and seed["n_paragraphs"] == 9
    assert [f["heading"] for f in seed["findings"]][:2] == [None, "Prestatieverklaringen bij de IND"]
    assert all(f["evidence"] is None if f["stance"] == "none" else f["evidence"]["sentence"] for f in seed["findings"])
    assert len(pd.read_parquet(out / "paragraphs.parquet")) == len(paragraphs)
    assert len(pd.read_csv(out / "letters.csv")) == 12
    err = capsys.readouterr().err
    assert (
        "3 letters ok, 9 failed (2 corrupted, 1 binary, 1 empty, 1 encoding, 1 no-paragraphs, 1 scanned-pdf, "
        "1 too-large, 1 unsupported)"
    ) in err and "paragraphs.jsonl" in err


def test_same_name_in_two_folders_stays_two_letters_and_resumes_by_id(tiny_model, tmp_path, monkeypatch, capsys):
    archive = tmp_path / "archive"
    for year in ("2019", "2020"):
        (archive / year).mkdir(parents=True)
        shutil.copy(EXAMPLES / "502_venw-auditdienst-zandmaas-grensmaas-17e-vgr-2010.txt", archive / year / "brief.txt")
    out = tmp_path / "out"
    command = ["--out", str(out), "--model", str(tiny_model), "--workers", "1", "--no-progress"]
    assert main(["predict", str(archive)] + command) == 0
    letters = [json.loads(line) for line in (out / "letters.jsonl").read_text().splitlines()]
    assert sorted(letter["letter"] for letter in letters) == ["2019/brief", "2020/brief"]
    paragraphs = [json.loads(line) for line in (out / "paragraphs.jsonl").read_text().splitlines()]
    assert {p["letter"] for p in paragraphs} == {"2019/brief", "2020/brief"}
    # Started again from another folder, the archive is given by another path: nothing is redone.
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["predict", "archive"] + command) == 0
    assert "0 letters ok, 0 failed, 2 already done" in capsys.readouterr().err
    assert len((out / "letters.jsonl").read_text().splitlines()) == 2


def test_a_letter_that_times_out_keeps_its_id(tmp_path, monkeypatch, capsys):
    """The reader pool records a stuck or crashed worker's letter itself; it
    must use the run's id, not the file's stem (brief.txt and brief.pdf)."""
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(EXAMPLES / "000_seed-aenm-vo2025.txt", archive / "brief.txt")
    shutil.copy(EXAMPLES / "000_seed-aenm-vo2025.pdf", archive / "brief.pdf")
    monkeypatch.setenv("STANDPUNT_TEST_HANG_WORKER_ON", "brief.txt")
    out = tmp_path / "out"
    assert (
        main(
            [
                "predict",
                str(archive),
                "--out",
                str(out),
                "--model",
                "lexicon",
                "--workers",
                "1",
                "--no-progress",
                "--set",
                "letter_timeout_s=5",
            ]
        )
        == 0
    )
    letters = {letter["letter"]: letter for letter in map(json.loads, (out / "letters.jsonl").read_text().splitlines())}
    assert set(letters) == {"brief.txt", "brief.pdf"}
    assert letters["brief.txt"]["reason"] == "timeout" and letters["brief.pdf"]["status"] == "ok"
    capsys.readouterr()


def test_run_that_cannot_proceed_exits_nonzero(tmp_path, capsys):
    assert (
        main(
            [
                "predict",
                str(EXAMPLES),
                "--out",
                str(tmp_path / "o"),
                "--model",
                str(tmp_path / "no-model"),
                "--no-progress",
            ]
        )
        == 2
    )
    assert "cannot run" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["predict", str(EXAMPLES), "--out", str(blocker / "sub"), "--model", "x", "--no-progress"]) == 2


def canonical(folder):
    """Lines of both outputs, order aside; scores compared at 4 decimals since
    batches (and so float summation order) differ between the two runs."""

    def norm(value):
        if isinstance(value, float):
            return round(value, 4)
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list):
            return [norm(v) for v in value]
        return value

    out = {}
    for name in ("paragraphs.jsonl", "letters.jsonl"):
        lines = (folder / name).read_text().splitlines()
        out[name] = sorted(json.dumps(norm(json.loads(line)), sort_keys=True) for line in lines)
    return out


def test_killed_run_resumes_without_loss_or_duplicates(tiny_model, tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    sources = sorted(EXAMPLES.glob("*.txt"))
    for i in range(60):
        shutil.copy(sources[i % len(sources)], archive / f"letter_{i:03d}.txt")
    command = [
        sys.executable,
        "-m",
        "standpunt.pipelines.cli",
        "predict",
        str(archive),
        "--model",
        str(tiny_model),
        "--workers",
        "1",
        "--batch-size",
        "4",
        "--no-progress",
    ]
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    reference = tmp_path / "reference"
    subprocess.run(command + ["--out", str(reference)], check=True, env=env, cwd=ROOT, capture_output=True)

    resumed = tmp_path / "resumed"
    process = subprocess.Popen(
        command + ["--out", str(resumed)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 120
    letters = resumed / "letters.jsonl"
    while time.time() < deadline:
        if letters.exists() and len(letters.read_text().splitlines()) >= 10:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done_at_kill = len(letters.read_text().splitlines())
    assert 10 <= done_at_kill < 60, "the run must be stopped midway"
    result = subprocess.run(command + ["--out", str(resumed)], env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    assert "already done" in result.stderr
    assert canonical(resumed) == canonical(reference)


def test_paragraph_lines_are_written_before_the_evidence_is_scored(tiny_model, tmp_path, monkeypatch):
    """A letter's labels reach paragraphs.jsonl as soon as they exist; its
    letters.jsonl line (findings and evidence) follows the evidence pass."""
    import numpy as np

    from standpunt.models.prediction import Prediction
    from standpunt.pipelines.batch import runner
    from standpunt.pipelines.core.labels import LABELS

    out = tmp_path / "out"
    seen = []  # (texts classified, paragraph lines and letter lines on disk at that moment)

    def lines(name):
        path = out / name
        return len(path.read_text().splitlines()) if path.exists() else 0

    def everything_pushback(texts):
        seen.append((len(texts), lines("paragraphs.jsonl"), lines("letters.jsonl")))
        scores = np.tile(np.eye(len(LABELS))[LABELS.index("pushback")] * 0.9 + 0.025, (len(texts), 1))
        return Prediction.from_scores(scores)

    real = runner.configured_predictor

    def configured(config):
        predictor = real(config)
        predictor._predict = predictor._score_evidence = everything_pushback
        return predictor

    monkeypatch.setattr(runner, "configured_predictor", configured)
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(EXAMPLES / "000_seed-aenm-vo2025.txt", archive / "brief.txt")
    assert main(["predict", str(archive), "--out", str(out), "--model", str(tiny_model), "--no-progress"]) == 0
    paragraphs = lines("paragraphs.jsonl")
    assert len(seen) == 2  # the letter's paragraphs, then its candidate evidence sentences
    assert seen[0][1:] == (0, 0)
    assert seen[1][1:] == (paragraphs, 0)  # labels on disk, the letter not yet done
    assert lines("letters.jsonl") == 1
    letter = json.loads((out / "letters.jsonl").read_text())
    assert any(f["evidence"] for f in letter["findings"])
