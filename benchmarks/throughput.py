"""Classification throughput: the plain loop a user would write against
Standpunt's inference, in one process, interleaved over several rounds.

    python benchmarks/throughput.py [--paragraphs 2000] [--rounds 3]
    python benchmarks/throughput.py --device cuda --random-weights --tokenizer DIR   (GPU figure)

(a) plain: tokenizer and model called one paragraph at a time, fp32 PyTorch,
    torch.no_grad, as a user would write it with transformers;
(b) standpunt: the shipped model as predict loads it (ONNX Runtime fp32 by
    default: length-sorted batches with dynamic padding, tokenisation in one
    call up front, the model's read_tokens, and its combination with the
    rule book's cue model).
Both are set against the CPU's fp32 peak: the FLOPs each does per paragraph
(from the token counts it actually runs), the GFLOP/s it reaches, and that as
a share of the peak on paper and of a large matrix product's rate here.
Paragraphs come from the corpus letters, repeated to the requested count.
Also reports peak memory and, unless --no-end-to-end, the end-to-end rate and
cold start of `standpunt predict` on an archive of repeated example letters
(--end-to-end-archive corpus: distinct real letters, where no evidence
sentence repeats), and the plain loop's rate on that archive's paragraphs.
Where no ONNX export of the shipped model is cached yet (nor the int8 one
that predict's evidence pass runs on where the CPU has VNNI), it is made
first, in its own process, and its time and peak memory reported on their
own line: a one-off per model and machine, which the later figures do not
include.
--random-weights builds the same architecture with random weights: speed
does not depend on the weights, and a GPU machine need not hold the model."""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine, fp32_peak_gflops  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def corpus_paragraphs(count: int) -> list[str]:
    texts = []
    for name in ("real.jsonl", "synthetic.jsonl", "synthetic_genres.jsonl"):
        for line in (ROOT / "data" / "corpus" / name).read_text(encoding="utf-8").splitlines():
            texts += [" ".join(p["text"].split()) for p in json.loads(line)["paragraphs"]]
    return [texts[i % len(texts)] for i in range(count)]


def random_model(tokenizer_dir: str, device: str):
    """e5-small's architecture with random weights, for speed measurements."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertModel

    from standpunt.models.classifier import StanceClassifier
    from standpunt.pipelines.core.labels import LABELS

    config = BertConfig(
        vocab_size=250037,
        hidden_size=384,
        num_hidden_layers=12,
        num_attention_heads=12,
        intermediate_size=1536,
        max_position_embeddings=512,
        type_vocab_size=2,
        pad_token_id=1,
    )
    torch.manual_seed(0)
    classifier = StanceClassifier(BertModel(config, add_pooling_layer=False), 384).eval().to(device)
    settings = {"labels": list(LABELS), "max_length": 256, "window_overlap": 64, "prefix": "passage: "}
    return classifier, AutoTokenizer.from_pretrained(tokenizer_dir, local_files_only=True), settings


def encoder_flops(lengths: list[int], config) -> float:
    """FLOPs of the encoder (its transformers config) over sequences of these
    lengths: per layer the Q/K/V, output and feed-forward products (2 FLOPs a
    multiply-add) and the attention scores and weighted sum; the embedding
    lookup and the head are negligible."""
    hidden, ffn, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    per_token = 2 * (4 * hidden * hidden + 2 * hidden * ffn)
    return float(sum(layers * (n * per_token + 4 * n * n * hidden) for n in lengths))


def plain_lengths(tokenizer, texts: list[str]) -> list[int]:
    return [
        len(ids) for ids in tokenizer(["passage: " + t for t in texts], truncation=True, max_length=512)["input_ids"]
    ]


def plain_loop(classifier, tokenizer, texts, device):
    import torch

    with torch.no_grad():
        for text in texts:
            inputs = tokenizer("passage: " + text, return_tensors="pt", truncation=True, max_length=512).to(device)
            classifier(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"]).argmax(-1).tolist()


def torch_batched(classifier, tokenizer, settings, texts, device, batch_size, half):
    """Standpunt's batching (models.windows) on PyTorch, used on GPU."""
    import torch

    from standpunt.models.windows import make_windows, windowed_logits

    def run(ids, mask):
        ids, mask = (torch.from_numpy(a).to(device, non_blocking=True) for a in (ids, mask))
        return classifier(input_ids=ids, attention_mask=mask).float().cpu().numpy()

    windows = make_windows(tokenizer, texts, settings["max_length"], settings["window_overlap"], settings["prefix"])
    with torch.inference_mode(), torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=half):
        windowed_logits(windows, len(texts), len(settings["labels"]), batch_size, tokenizer.pad_token_id, run)


