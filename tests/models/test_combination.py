"""The transformer + rule-book combination: what it learns, what it saves,
and that every loader applies it."""

from __future__ import annotations

import dataclasses
import shutil

import numpy as np
import pytest

from standpunt.models.combination import (
    Combination,
    CueGate,
    Paragraphs,
    choose_gate_threshold,
    fit_combination,
    fold_cue_models,
    settle_by_rule_book,
)
from standpunt.models.model_folder import COMBINATION
from standpunt.models.prediction import Prediction
from standpunt.models.temperature import scale_scores
from standpunt.models.unseen_scores import UnseenTransformer
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
    combination, report = fit_combination(
        UnseenTransformer.held_out(blind_transformer, {"letter-0", "letter-1"}), real, folds=5
    )
    assert report["heldout_letters"] == len(TOPICS) - 2
    assert report["transformer"]["macro_f1"] < 0.3
    assert report["combination"]["macro_f1"] > 0.9
    prediction = combination.combine(
        ["Ik deel uw conclusie over de musea.", "Ik deel uw conclusie over de musea niet."],
        blind_transformer(["a", "b"]).scores,
    )
    assert prediction.labels == ["agree", "pushback"]
    assert np.allclose(prediction.scores.sum(axis=1), 1.0, atol=1e-5)


def test_fold_cue_models_fitted_once_give_the_same_combination():
    """combine fits the fold cue models once for paragraphs and sentences;
    handed in, they must be the ones fit_combination would fit itself."""
    real = corpus()
    edits = Paragraphs(["Ik deel uw conclusie over de subsidies niet."], ["pushback"], ["letter-0"])
    unseen = UnseenTransformer.held_out(blind_transformer, set())
    models = fold_cue_models(real, edits, folds=5)
    assert sorted(n for _, rows in models for n in rows) == list(range(len(real.texts)))
    own, own_report = fit_combination(unseen, real, edits, folds=5)
    given, given_report = fit_combination(unseen, real, edits, folds=5, cue_models=models)
    assert given_report["combination_scores"] == own_report["combination_scores"]
    np.testing.assert_array_equal(given.weights, own.weights)


def test_fit_combination_refuses_when_the_transformer_saw_nearly_every_letter():
    real = corpus()
    with pytest.raises(ValueError, match="did not train on"):
        fit_combination(UnseenTransformer.held_out(blind_transformer, set(real.letters[:-8])), real, folds=5)


def test_saved_combination_gives_the_same_scores(tmp_path):
    real = corpus()
    combination, _ = fit_combination(UnseenTransformer.held_out(blind_transformer, set()), real, folds=5)
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
    combination, _ = fit_combination(UnseenTransformer.held_out(blind_transformer, set()), corpus(), folds=5)
    combination.save(folder)
    assert (folder / COMBINATION).exists()
    combined = resolve_model(str(folder), backend=backend).predict(texts)
    assert np.abs(combined.scores - combination.combine(texts, plain.scores).scores).max() < 1e-5
    assert combined.labels[0] == "pushback"
    assert weights_sha256(folder) != plain_sha  # the run manifest names the combination too


def _gated_combination(threshold: float = 0.5, skip_temperature: float = 0.5) -> Combination:
    combination, _ = fit_combination(
        UnseenTransformer.held_out(blind_transformer, set()), corpus(), folds=5, gate=False
    )
    # a gate that leaves "none" to the cue model wherever it is at least `threshold` sure
    combination.gate = CueGate(np.eye(len(LABELS)), np.zeros(len(LABELS)), 1.0, threshold, skip_temperature)
    return combination


GATE_TEXTS = [
    "Ik deel uw conclusie over de musea niet.",
    "Het rapport over de musea is op 3 verschenen.",
    "Ik herken de knelpunten bij de musea en zal bezien wat nodig is.",
    "Het rapport over de archieven is op 4 verschenen.",
]


