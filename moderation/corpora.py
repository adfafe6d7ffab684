"""Labeled corpora: read and check the CSVs, read the text as a user typed it, split it.

    DATA/toxicity/*.csv, DATA/spam/*.csv  (header text,label,lang,source; see SOURCES.md)
    → every row checked, all problems reported at once with file:line (CorpusError)
    → plain text → deterministic split (train / calib / test) from a near-duplicate key

`train` and `evaluate` read the same rows with the same splits, so `evaluate` rebuilds exactly the
held-out rows the shipped model never saw. Near-duplicates share a key and so a split. A YouTube
video is one comment section, so its comments are never test rows of a model that trained on its
neighbours: `evaluate` measures each video with a model retrained with that video left out
(`held_out_video`), and the shipped model learns from every video.
"""

from __future__ import annotations

import csv
import html
import re
import zlib
from pathlib import Path

import pandas as pd

from moderation.errors import CorpusError
from moderation.normalise import fold

TASK_DIRS = {"toxicity": "toxicity", "spam": "spam"}
COLUMNS = ("text", "label", "lang", "source")
LABELS = {"0": 0, "1": 1}
LANGS = ("en", "zh")
VIDEO_PREFIX = "youtube_"  # one source per video
# The corpus at production prevalence (SOURCES.md): thresholds are read off its negatives.
PREVALENCE_SOURCE = "wiki_talk"


def load_corpora(data_dir: Path, held_out_video: str | None = None) -> pd.DataFrame:
    """All CSVs under toxicity/ and spam/, with `task` and deterministic `split` columns.

    Raises CorpusError listing every malformed row of every file: training on the rows that
    happened to parse would quietly measure a different corpus from the one the user named.
    """
    paths = [
        (task, path)
        for task, sub in TASK_DIRS.items()
        for path in sorted((data_dir / sub).glob("*.csv"))
    ]
    if not paths:
        raise CorpusError(
            [f"{data_dir}: no CSV files under toxicity/ or spam/"],
            hint="point --data at a folder laid out like ../shared/data (see its SOURCES.md)",
        )
    records: list[tuple[str, int, str, str, str]] = []
    problems: list[str] = []
    for task, path in paths:
        records += _read(path, task, problems)
    if problems:
        raise CorpusError(problems)
    df = pd.DataFrame(records, columns=[*COLUMNS, "task"])
    # Splits hash the file's own text, so cleaning it below never moves a row between splits.
    df["split"] = [
        split_of(t, s, held_out_video) for t, s in zip(df["text"], df["source"], strict=True)
    ]
    df["fold"] = [calibration_fold(t) for t in df["text"]]
    df["text"] = [plain_text(t) for t in df["text"]]
    return df


def _read(path: Path, task: str, problems: list[str]) -> list[tuple[str, int, str, str, str]]:
    """The rows of one file; what is wrong with it is appended to `problems` as file:line."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:  # -sig: spreadsheets write a BOM
            return _records(path, csv.DictReader(f), task, problems)
    except UnicodeDecodeError as err:
        problems.append(f"{path}: not UTF-8 (byte {err.start}); save it as UTF-8")
    except csv.Error as err:
        problems.append(f"{path}: not readable as CSV ({err})")
    return []


def _records(
    path: Path, reader: csv.DictReader[str], task: str, problems: list[str]
) -> list[tuple[str, int, str, str, str]]:
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        problems.append(f"{path}:1: missing column(s) {', '.join(missing)}")
        return []
    rows: list[tuple[str, int, str, str, str]] = []
    line = reader.line_num + 1  # where the next record starts (a quoted text may span lines)
    for record in reader:
        problem = _problem(record)
        if problem:
            problems.append(f"{path}:{line}: {problem}")
        else:
            label = LABELS[record["label"].strip()]
            rows.append((record["text"], label, record["lang"].strip(), record["source"], task))
        line = reader.line_num + 1
    return rows


def _problem(record: dict[str, str | None]) -> str | None:
    text, label, lang, source = (record.get(c) for c in COLUMNS)
    if text is None or source is None:
        return "too few fields (is a comma inside a text not quoted?)"
    if not text.strip():
        return "empty text"
    if (label or "").strip() not in LABELS:
        return f"label {label!r} is not 0 or 1"
    if (lang or "").strip() not in LANGS:
        return f"lang {lang!r} is not one of {', '.join(LANGS)}"
    if not source.strip():
        return "empty source"
    return None


_MARKUP = re.compile(r"<(?:br\s*/?|/?a\b[^>]*)>", re.I)


def plain_text(text: str) -> str:
    """The text as a user typed it: the corpora keep the HTML of the pages they were scraped from.

    The YouTube file has `&#39;`, `<br />` and `<a href=…>` around timestamps YouTube itself
    linked; SMS has `&lt;#&gt;`; Davidson's tweets have `&amp;` and `&#128514;`. Posts reach the
    product as plain text, so the model learns and is measured on plain text too (a link YouTube
    drew around "3:40" is not a link the commenter posted).
    """
    return html.unescape(_MARKUP.sub(" ", text)).replace("\ufeff", "").strip()


_KEY_DROP = re.compile(r"[\W\d_]+")


def group_key(text: str) -> str:
    """Near-duplicate key: folded text without digits, punctuation and spaces, first 48 chars.

    Template spam that differs in a number, a handle at the end or punctuation shares a key.
    """
    return _KEY_DROP.sub("", fold(text))[:48]


def split_of(text: str, source: str, held_out_video: str | None = None) -> str:
    if source.startswith(VIDEO_PREFIX):
        return "test" if source == held_out_video else _bucket(group_key(text), test=0)
    return _bucket(group_key(text))


CALIBRATION_FOLDS = 4


def calibration_fold(text: str) -> int:
    """Which quarter of the calibration split a row is in (`training` cross-fits over them);
    near-duplicates share a key and so a quarter. Meaningful only on calibration rows."""
    return zlib.crc32(b"fold:" + group_key(text).encode()) % CALIBRATION_FOLDS


def _bucket(key: str, *, test: int = 15) -> str:
    # Calibration and threshold data are never trained on; test rows are touched only by evaluate.
    b = zlib.crc32(key.encode()) % 100
    return "test" if b < test else "calib" if b < test + 20 else "train"
