"""Entry point: `streamlit run dashboard/streamlit_app.py` (see `make run`)."""

import streamlit as st

st.set_page_config(page_title="Surge moderation", page_icon="🛡️", layout="wide")

pages = [
    st.Page("app_pages/flagged.py", title="Flagged posts", icon="🚩", default=True),
]
st.navigation(pages).run()
