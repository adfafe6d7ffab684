"""Queues, claims, decisions and roles, on SQLite and on a real PostgreSQL (via `Session`)."""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import delete, event, orm, select, update
from sqlalchemy.exc import DatabaseError

from db import cluster_review, queue
from db.accounts import GRANTS, AccountError, Forbidden, Permission, Role, create_user
from db.engine import make_engine
from db.migrate import upgrade
from db.models import QueueItemRow, ReviewEventRow, UserRow
from db.queue import ClaimLost, ReviewError
from moderation.types import Action
from tests.factories import FAST_HASHER, T0, flagged, post, store, users, verdict

NOW = T0 + timedelta(days=1)


@pytest.fixture
def staff(Session):
    with Session.begin() as s:
        users(s, ("mia", Role.MODERATOR), ("mo", Role.MODERATOR), ("pat", Role.POLICY))
        users(s, ("eng", Role.ENGINEER), ("ada", Role.ADMIN))
    return Session


def items(session):
    return session.scalars(select(QueueItemRow).order_by(QueueItemRow.id)).all()


def events(session):
    return session.scalars(select(ReviewEventRow).order_by(ReviewEventRow.id)).all()


def test_store_batch_enqueues_flagged_verdicts_once(Session):
    posts = [post(i) for i in range(4)]
    actions = [Action.ALLOW, Action.REVIEW, Action.REMOVE, Action.REVIEW]
    queues = ["spam", "spam", "spam", None]  # no queue on the verdict: the default routing
    verdicts = [verdict(p, a, queue=q) for p, a, q in zip(posts, actions, queues, strict=True)]
    with Session.begin() as s:
        store(s, verdicts, posts)
        store(s, verdicts, posts)  # a re-ingest adds nothing
    with Session() as s:
        got = [(i.post_id, i.queue, i.status) for i in items(s)]
    assert got == [("p1", "spam", "open"), ("p2", "spam", "open"), ("p3", "toxicity", "open")]


def test_claim_next_hands_out_highest_priority_then_oldest(staff):
    with staff.begin() as s:
        flagged(s, 2, priority=0)
        flagged(s, 2, start=2, priority=5)
    order = []
    for reviewer in ["mia", "mo", "pat", "ada"]:
        with staff.begin() as s:
            order.append(queue.claim_next(s, reviewer, "spam", now=NOW).post_id)
    assert order == ["p2", "p3", "p0", "p1"]


def test_a_reviewer_gets_their_own_live_claim_back(staff):
    with staff.begin() as s:
        flagged(s, 3)
    with staff.begin() as s:
        first = queue.claim_next(s, "mia", "spam", now=NOW)
        again = queue.claim_next(s, "mia", "spam", now=NOW + timedelta(minutes=1))
    assert again.item_id == first.item_id
    assert again.expires_at == first.expires_at == NOW + queue.CLAIM_TTL  # not extended


def test_an_expired_claim_returns_to_the_queue_and_the_old_holder_loses_it(staff):
    with staff.begin() as s:
        flagged(s, 1)
    with staff.begin() as s:
        abandoned = queue.claim_next(s, "mia", "spam", now=NOW, ttl=timedelta(minutes=5))
    with staff.begin() as s:
        assert queue.claim_next(s, "mo", "spam", now=NOW + timedelta(minutes=4)) is None
    with staff.begin() as s:
        taken = queue.claim_next(s, "mo", "spam", now=NOW + timedelta(minutes=6))
    assert taken.item_id == abandoned.item_id
    with pytest.raises(ClaimLost), staff.begin() as s:
        queue.decide(s, "mia", abandoned.item_id, "remove", now=NOW + timedelta(minutes=7))
    with staff.begin() as s:
        queue.decide(s, "mo", taken.item_id, "remove", now=NOW + timedelta(minutes=7))


def test_a_decision_is_an_event_with_what_flagged_the_post(staff):
    with staff.begin() as s:
        flagged(s, 1)
    with staff.begin() as s:
        claim = queue.claim_next(s, "mia", "spam", now=NOW)
        queue.decide(s, "mia", claim.item_id, "remove", "  sells followers  ", now=NOW)
    with staff() as s:
        (event,) = events(s)
        (item,) = items(s)
    assert (event.actor, event.action, event.post_id) == ("mia", "remove", "p0")
    assert event.note == "sells followers"
    assert (event.rules_version, event.rules) == ("rules-test-1", ",spam_link_v1,")
    assert event.scores["spam"] == 0.91
    assert (item.status, item.claimed_by) == ("closed", None)


