"""Spam AUC on a YouTube video no model saw, for each of the corpus's videos in turn.

    PYTHONPATH=. .venv/bin/python bench/unseen_video_report.py [--data ../shared/data]

`evaluate` holds out one video (`youtube_lmfao`, the shipped model's); one video is one kind of
comment section, so this trains `linear.v2` once per video with that video held out (the other
two for training and calibration, everything else as shipped) and scores the held-out video's
comments: AUC with its 95% DeLong interval per video. ~1 minute per video on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from moderation.classifiers.linear import LinearClassifier  # noqa: E402
from moderation.corpora import HELD_OUT_VIDEO, plain_text  # noqa: E402
from moderation.evaluation import auc_with_ci  # noqa: E402
from moderation.training import TrainOptions, train  # noqa: E402


def video_auc(data: Path, video: str, comments: pd.DataFrame) -> tuple[float, float, float]:
    """Train with `video` held out; the spam AUC (and interval) on its comments."""
    with tempfile.TemporaryDirectory() as folder:
        train(data, TrainOptions(held_out_video=video)).save(Path(folder))
        scores = LinearClassifier(folder).predict_proba(comments.text.tolist())
    return auc_with_ci(comments.label.to_numpy(), pd.Series([s["spam"] for s in scores]).to_numpy())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data")
    args = parser.parse_args(argv)
    data = Path(args.data)
    youtube = pd.read_csv(data / "spam" / "youtube_comments.csv", keep_default_na=False)
    youtube["text"] = [plain_text(t) for t in youtube.text]
    print(f"{'held-out video':20} {'rows':>5} {'spam':>5} {'AUC':>6}  95% CI")
    aucs = []
    for video, comments in youtube.groupby("source"):
        auc, low, high = video_auc(data, str(video), comments)
        aucs.append(auc)
        shipped = "  (the shipped model's)" if video == HELD_OUT_VIDEO else ""
        print(
            f"{video:20} {len(comments):>5} {int(comments.label.sum()):>5} {auc:>6.3f}  "
            f"{low:.3f}–{high:.3f}{shipped}"
        )
    print(f"mean over {len(aucs)} videos: {sum(aucs) / len(aucs):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
