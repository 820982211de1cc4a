"""The SparkSession `standpunt spark-predict` runs on when the caller has
none (the command line): under spark-submit, the cluster's; otherwise a
local one."""

from __future__ import annotations

import os
import sys


def build_session(master: str | None = None, app_name: str = "standpunt spark-predict"):
    """getOrCreate with `master` (None: spark-submit's --master, else
    local[*]). A local master runs its Python workers on this interpreter,
    the one standpunt is installed in, unless PYSPARK_PYTHON says otherwise
    (Spark would take the first `python3` on PATH, which may lack the packages)."""
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    if (master or SparkConf().get("spark.master", "local[*]")).startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # read by SparkContext when it starts
    return builder.getOrCreate()