@pytest.mark.parametrize("decision", ["approve", "escalate"])  # the two ways an event is written
def test_an_event_keeps_every_rule_in_order(staff, decision):
    p = post(0)
    two_rules = dataclasses.replace(verdict(p), rules=("zeta_v1", "alpha_v2"))
    with staff.begin() as s:
        store(s, [two_rules], [p])
    with staff.begin() as s:
        claim = queue.claim_next(s, "mia", "spam", now=NOW)
        queue.decide(s, "mia", claim.item_id, decision, now=NOW)
    with staff() as s:
        (event,) = events(s)
    assert event.rules == ",zeta_v1,alpha_v2,"


def test_deciding_twice_is_refused(staff):
    with staff.begin() as s:
        flagged(s, 1)
    with staff.begin() as s:
        claim = queue.claim_next(s, "mia", "spam", now=NOW)
        queue.decide(s, "mia", claim.item_id, "approve", now=NOW)
    with pytest.raises(ClaimLost), staff.begin() as s:
        queue.decide(s, "mia", claim.item_id, "remove", now=NOW)


def test_submit_and_next_decides_and_claims_the_next_item_in_one_go(staff):
    with staff.begin() as s:
        flagged(s, 2, priority=0)
        flagged(s, 1, start=2, priority=5)
    with staff.begin() as s:
        first = queue.claim_next(s, "mia", "spam", now=NOW)
    with staff.begin() as s:
        event_id, second = queue.decide_and_claim_next(
            s, "mia", first.item_id, "remove", "spam", queue="spam", now=NOW
        )
    with staff.begin() as s:
        _, third = queue.decide_and_claim_next(
            s, "mia", second.item_id, "approve", queue="spam", now=NOW
        )
    with staff.begin() as s:
        _, none_left = queue.decide_and_claim_next(
            s, "mia", third.item_id, "approve", queue="spam", now=NOW
        )
    assert [first.post_id, second.post_id, third.post_id, none_left] == ["p2", "p0", "p1", None]
    with staff() as s:
        assert [(e.id, e.post_id, e.action) for e in events(s)][0] == (event_id, "p2", "remove")
        assert [e.action for e in events(s)] == ["remove", "approve", "approve"]
        assert {(i.status, i.claimed_by) for i in items(s)} == {("closed", None)}


def test_submit_and_next_claims_nothing_if_the_decision_is_refused(staff):
    with staff.begin() as s:
        flagged(s, 2)
    with staff.begin() as s:
        lost = queue.claim_next(s, "mia", "spam", now=NOW, ttl=timedelta(minutes=5))
    later = NOW + timedelta(minutes=6)
    with staff.begin() as s:
        queue.claim_next(s, "mo", "spam", now=later)  # takes the expired claim over
    # Committed: a claim made before the refusal would stay.
    with staff.begin() as s, pytest.raises(ClaimLost):
        queue.decide_and_claim_next(s, "mia", lost.item_id, "remove", queue="spam", now=later)
    with staff() as s:
        assert [i.claimed_by for i in items(s)] == ["mo", None]
        assert events(s) == []


def test_submit_and_next_into_a_queue_the_role_may_not_claim_from_is_refused(staff):
    with staff.begin() as s:
        flagged(s, 1)
        flagged(s, 1, start=1, queue="escalations")
    with staff.begin() as s:
        held = queue.claim_next(s, "mia", "spam", now=NOW)
    with pytest.raises(Forbidden), staff.begin() as s:
        queue.decide_and_claim_next(s, "mia", held.item_id, "remove", queue="escalations", now=NOW)
    with staff() as s:
        assert events(s) == []


def test_skip_gives_the_item_back_and_is_recorded(staff):
    with staff.begin() as s:
        flagged(s, 1)
    with staff.begin() as s:
        claim = queue.claim_next(s, "mia", "spam", now=NOW)
        queue.decide(s, "mia", claim.item_id, "skip", "not sure", now=NOW)
    with staff.begin() as s:
        again = queue.claim_next(s, "mo", "spam", now=NOW)
    assert again.item_id == claim.item_id
    with staff() as s:
        assert [e.action for e in events(s)] == ["skip"]


