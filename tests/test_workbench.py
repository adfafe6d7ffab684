"""The workbench service: deploy only clean packs, roll back, shadow, caps, and who may do it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import orm, select, text, update
from sqlalchemy.exc import DatabaseError, OperationalError

from db import audit
from db import workbench as wb
from db.accounts import Forbidden, Role
from db.caps import apply_caps
from db.engine import make_engine
from db.ingest import ingest_lines
from db.migrate import upgrade
from db.models import DeploymentRow, VerdictRow
from db.workbench import DeployRefused, WorkbenchError
from moderation.config import Settings
from moderation.pipeline import Policy, moderate_batch
from moderation.types import Action
from rules import __main__ as rules_cli
from tests.factories import post, store, users

RULE = """\
rules:
  - id: follower_spam_v1
    description: Offers to sell followers are removed.
    action: remove
    status: {status}
{extra}    when:
      contains: [followers]
    examples:
      match: [buy followers now]
      no_match: [hello friends]
"""


def pack(status: str = "live", extra: str = "") -> dict[str, str]:
    return {"spam.yaml": RULE.format(status=status, extra=extra)}


BROKEN = {"spam.yaml": RULE.format(status="live", extra="").replace("contains", "containz")}
FAILING_EXAMPLE = {"spam.yaml": RULE.format(status="live", extra="").replace("hello", "followers")}


@pytest.fixture
def staff(Session):
    with Session.begin() as s:
        users(s, ("pat", Role.POLICY), ("ada", Role.ADMIN), ("mia", Role.MODERATOR))
        users(s, ("eng", Role.ENGINEER))
    return Session


@pytest.mark.parametrize("files", [BROKEN, FAILING_EXAMPLE], ids=["check error", "example fails"])
def test_a_pack_with_an_error_is_refused_and_the_live_version_is_unchanged(staff, files):
    with staff.begin() as s:
        before = wb.deploy(s, "pat", pack(), "first").version
    with pytest.raises(DeployRefused) as refused, staff.begin() as s:
        wb.deploy(s, "pat", files, "broken")
    assert "spam.yaml:" in refused.value.rendered() and refused.value.errors
    with staff() as s:
        assert wb.live_deployment(s).version == before
        assert wb.live_ruleset(s, "rules/policies").version == before


def test_the_refusal_shows_each_error_as_rules_check_prints_it(
    staff, tmp_path, capsys, monkeypatch
):
    (tmp_path / "spam.yaml").write_text(BROKEN["spam.yaml"])
    monkeypatch.chdir(tmp_path)  # so the CLI names the file as the workbench does
    assert rules_cli.main(["check", "."]) == 1
    printed = capsys.readouterr().out.strip().replace("./spam.yaml", "spam.yaml")
    with pytest.raises(DeployRefused) as refused, staff.begin() as s:
        wb.deploy(s, "pat", BROKEN, "broken")
    assert refused.value.rendered() == printed
    assert "spam.yaml:6:5: error: rule `follower_spam_v1`: `containz` is not a known" in printed


def test_rollback_makes_an_earlier_version_live_again_and_keeps_the_history(staff):
    with staff.begin() as s:
        first = wb.deploy(s, "pat", pack(), "first").version
        second = wb.deploy(s, "ada", pack(extra="    daily_cap: 5\n"), "cap it").version
        wb.rollback(s, "pat", first)
    with staff() as s:
        assert wb.live_deployment(s).version == first != second
        assert [(d.kind, d.version) for d in wb.deployments(s)] == [
            ("rollback", first),
            ("deploy", second),
            ("deploy", first),
        ]


def test_rolling_back_to_a_version_never_deployed_is_refused(staff):
    with staff.begin() as s:
        draft = wb.save_draft(s, "pat", pack(), "not yet")
    with pytest.raises(WorkbenchError, match="never deployed"), staff.begin() as s:
        wb.rollback(s, "pat", draft)


def test_deployments_are_append_only(staff):
    with staff.begin() as s:
        wb.deploy(s, "pat", pack(), "first")
    with pytest.raises(DatabaseError), staff.begin() as s:
        s.execute(update(DeploymentRow).values(actor="someone else"))
    with pytest.raises(DatabaseError), staff.begin() as s:
        s.execute(text("DELETE FROM deployments"))


ACTIONS = {
    "save_draft": lambda s, who: wb.save_draft(s, who, pack(), "m"),
    "deploy": lambda s, who: wb.deploy(s, who, pack(), "m"),
    "rollback": lambda s, who: wb.rollback(s, who, "whatever"),
}


@pytest.mark.parametrize("who", ["mia", "eng", "nobody"])
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_only_policy_staff_and_admins_may_change_rules(staff, who, action):
    with pytest.raises(Forbidden), staff.begin() as s:
        ACTIONS[action](s, who)


def test_the_pipeline_source_is_the_folder_or_the_deployed_pack(staff):
    with staff.begin() as s:
        deployed = wb.deploy(s, "pat", pack(), "first").version
    url = str(staff.kw["bind"].url)
    folder = Settings.from_env({"DATABASE_URL": url})
    database = Settings.from_env({"DATABASE_URL": url, "RULES_SOURCE": "db"})
    assert (
        wb.live_ruleset_for(staff, folder).version
        == wb.read_files(wb.folder_files("rules/policies")).version
    )
    assert wb.live_ruleset_for(staff, database).version == deployed


def test_a_running_worker_switches_to_a_new_deployment_between_batches(staff):
    url = str(staff.kw["bind"].url)
    settings = Settings.from_env({"DATABASE_URL": url, "RULES_SOURCE": "db"})
    with staff.begin() as s:
        first = wb.deploy(s, "pat", pack(), "first").version
    start = Policy(classifiers=[], ruleset=wb.live_ruleset_for(staff, settings))
    live = wb.LivePolicy(staff, settings, start)
    assert live.current() is start  # nothing new deployed: no reload
    with staff.begin() as s:
        second = wb.deploy(s, "ada", pack(extra="    daily_cap: 5\n"), "cap it").version
    assert (first, live.current().ruleset.version) == (first, second) and first != second
    with staff.begin() as s:
        wb.rollback(s, "pat", first)
    assert live.current().ruleset.version == first


def test_deploying_as_shadow_records_hits_of_new_rules_and_changes_no_verdict(staff):
    with staff.begin() as s:
        wb.deploy(s, "pat", {"empty.yaml": "rules: []\n"}, "nothing yet")
        shadowed = wb.deploy(s, "pat", pack(), "try it", mode="shadow")
        ruleset = wb.live_ruleset(s, "rules/policies")
    assert shadowed.shadow_rules == ("follower_spam_v1",)
    [verdict] = moderate_batch([post(1)], policy=Policy(classifiers=[], ruleset=ruleset))
    assert verdict.action is Action.ALLOW and verdict.rules == ()
    assert verdict.to_json()["matches"][0] == {"rule": "follower_spam_v1", "spans": [[10, 19]],
                                               "shadow": True}  # fmt: skip


def test_a_capped_rule_stops_removing_at_its_cap_and_sends_the_rest_to_review(staff):
    ruleset = wb.pack_ruleset(pack(extra="    daily_cap: 2\n"))
    lines = [
        json.dumps({"id": f"p{i}", "text": f"buy followers {i}", "author": {"id": "a"}}).encode()
        for i in range(5)
    ]
    policy = Policy(classifiers=[], ruleset=ruleset)
    ingest_lines(staff, lines, source="t", policy=policy, batch_size=2)  # caps span batches
    with staff() as s:
        rows = s.execute(select(VerdictRow.action, VerdictRow.reasons).order_by(VerdictRow.id))
        actions, reasons = zip(*rows, strict=True)
    assert actions == ("remove", "remove", "review", "review", "review")
    assert "daily cap of 2 removals reached" in reasons[2][-1]


def test_two_writers_cannot_both_take_the_last_removal_under_a_cap(pg_url):
    engine = make_engine(pg_url)
    upgrade(engine)
    Session = orm.sessionmaker(engine, expire_on_commit=False)
    ruleset = wb.pack_ruleset(pack(extra="    daily_cap: 1\n"))
    policy = Policy(classifiers=[], ruleset=ruleset)
    first, second = post(1), post(2)
    with Session.begin() as a:
        taken = apply_caps(a, moderate_batch([first], policy=policy), ruleset)
        store(a, taken, [first])
        # While the first writer's removal is uncommitted, a second cannot even count.
        with Session() as b, pytest.raises(OperationalError, match="lock timeout"):
            b.execute(text("SET lock_timeout = '50ms'"))
            apply_caps(b, moderate_batch([second], policy=policy), ruleset)
    with Session.begin() as b:
        late = apply_caps(b, moderate_batch([second], policy=policy), ruleset)
    engine.dispose()
    assert taken[0].action is Action.REMOVE
    assert late[0].action is Action.REVIEW and "daily cap of 1" in late[0].reasons[-1]


def test_deploys_and_rollbacks_are_in_the_audit_log(staff):
    with staff.begin() as s:
        first = wb.deploy(s, "pat", pack(), "first").version
        wb.deploy(s, "ada", pack(extra="    daily_cap: 5\n"), "cap it")
        wb.rollback(s, "pat", first)
    with staff() as s:
        log = audit.rules_changes(s)
    assert [(c.actor, c.kind, c.message) for c in log] == [
        ("pat", "rollback", f"rollback to {first}"),
        ("ada", "deploy", "cap it"),
        ("pat", "deploy", "first"),
    ]
