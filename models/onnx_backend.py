"""ONNX Runtime inference for a trained stance model.

On these CPUs ONNX Runtime runs the same fp32 network well ahead of PyTorch
eager (benchmarks/throughput.py). The model is exported with plain ("eager")
attention, whose graph ONNX Runtime's transformer optimizer fuses into its
Attention, BiasGelu and embedding kernels; the fused SkipLayerNormalization,
slow on these CPUs, is kept out. Same numbers (scores within 1e-5), about
1.3x the speed of the plain export. The weights sit in a separate file that
ONNX Runtime maps into memory instead of copying, so a session loads in a
tenth of a second and holds no second copy of the 384 MB embedding table.

The export happens once per model and is cached (see onnx_path), keyed by
the model's weights and the export recipe, so `standpunt predict` does no
conversion work once the cache exists and starts without building the torch
model at all. The export itself runs in a child process (export_in_child):
it peaks near 4 GB, and the process that predicts never holds that or
imports torch, also on its first run. int8 (dynamic, per-channel) is
available but off by default for paragraph labels: it flips labels on the
real letters (benchmarks/int8_quality.py). The evidence pass, which only
ranks a finding's candidate sentences, runs on int8 where the CPU
multiplies 8-bit integers natively (evidence_quantization).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import warnings
from pathlib import Path

import numpy as np

from standpunt.models.model_folder import ModelFolder
from standpunt.models.tokenizer_file import TokenizerFile
from standpunt.models.windows import WindowedPredictor
from standpunt.pipelines.core.errors import StandpuntError

ONNX_OPSET = 17
ONNX_CACHE_ENV = "STANDPUNT_ONNX_CACHE"
# Part of the cache key: a change to how the graph is built re-exports.
EXPORT_RECIPE = "eager-attention+bert-fusion-without-skip-layernorm+external-data/1"
# ONNX Runtime fusions that make these CPUs slower (see export()).
SLOW_FUSIONS = ["SkipLayerNormFusion"]


def model_key(model_dir: Path) -> str:
    """Which trained model: its weights and settings."""
    files = ModelFolder(model_dir)
    digest = hashlib.sha256(files.weights_path.read_bytes())
    digest.update(files.config_path.read_bytes())
    return digest.hexdigest()[:20]


def recipe_key() -> str:
    return hashlib.sha256(EXPORT_RECIPE.encode()).hexdigest()[:8]


def onnx_path(model_dir: Path, quantize: str, cache_dir: str | None = None) -> Path:
    """$STANDPUNT_ONNX_CACHE if set (exports are ~470 MB each), else <cache>/onnx."""
    from standpunt.models.base_encoder import default_cache_dir

    if cache_dir:
        root = Path(cache_dir).expanduser() / "onnx"
    elif os.environ.get(ONNX_CACHE_ENV):
        root = Path(os.environ[ONNX_CACHE_ENV]).expanduser()
    else:
        root = default_cache_dir() / "onnx"
    return root / f"stance-{model_key(model_dir)}-{recipe_key()}-{quantize}.onnx"


def remove_outdated_exports(target: Path) -> list[Path]:
    """Exports of the same model by an older recipe: each holds a 470 MB
    weights file that nothing will read again."""
    model, _, quantize = target.name.removeprefix("stance-").removesuffix(".onnx").split("-")
    removed = []
    for old in target.parent.glob(f"stance-{model}-*-{quantize}.onnx*"):
        if not old.name.startswith(target.name):
            old.unlink(missing_ok=True)
            removed.append(old)
    return removed


def data_path(model_path: Path) -> Path:
    """The weights file that belongs to an exported graph."""
    return model_path.with_name(model_path.name + ".data")


def is_exported(model_path: Path) -> bool:
    """Graph and weights both in place (the graph is moved in last)."""
    return model_path.exists() and data_path(model_path).exists()


SCRATCH_PREFIX = ".export-"


def remove_abandoned_exports(folder: Path, older_than_s: float = 3600.0) -> list[Path]:
    """Scratch folders of exports that were killed midway (an export takes
    about half a minute; one left for an hour is nobody's)."""
    import shutil
    import time

    removed = []
    for scratch in folder.glob(SCRATCH_PREFIX + "*"):
        try:
            if scratch.is_dir() and time.time() - scratch.stat().st_mtime > older_than_s:
                shutil.rmtree(scratch, ignore_errors=True)
                removed.append(scratch)
        except OSError:
            continue  # another process removed it first
    return removed


def export(model_dir: Path, target: Path, quantize: str = "none") -> Path:
    """Merged fp32 classifier -> ONNX with fused transformer kernels (-> int8).

    Built in a scratch folder and moved into place weights first, graph last:
    a graph file in the cache is always complete."""
    import shutil
    import tempfile

    import torch
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers.utils import logging as transformers_logging

    from standpunt.models.stance_model import StanceModel

    transformers_logging.disable_progress_bar()  # the one line printed by OnnxStanceModel says what is happening
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecation notes from peft's merge: nothing for a predict user to act on
        model = StanceModel.load(model_dir, merge=True)
    classifier = model.classifier.eval()
    encoder_config = classifier.encoder.config
    # Plain attention exports as MatMul/Softmax, the pattern the fusion looks for.
    classifier.encoder.set_attn_implementation("eager")
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned_exports(target.parent)
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=target.parent))
    try:
        plain = scratch / "plain.onnx"
        ids = torch.ones((2, 16), dtype=torch.long)
        axes = {
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "logits": {0: "batch"},
        }
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes about shapes; the export is checked by tests
            torch.onnx.export(
                classifier,
                (ids, torch.ones_like(ids)),
                str(plain),
                input_names=["input_ids", "attention_mask"],
                output_names=["logits"],
                dynamic_axes=axes,
                opset_version=ONNX_OPSET,
                dynamo=False,
            )
        options = FusionOptions("bert")
        # Residual Add + LayerNormalization stay two kernels: ONNX Runtime's fused
        # SkipLayerNormalization took 14% of the run on these CPUs, the pair 4%.
        options.enable_skip_layer_norm = False
        options.enable_bias_skip_layer_norm = False
        fused = optimize_model(
            str(plain),
            model_type="bert",
            num_heads=encoder_config.num_attention_heads,
            hidden_size=encoder_config.hidden_size,
            opt_level=0,
            optimization_options=options,
        )
        staged = scratch / target.name
        if quantize == "int8":
            fused_path = scratch / "fused.onnx"
            fused.save_model_to_file(str(fused_path), use_external_data_format=True)
            quantize_int8(fused_path, staged)
            _rename_data_file(staged)
        else:
            fused.save_model_to_file(str(staged), use_external_data_format=True)
        os.replace(data_path(staged), data_path(target))
        os.replace(staged, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    remove_outdated_exports(target)
    return target


class OnnxExportError(StandpuntError):
    """A model folder that could not be exported to ONNX."""


def export_in_child(model_dir: Path, target: Path, quantize: str = "none") -> Path:
    """export() in a child Python process. Why: building the torch model, its
    traced graph and the optimiser's copy of it peaks near 4 GB (the 470 MB
    of weights held three ways), and a process keeps much of what it once
    held; exported by a child, a first `predict` over thousands of letters
    runs at the footprint of a cached one and never imports torch."""
    import subprocess

    model_dir, target = Path(model_dir).resolve(), Path(target).resolve()
    result = subprocess.run(
        [sys.executable, "-m", "standpunt.models.onnx_backend", str(model_dir), str(target), quantize],
        capture_output=True,
        text=True,
        env=dict(os.environ, HF_HUB_OFFLINE="1"),
    )
    if result.returncode != 0 or not is_exported(target):
        lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        cause = lines[-1] if lines else f"the exporting process ended with code {result.returncode}"
        raise OnnxExportError(f"{model_dir}: ONNX export failed: {cause}")
    return target


def quantize_int8(source: Path, target: Path, **which) -> Path:
    """The int8 recipe: ONNX Runtime's dynamic quantisation, int8 weights per
    channel, weights in an external file; `which` (nodes_to_quantize,
    op_types_to_quantize) narrows it to part of the graph, as
    benchmarks/int8_quality.py's partial schemes do."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(source),
        str(target),
        weight_type=QuantType.QInt8,
        per_channel=True,
        use_external_data_format=True,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        **which,
    )
    return target


def _rename_data_file(model_path: Path) -> None:
    """Point a graph's external weights at <graph name>.data (the quantizer
    picks its own file name)."""
    import onnx

    graph = onnx.load(str(model_path), load_external_data=False)
    locations = {
        entry.value for tensor in graph.graph.initializer for entry in tensor.external_data if entry.key == "location"
    }
    if not locations:
        return
    if len(locations) != 1:
        raise RuntimeError(f"{model_path}: weights spread over {len(locations)} files")
    (model_path.parent / locations.pop()).rename(data_path(model_path))
    for tensor in graph.graph.initializer:
        for entry in tensor.external_data:
            if entry.key == "location":
                entry.value = data_path(model_path).name
    onnx.save(graph, str(model_path))


def cpu_session(path: Path, threads: int | None = None):
    """An ONNX Runtime session on the CPU as predict runs one: every graph
    optimisation but the slow fusions, `threads` (default: all cores) inside
    an operator, none across operators."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads or os.cpu_count() or 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(
        str(path), options, providers=["CPUExecutionProvider"], disabled_optimizers=SLOW_FUSIONS
    )


