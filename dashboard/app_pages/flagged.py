"""The newest flagged posts, with why each was flagged."""

import streamlit as st

from dashboard.resources import get_sessionmaker
from db import repository

Session = get_sessionmaker()
with Session() as session:
    totals = repository.totals(session)
    flagged = repository.newest_flagged(session, limit=200)

st.title("Flagged posts")
cols = st.columns(4)
cols[0].metric("Posts", f"{totals.posts:,}")
cols[1].metric("Flagged", f"{totals.flagged:,}")
cols[2].metric("Removed", f"{totals.removed:,}")
cols[3].metric("Dead letters", f"{totals.dead_letters:,}")

if not flagged:
    st.info("Nothing flagged yet. Ingest posts with `python -m moderation ingest FILE`.")
st.dataframe(
    [
        {
            "time": p.created_at,
            "action": p.action,
            "queue": p.queue,
            "lang": p.lang,
            "text": p.text,
            "why": "; ".join(p.reasons),
            "author": p.author_id,
        }
        for p in flagged
    ],
    width="stretch",
    hide_index=True,
)
