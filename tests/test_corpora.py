"""Labeled corpora: checked row by row with file:line, read as typed, split deterministically."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from moderation.corpora import group_key, load_corpora, plain_text, split_of
from moderation.errors import CorpusError

HEADER = ["text", "label", "lang", "source"]


def _write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Call 0906 123 4567 NOW!", "call 0800 999 1111 now"),  # numbers and case differ
        ("加微信 8888，日结200元", "加微信 6666，日结500元。"),  # amounts and punctuation differ
    ],
)
def test_near_duplicates_share_a_split(a: str, b: str) -> None:
    assert group_key(a) == group_key(b)
    assert split_of(a, "sms_uci") == split_of(b, "sms_uci")


@pytest.mark.parametrize(
    ("scraped", "typed"),
    [
        ("I&#39;m new here<br />hi all\ufeff", "I'm new here hi all"),
        ('best <a href="http://youtube.com/watch?v=x&amp;t=220">3:40</a>', "best  3:40"),
        ("i can call in  &lt;#&gt;  min", "i can call in  <#>  min"),
        ("so funny &#128514;&#128514; &amp; true", "so funny 😂😂 & true"),
        ("plain text stays <as it is>", "plain text stays <as it is>"),
    ],
)
def test_corpora_are_read_as_the_text_a_user_typed(scraped: str, typed: str) -> None:
    assert plain_text(scraped) == typed


def test_cleaning_never_moves_a_row_between_splits(tmp_path: Path) -> None:
    scraped = "I&#39;m new here, say hi<br />"
    _write(tmp_path / "spam" / "youtube.csv", [[scraped, "0", "en", "youtube_psy"]])
    (row,) = load_corpora(tmp_path).itertuples()
    assert row.text == "I'm new here, say hi"
    assert row.split == split_of(scraped, "youtube_psy")


def test_a_youtube_video_is_never_split_between_train_and_test() -> None:
    """Its comments are train or calibration rows of the shipped model, never test rows."""
    assert {split_of(f"comment {i} {'x' * i}", "youtube_psy") for i in range(200)} == {
        "train",
        "calib",
    }


def test_a_video_left_out_is_all_test_and_the_others_keep_their_splits() -> None:
    """evaluate retrains once per video, leaving that one out."""
    assert split_of("check out my channel", "youtube_psy", "youtube_psy") == "test"
    assert split_of("check out my channel", "youtube_lmfao", "youtube_psy") == split_of(
        "check out my channel", "youtube_lmfao"
    )
    assert split_of("check out my channel", "sms_uci", "youtube_psy") == split_of(
        "check out my channel", "sms_uci"
    )


def test_a_text_may_span_lines_and_a_spreadsheet_bom_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "toxicity" / "t.csv", [["line one\nline two", "1", "en", "s"]])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    (row,) = load_corpora(tmp_path).itertuples()
    assert (row.text, row.label, row.task) == ("line one\nline two", 1, "toxicity")


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (["hello", "yes", "en", "s"], "label 'yes' is not 0 or 1"),
        (["hello", "1", "fr", "s"], "lang 'fr' is not one of en, zh"),
        (["  ", "1", "en", "s"], "empty text"),
        (["hello", "1", "en", ""], "empty source"),
        (["hello", "1"], "too few fields"),
    ],
)
def test_every_bad_row_is_named_by_file_and_line(
    tmp_path: Path, row: list[str], problem: str
) -> None:
    # line 2 spans two lines (a quoted newline), so the bad row is on line 4
    good = [["fine\npost", "0", "en", "s"]]
    _write(tmp_path / "toxicity" / "t.csv", [*good, row])
    with pytest.raises(CorpusError) as caught:
        load_corpora(tmp_path)
    (found,) = caught.value.problems
    assert f"t.csv:4: {problem}" in found


def test_problems_of_all_files_are_reported_together(tmp_path: Path) -> None:
    _write(tmp_path / "toxicity" / "a.csv", [["hi", "2", "en", "s"], ["yo", "1", "xx", "s"]])
    _write(tmp_path / "spam" / "b.csv", [["hi", "0", "en"]], header=["text", "label", "lang"])
    with pytest.raises(CorpusError) as caught:
        load_corpora(tmp_path)
    assert [p.rsplit("/", 1)[1] for p in caught.value.problems] == [
        "a.csv:2: label '2' is not 0 or 1",
        "a.csv:3: lang 'xx' is not one of en, zh",
        "b.csv:1: missing column(s) source",
    ]
    assert "label 0 or 1" in str(caught.value)  # says what to do


def test_a_long_list_of_problems_is_shortened(tmp_path: Path) -> None:
    _write(tmp_path / "toxicity" / "t.csv", [["hi", "x", "en", "s"]] * 30)
    with pytest.raises(CorpusError) as caught:
        load_corpora(tmp_path)
    assert len(caught.value.problems) == 30
    assert "… and 10 more" in str(caught.value)


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "toxicity" / "gbk.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes("text,label,lang,source\n你好,0,zh,s\n".encode("gbk"))
    with pytest.raises(CorpusError, match="gbk.csv: not UTF-8"):
        load_corpora(tmp_path)


def test_a_folder_without_corpora_says_where_to_point(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no CSV files under toxicity/ or spam/"):
        load_corpora(tmp_path)
