"""The training templates: kind shapes and their hateful twins, and what each row weighs."""

from __future__ import annotations

import pandas as pd
import pytest

from moderation import template_phrases as EN
from moderation.augment import KIND_SHARE, SHARE, SOURCE, template_rows

SEED = 1


@pytest.fixture(scope="module")
def templates() -> pd.DataFrame:
    return template_rows(SEED)


@pytest.mark.parametrize(
    ("text", "label", "share"),
    [
        (f"{EN.YOU[0]} {EN.NICE[0]}", 0, KIND_SHARE),  # a kind shape the corpora lack
        (f"{EN.SWEAR_OPENERS[0]} {EN.PRAISE[0]}", 0, 1.0),  # swearing in praise
        (f"{EN.YOU[0]} {EN.MEAN[0]}", 1, 1.0),  # a hateful twin: what to flag
    ],
)
def test_kind_templates_weigh_less_unless_they_swear_and_hateful_twins_weigh_whole(
    templates: pd.DataFrame, text: str, label: int, share: float
) -> None:
    row = templates[templates.text == text]
    assert list(row.label) == [label]
    assert list(row[SHARE]) == [share]


def test_templates_are_training_rows_of_one_source_with_both_labels(
    templates: pd.DataFrame,
) -> None:
    assert set(templates.source) == {SOURCE}
    assert set(templates.split) == {"train"}
    assert set(templates.label) == {0, 1}
    assert set(templates[SHARE]) == {KIND_SHARE, 1.0}
