"""The tokenizer of the ONNX path, through the `tokenizers` library alone
(importing transformers would import torch), and fast to load.

Why a subset: the XLM-R tokenizer holds 250,002 pieces for a hundred
languages, and building them took 1.0 s of `standpunt predict`'s cold start
on a 2-core machine. Letters in Dutch are written in the Latin alphabet, and a
piece can only ever match text made of its own characters, so for any text
whose characters (after the tokenizer's own normalisation) all lie in LATIN,
the 110,000 pieces made of LATIN characters give exactly the segmentation of
the whole vocabulary. The subset keeps every such piece, with its score, plus
the lowest-scoring piece of all (the penalty for an unknown character is
derived from it); its ids map back to the full vocabulary's. A text with any
other character (Greek, Cyrillic, CJK, emoji) goes to the full tokenizer,
loaded the first time one turns up. Same ids either way (tested on the
corpus and on every LATIN character)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

# Printable ASCII, Latin-1 Supplement, Latin Extended-A and -B, the
# metaspace mark and the typographic punctuation of Dutch letters.
LATIN = frozenset(
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x250)]
    + list("\u2581\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u2022\u20ac")
)
SUBSET_JSON = "tokenizer.latin.json"
SUBSET_IDS = "tokenizer.latin.npz"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def subset_of(full: dict) -> tuple[dict, np.ndarray]:
    """(the subset tokenizer's JSON, subset id -> full id) for a Unigram tokenizer's JSON."""
    vocab = full["model"]["vocab"]
    lowest = min(range(len(vocab)), key=lambda i: vocab[i][1])
    special = {token["id"] for token in full.get("added_tokens", [])} | {full["model"].get("unk_id")}
    keep = [i for i, (piece, _) in enumerate(vocab) if i in special or i == lowest or set(piece) <= LATIN]
    new_id = {old: new for new, old in enumerate(keep)}
    subset = json.loads(json.dumps(full))
    subset["model"]["vocab"] = [vocab[i] for i in keep]
    if subset["model"].get("unk_id") is not None:
        subset["model"]["unk_id"] = new_id[subset["model"]["unk_id"]]
    for token in subset.get("added_tokens", []):
        token["id"] = new_id[token["id"]]
    for token in ((subset.get("post_processor") or {}).get("special_tokens") or {}).values():
        token["ids"] = [new_id[i] for i in token["ids"]]
    return subset, np.array(keep, dtype=np.int64)


def _write_subset(folder: Path, digest: str) -> bool:
    """Write the subset beside tokenizer.json (ids first, JSON last, each
    moved into place whole). False where the folder is read-only."""
    full = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    if full.get("model", {}).get("type") != "Unigram":
        return False
    subset, ids = subset_of(full)
    try:
        for name, write in (
            (SUBSET_IDS, lambda handle: np.savez(handle, ids=ids, source_sha256=np.array(digest))),
            (SUBSET_JSON, lambda handle: handle.write(json.dumps(subset, ensure_ascii=False).encode("utf-8"))),
        ):
            handle = tempfile.NamedTemporaryFile(dir=folder, prefix=f".{name}.", delete=False)
            with handle:
                write(handle)
            os.replace(handle.name, folder / name)
    except OSError:
        return False
    return True


def load_subset(folder: Path):
    """(subset Tokenizer, subset id -> full id), writing them on first use;
    None where there is no usable subset (then the full tokenizer is used)."""
    from tokenizers import Tokenizer

    digest = _sha256(folder / "tokenizer.json")
    for attempt in range(2):
        try:
            with np.load(folder / SUBSET_IDS) as stored:
                ids, source = stored["ids"], str(stored["source_sha256"])
            if source == digest:
                tokenizer = Tokenizer.from_file(str(folder / SUBSET_JSON))
                if tokenizer.get_vocab_size(with_added_tokens=False) == len(ids):
                    return tokenizer, ids
        except Exception:  # missing, half-written or foreign files: rebuild
            pass
        if attempt == 0 and not _write_subset(folder, digest):
            return None
    return None


class TokenizerFile:
    """The saved fast tokenizer (tokenizer.json), called like a transformers
    tokenizer for what the windows need: input ids without padding."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._full = None
        subset = load_subset(self.folder)
        self._subset, self._ids = subset if subset else (None, None)
        config_path = self.folder / "tokenizer_config.json"
        config = json.loads(config_path.read_text()) if config_path.exists() else {}

        def token_id(key: str, default: str) -> int | None:
            token = config.get(key) or default
            if isinstance(token, dict):
                token = token.get("content", default)
            if self._subset is None:
                return self.full.token_to_id(token)
            found = self._subset.token_to_id(token)
            return None if found is None else int(self._ids[found])

        self.bos_token_id = token_id("bos_token", "<s>")
        self.eos_token_id = token_id("eos_token", "</s>")
        self.pad_token_id = token_id("pad_token", "<pad>")
        self.cls_token_id, self.sep_token_id = self.bos_token_id, self.eos_token_id

    @property
    def full(self):
        """The whole vocabulary, loaded only when a text needs it."""
        if self._full is None:
            from tokenizers import Tokenizer

            self._full = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        return self._full

    def latin(self, text: str) -> bool:
        """Whether the subset segments this text exactly as the full vocabulary does."""
        if self._subset is None:
            return False
        normalizer = self._subset.normalizer
        return LATIN.issuperset(normalizer.normalize_str(text) if normalizer is not None else text)

    def __call__(self, texts, add_special_tokens: bool = True, verbose: bool = False) -> dict:
        single = isinstance(texts, str)
        texts = [texts] if single else list(texts)
        ids: list[list[int] | None] = [None] * len(texts)
        latin = [n for n, text in enumerate(texts) if self.latin(text)]
        if latin:
            encodings = self._subset.encode_batch([texts[n] for n in latin], add_special_tokens=add_special_tokens)
            for n, encoding in zip(latin, encodings):
                ids[n] = self._ids[np.asarray(encoding.ids, dtype=np.int64)].tolist()
        rest = [n for n, found in enumerate(ids) if found is None]
        if rest:
            encodings = self.full.encode_batch([texts[n] for n in rest], add_special_tokens=add_special_tokens)
            for n, encoding in zip(rest, encodings):
                ids[n] = encoding.ids
        return {"input_ids": ids[0] if single else ids}
