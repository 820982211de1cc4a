"""run.json: which model produced a predict folder, with what settings and
code, and when. Written when a run starts (so a killed run still names its
model) and again when it ends; a resume under another model is refused,
because one folder must never hold the labels of two models.

The schema is documented in docs/outputs.md."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
from pathlib import Path

from standpunt.models.identity import ModelIdentity
from standpunt.pipelines.core.errors import StandpuntError

MANIFEST = "run.json"
SCHEMA = 1
# Everything `standpunt predict` and `standpunt report` write into a folder:
# --force-new moves these aside together.
OUTPUT_FILES = (
    "run.json",
    "paragraphs.jsonl",
    "letters.jsonl",
    "paragraphs.csv",
    "letters.csv",
    "paragraphs.parquet",
    "letters.parquet",
    "report.html",
    "summary.csv",
    "summary.json",
)


class ModelMismatchError(StandpuntError):
    """A resume under a model other than the one that wrote the folder."""


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def read_manifest(folder: Path) -> dict | None:
    path = Path(folder) / MANIFEST
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelMismatchError(
            f"{path}: unreadable ({exc}); cannot tell which model wrote {folder}: use another --out or --force-new"
        ) from exc


def has_outputs(folder: Path) -> bool:
    """Whether the folder already holds labelled letters."""
    files = any(
        (Path(folder) / name).exists() and (Path(folder) / name).stat().st_size > 0
        for name in ("letters.jsonl", "paragraphs.jsonl")
    )
    # spark-predict's tables: folders of Parquet part files
    parts = any(
        path.is_dir() and any(path.glob("*.parquet"))
        for path in (Path(folder) / "letters.parquet", Path(folder) / "paragraphs.parquet")
    )
    return files or parts


def describe(model: dict) -> str:
    version = f" version {model['version']}" if model.get("version") else ""
    quantize = f", {model['quantize']}" if model.get("quantize") not in (None, "none") else ""
    return f"{model.get('name') or model.get('resolved')}{version} ({str(model.get('sha256', ''))[:12]}{quantize})"


def check_resume(folder: Path, model: dict) -> dict | None:
    """The folder's manifest if this run may continue it; raises
    ModelMismatchError if the folder holds letters of another model (or of
    an unknown one)."""
    if not has_outputs(folder):
        return None  # nothing labelled yet: nothing could be mixed
    manifest = read_manifest(folder)
    if manifest is None:
        raise ModelMismatchError(
            f"{folder}: holds letters but no {MANIFEST}, so which model wrote them is unknown; "
            "use another --out, or --force-new to start it afresh"
        )
    old = manifest.get("model") or {}
    if (old.get("sha256"), old.get("quantize")) != (model["sha256"], model["quantize"]):
        raise ModelMismatchError(
            f"{folder}: written by {describe(old)}, not by {describe(model)}: resuming would mix two models' labels; "
            "use another --out, or --force-new to start it afresh"
        )
    return manifest


def set_aside(folder: Path) -> Path | None:
    """Move the outputs of an earlier run into folder/superseded-<UTC time>/
    (nothing is deleted). None when there was nothing to move."""
    present = [name for name in OUTPUT_FILES if (Path(folder) / name).exists()]
    if not present:
        return None
    target = Path(folder) / f"superseded-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S%fZ')}"
    target.mkdir()
    for name in present:
        shutil.move(str(Path(folder) / name), str(target / name))
    return target


def model_record(
    identity: ModelIdentity, backend: str | None, quantize: str | None, evidence_quantize: str | None = None
) -> dict:
    return {**identity.as_dict(), "backend": backend, "quantize": quantize, "evidence_quantize": evidence_quantize}


def predictor_record(predictor, config) -> dict:
    """run.json's `model` for a loaded Predictor under a predict config:
    baselines use neither a backend nor a quantisation. `evidence_quantize`
    is what the evidence pass ran at on this machine (`auto` resolved); it
    changes which sentence shows for a few findings, never a label, so a
    run may resume under another."""
    baseline = predictor.kind == "baseline"
    inference = config.inference
    evidence = None
    if not baseline:
        from standpunt.models.onnx_backend import evidence_quantization

        evidence = (
            evidence_quantization(inference.evidence_quantize, inference.quantize)
            if inference.backend == "onnx"
            else "none"
        )
    return model_record(
        predictor.identity,
        None if baseline else inference.backend,
        None if baseline else inference.quantize,
        evidence,
    )


def new_manifest(model: dict, config, previous: dict | None, version: str | None, commit: str | None) -> dict:
    """The manifest at the start of a session; a resumed folder keeps its first start and earlier sessions."""
    session = {"started": now(), "finished": None, "standpunt_version": version, "git_commit": commit}
    return {
        "schema": SCHEMA,
        "model": model,
        "backend": model["backend"],
        "quantize": model["quantize"],
        "config": dataclasses.asdict(config),
        "tracking_uri": config.tracking.uri(),  # the registry consulted for the default model
        "standpunt": {"version": version, "git_commit": commit},
        "started": (previous or {}).get("started") or session["started"],
        "finished": None,
        "counts": (previous or {}).get("counts") or {"letters": 0, "ok": 0, "failed": 0, "paragraphs": 0},
        "sessions": list((previous or {}).get("sessions") or []) + [session],
    }


def finish(manifest: dict, totals: dict, session_counts: dict) -> dict:
    manifest["finished"] = manifest["sessions"][-1]["finished"] = now()
    manifest["counts"] = totals
    manifest["sessions"][-1].update(session_counts)
    return manifest


def write_manifest(folder: Path, manifest: dict) -> None:
    """Atomically: a reader never sees half a manifest."""
    path = Path(folder) / MANIFEST
    staging = path.with_suffix(".json.tmp")
    staging.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(staging, path)
