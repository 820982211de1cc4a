"""The Latin subset of the tokenizer gives the full vocabulary's ids, on the
corpus and on every character it claims to cover; other text falls back."""

import json

import numpy as np
import pytest
from tokenizers import Tokenizer

from standpunt.models.tokenizer_file import LATIN, SUBSET_IDS, SUBSET_JSON, TokenizerFile
from tests.conftest import CORPUS


@pytest.fixture()
def tokenizer_dir(tiny_encoder, tmp_path):
    folder = tmp_path / "tok"
    folder.mkdir()
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (folder / name).write_bytes((tiny_encoder / name).read_bytes())
    return folder


def full_ids(folder, texts, special=True):
    full = Tokenizer.from_file(str(folder / "tokenizer.json"))
    return [e.ids for e in full.encode_batch(texts, add_special_tokens=special)]


def corpus_texts():
    texts = []
    for name in ("real.jsonl", "real_batch6.jsonl"):
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
            texts += [p["text"] for p in json.loads(line)["paragraphs"]]
    return texts


def test_subset_gives_the_full_ids_on_the_corpus(tokenizer_dir):
    tokenizer = TokenizerFile(tokenizer_dir)
    assert (tokenizer_dir / SUBSET_JSON).exists() and (tokenizer_dir / SUBSET_IDS).exists()
    texts = corpus_texts()
    assert all(tokenizer.latin(t) for t in texts[:200])  # the corpus goes through the subset
    bodies = [" " + t for t in texts]
    assert tokenizer(bodies, add_special_tokens=False)["input_ids"] == full_ids(tokenizer_dir, bodies, False)
    assert tokenizer(texts[:50])["input_ids"] == full_ids(tokenizer_dir, texts[:50])
    prefix = full_ids(tokenizer_dir, ["passage:"], False)[0]
    assert tokenizer("passage:", add_special_tokens=False)["input_ids"] == prefix
    assert (tokenizer.bos_token_id, tokenizer.pad_token_id, tokenizer.eos_token_id) == (0, 1, 2)


def test_every_latin_character_and_unknown_ones_match(tokenizer_dir):
    tokenizer = TokenizerFile(tokenizer_dir)
    rng = np.random.default_rng(0)
    alphabet = sorted(LATIN)
    texts = [f"De {c}cht{c}r{c} en {c}" for c in alphabet]
    texts += ["".join(rng.choice(alphabet, size=40)) for _ in range(300)]
    assert tokenizer(texts)["input_ids"] == full_ids(tokenizer_dir, texts)


def test_other_scripts_fall_back_to_the_full_vocabulary(tokenizer_dir):
    tokenizer = TokenizerFile(tokenizer_dir)
    texts = ["Ηλεκτρονική υπογραφή", "Ik deel 🙂 uw conclusie", "Москва", "Ik deel uw conclusie"]
    assert [tokenizer.latin(t) for t in texts] == [False, False, False, True]
    assert tokenizer._full is None  # not loaded until needed
    assert tokenizer(texts)["input_ids"] == full_ids(tokenizer_dir, texts)
    assert tokenizer._full is not None


def test_a_stale_or_broken_subset_is_rebuilt(tokenizer_dir):
    TokenizerFile(tokenizer_dir)
    (tokenizer_dir / SUBSET_IDS).write_bytes(b"half a file")
    tokenizer = TokenizerFile(tokenizer_dir)
    assert tokenizer._subset is not None
    with np.load(tokenizer_dir / SUBSET_IDS) as stored:
        assert len(stored["ids"]) == tokenizer._subset.get_vocab_size(with_added_tokens=False)
    text = "Ik onderschrijf de aanbevelingen."
    assert tokenizer(text)["input_ids"] == full_ids(tokenizer_dir, [text])[0]
