"""The annotated corpus: validated records -> datasets.Dataset of paragraphs,
split by letter.

Every record is checked against data/corpus/README.md before anything trains
or scores on it, because one shifted span silently teaches the model the
wrong words. Splits are by letter (paragraphs of one letter share wording)
and synthetic letters never reach dev (no score is ever reported on them)."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

from standpunt.pipelines.core.errors import CorpusError
from standpunt.pipelines.core.labels import LABELS
from standpunt.pipelines.core.paths import project_path
from standpunt.pipelines.core.text import fold

SOURCES = ("real", "synthetic")
_REQUIRED = {"id": str, "source": str, "text": str, "paragraphs": list}
_OPTIONAL = {
    "source_url": (str, type(None)),
    "title": (str, type(None)),
    "date": (str, type(None)),
    "sender": (str, type(None)),
    "auditor": (str, type(None)),
    "complete": (bool, type(None)),
}
_PARAGRAPH_REQUIRED = {"text": str, "spans": list, "label": str}


def validate_record(record: object, path: str, line: int) -> dict:
    """Return the record if it keeps every invariant, else raise CorpusError."""
    if not isinstance(record, dict):
        raise CorpusError(path, line, f"expected a JSON object, got {type(record).__name__}")
    for key, kind in _REQUIRED.items():
        if key not in record:
            raise CorpusError(path, line, f"missing field '{key}'")
        if not isinstance(record[key], kind):
            raise CorpusError(path, line, f"field '{key}' must be {kind.__name__}, got {type(record[key]).__name__}")
    for key, kinds in _OPTIONAL.items():
        if key in record and not isinstance(record[key], kinds):
            raise CorpusError(path, line, f"field '{key}' has type {type(record[key]).__name__}")
    if not record["id"].strip():
        raise CorpusError(path, line, "empty 'id'")
    if record["source"] not in SOURCES:
        raise CorpusError(
            path, line, f"letter {record['id']}: source '{record['source']}' is not one of {', '.join(SOURCES)}"
        )
    text = record["text"]
    previous_end = 0
    for number, paragraph in enumerate(record["paragraphs"]):
        where = f"letter {record['id']} paragraph {number}"
        if not isinstance(paragraph, dict):
            raise CorpusError(path, line, f"{where}: expected an object")
        for key, kind in _PARAGRAPH_REQUIRED.items():
            if key not in paragraph:
                raise CorpusError(path, line, f"{where}: missing field '{key}'")
            if not isinstance(paragraph[key], kind):
                raise CorpusError(path, line, f"{where}: field '{key}' must be {kind.__name__}")
        if paragraph["label"] not in LABELS:
            raise CorpusError(
                path, line, f"{where}: unknown label '{paragraph['label']}' (expected one of {', '.join(LABELS)})"
            )
        heading = paragraph.get("heading")
        if heading is not None and not isinstance(heading, str):
            raise CorpusError(path, line, f"{where}: 'heading' must be a string or null")
        spans = paragraph["spans"]
        if not spans:
            raise CorpusError(path, line, f"{where}: no spans")
        for span in spans:
            if (
                not isinstance(span, list)
                or len(span) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in span)
            ):
                raise CorpusError(path, line, f"{where}: span {span!r} is not a pair of integers")
            start, end = span
            if not 0 <= start < end <= len(text):
                raise CorpusError(
                    path, line, f"{where}: span [{start}, {end}] lies outside the text (length {len(text)})"
                )
            if start < previous_end:
                raise CorpusError(
                    path,
                    line,
                    f"{where}: span [{start}, {end}] overlaps or precedes the previous span (ends at {previous_end})",
                )
            previous_end = end
        joined = fold(" ".join(text[a:b] for a, b in spans))
        if joined != fold(paragraph["text"]):
            cut = next(
                (i for i, (x, y) in enumerate(zip(joined, fold(paragraph["text"]))) if x != y),
                min(len(joined), len(fold(paragraph["text"]))),
            )
            raise CorpusError(
                path,
                line,
                f"{where}: text does not match its spans (first difference at character {cut}: "
                f"spans give {joined[cut : cut + 30]!r}, text has {fold(paragraph['text'])[cut : cut + 30]!r})",
            )
    return record


def json_lines(path: str | Path):
    """(line number, parsed value) of every non-blank line of a JSONL file.
    Raises CorpusError naming the file (and line) when it is missing, not
    UTF-8 or holds a line that is not JSON."""
    path = Path(path)
    shown = str(path)
    if not path.exists():
        raise CorpusError(shown, 0, "file does not exist")
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(shown, 0, f"not UTF-8: {exc.reason} at byte {exc.start}") from exc
    for number, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CorpusError(shown, number, f"invalid JSON: {exc.msg} (column {exc.colno})") from exc
        yield number, value


def read_records(path: str | Path) -> list[dict]:
    """All records of a corpus file, validated. Raises CorpusError on the first bad one."""
    shown = str(path)
    records: list[dict] = []
    seen: dict[str, int] = {}
    for number, record in json_lines(path):
        validate_record(record, shown, number)
        if record["id"] in seen:
            raise CorpusError(
                shown, number, f"duplicate letter id '{record['id']}' (first on line {seen[record['id']]})"
            )
        seen[record["id"]] = number
        records.append(record)
    if not records:
        raise CorpusError(shown, 0, "no records (empty file)")
    return records


def read_edits(path: str | Path) -> list[dict]:
    """Training-only edits of real paragraphs (data/corpus/counterfactual.jsonl:
    `origin_letter`, `text`, `label` a line), text folded like corpus paragraphs.
    An edit may only train beside the letter it was made from: wherever that
    letter is held out, so is the edit. Raises CorpusError on the first bad line."""
    shown = str(path)
    edits = []
    for number, row in json_lines(path):
        if not isinstance(row, dict):
            raise CorpusError(shown, number, "an edit must be a JSON object")
        for key in ("origin_letter", "text", "label"):
            if not isinstance(row.get(key), str) or not row[key].strip():
                raise CorpusError(shown, number, f"'{key}' must be a non-empty string")
        if row["label"] not in LABELS:
            raise CorpusError(shown, number, f"unknown label '{row['label']}' (expected one of {', '.join(LABELS)})")
        edits.append({"origin_letter": row["origin_letter"], "text": fold(row["text"]), "label": row["label"]})
    if not edits:
        raise CorpusError(shown, 0, "no edits (empty file)")
    return edits


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def paragraph_rows(records: list[dict], file_name: str = "") -> list[dict]:
    """One row a paragraph, with what training and error analysis need."""
    rows = []
    for record in records:
        for index, paragraph in enumerate(record["paragraphs"]):
            rows.append(
                {
                    "letter": record["id"],
                    "paragraph": index,
                    "text": fold(paragraph["text"]),
                    "heading": paragraph.get("heading"),
                    "label": paragraph["label"],
                    "source": record["source"],
                    "sender": record.get("sender"),
                    "auditor": record.get("auditor"),
                    "date": record.get("date"),
                    "file": file_name,
                }
            )
    return rows


def to_dataset(rows: list[dict]):
    """rows -> datasets.Dataset with a ClassLabel `label_id` next to `label`."""
    from datasets import ClassLabel, Dataset, Features, Value

    features = Features(
        {
            "letter": Value("string"),
            "paragraph": Value("int32"),
            "text": Value("string"),
            "heading": Value("string"),
            "label": Value("string"),
            "source": Value("string"),
            "sender": Value("string"),
            "auditor": Value("string"),
            "date": Value("string"),
            "file": Value("string"),
            "label_id": ClassLabel(names=list(LABELS)),
        }
    )
    data = {key: [row[key] for row in rows] for key in features if key != "label_id"}
    data["label_id"] = [LABELS.index(row["label"]) for row in rows]
    return Dataset.from_dict(data, features=features)


def _rarest_label(record: dict) -> int:
    present = {p["label"] for p in record["paragraphs"]}
    # pushback is rarest in real letters, then acknowledge, agree, none.
    for rank, label in enumerate(("pushback", "acknowledge", "agree", "none")):
        if label in present:
            return rank
    return 4


def _shuffled_strata(records: list[dict], seed: int) -> list[list[dict]]:
    """The real letters grouped by the rarest label each holds (rarest group
    first), each group shuffled by `seed`: what the dev split and the folds
    deal from, so both see every label. Independent of file order."""
    real = sorted((r for r in records if r["source"] == "real"), key=lambda r: r["id"])
    rng = random.Random(seed)
    groups: dict[int, list[dict]] = {}
    for record in real:
        groups.setdefault(_rarest_label(record), []).append(record)
    for rank in sorted(groups):
        rng.shuffle(groups[rank])
    return [groups[rank] for rank in sorted(groups)]


def split_letters(records: list[dict], dev_fraction: float, seed: int) -> tuple[list[dict], list[dict]]:
    """Real letters split into train/dev by letter, stratified by the rarest
    label a letter holds so that dev sees every label; synthetic letters all
    go to train. Deterministic for a seed and independent of file order."""
    if not 0.0 < dev_fraction < 1.0:
        raise ValueError(f"dev_fraction must lie between 0 and 1, got {dev_fraction}")
    synthetic = [r for r in records if r["source"] != "real"]
    train, dev = [], []
    for group in _shuffled_strata(records, seed):
        n_dev = round(len(group) * dev_fraction)
        dev.extend(group[:n_dev])
        train.extend(group[n_dev:])
    return train + synthetic, dev


@dataclass
class CorpusSplits:
    train: object  # datasets.Dataset
    dev: object
    train_letters: list[str]
    dev_letters: list[str]
    files: dict[str, str]  # file name -> sha256


def fold_letters(records: list[dict], folds: int, seed: int) -> list[list[dict]]:
    """Real letters dealt into `folds` folds by letter, stratified like
    split_letters (by the rarest label a letter holds) so every fold sees
    every label; synthetic letters go to no fold (they only ever train).
    Deterministic for a seed and independent of file order."""
    if folds < 2:
        raise ValueError(f"folds must be at least 2, got {folds}")
    dealt: list[list[dict]] = [[] for _ in range(folds)]
    for position, record in enumerate(r for group in _shuffled_strata(records, seed) for r in group):
        dealt[position % folds].append(record)
    return dealt


def _read_split_files(real_files, synthetic_files) -> tuple[list[dict], list[dict], dict[str, str], dict[str, str]]:
    """(real records, synthetic records, letter id -> file name, file name -> sha256).
    Files listed as synthetic must hold only synthetic letters and the other
    way round, so nothing is mixed up."""
    real_records, synthetic_records, files = [], [], {}
    for path in real_files:
        records = read_records(path)
        for record in records:
            if record["source"] != "real":
                raise CorpusError(
                    str(path), 0, f"letter {record['id']} is synthetic but the file is listed as real data"
                )
        real_records += [(r, Path(path).name) for r in records]
        files[Path(path).name] = file_sha256(path)
    for path in synthetic_files:
        records = read_records(path)
        synthetic_records += [(r, Path(path).name) for r in records if r["source"] == "synthetic"]
        files[Path(path).name] = file_sha256(path)
    origin = {r["id"]: name for r, name in real_records + synthetic_records}
    return [r for r, _ in real_records], [r for r, _ in synthetic_records], origin, files


def _splits(train_records: list[dict], dev_records: list[dict], origin: dict, files: dict) -> CorpusSplits:
    def rows(records):
        out = []
        for record in records:
            out += paragraph_rows([record], origin[record["id"]])
        return out

    return CorpusSplits(
        train=to_dataset(rows(train_records)),
        dev=to_dataset(rows(dev_records)),
        train_letters=[r["id"] for r in train_records],
        dev_letters=[r["id"] for r in dev_records],
        files=files,
    )


def load_splits(
    real_files: list[str | Path],
    synthetic_files: list[str | Path] = (),
    dev_fraction: float = 0.3,
    seed: int = 13,
) -> CorpusSplits:
    """Train/dev datasets of paragraphs, split by letter (split_letters)."""
    real, synthetic, origin, files = _read_split_files(real_files, synthetic_files)
    train_records, dev_records = split_letters(real + synthetic, dev_fraction, seed)
    return _splits(train_records, dev_records, origin, files)


def load_folds(
    real_files: list[str | Path],
    synthetic_files: list[str | Path] = (),
    folds: int = 5,
    seed: int = 13,
) -> tuple[CorpusSplits, list[CorpusSplits]]:
    """(everything, folds) for cross-fitted training: `everything` trains on
    every letter and has every real letter as its dev set (to be scored out
    of fold); fold k trains on the real letters of the other folds plus the
    synthetic ones and has fold k's real letters as its dev set."""
    real, synthetic, origin, files = _read_split_files(real_files, synthetic_files)
    dealt = fold_letters(real, folds, seed)
    by_fold = [
        _splits([r for j, part in enumerate(dealt) if j != k for r in part] + synthetic, dealt[k], origin, files)
        for k in range(folds)
    ]
    everything = [r for part in dealt for r in part]
    return _splits(everything + synthetic, everything, origin, files), by_fold


def train_split_paragraphs(files: list[str | Path], dev_fraction: float, seed: int) -> tuple[list[str], list[str]]:
    """Texts and labels of the training letters of the split of these corpus
    files (names resolved by project_path), without building a datasets.Dataset:
    baselines need only the two lists."""
    records = []
    for name in files:
        records += read_records(project_path(name))
    train, _ = split_letters(records, dev_fraction, seed)
    rows = paragraph_rows(train)
    return [row["text"] for row in rows], [row["label"] for row in rows]
