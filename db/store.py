"""The write side of ingest: posts, their verdicts and queue items, stored once by post id.

Idempotence comes from the database, not from a read-then-write check: posts are inserted with
ON CONFLICT DO NOTHING ... RETURNING id, and only the posts this call actually inserted get a
verdict (and, if flagged, a queue item). Two ingesters racing on the same file therefore still
store each post once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, insert, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import DeadLetterRow, PostRow, VerdictRow
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
    rows = _unique_by_id(
        {
            "id": p.id,
            "author_id": p.author.id,
            "text": p.text,
            "lang": v.lang,
            "created_at": p.created_at,
            "author_created_at": p.author.created_at,
            "ingested_at": now,
            "raw": raw.decode("utf-8"),
        }
        for p, raw, v in zip(posts, raws, verdicts, strict=True)
    )
    # Core statements on the session's connection: the ORM bulk paths cost more than the rows.
    conn = session.connection()
    stmt = _insert_ignoring_duplicates(session, PostRow).returning(PostRow.__table__.c.id)
    inserted = set(conn.execute(stmt, rows).scalars().all())
    new = [v for v in _first_per_id(verdicts) if v.id in inserted]
    if new:
        conn.execute(_VERDICT_INSERT, [_verdict_row(v, now) for v in new])
        enqueue(session, new, now=now)
    return Stored(stored=len(inserted), duplicates=len(posts) - len(inserted))


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


def _insert_ignoring_duplicates(session: Session, table: type[PostRow]):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table.__table__).on_conflict_do_nothing(index_elements=["id"])


def _unique_by_id(rows):  # type: ignore[no-untyped-def]
    # A file may repeat an id inside one batch; keep the first, as a second ingest would.
    seen: dict[str, dict[str, object]] = {}
    for row in rows:
        seen.setdefault(row["id"], row)
    return list(seen.values())


def _first_per_id(verdicts: Sequence[Verdict]) -> list[Verdict]:
    seen: dict[str, Verdict] = {}
    for v in verdicts:
        seen.setdefault(v.id, v)
    return list(seen.values())


# The JSON columns are bound as text serialised here, once, with the same `json.dumps` the JSON
# type would call per column; PostgreSQL casts the text to json on insert.
_VERDICT_INSERT = text(
    "INSERT INTO verdicts (post_id, action, queue, priority, scores, rules, reasons, matches,"
    " rules_version, lang, cluster_id, cluster_size, created_at, errors) VALUES (:post_id,"
    " :action, :queue, :priority, :scores, :rules, :reasons, :matches, :rules_version, :lang,"
    " :cluster_id, :cluster_size, :created_at, :errors)"
).bindparams(bindparam("created_at", type_=VerdictRow.__table__.c.created_at.type))


def _verdict_row(v: Verdict, now: datetime) -> dict[str, object]:
    doc = v.to_json()
    return {
        "post_id": v.id,
        "action": v.action.value,
        "queue": v.queue,
        "priority": v.priority,
        "scores": json.dumps(doc["scores"]),
        "rules": json.dumps(doc["rules"]),
        "reasons": json.dumps(doc["reasons"]),
        "matches": json.dumps(doc["matches"]),
        "rules_version": v.rules_version,
        "lang": v.lang,
        "cluster_id": v.cluster.id if v.cluster else None,
        "cluster_size": v.cluster.size if v.cluster else None,
        "created_at": now,
        "errors": json.dumps(doc["errors"]),
    }
