"""Split a JSONL byte stream into batches of parsed posts and rejected lines.

The stream is opened by the caller (the CLI); this module only reads what it is handed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from moderation.contract import parse_line
from moderation.errors import MalformedPost
from moderation.types import Post


@dataclass(frozen=True, slots=True)
class Rejected:
    line_no: int
    raw: bytes
    reason: str


@dataclass(slots=True)
class Batch:
    posts: list[Post] = field(default_factory=list)
    raws: list[bytes] = field(default_factory=list)  # the line each post came from, for storage
    rejected: list[Rejected] = field(default_factory=list)
    lines: int = 0


def read_batches(lines: Iterable[bytes], batch_size: int) -> Iterator[Batch]:
    """Yield batches of up to `batch_size` valid posts; blank lines are skipped silently."""
    batch = Batch()
    for line_no, raw in enumerate(lines, start=1):
        raw = raw.rstrip(b"\r\n")
        if not raw.strip():
            continue
        batch.lines += 1
        try:
            batch.posts.append(parse_line(raw))
            batch.raws.append(raw)
        except MalformedPost as err:
            batch.rejected.append(Rejected(line_no, raw, err.reason))
        if len(batch.posts) >= batch_size:
            yield batch
            batch = Batch()
    if batch.lines:
        yield batch
