"""The evidence pass: the candidate sentences of many findings scored in one
classifier pass, after the cue model has shortlisted each finding's
sentences (Predictor.evidence_shortlists), so that on an archive of real
letters the transformer reads about half the sentences it would otherwise:
the evidence pass had taken as long as labelling the paragraphs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from standpunt.models.loading import Predictor

SentenceScorer = Callable[[list[str], str], list[dict[str, float] | None]]


def evidence_scorer(
    predictor: Predictor, candidates: list[tuple[list[str], str]], shortlist: int | None
) -> SentenceScorer:
    """summarize_letter's `score_sentences` for these (sentences, stance)
    candidates, their shortlisted sentences scored now in one pass (a sentence
    shared by several findings once). A sentence left out of its finding's
    shortlist comes back as None. A candidate not given here is scored when
    asked for."""
    chosen = {
        (tuple(sentences), stance): indices
        for (sentences, stance), indices in zip(candidates, predictor.evidence_shortlists(candidates, shortlist))
    }
    texts = sorted({sentences[i] for (sentences, _), indices in chosen.items() for i in indices})
    scores = dict(zip(texts, predictor.score_evidence(texts).score_dicts())) if texts else {}

    def score(sentences: list[str], stance: str) -> list[dict[str, float] | None]:
        key = (tuple(sentences), stance)
        if key not in chosen:
            return evidence_scorer(predictor, [(sentences, stance)], shortlist)(sentences, stance)
        keep = set(chosen[key])
        return [scores[sentence] if i in keep else None for i, sentence in enumerate(sentences)]

    return score