def test_the_gate_runs_the_transformer_only_where_the_cue_model_is_unsure():
    combination = _gated_combination()
    read = combination.needs_transformer(GATE_TEXTS)
    assert read.tolist() == [True, False, True, False]  # the two reports of publication are plainly "none"
    seen: list[list[str]] = []

    def transformer(texts: list[str], **kwargs) -> Prediction:
        seen.append(list(texts))
        return blind_transformer(texts)

    prediction = combination.wrap(transformer)(GATE_TEXTS)
    assert seen == [[GATE_TEXTS[0], GATE_TEXTS[2]]]
    assert prediction.labels == ["pushback", "none", "acknowledge", "none"]
    # the same scores as combining the transformer's scores of every text (skipped rows unused)
    full = combination.combine(GATE_TEXTS, blind_transformer(GATE_TEXTS).scores)
    assert np.abs(full.scores - prediction.scores).max() < 1e-9
    # a skipped paragraph's scores are the gate's, re-tempered: the label stays, the confidence changes
    gate = combination.gate
    own = gate.scores(combination.cue_model.predict([GATE_TEXTS[1]]).scores)
    assert np.allclose(prediction.scores[1], scale_scores(own, 0.5)[0])
    assert prediction.scores[1].max() > own.max()
    # a batch the gate skips entirely never calls the transformer
    seen.clear()
    assert combination.wrap(transformer)([GATE_TEXTS[1]]).labels == ["none"] and seen == []
    # without the gate (as evidence sentences are scored) it reads every text
    ungated = combination.wrap(transformer, gate=False)(GATE_TEXTS)
    assert seen == [GATE_TEXTS]
    without_gate = dataclasses.replace(combination, gate=None)
    expected = without_gate.combine(GATE_TEXTS, blind_transformer(GATE_TEXTS).scores).scores
    assert np.abs(ungated.scores - expected).max() < 1e-9


def test_a_gate_is_saved_and_loaded_with_its_combination(tmp_path):
    combination = _gated_combination(threshold=0.6)
    combination.save(tmp_path)
    loaded = Combination.load(tmp_path)
    assert loaded.gate.threshold == 0.6 and loaded.gate.skip_temperature == 0.5
    transformer = np.random.RandomState(1).dirichlet(np.ones(len(LABELS)), size=len(GATE_TEXTS))
    assert (
        np.abs(
            loaded.combine(GATE_TEXTS, transformer).scores - combination.combine(GATE_TEXTS, transformer).scores
        ).max()
        < 1e-9
    )
    # a combination written before gates existed loads without one
    combination.gate = None
    combination.save(tmp_path)
    assert Combination.load(tmp_path).gate is None


def test_the_gate_threshold_is_the_lowest_that_keeps_the_labels_and_the_macro_f1():
    labels = ["none"] * 6 + ["agree"] * 4
    full = np.eye(len(LABELS))[[LABELS.index(label) for label in labels]] * 0.7 + 0.075
    gate = np.full((10, len(LABELS)), 0.1)
    none = LABELS.index("none")
    # the gate is sure of the six "none" rows (0.9) and half sure of two "agree" rows (0.6)
    gate[:6, none] = 0.9
    gate[6:8, none] = 0.6
    gate[8:, none] = 0.2
    # at 0.55 the two agree rows would turn "none": 80% agreement, too few; 0.65 skips only the true "none" rows
    assert choose_gate_threshold(gate, full, labels) == 0.65
    # allowed 80% agreement, 0.3 would do, but the two lost "agree" rows cost macro-F1
    assert choose_gate_threshold(gate, full, labels, min_agreement=0.8) == 0.65
    # where even the highest threshold changes labels, there is no gate
    gate[:, none] = 0.95
    assert choose_gate_threshold(gate, full, labels) is None


