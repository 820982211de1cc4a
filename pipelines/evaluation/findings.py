"""Scores at the level analysts read: findings, and the sentence shown as
evidence for each.

A gold finding takes its stance from the gold paragraphs by the same rule
`standpunt predict` uses (configs/predict.yaml, summary.finding_rule), with
each gold label at probability 1. The predicted finding groups the same
paragraphs and applies the rule to the model's labels and scores. Evidence is
right when the predicted finding has the gold stance and its evidence
sentence is one the annotators marked as carrying that stance (cues files:
two blind passes, union)."""

from __future__ import annotations

import json
from pathlib import Path

from standpunt.models.evidence_ranker import choose_evidence, is_cue
from standpunt.pipelines.core.labels import LABELS
from standpunt.pipelines.core.text import fold
from standpunt.pipelines.predict_config import FindingRule
from standpunt.pipelines.summarize.letter import LabelledParagraph, summarize_letter


def read_cues(paths: list[Path]) -> dict[tuple[str, int], list[str]]:
    """(letter, paragraph) -> the sentences that carry its label."""
    cues: dict[tuple[str, int], list[str]] = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                cues[(row["id"], row["paragraph"])] = [fold(row["sentences"][i]) for i in row["cues"]]
    return cues


def cue_files_beside(data: Path) -> list[Path]:
    """cues.jsonl for real.jsonl, cues_<name>.jsonl for real_<name>.jsonl, in the data file's folder."""
    name = Path(data).stem
    candidates = ["cues.jsonl"] if name == "real" else [f"cues_{name.removeprefix('real_')}.jsonl", "cues.jsonl"]
    return [Path(data).parent / c for c in candidates if (Path(data).parent / c).exists()]


def finding_scores(
    records: list[dict],
    labels: list[str],
    scores,
    rule: FindingRule,
    score_sentences,
    cues: dict[tuple[str, int], list[str]],
    choose=choose_evidence,
) -> dict:
    """Finding-level macro-F1 and evidence accuracy over gold paragraphs.

    `labels`/`scores` are the model's, in the order of the records'
    paragraphs; `score_sentences` and `choose` score and pick candidate
    evidence sentences as predict does (summarize_letter)."""
    from standpunt.models.metrics import classification_metrics

    gold_stances, predicted_stances = [], []
    with_cues = correct = 0
    position = 0
    for record in records:
        gold_paragraphs, predicted_paragraphs = [], []
        for index, paragraph in enumerate(record["paragraphs"]):
            gold = paragraph["label"]
            gold_paragraphs.append(
                LabelledParagraph(
                    index,
                    paragraph["text"],
                    paragraph.get("heading"),
                    gold,
                    {label: float(label == gold) for label in LABELS},
                )
            )
            row = scores[position]
            predicted_paragraphs.append(
                LabelledParagraph(
                    index,
                    paragraph["text"],
                    paragraph.get("heading"),
                    labels[position],
                    {label: float(row[j]) for j, label in enumerate(LABELS)},
                )
            )
            position += 1
        gold_findings = summarize_letter(gold_paragraphs, rule)["findings"]
        predicted_findings = summarize_letter(predicted_paragraphs, rule, score_sentences, choose)["findings"]
        for gold_finding, predicted in zip(gold_findings, predicted_findings):
            gold_stances.append(gold_finding["stance"])
            predicted_stances.append(predicted["stance"])
            if gold_finding["stance"] == "none":
                continue
            carriers = [
                i
                for i in gold_finding["paragraphs"]
                if record["paragraphs"][i]["label"] == gold_finding["stance"] and (record["id"], i) in cues
            ]
            if not carriers:
                continue
            with_cues += 1
            evidence = predicted["evidence"]
            if predicted["stance"] == gold_finding["stance"] and evidence is not None:
                correct += int(is_cue(evidence["sentence"], cues.get((record["id"], evidence["paragraph"]), [])))
    metrics = classification_metrics(gold_stances, predicted_stances)
    return {
        "n_findings": len(gold_stances),
        "macro_f1": metrics["macro_f1"],
        "accuracy": metrics["accuracy"],
        "per_label": metrics["per_label"],
        "evidence_accuracy": (correct / with_cues) if with_cues else None,
        "evidence_findings": with_cues,
    }
