"""The hot-path statements as PostgreSQL runs them: prepared once, planned once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import orm, text

from db import queue
from db.accounts import Role
from db.engine import make_engine
from db.migrate import upgrade
from tests.factories import flagged, users

pytestmark = pytest.mark.postgres


@pytest.fixture
def one_connection(pg_url: str) -> Iterator[orm.sessionmaker[orm.Session]]:
    """Sessions that all use the same server connection, so its prepared statements add up."""
    engine = make_engine(pg_url, pool_size=1, max_overflow=0)
    upgrade(engine)
    yield orm.sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def plans(session: orm.Session) -> dict[str, tuple[int, int]]:
    """(generic, custom) plan counts of this connection's prepared statements, by what they do."""
    rows = session.execute(
        text("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
    )
    return {_what(r.statement): (r.generic_plans, r.custom_plans) for r in rows}


def _what(statement: str) -> str:
    if "claimed AS" in statement:
        return "submit-and-next"
    if statement.startswith("WITH closed AS"):
        return "decide"
    return "claim" if statement.startswith("UPDATE queue_items SET claimed_by") else statement


def test_claims_and_decisions_reuse_a_generic_plan(one_connection):
    # A generic plan the server keeps costs no planning per call; a statement whose generic
    # plan looks dearer than a custom one (say, from `LIMIT $1`) is re-planned on every call.
    with one_connection.begin() as s:
        users(s, ("mia", Role.MODERATOR))
        flagged(s, 2000)  # with `LIMIT $1` the claim was re-planned from about this size on
        s.execute(text("ANALYZE"))  # as autovacuum would: plans are costed from statistics
    for _ in range(30):
        with one_connection.begin() as s:
            claim = queue.claim_next(s, "mia", "spam")
            assert claim is not None
            queue.decide(s, "mia", claim.item_id, "approve")
    with one_connection.begin() as s:
        claim = queue.claim_next(s, "mia", "spam")
    for _ in range(30):
        with one_connection.begin() as s:
            _, claim = queue.decide_and_claim_next(s, "mia", claim.item_id, "remove", queue="spam")
            assert claim is not None
    with one_connection() as s:
        seen = plans(s)
    for statement in ["claim", "decide", "submit-and-next"]:
        generic, custom = seen[statement]
        assert custom <= 5 < generic, statement  # PostgreSQL tries 5 custom plans, then settles
