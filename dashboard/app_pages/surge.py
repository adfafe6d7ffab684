"""Surge: arrival rate, language and account mix, flag rates, rule movers, queues and alerts.

For engineers watching a migration surge. Every number comes from a `db` read function; the page
only lays them out. Refreshes itself every 30 seconds.
"""

from datetime import timedelta

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.resources import get_classifier_notices, get_sessionmaker, get_settings
from db import alerts, metrics, stream, timeseries

Session = get_sessionmaker()
WINDOWS = {"6 hours": (6, 900), "24 hours": (24, 3600), "7 days": (168, 6 * 3600)}

st.title("Surge")
st.caption(
    "Post figures are on post time, ending at the newest post; queue and review figures on the"
    " wall clock."
)
for notice in get_classifier_notices():
    st.info(f"Classifiers: {notice}.", icon=":material/model_training:")
choice = st.radio("Window", list(WINDOWS), index=1, horizontal=True, key="surge_window")


def line_chart(points: list[timeseries.Point], title: str, y: str, fmt: str = "") -> None:
    if not points:
        st.info(f"No data yet for {title.lower()}.")
        return
    frame = pd.DataFrame([{"time": p.time, "series": p.series, "value": p.value} for p in points])
    chart = (
        alt.Chart(frame, title=title)
        .mark_line(point=False)
        .encode(
            x=alt.X("time:T", title=None),
            y=alt.Y("value:Q", title=y, axis=alt.Axis(format=fmt)),
            color=alt.Color("series:N", title=None),
            tooltip=["time:T", "series:N", alt.Tooltip("value:Q", format=fmt or ".2f")],
        )
    )
    st.altair_chart(chart, width="stretch")


@st.fragment(run_every=timedelta(seconds=30))
def surge() -> None:
    hours, bucket_s = WINDOWS[choice]
    with Session() as session:
        window = metrics.resolve_window(session, timedelta(hours=hours))
        snapshot = metrics.surge_metrics(session, window)
        by_lang = timeseries.posts_per_minute_by_language(session, window, bucket_s)
        by_age = timeseries.posts_per_minute_by_account_age(session, window, bucket_s)
        rates = timeseries.action_rates(session, window, bucket_s)
        movers = timeseries.rule_hits(session, window, bucket_s)
        found = alerts.list_alerts(session, window.start, window.end)

    cols = st.columns(5)
    cols[0].metric("Posts / min", f"{snapshot.posts_per_minute:,.1f}")
    cols[1].metric("Flagged", f"{snapshot.flagged_rate:.1%}")
    cols[2].metric("Removed", f"{snapshot.removed_rate:.1%}")
    new_share = snapshot.new_account_share
    cols[3].metric("New accounts", "–" if new_share is None else f"{new_share:.0%}")
    cols[4].metric("Alerts", len(found))

    st.subheader("Alerts")
    if found:
        st.dataframe(
            [
                {"from": a.window_start, "to": a.window_end, "kind": a.kind,
                 "subject": a.subject, "z": round(a.score, 1), "what": a.message}
                for a in found
            ],
            width="stretch",
            hide_index=True,
        )  # fmt: skip
    else:
        st.success("No anomalies in this window.")

    left, right = st.columns(2)
    with left:
        line_chart(by_lang, "Posts per minute by language", "posts/min")
        line_chart(rates, "Flag and removal rates", "share of posts", ".0%")
    with right:
        line_chart(by_age, "Posts per minute: new vs established accounts", "posts/min")
        line_chart(movers, "Rule hits (top movers)", "hits")

    st.subheader("Queues and handling time")
    st.dataframe(
        [
            {
                "queue": q.queue,
                "pending": q.depth,
                "oldest (min)": _minutes(q.oldest_pending_age_s),
            }
            for q in snapshot.queues
        ],
        hide_index=True,
    )
    handling = snapshot.handling_time
    handling_cols = st.columns(3)
    handling_cols[0].metric("Decisions", handling.decisions)
    handling_cols[1].metric("Median handling (min)", _minutes(handling.median_s))
    handling_cols[2].metric("p90 handling (min)", _minutes(handling.p90_s))
    st.bar_chart(snapshot.decisions_per_moderator, horizontal=True)
    _stream_section()


def _stream_section() -> None:
    st.subheader("Ingest stream (Redis)")
    health = stream.stream_health(get_settings().redis_url)
    if not health["available"]:
        st.caption(f"No stream to show: {health['reason']}. Workers: docs/deploy.md.")
        return
    cols = st.columns(3)
    cols[0].metric("Stream length", f"{health['length']:,}")
    cols[1].metric("Redeliveries", f"{health['redeliveries']:,}")
    cols[2].metric("Pending (all groups)", sum(g["pending"] for g in health["groups"]))
    st.dataframe(health["groups"], hide_index=True)


def _minutes(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds / 60:.1f}"


surge()
