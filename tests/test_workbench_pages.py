"""The rules pages through AppTest: policy staff edit, check, deploy and roll back; others can't."""

from __future__ import annotations

import pytest
import streamlit as st

from db import workbench
from db.engine import make_sessionmaker
from db.migrate import upgrade
from tests.factories import STAFF, app_as, flagged, users


@pytest.fixture
def rules_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'rules.db'}"
    Session = make_sessionmaker(url)
    upgrade(Session.kw["bind"])
    with Session.begin() as s:
        users(s, *STAFF.items())
        flagged(s, 3)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("RULES_SOURCE", "db")
    st.cache_resource.clear()
    yield Session
    st.cache_resource.clear()


@pytest.mark.parametrize("name", ["mia", "eng"])
def test_moderators_and_engineers_are_not_offered_the_rules_pages(rules_db, name):
    at = app_as(name).run()
    with pytest.raises(Exception, match="rules_pack|workbench|not found|Could not find"):
        at.switch_page("app_pages/workbench.py").run()


@pytest.mark.parametrize("page", ["app_pages/rules_pack.py", "app_pages/workbench.py"])
@pytest.mark.parametrize("name", ["pat", "ada"])
def test_policy_staff_and_admins_see_the_rules_pages(rules_db, page, name):
    at = app_as(name).switch_page(page).run()
    assert not at.exception


def test_an_error_shows_inline_and_a_fixed_file_deploys_as_shadow_then_rolls_back(rules_db):
    at = app_as("pat").switch_page("app_pages/workbench.py").run()
    at.selectbox(key="workbench_file").select("spam.yaml").run()
    area = at.text_area(key="workbench_text_spam.yaml")
    good = area.value
    area.input(
        good.replace("matches_list: follower_selling", "matches_list: follower_sellng")
    ).run()
    assert any("did you mean `follower_selling`?" in c.value for c in at.code)
    assert at.button(key="workbench_deploy_shadow").disabled
    at.text_area(key="workbench_text_spam.yaml").input(
        good.replace("priority: 70", "priority: 71")
    ).run()
    assert not at.code and "Checks clean" in at.success[0].value
    at.button(key="workbench_deploy_live").click().run()
    at.text_area(key="workbench_text_spam.yaml").input(good).run()
    at.button(key="workbench_deploy_shadow").click().run()
    assert "(shadow)" in at.success[-1].value
    with rules_db() as s:
        first, *_ = reversed(workbench.deployments(s))
    at.switch_page("app_pages/rules_pack.py").run()
    at.button(key=f"rules_pack_rollback_{first.id}").click().run()
    assert not at.exception
    with rules_db() as s:
        assert workbench.live_deployment(s).kind == "rollback"
        assert workbench.live_deployment(s).version == first.version
