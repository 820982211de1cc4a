"""Choose the stance model by cross-validation over real letters, never by one
small split (a 76-paragraph dev score once said 0.556 and meant nothing).

    python benchmarks/model_selection.py [--folds 5] [--repeats 3] [--candidates a,b,...] [--out FILE.md] [--no-mlflow]
                                         [--scores-out DIR]

Repeated grouped k-fold: a letter never straddles folds. Synthetic letters and
counterfactual edits go to training folds only (an edit only when its origin
letter is in the training fold), so every score is on original real
paragraphs. For each candidate: macro-F1 (mean over repeats, with a
letter-bootstrap 95% interval on the out-of-fold predictions), per-label F1,
expected calibration error before and after temperature scaling (the
temperature fitted on the other folds' out-of-fold predictions), and training
minutes per fold. Each candidate is an MLflow run in the experiment
`standpunt-model-selection`, so `mlflow ui` compares them."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from machine import describe_machine  # noqa: E402

from standpunt.models.combination import letter_folds  # noqa: E402
from standpunt.models.config import real_corpus_files  # noqa: E402
from standpunt.models.temperature import fit_temperature, scale_scores  # noqa: E402
from standpunt.pipelines.combine_command import EDIT_FILES  # noqa: E402
from standpunt.pipelines.core.corpus import read_edits, read_records  # noqa: E402
from standpunt.pipelines.core.labels import LABELS  # noqa: E402
from standpunt.pipelines.core.text import fold  # noqa: E402
from standpunt.pipelines.evaluation.bootstrap import letter_bootstrap  # noqa: E402
from standpunt.pipelines.evaluation.calibration import reliability  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
EXPERIMENT = "standpunt-model-selection"


@dataclass
class Item:
    letter: str
    text: str
    label: str
    weight: float = 1.0


def real_items(files: list[Path]) -> list[Item]:
    return [Item(r["id"], fold(p["text"]), p["label"]) for f in files for r in read_records(f) for p in r["paragraphs"]]


def extra_items(counterfactual: bool, synthetic_weight: float) -> list[Item]:
    """Training-only text: counterfactual edits (keyed by their origin letter)
    and synthetic letters (a letter id of their own, never in a test fold)."""
    out = []
    if counterfactual:
        out += [
            Item(row["origin_letter"], row["text"], row["label"]) for path in EDIT_FILES for row in read_edits(path)
        ]
    if synthetic_weight > 0:
        for record in read_records(CORPUS / "synthetic.jsonl"):
            out += [
                Item("synthetic:" + record["id"], fold(p["text"]), p["label"], synthetic_weight)
                for p in record["paragraphs"]
            ]
    return out


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, predicted, labels=list(LABELS), average="macro", zero_division=0))


def per_label_f1(gold: list[str], predicted: list[str]) -> dict[str, float]:
    from sklearn.metrics import f1_score

    values = f1_score(gold, predicted, labels=list(LABELS), average=None, zero_division=0)
    return {label: float(v) for label, v in zip(LABELS, values)}


# ---------------------------------------------------------------- candidates
class Baseline:
    def __init__(self, name: str):
        self.name = name

    def fit_predict(self, train: list[Item], test: list[str]) -> np.ndarray:
        from standpunt.models.baselines import make_baseline

        model = make_baseline(self.name, [i.text for i in train], [i.label for i in train])
        return model.predict(test).scores


class CachedLora:
    """The StanceModel with LoRA on the top layers, trained on cached lower
    layers (models/layer_cache.py); the cache is shared by all folds."""

    def __init__(self, overrides: list[str]):
        from standpunt.models.config import load_config

        # Whole paragraphs in windows, as these candidates were measured (the
        # default config now reads only the first 128 tokens); overrides may say otherwise.
        self.config = load_config(
            ROOT / "configs" / "default.yaml", ["train.threads=null", "model.read_tokens=null", *overrides]
        )
        self.memo: dict = {}

    def fit_predict(self, train: list[Item], test: list[str]) -> np.ndarray:
        import torch

        from standpunt.models.layer_cache import cached_logits, first_trained_layer
        from standpunt.models.stance_model import StanceModel
        from standpunt.models.trainer import fit, seed_everything

        seed_everything(self.config.train.seed)
        model = StanceModel.create(self.config.model, self.config.base_encoder)
        fit(
            model,
            [i.text for i in train],
            [i.label for i in train],
            self.config,
            memo=self.memo,
            weights=[i.weight for i in train],
        )
        split = first_trained_layer(self.config.model.lora_layers, self.config.model.finetune)
        logits = cached_logits(model, test, split, self.memo)
        return torch.softmax(torch.from_numpy(logits), dim=1).numpy()


class CachedSetFit:
    """SetFit-style (models/contrastive.py): LoRA on the top six layers shaped by
    in-batch cosine pairs on cached lower layers, then a logistic-regression
    head on the embeddings; the first 128 tokens, as the shipped model reads."""

    def __init__(self, **arguments):
        from standpunt.models.config import load_config
        from standpunt.models.contrastive import ContrastiveArguments

        self.config = load_config(ROOT / "configs" / "default.yaml", ["train.threads=null"])
        self.arguments = ContrastiveArguments(**arguments)
        self.memo: dict = {}

    def fit_predict(self, train: list[Item], test: list[str]) -> np.ndarray:
        from standpunt.models.contrastive import fit_contrastive, fit_head, head_scores, paragraph_embeddings
        from standpunt.models.layer_cache import first_trained_layer
        from standpunt.models.stance_model import StanceModel
        from standpunt.models.trainer import seed_everything

        seed_everything(self.arguments.seed)
        model = StanceModel.create(self.config.model, self.config.base_encoder)
        split = first_trained_layer(self.config.model.lora_layers, self.config.model.finetune)
        texts, labels = [i.text for i in train], [i.label for i in train]
        fit_contrastive(model, texts, labels, self.arguments, split, self.memo)
        head = fit_head(
            paragraph_embeddings(model, texts, split, self.memo), labels, self.arguments, [i.weight for i in train]
        )
        return head_scores(head, paragraph_embeddings(model, test, split, self.memo))


TOP4 = "model.lora_layers=[8,9,10,11]"
CANDIDATES = {
    "majority": (lambda: Baseline("majority"), False, 0.0),
    "lexicon": (lambda: Baseline("lexicon"), False, 0.0),
    "tfidf": (lambda: Baseline("tfidf"), False, 0.0),
    "tfidf+cf": (lambda: Baseline("tfidf"), True, 0.0),
    "hybrid": (lambda: Baseline("hybrid"), False, 0.0),
    "hybrid+cf": (lambda: Baseline("hybrid"), True, 0.0),
    "lora-top4": (lambda: CachedLora([TOP4, "train.epochs=4"]), False, 0.0),
    "lora-top4+cf": (lambda: CachedLora([TOP4, "train.epochs=4"]), True, 0.0),
    "lora-top4+cf+syn0.3": (lambda: CachedLora([TOP4, "train.epochs=4"]), True, 0.3),
    "lora-top2+cf": (lambda: CachedLora(["model.lora_layers=[10,11]", "train.epochs=4"]), True, 0.0),
    "lora-top2-short+cf": (
        lambda: CachedLora(
            ["model.lora_layers=[10,11]", "train.epochs=2", "model.max_length=128", "model.window_overlap=32"]
        ),
        True,
        0.0,
    ),
    "lora-top6-128": (lambda: CachedLora(["model.read_tokens=128"]), False, 0.0),
    # the default recipe as train.py runs it: synthetic letters at full weight
    "lora-top6-128+syn1": (lambda: CachedLora(["model.read_tokens=128"]), False, 1.0),
    "setfit": (lambda: CachedSetFit(), False, 0.0),
    "setfit+syn0.3": (lambda: CachedSetFit(), False, 0.3),
}


def cross_validate(
    name: str, items: list[Item], folds: int, repeats: int, log=print, scores_out: Path | None = None
) -> dict:
    make, counterfactual, synthetic_weight = CANDIDATES[name]
    candidate = make()
    extra = extra_items(counterfactual, synthetic_weight)
    letters = sorted({i.letter for i in items})
    gold = [i.label for i in items]
    runs, seconds = [], []
    for repeat in range(repeats):
        fold_of = letter_folds(letters, folds, 1000 + repeat)
        scores = np.zeros((len(items), len(LABELS)), dtype=np.float64)
        fold_ids = np.array([fold_of[i.letter] for i in items])
        for k in range(folds):
            train = [i for i in items if fold_of[i.letter] != k]
            train += [e for e in extra if fold_of.get(e.letter, -1) != k]
            test = [n for n in range(len(items)) if fold_of[items[n].letter] == k]
            started = time.perf_counter()
            scores[test] = candidate.fit_predict(train, [items[n].text for n in test])
            seconds.append(time.perf_counter() - started)
            log(f"  {name} repeat {repeat + 1} fold {k + 1}/{folds}: {seconds[-1] / 60:.1f} min")
        runs.append((scores, fold_ids))
        predicted = [LABELS[j] for j in scores.argmax(axis=1)]
        log(f"  {name} repeat {repeat + 1}: macro-F1 {macro_f1(gold, predicted):.3f}")
    if scores_out is not None:  # the out-of-fold scores, e.g. to try a candidate inside the combination
        scores_out.mkdir(parents=True, exist_ok=True)
        np.savez(
            scores_out / f"{name}.npz",
            scores=np.stack([r[0] for r in runs]),
            folds=np.stack([r[1] for r in runs]),
            letters=np.array([i.letter for i in items]),
            texts=np.array([i.text for i in items]),
        )
    return summarise(name, items, runs, seconds, synthetic_weight, counterfactual)


def ece(scores: np.ndarray, gold_ids: np.ndarray) -> float:
    return reliability(scores.max(axis=1), scores.argmax(axis=1) == gold_ids)[0]


def calibrated(scores: np.ndarray, fold_ids: np.ndarray, gold_ids: np.ndarray) -> np.ndarray:
    """Each fold's scores scaled by a temperature fitted on the other folds."""
    out = np.zeros_like(scores)
    for k in np.unique(fold_ids):
        rest = fold_ids != k
        temperature = fit_temperature(scores[rest], gold_ids[rest])
        out[~rest] = scale_scores(scores[~rest], temperature)
    return out


