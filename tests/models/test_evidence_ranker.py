"""The evidence ranker: which sentence of a stance paragraph is shown as its
evidence, learnt from the annotators' marked sentences."""

from __future__ import annotations

import numpy as np

from standpunt.models.evidence_ranker import (
    FEATURES,
    RankingUnit,
    choose_evidence,
    fit_conditional_logit,
    fit_evidence_ranker,
    ranking_units,
    sentence_features,
    shortlisted,
)
from standpunt.pipelines.core.labels import LABELS

RESTATED = "U constateert dat het toezicht tekortschiet."
ANSWERED = "Ik deel die conclusie niet."
CLOSING = "Dit licht ik hieronder toe."


def test_features_count_positions_over_the_whole_paragraph_and_flag_voices():
    x = sentence_features([RESTATED, ANSWERED, CLOSING], np.array([0.6, 0.5, 0.0]), np.array([0.3, 0.1, 0.0]))
    assert x.shape == (3, len(FEATURES))
    column = {name: x[:, i] for i, name in enumerate(FEATURES)}
    assert column["first"].tolist() == [1, 0, 0] and column["last"].tolist() == [0, 0, 1]
    assert column["relative position"].tolist() == [0.0, 0.5, 1.0]
    assert column["names the auditor"][0] == 1 and column["sender's voice"].tolist() == [0, 1, 1]
    assert np.isfinite(column["log stance probability"]).all()  # a probability of 0 is floored, not -inf
    assert np.isfinite(column["log none probability"]).all()
    assert column["log none probability"][0] > column["log none probability"][1]


def test_a_ranker_weighing_none_prefers_the_sentence_that_takes_a_stance():
    """A restated finding and the answer to it can share the stance's
    probability; the restatement reads more as "none"."""
    sentences = [RESTATED, ANSWERED]
    rows = [
        {"pushback": 0.45, "none": 0.50, "agree": 0.03, "acknowledge": 0.02},
        {"pushback": 0.40, "none": 0.05, "agree": 0.50, "acknowledge": 0.05},
    ]
    weights = np.zeros(len(FEATURES))
    weights[0], weights[FEATURES.index("log none probability")] = 1.0, -1.0
    assert choose_evidence(sentences, "pushback", rows, weights)[0] == 1
    assert choose_evidence(sentences, "pushback", rows)[0] == 0  # by the stance probability alone


def test_without_a_ranker_the_most_probable_scored_sentence_is_chosen():
    rows = [{"pushback": 0.9}, None, {"pushback": 0.4}]
    assert choose_evidence([ANSWERED, RESTATED, CLOSING], "pushback", rows) == (0, 0.9)
    assert choose_evidence([ANSWERED, CLOSING], "pushback", [None, None]) is None


def test_a_ranker_weighing_the_senders_voice_prefers_the_answer_to_the_restatement():
    sentences = [RESTATED, ANSWERED]
    rows = [{"pushback": 0.7}, {"pushback": 0.5}]
    weights = np.zeros(len(FEATURES))
    weights[0], weights[FEATURES.index("sender's voice")] = 1.0, 2.0
    index, probability = choose_evidence(sentences, "pushback", rows, weights)
    assert (index, probability) == (1, 0.5)  # the chosen sentence's own probability is reported
    # a sentence that was not scored (outside the shortlist) is never chosen, whatever its features
    assert choose_evidence(sentences, "pushback", [rows[0], None], weights)[0] == 0


def synthetic_units(n_letters: int = 30) -> tuple[list[RankingUnit], list[np.ndarray], list[np.ndarray]]:
    """Units where the marked sentence is always the one in the sender's
    voice, and the combination slightly prefers the restatement."""
    units, combined, cue = [], [], []
    j = LABELS.index("pushback")
    for n in range(n_letters):
        sentences = [RESTATED, ANSWERED] if n % 2 else [ANSWERED, RESTATED]
        gold = np.array([s == ANSWERED for s in sentences], dtype=float)
        units.append(RankingUnit(f"letter-{n}", "pushback", sentences, gold))
        scores = np.full((2, len(LABELS)), 0.1)
        scores[:, j] = np.where(gold > 0, 0.55, 0.65)
        scores[:, LABELS.index("none")] = 0.2
        combined.append(scores)
        cue.append(scores.copy())
    return units, combined, cue


def test_the_ranker_learns_what_the_annotators_mark_and_reports_it_cross_fitted():
    units, combined, cue = synthetic_units()
    weights, report = fit_evidence_ranker(units, combined, cue, shortlist=2)
    assert weights[FEATURES.index("sender's voice")] > 0
    chosen = report["marked_sentence_chosen"]
    assert set(chosen) == {"top 2", "top 3", "all"} and report["shortlist"] == 2
    assert chosen["top 2"]["ranker"] == 1.0 and chosen["top 2"]["stance_probability"] == 0.0
    assert report["paragraphs"] == 30 and report["letters"] == 30 and report["sentences"] == 60


def test_conditional_logit_shares_the_target_among_several_marked_sentences():
    blocks = [np.array([[1.0], [1.0], [0.0]])] * 5
    golds = [np.array([1.0, 1.0, 0.0])] * 5
    assert fit_conditional_logit(blocks, golds)[0] > 0


def test_shortlist_keeps_the_cue_models_top_sentences_in_text_order():
    assert shortlisted(np.array([0.1, 0.9, 0.5, 0.7]), 2).tolist() == [1, 3]
    assert shortlisted(np.array([0.1, 0.9]), 3).tolist() == [0, 1]
    assert shortlisted(np.array([0.1, 0.9, 0.5]), None).tolist() == [0, 1, 2]


def test_units_are_stance_paragraphs_of_several_sentences_with_a_marked_one():
    texts = [f"{RESTATED} {ANSWERED}", f"{RESTATED} {ANSWERED}", ANSWERED, f"{RESTATED} {ANSWERED}"]
    labels = ["pushback", "none", "pushback", "pushback"]
    keys = [("a", 0), ("a", 1), ("a", 2), ("b", 0)]
    cues = {("a", 0): [ANSWERED], ("a", 1): [ANSWERED], ("a", 2): [ANSWERED], ("b", 0): ["Iets anders."]}
    units = ranking_units(texts, labels, ["a", "a", "a", "b"], keys, cues)
    assert len(units) == 1 and units[0].gold.tolist() == [0.0, 1.0]
