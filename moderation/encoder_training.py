"""Train `minilm.v1`: fine-tune MiniLM on the English rows, then calibrate and blend.

    English train rows (toxicity + spam, one head each) → fine-tune all 6 layers, 2 epochs
    → encoder logits on the calibration split → Platt per label, and the blend with `linear.v2`

One network serves both labels (one forward pass per post); a row teaches only its own task's
head. Rows, splits and weights are `moderation.training`'s, so `evaluate` measures text this model
never saw. Only English: the cascade never sends Han-script posts here (all-MiniLM-L6-v2 was
trained on English).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.linear_model import LogisticRegression

from moderation.cascade import HAN_SCRIPT, in_band
from moderation.classifiers.base import OPEN_BAND
from moderation.classifiers.minilm import (
    BASE_WEIGHTS,
    EncoderArtifact,
    blend,
    check_same_base,
    file_sha256,
    logit,
)
from moderation.corpora import load_corpora
from moderation.encoder import (
    MAX_TOKENS,
    TAIL_TOKENS,
    SentenceEncoder,
    Tokens,
    length_sorted_batches,
    logits,
    resolve_precision,
)
from moderation.heads import source_weights
from moderation.thresholds import calibration_negatives, no_looser_than, thresholds_at_fpr
from moderation.training import Trained, require_both_labels, training_tables

logger = logging.getLogger(__name__)

LABELS = ("toxicity", "spam")
# Fast-model scores that get a second opinion: every post the fast model would flag for toxicity
# or nearly (a second look before acting on it). Below 0.2 are most posts of a friendly surge;
# re-scoring them costs ~3-6 ms/post/core each (bench/classifiers_bench.py reports the share sent
# and the cascade's posts/s). Spam gets no second opinion: the encoder learns the two training
# videos' spam, and its blend never beat linear.v2 alone on spam it had not seen (unseen video
# 0.945 → 0.942 in the band, 0.901 on every post; SMS 0.998 → 0.997; English spam probes 0.878 →
# 0.837). Its spam head is still trained: the toxicity head was tuned and measured beside it.
BANDS = {"toxicity": [0.2, 1.01]}
EVERY_POST = dict.fromkeys(BANDS, list(OPEN_BAND))  # MINILM_SCOPE=every


@dataclass(frozen=True, slots=True)
class EncoderOptions:
    # All 6 layers for 2 epochs: Jigsaw calibration AUC alone 0.942 → 0.957 against the top 3
    # layers for 1 epoch, blended on every post 0.963 → 0.964 (0.961 and 0.966 with head + tail);
    # training 10 → 25 minutes.
    tuned_layers: int = 6
    epochs: float = 2.0
    learning_rate: float = 1e-4
    batch_size: int = 32
    max_tokens: int = MAX_TOKENS
    tail_tokens: int = TAIL_TOKENS
    rows_per_source: int = 6000  # caps Davidson (17k train rows): minutes, not an hour
    seed: int = 20250113
    threads: int | None = None
    # Matrix products of the fine-tune (`moderation.encoder.resolve_precision`): fp32 by default,
    # so a retrain reproduces the shipped artifact byte for byte on any CPU.
    precision: str = "fp32"


def train_encoder_on(
    data_dir: Path,
    fast: Trained,
    base_dir: Path,
    options: EncoderOptions | None = None,
) -> EncoderArtifact:
    """Train from the labeled CSVs, with the same rows and splits as `linear.v2`."""
    opts = options or EncoderOptions()
    rows = _rows(data_dir, opts)
    logger.info("fine-tuning minilm.v1 on %d rows", int((rows.split == "train").sum()))
    return train_encoder(rows, fast, base_dir, opts)


def recalibrate_encoder_on(
    data_dir: Path, fast: Trained, encoder: EncoderArtifact, base_dir: Path
) -> EncoderArtifact:
    """A saved minilm.v1, its fine-tuned layers kept, calibrated and blended again against a
    retrained `linear.v2` (minutes, where fine-tuning takes half an hour or more)."""
    check_same_base(base_dir / BASE_WEIGHTS, encoder.base_sha256)
    return calibrate(encoder, _rows(data_dir, EncoderOptions()), fast, base_dir)


def _rows(data_dir: Path, options: EncoderOptions) -> pd.DataFrame:
    corpora = load_corpora(data_dir)
    require_both_labels(corpora)
    return english_rows(*training_tables(corpora), options)


def english_rows(tox: pd.DataFrame, spam: pd.DataFrame, options: EncoderOptions) -> pd.DataFrame:
    """Both tasks' English rows with a `task` column; each source capped on the training split."""
    parts = []
    for task, rows in (("toxicity", tox), ("spam", spam)):
        english = (rows.lang == "en") & ~rows.text.str.contains(HAN_SCRIPT)
        rows = rows[english].assign(task=task)
        train = rows[rows.split == "train"]
        capped = [
            g.sample(min(len(g), options.rows_per_source), random_state=options.seed)
            for _, g in train.groupby("source")
        ]
        parts += [*capped, rows[rows.split != "train"]]
    return pd.concat(parts, ignore_index=True)


