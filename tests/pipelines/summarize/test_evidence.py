"""The evidence pass: only each finding's shortlisted sentences are scored, once."""

from __future__ import annotations

import numpy as np

from standpunt.models.loading import Predictor
from standpunt.models.prediction import Prediction
from standpunt.pipelines.core.labels import LABELS
from standpunt.pipelines.summarize.evidence import evidence_scorer


def recording_predictor(shortlist=None):
    scored: list[list[str]] = []

    def score(texts: list[str]) -> Prediction:
        scored.append(list(texts))
        rows = np.array([[0.1, 0.1, 0.7 if "niet" in t else 0.2, 0.1] for t in texts], dtype=np.float32)
        return Prediction.from_scores(rows / rows.sum(axis=1, keepdims=True))

    return Predictor("fake", "folder", None, score, None, score, shortlist), scored


def first_and_last(candidates, size):
    return [
        [0, len(sentences) - 1] if len(sentences) > size else list(range(len(sentences))) for sentences, _ in candidates
    ]


def test_only_shortlisted_sentences_are_scored_and_each_once():
    predictor, scored = recording_predictor(first_and_last)
    a = ["Eerste zin.", "Ik deel dit niet.", "Laatste zin."]
    b = ["Eerste zin.", "Nog een."]
    score = evidence_scorer(predictor, [(a, "pushback"), (b, "agree")], 2)
    # one pass, every shortlisted sentence once (the shared first sentence too)
    assert scored == [sorted({"Eerste zin.", "Laatste zin.", "Nog een."})]
    rows = score(a, "pushback")
    assert rows[1] is None and rows[0] is not None and rows[2] is not None
    assert all(row is not None for row in score(b, "agree"))
    assert len(scored) == 1  # asking for a prepared candidate scores nothing more


def test_without_a_shortlist_every_sentence_is_scored():
    predictor, scored = recording_predictor(first_and_last)
    a = ["Eerste zin.", "Ik deel dit niet.", "Laatste zin."]
    rows = evidence_scorer(predictor, [(a, "pushback")], None)(a, "pushback")
    assert all(row is not None for row in rows) and scored == [sorted(a)]
    plain, scored = recording_predictor()  # a model without a cue model (a baseline) has no shortlist either
    assert all(row is not None for row in evidence_scorer(plain, [(a, "pushback")], 2)(a, "pushback"))
    assert rows[1][LABELS[2]] > rows[0][LABELS[2]]


def test_a_candidate_not_prepared_is_scored_when_asked():
    predictor, scored = recording_predictor(first_and_last)
    score = evidence_scorer(predictor, [], 2)
    rows = score(["Een.", "Twee.", "Drie."], "agree")
    assert rows[1] is None and scored == [["Drie.", "Een."]]


def test_the_predictors_evidence_ranker_chooses_among_the_scored_sentences():
    from standpunt.models.evidence_ranker import FEATURES

    predictor, _ = recording_predictor()
    sentences = ["U constateert dat het toezicht tekortschiet.", "Ik deel die conclusie.", "Tot slot."]
    rows = [{"agree": 0.7}, {"agree": 0.5}, None]
    assert predictor.choose_evidence(sentences, "agree", rows) == (0, 0.7)  # no ranker: the probability
    weights = np.zeros(len(FEATURES))
    weights[0], weights[FEATURES.index("sender's voice")] = 1.0, 2.0
    predictor._evidence_weights = weights
    assert predictor.choose_evidence(sentences, "agree", rows) == (1, 0.5)