def test_the_gate_may_cost_less_macro_f1_than_one_paragraph_of_the_rarest_label():
    from standpunt.models.combination import one_paragraph_of_macro_f1
    from standpunt.models.metrics import classification_metrics

    labels = ["none"] * 5 + ["acknowledge"] * 3 + ["agree"] * 2
    full = np.eye(len(LABELS))[[LABELS.index(label) for label in labels]] * 0.7 + 0.075
    gate = np.full((10, len(LABELS)), 0.1)
    none = LABELS.index("none")
    gate[:5, none] = 0.9
    gate[5, none] = 0.6  # half sure of one "acknowledge" row
    gate[6:, none] = 0.2
    # skipping that row loses one right "acknowledge": a real drop, but smaller than losing one of the two "agree"
    tolerance = one_paragraph_of_macro_f1(labels, labels)
    lost = (
        classification_metrics(labels, labels)["macro_f1"]
        - classification_metrics(labels, labels[:5] + ["none"] + labels[6:])["macro_f1"]
    )
    assert 0 < lost < tolerance
    # so the lowest threshold, which skips that row with the "none" rows, stands
    assert choose_gate_threshold(gate, full, labels, min_agreement=0.85) == 0.3
    # losing a right paragraph of the rarest label itself is not tolerated: only thresholds above it
    gate[5, none], gate[8, none] = 0.2, 0.6
    assert choose_gate_threshold(gate, full, labels, min_agreement=0.85) == 0.65


def test_the_evidence_shortlist_is_the_cue_models_top_sentences_for_the_stance():
    combination, _ = fit_combination(UnseenTransformer.held_out(blind_transformer, set()), corpus(), folds=5)
    sentences = [
        "Het rapport over de musea is op 3 verschenen.",
        "Ik deel uw conclusie over de musea niet.",
        "Ik herken de knelpunten bij de musea en zal bezien wat nodig is.",
    ]
    pushback, acknowledge, short = combination.shortlist(
        [(sentences, "pushback"), (sentences, "acknowledge"), (sentences[:2], "pushback")], 1
    )
    assert pushback == [1] and acknowledge == [2]
    assert short == [1]
    cue = combination.cue_model.predict(sentences).scores[:, LABELS.index("pushback")]
    assert combination.shortlist([(sentences, "pushback")], 2) == [sorted(np.argsort(-cue)[:2].tolist())]
    # a candidate no longer than the shortlist keeps every sentence
    assert combination.shortlist([(sentences[:2], "pushback")], 2) == [[0, 1]]


def test_fit_combination_reports_the_gate_it_chose():
    combination, report = fit_combination(UnseenTransformer.held_out(blind_transformer, set()), corpus(), folds=5)
    gate = report["gate"]
    # the transformer knows nothing here, so the gate may skip it wherever the cue model's labels stand
    assert gate["threshold"] is not None and combination.gate.threshold == gate["threshold"]
    assert gate["label_agreement"] >= 0.98 and gate["skipped_share"] > 0
    assert report["without_gate"]["macro_f1"] - report["combination"]["macro_f1"] < gate["macro_f1_tolerance"]
    _, ungated = fit_combination(UnseenTransformer.held_out(blind_transformer, set()), corpus(), folds=5, gate=False)
    assert ungated["gate"]["threshold"] is None and ungated["gate"]["skipped_share"] == 0.0


def test_evidence_sentences_are_scored_without_the_gate(tiny_model, tmp_path):
    from standpunt.models.loading import resolve_model
    from standpunt.models.onnx_backend import OnnxStanceModel

    folder = tmp_path / "model"
    shutil.copytree(tiny_model, folder)
    combination = _gated_combination(skip_temperature=3.0)  # skipped rows far less sure than the full stacker
    combination.save(folder)
    predictor = resolve_model(str(folder), backend="onnx")
    transformer = OnnxStanceModel(folder)
    gated = combination.wrap(transformer.predict)(GATE_TEXTS)
    full = combination.combine(GATE_TEXTS, transformer.predict(GATE_TEXTS).scores)
    assert np.abs(predictor.predict(GATE_TEXTS).scores - gated.scores).max() < 1e-5
    ungated = combination.wrap(transformer.predict, gate=False)(GATE_TEXTS)
    assert np.abs(predictor.score_evidence(GATE_TEXTS).scores - ungated.scores).max() < 1e-5
    without_gate = dataclasses.replace(combination, gate=None)
    expected = without_gate.combine(GATE_TEXTS, transformer.predict(GATE_TEXTS).scores).scores
    assert np.abs(ungated.scores - expected).max() < 1e-5
    assert np.abs(gated.scores - full.scores).max() < 1e-5
    assert np.abs(ungated.scores[[1, 3]] - gated.scores[[1, 3]]).min() > 1e-3  # the skipped rows differ


