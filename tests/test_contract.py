"""The post contract: what a valid line is, and the reason given for each invalid one."""

from __future__ import annotations

import json

import pytest

from moderation.contract import MAX_TEXT_CHARS, parse_line
from moderation.errors import MalformedPost

GOOD = {
    "id": "p1",
    "text": "hello 你好",
    "author": {"id": "u1", "created_at": "2025-01-13T00:00:00Z", "followers": 3},
    "created_at": "2025-01-14T00:00:00Z",
    "links": ["https://example.org"],
}


def line(**changes: object) -> bytes:
    post = {**GOOD, **changes}
    return json.dumps({k: v for k, v in post.items() if v is not ...}).encode()


def test_a_valid_line_becomes_a_post() -> None:
    post = parse_line(line())
    assert (post.id, post.text, post.author.id) == ("p1", "hello 你好", "u1")
    assert post.author.followers == 3
    assert post.links == ("https://example.org",)
    assert post.account_age_days() == 1.0


def test_the_simulator_ground_truth_is_dropped_at_parse_time() -> None:
    post = parse_line(line(sim={"kind": "spam"}))
    assert not hasattr(post, "sim")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "invalid JSON"),
        (b"[1, 2]", "expected a JSON object, got list"),
        (line(id=...), "missing required field `id`"),
        (line(id=""), "`id` must be a non-empty string"),
        (line(id=7), "`id` must be a string, got int"),
        (line(text=None), "`text` must be a string, got NoneType"),
        (line(author=...), "missing `author` object"),
        (line(author={"name": "x"}), "missing required field `author.id`"),
        (line(author={"id": "u", "followers": -1}), "`author.followers` must be a non-negative"),
        (line(created_at="yesterday"), "`created_at` is not ISO 8601"),
        (line(created_at="2025-01-14T00:00:00"), "needs a UTC offset"),
        (line(links="https://x"), "`links` must be a list of strings"),
        (b'{"id": "p\xff"}', "invalid UTF-8 at byte 9"),
        # A lone surrogate cannot be stored as UTF-8 text, and NaN is not JSON.
        (b'{"id": "p", "text": "\\ud800"}', "invalid JSON"),
        (b'{"id": "p", "score": NaN}', "invalid JSON"),
        (line(text="a\x00b"), "NUL"),
        (line(text="x" * (MAX_TEXT_CHARS + 1)), "the limit is 10,000"),
        (line(text="x" * 1_000_000), "bytes; the limit is"),
    ],
)
def test_a_malformed_line_is_rejected_with_its_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(MalformedPost) as err:
        parse_line(raw)
    assert reason in err.value.reason
