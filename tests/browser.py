"""What the browser tests share: a real `streamlit run` over a simulated surge, Chromium, log-in."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.servers import free_port

ROOT = Path(__file__).parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def moderation(env: dict[str, str], *args: str, stdout: object = None) -> None:
    """Run `python -m moderation ARGS` as a user would."""
    subprocess.run(
        [sys.executable, "-m", "moderation", *args], env=env, cwd=ROOT, check=True, stdout=stdout
    )


def fill_surge(env: dict[str, str], tmp_path: Path, staff: dict[str, str]) -> None:
    """Simulate and ingest 400 posts, and add one account per (name → role), password pw-NAME."""
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed (make system-deps)")
    surge = tmp_path / "surge.jsonl"
    with surge.open("w") as out:
        moderation(env, "simulate", "--posts", "400", "--seed", "3", stdout=out)
    moderation(env, "ingest", "--no-progress", str(surge), stdout=subprocess.DEVNULL)
    for name, role in staff.items():
        moderation(env, "users", "add", name, "--role", role, "--password", f"pw-{name}")


@contextmanager
def running_dashboard(env: dict[str, str]) -> Iterator[str]:
    """`streamlit run` on a free loopback port; yields its URL once healthy, stops it after."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/streamlit_app.py",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@contextmanager
def chromium_page(height: int) -> Iterator[Any]:
    """A 1,400-pixel-wide page in headless Chromium with 30 s timeouts; the browser closes after."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": height})
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def log_in(page: Any, url: str, name: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="Name").fill(name)
    page.get_by_role("textbox", name="Password").fill(f"pw-{name}")
    page.get_by_role("button", name="Log in").click()


def _wait_healthy(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("streamlit exited before it was healthy")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)  # polling a starting server; the only wait in the suite
    raise TimeoutError("streamlit did not become healthy")
