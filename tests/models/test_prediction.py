"""A Prediction is read by label name, whatever order its model keeps."""

import numpy as np

from standpunt.models.prediction import Prediction
from standpunt.pipelines.core.labels import LABELS


def test_scores_are_read_by_name_not_position():
    order = ("none", "pushback", "agree", "acknowledge")
    prediction = Prediction(["pushback"], np.array([[0.1, 0.6, 0.2, 0.1]], dtype=np.float32), order)
    assert prediction.score_dicts(3) == [{"none": 0.1, "pushback": 0.6, "agree": 0.2, "acknowledge": 0.1}]
    reordered = prediction.in_order(LABELS)
    assert reordered[0, LABELS.index("pushback")] == np.float32(0.6)
    assert reordered[0, LABELS.index("none")] == np.float32(0.1)
    assert Prediction(["none"], reordered).in_order(LABELS) is reordered
