import numpy as np
import pytest

from standpunt.models.baselines import LexiconBaseline, make_baseline


@pytest.mark.parametrize(
    "text, label",
    [
        ("Ik onderschrijf uw conclusie dat de beveiliging beter moet.", "agree"),
        ("Ik neem de aanbeveling over en zal haar uitvoeren.", "agree"),
        ("Ik deel uw conclusie niet: de cijfers zijn verouderd.", "pushback"),
        ("Ik ben het niet eens met uw oordeel.", "pushback"),
        ("Het kabinet onderschrijft de conclusie van de Rekenkamer over de subsidieverstrekking niet.", "pushback"),
        ("Ik deel uw conclusie dat de aanpak niet werkt.", "agree"),
        ("Ik onderschrijf uw negatief oordeel door het niet naleven van de aanbestedingsregels.", "agree"),
        ("Ik ben blij dat u constateert dat er geen achterstanden meer zijn.", "agree"),
        ("Ik herken de knelpunten en zal bezien wat nodig is.", "acknowledge"),
        ("Ik onderschrijf uw conclusie, maar de belangrijkste oorzaak is de hoge instroom.", "pushback"),
        ("Hoogachtend, de minister.", "none"),
        # wrong figures or conclusions are disputed; a wrong fact the sender reports is not
        ("De cijfers in uw rapport zijn onjuist.", "pushback"),
        ("Er is geen geld gereserveerd voor burgers die last hadden van onjuiste tenaamstelling.", "none"),
        # a recommendation carried out is agree; measures alone are not
        ("Uw aanbeveling om het toezicht te versterken is inmiddels uitgevoerd.", "agree"),
        ("De maatregelen die bijdragen aan de opvolging van de aanbevelingen zijn inmiddels ingevoerd.", "none"),
        ("De werkprocessen waren niet op orde; ik neem daarvoor de verantwoordelijkheid.", "agree"),
        # a "niet" in the clause before does not negate the agreement; one in its own clause does
        ("De werkprocessen waren niet op orde. Ik deel uw conclusie.", "agree"),
        ("Ik neem daarvoor niet de verantwoordelijkheid.", "pushback"),
        # committing to the recommendation in other words (the rule book's worked example), and its negation
        ("Hiermee kom ik ook direct tegemoet aan uw aanbeveling om een plan van aanpak op te stellen.", "agree"),
        ("Conform uw aanbeveling stel ik een plan van aanpak op.", "agree"),
        ("Ik handel niet conform uw aanbeveling, omdat de wet dat niet toestaat.", "pushback"),
        ("Met de commissie ben ik van mening dat de problematiek niet als incident kan worden beschouwd.", "agree"),
        # "Nee." to a question about the finding is pushback; to a member's own framing or a plain question it is not
        ("Herkent u het geschetste beeld? Nee. De cijfers komen niet overeen met onze registratie.", "pushback"),
        ("Deelt u de conclusie van de Inspectie dat het toezicht tekortschiet? Nee.", "pushback"),
        ("Bent u het eens met de conclusie van de Rekenkamer? Nee, de cijfers kloppen niet.", "pushback"),
        ("Deelt u de mening dat dit een schandaal is? Nee.", "none"),
        ("Is er sprake van fraude? Nee.", "none"),
    ],
)
def test_lexicon_cues_negation_and_precedence(text, label):
    assert LexiconBaseline().predict([text]).labels == [label]


def test_baselines_share_the_interface():
    texts = [
        "Ik onderschrijf de conclusie.",
        "Ik deel dit niet.",
        "Met belangstelling gelezen.",
        "Ik herken de knelpunten.",
    ]
    labels = ["agree", "pushback", "none", "acknowledge"]
    for name in ("majority", "lexicon", "tfidf", "hybrid"):
        prediction = make_baseline(name, texts, labels).predict(texts)
        assert len(prediction.labels) == 4 and prediction.scores.shape == (4, 4)
        assert np.allclose(prediction.scores.sum(axis=1), 1.0, atol=1e-5)
    with pytest.raises(ValueError, match="unknown baseline"):
        make_baseline("random")


def test_hybrid_uses_the_cues_where_words_alone_do_not_tell():
    """Trained on two texts that share their words, the hybrid separates a
    negated agreement from an agreement through the rule-book cue features."""
    from standpunt.models.baselines import cue_features

    texts = ["Ik deel uw conclusie over de subsidies.", "Ik deel uw conclusie over de subsidies niet."] * 3
    labels = ["agree", "pushback"] * 3
    model = make_baseline("hybrid", texts, labels)
    assert model.predict(["Wij delen de conclusie.", "Wij delen de conclusie niet."]).labels == ["agree", "pushback"]
    assert cue_features("Nee. Dat beeld herken ik niet.")[-2:] == [1.0, 1.0]
    assert cue_features("Ja, dat klopt.")[-2:] == [0.0, 0.0]