def test_escalate_closes_the_item_and_opens_one_in_escalations_for_policy(staff):
    with staff.begin() as s:
        flagged(s, 1)
    with staff.begin() as s:
        claim = queue.claim_next(s, "mia", "spam", now=NOW)
        queue.decide(s, "mia", claim.item_id, "escalate", "looks coordinated", now=NOW)
    with pytest.raises(Forbidden), staff.begin() as s:
        queue.claim_next(s, "mo", "escalations", now=NOW)
    with staff.begin() as s:
        escalated = queue.claim_next(s, "pat", "escalations", now=NOW)
        queue.decide(s, "pat", escalated.item_id, "remove", now=NOW)
    with staff() as s:
        rows = items(s)
    assert [(i.queue, i.status, i.escalated_from) for i in rows] == [
        ("spam", "closed", None),
        ("escalations", "closed", rows[0].id),
    ]


def test_bulk_action_decides_the_open_cluster_under_one_batch_id(staff):
    with staff.begin() as s:
        flagged(s, 4, cluster="wave-1")
        flagged(s, 1, start=4, cluster="wave-2")
    with staff.begin() as s:
        held = queue.claim_next(s, "mo", "spam", now=NOW)  # p0, someone else's live claim
        result = cluster_review.bulk_decide_cluster(
            s, "mia", "wave-1", "remove", "spam wave", now=NOW
        )
    with staff() as s:
        decided = events(s)
    assert result.decided == 3
    assert {e.post_id for e in decided} == {"p1", "p2", "p3"}
    assert {e.batch_id for e in decided} == {result.batch_id}
    assert held.post_id == "p0"


def test_bulk_action_refuses_skip(staff):
    with pytest.raises(ReviewError), staff.begin() as s:
        cluster_review.bulk_decide_cluster(s, "mia", "wave-1", "skip", now=NOW)


def test_item_status_is_what_its_events_imply(staff):
    with staff.begin() as s:
        flagged(s, 6)
    script = ["skip", "approve", "skip", "remove", "escalate", "skip"]
    for decision in script:
        with staff.begin() as s:
            claim = queue.claim_next(s, "mia", "spam", now=NOW)
            queue.decide(s, "mia", claim.item_id, decision, now=NOW)
    with staff() as s:
        by_item: dict[int, list[str]] = {}
        for e in events(s):
            by_item.setdefault(e.item_id, []).append(e.action)
        for item in items(s):
            assert item.status == queue.state_from_events(by_item.get(item.id, [])), item.id


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_review_events_cannot_be_changed_or_deleted(staff, statement):
    with staff.begin() as s:
        flagged(s, 1)
        claim = queue.claim_next(s, "mia", "spam", now=NOW)
        queue.decide(s, "mia", claim.item_id, "remove", now=NOW)
    change = (
        update(ReviewEventRow).values(note="rewritten")
        if statement == "update"
        else delete(ReviewEventRow)
    )
    with pytest.raises(DatabaseError, match="append-only"), staff.begin() as s:
        s.execute(change)


# ---- roles: every mutating function against every role -------------------------------------


def _claim(s, actor):
    return queue.claim_next(s, actor, "spam", now=NOW)


def _claim_escalations(s, actor):
    return queue.claim_next(s, actor, "escalations", now=NOW)


def _decide(action, *, then_claim=False):
    def run(s, actor):
        # Hand the actor a claim directly, so only the role decides the outcome.
        item_id = s.scalar(select(QueueItemRow.id).where(QueueItemRow.queue == "spam").limit(1))
        s.execute(
            update(QueueItemRow)
            .where(QueueItemRow.id == item_id)
            .values(claimed_by=actor, claim_expires_at=NOW + timedelta(minutes=5))
        )
        if then_claim:
            return queue.decide_and_claim_next(s, actor, item_id, action, queue="spam", now=NOW)
        return queue.decide(s, actor, item_id, action, now=NOW)

    return run


def _bulk(s, actor):
    return cluster_review.bulk_decide_cluster(s, actor, "wave-1", "remove", now=NOW)


