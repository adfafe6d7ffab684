"""Parsing one JSONL line into a `Post`, or saying exactly why it cannot be one.

The contract is documented in docs/contract.md. Parsing is strict about types and lenient about
extra keys (producers may add fields); the `sim` ground-truth field is dropped here so that nothing
downstream can peek at it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from moderation.errors import MalformedPost
from moderation.types import Author, Post

MAX_LINE_BYTES = 64 * 1024
MAX_TEXT_CHARS = 10_000
MAX_LINKS = 100


def parse_line(raw: bytes | str) -> Post:
    """Parse one line of the post stream; raises MalformedPost with a reason a person can act on."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_LINE_BYTES:
            raise MalformedPost(f"line is {len(raw):,} bytes; the limit is {MAX_LINE_BYTES:,}")
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise MalformedPost(f"invalid UTF-8 at byte {err.start}") from None
    # PostgreSQL cannot store NUL in text, and no real post contains one, raw or escaped.
    if "\x00" in raw or "\\u0000" in raw:
        raise MalformedPost("line contains a NUL byte")
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise MalformedPost(f"invalid JSON: {err.msg} at column {err.colno}") from None
    if not isinstance(obj, dict):
        raise MalformedPost(f"expected a JSON object, got {type(obj).__name__}")
    return post_from_dict(obj)


def post_from_dict(obj: dict[str, Any]) -> Post:
    """Validate a decoded JSON object against the post contract."""
    post_id = _required_str(obj, "id")
    if not post_id.strip():
        raise MalformedPost("`id` must be a non-empty string")
    text = _required_str(obj, "text")
    if len(text) > MAX_TEXT_CHARS:
        raise MalformedPost(f"`text` is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}")
    author = obj.get("author")
    if not isinstance(author, dict):
        raise MalformedPost("missing `author` object")
    links = obj.get("links", [])
    if not isinstance(links, list) or not all(isinstance(x, str) for x in links):
        raise MalformedPost("`links` must be a list of strings")
    if len(links) > MAX_LINKS:
        raise MalformedPost(f"`links` has {len(links)} entries; the limit is {MAX_LINKS}")
    return Post(
        id=post_id,
        text=text,
        author=Author(
            id=_required_str(author, "id", prefix="author."),
            created_at=_optional_time(author, "created_at", prefix="author."),
            followers=_optional_count(author, "followers"),
            following=_optional_count(author, "following"),
            posts_count=_optional_count(author, "posts_count"),
            strikes=_optional_count(author, "strikes"),
        ),
        created_at=_optional_time(obj, "created_at"),
        lang=_optional_str(obj, "lang"),
        links=tuple(links),
        reply_to=_optional_str(obj, "reply_to"),
    )


def _required_str(obj: dict[str, Any], key: str, prefix: str = "") -> str:
    if key not in obj:
        raise MalformedPost(f"missing required field `{prefix}{key}`")
    value = obj[key]
    if not isinstance(value, str):
        raise MalformedPost(f"`{prefix}{key}` must be a string, got {type(value).__name__}")
    return value


def _optional_str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise MalformedPost(f"`{key}` must be a string, got {type(value).__name__}")
    return value


def _optional_count(obj: dict[str, Any], key: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedPost(f"`author.{key}` must be a non-negative integer")
    return value


def _optional_time(obj: dict[str, Any], key: str, prefix: str = "") -> datetime | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedPost(f"`{prefix}{key}` must be an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise MalformedPost(f"`{prefix}{key}` is not ISO 8601: {value[:40]!r}") from None
    if parsed.tzinfo is None:
        raise MalformedPost(f"`{prefix}{key}` needs a UTC offset (e.g. Z): {value[:40]!r}")
    return parsed
