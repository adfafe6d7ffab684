"""The live rules pack: every rule with its status and recent activity; deploy history, rollback."""

import streamlit as st

from dashboard.components import require
from dashboard.resources import get_sessionmaker, get_settings
from db import rule_stats, workbench
from db.accounts import AccountError, Permission
from rules import RulesError

Session = get_sessionmaker()
settings = get_settings()
actor = require(Permission.EDIT_RULES, "Only policy staff and admins may use the rules pages.")

st.title("Rules pack")
try:
    ruleset = workbench.live_ruleset_for(Session, settings)
except RulesError as err:
    st.error("The live pack does not load:")
    st.code(err.rendered(), language=None)
    st.stop()
with Session() as session:
    activity = rule_stats.rule_activity(session)
    history = workbench.deployments(session)

st.caption(
    f"Live version `{ruleset.version}` from `{settings.rules_source}` ({settings.rules_dir})"
)
rows = []
for rule in ruleset.rules:
    stats = activity.get(rule.id, rule_stats.RuleActivity())
    precision = stats.precision
    rows.append(
        {
            "rule": rule.id,
            "status": rule.status,
            "action": rule.action,
            "daily cap": rule.daily_cap,
            "hits 1h": stats.hits_hour,
            "hits 24h": stats.hits_day,
            "precision": None if precision is None else round(precision, 3),
            "description": rule.description.strip(),
        }
    )
st.dataframe(rows, hide_index=True, width="stretch")

st.subheader("Deployments")
if not history:
    st.info("Nothing deployed from the workbench yet; the pipeline reads the folder.")
for d in history:
    cols = st.columns([3, 1])
    shadow = f", shadow: {', '.join(d.shadow_rules)}" if d.shadow_rules else ""
    cols[0].markdown(
        f"**{d.kind}** `{d.version}` ({d.mode}{shadow}) by {d.actor} at "
        f"{d.created_at:%Y-%m-%d %H:%M} UTC: {d.message}"
    )
    if d.id != history[0].id and cols[1].button(
        f"Roll back to {d.version}", key=f"rules_pack_rollback_{d.id}"
    ):
        try:
            with Session.begin() as session:
                workbench.rollback(session, actor.name, d.version)
        except (AccountError, workbench.WorkbenchError) as err:
            st.error(str(err))
        else:
            st.rerun()
