"""Paragraph -> token windows that fit the encoder.

A paragraph longer than the window is split into overlapping windows (each
with the "passage: " prefix and <s> ... </s>) whose logits are averaged later,
so no words are silently cut."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Windows:
    input_ids: list[list[int]]
    owner: list[int]  # window -> index of its paragraph


def make_windows(tokenizer, texts: list[str], max_length: int, overlap: int, prefix: str) -> Windows:
    prefix_ids = tokenizer(prefix.strip(), add_special_tokens=False)["input_ids"] if prefix.strip() else []
    # verbose=False: long paragraphs are expected here, they are windowed below.
    bodies = tokenizer([" " + t if prefix else t for t in texts], add_special_tokens=False, verbose=False)["input_ids"]
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


def collate(windows: list[list[int]], pad_id: int) -> dict:
    """Pad to the longest window of the batch (dynamic padding), as torch tensors."""
    import torch

    longest = max(len(w) for w in windows)
    ids = torch.full((len(windows), longest), pad_id, dtype=torch.long)
    mask = torch.zeros((len(windows), longest), dtype=torch.long)
    for row, window in enumerate(windows):
        ids[row, : len(window)] = torch.tensor(window, dtype=torch.long)
        mask[row, : len(window)] = 1
    return {"input_ids": ids, "attention_mask": mask}
