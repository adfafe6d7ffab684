"""Tiny builders for stored posts, verdicts and accounts, shared by the db and dashboard tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from db.accounts import Role, create_user
from db.store import store_batch
from moderation.types import Action, Author, Cluster, Post, RuleHit, Verdict

APP = str(Path(__file__).parent.parent / "dashboard" / "streamlit_app.py")
STAFF = {"mia": Role.MODERATOR, "pat": Role.POLICY, "eng": Role.ENGINEER, "ada": Role.ADMIN}
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
# Cheap parameters: tests hash many passwords and need no real cost.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def post(i: int, *, author: str = "a1", text: str | None = None) -> Post:
    return Post(
        id=f"p{i}",
        text=text or f"buy cheap followers now {i}",
        author=Author(id=author, created_at=T0 - timedelta(days=2)),
        created_at=T0 + timedelta(minutes=i),
    )


def verdict(
    p: Post,
    action: Action = Action.REVIEW,
    *,
    queue: str | None = "spam",
    priority: int = 0,
    cluster: str | None = None,
) -> Verdict:
    hit = RuleHit(
        "spam_link_v1", action.value, "sells followers", queue or "spam", priority, ((0, 3),)
    )
    return Verdict(
        id=p.id,
        action=action,
        scores={"spam": 0.91, "toxicity": 0.05},
        rules=("spam_link_v1",) if action is not Action.ALLOW else (),
        reasons=("rule spam_link_v1: sells followers",) if action is not Action.ALLOW else (),
        rules_version="rules-test-1",
        lang="en",
        queue=queue if action is not Action.ALLOW else None,
        priority=priority,
        hits=(hit,) if action is not Action.ALLOW else (),
        cluster=Cluster(cluster, 3) if cluster else None,
    )


def store(session: Session, verdicts: list[Verdict], posts: list[Post]) -> None:
    store_batch(session, posts, [b"{}"] * len(posts), verdicts)


def flagged(session: Session, n: int, *, start: int = 0, **kwargs: object) -> list[Post]:
    """Store `n` posts flagged for review (in one batch) and return them."""
    posts = [post(i) for i in range(start, start + n)]
    store(session, [verdict(p, **kwargs) for p in posts], posts)  # type: ignore[arg-type]
    return posts


def users(session: Session, *names_roles: tuple[str, Role]) -> None:
    for name, role in names_roles:
        create_user(session, name, role, "pw-" + name, hasher=FAST_HASHER)


def app_as(name: str | None) -> AppTest:
    """The dashboard in AppTest, signed in as one of STAFF (or nobody); not yet run."""
    at = AppTest.from_file(APP, default_timeout=30)
    if name:
        at.session_state["user"], at.session_state["role"] = name, STAFF[name].value
    return at
