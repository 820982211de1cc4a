from __future__ import annotations

import json

import pytest

from standpunt.pipelines.core.corpus import (
    fold_letters,
    load_folds,
    load_splits,
    read_edits,
    read_records,
    split_letters,
)
from standpunt.pipelines.core.errors import CorpusError
from standpunt.pipelines.core.labels import LABELS
from tests.conftest import CORPUS

GOOD = {
    "id": "t1",
    "source": "real",
    "source_url": None,
    "title": "t",
    "date": "2020-01-01",
    "sender": "Minister",
    "auditor": "Algemene Rekenkamer",
    "complete": True,
    "text": "Kop\n\nIk deel uw conclusie.\n\nIk neem de aanbeveling\n\nniet over.",
    "paragraphs": [
        {"text": "Ik deel uw conclusie.", "spans": [[5, 26]], "heading": "Kop", "label": "agree", "note": ""},
        {
            "text": "Ik neem de aanbeveling niet over.",
            "spans": [[28, 50], [52, 62]],
            "heading": "Kop",
            "label": "pushback",
            "note": "",
        },
    ],
}


def write(tmp_path, records, name="c.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r) if not isinstance(r, str) else r for r in records) + "\n", encoding="utf-8")
    return path


def broken(**changes):
    record = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        if key.startswith("p0_"):
            record["paragraphs"][0][key[3:]] = value
        elif key.startswith("p1_"):
            record["paragraphs"][1][key[3:]] = value
        else:
            record[key] = value
    return record


def test_bundled_corpus_is_valid():
    assert len(read_records(CORPUS / "real.jsonl")) == 119
    assert len(read_records(CORPUS / "real_batch6.jsonl")) == 186
    assert len(read_records(CORPUS / "synthetic.jsonl")) == 60
    assert len(read_records(CORPUS / "synthetic_genres.jsonl")) == 50


def test_every_bundled_real_file_is_valid_and_no_letter_is_in_two():
    # A gathered batch joins the corpus as its own file; a letter counted twice would straddle folds.
    ids = [r["id"] for path in sorted(CORPUS.glob("real*.jsonl")) for r in read_records(path)]
    assert len(ids) == len(set(ids)) >= 1431


def test_good_record_passes(tmp_path):
    assert read_records(write(tmp_path, [GOOD]))[0]["id"] == "t1"


@pytest.mark.parametrize(
    "record, cause",
    [
        (broken(p0_label="agreed"), "unknown label 'agreed'"),
        (broken(p0_spans=[[5, 25]]), "text does not match its spans"),
        (broken(p0_spans=[[5, 999]]), "outside the text"),
        (broken(p1_spans=[[20, 50], [52, 62]]), "overlaps or precedes"),
        (broken(p1_spans=[[52, 62], [28, 50]]), "overlaps or precedes"),
        (broken(p0_spans=[]), "no spans"),
        (broken(p0_spans=[[5.0, 26]]), "not a pair of integers"),
        (broken(source="made-up"), "source 'made-up'"),
        ({k: v for k, v in GOOD.items() if k != "text"}, "missing field 'text'"),
        (broken(paragraphs="none"), "field 'paragraphs' must be list"),
        ("{not json", "invalid JSON"),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_broken_record_is_rejected_with_file_and_line(tmp_path, record, cause):
    path = write(tmp_path, [GOOD | {"id": "ok"}, record])
    with pytest.raises(CorpusError) as info:
        read_records(path)
    assert str(info.value).startswith(f"{path}:2: ")
    assert cause in str(info.value)


def test_empty_file_and_duplicate_ids(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(CorpusError, match="empty file"):
        read_records(empty)
    with pytest.raises(CorpusError, match=r":2: duplicate letter id 't1'"):
        read_records(write(tmp_path, [GOOD, GOOD]))


def test_splits_by_letter_deterministic_and_synthetic_only_in_train():
    splits = load_splits([CORPUS / "real.jsonl"], [CORPUS / "synthetic.jsonl"], dev_fraction=0.3, seed=7)
    assert not set(splits.train_letters) & set(splits.dev_letters)
    assert set(splits.dev["letter"]) == set(splits.dev_letters)
    assert set(splits.dev["source"]) == {"real"}
    assert "synthetic" in set(splits.train["source"])
    assert set(splits.dev["label"]) == set(LABELS)  # stratified: every label in dev
    again = load_splits([CORPUS / "real.jsonl"], [CORPUS / "synthetic.jsonl"], dev_fraction=0.3, seed=7)
    assert again.dev_letters == splits.dev_letters
    other = load_splits([CORPUS / "real.jsonl"], [], dev_fraction=0.3, seed=8)
    assert other.dev_letters != splits.dev_letters
    assert len(splits.files) == 2 and all(len(h) == 64 for h in splits.files.values())


def test_split_does_not_depend_on_file_order():
    records = read_records(CORPUS / "real.jsonl")
    _, dev_a = split_letters(records, 0.3, 1)
    _, dev_b = split_letters(list(reversed(records)), 0.3, 1)
    assert sorted(r["id"] for r in dev_a) == sorted(r["id"] for r in dev_b)


def test_folds_hold_every_real_letter_once_each_with_every_label():
    records = read_records(CORPUS / "real.jsonl") + read_records(CORPUS / "synthetic.jsonl")
    dealt = fold_letters(records, 5, 13)
    ids = [r["id"] for fold in dealt for r in fold]
    assert sorted(ids) == sorted(r["id"] for r in records if r["source"] == "real")  # no synthetic, none twice
    assert max(map(len, dealt)) - min(map(len, dealt)) <= 1
    for fold in dealt:  # stratified by the rarest label: pushback letters in every fold
        assert {p["label"] for r in fold for p in r["paragraphs"]} == set(LABELS)
    again = fold_letters(list(reversed(records)), 5, 13)
    assert [sorted(r["id"] for r in fold) for fold in again] == [sorted(r["id"] for r in fold) for fold in dealt]
    with pytest.raises(ValueError, match="at least 2"):
        fold_letters(records, 1, 13)


def test_load_folds_trains_each_fold_without_its_own_letters():
    everything, folds = load_folds([CORPUS / "real.jsonl"], [CORPUS / "synthetic.jsonl"], 4, 13)
    real = {r["id"] for r in read_records(CORPUS / "real.jsonl")}
    synthetic = {r["id"] for r in read_records(CORPUS / "synthetic.jsonl")}
    assert set(everything.train_letters) == real | synthetic and set(everything.dev_letters) == real
    assert [letter for fold in folds for letter in fold.dev_letters] == everything.dev_letters  # out-of-fold order
    assert list(everything.dev["text"]) == [text for fold in folds for text in fold.dev["text"]]
    for fold in folds:
        assert set(fold.train_letters) == (real - set(fold.dev_letters)) | synthetic
        assert set(fold.dev["letter"]) == set(fold.dev_letters)


def test_synthetic_letter_in_a_real_file_is_refused(tmp_path):
    path = write(tmp_path, [broken(source="synthetic")])
    with pytest.raises(CorpusError, match="synthetic but the file is listed as real"):
        load_splits([path])


def test_bundled_edits_are_valid_and_name_real_letters():
    edits = read_edits(CORPUS / "counterfactual.jsonl")
    letters = {r["id"] for name in ("real.jsonl", "real_batch6.jsonl") for r in read_records(CORPUS / name)}
    assert len(edits) > 100 and {e["origin_letter"] for e in edits} <= letters


@pytest.mark.parametrize(
    "line, cause",
    [
        ('{"origin_letter": "a", "text": "Ik deel dit niet.", "label": "disagree"}', "unknown label 'disagree'"),
        ('{"origin_letter": "a", "label": "pushback"}', "'text' must be a non-empty string"),
        ('{"origin_letter": "", "text": "x", "label": "none"}', "'origin_letter' must be a non-empty string"),
        ("[1]", "must be a JSON object"),
        ("{oops", "invalid JSON"),
    ],
)
def test_broken_edit_is_rejected_with_file_and_line(tmp_path, line, cause):
    path = tmp_path / "edits.jsonl"
    path.write_text('{"origin_letter": "a", "text": "Ik  deel\\nuw conclusie.", "label": "agree"}\n' + line + "\n")
    with pytest.raises(CorpusError) as info:
        read_edits(path)
    assert str(info.value).startswith(f"{path}:2: ") and cause in str(info.value)
    path.write_text(path.read_text().splitlines()[0] + "\n")
    assert read_edits(path) == [{"origin_letter": "a", "text": "Ik deel uw conclusie.", "label": "agree"}]
