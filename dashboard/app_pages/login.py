"""Log in with a local account (`python -m moderation users add NAME --role ROLE`)."""

import streamlit as st

from dashboard.resources import get_sessionmaker
from db import accounts

st.title("Log in")
with st.form("login_form"):
    name = st.text_input("Name")
    password = st.text_input("Password", type="password")
    submitted = st.form_submit_button("Log in", type="primary")

if submitted:
    with get_sessionmaker()() as session:
        actor = accounts.authenticate(session, name, password)
    if actor is None:
        st.error("Unknown name or wrong password.")
    else:
        st.session_state["user"], st.session_state["role"] = actor.name, actor.role.value
        st.rerun()
