"""Time arithmetic that works the same on SQLite and PostgreSQL.

SQLite stores timezone-aware columns as naive UTC text and hands back naive datetimes; PostgreSQL
hands back aware ones. Everything leaving `db/` is aware UTC, and buckets are computed in SQL from
epoch seconds so that a week of posts is grouped by the database, not in Python.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, cast, func
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement


def utc(value: datetime) -> datetime:
    """`value` as aware UTC; naive values (SQLite) are UTC already.

    Aware UTC parameters also compare correctly on SQLite: they render as the same text.
    """
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def epoch(session: Session, column: Any) -> ColumnElement[int]:
    """Whole epoch seconds of a timestamp column."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.strftime("%s", column), Integer)
    return cast(func.floor(func.extract("epoch", column)), Integer)


def bucket(session: Session, column: Any, seconds: int) -> ColumnElement[int]:
    """Epoch seconds of the start of the `seconds`-long bucket holding `column`."""
    return (epoch(session, column) // seconds) * seconds


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(int(seconds), UTC)


def floor_hour(value: datetime) -> datetime:
    return utc(value).replace(minute=0, second=0, microsecond=0)


def hours(start: datetime, end: datetime) -> list[datetime]:
    """Hour starts from floor(start) up to, not including, end."""
    out, t = [], floor_hour(start)
    while t < end:
        out.append(t)
        t += timedelta(hours=1)
    return out