def summarise(
    name: str, items: list[Item], runs, seconds: list[float], synthetic_weight: float, counterfactual: bool
) -> dict:
    gold = [i.label for i in items]
    gold_ids = np.array([LABELS.index(g) for g in gold])
    f1s, push, eces, eces_cal, per_label = [], [], [], [], []
    for scores, fold_ids in runs:
        predicted = [LABELS[j] for j in scores.argmax(axis=1)]
        f1s.append(macro_f1(gold, predicted))
        per_label.append(per_label_f1(gold, predicted))
        push.append(per_label[-1]["pushback"])
        eces.append(ece(scores, gold_ids))
        eces_cal.append(ece(calibrated(scores, fold_ids, gold_ids), gold_ids))
    first = [LABELS[j] for j in runs[0][0].argmax(axis=1)]
    interval = letter_bootstrap([i.letter for i in items], gold, first, list(LABELS), resamples=1000, seed=13)[
        "macro_f1"
    ]
    return {
        "candidate": name,
        "macro_f1": float(np.mean(f1s)),
        "macro_f1_sd": float(np.std(f1s)),
        "macro_f1_ci": [float(interval[0]), float(interval[1])],
        "per_label": {label: float(np.mean([p[label] for p in per_label])) for label in LABELS},
        "pushback_f1": float(np.mean(push)),
        "ece": float(np.mean(eces)),
        "ece_calibrated": float(np.mean(eces_cal)),
        "train_minutes_per_fold": float(np.mean(seconds) / 60),
        "synthetic_weight": synthetic_weight,
        "counterfactual": counterfactual,
        "letters": len({i.letter for i in items}),
        "paragraphs": len(items),
    }