def _add_user(s, actor):
    return create_user(s, "newbie", Role.MODERATOR, "pw", by=actor, hasher=FAST_HASHER)


OPERATIONS = {
    "claim_next": (_claim, {"moderator", "policy", "admin"}),
    "claim_next escalations": (_claim_escalations, {"policy", "admin"}),
    "decide approve": (_decide("approve"), {"moderator", "policy", "admin"}),
    "decide remove": (_decide("remove"), {"moderator", "policy", "admin"}),
    "decide escalate": (_decide("escalate"), {"moderator", "policy", "admin"}),
    "decide skip": (_decide("skip"), {"moderator", "policy", "admin"}),
    "decide_and_claim_next": (_decide("remove", then_claim=True), {"moderator", "policy", "admin"}),
    "bulk_decide_cluster": (_bulk, {"moderator", "policy", "admin"}),
    "create_user": (_add_user, {"admin"}),
}
ROLE_USER = {"moderator": "mia", "policy": "pat", "engineer": "eng", "admin": "ada"}


@pytest.mark.parametrize("role", list(ROLE_USER))
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_role_table(staff, operation, role):
    run, allowed = OPERATIONS[operation]
    with staff.begin() as s:
        flagged(s, 2, cluster="wave-1")
        flagged(s, 1, start=2, queue="escalations")
    if role in allowed:
        with staff.begin() as s:
            run(s, ROLE_USER[role])
    else:
        with pytest.raises(Forbidden), staff.begin() as s:
            run(s, ROLE_USER[role])
        with staff() as s:
            assert events(s) == []


def _swallowing(run, s, actor):
    """Call `run` and swallow Forbidden: a careless page that commits anyway."""
    try:
        run(s, actor)
    except Forbidden:
        return True
    return False


@pytest.mark.parametrize(("operation", "actor"), [("claim_next", "eng"), ("decide remove", "eng")])
def test_a_refused_write_wrote_nothing_even_if_the_caller_commits(staff, operation, actor):
    # The role check is inside the write itself, so nothing reached the table to roll back.
    with staff.begin() as s:
        flagged(s, 2, cluster="wave-1")
    with staff.begin() as s:
        assert _swallowing(OPERATIONS[operation][0], s, actor)
    with staff() as s:
        assert events(s) == []
        assert [i.status for i in items(s)] == ["open", "open"]
        if operation == "claim_next":
            assert {i.claimed_by for i in items(s)} == {None}


def test_a_demoted_reviewer_cannot_decide_the_item_they_hold(staff):
    with staff.begin() as s:
        flagged(s, 1)
    with staff.begin() as s:
        claim = queue.claim_next(s, "mia", "spam", now=NOW)
    with staff.begin() as s:
        s.execute(update(UserRow).where(UserRow.name == "mia").values(role=Role.ENGINEER.value))
    with staff.begin() as s:
        assert _swallowing(
            lambda s, a: queue.decide(s, a, claim.item_id, "remove", now=NOW), s, "mia"
        )
    with staff() as s:
        assert events(s) == []
        assert [(i.status, i.claimed_by) for i in items(s)] == [("open", "mia")]


def test_an_unknown_actor_is_refused_even_with_a_valid_looking_name(staff):
    with pytest.raises(Forbidden), staff.begin() as s:
        queue.claim_next(s, "mallory", "spam", now=NOW)


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        (Role.MODERATOR, Permission.EDIT_RULES, False),
        (Role.MODERATOR, Permission.MANAGE_USERS, False),
        (Role.ENGINEER, Permission.REVIEW, False),
        (Role.ENGINEER, Permission.VIEW_METRICS, True),
        (Role.POLICY, Permission.EDIT_RULES, True),
        (Role.POLICY, Permission.MANAGE_USERS, False),
        (Role.ADMIN, Permission.MANAGE_USERS, True),
    ],
)
def test_grants_for_functions_other_areas_will_guard(role, permission, allowed):
    assert (permission in GRANTS[role]) is allowed


def test_a_user_name_is_taken_once(staff):
    with pytest.raises(AccountError, match="already exists"), staff.begin() as s:
        create_user(s, "mia", Role.ADMIN, "x", hasher=FAST_HASHER)


