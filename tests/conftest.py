"""Shared fixtures: a database per test on SQLite and on a throwaway real PostgreSQL cluster.

`db_url` is parametrized over both backends, so any test that takes it (or `Session`) runs
twice. The PostgreSQL cluster is started once per run with the installed server binaries, as
the `postgres` user (the server refuses to run as root), on a free loopback port.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

from bench.pg_throwaway import pg_bindir, throwaway_postgres
from db.engine import make_engine
from db.migrate import upgrade


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """The URL of a fresh PostgreSQL cluster's `postgres` database, stopped after the run."""
    if pg_bindir() is None:
        pytest.skip("PostgreSQL server binaries not found (install with `make system-deps`)")
    with throwaway_postgres() as url:
        yield url


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped after it."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield pg_admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, once on SQLite (a file, so threads share it) and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def Session(db_url: str) -> Iterator[sessionmaker[OrmSession]]:
    """A sessionmaker over `db_url` with the schema migrated to head."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()