def table(rows: list[dict], folds: int, repeats: int) -> str:
    lines = [
        f"| candidate | macro-F1 (mean of {repeats} x {folds}-fold) | 95% CI (letters) "
        "| agree | acknowledge | pushback | none "
        "| ECE | ECE after temperature | train min/fold |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['candidate']} | {r['macro_f1']:.3f} ± {r['macro_f1_sd']:.3f} | "
            f"{r['macro_f1_ci'][0]:.3f}-{r['macro_f1_ci'][1]:.3f} | "
            + " | ".join(f"{r['per_label'][label]:.3f}" for label in LABELS)
            + f" | {r['ece']:.3f} | {r['ece_calibrated']:.3f} | {r['train_minutes_per_fold']:.2f} |"
        )
    return "\n".join(lines)


def log_to_mlflow(rows: list[dict], folds: int, repeats: int) -> None:
    import mlflow

    from standpunt.models import tracking

    tracking.setup(None, EXPERIMENT)
    for r in rows:
        with mlflow.start_run(run_name=r["candidate"]):
            mlflow.log_params(
                {
                    "candidate": r["candidate"],
                    "folds": folds,
                    "repeats": repeats,
                    "synthetic_weight": r["synthetic_weight"],
                    "counterfactual": r["counterfactual"],
                    "letters": r["letters"],
                    "paragraphs": r["paragraphs"],
                }
            )
            mlflow.log_metrics(
                {
                    "cv_macro_f1": r["macro_f1"],
                    "cv_macro_f1_sd": r["macro_f1_sd"],
                    "cv_macro_f1_ci_low": r["macro_f1_ci"][0],
                    "cv_macro_f1_ci_high": r["macro_f1_ci"][1],
                    "cv_ece": r["ece"],
                    "cv_ece_calibrated": r["ece_calibrated"],
                    "train_minutes_per_fold": r["train_minutes_per_fold"],
                    **{f"cv_{label}_f1": v for label, v in r["per_label"].items()},
                }
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--candidates", default=",".join(CANDIDATES))
    parser.add_argument(
        "--data",
        nargs="*",
        help="real-letter files (default: configs/default.yaml's data.real)",
    )
    parser.add_argument("--out", type=Path, help="write the table (Markdown) and the rows (JSON beside it)")
    parser.add_argument("--no-mlflow", action="store_true")
    parser.add_argument("--scores-out", type=Path, help="folder for each candidate's out-of-fold scores (.npz)")
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    items = real_items([Path(p) for p in args.data] if args.data else real_corpus_files())
    print(
        f"{len({i.letter for i in items})} real letters, {len(items)} paragraphs; "
        f"{args.repeats} x {args.folds}-fold grouped by letter",
        flush=True,
    )
    rows = []
    for name in args.candidates.split(","):
        if name not in CANDIDATES:
            print(f"model_selection: unknown candidate '{name}' (known: {', '.join(CANDIDATES)})", file=sys.stderr)
            return 2
        rows.append(
            cross_validate(
                name, items, args.folds, args.repeats, log=lambda s: print(s, flush=True), scores_out=args.scores_out
            )
        )
        print(table(rows[-1:], args.folds, args.repeats).splitlines()[-1], flush=True)
    text = describe_machine() + "\n\n" + table(rows, args.folds, args.repeats)
    print("\n" + text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    if not args.no_mlflow:
        log_to_mlflow(rows, args.folds, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
