"""The Spark schema of what the executors return: one row a letter, with
its paragraphs nested in it, so a batch is computed once and then split
into the two tables (letters, paragraphs) that predict writes as JSONL.

Field for field the same as the JSONL lines (docs/outputs.md): structs for
objects, arrays for lists, null where a line has no such key, so a Parquet
row read back with pyarrow is the JSONL record (pipelines/batch/tables.py)."""

from __future__ import annotations

from pyspark.sql.types import (
    ArrayType,
    BinaryType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
)

from standpunt.pipelines.core.labels import LABELS

METADATA_FIELDS = ("date", "subject", "sender", "auditor", "addressee")


def _struct(fields: list[tuple[str, object]]) -> StructType:
    return StructType([StructField(name, kind, True) for name, kind in fields])


PARAGRAPH = _struct(
    [
        ("letter", StringType()),
        ("source", StringType()),
        ("paragraph", IntegerType()),
        ("text", StringType()),
        ("spans", ArrayType(ArrayType(IntegerType()))),
        ("heading", StringType()),
        ("label", StringType()),
        ("scores", _struct([(label, DoubleType()) for label in LABELS])),
        ("model", StringType()),
    ]
)

EVIDENCE = _struct(
    [
        ("paragraph", IntegerType()),
        ("sentence", StringType()),
        ("score", DoubleType()),
        ("paragraph_score", DoubleType()),
    ]
)

FINDING = _struct(
    [
        ("heading", StringType()),
        ("paragraphs", ArrayType(IntegerType())),
        ("stance", StringType()),
        ("evidence", EVIDENCE),
    ]
)

LETTER_FIELDS = [
    ("letter", StringType()),
    ("source", StringType()),
    ("status", StringType()),
    ("reason", StringType()),
    ("error", StringType()),
    ("metadata", _struct([(name, StringType()) for name in METADATA_FIELDS])),
    ("n_paragraphs", IntegerType()),
    ("counts", _struct([(label, IntegerType()) for label in LABELS])),
    ("findings", ArrayType(FINDING)),
    ("warnings", ArrayType(StringType())),
]

# What executor.classify_partition yields: a letter with its paragraphs.
LETTER_WITH_PARAGRAPHS = _struct(LETTER_FIELDS + [("paragraphs", ArrayType(PARAGRAPH))])

# What executor.classify_partition reads: binaryFile's columns that it needs.
FILE_ROW = StructType(
    [
        StructField("path", StringType(), False),
        StructField("length", LongType(), False),
        StructField("content", BinaryType(), True),
    ]
)
