"""Entry point: `streamlit run dashboard/streamlit_app.py` (see `make run`).

Pages are chosen by role here, but hiding a page is only convenience: every write in `db/`
checks the actor's stored role again.
"""

import streamlit as st

from dashboard.components import current_actor
from dashboard.resources import get_telemetry
from db.accounts import Permission

st.set_page_config(page_title="Surge moderation", page_icon="🛡️", layout="wide")
get_telemetry()

actor = current_actor()
if actor is None:
    pages = [st.Page("app_pages/login.py", title="Log in", icon="🔑", default=True)]
else:
    can_review = actor.can(Permission.REVIEW)
    offered = [
        (
            st.Page("app_pages/review.py", title="Review", icon="🧑‍⚖️", default=can_review),
            can_review,
        ),
        (st.Page("app_pages/queues.py", title="Queues", icon="📥", default=not can_review), True),
        (
            st.Page("app_pages/cluster.py", title="Cluster action", icon="🧺"),
            actor.can(Permission.BULK_REVIEW),
        ),
        (
            st.Page("app_pages/audit.py", title="Audit log", icon="📜"),
            actor.can(Permission.VIEW_AUDIT),
        ),
        (st.Page("app_pages/flagged.py", title="Flagged posts", icon="🚩"), True),
        (
            st.Page("app_pages/surge.py", title="Surge", icon="📈"),
            actor.can(Permission.VIEW_METRICS),
        ),
        (
            st.Page("app_pages/rules_pack.py", title="Rules pack", icon="📚"),
            actor.can(Permission.EDIT_RULES),
        ),
        (
            st.Page("app_pages/workbench.py", title="Rules workbench", icon="🛠️"),
            actor.can(Permission.EDIT_RULES),
        ),
    ]
    pages = [page for page, allowed in offered if allowed]
    with st.sidebar:
        st.caption(f"Signed in as **{actor.name}** ({actor.role})")
        if st.button("Log out", key="app_logout"):
            st.session_state.clear()
            st.rerun()
st.navigation(pages).run()
