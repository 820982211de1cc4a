"""ONNX Runtime inference for a trained stance model.

On these CPUs ONNX Runtime runs the same fp32 network about 1.5 times faster
than PyTorch eager (measured: 40 vs 26 paragraphs/s on 2 cores, identical
labels). The export happens once per model and is cached next to the base
encoder, keyed by the model's weights, so `standpunt predict` does no
conversion work once the cache exists and starts without building the torch
model at all. int8 (dynamic, per-channel) is available but off by default:
it flips about 3% of labels on the real letters (benchmarks/int8_quality.py)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from models.prediction import CONFIG, WEIGHTS, Prediction

ONNX_OPSET = 17


def cache_key(model_dir: Path, quantize: str) -> str:
    digest = hashlib.sha256()
    digest.update((model_dir / WEIGHTS).read_bytes())
    digest.update((model_dir / CONFIG).read_bytes())
    digest.update(quantize.encode())
    return digest.hexdigest()[:20]


def onnx_path(model_dir: Path, quantize: str, cache_dir: str | None = None) -> Path:
    from models.base_encoder import default_cache_dir

    root = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
    return root / "onnx" / f"stance-{cache_key(model_dir, quantize)}-{quantize}.onnx"


def export(model_dir: Path, target: Path, quantize: str = "none") -> Path:
    """Merged fp32 classifier -> ONNX (-> int8). Written atomically."""
    import torch

    from models.stance_model import StanceModel

    model = StanceModel.load(model_dir, merge=True)
    classifier = model.classifier.eval()
    target.parent.mkdir(parents=True, exist_ok=True)
    fp32 = target.with_name(target.stem + ".fp32.tmp.onnx")
    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}, "logits": {0: "batch"}}
    with torch.inference_mode():
        torch.onnx.export(classifier, (ids, mask), str(fp32), input_names=["input_ids", "attention_mask"],
                          output_names=["logits"], dynamic_axes=axes, opset_version=ONNX_OPSET, dynamo=False)
    staging = target.with_name(target.stem + ".tmp.onnx")
    if quantize == "int8":
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(fp32), str(staging), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        fp32.unlink()
    else:
        fp32.rename(staging)
    os.replace(staging, target)
    return target


class TokenizerFile:
    """The saved fast tokenizer (tokenizer.json) through the `tokenizers`
    library alone: importing transformers would import torch."""

    def __init__(self, folder: str | Path):
        from tokenizers import Tokenizer

        folder = Path(folder)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        config_path = folder / "tokenizer_config.json"
        config = json.loads(config_path.read_text()) if config_path.exists() else {}

        def token_id(key: str, default: str) -> int | None:
            token = config.get(key) or default
            if isinstance(token, dict):
                token = token.get("content", default)
            return self.tokenizer.token_to_id(token)

        self.bos_token_id = token_id("bos_token", "<s>")
        self.eos_token_id = token_id("eos_token", "</s>")
        self.pad_token_id = token_id("pad_token", "<pad>")
        self.cls_token_id, self.sep_token_id = self.bos_token_id, self.eos_token_id

    def __call__(self, texts, add_special_tokens: bool = True, verbose: bool = False) -> dict:
        if isinstance(texts, str):
            return {"input_ids": self.tokenizer.encode(texts, add_special_tokens=add_special_tokens).ids}
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=add_special_tokens)
        return {"input_ids": [e.ids for e in encodings]}


class OnnxStanceModel:
    """Same predict() as StanceModel, on an ONNX Runtime session."""

    def __init__(self, model_dir: str | Path, quantize: str = "none", threads: int | None = None, cache_dir: str | None = None):
        import onnxruntime as ort

        from models.base_encoder import ensure_base_model

        model_dir = Path(model_dir)
        self.settings = json.loads((model_dir / CONFIG).read_text())
        self.labels = tuple(self.settings["labels"])
        metrics = model_dir / "metrics.json"
        self.metrics = json.loads(metrics.read_text()) if metrics.exists() else {}
        path = onnx_path(model_dir, quantize, cache_dir)
        if not path.exists():
            export(model_dir, path, quantize)
        identity = self.settings["base_encoder"]
        tokenizer_dir = identity["path"] if identity["kind"] == "folder" else ensure_base_model(cache_dir)
        self.tokenizer = TokenizerFile(tokenizer_dir)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.path = path

    def windows(self, texts: list[str]):
        from models.windows import make_windows

        return make_windows(self.tokenizer, texts, self.settings["max_length"], self.settings["window_overlap"], self.settings["prefix"])

    def logits(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        from models.windows import windowed_logits

        def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
            return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

        return windowed_logits(self.windows(texts), len(texts), len(self.labels), batch_size, self.tokenizer.pad_token_id, run)

    def predict(self, texts: list[str], batch_size: int = 32) -> Prediction:
        if not texts:
            return Prediction([], np.zeros((0, len(self.labels)), dtype=np.float32))
        logits = self.logits(texts, batch_size)
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        scores = shifted / shifted.sum(axis=1, keepdims=True)
        return Prediction([self.labels[i] for i in scores.argmax(axis=1)], scores.astype(np.float32))
