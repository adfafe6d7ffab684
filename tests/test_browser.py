"""The main flows in a real headless Chromium: a moderator logs in → claims → removes with a note →
next → the audit log shows it; an engineer opens the surge page. Screenshots: test-artifacts/."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import free_port

pytestmark = pytest.mark.browser
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
NOTE = "sells followers, seen in the wave"


def _moderation(env: dict[str, str], *args: str, stdout: object = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "moderation", *args], env=env, cwd=ROOT, check=True, stdout=stdout
    )


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[str]:
    """`streamlit run` over a fresh SQLite database (simulate + ingest) with two staff accounts."""
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed (make system-deps)")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'ui.db'}", "PYTHONPATH": str(ROOT)}
    surge = tmp_path / "surge.jsonl"
    with surge.open("w") as out:
        _moderation(env, "simulate", "--posts", "400", "--seed", "3", stdout=out)
    _moderation(env, "ingest", "--no-progress", str(surge), stdout=subprocess.DEVNULL)
    _moderation(env, "users", "add", "mia", "--role", "moderator", "--password", "pw-mia")
    _moderation(env, "users", "add", "eve", "--role", "engineer", "--password", "pw-eve")
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


def test_log_in_claim_remove_with_a_note_next_and_audit(dashboard: str, tmp_path: Path) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        page.goto(dashboard)
        page.get_by_role("textbox", name="Name").fill("mia")
        page.get_by_role("textbox", name="Password").fill("pw-mia")
        page.get_by_role("button", name="Log in").click()

        page.get_by_role("button", name="Claim next").click()
        note = page.get_by_label("Note for the audit log")
        note.wait_for()
        first = page.locator("h3").first.inner_text()
        note.fill(NOTE)
        note.press("Enter")  # commit the text input before the button reads it
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review_page.png"), full_page=True)
        page.get_by_role("button", name="Remove (X)").click()
        page.get_by_text("remove: post").wait_for()
        second = page.locator("h3").first.inner_text()
        assert second != first  # submit-and-next put a new item in front of the reviewer

        page.get_by_role("link", name="Audit log").click()
        page.get_by_role("button", name="Download CSV").wait_for()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download CSV").click()
        csv_text = Path(download.value.path()).read_text()
        browser.close()
    assert NOTE in csv_text and ",mia,remove," in csv_text


def test_an_engineer_sees_the_surge_page_with_its_charts(dashboard: str) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.set_default_timeout(30_000)
        page.goto(dashboard)
        page.get_by_role("textbox", name="Name").fill("eve")
        page.get_by_role("textbox", name="Password").fill("pw-eve")
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="Surge").click()
        page.get_by_text("Posts / min").first.wait_for()
        page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
        charts = page.locator("[data-testid='stVegaLiteChart']").count()
        review_links = page.get_by_role("link", name="Review").count()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "surge_page.png"), full_page=True)
        browser.close()
    assert charts >= 3
    assert review_links == 0  # engineers watch the surge; they do not review
