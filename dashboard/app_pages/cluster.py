"""One decision over every pending post of a near-duplicate cluster, after a confirmation."""

import streamlit as st

from dashboard.components import current_actor
from dashboard.resources import get_sessionmaker
from db import cluster_review, queue, repository
from db.accounts import AccountError

Session = get_sessionmaker()
actor = current_actor()
assert actor is not None

st.title("Cluster action")
if done := st.session_state.pop("cluster_flash", None):
    st.success(done)
cluster_id = st.text_input("Cluster id", value=st.session_state.get("cluster_id", ""))
if not cluster_id:
    st.info("Open a cluster from the review page, or paste a cluster id.")
    st.stop()

with Session() as session:
    preview = repository.cluster_preview(session, cluster_id, actor.name)

st.metric("Pending posts this would decide", preview.pending)
if not preview.pending:
    st.stop()
st.markdown("**Sample**")
for text in preview.sample:
    st.caption(text)

decision = st.radio(
    "Decision", ["remove", "approve", "escalate"], horizontal=True, key="cluster_decision"
)
note = st.text_input("Note for the audit log", key="cluster_note")
confirmed = st.checkbox(
    f"Yes, {decision} all {preview.pending} pending posts in this cluster", key="cluster_confirm"
)
if st.button(
    f"Apply to {preview.pending} posts", type="primary", disabled=not confirmed, key="cluster_apply"
):
    try:
        with Session.begin() as session:
            result = cluster_review.bulk_decide_cluster(
                session, actor.name, cluster_id, decision, note
            )
    except (queue.ReviewError, AccountError) as err:
        st.error(str(err))
    else:
        st.session_state["cluster_flash"] = (
            f"{decision}: {result.decided} posts, batch {result.batch_id}"
        )
        st.session_state.pop("cluster_confirm", None)
        st.rerun()
