"""Claim the next item of a queue and decide it: buttons, single-key shortcuts, submit-and-next."""

import streamlit as st

from dashboard.components import current_actor, highlight, score_bars
from dashboard.resources import get_sessionmaker
from db import queue, repository
from db.accounts import AccountError, Permission

Session = get_sessionmaker()
signed_in = current_actor()
assert signed_in is not None  # the entry point only offers this page after log-in
actor = signed_in  # bound again: functions below see the narrowed type, not `Actor | None`

with Session() as session:
    stats = repository.queue_overview(session)
    item = repository.current_claim(session, actor.name)

st.title("Review")
if flash := st.session_state.pop("review_flash", None):
    st.info(flash)


def claim(queue_name: str) -> None:
    try:
        with Session.begin() as session:
            got = queue.claim_next(session, actor.name, queue_name)
    except AccountError as err:
        st.session_state["review_flash"] = str(err)
        return
    if got is None:
        st.session_state["review_flash"] = f"Nothing left to claim in {queue_name}."


if item is None:
    allowed = [
        s
        for s in stats
        if actor.can(
            Permission.REVIEW_ESCALATIONS if s.queue == queue.ESCALATIONS else Permission.REVIEW
        )
    ]
    names = [s.queue for s in allowed]
    depth = {s.queue: s.depth for s in allowed}
    chosen = st.selectbox(
        "Queue", names, format_func=lambda q: f"{q} ({depth[q]:,} waiting)", key="review_queue"
    )
    if st.button("Claim next", type="primary", shortcut="N", key="review_claim"):
        claim(chosen)
        st.rerun()
    st.caption("Shortcut: N claims the next item.")
    st.stop()

left, right = st.columns([3, 2])
with left:
    st.subheader(f"{item.queue} · item {item.item_id}")
    st.markdown(
        f"<div style='font-size:1.2em;line-height:1.6'>{highlight(item.text, item.spans)}</div>",
        unsafe_allow_html=True,
    )
    st.caption(
        f"post {item.post_id} · {item.lang} · pipeline said **{item.action}**"
        f" · rules {item.rules_version}"
    )
    st.markdown("**Why it was flagged**")
    for reason in item.reasons or ["no reason recorded"]:
        st.markdown(f"- {reason}")
    note = st.text_input("Note for the audit log", key=f"review_note_{item.item_id}")
    next_after = st.toggle("Submit and next", value=True, key="review_next")
    buttons = st.columns(4)
    choices = [
        ("Approve", "A", queue.Decision.APPROVE),
        ("Remove", "X", queue.Decision.REMOVE),
        ("Escalate", "E", queue.Decision.ESCALATE),
        ("Skip", "S", queue.Decision.SKIP),
    ]
    for col, (label, key, decision) in zip(buttons, choices, strict=True):
        if col.button(f"{label} ({key})", shortcut=key, key=f"review_{decision}", width="stretch"):
            try:
                flash = f"{decision.value}: post {item.post_id}"
                with Session.begin() as session:
                    if next_after:  # the decision and the next claim commit together
                        _, got = queue.decide_and_claim_next(
                            session, actor.name, item.item_id, decision, note, queue=item.queue
                        )
                        if got is None:
                            flash += f" · Nothing left to claim in {item.queue}."
                    else:
                        queue.decide(session, actor.name, item.item_id, decision, note)
                st.session_state["review_flash"] = flash
            except (queue.ReviewError, AccountError) as err:
                st.session_state["review_flash"] = str(err)
            st.rerun()
    clustered = (item.cluster_size or 0) > 1 and actor.can(Permission.BULK_REVIEW)
    if clustered and st.button(f"Act on its whole cluster ({item.cluster_size} posts)…"):
        st.session_state["cluster_id"] = item.cluster_id
        st.switch_page("app_pages/cluster.py")

with right:
    st.markdown("**Scores**")
    score_bars(item.scores)
    st.metric("Near-duplicate cluster", item.cluster_size or 1)
    history = item.author
    st.markdown(f"**Author {history.author_id}**")
    age = "unknown" if history.account_age_days is None else f"{history.account_age_days:.1f} days"
    st.caption(f"account age when posting: {age} · posts stored: {history.posts_stored}")
    for posted, text in history.recent_posts:
        st.caption(f"{posted:%Y-%m-%d %H:%M} · {text[:120]}" if posted else text[:120])
    for d in history.past_decisions:
        st.caption(
            f"decision: {d.action} by {d.actor} on {d.post_id} {('· ' + d.note) if d.note else ''}"
        )
    if not history.past_decisions:
        st.caption("no past decisions on this author")

until = f"{item.claim_expires_at:%H:%M} UTC" if item.claim_expires_at else "–"
st.caption(
    f"Shortcuts: A approve · X remove · E escalate · S skip. Your claim holds until {until}."
)
