"""`standpunt predict`: files -> paragraphs with stance labels, and letters
with findings, streamed in batches so memory stays flat however large the
archive.

Worker processes read and segment letters (PDF parsing is the slow part of
ingestion) while the main process classifies. At most a few batches of
letters are in flight at a time, so a slow classifier holds the readers back
instead of letting results pile up in memory. A worker that dies or hangs
costs its letter, not the run (pool.py); run.json names the model
(manifest.py)."""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from standpunt.models.loading import Predictor, resolve_model
from standpunt.models.tracking import git_commit, standpunt_version
from standpunt.pipelines.batch.manifest import (
    MANIFEST,
    check_resume,
    finish,
    new_manifest,
    predictor_record,
    set_aside,
    write_manifest,
)
from standpunt.pipelines.batch.outputs import LETTERS, PARAGRAPHS, OutputFolder
from standpunt.pipelines.batch.pool import ReaderPool
from standpunt.pipelines.core.errors import StandpuntError
from standpunt.pipelines.core.labels import LABELS
from standpunt.pipelines.inputs import expand_inputs
from standpunt.pipelines.predict_config import PredictConfig
from standpunt.pipelines.summarize.evidence import evidence_scorer
from standpunt.pipelines.summarize.letter import LabelledParagraph, evidence_candidates, summarize_letter

# Paragraphs classified in one pass: the first pass is the first letter alone
# so its result is written within seconds of starting (cold start); later ones
# double up to LARGEST_GROUP so more paragraphs are sorted by length together
# and batches pad less.
FIRST_GROUP = 1
LARGEST_GROUP = 256


@dataclass
class RunStats:
    ok: int = 0
    failed: int = 0
    already_done: int = 0
    paragraphs: int = 0
    seconds: float = 0.0
    unmatched: list[str] | None = None
    worker_restarts: int = 0
    failures: Counter = field(default_factory=Counter)  # reason -> letters


@dataclass
class LabelledGroup:
    """A group of letters whose paragraphs are labelled but not yet
    summarised: their paragraph records can be written before the evidence
    sentences are scored."""

    group: list[dict]
    letters: list[tuple[dict, list[dict], list[LabelledParagraph]]]  # ok letters: result, records, labelled


def label_group(group: list[dict], predictor: Predictor) -> LabelledGroup:
    """Label every paragraph of a group of letters in one pass."""
    texts = [p["text"] for r in group if r["status"] == "ok" for p in r["paragraphs"]]
    prediction = predictor.predict(texts) if texts else None
    short = predictor.identity.short
    rounded = prediction.score_dicts(6) if prediction is not None else []
    position = 0
    labelled_letters: list[tuple[dict, list[dict], list[LabelledParagraph]]] = []
    for result in group:
        if result["status"] != "ok":
            continue
        paragraphs, labelled = [], []
        for record in result["paragraphs"]:
            scores = rounded[position]
            label = prediction.labels[position]
            position += 1
            paragraphs.append({**record, "label": label, "scores": scores, "model": short})
            labelled.append(LabelledParagraph(record["paragraph"], record["text"], record["heading"], label, scores))
        labelled_letters.append((result, paragraphs, labelled))
    return LabelledGroup(group, labelled_letters)


def summarise_group(
    labelled: LabelledGroup, predictor: Predictor, config: PredictConfig
) -> list[tuple[dict, list[dict]]]:
    """Score the candidate evidence sentences of every letter of the group in
    one pass (each finding's shortlist: summarize/evidence.py), then summarise
    each letter: (letter line, paragraph records)."""
    rule = config.summary.finding_rule
    score_sentences = None
    if config.summary.evidence:
        candidates = [c for _, _, paragraphs in labelled.letters for c in evidence_candidates(paragraphs, rule)]
        score_sentences = evidence_scorer(predictor, candidates, config.summary.evidence_shortlist)
    choose = predictor.choose_evidence
    summaries = {
        id(result): (paragraphs, summarize_letter(labelled_paragraphs, rule, score_sentences, choose))
        for result, paragraphs, labelled_paragraphs in labelled.letters
    }
    out = []
    for result in labelled.group:
        if result["status"] != "ok":
            out.append(({k: result[k] for k in ("letter", "source", "status", "reason", "error")}, []))
            continue
        paragraphs, summary = summaries[id(result)]
        letter = {
            "letter": result["letter"],
            "source": result["source"],
            "status": "ok",
            "metadata": result["metadata"],
            "n_paragraphs": len(paragraphs),
            "counts": summary["counts"],
            "findings": summary["findings"],
            "warnings": result["warnings"],
        }
        out.append((letter, paragraphs))
    return out


def classify_group(group: list[dict], predictor: Predictor, config: PredictConfig) -> list[tuple[dict, list[dict]]]:
    """Label every paragraph of a group of letters in one pass, score the
    candidate evidence sentences of all of them in a second, then summarise
    each letter."""
    return summarise_group(label_group(group, predictor), predictor, config)


class NothingToPredict(StandpuntError):
    """No input matched a letter file."""


def configured_predictor(config: PredictConfig) -> Predictor:
    """The model a predict config names (or the default), on its backend: the
    same for `predict` and `spark-predict`."""
    return resolve_model(
        config.model,
        backend=config.inference.backend,
        quantize=config.inference.quantize,
        threads=config.inference.threads,
        batch_size=config.batch_size,
        registry=config.tracking,
        evidence_quantize=config.inference.evidence_quantize,
    )


def start_afresh(folder: Path, log) -> None:
    """--force-new: an earlier run's files are moved aside, never deleted."""
    moved = set_aside(folder)
    if moved:
        log(f"standpunt: --force-new: earlier outputs moved to {moved}")


