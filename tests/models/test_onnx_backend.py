import os
import time

import numpy as np
import onnx
import pytest

from standpunt.models.onnx_backend import OnnxStanceModel, data_path, model_key, onnx_path
from standpunt.models.stance_model import StanceModel
from standpunt.pipelines.predict_config import load_predict_config

TEXTS = ["Ik deel uw conclusie.", "Ik ben het daar niet mee eens. " * 30, "Hoogachtend,", "Ik herken de knelpunten."]


def fresh_python(code: str, cache):
    """`code` in a new Python process with this ONNX cache: what it imports is its own."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, STANDPUNT_ONNX_CACHE=str(cache)),
    )


def test_onnx_gives_the_torch_labels_and_scores(tiny_model, tmp_path, monkeypatch):
    monkeypatch.setenv("STANDPUNT_ONNX_CACHE", str(tmp_path / "cache"))
    reference = StanceModel.load(tiny_model).predict(TEXTS)
    fast = OnnxStanceModel(tiny_model)
    prediction = fast.predict(TEXTS, batch_size=2)
    assert prediction.labels == reference.labels
    assert np.abs(prediction.scores - reference.scores).max() < 1e-4
    assert fast.path == onnx_path(tiny_model, "none") and fast.path.is_relative_to(tmp_path / "cache")
    graph = onnx.load(str(fast.path), load_external_data=False)
    fused = {node.op_type for node in graph.graph.node}
    assert {"Attention", "BiasGelu", "EmbedLayerNormalization"} <= fused  # the transformer kernels, not loose MatMuls
    assert "SkipLayerNormalization" not in fused  # slower than Add + LayerNormalization here
    assert any(
        t.data_location == onnx.TensorProto.EXTERNAL for t in graph.graph.initializer
    )  # weights mapped, not inlined
    assert data_path(fast.path).stat().st_size > 0
    stamp = fast.path.stat().st_mtime_ns
    OnnxStanceModel(tiny_model)  # cached: no second export
    assert fast.path.stat().st_mtime_ns == stamp
    # an export by an older recipe is replaced, other models' exports stay
    outdated = fast.path.with_name(f"stance-{model_key(tiny_model)}-0ldrecip-none.onnx")
    other_model = fast.path.with_name("stance-00000000000000000000-0ldrecip-none.onnx")
    for path in (outdated, data_path(outdated), other_model):
        path.write_bytes(b"x")
    # and the scratch folder of an export killed long ago goes, a running one's stays
    abandoned, running = fast.path.parent / ".export-killed", fast.path.parent / ".export-running"
    for folder in (abandoned, running):
        folder.mkdir()
        (folder / "plain.onnx").write_bytes(b"x")
    os.utime(abandoned, (time.time() - 7200, time.time() - 7200))
    fast.path.unlink()
    OnnxStanceModel(tiny_model)
    assert not outdated.exists() and not data_path(outdated).exists() and other_model.exists() and fast.path.exists()
    assert not abandoned.exists() and running.exists()
    assert fast.predict([]).labels == []


def test_int8_export_runs(tiny_model, tmp_path, monkeypatch):
    monkeypatch.setenv("STANDPUNT_ONNX_CACHE", str(tmp_path / "cache"))
    int8 = OnnxStanceModel(tiny_model, quantize="int8")
    prediction = int8.predict(TEXTS)
    fp32 = OnnxStanceModel(tiny_model).predict(TEXTS)
    assert int8.path.name.endswith("-int8.onnx") and len(prediction.labels) == len(TEXTS)
    difference = np.abs(prediction.scores - fp32.scores).max()
    assert 0 < difference < 0.1  # quantised (not the fp32 graph again), and close to it


def test_evidence_pass_runs_on_int8_only_where_the_cpu_multiplies_bytes(tmp_path, monkeypatch):
    import standpunt.models.onnx_backend as backend

    vnni, plain = tmp_path / "vnni", tmp_path / "plain"
    vnni.write_text("flags\t\t: fpu sse2 avx2 fma avx512f avx512_vnni\n")
    plain.write_text("flags\t\t: fpu sse2 avx2 fma\n")
    assert backend.has_int8_products(vnni) and not backend.has_int8_products(plain)
    assert not backend.has_int8_products(tmp_path / "no-such-file")
    for cpu_has_them, auto in ((True, "int8"), (False, "none")):
        monkeypatch.setattr(backend, "has_int8_products", lambda answer=cpu_has_them: answer)
        assert backend.evidence_quantization("auto", "none") == auto
        assert backend.evidence_quantization("none", "none") == "none"
        assert backend.evidence_quantization("int8", "none") == "int8"
        assert backend.evidence_quantization("none", "int8") == "int8"  # int8 paragraphs take evidence along


def test_int8_evidence_beside_fp32_paragraphs_is_made_when_first_used(tiny_model, tmp_path, monkeypatch):
    from standpunt.models.loading import _folder_predictor

    monkeypatch.setenv("STANDPUNT_ONNX_CACHE", str(tmp_path / "cache"))
    predict, evidence, *_ = _folder_predictor(tiny_model, "onnx", "none", None, 2, "int8")
    fp32 = OnnxStanceModel(tiny_model).predict(TEXTS)
    assert np.array_equal(predict(TEXTS).scores, fp32.scores)  # paragraph labels stay fp32
    assert not onnx_path(tiny_model, "int8").exists()  # no int8 export until evidence is scored
    scores = evidence(TEXTS).scores
    assert onnx_path(tiny_model, "int8").exists()
    assert 0 < np.abs(scores - fp32.scores).max() < 0.1  # the int8 graph, close to fp32
    # one sentence at a time: its scores do not depend on the sentences scored beside it (a resumed run
    # batches other letters together and must pick the same evidence)
    assert np.array_equal(evidence(TEXTS[::-1]).scores[::-1], scores)
    _, same, *_ = _folder_predictor(tiny_model, "onnx", "none", None, 2, "none")
    assert np.array_equal(same(TEXTS).scores, fp32.scores)


def test_inference_settings_are_validated():
    from standpunt.pipelines.core.config_loader import ConfigError

    assert load_predict_config().inference.backend == "onnx"
    with pytest.raises(ConfigError, match="inference.backend"):
        load_predict_config(None, ["inference.backend=tensorrt"])
    assert load_predict_config().inference.evidence_quantize == "auto"
    with pytest.raises(ConfigError, match="inference.evidence_quantize"):
        load_predict_config(None, ["inference.evidence_quantize=int4"])
    with pytest.raises(ConfigError, match="summary.finding_rule.order"):
        load_predict_config(None, ["summary.finding_rule.order=[maybe]"])
    assert load_predict_config().summary.evidence_shortlist == 3
    assert load_predict_config(None, ["summary.evidence_shortlist=null"]).summary.evidence_shortlist is None
    with pytest.raises(ConfigError, match="summary.evidence_shortlist"):
        load_predict_config(None, ["summary.evidence_shortlist=0"])


def test_onnx_path_does_not_import_torch(tiny_model, tmp_path, monkeypatch):
    """Once exported, predicting on ONNX Runtime keeps torch (and its ~200 MB) out of the process."""

    monkeypatch.setenv("STANDPUNT_ONNX_CACHE", str(tmp_path / "cache"))
    OnnxStanceModel(tiny_model)  # export into the cache (this process may use torch)
    code = (
        "import sys; from standpunt.models.loading import resolve_model; "
        f"p = resolve_model({str(tiny_model)!r}, backend='onnx'); p.predict(['Ik deel uw conclusie.']); "
        "print('torch' in sys.modules)"
    )
    result = fresh_python(code, tmp_path / "cache")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_trained_lora_adapters_are_exported(tiny_encoder, tmp_path, monkeypatch):
    """Adapters away from their zero start, so the export must fold them in: scores within the README's 1e-5."""
    import torch

    from tests.models.test_stance_model import tiny_config

    monkeypatch.setenv("STANDPUNT_ONNX_CACHE", str(tmp_path / "cache"))
    torch.manual_seed(4)
    model = StanceModel.create(tiny_config(tiny_encoder).model, str(tiny_encoder))
    with torch.no_grad():
        model.classifier.head.weight.mul_(20.0)
        at_zero = model.predict(TEXTS).scores
        for name, parameter in model.classifier.named_parameters():
            if "lora_B" in name:
                parameter.normal_(0, 0.5)
    folder = model.save(tmp_path / "adapted")
    reference = StanceModel.load(folder).predict(TEXTS)
    assert np.abs(reference.scores - at_zero).max() > 1e-3  # the adapters change the scores
    fast = OnnxStanceModel(folder).predict(TEXTS, batch_size=2)
    assert fast.labels == reference.labels
    assert np.abs(fast.scores - reference.scores).max() < 1e-5


