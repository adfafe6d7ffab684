"""Shared, cached resources for every page: settings and the database sessionmaker.

The only place the dashboard reads the environment. Cached objects are read-only.
"""

from __future__ import annotations

import os

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine
from db.gauges import observe_database
from db.migrate import upgrade
from moderation.assemble import build_classifiers
from moderation.config import Settings
from moderation.errors import ConfigError
from moderation.observability import Telemetry, configure


@st.cache_resource
def get_settings() -> Settings:
    return Settings.from_env(os.environ)


@st.cache_resource
def get_classifier_notices() -> tuple[str, ...]:
    """What the configured classifiers run without (Detoxify's weights absent, say), and what to
    do about it: this server's view of CLASSIFIERS and MODELS_DIR, as ingest sees them here."""
    try:
        return build_classifiers(get_settings()).notices
    except ConfigError as err:
        return (str(err),)


@st.cache_resource
def get_sessionmaker() -> sessionmaker[Session]:
    engine = make_engine(get_settings().database_url)
    upgrade(engine)  # a fresh database gets its schema before the first page reads it
    return sessionmaker(engine, expire_on_commit=False)


@st.cache_resource
def get_telemetry() -> Telemetry | None:
    """The OpenTelemetry SDK, installed once per server process when OTEL_* ask for it."""
    telemetry = configure(os.environ, service="moderation-dashboard")
    if telemetry is not None:
        observe_database(get_sessionmaker())
    return telemetry
