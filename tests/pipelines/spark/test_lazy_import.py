"""pyspark is an optional extra: nothing outside pipelines/spark/ imports
it, so `standpunt predict` starts as fast as before and runs without it."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_cli_and_predict_do_not_import_pyspark():
    code = (
        "import sys; import standpunt.pipelines.cli, "
        "standpunt.pipelines.batch.runner, standpunt.pipelines.report.html; "
        "print('pyspark' in sys.modules or 'py4j' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
