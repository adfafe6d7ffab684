"""Edit a rules file, see every check error inline, backtest the draft, deploy it, roll back.

The backtest runs in a thread of its own so the page stays usable; a fragment polls its progress.
"""

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import streamlit as st

from dashboard.components import require
from dashboard.resources import get_sessionmaker, get_settings
from db import backtest, workbench
from db.accounts import AccountError, Permission
from rules import RulesError

Session = get_sessionmaker()
settings = get_settings()
actor = require(Permission.EDIT_RULES, "Only policy staff and admins may use the rules pages.")
WINDOWS = {
    "last hour": timedelta(hours=1),
    "last 24 hours": timedelta(days=1),
    "last 7 days": timedelta(days=7),
}

if "workbench_files" not in st.session_state:
    with Session() as session:
        live = workbench.live_pack(session) if settings.rules_source == "db" else None
    st.session_state["workbench_files"] = dict(
        live.files if live else workbench.folder_files(settings.rules_dir)
    )
files: dict[str, str] = st.session_state["workbench_files"]

st.title("Rules workbench")
name = st.selectbox("File", sorted(files), key="workbench_file")
edited = st.text_area("Rules file", files[name], height=420, key=f"workbench_text_{name}")
files[name] = edited

problems = workbench.problems(files)
if problems:
    st.error(f"{len(problems)} problem(s): fix them before backtesting or deploying")
    for problem in problems:
        st.code(problem.rendered(), language=None)
else:
    st.success(
        f"Checks clean and every example passes (version {workbench.read_files(files).version})"
    )


def _run_backtest(job: dict[str, Any], draft_files: dict[str, str], since: datetime) -> None:
    # A thread of its own: it owns its session and writes only into `job`.
    try:
        draft = workbench.pack_ruleset(draft_files)
        live = workbench.live_ruleset_for(Session, settings)
        with Session() as session:
            job["report"] = backtest.backtest(
                session, draft, live, since=since, progress=lambda d, t: job.update(done=d, total=t)
            )
    except (RulesError, workbench.WorkbenchError) as err:
        job["error"] = err.rendered()


st.subheader("Backtest")
window = st.selectbox("Stored posts of the", list(WINDOWS), index=1, key="workbench_window")
if st.button("Run backtest", disabled=bool(problems), key="workbench_backtest"):
    job: dict[str, Any] = {"done": 0, "total": 0, "report": None, "error": None}
    since = datetime.now(UTC) - WINDOWS[window]
    thread = threading.Thread(target=_run_backtest, args=(job, dict(files), since), daemon=True)
    job["thread"] = thread
    st.session_state["workbench_job"] = job
    thread.start()


@st.fragment(run_every=0.5)
def backtest_progress() -> None:
    job = st.session_state.get("workbench_job")
    if job is None:
        return
    if job["thread"].is_alive():
        total = job["total"] or 1
        st.progress(
            job["done"] / total, text=f"backtest: {job['done']:,} of {job['total']:,} posts"
        )
        return
    if job["error"]:
        st.error(job["error"])
    elif job["report"] is not None:
        show_report(job["report"])


def show_report(report: backtest.BacktestReport) -> None:
    st.markdown(
        f"**Backtest done**: {report.posts:,} posts in {report.seconds:.1f} s; "
        f"newly flagged {report.newly_flagged_posts:,}, no longer flagged "
        f"{report.no_longer_flagged_posts:,}"
    )
    if not report.rules:
        st.info("No rule changes what it flags.")
    for d in report.rules:
        share = report.approved_share(d)
        with st.expander(
            f"{d.rule_id} ({d.change}): +{d.newly_flagged_count} / -{d.no_longer_flagged_count}"
        ):
            st.write(
                {
                    "hits (draft / live)": f"{d.draft_hits} / {d.live_hits}",
                    "precision vs moderator removals": d.precision,
                    "share of approved posts it flags": share,
                }
            )
            for sample in d.newly_flagged:
                st.markdown(f"➕ `{sample.post_id}` {sample.text}")
            for sample in d.no_longer_flagged:
                st.markdown(f"➖ `{sample.post_id}` {sample.text}")


backtest_progress()

st.subheader("Deploy")
message = st.text_input("What changed and why", key="workbench_message")
cols = st.columns(2)
mode: workbench.Mode | None = None
if cols[0].button("Deploy as shadow", disabled=bool(problems), key="workbench_deploy_shadow"):
    mode = "shadow"
if cols[1].button("Deploy live", disabled=bool(problems), key="workbench_deploy_live"):
    mode = "live"
if mode:
    try:
        with Session.begin() as session:
            done = workbench.deploy(
                session,
                actor.name,
                files,
                message or "(no message)",
                mode=mode,
                base_dir=settings.rules_dir,
            )
    except workbench.DeployRefused as err:
        st.code(err.rendered(), language=None)
    except AccountError as err:
        st.error(str(err))
    else:
        st.success(f"Deployed {done.version} ({done.mode})")
if settings.rules_source != "db":
    st.warning("RULES_SOURCE is `dir`: the pipeline reads the folder; deploys here take effect "
               "where RULES_SOURCE=db.")  # fmt: skip
