"""A revision of the rule-book lexicon judged where it matters: inside the
combination that ships, cross-fitted by letter over every real letter of a
config, and on minimal pairs.

    python benchmarks/lexicon_revision.py --config ALL.yaml [--before REV] [--pairs FILE ...]
        [--model models/default] [--seeds 13 14 15]

The cue model reads the lexicon's hits as features (models/baselines.py,
cue_features), so a new cue changes the combination only through a refit.
Both arms refit the cue model and the stacker exactly as `standpunt combine`
does, with the shipped transformer's scores held fixed (out of sample: its
fold models for the letters it trained on), so a difference is the
lexicon's alone: --before (a git revision, default HEAD) against the working
tree, paired by letter, per cue-model fold seed. Labels the rule book settles
outright (`settle_by_rule_book`) count in an arm whose lexicon has them. The lexicon alone is scored
on the same paragraphs and on each --pairs file (the combination's pairs:
benchmarks/robustness.py after `standpunt combine`)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from arm_report import print_arms  # noqa: E402
from combination_refit import ScoredOnce  # noqa: E402
from machine import describe_machine  # noqa: E402

import standpunt.models.baselines as baselines  # noqa: E402
import standpunt.models.combination as combination  # noqa: E402
from standpunt.models.combination import fit_combination, fold_cue_models  # noqa: E402
from standpunt.models.metrics import classification_metrics  # noqa: E402
from standpunt.pipelines.combine_command import EDIT_FILES, combination_inputs, unseen_transformer  # noqa: E402
from standpunt.pipelines.evaluation.minimal_pairs import pair_texts, pairs_passed, read_pairs  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def lexicon_at(revision: str):
    """models/baselines.py as it stood at a git revision, imported as its own module."""
    source = subprocess.run(
        ["git", "show", f"{revision}:models/baselines.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    folder = Path(tempfile.mkdtemp(prefix="lexicon-"))
    path = folder / "baselines_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("baselines_before", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="training config whose data.real are the letters to judge on")
    parser.add_argument("--before", default="HEAD", help="git revision of the lexicon to compare against")
    parser.add_argument("--pairs", type=Path, nargs="*", default=[ROOT / "data" / "robustness" / "pairs.jsonl"])
    parser.add_argument("--model", default=str(ROOT / "models" / "default"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 14, 15])
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    before = lexicon_at(args.before)
    arms = {"before": before, "after": baselines}
    features = {"before": before.cue_features, "after": baselines.cue_features}
    # the labels the rule book settles outright (combination.settle_by_rule_book): only where --before has them
    settle = {
        "before": getattr(before, "decisive_label", None) and combination.settle_by_rule_book,
        "after": combination.settle_by_rule_book,
    }
    shipped_settle = combination.settle_by_rule_book
    real, extra, _, _ = combination_inputs(args.config, Path(args.model) / "metrics.json", EDIT_FILES)
    unseen = ScoredOnce(unseen_transformer(args.model))
    shipped_features = features["after"]
    pair_sets = [(path.name, read_pairs(path)) for path in args.pairs]
    for seed in args.seeds:
        report = {}
        try:
            for arm in arms:
                baselines.cue_features = features[arm]
                combination.settle_by_rule_book = settle[arm] or (lambda texts, scores: scores)
                _, report[arm] = fit_combination(
                    unseen, real, extra, seed=seed, cue_models=fold_cue_models(real, extra, seed=seed)
                )
        finally:
            baselines.cue_features = shipped_features
            combination.settle_by_rule_book = shipped_settle
        print_arms(seed, report, base="before")
    texts, gold = real.texts, real.labels
    for arm, module in arms.items():
        metrics = classification_metrics(gold, [module.LexiconBaseline.label_of(t)[0] for t in texts])
        print(f"lexicon {arm}: {metrics['macro_f1']:.3f} (pushback {metrics['per_label']['pushback']['f1']:.3f})")
        for name, pairs in pair_sets:
            labels = [module.LexiconBaseline.label_of(text)[0] for text in pair_texts(pairs)]
            print(f"  lexicon {arm} on {name}: {pairs_passed(pairs, labels)} of {len(pairs)} pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
