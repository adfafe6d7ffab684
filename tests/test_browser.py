"""The main flows in a real headless Chromium: a moderator logs in → claims → removes with a note →
next → the audit log shows it; an engineer opens the surge page. Screenshots: test-artifacts/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, ROOT, chromium_page, fill_surge, log_in, running_dashboard

pytestmark = pytest.mark.browser
NOTE = "sells followers, seen in the wave"


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[str]:
    """The dashboard over a fresh SQLite database (simulate + ingest) with two staff accounts."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'ui.db'}", "PYTHONPATH": str(ROOT)}
    fill_surge(env, tmp_path, {"mia": "moderator", "eve": "engineer"})
    with running_dashboard(env) as url:
        yield url


def test_log_in_claim_remove_with_a_note_next_and_audit(dashboard: str, tmp_path: Path) -> None:
    with chromium_page(1000) as page:
        log_in(page, dashboard, "mia")

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
    assert NOTE in csv_text and ",mia,remove," in csv_text


def test_an_engineer_sees_the_surge_page_with_its_charts(dashboard: str) -> None:
    with chromium_page(1400) as page:
        log_in(page, dashboard, "eve")
        page.get_by_role("link", name="Surge").click()
        page.get_by_text("Posts / min").first.wait_for()
        page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
        charts = page.locator("[data-testid='stVegaLiteChart']").count()
        review_links = page.get_by_role("link", name="Review").count()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "surge_page.png"), full_page=True)
    assert charts >= 3
    assert review_links == 0  # engineers watch the surge; they do not review
