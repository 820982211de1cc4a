import numpy as np
from sklearn.metrics import f1_score

from standpunt.pipelines.evaluation.bootstrap import letter_bootstrap, macro_f1, paired_letter_bootstrap

LABELS = ["agree", "acknowledge", "pushback", "none"]


def test_macro_f1_equals_sklearn_on_random_labels():
    rng = np.random.default_rng(0)
    for _ in range(50):
        gold = rng.choice(LABELS, size=40, p=[0.2, 0.1, 0.1, 0.6])
        predicted = rng.choice(LABELS, size=40)
        present = [label for label in LABELS if label in set(gold)]
        assert macro_f1(gold, predicted, LABELS) == f1_score(
            gold, predicted, labels=present, average="macro", zero_division=0
        )


def generated(n_letters: int, seed: int):
    rng = np.random.default_rng(seed)
    letters, gold, predicted = [], [], []
    for letter in range(n_letters):
        for _ in range(5):
            g = rng.choice(LABELS)
            letters.append(f"L{letter}")
            gold.append(g)
            predicted.append(g if rng.random() < 0.7 else rng.choice(LABELS))
    return letters, gold, predicted


def test_interval_narrows_as_data_grows():
    widths = []
    for n in (10, 40, 160):
        ci = letter_bootstrap(*generated(n, 1), LABELS, resamples=400, seed=3)
        widths.append(ci["macro_f1"][1] - ci["macro_f1"][0])
        assert ci["accuracy"][0] < ci["accuracy"][1]
    assert widths[0] > widths[1] > widths[2]


def test_bootstrap_is_seeded():
    data = generated(20, 2)
    assert letter_bootstrap(*data, LABELS, resamples=100, seed=5) == letter_bootstrap(
        *data, LABELS, resamples=100, seed=5
    )


def test_resampling_unit_is_the_letter():
    # One letter all right, one all wrong: every resample is 0, 0.5 or 1 accuracy.
    letters = ["a"] * 5 + ["b"] * 5
    gold = ["agree"] * 10
    predicted = ["agree"] * 5 + ["none"] * 5
    ci = letter_bootstrap(letters, gold, predicted, LABELS, resamples=200, seed=1)
    assert set(ci["accuracy"]) <= {0.0, 0.5, 1.0}


def test_paired_difference_sees_what_two_intervals_hide():
    # b fixes one in five of a's errors on every letter: a small gain that
    # resampling the same letters for both shows as certain.
    letters, gold, predicted_a = generated(60, 4)
    predicted_b = [g if (p != g and i % 5 == 0) else p for i, (g, p) in enumerate(zip(gold, predicted_a))]
    paired = paired_letter_bootstrap(letters, gold, predicted_a, predicted_b, LABELS, resamples=300, seed=2)
    assert paired["difference"] == macro_f1(np.array(gold), np.array(predicted_b), LABELS) - macro_f1(
        np.array(gold), np.array(predicted_a), LABELS
    )
    assert 0 < paired["low"] <= paired["difference"] <= paired["high"] and paired["better_share"] == 1.0
    a = letter_bootstrap(letters, gold, predicted_a, LABELS, resamples=300, seed=2)["macro_f1"]
    b = letter_bootstrap(letters, gold, predicted_b, LABELS, resamples=300, seed=2)["macro_f1"]
    assert b[0] < a[1]  # side by side, the two intervals overlap
    same = paired_letter_bootstrap(letters, gold, predicted_a, predicted_a, LABELS, resamples=50)
    assert same == {"difference": 0.0, "low": 0.0, "high": 0.0, "better_share": 0.0}
