"""Per letter: findings (paragraphs grouped under their heading), each with
a stance and the sentence that carries it.

This is what an analyst reads: "under 'Beheersing beslistermijnen' the
minister pushed back, in these words"."""

from __future__ import annotations

from dataclasses import dataclass

from standpunt.models.evidence_ranker import choose_evidence
from standpunt.pipelines.core.labels import LABELS
from standpunt.pipelines.core.text import split_sentences
from standpunt.pipelines.predict_config import FindingRule


@dataclass
class LabelledParagraph:
    index: int
    text: str
    heading: str | None
    label: str
    scores: dict[str, float]


def group_findings(paragraphs: list[LabelledParagraph]) -> list[list[LabelledParagraph]]:
    """Consecutive paragraphs under the same heading form one finding; the
    paragraphs before the first heading form a group of their own."""
    groups: list[list[LabelledParagraph]] = []
    for paragraph in paragraphs:
        if groups and groups[-1][0].heading == paragraph.heading:
            groups[-1].append(paragraph)
        else:
            groups.append([paragraph])
    return groups


def finding_stance(paragraphs: list[LabelledParagraph], rule: FindingRule) -> str:
    for label in rule.order:
        threshold = float(rule.min_probability.get(label, 0.0))
        if any(p.label == label and p.scores.get(label, 0.0) >= threshold for p in paragraphs):
            return label
    return "none"


def strongest_paragraph(group: list[LabelledParagraph], stance: str) -> LabelledParagraph:
    """The paragraph of a finding that carries its stance most strongly: the
    evidence comes from it."""
    return max((p for p in group if p.label == stance), key=lambda p: p.scores.get(stance, 0.0))


def evidence_candidates(paragraphs: list[LabelledParagraph], rule: FindingRule) -> list[tuple[list[str], str]]:
    """The (sentences, stance) that summarize_letter may ask to have scored,
    one pair a stance finding, so a batch run can score the sentences of many
    letters in one classifier pass."""
    out = []
    for group in group_findings(paragraphs):
        stance = finding_stance(group, rule)
        if stance != "none":
            sentences = split_sentences(strongest_paragraph(group, stance).text)
            if len(sentences) > 1:  # a one-sentence paragraph is its own evidence: nothing to score
                out.append((sentences, stance))
    return out


def summarize_letter(
    paragraphs: list[LabelledParagraph], rule: FindingRule, score_sentences=None, choose=choose_evidence
) -> dict:
    """Findings with stance and evidence, and label counts.

    `score_sentences(sentences, stance) -> list[dict[label, prob] | None]`
    scores a finding's candidate sentences (None: a sentence it left out,
    never the evidence) and `choose(sentences, stance, rows) -> (index,
    probability) | None` picks among them (default: the highest probability;
    Predictor.choose_evidence: the model's evidence ranker); without
    `score_sentences` the evidence is the deciding paragraph's first sentence."""
    findings = []
    for group in group_findings(paragraphs):
        stance = finding_stance(group, rule)
        finding = {
            "heading": group[0].heading,
            "paragraphs": [p.index for p in group],
            "stance": stance,
            "evidence": None,
        }
        if stance != "none":
            best = strongest_paragraph(group, stance)
            sentences = split_sentences(best.text) or [best.text]
            paragraph_score = float(best.scores.get(stance, 0.0))
            scored = score_sentences(sentences, stance) if score_sentences is not None and len(sentences) > 1 else None
            chosen = choose(sentences, stance, scored) if scored is not None else None
            if chosen is not None:
                sentence, score = sentences[chosen[0]], chosen[1]
            else:
                sentence, score = sentences[0], paragraph_score
            finding["evidence"] = {
                "paragraph": best.index,
                "sentence": sentence,
                "score": round(score, 4),
                "paragraph_score": round(paragraph_score, 4),
            }
        findings.append(finding)
    counts = {label: sum(1 for p in paragraphs if p.label == label) for label in LABELS}
    return {"counts": counts, "findings": findings}
