from standpunt.pipelines.alignment import best_matches, score_segmentation, token_f1


def test_token_f1_counts_multisets():
    assert token_f1("de de kat", "de kat") == 2 * (2 / 2) * (2 / 3) / (1 + 2 / 3)
    assert token_f1("Ik deel", "ik DEEL") == 1.0
    assert token_f1("a b", "c d") == 0.0
    assert token_f1("", "a") == 0.0


def test_score_segmentation_recall_and_precision():
    gold = ["Ik onderschrijf uw conclusie over de sturing.", "Ik deel uw oordeel niet."]
    predicted = ["Ik onderschrijf uw conclusie over de sturing.", "Datum 29 april", "Ik deel uw oordeel niet."]
    score = score_segmentation(gold, predicted)
    assert (score.recall, score.precision) == (1.0, 2 / 3)
    merged = score_segmentation(gold, [" ".join(gold)])
    assert merged.recall == 0.0 and merged.precision == 0.0


def test_best_matches_picks_highest_f1():
    gold = ["een twee drie vier", "vijf zes"]
    predicted = ["vijf zes zeven", "een twee drie vier"]
    assert best_matches(gold, predicted) == [(1, 1.0), (0, 0.8)]
    assert best_matches(["x"], []) == [(None, 0.0)]