def _check_writable(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / ".standpunt-write-test"
    probe.write_text("")
    probe.unlink()


def predict_archive(
    inputs: list[str],
    out_dir: str | Path,
    config: PredictConfig,
    progress: bool = True,
    log=print,
    predictor: Predictor | None = None,
    force_new: bool = False,
) -> RunStats:
    """Label every letter the inputs name into out_dir (resuming what is
    there). `predictor` must carry its identity; default: the model the config names."""
    started = time.time()
    stats = RunStats()
    files, stats.unmatched = expand_inputs(inputs)
    if not files:
        raise NothingToPredict("nothing to predict: no files found in the inputs")
    folder = Path(out_dir)
    _check_writable(folder)
    max_bytes = int(config.max_size_mb * 1024 * 1024)
    workers = max(1, min(config.workers or os.cpu_count() or 1, len(files)))
    # Workers start (and import the readers) while the model loads, and in a
    # fresh folder the first letter is read meanwhile too: 0.66 s of a 4.7 s
    # cold start was that letter, read only once the model was there.
    readers = ReaderPool(workers, max_bytes, config.letter_timeout_s)
    if force_new or not (folder / MANIFEST).exists():
        readers.read_ahead((str(files[0].path), files[0].letter))
    try:
        predictor = predictor or configured_predictor(config)
        model = predictor_record(predictor, config)
        if force_new:
            start_afresh(folder, log)
        previous = check_resume(folder, model)
        manifest = new_manifest(model, config, previous, standpunt_version(), git_commit())
        output = OutputFolder(folder)
    except BaseException:
        readers.terminate()
        raise
    todo = [f for f in files if f.letter not in output.done]
    stats.already_done = len(files) - len(todo)
    if stats.already_done:
        log(f"standpunt: resuming in {out_dir}: {stats.already_done} letters already done, {len(todo)} to go")
    from tqdm.auto import tqdm

    bar = tqdm(total=len(todo), unit="letter", disable=not progress, desc="predict")
    try:
        write_manifest(folder, manifest)  # before the first letter: a killed run still names its model
        group: list[dict] = []
        group_size = FIRST_GROUP
        n_paragraphs = 0
        remaining = len(todo)
        for result in readers.results((str(f.path), f.letter) for f in todo):
            remaining -= 1
            group.append(result)
            n_paragraphs += len(result.get("paragraphs", ()))
            # Small first groups give a quick first result; larger ones later
            # sort more paragraphs by length and so pad less.
            if n_paragraphs >= group_size or not remaining:
                group_size = min(group_size * 2, LARGEST_GROUP)
                labelled = label_group(group, predictor)
                # Paragraph lines go out as soon as they are labelled; each
                # letter's line follows once its evidence is scored (a letter
                # counts as done only then, outputs.py).
                for _, paragraphs, _ in labelled.letters:
                    output.write_paragraphs(paragraphs)
                for letter, paragraphs in summarise_group(labelled, predictor, config):
                    output.finish_letter(letter, len(paragraphs))
                    if letter["status"] == "ok":
                        stats.ok += 1
                        stats.paragraphs += len(paragraphs)
                    else:
                        stats.failed += 1
                        stats.failures[letter["reason"]] += 1
                        log(f"standpunt: {letter['error']}")
                bar.update(len(group))
                elapsed = max(time.time() - started, 1e-6)
                bar.set_postfix(paragraphs_per_s=f"{stats.paragraphs / elapsed:.1f}", failed=stats.failed)
                group = []
                n_paragraphs = 0
        readers.close()
    finally:
        readers.terminate()
        bar.close()
        output.close()
    stats.seconds = time.time() - started
    stats.worker_restarts = readers.restarts
    finish(
        manifest,
        dict(output.totals),
        {
            "letters_ok": stats.ok,
            "letters_failed": stats.failed,
            "already_done": stats.already_done,
            "paragraphs": stats.paragraphs,
            "worker_restarts": stats.worker_restarts,
        },
    )
    write_manifest(folder, manifest)
    return stats


def export_tables(out_dir: Path, formats: list[str]) -> list[Path]:
    """paragraphs and letters as parquet or CSV too (same rows as the JSONL)."""
    import json

    import pandas as pd

    from standpunt.pipelines.batch.outputs import read_jsonl

    written = []
    paragraphs = read_jsonl(out_dir / PARAGRAPHS)
    letters = read_jsonl(out_dir / LETTERS)
    paragraph_rows = [
        {
            **{k: v for k, v in p.items() if k not in ("scores", "spans")},
            "spans": json.dumps(p["spans"]),
            **{f"score_{label}": p["scores"][label] for label in LABELS},
        }
        for p in paragraphs
    ]
    letter_rows = []
    for letter in letters:
        row = {
            "letter": letter["letter"],
            "source": letter["source"],
            "status": letter["status"],
            "reason": letter.get("reason"),
            "error": letter.get("error"),
            "n_paragraphs": letter.get("n_paragraphs"),
        }
        row.update({f"meta_{k}": v for k, v in (letter.get("metadata") or {}).items()})
        row.update({f"count_{k}": v for k, v in (letter.get("counts") or {}).items()})
        row["findings"] = json.dumps(letter.get("findings") or [], ensure_ascii=False)
        letter_rows.append(row)
    for name, rows in (("paragraphs", paragraph_rows), ("letters", letter_rows)):
        frame = pd.DataFrame(rows)
        for fmt in formats:
            path = out_dir / f"{name}.{fmt}"
            if fmt == "parquet":
                frame.to_parquet(path, index=False)
            else:
                frame.to_csv(path, index=False)
            written.append(path)
    return written
