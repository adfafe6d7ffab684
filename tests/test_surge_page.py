"""The surge page renders its charts and alerts from a database holding a simulated surge."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from db import alerts, metrics
from db.accounts import Role
from db.engine import make_engine, make_sessionmaker
from db.ingest import ingest_lines
from db.migrate import upgrade
from moderation import classifiers, simulate
from moderation.assemble import KEYWORD_THRESHOLDS
from moderation.pipeline import Policy
from tests.factories import users


@pytest.fixture
def surge_env(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'page.db'}"
    upgrade(make_engine(url))
    Session = make_sessionmaker(url)
    lines = [json.dumps(p, ensure_ascii=False).encode() for p in simulate.simulate(3000, 4)]
    policy = Policy(classifiers=[classifiers.create("keywords.v1")], thresholds=KEYWORD_THRESHOLDS)
    ingest_lines(Session, lines, source="sim", policy=policy)
    with Session.begin() as session:
        users(session, ("eng", Role.ENGINEER))
    with Session.begin() as session:
        window = metrics.resolve_window(session, timedelta(days=7))
        alerts.scan(session, window.start, window.end)
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()  # the sessionmaker is cached per process, not per test
    monkeypatch.delenv("OTEL_TRACES_EXPORTER", raising=False)
    monkeypatch.delenv("OTEL_METRICS_EXPORTER", raising=False)


@pytest.mark.parametrize("window", ["6 hours", "24 hours", "7 days"])
def test_surge_page_renders_charts_for_each_window(surge_env, window):
    at = AppTest.from_file("../dashboard/streamlit_app.py", default_timeout=60)
    at.session_state["user"], at.session_state["role"] = "eng", Role.ENGINEER.value
    at.run()
    at.switch_page("app_pages/surge.py").run()
    at.radio(key="surge_window").set_value(window).run()
    assert not at.exception
    assert at.title[0].value == "Surge"
    labels = [m.label for m in at.metric]
    assert labels[:5] == ["Posts / min", "Flagged", "Removed", "New accounts", "Alerts"]
    assert float(at.metric[0].value.replace(",", "")) > 0
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 3  # language, account age, flag rates (rules need rule ids)


SHIPPED_MODELS = str(Path(__file__).resolve().parent.parent / "moderation" / "models")


@pytest.mark.parametrize(
    ("configured", "notice"),
    [
        ("linear.v2,detoxify.original.v1", "detoxify.original.v1: Detoxify weights not found"),
        ("linear.v2", None),  # nothing configured is missing: nothing to say
        ("linear.v2,minilm.v1", None),  # its weights ship in the repo and its base in a package
    ],
)
def test_surge_page_says_which_classifiers_run_without_their_weights(
    surge_env, monkeypatch, configured: str, notice: str | None
):
    monkeypatch.setenv("CLASSIFIERS", configured)
    monkeypatch.setenv("MODELS_DIR", SHIPPED_MODELS)
    at = AppTest.from_file("../dashboard/streamlit_app.py", default_timeout=60)
    at.session_state["user"], at.session_state["role"] = "eng", Role.ENGINEER.value
    at.run()
    at.switch_page("app_pages/surge.py").run()
    assert not at.exception
    shown = [i.value for i in at.info if i.value.startswith("Classifiers:")]
    if notice is None:
        assert shown == []
    else:
        (message,) = shown
        assert notice in message and "running on the fast path" in message
        assert "toxic_original-c1212f89.ckpt" in message  # what to put where
