"""A throwaway PostgreSQL cluster on a free loopback port, for tests and benchmarks.

The server refuses to run as root, so as root the binaries run as the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class NoPostgres(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _as_postgres(*argv: str | Path) -> list[str]:
    cmd = [str(a) for a in argv]
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Yield the URL of a fresh cluster's `postgres` database; stop and delete it after."""
    bindir = pg_bindir()
    if bindir is None:
        raise NoPostgres("PostgreSQL server binaries not found (install with `make system-deps`)")
    root = Path(tempfile.mkdtemp(prefix="pgtmp-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = free_port()
    initdb = [bindir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8"]
    subprocess.run(_as_postgres(*initdb), check=True, capture_output=True)
    # Durability is irrelevant for a throwaway cluster; speed is not.
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
    )
    ctl = [bindir / "pg_ctl", "-D", data]
    start = [*ctl, "-l", root / "log", "-o", options, "-w", "start"]
    subprocess.run(_as_postgres(*start), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres(*ctl, "-m", "immediate", "stop"), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
