"""How one logistic head of `linear.v2` is fitted: row weights, the heads, Platt scaling.

`moderation.training` decides which rows each head learns from (cross-fitting); this module fits
a head on the rows it is handed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from moderation.augment import SHARE
from moderation.corpora import PREVALENCE_SOURCE
from moderation.crops import is_crop

SEED = 20250113


def source_weights(
    df: pd.DataFrame,
    *,
    balance_classes: bool = True,
    prevalence_source: str | None = PREVALENCE_SOURCE,
    row_shares: bool = False,
) -> np.ndarray:
    """Each source weighs the same in total; optionally its two classes balanced inside it.

    Training balances classes (no source's base rate becomes a prior), except in the corpus at
    production prevalence: balancing wiki_talk's 1.5% positives would weigh each ~33 times, its
    label noise with it (chosen on the calibration split: wiki_talk AUC +0.009, Jigsaw +0.001).
    Calibration keeps each source's own base rate, so a probability means "on a mix of these
    sources". `row_shares`: each row's weight also scaled by its SHARE (the templates,
    `moderation.augment`), as the linear heads learn; minilm.v1 was fine-tuned without.
    """
    keys = ["source", "label"] if balance_classes else ["source"]
    counts = df.groupby(keys).size()
    cells = list(zip(*(df[k] for k in keys), strict=True))
    w = np.array([len(df) / (len(counts) * counts[c if balance_classes else c[0]]) for c in cells])
    natural = (df.source == prevalence_source).to_numpy()
    if balance_classes and natural.any():
        w[natural] = w[natural].sum() / natural.sum()  # the same total, at its own class rate
    if row_shares and SHARE in df:  # rows that weigh less than their source's others
        w *= df[SHARE].fillna(1.0).to_numpy(dtype=np.float64)
    return w.astype(np.float64)


def fit_head(
    x: sp.csr_matrix, rows: pd.DataFrame, c: float, columns: np.ndarray | None
) -> tuple[np.ndarray, float]:
    """A logistic head learnt from every row given (the caller selects them)."""
    xs = x if columns is None else x[:, columns]
    model = LogisticRegression(C=c, solver="liblinear", max_iter=200, random_state=SEED)
    model.fit(xs, rows.label, sample_weight=source_weights(rows, row_shares=True))
    full = np.zeros(x.shape[1], dtype=np.float64)
    if columns is None:
        full[:] = model.coef_[0]
    else:
        full[columns] = model.coef_[0]
    return full, float(model.intercept_[0])


# Each head's share of the blend: plain logistic, NB-LR, NB-SVM. Chosen on the calibration split
# once the sentence rows (moderation.crops) made NB-SVM the strongest head alone: half of the
# blend to it, against a third each, raised every source (Jigsaw +0.0003, SWSR +0.0006,
# wiki_talk +0.001, Davidson +0.0002, COLD +0.0001).
BLEND = (0.25, 0.25, 0.5)


def fit_toxicity_blend(
    x: sp.csr_matrix, rows: pd.DataFrame, c: float, c_nb: float, c_svm: float
) -> tuple[np.ndarray, float]:
    """A weighted mean (BLEND) of three heads' standardised margins, as one head: plain
    logistic, NB-LR and NB-SVM.

    NB-LR and NB-SVM (Wang & Manning 2012) scale each feature by its log-count ratio between the
    classes before fitting, which favours features that are rare but one-sided (obfuscated
    insults, rare slurs). All three are linear in the same features, so their weighted mean is one
    weight vector: inference is unchanged. Chosen on the calibration split: NB-LR +0.003 AUC on
    Jigsaw, Davidson and COLD, +0.007 on SWSR, over the plain head; NB-SVM (squared hinge) then
    +0.001 on Jigsaw, +0.003 on wiki_talk and +0.002 on SWSR.
    """
    y = rows.label.to_numpy()
    documents = ~is_crop(rows)  # the ratios count comments, not their sentences again
    ratio = log_count_ratio(x[documents], y[documents])
    scaled_x = (x @ sp.diags(ratio)).tocsr()
    plain = fit_head(x, rows, c, None)
    nb_w, nb_b = fit_head(scaled_x, rows, c_nb, None)
    svm = LinearSVC(C=c_svm, max_iter=5000, random_state=SEED)
    svm.fit(scaled_x, y, sample_weight=source_weights(rows, row_shares=True))
    heads = [plain, (nb_w * ratio, nb_b), (svm.coef_[0] * ratio, float(svm.intercept_[0]))]
    weights, bias = np.zeros(x.shape[1]), 0.0
    for share, (w, b) in zip(BLEND, heads, strict=True):
        spread = float(np.std(x @ w + b))
        weights += share * w / spread
        bias += share * b / spread
    return weights, bias


def log_count_ratio(x: sp.csr_matrix, y: np.ndarray) -> np.ndarray:
    """log(P(feature present | toxic) / P(feature present | not)), add-one smoothed."""
    present = x.copy()
    present.data[:] = 1.0
    pos = np.asarray(present[y == 1].sum(axis=0)).ravel() + 1.0
    neg = np.asarray(present[y == 0].sum(axis=0)).ravel() + 1.0
    return np.log((pos / pos.sum()) / (neg / neg.sum()))


def platt(margin: np.ndarray, rows: pd.DataFrame) -> np.ndarray:
    """Fit p = sigmoid(a·margin + b) on the calibration split's out-of-fold margins, sources
    weighted equally."""
    mask = (rows.split == "calib").to_numpy()
    model = LogisticRegression(C=1e4)
    model.fit(
        margin[mask].reshape(-1, 1),
        rows.label[mask],
        sample_weight=source_weights(rows[mask], balance_classes=False),
    )
    return np.array([model.coef_[0][0], model.intercept_[0]], dtype=np.float32)
