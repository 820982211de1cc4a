"""The installed distribution adds one top-level import name, `standpunt`:
`models`, `pipelines`, `train` and `evaluate` are names other projects use
(Hugging Face's `evaluate` among them)."""

import subprocess
import sys
import zipfile

from tests.conftest import ROOT


def test_wheel_installs_only_the_standpunt_namespace(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("standpunt-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"standpunt"}
    assert "standpunt/pipelines/cli.py" in names and "standpunt/models/trainer.py" in names
    assert "standpunt/pipelines/core/labels.py" in names  # the core ships inside the namespace
