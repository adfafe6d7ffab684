"""Throwaway servers for tests: real PostgreSQL and Redis on free loopback ports.

PostgreSQL refuses to run as root, so as root the cluster is run as the `postgres` user
(`runuser`); as any other user it runs as that user. Everything lives in a temp dir that is
removed afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Start a cluster; yield the SQLAlchemy URL of its `postgres` database; stop it after."""
    bindir = postgres_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    tmp = Path(tempfile.mkdtemp(prefix="moderation-pg-"))
    as_user = _runas_prefix(tmp)
    data, port = tmp / "data", free_port()
    try:
        _run(as_user, bindir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "--no-sync")
        options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off"
        options += " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        _run(
            as_user, bindir / "pg_ctl", "-D", data, "-o", options, "-l", tmp / "log", "-w", "start"
        )
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        finally:
            _run(as_user, bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def create_database(server_url: str, prefix: str = "t") -> str:
    """A new, empty database in the cluster at `server_url`; returns its URL."""
    from sqlalchemy import create_engine, text

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    server, name = url.rsplit("/", 1)
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _runas_prefix(tmp: Path) -> list[str]:
    if os.geteuid() != 0:
        return []
    shutil.chown(tmp, "postgres", "postgres")
    return ["runuser", "-u", "postgres", "--"]


def _run(prefix: list[str], *args: object) -> None:
    subprocess.run([*prefix, *map(str, args)], check=True, capture_output=True, timeout=120)


@contextmanager
def redis_process() -> Iterator[str]:
    """Start redis-server without persistence; yield its URL; stop it after."""
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="moderation-redis-"))
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_ready(proc, b"Ready to accept connections")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


def _wait_until_ready(proc: subprocess.Popen[bytes], banner: bytes) -> None:
    """Read the server's log until it says it is ready (no polling, no sleeps)."""
    assert proc.stdout is not None
    for line in proc.stdout:
        if banner in line:
            # Keep draining the log so a chatty server never blocks on a full pipe.
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return
    raise RuntimeError(f"server exited with {proc.wait()} before it was ready")