def has_int8_products(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this CPU multiplies 8-bit integers in one instruction (AVX512-VNNI,
    AVX-VNNI or AMX): without it ONNX Runtime's int8 products run no faster
    than fp32 (README, "Inference speed": 12.7 against 12.4 paragraphs/s on
    an AVX2 Zen), so int8 would only cost a second export and session."""
    try:
        flags = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:  # not Linux, or no /proc: assume the plain case
        return False
    return bool(re.search(r"\b(?:avx512_vnni|avx_vnni|amx_int8)\b", flags))


def evidence_quantization(setting: str, quantize: str) -> str:
    """The quantisation the evidence pass runs at. It ranks a finding's
    shortlisted sentences and never sets a label, and int8 keeps that
    ranking: on the 535 letters of batches 13-26 it chose the same sentence
    as fp32 for 444 of 458 findings and a marked one for 155 of 392 stance
    findings (fp32: 156), and `predict` ran 1.16x faster end to end on an
    AVX-512 VNNI CPU (README, "Inference speed"). `auto`: int8 where the CPU
    has int8 products, else as the paragraphs; paragraphs on int8 take
    evidence with them."""
    if quantize == "int8" or setting == "int8":
        return "int8"
    if setting == "auto" and has_int8_products():
        return "int8"
    return "none"


class LazyOnnxModel:
    """An OnnxStanceModel made on its first predict(): the evidence pass's
    int8 session costs nothing (no export, no session, no cold-start time)
    until a letter has a finding whose evidence is scored.

    On int8 it scores one window at a time: dynamic quantisation gives each
    batch's activations one scale, so in a batch a sentence's scores depend
    on the sentences beside it (by up to 0.27 on the evidence sentences of
    150 corpus letters), and a resumed run, which batches other letters
    together, would pick other evidence. Alone, a sentence always scores the
    same; it still runs 1.4-1.7x faster than fp32 in batches of 8."""

    def __init__(self, model_dir: Path, quantize: str, threads: int | None, tokenizer: TokenizerFile):
        self.model_dir, self.quantize, self.threads, self.tokenizer = model_dir, quantize, threads, tokenizer
        self.model: OnnxStanceModel | None = None

    def predict(self, texts: list[str], batch_size: int | None = None):
        if self.model is None:
            self.model = OnnxStanceModel(self.model_dir, self.quantize, self.threads, tokenizer=self.tokenizer)
        return self.model.predict(texts, 1 if self.quantize == "int8" else batch_size)


class OnnxStanceModel(WindowedPredictor):
    """Same predict() as StanceModel, on an ONNX Runtime session."""

    default_batch_size = 8

    def __init__(
        self,
        model_dir: str | Path,
        quantize: str = "none",
        threads: int | None = None,
        cache_dir: str | None = None,
        tokenizer: TokenizerFile | None = None,
    ):
        from standpunt.models.base_encoder import ensure_base_model

        model_dir = Path(model_dir)
        files = ModelFolder(model_dir)
        self.settings = files.settings()
        self.labels = tuple(self.settings["labels"])
        self.metrics = files.metrics()
        path = onnx_path(model_dir, quantize, cache_dir)
        if not is_exported(path):
            print(f"standpunt: exporting {model_dir} to ONNX once (about half a minute) -> {path}", file=sys.stderr)
            export_in_child(model_dir, path, quantize)
        if tokenizer is None:  # a second session of the same model shares the first one's
            identity = self.settings["base_encoder"]
            folder = identity["path"] if identity["kind"] == "folder" else ensure_base_model(cache_dir)
            tokenizer = TokenizerFile(folder)
        self.tokenizer = tokenizer
        self.session = cpu_session(path, threads)
        self.path = path

    def batch_logits(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]


if __name__ == "__main__":  # export_in_child's child: MODEL_DIR TARGET QUANTIZE
    export(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
