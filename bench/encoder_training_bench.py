"""Fine-tune step time of minilm.v1 in float32 and in bfloat16, in the same process.

    PYTHONPATH=. .venv/bin/python bench/encoder_training_bench.py --data ../shared/data
                                  [--steps 20] [--repeats 3] [--threads 2]

Each run fine-tunes a fresh model for `--steps` batches of 32 English training rows (the same
rows, in the same order, for both precisions), alternating float32 and bfloat16; prints the
median seconds per step of each and their ratio. bfloat16 is fast only where the CPU does it in
hardware (AVX512-BF16 or AMX); the last line says whether this one does.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from moderation.classifiers.minilm import check_base, installed_base  # noqa: E402
from moderation.corpora import load_corpora  # noqa: E402
from moderation.encoder import SentenceEncoder, Tokens, native_bf16  # noqa: E402
from moderation.encoder_training import (  # noqa: E402
    LABELS,
    EncoderOptions,
    english_rows,
    fine_tune,
)
from moderation.training import training_tables  # noqa: E402

PRECISIONS = ("fp32", "bf16")


def seconds_per_step(rows, base: Path, options: EncoderOptions) -> float:
    torch.manual_seed(options.seed)
    model = SentenceEncoder(base, LABELS, options.tuned_layers)
    tokens = Tokens(base, options.max_tokens, options.tail_tokens)
    started = time.perf_counter()
    fine_tune(model, tokens, rows, options)
    return (time.perf_counter() - started) / (len(rows) // options.batch_size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    base = check_base(installed_base())
    defaults = EncoderOptions()
    rows = english_rows(*training_tables(load_corpora(Path(args.data))), defaults)
    train = rows[rows.split == "train"].sample(frac=1.0, random_state=defaults.seed)
    train = train.head(args.steps * defaults.batch_size)
    times: dict[str, list[float]] = {p: [] for p in PRECISIONS}
    for _ in range(args.repeats):
        for precision in PRECISIONS:  # alternating, so drifting load hits both alike
            options = EncoderOptions(epochs=1.0, precision=precision)
            times[precision].append(seconds_per_step(train, base, options))
    medians = {p: statistics.median(t) for p, t in times.items()}
    print(f"{args.steps} steps of {defaults.batch_size} rows, {args.threads} threads, median of")
    print(f"{args.repeats} runs each, float32 and bfloat16 alternating")
    for precision, value in medians.items():
        print(f"  {precision}: {value:.3f} s/step")
    print(f"bf16 / fp32 speed: {medians['fp32'] / medians['bf16']:.2f}x")
    print(f"bfloat16 in hardware on this CPU: {native_bf16()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
