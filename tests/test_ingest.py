"""Ingest: stored once by post id, malformed lines kept as dead letters, the rest goes on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.ingest import ingest_lines
from db.models import DeadLetterRow, PostRow, VerdictRow
from moderation.pipeline import Policy
from moderation.types import Action
from tests.conftest import REPO
from tests.factories import post, store, verdict

MALFORMED = [
    b"{this is not json",
    b'{"id": 5, "text": "wrong type", "author": {"id": "u"}}',
    b'{"id": "no-author", "text": "missing field"}',
    b'{"id": "bad-utf8", "text": "\xff\xfe", "author": {"id": "u"}}',
    b'{"id": "nul", "text": "a\\u0000b", "author": {"id": "u"}}',
    b'{"id": "big", "text": "' + b"x" * 1_000_000 + b'", "author": {"id": "u"}}',
]


def count(Session: sessionmaker[Session], table: type) -> int:
    with Session() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_ingesting_the_same_posts_twice_stores_each_once(
    Session: sessionmaker[Session], policy: Policy, surge_lines: list[bytes]
) -> None:
    first = ingest_lines(Session, surge_lines, source="surge", policy=policy, batch_size=500)
    second = ingest_lines(Session, surge_lines, source="surge", policy=policy, batch_size=700)
    assert (first.stored, first.duplicates) == (3000, 0)
    assert (second.stored, second.duplicates) == (0, 3000)
    assert count(Session, PostRow) == 3000
    assert count(Session, VerdictRow) == 3000


def test_malformed_lines_become_dead_letters_and_the_rest_is_stored(
    Session: sessionmaker[Session], policy: Policy, surge_lines: list[bytes]
) -> None:
    lines = surge_lines[:10] + MALFORMED[:4] + surge_lines[10:20]
    summary = ingest_lines(Session, lines, source="mixed.jsonl", policy=policy)
    assert (summary.read, summary.stored, summary.dead_letters) == (24, 20, 4)
    assert count(Session, DeadLetterRow) == 4


def test_every_kind_of_bad_line_is_kept_with_its_raw_bytes_and_reason(
    Session: sessionmaker[Session], policy: Policy
) -> None:
    ingest_lines(Session, MALFORMED, source="bad.jsonl", policy=policy)
    with Session() as session:
        rows = session.scalars(select(DeadLetterRow).order_by(DeadLetterRow.line_no)).all()
    assert [r.line_no for r in rows] == list(range(1, len(MALFORMED) + 1))
    assert [r.raw for r in rows] == MALFORMED
    assert all(r.reason and r.source == "bad.jsonl" for r in rows)


def test_a_repeated_id_inside_one_file_is_stored_once(
    Session: sessionmaker[Session], policy: Policy, surge_lines: list[bytes]
) -> None:
    summary = ingest_lines(Session, surge_lines[:5] * 2, source="x", policy=policy)
    assert (summary.stored, summary.duplicates) == (5, 5)


def test_a_batch_larger_than_one_insert_statement_is_stored_whole(
    Session: sessionmaker[Session],
) -> None:
    # 9,000 posts x 8 columns is more parameters than one statement may bind: PostgreSQL takes
    # 65,535, SQLite 32,766 unless built with more.
    posts = [post(i) for i in range(9_000)]
    with Session.begin() as session:
        store(session, [verdict(p, Action.ALLOW) for p in posts], posts)
    assert count(Session, PostRow) == count(Session, VerdictRow) == 9_000


def test_the_ingest_command_prints_a_summary_and_what_it_runs_without(
    surge_file: Path, db_url: str
) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "moderation", "ingest", str(surge_file)],
        capture_output=True,
        cwd=REPO,
        check=True,
        timeout=300,
        env={"DATABASE_URL": db_url, "PATH": "/usr/bin"},
    )
    summary = json.loads(out.stdout)
    assert summary["read"] == summary["stored"] == 3000
    assert summary["dead_letters"] == 0 and summary["posts_per_s"] > 0
    # The default CLASSIFIERS name Detoxify, whose weights no checkout carries.
    assert "notice: detoxify.original.v1: Detoxify weights not found" in out.stderr.decode()
