import numpy as np

from standpunt.pipelines.evaluation.calibration import reliability


def test_perfectly_calibrated_has_zero_ece():
    confidence = np.array([0.95] * 20 + [0.55] * 20)
    correct = np.array([True] * 19 + [False] + [True] * 11 + [False] * 9)
    ece, rows = reliability(confidence, correct)
    assert abs(ece) < 1e-9
    assert sum(r["count"] for r in rows) == 40


def test_overconfident_model_has_its_gap_as_ece():
    ece, _ = reliability(np.array([0.9] * 10), np.array([True] * 5 + [False] * 5))
    assert abs(ece - 0.4) < 1e-9
