"""Does the cue model gain from where a paragraph sits in its letter? The
combination refitted with and without context features, cross-fitted by
letter over every real letter of a config, paired, per cue-model fold seed.

    python benchmarks/context_cues.py --config ALL.yaml [--arms answer,place] [--model models/default]

Arms (each beside the shipped recipe, "shipped"):

- answer: a paragraph opening with "Ja" or "Nee" (or "Antwoord 3 Nee")
  after a paragraph that ends in a question is read with that question, so
  the rule book's "Nee." to "Herkent u het geschetste beeld?" fires across
  the paragraph break; plus a flag for such an answer;
- place: relative position in the letter, first and last paragraph, and a
  heading above it that names the report's summary or findings, or the
  reply.

The shipped transformer's scores are the same in every arm (out of sample:
its fold models for the letters it trained on), so a difference is the
context's alone. Context is looked up by paragraph text; rows it does not
know (counterfactual edits, evidence sentences) get none."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from arm_report import print_arms  # noqa: E402
from combination_refit import ScoredOnce  # noqa: E402
from machine import describe_machine  # noqa: E402

import standpunt.models.baselines as baselines  # noqa: E402
from standpunt.models.combination import fit_combination, fold_cue_models  # noqa: E402
from standpunt.models.config import load_config  # noqa: E402
from standpunt.pipelines.combine_command import EDIT_FILES, combination_inputs, unseen_transformer  # noqa: E402
from standpunt.pipelines.core.corpus import paragraph_rows, read_records  # noqa: E402
from standpunt.pipelines.core.paths import project_path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ANSWER = re.compile(r"\s*(?:antwoord\s*\d*\s*[.:]?\s*)?(?:ja|neen?)\b", re.I)
REPORT_HEADING = re.compile(
    r"samenvatting|bevinding|conclusie|onderzoek|rapport|inleiding|aanleiding|achtergrond", re.I
)
REPLY_HEADING = re.compile(r"reactie|aanbeveling|standpunt|opvolging|maatregel", re.I)
SHIPPED_FEATURES = baselines.cue_features


def letter_context(config_path: str) -> dict[str, dict]:
    """Paragraph text -> its previous paragraph, index, letter length and heading."""
    context: dict[str, dict] = {}
    for name in load_config(config_path).data.real:
        letters: dict[str, list[dict]] = {}
        for row in paragraph_rows(read_records(project_path(name))):
            letters.setdefault(row["letter"], []).append(row)
        for rows in letters.values():
            for i, row in enumerate(rows):
                context.setdefault(
                    row["text"],
                    {"prev": rows[i - 1]["text"] if i else "", "i": i, "n": len(rows), "heading": row["heading"] or ""},
                )
    return context


def arm_features(context: dict[str, dict]) -> dict:
    def answer(text: str) -> list[float]:
        here = context.get(text)
        is_answer = bool(here and here["prev"].rstrip().endswith("?") and ANSWER.match(text))
        return SHIPPED_FEATURES(here["prev"] + " " + text if is_answer else text) + [float(is_answer)]

    def place(text: str) -> list[float]:
        here = context.get(text)
        if here is None:
            return SHIPPED_FEATURES(text) + [0.5, 0.0, 0.0, 0.0, 0.0]
        heading = here["heading"]
        return SHIPPED_FEATURES(text) + [
            here["i"] / max(here["n"] - 1, 1),
            float(here["i"] == 0),
            float(here["i"] == here["n"] - 1),
            float(bool(REPORT_HEADING.search(heading))),
            float(bool(REPLY_HEADING.search(heading))),
        ]

    return {"shipped": SHIPPED_FEATURES, "answer": answer, "place": place}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="training config whose data.real are the letters to judge on")
    parser.add_argument("--arms", default="answer,place")
    parser.add_argument("--model", default=str(ROOT / "models" / "default"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 14, 15])
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    features = arm_features(letter_context(args.config))
    arms = ["shipped"] + [arm for arm in args.arms.split(",") if arm]
    unknown = [arm for arm in arms if arm not in features]
    if unknown:
        parser.error(f"unknown arm(s): {', '.join(unknown)}; known: answer, place")
    real, extra, _, _ = combination_inputs(args.config, Path(args.model) / "metrics.json", EDIT_FILES)
    unseen = ScoredOnce(unseen_transformer(args.model))
    for seed in args.seeds:
        report = {}
        try:
            for arm in arms:
                baselines.cue_features = features[arm]
                _, report[arm] = fit_combination(
                    unseen, real, extra, seed=seed, cue_models=fold_cue_models(real, extra, seed=seed)
                )
        finally:
            baselines.cue_features = SHIPPED_FEATURES
        print_arms(seed, report, base="shipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