def _two_noisy_models(rows: int, seed: int = 0):
    """Two models' probabilities for rows of known labels: the first sure of
    agree and none, the second of acknowledge and pushback, each noisy."""
    rng = np.random.default_rng(seed)
    gold = rng.integers(0, len(LABELS), rows)
    strengths = (np.array([3.0, 0.2, 0.2, 3.0]), np.array([0.2, 3.0, 3.0, 0.2]))
    blocks = []
    for strength in strengths:
        logits = rng.normal(0, 1, (rows, len(LABELS)))
        logits[np.arange(rows), gold] += strength[gold]
        blocks.append(np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True))
    return blocks, [LABELS[g] for g in gold]


def test_diagonal_stacker_keeps_each_label_to_its_own_columns_and_learns_whom_to_trust():
    from standpunt.models.combination import fit_stacker, stacked_scores

    (first, second), labels = _two_noisy_models(800)
    weights, bias, temperature = fit_stacker(first, second, labels)
    assert weights.shape == (len(LABELS), 2 * len(LABELS))
    off_diagonal = np.ones_like(weights, dtype=bool)
    for j in range(len(LABELS)):
        off_diagonal[j, j] = off_diagonal[j, len(LABELS) + j] = False
    assert np.all(weights[off_diagonal] == 0.0)
    slopes_first, slopes_second = np.diag(weights[:, :4]), np.diag(weights[:, 4:])
    for label in ("agree", "none"):
        assert slopes_first[LABELS.index(label)] > slopes_second[LABELS.index(label)]
    for label in ("acknowledge", "pushback"):
        assert slopes_second[LABELS.index(label)] > slopes_first[LABELS.index(label)]
    (test_first, test_second), test_labels = _two_noisy_models(400, seed=1)
    combined = stacked_scores(test_first, test_second, weights, bias, temperature).argmax(axis=1)
    accuracy = np.mean([LABELS[i] == g for i, g in zip(combined, test_labels)])
    alone = max(
        np.mean([LABELS[i] == g for i, g in zip(scores.argmax(axis=1), test_labels)])
        for scores in (test_first, test_second)
    )
    assert accuracy > alone + 0.1


def test_diagonal_stacker_gradient_matches_finite_differences():
    from standpunt.models.combination import diagonal_objective, stack_features

    (first, second), labels = _two_noisy_models(200)
    blocks = stack_features(first, second).reshape(200, 2, len(LABELS))
    objective = diagonal_objective(blocks, np.array([LABELS.index(label) for label in labels]))
    theta = np.random.default_rng(3).normal(1.0, 0.3, 3 * len(LABELS))
    _, gradient = objective(theta)
    step = 1e-6
    numeric = np.array(
        [(objective(theta + step * e)[0] - objective(theta - step * e)[0]) / (2 * step) for e in np.eye(len(theta))]
    )
    assert np.abs(gradient).max() > 1e-3
    assert np.allclose(gradient, numeric, atol=1e-6)


def test_stacker_forms_and_the_report_names_the_one_used():
    from standpunt.models.combination import fit_stacker

    (first, second), labels = _two_noisy_models(300)
    full_weights, _, _ = fit_stacker(first, second, labels, form="full")
    assert np.count_nonzero(full_weights) > 2 * len(LABELS)
    with pytest.raises(ValueError, match="unknown stacker form"):
        fit_stacker(first, second, labels, form="diagonl")
    _, report = fit_combination(UnseenTransformer.held_out(blind_transformer, set()), corpus(), folds=5, stacker="full")
    assert report["stacker"] == "full"
    _, report = fit_combination(UnseenTransformer.held_out(blind_transformer, set()), corpus(), folds=5)
    assert report["stacker"] == "diagonal"


def test_an_evidence_ranker_is_saved_and_loaded_with_its_combination(tmp_path):
    from standpunt.models.evidence_ranker import FEATURES

    combination = _gated_combination(threshold=0.6)
    combination.evidence_weights = np.arange(len(FEATURES), dtype=float)
    combination.save(tmp_path)
    assert Combination.load(tmp_path).evidence_weights.tolist() == list(range(len(FEATURES)))
    combination.evidence_weights = None  # a combination written before the ranker chooses by probability
    combination.save(tmp_path)
    assert Combination.load(tmp_path).evidence_weights is None


