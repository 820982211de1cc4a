import json

import pytest

from standpunt.pipelines.evaluation.minimal_pairs import pair_outcomes, pair_texts, pairs_passed, read_pairs
from tests.conftest import ROOT


def write_pairs(path, rows):
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n\n", encoding="utf-8")


def test_a_pair_passes_only_when_both_sides_are_right(tmp_path):
    path = tmp_path / "pairs.jsonl"
    write_pairs(
        path,
        [
            {"rule": "negation", "a": {"text": "Ik deel uw conclusie.", "label": "agree"},
             "b": {"text": "Ik deel uw conclusie niet.", "label": "pushback"}},
            {"rule": "herken", "a": {"text": "Ik herken het beeld.", "label": "acknowledge"},
             "b": {"text": "Ik herken het beeld niet.", "label": "pushback"}},
        ],
    )  # fmt: skip
    pairs = read_pairs(path)
    assert pair_texts(pairs) == [
        "Ik deel uw conclusie.",
        "Ik deel uw conclusie niet.",
        "Ik herken het beeld.",
        "Ik herken het beeld niet.",
    ]
    labels = ["agree", "pushback", "acknowledge", "acknowledge"]
    assert pair_outcomes(pairs, labels) == [(True, ("agree", "pushback")), (False, ("acknowledge", "acknowledge"))]
    assert pairs_passed(pairs, labels) == 1
    # a model that labels every text the same passes no pair whose sides differ
    assert pairs_passed(pairs, ["pushback"] * 4) == 0
    with pytest.raises(ValueError, match="3 labels for 2 pairs"):
        pair_outcomes(pairs, labels[:3])


def test_a_broken_line_names_its_file_and_line(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"rule": "x", "a": {"text": "t", "label": "none"}}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"pairs\.jsonl:1: not a minimal pair"):
        read_pairs(path)


def test_the_bundled_pair_sets_read_and_every_pair_flips_its_label():
    for path in sorted((ROOT / "data" / "robustness").glob("*.jsonl")):
        pairs = read_pairs(path)
        assert pairs, path
        assert all(pair.labels[0] != pair.labels[1] for pair in pairs), path