def train_encoder(
    rows: pd.DataFrame, fast: Trained, base_dir: Path, options: EncoderOptions
) -> EncoderArtifact:
    torch.manual_seed(options.seed)
    if options.threads:
        torch.set_num_threads(options.threads)
    model = SentenceEncoder(base_dir, LABELS, options.tuned_layers)
    tokens = Tokens(base_dir, options.max_tokens, options.tail_tokens)
    train_rows = rows[rows.split == "train"]
    fine_tune(model, tokens, train_rows, options)
    tuned = EncoderArtifact(
        labels=list(LABELS),
        tuned_layers=options.tuned_layers,
        max_tokens=options.max_tokens,
        tail_tokens=options.tail_tokens,
        base_sha256=file_sha256(base_dir / BASE_WEIGHTS),
        platt={},  # platt, blend, bands and thresholds: `calibrate` fills them in
        blend={},
        bands={},
        # As saved (float16): calibrated on the weights the pipeline runs.
        state={k: v.astype(np.float16) for k, v in model.tuned_state().items()},
        meta={"rows": {t: int(n) for t, n in train_rows.task.value_counts().items()}},
    )
    return calibrate(tuned, rows, fast, base_dir)


def calibrate(
    encoder: EncoderArtifact, rows: pd.DataFrame, fast: Trained, base_dir: Path
) -> EncoderArtifact:
    """Platt per label, the blend with `linear.v2` and the cascade's thresholds, from the
    calibration split: the encoder's logits there (it never trained on them) beside linear.v2's
    out-of-fold scores (`Trained.calibration`: linear.v2 learnt from these rows)."""
    model = SentenceEncoder(base_dir, encoder.labels, encoder.tuned_layers)
    model.load_tuned_state(encoder.state)
    tokens = Tokens(base_dir, encoder.max_tokens, encoder.tail_tokens)
    calib = rows[rows.split == "calib"]
    z = logits(model, tokens, calib.text.tolist())
    pairs = list(zip(calib.task, calib.text, strict=True))
    # Per label, linear.v2's score of the rows of that label's task (the others are not read).
    prior = {
        label: np.array(
            [fast.calibration[task][t] if task == label else np.nan for task, t in pairs]
        )
        for label in LABELS
    }
    platt, blends, negatives = _calibrate(calib, z, prior)
    limits = fast.artifact.thresholds
    return replace(
        encoder,
        platt=platt,
        blend=blends,
        bands={k: list(v) for k, v in BANDS.items()},
        thresholds=no_looser_than(thresholds_at_fpr(negatives["band"]), limits),
        every_post_thresholds=no_looser_than(thresholds_at_fpr(negatives["every"]), limits),
    )


