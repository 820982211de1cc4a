from standpunt.pipelines.core.text import split_sentences
from standpunt.pipelines.predict_config import FindingRule
from standpunt.pipelines.summarize.letter import (
    LabelledParagraph,
    evidence_candidates,
    finding_stance,
    group_findings,
    summarize_letter,
)


def para(index, heading, label, p, text="Eerste zin. Tweede zin."):
    scores = {"agree": 0.0, "acknowledge": 0.0, "pushback": 0.0, "none": 0.0}
    scores[label] = p
    return LabelledParagraph(index, text, heading, label, scores)


def test_groups_by_heading_with_a_group_before_the_first_heading():
    paragraphs = [
        para(0, None, "none", 0.9),
        para(1, "A", "agree", 0.8),
        para(2, "A", "none", 0.9),
        para(3, "B", "agree", 0.7),
    ]
    assert [[p.index for p in g] for g in group_findings(paragraphs)] == [[0], [1, 2], [3]]


def test_finding_stance_rule_and_threshold():
    rule = FindingRule()
    assert finding_stance([para(0, "A", "agree", 0.9), para(1, "A", "pushback", 0.6)], rule) == "pushback"
    assert (
        finding_stance([para(0, "A", "agree", 0.9), para(1, "A", "pushback", 0.4)], rule) == "agree"
    )  # weak pushback does not count
    assert finding_stance([para(0, "A", "acknowledge", 0.5), para(1, "A", "none", 0.9)], rule) == "acknowledge"
    assert finding_stance([para(0, "A", "none", 0.9)], rule) == "none"
    strict = FindingRule(order=["agree", "pushback"], min_probability={"agree": 0.95, "pushback": 0.0})
    assert finding_stance([para(0, "A", "agree", 0.9), para(1, "A", "pushback", 0.3)], strict) == "pushback"


def test_evidence_is_the_strongest_sentence_for_the_stance():
    paragraphs = [
        para(0, "A", "pushback", 0.8, "Ik dank u. Ik deel uw oordeel niet. Tot slot."),
        para(1, "A", "none", 0.9),
        para(2, "A", "pushback", 0.6, "Een zwakkere. Ook niet eens."),
    ]

    def score(sentences, stance):
        return [{stance: 0.9 if "niet" in s else 0.1} for s in sentences]

    summary = summarize_letter(paragraphs, FindingRule(), score)
    [finding] = summary["findings"]
    assert finding["stance"] == "pushback" and finding["paragraphs"] == [0, 1, 2]
    # only the sentences of the paragraph that carries the stance most strongly compete
    assert finding["evidence"]["sentence"] == "Ik deel uw oordeel niet." and finding["evidence"]["paragraph"] == 0
    assert summary["counts"] == {"agree": 0, "acknowledge": 0, "pushback": 2, "none": 1}


def test_evidence_candidates_are_exactly_the_ones_summarize_asks_for():
    paragraphs = [
        para(0, "A", "pushback", 0.8, "Ik dank u. Ik deel uw oordeel niet."),
        para(1, "B", "agree", 0.9, "Wij nemen dit over."),
        para(2, "C", "none", 0.9, "Hoogachtend. De minister."),
    ]
    asked = []

    def score(sentences, stance):
        asked.append((sentences, stance))
        return [{"pushback": 0.5, "agree": 0.5} for _ in sentences]

    summarize_letter(paragraphs, FindingRule(), score)
    # the one-sentence paragraph is its own evidence, the stance-less finding has none
    assert (
        evidence_candidates(paragraphs, FindingRule())
        == asked
        == [(["Ik dank u.", "Ik deel uw oordeel niet."], "pushback")]
    )


def test_a_sentence_left_out_of_the_shortlist_is_never_the_evidence():
    paragraphs = [para(0, "A", "pushback", 0.8, "Ik deel uw oordeel niet. Tot slot. Dank u.")]

    def score(sentences, stance):  # the first sentence, however strong, was not shortlisted
        return [None, {stance: 0.2}, {stance: 0.3}]

    [finding] = summarize_letter(paragraphs, FindingRule(), score)["findings"]
    assert finding["evidence"]["sentence"] == "Dank u." and finding["evidence"]["score"] == 0.3


def test_sentences_respect_abbreviations():
    text = (
        "Op 3 juli jl. vroeg de Kamer dit. Zie Kamerstuk 29 350, nr. 9. De heer A. Jansen o.a. zei: ja. 2024 was goed."
    )
    assert split_sentences(text) == [
        "Op 3 juli jl. vroeg de Kamer dit.",
        "Zie Kamerstuk 29 350, nr. 9.",
        "De heer A. Jansen o.a. zei: ja.",
        "2024 was goed.",
    ]
