"""The workbench in a real headless Chromium: policy staff edit a rule, see the error inline,
fix it, backtest, deploy as shadow and roll back; a moderator is never offered the pages."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from db import workbench
from db.engine import make_sessionmaker
from tests.browser import ROOT, chromium_page, fill_surge, log_in, running_dashboard

pytestmark = pytest.mark.browser
# The first live version, deployed before the browser opens, so there is one to roll back to.
DEPLOY_FOLDER = (
    "from db.engine import make_sessionmaker; from db import workbench as wb; import os\n"
    "S = make_sessionmaker(os.environ['DATABASE_URL'])\n"
    "with S.begin() as s: wb.deploy(s, 'pat', wb.folder_files('rules/policies'), 'from git')\n"
)


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[str]:
    """The dashboard over a simulated surge, rules from the workbench, a policy and a moderator."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'ui.db'}",
        "PYTHONPATH": str(ROOT),
        "RULES_SOURCE": "db",
    }
    fill_surge(env, tmp_path, {"pat": "policy", "mia": "moderator"})
    subprocess.run([sys.executable, "-c", DEPLOY_FOLDER], env=env, cwd=ROOT, check=True)
    with running_dashboard(env) as url:
        yield url


def test_edit_error_fix_backtest_deploy_as_shadow_and_roll_back(
    dashboard: str, tmp_path: Path
) -> None:
    playwright = pytest.importorskip("playwright.sync_api")  # for `expect`
    with chromium_page(1200) as page:
        log_in(page, dashboard, "mia")
        page.get_by_role("link", name="Review").wait_for()
        assert page.get_by_role("link", name="Rules workbench").count() == 0
        assert page.get_by_role("link", name="Rules pack").count() == 0
        page.get_by_role("button", name="Log out").click()

        log_in(page, dashboard, "pat")
        page.get_by_role("link", name="Rules workbench").click()
        page.get_by_text("Checks clean").wait_for()
        page.get_by_role("combobox", name="File").click()
        page.get_by_role("option", name="spam.yaml").click()
        area = page.get_by_role("textbox", name="Rules file")
        playwright.expect(area).to_contain_text("follower_selling_v1")
        good = area.input_value()
        area.fill(good.replace("matches_list: follower_selling", "matches_list: follower_sellng"))
        area.press("Control+Enter")
        page.get_by_text("did you mean `follower_selling`?").first.wait_for()
        area.fill(good.replace("priority: 70", "priority: 72"))
        area.press("Control+Enter")
        page.get_by_text("Checks clean").wait_for()

        page.get_by_role("button", name="Run backtest").click()
        page.get_by_text("Backtest done").wait_for()
        page.get_by_role("button", name="Deploy as shadow").click()
        page.get_by_text("(shadow)").first.wait_for()

        page.get_by_role("link", name="Rules pack").click()
        page.get_by_text("shadow: follower_selling_v1").wait_for()
        page.get_by_role("button", name="Roll back to").first.click()
        page.get_by_text("rollback", exact=True).first.wait_for()
    with make_sessionmaker(f"sqlite:///{tmp_path / 'ui.db'}")() as s:
        history = workbench.deployments(s)
    assert [(d.kind, d.mode) for d in history] == [
        ("rollback", "live"),
        ("deploy", "shadow"),
        ("deploy", "live"),
    ]
    assert history[0].version == history[2].version != history[1].version
