"""Every page through Streamlit's AppTest, over a small SQLite database with staff accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import streamlit as st
from sqlalchemy import select

from db import queue
from db.engine import make_sessionmaker
from db.migrate import upgrade
from db.models import ReviewEventRow
from tests.factories import STAFF, app_as, flagged, users


@pytest.fixture
def demo_db(tmp_path, monkeypatch):
    """A migrated SQLite file with staff and flagged posts, selected through DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'dash.db'}"
    Session = make_sessionmaker(url)
    upgrade(Session.kw["bind"])
    with Session.begin() as s:
        users(s, *STAFF.items())
        flagged(s, 3, cluster="wave-1")
        flagged(s, 2, start=3, queue="toxicity")
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()  # the sessionmaker is cached per process, not per test
    yield Session
    st.cache_resource.clear()


def test_login_rejects_a_wrong_password_and_accepts_the_right_one(demo_db):
    at = app_as(None).run()
    at.text_input[0].input("mia")
    at.text_input[1].input("wrong")
    at.button[0].click().run()
    assert "wrong password" in at.error[0].value
    at.text_input[1].input("pw-mia")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["user"] == "mia" and at.title[0].value == "Review"


def test_review_claims_shows_the_post_and_removes_with_a_note_then_claims_the_next(demo_db):
    at = app_as("mia").run()
    at.selectbox(key="review_queue").select("spam").run()
    at.button(key="review_claim").click().run()
    assert not at.exception
    assert any("<mark>" in m.value for m in at.markdown)
    first = at.subheader[0].value
    at.text_input(key=next(k for k in at.session_state if k.startswith("review_note_"))).input(
        "sells followers"
    )
    at.button(key="review_remove").click().run()
    assert at.subheader[0].value != first  # submit-and-next claimed another spam item
    with demo_db() as s:
        (event,) = s.scalars(select(ReviewEventRow)).all()
    assert (event.actor, event.action, event.note) == ("mia", "remove", "sells followers")


def test_the_engineer_sees_queues_first_and_no_review_page(demo_db):
    at = app_as("eng").run()
    assert not at.exception
    assert at.title[0].value == "Queues"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/review.py")


def test_queue_overview_shows_depth_per_queue(demo_db):
    at = app_as("eng").run()
    table = at.dataframe[0].value
    depth = dict(zip(table["queue"], table["depth"], strict=True))
    assert depth == {"spam": 3, "toxicity": 2, "escalations": 0}


def test_cluster_action_needs_a_confirmation_and_uses_one_batch(demo_db):
    at = app_as("mia")
    at.session_state["cluster_id"] = "wave-1"
    at.switch_page("app_pages/cluster.py").run()
    assert at.metric[0].value == "3"
    assert at.button(key="cluster_apply").disabled
    at.checkbox(key="cluster_confirm").check().run()
    at.button(key="cluster_apply").click().run()
    assert not at.exception
    assert "3 posts" in at.success[0].value
    with demo_db() as s:
        batches = {e.batch_id for e in s.scalars(select(ReviewEventRow))}
    assert len(batches) == 1 and None not in batches


def test_audit_log_filters_by_moderator_and_exports_csv(demo_db):
    now = datetime.now(UTC)
    for who in ["mia", "pat"]:
        with demo_db.begin() as s:
            claim = queue.claim_next(s, who, "spam", now=now)
            queue.decide(s, who, claim.item_id, "approve", f"ok by {who}", now=now)
    at = app_as("ada").switch_page("app_pages/audit.py").run()
    assert len(at.dataframe[0].value) == 2
    at.selectbox(key="audit_actor").select("pat").run()
    table = at.dataframe[0].value
    assert list(table["note"]) == ["ok by pat"]
    assert not at.exception


def test_flagged_page_still_renders(demo_db):
    at = app_as("mia").switch_page("app_pages/flagged.py").run()
    assert not at.exception
    assert at.metric[1].value == "5"


def test_an_expired_claim_is_not_shown_as_held(demo_db):
    past = datetime.now(UTC) - timedelta(hours=1)
    with demo_db.begin() as s:
        queue.claim_next(s, "mia", "spam", now=past)
    at = app_as("mia").run()
    assert at.button(key="review_claim")  # back at "claim next", not on a stale item