def test_a_ranker_saved_before_a_feature_was_added_ranks_as_it_did(tmp_path):
    """Model folders combined before the "log none probability" feature keep
    their evidence: the new feature weighs 0 for them."""
    from standpunt.models.evidence_ranker import FEATURES, ranker_weights

    older = [name for name in FEATURES if name != "log none probability"]
    weights = ranker_weights(np.arange(1.0, len(older) + 1), older, tmp_path / "combination.safetensors")
    assert weights[FEATURES.index("log none probability")] == 0.0
    assert [weights[FEATURES.index(name)] for name in older] == list(np.arange(1.0, len(older) + 1))
    with pytest.raises(ValueError, match="combination.safetensors: evidence ranker over .*'tone'"):
        ranker_weights(np.ones(2), ["log stance probability", "tone"], tmp_path / "combination.safetensors")


def test_the_evidence_ranker_fits_the_same_fold_cue_models_when_none_are_handed_in():
    """combine hands fit_for_combination its fold cue models; called alone it
    must fit the same ones (fold_cue_models), or the ranker would learn from
    cue scores that predict never gives."""
    from standpunt.models.evidence_ranker import fit_for_combination

    plain = corpus()
    texts = [
        text if label == "none" else f"U schrijft over {TOPICS[n // 4]}. {text}"
        for n, (text, label) in enumerate(zip(plain.texts, plain.labels))
    ]
    real = Paragraphs(texts, plain.labels, plain.letters)
    keys = [(letter, n % 4) for n, letter in enumerate(real.letters)]
    cues = {key: [plain.texts[n]] for n, key in enumerate(keys) if real.labels[n] != "none"}
    unseen = UnseenTransformer.held_out(blind_transformer, set())
    combination, _ = fit_combination(unseen, real, folds=5)
    # an edit of a letter outside `real` trains no fold model (fold_cue_models drops it)
    foreign = Paragraphs(["Ik herken de knelpunten bij de musea niet."] * 6, ["pushback"] * 6, ["elsewhere"] * 6)
    own, own_report = fit_for_combination(combination, unseen, real, foreign, keys, cues, shortlist=None)
    given, given_report = fit_for_combination(
        combination, unseen, real, None, keys, cues, shortlist=None, cue_models=fold_cue_models(real, None, folds=5)
    )
    assert own_report["paragraphs"] == 3 * len(TOPICS)  # every stance paragraph, with its marked sentence
    np.testing.assert_array_equal(own, given)
    assert own_report == given_report


def test_the_rule_book_settles_what_it_decides_outright_and_leaves_the_rest():
    """A cause placed outside the sender is pushback even where the models
    read the agreement before it; a finding only attributed to the
    investigator is none; a plain agreement keeps the models' scores."""
    texts = [
        "Ik onderschrijf de bevinding dat de aangiften te laat zijn verwerkt. Dit is vooral het gevolg van de "
        "late aanlevering door werkgevers.",
        "De Inspectie concludeert dat het aantal zeer zwakke scholen verder is gedaald.",
        "Ik onderschrijf de bevinding dat de aangiften te laat zijn verwerkt.",
    ]
    scores = np.array([[0.8, 0.1, 0.05, 0.05], [0.6, 0.2, 0.1, 0.1], [0.8, 0.1, 0.05, 0.05]])
    settled = settle_by_rule_book(texts, scores)
    assert [LABELS[i] for i in settled.argmax(axis=1)] == ["pushback", "none", "agree"]
    assert np.allclose(settled.sum(axis=1), 1.0)
    assert np.allclose(settled[2], scores[2])
    assert settled[0, LABELS.index("agree")] == pytest.approx(0.4)  # the models' opinion is halved, not erased


def _imbalanced_noisy_models(rows: int, seed: int = 0):
    """Two weak models' probabilities for rows where three in four are none,
    as in real letters: a class-balanced stacker calls stances too often."""
    rng = np.random.default_rng(seed)
    gold = rng.choice(len(LABELS), size=rows, p=[0.1, 0.1, 0.05, 0.75])
    blocks = []
    for _ in range(2):
        logits = rng.normal(0, 1, (rows, len(LABELS)))
        logits[np.arange(rows), gold] += 1.0
        blocks.append(np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True))
    return blocks, [LABELS[g] for g in gold]


