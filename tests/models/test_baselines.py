import numpy as np
import pytest

from standpunt.models.baselines import LexiconBaseline, decisive_label, make_baseline


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
        # "Ja." agrees with a finding, or only recognises it; the question's own "onderschrijft u" is the asker's
        (
            "Deelt u de conclusie van de Rekenkamer dat de gereedstelling tekortschiet? Ja. Dat blijkt uit de cijfers.",
            "agree",
        ),
        (
            "Herkent het college het beeld dat de rekenkamer schetst? Ja. Wij baseren ons op de eigen administratie.",
            "acknowledge",
        ),
        ("Onderschrijft u de conclusie van de Inspectie dat het toezicht niet op orde is? Nee.", "pushback"),
        # the finding fronted, and a document shared (no stance)
        ("Uw conclusie dat de zorgkantoren onvoldoende zicht hebben op de kwaliteit, deel ik.", "agree"),
        ("Uw conclusie dat de zorgkantoren onvoldoende zicht hebben op de kwaliteit, deel ik niet.", "pushback"),
        ("Met deze brief deel ik met uw Kamer het onderzoeksrapport van de Inspectie.", "none"),
        ("Ik sluit mij niet aan bij de conclusie van de Rekenkamer.", "pushback"),
        ("Wij kunnen ons niet vinden in de analyse van de rekenkamer.", "pushback"),
        ("Het college herkent zich niet in de knelpunten die de rekenkamer beschrijft.", "pushback"),
        # a recommendation adopted, declined or under consideration, in any word order
        ("De aanbeveling om een centraal register in te richten, voeren wij uit.", "agree"),
        ("De aanbeveling om een centraal register in te richten, voeren wij niet uit.", "pushback"),
        ("Aan de aanbeveling om jaarlijks te rapporteren, zal ik geen gevolg geven.", "pushback"),
        ("Ik ben niet bereid de aanbeveling van de Rekenkamer over een toets vooraf op te volgen.", "pushback"),
        ("Het college heeft deze aanbeveling inmiddels opgevolgd.", "agree"),
        (
            "Uw aanbeveling om de interne controle te versterken, wordt door de Dienst Toeslagen nog bestudeerd.",
            "acknowledge",
        ),
        # the recommendation's own "om ... uit te voeren" and someone else's account adopt nothing
        ("Ik neem kennis van de aanbeveling om de controle vaker uit te voeren.", "acknowledge"),
        ("De Raad constateert dat het korps de aanbevelingen heeft opgevolgd.", "none"),
        ("Welke aanbevelingen van de Algemene Rekenkamer worden overgenomen?", "none"),
        # a positive finding welcomed; the cause placed elsewhere, or with the sender itself
        ("Het doet het college deugd dat de rekenkamer oordeelt dat de regelingen voldoen.", "agree"),
        (
            "Ik deel de conclusie dat het project vertraagt. Dat is grotendeels te wijten aan de leverancier.",
            "pushback",
        ),
        (
            "Ik deel de conclusie dat het project vertraagt. Dat is grotendeels te wijten aan Defensie zelf.",
            "agree",
        ),
        (
            "De wachttijden zijn te lang. De verantwoordelijkheid daarvoor ligt bij de zorgverzekeraars.",
            "pushback",
        ),
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


@pytest.mark.parametrize(
    "text, label",
    [
        ("Herkent u het geschetste beeld? Nee. Wij baseren ons op de eigen registratie.", "pushback"),
        ("Delen Gedeputeerde Staten de conclusie van de rekenkamer dat het toezicht tekortschiet? Ja.", "agree"),
        (
            "Herkennen Gedeputeerde Staten het beeld dat de rekenkamer schetst? Ja. Wij baseren ons op cijfers.",
            "acknowledge",
        ),
        ("De aanbeveling om een register in te richten, wijzen wij af.", "pushback"),
        (
            "Ik deel de conclusie dat het project vertraagt. Dat is grotendeels te wijten aan de leverancier.",
            "pushback",
        ),
        (
            "U stelt vast dat de wachttijden zijn opgelopen. Dit valt vooral de zorgverzekeraars te verwijten.",
            "pushback",
        ),
        ("Het college legt de verantwoordelijkheid daarvoor bij de projectontwikkelaars.", "pushback"),
        ("De Inspectie concludeert dat het aantal zeer zwakke scholen verder is gedaald.", "none"),
        # the sender's own voice, or a plain stance: the models decide
        ("De rekenkamer constateert dat de gemeente tijdig betaalt. Ik ben daar blij mee.", None),
        ("Ik deel de conclusie dat het project vertraagt. Dat is grotendeels te wijten aan ons eigen beleid.", None),
        ("Ik onderschrijf de bevinding.", None),
        ("Met deze brief bied ik u het rapport aan.", None),
    ],
)
def test_decisive_label_is_what_the_rule_book_settles_outright(text, label):
    assert decisive_label(text) == label


def test_settled_labels_reuse_the_cue_models_reading():
    """predict reads each paragraph for the cue model, then for the labels the
    rule book settles: the second reading comes from the cache of the first."""
    from standpunt.models.baselines import _read, cue_features

    text = "Ik deel de conclusie dat het project vertraagt. Dat is grotendeels te wijten aan de leverancier."
    _read.cache_clear()
    cue_features(text)
    misses = _read.cache_info().misses
    assert decisive_label(text) == "pushback"
    assert _read.cache_info().misses == misses
