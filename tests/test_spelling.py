"""The HateCheck-style spelling variations `bench/functional_report.py --spelling` scores."""

import pytest

from bench.spelling import VARIATIONS

SENTENCE = "immigrants are parasites"


@pytest.mark.parametrize(
    ("variation", "expected"),
    [
        ("letters swapped", "immirgants are parasites"),
        ("letter missing", "immigants are parasites"),
        ("space missing", "immigrantsare parasites"),
        ("spaces added", "i m m i g r a n t s are parasites"),
        ("leetspeak", "1mm1gr4nts are parasites"),
    ],
)
def test_each_variation_edits_the_longest_word_the_same_way_every_time(
    variation: str, expected: str
) -> None:
    assert VARIATIONS[variation](SENTENCE) == expected


def test_a_longest_last_word_joins_the_one_before_it() -> None:
    assert VARIATIONS["space missing"]("you are idiots") == "you areidiots"


@pytest.mark.parametrize("variation", list(VARIATIONS))
def test_a_sentence_without_a_long_word_is_left_alone(variation: str) -> None:
    assert VARIATIONS[variation]("go") == "go"
