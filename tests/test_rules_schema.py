"""Bad rules files → the message, line and hint policy staff see."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from rules import check

GOOD_RULE = """\
rules:
  - id: sample_rule
    description: a sample rule for the tests
    action: review
    status: live
    when: {contains: [spam]}
"""


def errors_for(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "policy.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return [e.rendered().replace(str(path), "policy.yaml") for e in check(path)]


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        (
            "description:",
            "descripton:",
            "policy.yaml:3:5: error: rule `sample_rule`: unknown key `descripton`",
        ),
        ("description:", "descripton:", "did you mean `description`?"),
        (
            "action: review",
            "action: ban",
            "`action`: Input should be 'review', 'remove', 'label' or 'no_auto_remove' (got `ban`)",
        ),
        ("status: live", "status: on", "policy.yaml:5:13"),
        ("id: sample_rule", "id: Sample-Rule", "`id` must be lower_snake_case"),
        ("    action: review\n", "", "missing required key `action`"),
        ("{contains: [spam]}", "{contain: [spam]}", "`contain` is not a known condition"),
        ("{contains: [spam]}", "{contain: [spam]}", "did you mean `contains`?"),
        ("{contains: [spam]}", "{score: spma, at_least: 0.5}", "unknown score `spma`"),
        ("{contains: [spam]}", "{score: spam, at_least: 1.5}", "less than or equal to 1"),
        ("{contains: [spam]}", "{followers: {at_least: 9, at_most: 2}}", "can never be true"),
        ("{contains: [spam]}", "{matches_list: nope}", "unknown list `nope`"),
        ("{contains: [spam]}", "{matches_regex: '(a)\\1'}", "not a linear-time regex"),
        ("{contains: [spam]}", "{matches_regex: '(?=a)b'}", "not a linear-time regex"),
        ("{contains: [spam]}", "{matches_regex: 'a*'}", "would hit every post"),
        ("{contains: [spam]}", "{contains: ['👋']}", "empty once folded"),
        ("{contains: [spam]}", "{contact: [signal]}", "Input should be 'wechat'"),
        ("when: {contains: [spam]}", "when: {contains: [spam]\n", "invalid YAML"),
        ("    when:", "    queue: a\n    queue: b\n    when:", "duplicate key `queue`"),
    ],
)
def test_bad_rule_reports_where_and_why(
    tmp_path: Path, replace: str, by: str, expected: str
) -> None:
    assert replace in GOOD_RULE
    found = errors_for(tmp_path, GOOD_RULE.replace(replace, by))
    assert any(expected in e for e in found), found


def test_a_good_rule_has_no_errors(tmp_path: Path) -> None:
    assert errors_for(tmp_path, GOOD_RULE) == []


def test_errors_show_the_offending_line_with_a_caret(tmp_path: Path) -> None:
    missing, unknown = errors_for(tmp_path, GOOD_RULE.replace("description:", "descripton:"))
    assert "missing required key `description`" in missing  # the key the typo replaced
    assert unknown.splitlines()[1:] == [
        "   3 |     descripton: a sample rule for the tests",
        "     |     ^ did you mean `description`?",
    ]


def test_an_unknown_key_deep_in_a_condition_points_at_its_line(tmp_path: Path) -> None:
    text = GOOD_RULE.replace(
        "when: {contains: [spam]}",
        "when:\n      all:\n        - contains: [spam]\n"
        "        - score: spam\n          atleast: 0.5",
    )
    (error,) = errors_for(tmp_path, text)
    assert error.startswith("policy.yaml:10:11: error: rule `sample_rule`: unknown key `atleast`")
    assert "did you mean `at_least`?" in error