def test_label_log_prior_is_the_log_share_and_counts_an_unseen_label_once():
    from standpunt.models.combination import label_log_prior

    prior = label_log_prior(["none", "none", "none", "agree"])
    assert np.allclose(np.exp(prior), [0.25, 0.25, 0.25, 0.75])  # acknowledge and pushback: never seen, counted once
    assert prior[LABELS.index("none")] > prior[LABELS.index("agree")]


def test_prior_weight_moves_the_balanced_stacker_toward_the_real_shares_and_stays_calibrated():
    from standpunt.models.combination import fit_stacker, label_log_prior, stack_features, stacked_scores

    (first, second), labels = _imbalanced_noisy_models(3000)
    balanced = fit_stacker(first, second, labels)
    weighted = fit_stacker(first, second, labels, prior_weight=1.0)
    assert np.array_equal(balanced[0], weighted[0])  # the slopes are the balanced fit's
    assert np.allclose(weighted[1] - balanced[1], label_log_prior(labels))
    gold = np.array([LABELS.index(label) for label in labels])
    none = LABELS.index("none")
    calls, share_of_none = {}, {}
    for name, (weights, bias, temperature) in (("balanced", balanced), ("weighted", weighted)):
        scores = stacked_scores(first, second, weights, bias, temperature)
        calls[name] = int(np.sum(scores.argmax(axis=1) != none))
        share_of_none[name] = float(scores[:, none].mean())
    assert calls["balanced"] > 1.5 * np.sum(gold != none)  # stances called far more often than they occur
    assert calls["weighted"] < calls["balanced"]
    # what the scores say of none on average: far below its share when balanced, close to it at weight 1
    assert share_of_none["balanced"] < np.mean(gold == none) - 0.2
    assert abs(share_of_none["weighted"] - np.mean(gold == none)) < 0.05
    features = stack_features(first, second)
    assert not np.allclose(features @ weighted[0].T + weighted[1], features @ balanced[0].T + balanced[1])


def test_fit_combination_chooses_the_prior_weight_by_cross_validation_and_records_it():
    real = corpus()
    unseen = UnseenTransformer.held_out(blind_transformer, set())
    _, report = fit_combination(unseen, real, folds=5)
    prior = report["prior"]
    assert prior["weight"] in prior["candidates"]
    assert len(prior["weight_by_fold"]) == 5 and set(prior["weight_by_fold"]) <= set(prior["candidates"])
    assert prior["balanced_without_gate"]["macro_f1"] > 0.9
    fixed, fixed_report = fit_combination(unseen, real, folds=5, prior_weights=(0.0,))
    assert fixed_report["prior"]["weight"] == 0.0 and fixed_report["prior"]["weight_by_fold"] == [0.0] * 5
    assert fixed_report["without_gate"] == fixed_report["prior"]["balanced_without_gate"]
    _, weighted_report = fit_combination(unseen, real, folds=5, prior_weights=(0.5,))
    assert weighted_report["prior"]["weight"] == 0.5 and weighted_report["prior"]["balanced_without_gate"] is None


def test_fit_combination_holds_a_given_gate_threshold_and_records_the_rules_choice():
    real = corpus()
    unseen = UnseenTransformer.held_out(blind_transformer, set())
    _, chosen = fit_combination(unseen, real, folds=5)
    assert chosen["gate"]["rule_threshold"] == chosen["gate"]["threshold"]
    _, given = fit_combination(unseen, real, folds=5, gate_threshold=1.0)
    assert given["gate"]["threshold"] == 1.0 and given["gate"]["rule_threshold"] == chosen["gate"]["threshold"]
    # what the cue model alone gives "none" with certainty is all a threshold of 1 could spare
    assert given["gate"]["skipped_share"] <= chosen["gate"]["skipped_share"]
    _, ungated = fit_combination(unseen, real, folds=5, gate=False, gate_threshold=0.5)
    assert ungated["gate"]["threshold"] is None and ungated["gate"]["skipped_share"] == 0.0