def _calibrate(
    calib: pd.DataFrame, z: np.ndarray, prior: dict[str, np.ndarray]
) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, dict[str, np.ndarray]]]:
    """Per label, Platt on the encoder logit; per banded label, the blend with linear.v2's logit
    and, per scope (`band`, `every`), the cascade's scores of the calibration negatives."""
    platt, blends = {}, {}
    negatives: dict[str, dict[str, np.ndarray]] = {"band": {}, "every": {}}
    for j, label in enumerate(LABELS):
        mask = (calib.task == label).to_numpy()
        part, fast_p = calib[mask], prior[label][mask]
        weights = source_weights(part, balance_classes=False)
        platt[label] = _fit(z[mask, j : j + 1], part, weights)
        if label not in BANDS:
            continue  # no second opinion on it: the cascade keeps the fast score
        blends[label] = _fit(np.column_stack([logit(fast_p), z[mask, j]]), part, weights)
        blended = blend(blends[label], fast_p, z[mask, j])
        for scope, bands in (("band", BANDS), ("every", EVERY_POST)):
            # The cascade's scores as the pipeline will see them: blended only inside the band.
            scores = np.where(in_band(fast_p, bands[label]), blended, fast_p)
            negatives[scope][label] = scores[calibration_negatives(part)]
    return platt, blends, negatives


def fine_tune(
    model: SentenceEncoder, tokens: Tokens, train: pd.DataFrame, options: EncoderOptions
) -> None:
    """AdamW over the tuned layers, linear warm-up and decay; each row's loss on its own head."""
    texts = train.text.tolist()
    target = torch.tensor(train.label.to_numpy(), dtype=torch.float32)
    head = torch.tensor([LABELS.index(t) for t in train.task], dtype=torch.long)
    weight = torch.tensor(_task_weights(train), dtype=torch.float32)
    steps = max(1, int(options.epochs * len(texts) / options.batch_size))
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=options.learning_rate, weight_decay=0.01)
    warmup = min(50, steps // 10 + 1)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, 1.0 - s / steps)
    )
    rng = np.random.default_rng(options.seed)
    bf16 = resolve_precision(options.precision) == "bf16"
    model.train()
    started, step = time.perf_counter(), 0
    while step < steps:
        for idx in _shuffled_batches(texts, options.batch_size, rng):
            if step == steps:
                break
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                out = model(*tokens([texts[i] for i in idx])).float()
            mine = out.gather(1, head[idx].unsqueeze(1)).squeeze(1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                mine, target[idx], weight=weight[idx]
            )
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            schedule.step()
            step += 1
            if step % 100 == 0:
                logger.info("  step %d/%d, %.0fs", step, steps, time.perf_counter() - started)
    model.eval()


def _task_weights(train: pd.DataFrame) -> np.ndarray:
    """Sources weigh equally within a task, classes balanced; each task's mean weight is 1."""
    out = np.zeros(len(train))
    for task in LABELS:
        mask = (train.task == task).to_numpy()
        if mask.any():
            # Every source class-balanced, as minilm.v1 was fine-tuned (linear.v2 keeps
            # wiki_talk at its own rate): `train --encoder only` reproduces the shipped layers.
            w = source_weights(train[mask], prevalence_source=None)
            out[mask] = w / w.mean()
    return out


def _shuffled_batches(texts: list[str], size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Length-sorted batches within random chunks of 50 batches, the batches then shuffled."""
    perm = rng.permutation(len(texts))
    batches: list[np.ndarray] = []
    for start in range(0, len(perm), size * 50):
        chunk = perm[start : start + size * 50]
        chunk_texts = [texts[i] for i in chunk]
        batches += [chunk[b] for b in length_sorted_batches(chunk_texts, size)]
    rng.shuffle(batches)  # type: ignore[arg-type]
    return batches


def _fit(x: np.ndarray, rows: pd.DataFrame, weights: np.ndarray) -> list[float]:
    """Logistic calibration: coefficients then intercept."""
    model = LogisticRegression(C=1e4).fit(x, rows.label, sample_weight=weights)
    return [float(c) for c in model.coef_[0]] + [float(model.intercept_[0])]
