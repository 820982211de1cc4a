"""Paragraph -> token windows that fit the encoder.

A paragraph longer than the window is split into overlapping windows (each
with the "passage: " prefix and <s> ... </s>) whose logits are averaged later,
so no words are silently cut."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from standpunt.models.prediction import Prediction


@dataclass
class Windows:
    input_ids: list[list[int]]
    owner: list[int]  # window -> index of its paragraph


def make_windows(
    tokenizer, texts: list[str], max_length: int, overlap: int, prefix: str, read_tokens: int | None = None
) -> Windows:
    """`read_tokens`: read only each paragraph's first N text tokens (one
    window), for a model whose combination was measured that way."""
    prefix_ids = tokenizer(prefix.strip(), add_special_tokens=False)["input_ids"] if prefix.strip() else []
    # verbose=False: long paragraphs are expected here, they are windowed below.
    bodies = tokenizer([" " + t if prefix else t for t in texts], add_special_tokens=False, verbose=False)["input_ids"]
    if read_tokens is not None:
        bodies = [body[:read_tokens] for body in bodies]
    bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id
    if bos is None:
        bos = tokenizer.cls_token_id
    if eos is None:
        eos = tokenizer.sep_token_id
    room = max_length - 2 - len(prefix_ids)
    if room < 8:
        raise ValueError(f"max_length {max_length} leaves no room for text")
    step = max(1, room - overlap)
    windows: list[list[int]] = []
    owner: list[int] = []
    for index, body in enumerate(bodies):
        starts = [0]
        while starts[-1] + room < len(body):
            starts.append(starts[-1] + step)
        for start in starts:
            windows.append([bos] + prefix_ids + body[start : start + room] + [eos])
            owner.append(index)
    return Windows(windows, owner)


def pad_batch(windows: list[list[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask) padded to the longest window of the batch (dynamic padding)."""
    longest = max(len(w) for w in windows)
    ids = np.full((len(windows), longest), pad_id, dtype=np.int64)
    mask = np.zeros((len(windows), longest), dtype=np.int64)
    for row, window in enumerate(windows):
        ids[row, : len(window)] = window
        mask[row, : len(window)] = 1
    return ids, mask


def collate(windows: list[list[int]], pad_id: int) -> dict:
    """pad_batch as torch tensors, for training."""
    import torch

    ids, mask = pad_batch(windows, pad_id)
    return {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask)}


def windowed_logits(windows: Windows, n_texts: int, n_labels: int, batch_size: int, pad_id: int, run) -> np.ndarray:
    """Per-paragraph logits averaged over each paragraph's windows, with the
    windows sorted by length so each batch pads little. `run(ids, mask)`
    returns the logits of one padded batch as an array (PyTorch or ONNX)."""
    order = sorted(range(len(windows.input_ids)), key=lambda i: len(windows.input_ids[i]))
    window_logits = np.zeros((len(order), n_labels), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        window_logits[chunk] = run(*pad_batch([windows.input_ids[i] for i in chunk], pad_id))
    sums = np.zeros((n_texts, n_labels), dtype=np.float32)
    counts = np.zeros((n_texts, 1), dtype=np.float32)
    np.add.at(sums, windows.owner, window_logits)
    np.add.at(counts, windows.owner, 1.0)
    return sums / np.maximum(counts, 1.0)


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax in float32, stable for large logits."""
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32)


class WindowedPredictor:
    """predict() over token windows, written once for every backend.

    A paragraph longer than a window is cut into overlapping windows; the
    windows run in length-sorted batches and each paragraph's logits are the
    mean of its windows' (windowed_logits), then a softmax gives its scores.
    A backend (PyTorch, ONNX Runtime) supplies only `batch_logits(ids, mask)`,
    the logits of one padded batch, besides `tokenizer`, `settings` and `labels`."""

    tokenizer: object
    settings: dict
    labels: tuple[str, ...]
    default_batch_size: int = 32  # token windows per batch_logits call

    def batch_logits(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def windows(self, texts: list[str]) -> Windows:
        return make_windows(
            self.tokenizer,
            texts,
            self.settings["max_length"],
            self.settings["window_overlap"],
            self.settings["prefix"],
            self.settings.get("read_tokens"),
        )

    def paragraph_logits(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        """[len(texts), len(labels)] logits, each the mean over the paragraph's windows."""
        return windowed_logits(
            self.windows(texts),
            len(texts),
            len(self.labels),
            batch_size or self.default_batch_size,
            self.tokenizer.pad_token_id,
            self.batch_logits,
        )

    def predict(self, texts: list[str], batch_size: int | None = None) -> Prediction:
        if not texts:
            return Prediction([], np.zeros((0, len(self.labels)), dtype=np.float32), tuple(self.labels))
        scores = softmax(self.paragraph_logits(texts, batch_size))
        return Prediction.from_scores(scores, tuple(self.labels))
