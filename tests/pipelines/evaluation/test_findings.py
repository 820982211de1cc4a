"""Finding-level scores and evidence accuracy on the seed letter, whose
pushback finding has a marked evidence sentence."""

import numpy as np

from standpunt.pipelines.core.labels import LABELS
from standpunt.pipelines.evaluation.findings import cue_files_beside, finding_scores, read_cues
from standpunt.pipelines.predict_config import load_predict_config
from tests.conftest import CORPUS

RULE = load_predict_config().summary.finding_rule


def one_hot(labels):
    return np.array([[float(label == name) for name in LABELS] for label in labels])


def test_cue_files_are_found_beside_the_data():
    assert [p.name for p in cue_files_beside(CORPUS / "real.jsonl")] == ["cues.jsonl"]
    assert [p.name for p in cue_files_beside(CORPUS / "real_batch6.jsonl")] == ["cues_batch6.jsonl", "cues.jsonl"]


def test_gold_labels_score_one_and_evidence_follows_the_sentence_scores(seed_record):
    cues = read_cues(cue_files_beside(CORPUS / "real.jsonl"))
    gold = [p["label"] for p in seed_record["paragraphs"]]
    marked = {s for (letter, _), sentences in cues.items() if letter == seed_record["id"] for s in sentences}

    def prefer(cue_sentences: bool):
        def score(sentences, stance):
            rows = []
            for sentence in sentences:
                hit = any(sentence.strip() in m or m in sentence.strip() for m in marked)
                strength = 0.9 if hit == cue_sentences else 0.1
                rows.append({label: strength for label in LABELS})
            return rows

        return score

    right = finding_scores([seed_record], gold, one_hot(gold), RULE, prefer(True), cues)
    wrong = finding_scores([seed_record], gold, one_hot(gold), RULE, prefer(False), cues)
    assert right["macro_f1"] == 1.0 and right["evidence_findings"] > 0
    assert right["evidence_accuracy"] == 1.0
    assert wrong["evidence_accuracy"] < 1.0


def test_a_missed_stance_is_a_wrong_finding_and_wrong_evidence(seed_record):
    cues = read_cues(cue_files_beside(CORPUS / "real.jsonl"))
    predicted = ["none"] * len(seed_record["paragraphs"])
    result = finding_scores(
        [seed_record],
        predicted,
        one_hot(predicted),
        RULE,
        lambda s, stance: [{name: 0.5 for name in LABELS}] * len(s),
        cues,
    )
    assert result["evidence_accuracy"] == 0.0
    assert result["macro_f1"] < 0.5