def test_the_export_runs_in_a_child_so_the_first_predict_never_imports_torch(tiny_model, tmp_path):
    """The export peaks near 4 GB with the real encoder; exported by a child
    process, the predicting process stays at a cached run's footprint."""
    code = (
        "import sys; from standpunt.models.onnx_backend import OnnxStanceModel; "
        f"m = OnnxStanceModel({str(tiny_model)!r}); m.predict(['Ik deel uw conclusie.']); "
        "print('torch' in sys.modules, m.path.exists())"
    )
    result = fresh_python(code, tmp_path / "cache")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "exporting" in result.stderr  # it did export, in this run
    assert result.stdout.strip().splitlines()[-1] == "False True"


def test_a_model_that_cannot_be_exported_gets_one_line_naming_it(tiny_model, tmp_path, monkeypatch):
    import shutil

    from standpunt.models.onnx_backend import OnnxExportError

    monkeypatch.setenv("STANDPUNT_ONNX_CACHE", str(tmp_path / "cache"))
    broken = tmp_path / "broken"
    shutil.copytree(tiny_model, broken)
    (broken / "weights.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(OnnxExportError, match=r"broken: ONNX export failed: \S") as raised:
        OnnxStanceModel(broken)
    assert "\n" not in str(raised.value)
    assert not list((tmp_path / "cache").glob("*.onnx"))  # nothing half-written left in the cache
