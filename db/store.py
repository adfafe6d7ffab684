"""The write side of ingest: posts, their verdicts and queue items, stored once by post id.

Idempotence comes from the database, not from a read-then-write check: posts are inserted with
ON CONFLICT DO NOTHING ... RETURNING id, and only the posts this call actually inserted get a
verdict (and, if flagged, a queue item). Two ingesters racing on the same file therefore still
store each post once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from sqlalchemy import Connection, Dialect, insert
from sqlalchemy.orm import Session

from db.models import DeadLetterRow, VerdictRow
from db.queue import enqueue
from moderation.reader import Rejected
from moderation.types import Post, Verdict


@dataclass(frozen=True, slots=True)
class Stored:
    stored: int
    duplicates: int


def store_batch(
    session: Session, posts: Sequence[Post], raws: Sequence[bytes], verdicts: Sequence[Verdict]
) -> Stored:
    """Insert new posts with their verdicts; posts already stored are counted as duplicates."""
    if not posts:
        return Stored(0, 0)
    now = datetime.now(UTC)
    conn = session.connection()
    driver = _Driver.of(conn.dialect)
    at = driver.bind_time(now)
    rows = _unique_by_id(
        (
            p.id,
            p.author.id,
            p.text,
            v.lang,
            driver.bind_time(p.created_at),
            driver.bind_time(p.author.created_at),
            at,
            raw.decode("utf-8"),
        )
        for p, raw, v in zip(posts, raws, verdicts, strict=True)
    )
    inserted = _insert_posts(conn, driver, rows)
    new = [v for v in _first_per_id(verdicts) if v.id in inserted]
    if new:
        statement = _VERDICT_INSERT.format(values=driver.row(len(_VERDICT_COLUMNS)))
        conn.exec_driver_sql(statement, [_verdict_row(v, at) for v in new])
        enqueue(session, new, now=now)
    return Stored(stored=len(inserted), duplicates=len(posts) - len(inserted))


def _insert_posts(conn: Connection, driver: _Driver, rows: list[tuple[object, ...]]) -> set[str]:
    """Ids of the rows actually inserted (not already stored).

    Multi-row INSERT ... RETURNING, because the driver's executemany cannot return rows; at most
    `_ROWS_PER_INSERT` rows per statement keeps under the bound-parameter limits (PostgreSQL
    65,535; SQLite 32,766 unless built with more).
    """
    inserted: set[str] = set()
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = rows[start : start + _ROWS_PER_INSERT]
        values = ", ".join([driver.row(len(_POST_COLUMNS))] * len(chunk))
        flat = tuple(value for row in chunk for value in row)
        inserted.update(conn.exec_driver_sql(_POST_INSERT.format(values=values), flat).scalars())
    return inserted


def add_dead_letters(session: Session, source: str, rejected: Sequence[Rejected]) -> None:
    """Keep every rejected line with its reason; nothing a producer sent is thrown away."""
    if not rejected:
        return
    now = datetime.now(UTC)
    session.execute(
        insert(DeadLetterRow),
        [
            {
                "source": source,
                "line_no": r.line_no,
                "raw": r.raw,
                "reason": r.reason,
                "created_at": now,
            }
            for r in rejected
        ],
    )


@dataclass(frozen=True, slots=True)
class _Driver:
    """What writing through the DBAPI cursor needs from the dialect.

    The hot path hands plain tuples to the driver (`exec_driver_sql`): SQLAlchemy's per-row
    parameter processing cost more than SQLite's insert itself. Timestamps still go through the
    column type's own bind processor (SQLite stores them as text in SQLAlchemy's format).
    """

    mark: str
    bind_time: Callable[[datetime | None], object]

    @classmethod
    def of(cls, dialect: Dialect) -> _Driver:
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        column_type = VerdictRow.__table__.c.created_at.type
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        return cls(mark, process or _unchanged)

    def row(self, width: int) -> str:
        return "(" + ", ".join([self.mark] * width) + ")"


def _unchanged(value: datetime | None) -> datetime | None:
    return value


def _unique_by_id(rows: Iterable[tuple[object, ...]]) -> list[tuple[object, ...]]:
    # A file may repeat an id inside one batch; keep the first, as a second ingest would.
    seen: dict[object, tuple[object, ...]] = {}
    for row in rows:
        seen.setdefault(row[0], row)
    return list(seen.values())


def _first_per_id(verdicts: Sequence[Verdict]) -> list[Verdict]:
    seen: dict[str, Verdict] = {}
    for v in verdicts:
        seen.setdefault(v.id, v)
    return list(seen.values())


_POST_COLUMNS = (
    "id",
    "author_id",
    "text",
    "lang",
    "created_at",
    "author_created_at",
    "ingested_at",
    "raw",
)
_ROWS_PER_INSERT = 2_048  # x 8 columns = 16,384 parameters
_POST_INSERT = (
    f"INSERT INTO posts ({', '.join(_POST_COLUMNS)}) VALUES {{values}}"
    " ON CONFLICT (id) DO NOTHING RETURNING id"
)
_VERDICT_COLUMNS = (
    "post_id",
    "action",
    "queue",
    "priority",
    "scores",
    "rules",
    "reasons",
    "matches",
    "rules_version",
    "lang",
    "cluster_id",
    "cluster_size",
    "created_at",
    "errors",
)
# The JSON columns are bound as text serialised here, once per column; PostgreSQL casts the text
# to json on insert, and the JSON type's reader parses it back like any other value.
_VERDICT_INSERT = f"INSERT INTO verdicts ({', '.join(_VERDICT_COLUMNS)}) VALUES {{values}}"


def _verdict_row(v: Verdict, at: object) -> tuple[object, ...]:
    doc = v.to_json()
    return (
        v.id,
        v.action.value,
        v.queue,
        v.priority,
        _json(doc["scores"]),
        _json(doc["rules"]),
        _json(doc["reasons"]),
        _json(doc["matches"]),
        v.rules_version,
        v.lang,
        v.cluster.id if v.cluster else None,
        v.cluster.size if v.cluster else None,
        at,
        _json(doc["errors"]),
    )


def _json(value: object) -> str:
    return orjson.dumps(value).decode()
