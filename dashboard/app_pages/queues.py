"""Queue overview: how deep each queue is, how long the oldest item has waited, who is on it."""

import streamlit as st

from dashboard.components import age_text
from dashboard.resources import get_sessionmaker
from db import repository

with get_sessionmaker()() as session:
    stats = repository.queue_overview(session)
    totals = repository.totals(session)

st.title("Queues")
cols = st.columns(3)
cols[0].metric("Waiting", f"{sum(s.depth for s in stats):,}")
cols[1].metric("Claimed now", f"{sum(s.claimed_now for s in stats):,}")
cols[2].metric("Posts stored", f"{totals.posts:,}")
st.dataframe(
    [
        {
            "queue": s.queue,
            "depth": s.depth,
            "oldest waiting": age_text(s.oldest_age),
            "claimed now": s.claimed_now,
        }
        for s in stats
    ],
    hide_index=True,
    width="stretch",
)
