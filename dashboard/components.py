"""Small rendering helpers shared by pages: highlighted spans, score bars, the signed-in actor."""

from __future__ import annotations

import html
from datetime import timedelta

import streamlit as st

from db.accounts import Actor, Permission, Role


def current_actor() -> Actor | None:
    """Who logged in on this browser session (set by the login page)."""
    name, role = st.session_state.get("user"), st.session_state.get("role")
    return Actor(name, Role(role)) if name and role else None


def require(permission: Permission, refusal: str) -> Actor:
    """The signed-in actor, or stop the page with `refusal`.

    The navigation already hides pages a role may not use; this guards a direct link. The
    service functions check the role again on every write.
    """
    actor = current_actor()
    if actor is None or not actor.can(permission):
        st.error(refusal)
        st.stop()
    assert actor is not None
    return actor


def highlight(text: str, spans: list[tuple[int, int]]) -> str:
    """HTML of `text` with each matched span in <mark>; overlapping spans are merged."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        start, end = max(0, start), min(len(text), end)
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def score_bars(scores: dict[str, float]) -> None:
    for label, value in sorted(scores.items(), key=lambda kv: -kv[1]):
        st.progress(min(max(value, 0.0), 1.0), text=f"{label} {value:.2f}")


def age_text(age: timedelta | None) -> str:
    if age is None:
        return "–"
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes // 1440} days"
