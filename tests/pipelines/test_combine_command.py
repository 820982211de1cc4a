"""`standpunt combine`: fits on the real letters the transformer never saw and
says clearly when it cannot tell which those are."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from standpunt.models.combination import Combination
from standpunt.models.model_folder import ModelFolder
from standpunt.pipelines.cli import main
from standpunt.pipelines.combine_command import EDIT_FILES, PAIR_FILES, read_extra, written_paragraphs
from tests.conftest import CORPUS, ROOT


def _model_copy(tiny_model, tmp_path, metrics: dict):
    folder = tmp_path / "model"
    shutil.copytree(tiny_model, folder)
    ModelFolder(folder).write_metrics(metrics)
    return folder


def _trained_on_first_letters(tiny_model, tmp_path, trained: int = 40):
    """A copy of the tiny model that records the first `trained` letters of
    the bundled real.jsonl as its training letters (the rest it never saw),
    and every letter id of that file."""
    from standpunt.pipelines.core.corpus import read_records

    letters = [r["id"] for r in read_records(CORPUS / "real.jsonl")]
    return _model_copy(tiny_model, tmp_path, {"dataset": {"train": {"letter_ids": letters[:trained]}}}), letters


def _config(tmp_path):
    config = yaml.safe_load((ROOT / "configs" / "default.yaml").read_text())
    config["data"]["real"] = [str(CORPUS / "real.jsonl")]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_combine_without_recorded_training_letters_is_a_one_line_error(tiny_model, tmp_path, capsys):
    folder = _model_copy(tiny_model, tmp_path, {"dataset": {"train": {"letters": 3}}})
    assert main(["combine", str(folder), "--config", str(_config(tmp_path)), "--extra"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "dataset.train.letter_ids" in err[0] and str(folder) in err[0]
    assert not ModelFolder(folder).combination_path.exists()


def test_combine_fits_on_unseen_letters_and_records_how_it_did(tiny_model, tmp_path, capsys):
    folder, letters = _trained_on_first_letters(tiny_model, tmp_path)
    assert main(["combine", str(folder), "--config", str(_config(tmp_path)), "--extra"]) == 0
    assert ModelFolder(folder).combination_path.exists()
    record = json.loads(ModelFolder(folder).metrics_path.read_text())["combination"]
    assert record["heldout_letters"] == len(letters) - 40
    # the tiny transformer is random: the cue model carries the combination past it
    assert record["combination"]["macro_f1"] > record["transformer"]["macro_f1"]
    assert 0.0 <= record["ece"] <= 1.0 and record["temperature"] > 0
    gate = record["gate"]
    assert gate["threshold"] is None or gate["label_agreement"] >= 0.98
    assert "without_gate" in record
    # the evidence ranker learnt from the annotators' marked sentences of the held-out letters
    evidence = record["evidence"]
    assert evidence["letters"] <= len(letters) - 40 and evidence["paragraphs"] >= evidence["letters"]
    assert set(evidence["marked_sentence_chosen"]) >= {"top 2", "top 3", "all"}
    assert Combination.load(folder).evidence_weights is not None
    # the rule book's minimal pairs trained the cue model: both sides of the 4 x 64 written pairs
    assert record["written_pairs"] == {"files": [p.name for p in PAIR_FILES], "texts": 512}
    # the stacker's prior weight: chosen by cross-validation, the choice per fold recorded
    assert record["prior"]["weight"] in record["prior"]["candidates"] and len(record["prior"]["weight_by_fold"]) == 5
    err = capsys.readouterr().err
    assert "evidence: on" in err and "stacker prior weight" in err


def test_combine_holds_a_given_prior_weight_and_refuses_one_outside_0_to_1(tiny_model, tmp_path, capsys):
    folder, _ = _trained_on_first_letters(tiny_model, tmp_path)
    config = str(_config(tmp_path))
    with pytest.raises(SystemExit) as stop:
        main(["combine", str(folder), "--config", config, "--extra", "--prior-weight", "1.5"])
    assert stop.value.code == 2
    assert "--prior-weight 1.5: must lie between 0 and 1" in capsys.readouterr().err
    assert not ModelFolder(folder).combination_path.exists()
    assert main(["combine", str(folder), "--config", config, "--extra", "--cues", "--prior-weight", "0"]) == 0
    prior = json.loads(ModelFolder(folder).metrics_path.read_text())["combination"]["prior"]
    assert prior["weight"] == 0.0 and prior["weight_by_fold"] == [0.0] * 5


def test_combine_holds_a_given_gate_threshold_and_refuses_one_outside_0_to_1(tiny_model, tmp_path, capsys):
    folder, _ = _trained_on_first_letters(tiny_model, tmp_path)
    config = str(_config(tmp_path))
    for bad, message in (
        (["--gate-threshold", "0"], "--gate-threshold 0.0: must lie above 0 and at most 1"),
        (["--gate-threshold", "0.5", "--no-gate"], "--gate-threshold and --no-gate: a threshold needs the gate"),
    ):
        with pytest.raises(SystemExit) as stop:
            main(["combine", str(folder), "--config", config, "--extra", *bad])
        assert stop.value.code == 2 and message in capsys.readouterr().err
    assert not ModelFolder(folder).combination_path.exists()
    assert main(["combine", str(folder), "--config", config, "--extra", "--cues", "--gate-threshold", "0.95"]) == 0
    gate = json.loads(ModelFolder(folder).metrics_path.read_text())["combination"]["gate"]
    assert gate["threshold"] == 0.95 and "rule_threshold" in gate
    assert "(given; the rule would choose" in capsys.readouterr().err


def test_combine_scores_a_cross_fitted_model_s_letters_with_its_fold_models(tiny_model, tmp_path, capsys):
    """A model trained on every letter leaves none for the stacker; its fold
    models, each trained without some letters, score those instead."""
    from standpunt.pipelines.core.corpus import read_records

    letters = [r["id"] for r in read_records(CORPUS / "real.jsonl")]
    folder = _model_copy(tiny_model, tmp_path, {"dataset": {"train": {"letter_ids": letters}}})
    config = str(_config(tmp_path))
    assert main(["combine", str(folder), "--config", config, "--extra", "--cues"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "only 0 real letters" in err[0] and "fold model" in err[0]
    half = len(letters) // 2
    for k, trained in enumerate((letters[half:], letters[:half])):
        shutil.copytree(tiny_model, folder / "folds" / f"fold{k}")
        ModelFolder(folder / "folds" / f"fold{k}").write_metrics({"dataset": {"train": {"letter_ids": trained}}})
    assert main(["combine", str(folder), "--config", config, "--extra"]) == 0
    record = json.loads(ModelFolder(folder).metrics_path.read_text())["combination"]
    assert record["heldout_letters"] == len(letters)
    assert record["scored_by"] == {"model": 0, "fold0": half, "fold1": len(letters) - half}
    assert record["evidence"]["letters"] > 0
    assert f"scored by fold0 {half}, fold1 {len(letters) - half}" in capsys.readouterr().err


def test_combine_without_cue_files_leaves_the_evidence_to_the_probability(tiny_model, tmp_path):
    folder, _ = _trained_on_first_letters(tiny_model, tmp_path)
    assert main(["combine", str(folder), "--config", str(_config(tmp_path)), "--extra", "--cues"]) == 0
    assert Combination.load(folder).evidence_weights is None
    assert "evidence" not in json.loads(ModelFolder(folder).metrics_path.read_text())["combination"]


def test_edits_from_several_files_keep_their_origin_letters(tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(
        json.dumps({"origin_letter": "L1", "text": "Ik deel uw conclusie niet.", "label": "pushback"}) + "\n"
    )
    second.write_text(
        json.dumps({"origin_letter": "L2", "text": "Ik deel uw conclusie.", "label": "agree"})
        + "\n"
        + json.dumps({"origin_letter": "L1", "text": "Ik herken het beeld.", "label": "acknowledge"})
        + "\n"
    )
    edits = read_extra([first, second])
    assert edits.letters == ["L1", "L2", "L1"] and edits.labels == ["pushback", "agree", "acknowledge"]
    assert EDIT_FILES == [CORPUS / "counterfactual.jsonl"]  # the default: the edits measured to help (README)


def test_written_pairs_train_in_every_fold_and_edits_only_beside_their_letter(tmp_path):
    from standpunt.models.combination import Paragraphs

    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        json.dumps(
            {
                "rule": "negated agreement",
                "a": {"text": "Ik deel  uw conclusie.", "label": "agree"},
                "b": {"text": "Ik deel uw conclusie\nniet.", "label": "pushback"},
            }
        )
        + "\n"
    )
    written = written_paragraphs([pairs])
    # both sides, white space folded like corpus text, from no letter
    assert written.texts == ["Ik deel uw conclusie.", "Ik deel uw conclusie niet."]
    assert written.labels == ["agree", "pushback"]
    edits = Paragraphs(["Ik herken het beeld."], ["acknowledge"], ["L9"])
    joined = edits.joined(written)
    # an edit of a letter outside the real letters would leak it; a written pair leaks nothing
    assert joined.from_letters({"L1"}).texts == written.texts
    assert joined.from_letters({"L9"}).texts == edits.texts + written.texts


def test_a_broken_pair_file_is_a_one_line_error_naming_it(tiny_model, tmp_path, capsys):
    folder, _ = _trained_on_first_letters(tiny_model, tmp_path)
    broken = tmp_path / "pairs.jsonl"
    broken.write_text('{"rule": "x"}\n')
    assert main(["combine", str(folder), "--config", str(_config(tmp_path)), "--extra", "--pairs", str(broken)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{broken}:1: not a minimal pair" in err[0]
    assert not ModelFolder(folder).combination_path.exists()