def one_off_export(quantize: str) -> dict | None:
    """The shipped model's ONNX export where this machine has none cached,
    made first, in its own process, timed and measured: it happens once per
    model and machine (`make run` makes it on a fresh clone), so the figures
    after it are those of every run but that first one, which pays it."""
    from standpunt.models.onnx_backend import export_in_child, is_exported, onnx_path

    shipped = ROOT / "models" / "default"
    target = onnx_path(shipped, quantize)
    if is_exported(target):
        return None
    started = time.perf_counter()
    export_in_child(shipped, target, quantize)
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    }


def end_to_end(letters: int, kind: str) -> dict:
    """`standpunt predict` over an archive of predict_scale.py's making."""
    from predict_scale import run

    return run(letters, str(ROOT / "models" / "default"), kind)


def plain_rate_on_archive(classifier, tokenizer, letters: int, kind: str, rounds: int, device: str) -> float:
    """The plain loop's rate on the very paragraphs the end-to-end archive
    holds (read and segmented as predict reads them): its paragraphs are not
    the corpus's, so a rate on corpus paragraphs is not the one to set
    predict's against. Each distinct letter runs once a round and counts as
    often as the archive holds it (the examples archive repeats six)."""
    import hashlib
    import tempfile
    from collections import Counter

    from predict_scale import make_archive

    from standpunt.pipelines.batch.reading import read_and_segment

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "archive"
        make_archive(folder, letters, kind)
        files = {}
        for path in sorted(folder.iterdir()):
            files.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), []).append(path)
        repeats = Counter({paths[0]: len(paths) for paths in files.values()})
        texts = {}
        for source in repeats:
            record = read_and_segment((str(source), source.stem, 10**9))
            texts[source] = [p["text"] for p in record.get("paragraphs", [])]
    rates = []
    for _ in range(rounds):
        seconds = 0.0
        for source, count in repeats.items():
            started = time.perf_counter()
            plain_loop(classifier, tokenizer, texts[source], device)
            seconds += count * (time.perf_counter() - started)
        rates.append(sum(count * len(texts[source]) for source, count in repeats.items()) / seconds)
    return sorted(rates)[len(rates) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--plain-share", type=float, default=0.25, help="share of the paragraphs the (slow) plain loop runs per round"
    )
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--random-weights", action="store_true")
    parser.add_argument("--tokenizer", help="tokenizer folder (with --random-weights)")
    parser.add_argument("--batch-size", type=int, help="windows per classifier call (default: configs/predict.yaml's)")
    parser.add_argument("--bf16", action="store_true", help="GPU: bfloat16 autocast for (b)")
    parser.add_argument("--quantize", default="none", choices=["none", "int8"])
    parser.add_argument(
        "--read-tokens",
        type=int,
        help="(b) reads this many tokens of a paragraph instead of the model's read_tokens (0: all); speed only",
    )
    parser.add_argument("--end-to-end-letters", type=int, default=300)
    parser.add_argument(
        "--end-to-end-archive",
        choices=("examples", "corpus"),
        default="examples",
        help="examples: the six example letters repeated; corpus: distinct real letters (predict_scale.py)",
    )
    parser.add_argument("--no-end-to-end", action="store_true")
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    if args.batch_size is None:
        from standpunt.pipelines.predict_config import load_predict_config

        args.batch_size = load_predict_config().batch_size
    import torch

    export = evidence_export = evidence_at = None
    if not args.random_weights:
        from standpunt.models.onnx_backend import evidence_quantization
        from standpunt.pipelines.predict_config import load_predict_config

        evidence_at = evidence_quantization(load_predict_config().inference.evidence_quantize, args.quantize)
        exports = [("the shipped model", args.quantize)]
        if evidence_at != args.quantize:  # predict's evidence pass runs on its own session (configs/predict.yaml)
            exports.append((f"its evidence pass ({evidence_at}, inference.evidence_quantize)", evidence_at))
        for what, quantize in exports:
            made = one_off_export(quantize)
            if quantize == args.quantize:
                export = made
            else:
                evidence_export = made
            print(
                f"ONNX export of {what}: "
                + (
                    f"none was cached, made first: {made['seconds']} s, peak {made['peak_mb']} MB in its own "
                    "process (once per model and machine; the figures below are every later run's)"
                    if made
                    else "cached (made once per model and machine)"
                ),
                flush=True,
            )
    e2e = None
    if not args.no_end_to_end and not args.random_weights:
        # First, while this process is small: a child's peak-RSS figure starts
        # from its parent's size at fork time.
        e2e = end_to_end(args.end_to_end_letters, args.end_to_end_archive)
    texts = corpus_paragraphs(args.paragraphs)
    plain_texts = texts[: max(1, int(len(texts) * args.plain_share))]
    if args.random_weights:
        classifier, tokenizer, settings = random_model(args.tokenizer, args.device)

        def ours(batch):
            torch_batched(classifier, tokenizer, settings, batch, args.device, args.batch_size, args.bf16)

        engine = f"PyTorch {args.device}, batches of {args.batch_size}" + (", bf16" if args.bf16 else "")
    else:
        from functools import partial

        from standpunt.models.loading import Predictor, resolve_model
        from standpunt.models.onnx_backend import OnnxStanceModel
        from standpunt.models.stance_model import StanceModel

        torch.set_num_threads(os.cpu_count() or 1)
        shipped = ROOT / "models" / "default"
        reference = StanceModel.load(shipped)
        classifier, tokenizer = reference.classifier.eval(), reference.tokenizer
        if args.read_tokens is None:
            predictor = resolve_model(str(shipped), backend="onnx", quantize=args.quantize, batch_size=args.batch_size)
        else:  # the combination's weights do not change its speed
            from standpunt.models.combination import Combination

            transformer = OnnxStanceModel(shipped, quantize=args.quantize)
            transformer.settings = {**transformer.settings, "read_tokens": args.read_tokens or None}
            reference.settings = transformer.settings
            combined = Combination.load(shipped).wrap(partial(transformer.predict, batch_size=args.batch_size))
            predictor = Predictor(str(shipped), "folder", None, combined)
        windows_of = reference.windows  # the same settings and token ids as the windows predict runs

        def ours(batch):
            predictor.predict(batch)

        read = reference.settings.get("read_tokens")
        engine = (
            f"ONNX Runtime {'int8' if args.quantize == 'int8' else 'fp32'}, batches of {args.batch_size}, "
            f"{f'first {read} tokens' if read else 'whole paragraphs'}, with the cue-model combination"
        )
    encoder_config = classifier.encoder.config
    transformer_share = 1.0
    flops = {"plain": encoder_flops(plain_lengths(tokenizer, texts), encoder_config) / len(texts)}
    if args.random_weights:
        from standpunt.models.windows import make_windows

        windows = make_windows(tokenizer, texts, settings["max_length"], settings["window_overlap"], settings["prefix"])
    else:
        from standpunt.models.combination import Combination

        # only the paragraphs the combination's gate passes on reach the transformer
        combination = Combination.load(shipped)
        passed = combination.needs_transformer(texts) if combination else [True] * len(texts)
        transformer_share = float(sum(passed)) / len(texts)
        windows = windows_of([text for text, keep in zip(texts, passed) if keep])
    flops["standpunt"] = encoder_flops([len(w) for w in windows.input_ids], encoder_config) / len(texts)
    peak = fp32_peak_gflops() if args.device == "cpu" else None
    plain_loop(classifier, tokenizer, texts[:8], args.device)  # warm-up
    ours(texts[:64])
    rates = {"plain": [], "standpunt": []}
    for _ in range(args.rounds):
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        started = time.perf_counter()
        plain_loop(classifier, tokenizer, plain_texts, args.device)
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        rates["plain"].append(len(plain_texts) / (time.perf_counter() - started))
        started = time.perf_counter()
        ours(texts)
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        rates["standpunt"].append(len(texts) / (time.perf_counter() - started))
    plain = sorted(rates["plain"])[len(rates["plain"]) // 2]
    fast_rate = sorted(rates["standpunt"])[len(rates["standpunt"]) // 2]
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    compute = {}
    for name, rate in (("plain", plain), ("standpunt", fast_rate)):
        gflops = rate * flops[name] / 1e9
        compute[name] = {"gflop_per_paragraph": round(flops[name] / 1e9, 2), "gflop_per_s": round(gflops, 1)}
        if peak:
            compute[name]["share_of_matmul_peak"] = round(gflops / peak["matmul"], 3)
            if peak["paper"]:
                compute[name]["share_of_paper_peak"] = round(gflops / peak["paper"], 3)
    result = {
        "device": args.device if args.device == "cpu" else torch.cuda.get_device_name(),
        "cores": os.cpu_count(),
        "paragraphs": len(texts),
        "rounds": args.rounds,
        "engine": engine,
        "plain_per_s": round(plain, 1),
        "standpunt_per_s": round(fast_rate, 1),
        "ratio": round(fast_rate / plain, 2),
        "rounds_plain": [round(r, 1) for r in rates["plain"]],
        "rounds_standpunt": [round(r, 1) for r in rates["standpunt"]],
        # each round runs (a) then (b) back to back, so its ratio is paired against drift in the machine's speed
        "ratio_per_round": [round(b / a, 2) for a, b in zip(rates["plain"], rates["standpunt"])],
        "peak_mb_this_process": round(peak_rss),
        "transformer_share": round(transformer_share, 3),
        "fp32_peak_gflop_per_s": peak,
        "compute": compute,
        "onnx_export_made_first": export,
        "evidence_quantize": evidence_at,
        "evidence_onnx_export_made_first": evidence_export,
    }
    print(
        f"(a) plain loop, one paragraph at a time, fp32: {result['plain_per_s']} paragraphs/s"
        f" (median of {args.rounds} rounds)"
    )
    print(
        f"(b) standpunt ({engine}): {result['standpunt_per_s']} paragraphs/s; the transformer read "
        f"{transformer_share:.0%} of them (the rest the combination's gate left to the cue model)"
    )
    print(
        f"ratio (b)/(a): {result['ratio']} (per round: {', '.join(map(str, result['ratio_per_round']))}); "
        f"peak memory of this process: {result['peak_mb_this_process']} MB"
    )
    if peak:
        print(
            f"fp32 peak: {peak['paper']} GFLOP/s on paper (cores x FLOPs/cycle x reported clock), "
            f"{peak['matmul']} GFLOP/s reached by a 2048x1536x1536 matrix product here"
        )
    for name, label in (("plain", "(a)"), ("standpunt", "(b)")):
        row = compute[name]
        shares = (
            f" = {row['share_of_matmul_peak']:.0%} of the matrix-product peak"
            + (f", {row['share_of_paper_peak']:.0%} of the paper peak" if "share_of_paper_peak" in row else "")
            if "share_of_matmul_peak" in row
            else ""
        )
        print(f"{label} {row['gflop_per_paragraph']} GFLOP a paragraph, {row['gflop_per_s']} GFLOP/s{shares}")
    if e2e is not None:
        result["end_to_end"] = e2e
        result["end_to_end"]["ratio_to_plain"] = round(e2e["paragraphs_per_s"] / plain, 2)
        same = plain_rate_on_archive(
            classifier, tokenizer, e2e["letters"], args.end_to_end_archive, args.rounds, args.device
        )
        result["end_to_end"]["plain_per_s_same_paragraphs"] = round(same, 1)
        result["end_to_end"]["ratio_to_plain_same_paragraphs"] = round(e2e["paragraphs_per_s"] / same, 2)
        print(
            f"standpunt predict end to end, {e2e['letters']} {args.end_to_end_archive} letters / "
            f"{e2e['paragraphs']} paragraphs: "
            f"{e2e['paragraphs_per_s']} paragraphs/s ({result['end_to_end']['ratio_to_plain']}x the plain loop on "
            f"corpus paragraphs; {result['end_to_end']['ratio_to_plain_same_paragraphs']}x the plain loop on the "
            f"archive's own paragraphs, {same:.1f}/s), cold start to first paragraph {e2e['cold_start_s']} s "
            f"(first letter done, evidence included: {e2e['first_letter_s']} s), peak {e2e['peak_mb']} MB"
        )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
