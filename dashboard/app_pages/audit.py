"""The decision log with filters (moderator, action, rule, time) and CSV export."""

from datetime import UTC, datetime, time, timedelta

import streamlit as st

from dashboard.resources import get_sessionmaker
from db import audit
from db.queue import Decision

Session = get_sessionmaker()
with Session() as session:
    actors = audit.audit_actors(session)

st.title("Audit log")
cols = st.columns(5)
actor = cols[0].selectbox("Moderator", ["(all)", *actors], key="audit_actor")
action = cols[1].selectbox("Action", ["(all)", *[d.value for d in Decision]], key="audit_action")
rule = cols[2].text_input("Rule id", key="audit_rule")
since = cols[3].date_input("From", value=None, key="audit_since")
until = cols[4].date_input("To (inclusive)", value=None, key="audit_until")

where = audit.AuditFilter(
    actor=None if actor == "(all)" else actor,
    action=None if action == "(all)" else action,
    rule=rule.strip() or None,
    since=datetime.combine(since, time(), UTC) if since else None,
    until=datetime.combine(until, time(), UTC) + timedelta(days=1) if until else None,
)
with Session() as session:
    entries = audit.audit_log(session, where)

st.caption(f"{len(entries):,} decisions (newest first, at most 1,000)")
st.dataframe(
    [
        {
            "time": e.created_at,
            "moderator": e.actor,
            "action": e.action,
            "queue": e.queue,
            "post": e.post_id,
            "note": e.note,
            "rules": e.rules,
            "batch": e.batch_id or "",
        }
        for e in entries
    ],
    hide_index=True,
    width="stretch",
)
st.download_button(
    "Download CSV",
    audit.to_csv(entries),
    file_name="audit_log.csv",
    mime="text/csv",
    key="audit_csv",
)

st.subheader("Rules deployments")
with Session() as session:
    changes = audit.rules_changes(session)
st.dataframe(
    [
        {
            "time": c.created_at,
            "by": c.actor,
            "event": c.kind,
            "version": c.version,
            "mode": c.mode,
            "message": c.message,
        }
        for c in changes
    ],
    hide_index=True,
    width="stretch",
)
