"""Entry point: `streamlit run dashboard/streamlit_app.py` (see `make run`)."""

import streamlit as st

from dashboard.resources import get_telemetry

st.set_page_config(page_title="Surge moderation", page_icon="🛡️", layout="wide")
get_telemetry()

pages = [
    st.Page("app_pages/flagged.py", title="Flagged posts", icon="🚩", default=True),
    # Roles engineer/admin once the review branch's login lands.
    st.Page("app_pages/surge.py", title="Surge", icon="📈"),
]
st.navigation(pages).run()
