"""spark-predict on Spark local[2] gives predict's records: the same letter
ids, paragraphs, labels (scores within 1e-5), findings and error records,
as Parquet; a job killed between a batch's two writes loses and duplicates
no letter when run again."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("spark-predict needs Java 17 (CI installs openjdk-17-jre-headless)", allow_module_level=True)

from standpunt.pipelines.batch.tables import read_letters, read_paragraphs  # noqa: E402
from standpunt.pipelines.cli import main  # noqa: E402
from standpunt.pipelines.predict_config import load_predict_config  # noqa: E402
from standpunt.pipelines.spark.predict import spark_predict  # noqa: E402
from standpunt.pipelines.spark.store import KILL_HOOK_ENV  # noqa: E402
from tests.conftest import EXAMPLES, ROOT  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("standpunt-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "512m")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """A folder (the examples, two same-named letters in subfolders, bad files),
    a glob and a file named directly: every way predict names a letter."""
    root = tmp_path_factory.mktemp("inputs")
    archive = root / "archive"
    shutil.copytree(EXAMPLES, archive)
    for year in ("2019", "2020"):
        (archive / year).mkdir()
        shutil.copy(
            EXAMPLES / "109_ienw-ovv-veiligheid-vliegverkeer-schiphol-reactie-2017.txt", archive / year / "brief.txt"
        )
    (archive / "empty.txt").write_bytes(b"")
    (archive / "binary.txt").write_bytes(bytes(range(256)) * 20)
    shutil.copy(ROOT / "tests" / "data" / "scanned.pdf", archive / "scanned.pdf")
    (archive / "huge.txt").write_text("Ik deel uw conclusie. " * 60000)  # about 1.3 MB, over the 1 MB limit set below
    (archive / "oud.wpd").write_bytes(b"\xffWPC WordPerfect")
    extra = root / "extra"
    extra.mkdir()
    shutil.copy(EXAMPLES / "420_bzk-def-ctivd-rapport-60-wegingsnotities-2019.txt", extra / "notitie.txt")
    single = root / "los.txt"
    shutil.copy(EXAMPLES / "508_ienw-nsl-beleidsdoorlichting-aanbevelingen-ar-2017.txt", single)
    return [str(archive), str(extra / "*.txt"), str(single)]


@pytest.fixture(scope="module")
def reference(inputs, tiny_model, tmp_path_factory):
    """What `standpunt predict` writes for the same inputs."""
    out = tmp_path_factory.mktemp("predict") / "out"
    assert (
        main(
            [
                "predict",
                *inputs,
                "--out",
                str(out),
                "--model",
                str(tiny_model),
                "--workers",
                "2",
                "--set",
                "max_size_mb=1",
                "--no-progress",
            ]
        )
        == 0
    )
    return out


def config():
    return load_predict_config(None, ["max_size_mb=1"])


def canonical(folder) -> tuple[list[dict], list[dict]]:
    """Letters and paragraphs sorted, scores apart (compared with a tolerance)."""
    letters = sorted(read_letters(folder), key=lambda r: r["letter"])
    paragraphs = sorted(read_paragraphs(folder), key=lambda r: (r["letter"], r["paragraph"]))
    return letters, paragraphs


def assert_same_records(spark_out, predict_out) -> None:
    letters, paragraphs = canonical(spark_out)
    expected_letters, expected_paragraphs = canonical(predict_out)
    assert [r["letter"] for r in letters] == [r["letter"] for r in expected_letters]
    assert letters == expected_letters
    assert len(paragraphs) == len(expected_paragraphs)
    for got, expected in zip(paragraphs, expected_paragraphs):
        assert {k: v for k, v in got.items() if k != "scores"} == {k: v for k, v in expected.items() if k != "scores"}
        assert got["scores"].keys() == expected["scores"].keys()
        assert all(abs(got["scores"][k] - expected["scores"][k]) <= 1e-5 for k in got["scores"])


def test_same_records_as_predict(spark, inputs, reference, tiny_model, tmp_path, capsys):
    out = tmp_path / "spark"
    stats = spark_predict(spark, inputs, out, config(), model=str(tiny_model), batch_letters=8)
    assert_same_records(out, reference)
    letters = {r["letter"]: r for r in read_letters(out)}
    assert {name: letters[name]["reason"] for name in ("empty", "binary", "scanned", "huge", "oud")} == {
        "empty": "empty",
        "binary": "binary",
        "scanned": "scanned-pdf",
        "huge": "too-large",
        "oud": "unsupported",
    }
    assert (
        letters["scanned"]["error"].startswith(inputs[0] + "/scanned.pdf: ")
        and "OCR is not supported" in letters["scanned"]["error"]
    )
    assert {"2019/brief", "2020/brief", "notitie", "los", "000_seed-aenm-vo2025.pdf"} <= set(letters)
    assert (stats.ok, stats.failed) == (10, 5)
    manifest, expected = (json.loads((folder / "run.json").read_text()) for folder in (out, reference))
    assert manifest["model"] == expected["model"] and manifest["counts"] == expected["counts"]
    expected["config"]["workers"] = None  # predict's reader processes: --workers 2 above
    assert manifest["config"] == expected["config"] and manifest["finished"]

    # a rerun skips every letter already there and appends nothing
    again = spark_predict(spark, inputs, out, config(), model=str(tiny_model), batch_letters=8)
    assert (again.already_done, again.ok, again.failed) == (15, 0, 0)
    assert_same_records(out, reference)
    assert len(json.loads((out / "run.json").read_text())["sessions"]) == 2

    # the report reads the Parquet tables
    assert main(["report", str(out)]) == 0
    assert "2019/brief" in (out / "report.html").read_text()


def test_killed_between_writes_resumes_without_loss_or_duplicates(spark, inputs, reference, tiny_model, tmp_path):
    out = tmp_path / "killed"
    command = [
        sys.executable,
        "-m",
        "standpunt.pipelines.cli",
        "spark-predict",
        *inputs,
        "--out",
        str(out),
        "--model",
        str(tiny_model),
        "--master",
        "local[2]",
        "--batch-letters",
        "6",
        "--set",
        "max_size_mb=1",
    ]
    # SIGKILL once batch 2's paragraphs are committed and before its letters are
    env = dict(os.environ, HF_HUB_OFFLINE="1", **{KILL_HOOK_ENV: "2"})
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
    assert len(read_letters(out)) == 6  # batch 1 only
    orphans = {p["letter"] for p in read_paragraphs(out)} - {r["letter"] for r in read_letters(out)}
    assert orphans, "batch 2's paragraphs were committed without their letters"

    stats = spark_predict(spark, inputs, out, config(), model=str(tiny_model), batch_letters=6)
    assert stats.already_done == 6 and stats.ok + stats.failed == 9
    letters = [r["letter"] for r in read_letters(out)]
    assert len(letters) == len(set(letters)) == 15
    assert_same_records(out, reference)


def test_the_pyfunc_runs_as_a_spark_udf_over_a_table_of_paragraphs(spark, tiny_model, tmp_path):
    """For users who already have paragraphs in a table: the logged pyfunc,
    as `mlflow.pyfunc.spark_udf`, gives predict's labels and scores."""
    import mlflow.pyfunc
    import numpy as np
    from pyspark.sql.functions import struct

    from standpunt.models import pyfunc
    from standpunt.models.loading import resolve_model
    from standpunt.pipelines.core.labels import LABELS

    saved = tmp_path / "pyfunc"
    mlflow.pyfunc.save_model(
        str(saved),
        python_model=str(ROOT / "models" / "pyfunc.py"),
        artifacts={"model_dir": str(tiny_model)},
        signature=pyfunc.signature(LABELS),
    )
    texts = [
        "Ik deel uw conclusie niet.",
        "Het rapport is verschenen.",
        "Ik herken de knelpunten en zal bezien wat nodig is.",
    ]
    table = spark.createDataFrame([(n, t) for n, t in enumerate(texts)], ["n", "text"])
    result_type = "label string, " + ", ".join(f"{label} double" for label in LABELS)
    stance = mlflow.pyfunc.spark_udf(spark, str(saved), env_manager="local", result_type=result_type)
    rows = table.withColumn("stance", stance(struct("text"))).select("n", "stance.*").orderBy("n").collect()
    expected = resolve_model(str(tiny_model)).predict(texts)
    assert [row["label"] for row in rows] == expected.labels
    got = np.array([[row[label] for label in LABELS] for row in rows])
    assert np.abs(got - expected.in_order(LABELS)).max() < 1e-5
