"""Each letter scored by a model that never trained on it."""

from __future__ import annotations

import numpy as np
import pytest

from standpunt.models.prediction import Prediction
from standpunt.models.unseen_scores import Scorer, UnseenTransformer, folder_transformer
from standpunt.pipelines.core.labels import LABELS


def constant(index: int, calls: list):
    """A predict that gives every text all its probability on LABELS[index], and logs its calls."""

    def predict(texts: list[str]) -> Prediction:
        calls.append(list(texts))
        scores = np.zeros((len(texts), len(LABELS)))
        scores[:, index] = 1.0
        return Prediction.from_scores(scores, tuple(LABELS))

    return predict


def test_each_letter_goes_to_the_first_model_that_did_not_train_on_it():
    calls: list = []
    unseen = UnseenTransformer(
        [
            Scorer("model", constant(0, calls), frozenset({"a", "b", "c"})),
            Scorer("fold0", constant(1, calls), frozenset({"b", "c"})),
            Scorer("fold1", constant(2, calls), frozenset({"a"})),
        ]
    )
    scores = unseen.scores(["x1", "x2", "x3", "x4", "x5"], ["a", "b", "d", "a", "c"])
    # a: fold0; b, c: fold1; d: the model itself
    assert [LABELS[i] for i in scores.argmax(axis=1)] == ["acknowledge", "pushback", "agree", "acknowledge", "pushback"]
    assert calls == [["x3"], ["x1", "x4"], ["x2", "x5"]]  # one call per model, texts in order
    assert unseen.letters_by_scorer(["a", "b", "c", "d", "a"]) == {"model": 1, "fold0": 1, "fold1": 2}


def test_a_letter_every_model_trained_on_is_refused_by_name():
    unseen = UnseenTransformer.held_out(constant(0, []), {"a"})
    assert not unseen.can_score("a") and unseen.can_score("b")
    assert unseen.letters_by_scorer(["a", "b"]) == {"model": 1}
    with pytest.raises(ValueError, match="letter a: every transformer given trained on it"):
        unseen.scores(["x", "y"], ["b", "a"])


def test_a_folder_s_models_load_only_when_a_letter_needs_them(tmp_path):
    from standpunt.models.model_folder import ModelFolder

    for path, trained in (
        (tmp_path, ["a", "b"]),
        (tmp_path / "folds" / "fold0", ["b"]),
        (tmp_path / "folds" / "fold1", ["a"]),
    ):
        ModelFolder(path).write_metrics({"dataset": {"train": {"letter_ids": trained}}})
    (tmp_path / "folds" / "notes").mkdir()  # not a fold model
    loaded: list = []

    class Loaded:
        def __init__(self, path):
            loaded.append(path.name)
            self.predict = constant(3, [])

    unseen = folder_transformer(tmp_path, Loaded)
    assert [s.name for s in unseen.scorers] == ["model", "fold0", "fold1"]
    unseen.scores(["x", "y", "z"], ["a", "a", "a"])
    unseen.scores(["x"], ["a"])
    assert loaded == ["fold0"]  # once, and neither the model itself nor fold1
