"""The transformer + rule-book combination: what it learns, what it saves,
and that every loader applies it."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from standpunt.models.combination import Combination, Paragraphs, fit_combination
from standpunt.models.model_folder import COMBINATION
from standpunt.models.prediction import Prediction
from standpunt.pipelines.core.labels import LABELS

AGREE = "Ik deel uw conclusie over {}."
PUSHBACK = "Ik deel uw conclusie over {} niet."
NONE = "Het rapport over {} is op {} verschenen."
ACKNOWLEDGE = "Ik herken de knelpunten bij {} en zal bezien wat nodig is."
TOPICS = [
    "subsidies",
    "de vergunningen",
    "het toezicht",
    "de inkoop",
    "de ICT",
    "de jeugdzorg",
    "het onderwijs",
    "de dijken",
    "de belastingen",
    "de toeslagen",
    "de zorg",
    "de politie",
]


def corpus() -> Paragraphs:
    texts, labels, letters = [], [], []
    for n, topic in enumerate(TOPICS):
        for template, label in ((AGREE, "agree"), (PUSHBACK, "pushback"), (NONE, "none"), (ACKNOWLEDGE, "acknowledge")):
            texts.append(template.format(topic, n + 1))
            labels.append(label)
            letters.append(f"letter-{n}")
    return Paragraphs(texts, labels, letters)


def blind_transformer(texts: list[str]) -> Prediction:
    """A transformer that knows nothing: uniform scores."""
    scores = np.full((len(texts), len(LABELS)), 1 / len(LABELS), dtype=np.float32)
    return Prediction([LABELS[0]] * len(texts), scores)


def test_fit_combination_learns_from_the_cue_model_where_the_transformer_is_blind():
    real = corpus()
    combination, report = fit_combination(blind_transformer, real, trained_letters={"letter-0", "letter-1"}, folds=5)
    assert report["heldout_letters"] == len(TOPICS) - 2
    assert report["transformer"]["macro_f1"] < 0.3
    assert report["combination"]["macro_f1"] > 0.9
    prediction = combination.combine(
        ["Ik deel uw conclusie over de musea.", "Ik deel uw conclusie over de musea niet."],
        blind_transformer(["a", "b"]).scores,
    )
    assert prediction.labels == ["agree", "pushback"]
    assert np.allclose(prediction.scores.sum(axis=1), 1.0, atol=1e-5)


def test_fit_combination_refuses_when_the_transformer_saw_nearly_every_letter():
    real = corpus()
    with pytest.raises(ValueError, match="did not train on"):
        fit_combination(blind_transformer, real, trained_letters=set(real.letters[:-8]), folds=5)


def test_saved_combination_gives_the_same_scores(tmp_path):
    real = corpus()
    combination, _ = fit_combination(blind_transformer, real, trained_letters=set(), folds=5)
    combination.save(tmp_path)
    loaded = Combination.load(tmp_path)
    texts = [
        "Ik ben het niet eens met de conclusie over de musea.",
        "Het rapport is verschenen.",
        "Ik herken de knelpunten.",
    ]
    transformer = np.random.RandomState(0).dirichlet(np.ones(len(LABELS)), size=len(texts))
    assert (
        np.abs(loaded.combine(texts, transformer).scores - combination.combine(texts, transformer).scores).max() < 1e-6
    )
    assert loaded.temperature == combination.temperature
    assert Combination.load(tmp_path / "elsewhere") is None


@pytest.mark.parametrize("backend", ["torch", "onnx"])
def test_a_model_folder_with_a_combination_predicts_combined_scores(tiny_model, tmp_path, backend):
    from standpunt.models.identity import weights_sha256
    from standpunt.models.loading import resolve_model

    folder = tmp_path / "model"
    shutil.copytree(tiny_model, folder)
    texts = ["Ik deel uw conclusie over de musea niet.", "Het rapport over de musea is verschenen."]
    plain = resolve_model(str(folder), backend=backend).predict(texts)
    plain_sha = weights_sha256(folder)
    combination, _ = fit_combination(blind_transformer, corpus(), trained_letters=set(), folds=5)
    combination.save(folder)
    assert (folder / COMBINATION).exists()
    combined = resolve_model(str(folder), backend=backend).predict(texts)
    assert np.abs(combined.scores - combination.combine(texts, plain.scores).scores).max() < 1e-5
    assert combined.labels[0] == "pushback"
    assert weights_sha256(folder) != plain_sha  # the run manifest names the combination too
