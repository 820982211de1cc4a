"""The numpy cue scorer gives scikit-learn's scores for the same fitted model."""

from __future__ import annotations

import numpy as np

from standpunt.models.baselines import HybridBaseline
from standpunt.models.cue_scorer import CueScorer

TRAIN = [
    ("Ik deel uw conclusie over de subsidies.", "agree"),
    ("Ik deel uw conclusie over de subsidies niet.", "pushback"),
    ("Het rapport is op 3 mei verschenen.", "none"),
    ("Ik herken de knelpunten en zal bezien wat nodig is.", "acknowledge"),
    ("Wij onderschrijven de aanbevelingen en voeren ze uit.", "agree"),
    ("De cijfers in uw rapport zijn onjuist; dat beeld herken ik niet.", "pushback"),
]


def test_cue_scorer_matches_scikit_learn():
    hybrid = HybridBaseline().fit([t for t, _ in TRAIN], [label for _, label in TRAIN])
    scorer = CueScorer(*hybrid.state())
    texts = [
        "Ik deel de conclusie over de subsidies NIET.",
        "Ik herken de knelpunten knelpunten.",
        "Geen enkel bekend woord: xyz.",
        "",
        "Nee. De cijfers zijn onjuist; ik deel uw conclusie niet.",
        "Het rapport over de subsidies is verschenen op 4 juni.",
    ]
    expected, got = hybrid.predict(texts), scorer.predict(texts)
    assert np.abs(expected.scores - got.scores).max() < 1e-6
    assert got.labels == expected.labels


def test_a_label_the_cue_model_never_saw_scores_zero():
    hybrid = HybridBaseline().fit(
        ["Ik deel uw conclusie.", "Ik deel uw conclusie niet.", "Het rapport is verschenen."],
        ["agree", "pushback", "none"],
    )
    scores = CueScorer(*hybrid.state()).predict(["Ik herken de knelpunten."]).scores
    assert scores[0, 1] == 0.0 and abs(float(scores.sum()) - 1.0) < 1e-5
