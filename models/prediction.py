"""What every predictor returns. Kept free of torch so that the ONNX Runtime
path of `standpunt predict` never imports it (about 200 MB less memory)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

@dataclass
class Prediction:
    labels: list[str]
    scores: np.ndarray  # [n, len(LABELS)], rows sum to 1