# ---- the hot path: statements per call, and index use --------------------------------------


@pytest.fixture
def statements(staff):
    """The SQL statements the database receives, in order (transaction control excluded)."""
    seen: list[str] = []
    engine = staff.kw["bind"]

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_statements_per_call_on_the_hot_path(staff, statements):
    with staff.begin() as s:
        flagged(s, 3)
    counts = []
    with staff.begin() as s:
        for call in [
            lambda: queue.claim_next(s, "mia", "spam", now=NOW),  # claims p0
            lambda: queue.claim_next(s, "mia", "spam", now=NOW),  # p0 again
            lambda: queue.decide(s, "mia", 1, "approve", now=NOW),
            lambda: queue.claim_next(s, "mia", "spam", now=NOW),  # p1
            lambda: queue.decide(s, "mia", 2, "skip", now=NOW),
            lambda: queue.claim_next(s, "mia", "spam", now=NOW),  # p1 again, skipped: open
            lambda: queue.decide_and_claim_next(s, "mia", 2, "remove", queue="spam", now=NOW),
        ]:
            statements.clear()
            call()
            counts.append(len(statements))
    # PostgreSQL writes the item and its event in one statement, and with the next claim too.
    decision, and_next = (1, 1) if staff.kw["bind"].dialect.name == "postgresql" else (2, 3)
    assert counts == [1, 1, decision, 1, decision, 1, and_next]


def test_claims_and_decisions_use_indexes_on_sqlite(tmp_path):
    # SQLite plans a RETURNING subquery correlated with the updated row as a full scan; the
    # statements avoid that. PostgreSQL plans depend on table statistics, so only SQLite here.
    engine = make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    upgrade(engine)
    Session = orm.sessionmaker(engine)
    with Session.begin() as s:
        users(s, ("mia", Role.MODERATOR))
        flagged(s, 3)
    seen: list[tuple[str, tuple]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    with Session.begin() as s:
        claim = queue.claim_next(s, "mia", "spam", now=NOW)
        queue.decide(s, "mia", claim.item_id, "remove", now=NOW)
    assert len(seen) == 3
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        for statement, parameters in seen:
            plan = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            assert not [step for *_, step in plan if step.startswith("SCAN")], statement
    engine.dispose()


# ---- concurrency ------------------------------------------------------------------------------


def claim_then_decide(session_maker, reviewer):
    """Two transactions per item: claim, then approve; yields each claim decided."""
    while True:
        with session_maker.begin() as s:
            claim = queue.claim_next(s, reviewer, "spam")
        if claim is None:
            return
        with session_maker.begin() as s:
            queue.decide(s, reviewer, claim.item_id, "approve")
        yield claim


def submit_and_next(session_maker, reviewer):
    """One transaction per item: approve the held item and claim the next; yields each decided."""
    with session_maker.begin() as s:
        held = queue.claim_next(s, reviewer, "spam")
    while held is not None:
        with session_maker.begin() as s:
            _, claim = queue.decide_and_claim_next(
                s, reviewer, held.item_id, "approve", queue="spam"
            )
        yield held
        held = claim


@pytest.mark.parametrize("flow", [claim_then_decide, submit_and_next])
def test_eight_reviewers_decide_two_thousand_items_exactly_once(staff, flow):
    reviewers = [f"r{i}" for i in range(8)]
    with staff.begin() as s:
        users(s, *[(r, Role.MODERATOR) for r in reviewers])
        flagged(s, 2000)
    claims: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(reviewers))

    def work(reviewer: str) -> None:
        start.wait()
        try:
            for claim in flow(staff, reviewer):
                claims.append((reviewer, claim.item_id))
        except BaseException as err:  # reported below; a thread must not die silently
            errors.append(err)

    threads = [threading.Thread(target=work, args=(r,)) for r in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    claimed = Counter(item for _, item in claims)
    assert len(claimed) == 2000 and max(claimed.values()) == 1  # 0 double claims
    with staff() as s:
        decided = Counter(e.item_id for e in events(s))
        assert len(decided) == 2000 and set(decided.values()) == {1}
        assert {i.status for i in items(s)} == {"closed"}
    assert len({r for r, _ in claims}) > 1  # the work really was shared
