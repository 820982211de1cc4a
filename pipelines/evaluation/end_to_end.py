"""Scoring from the raw letter text: segment with the project's segmenter,
classify what it found, and carry each gold paragraph's label over from the
predicted paragraph that matches it best. Shows what a user gets, segmentation
mistakes included."""

from __future__ import annotations

from dataclasses import dataclass

from standpunt.pipelines.alignment import FOUND_F1, best_matches, score_segmentation
from standpunt.pipelines.segment import segment_text

LABEL_F1 = 0.5
MISSED = "missed"


@dataclass
class EndToEnd:
    gold: list[str]
    predicted: list[str]  # label of the matched paragraph, or "missed"
    letters: list[str]
    segmentation_recall: float
    segmentation_precision: float
    gold_paragraphs: int
    predicted_paragraphs: int


def end_to_end(records: list[dict], predict) -> EndToEnd:
    """`predict(texts) -> labels` is called once on every segmented paragraph."""
    segmented = [[p.text for p in segment_text(r["text"])] for r in records]
    flat = [text for texts in segmented for text in texts]
    labels = list(predict(flat)) if flat else []
    gold, predicted, letters = [], [], []
    total = None
    offset = 0
    for record, texts in zip(records, segmented):
        mine = labels[offset : offset + len(texts)]
        offset += len(texts)
        gold_texts = [p["text"] for p in record["paragraphs"]]
        score = score_segmentation(gold_texts, texts, FOUND_F1)
        total = score if total is None else total + score
        for paragraph, (index, f1) in zip(record["paragraphs"], best_matches(gold_texts, texts)):
            gold.append(paragraph["label"])
            predicted.append(mine[index] if index is not None and f1 >= LABEL_F1 else MISSED)
            letters.append(record["id"])
    return EndToEnd(gold, predicted, letters, total.recall, total.precision, total.gold, total.predicted)
