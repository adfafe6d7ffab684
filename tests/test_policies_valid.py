"""The shipped surge pack: valid, its examples pass, and it holds up on the simulator."""

from __future__ import annotations

import re

import pytest

from bench.rules_sim_report import sim_report
from rules import Ruleset, check, load_ruleset
from rules.examples import run_examples
from rules.loader import read_pack

PACK = "rules/policies"
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def shipped() -> Ruleset:
    return load_ruleset(PACK)


def test_the_shipped_pack_checks_clean() -> None:
    assert check(PACK) == []


def test_the_shipped_examples_pass() -> None:
    ran, failures = run_examples(read_pack(PACK))
    assert ran > 50 and failures == []


def test_every_live_rule_has_examples_in_both_languages() -> None:
    for rule in read_pack(PACK).rules:
        if rule.status != "live":
            continue
        cases = [*rule.examples.match, *rule.examples.no_match]
        texts = [c if isinstance(c, str) else c.text for c in cases]
        assert rule.examples.match, f"{rule.id}: no match example"
        assert any(HAN.search(t) for t in texts), f"{rule.id}: no Chinese example"
        assert any(not HAN.search(t) for t in texts), f"{rule.id}: no English example"


def test_the_pack_catches_spam_and_spares_newcomers_on_the_simulator(shipped: Ruleset) -> None:
    report = sim_report(shipped, posts=20000, seed=1)
    share = {group: hit / total for group, (hit, total) in report.items()}
    for variant in ("spam:zh", "spam:zht", "spam:en"):
        assert share[variant] >= 0.9, (variant, report[variant])
    for kind in ("friendly_newcomer", "welcome_zh", "mixed_friendly", "chatter_zh"):
        assert share[kind] < 0.01, (kind, report[kind])
