"""moderate_batch: the one path data flows through, and its fail-closed decision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from moderation.language import detect_lang
from moderation.pipeline import Policy, Thresholds, moderate, moderate_batch
from moderation.types import Action, Author, Post, PostContext, RuleHit


@dataclass
class StaticClassifier:
    """Canned scores: the test double for the classifier protocol."""

    scores: dict[str, float]
    name: str = "static.v1"
    labels: tuple[str, ...] = ("toxicity", "spam")

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return [dict(self.scores) for _ in texts]


class BrokenClassifier:
    name = "broken.v1"
    labels = ("toxicity",)

    def __init__(self, output: object = None, error: Exception | None = None) -> None:
        self.output, self.error = output, error

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if self.error:
            raise self.error
        return self.output  # type: ignore[return-value]


@dataclass
class OneRule:
    """A ruleset that fires one rule on every post containing `term`."""

    term: str
    action: str = "remove"
    shadow: bool = False
    version: str = "test-v1"

    def evaluate(self, contexts: Sequence[PostContext]) -> list[list[RuleHit]]:
        hit = RuleHit("term_rule", self.action, "says the term", queue="spam", shadow=self.shadow)
        return [[hit] if self.term in c.post.text else [] for c in contexts]


LIMITS = {"toxicity": Thresholds(review=0.5, remove=0.9)}


def post(text: str = "hello", pid: str = "p1") -> Post:
    return Post(id=pid, text=text, author=Author(id="u1"))


@pytest.mark.parametrize(
    ("toxicity", "action"),
    [(0.1, Action.ALLOW), (0.5, Action.REVIEW), (0.89, Action.REVIEW), (0.95, Action.REMOVE)],
)
def test_thresholds_decide_the_action(toxicity: float, action: Action) -> None:
    policy = Policy(classifiers=[StaticClassifier({"toxicity": toxicity})], thresholds=LIMITS)
    verdict = moderate(post(), policy=policy)
    assert verdict.action is action
    assert bool(verdict.reasons) is (action is not Action.ALLOW)


@pytest.mark.parametrize(
    "broken",
    [
        BrokenClassifier(error=RuntimeError("model exploded")),
        BrokenClassifier(output=[{"toxicity": 1.7}]),
        BrokenClassifier(output=[{"toxicity": float("nan")}]),
        BrokenClassifier(output=[]),
        BrokenClassifier(output="toxic"),
    ],
    ids=["raises", "out-of-range", "nan", "wrong-length", "not-a-list"],
)
def test_a_failing_classifier_sends_the_post_to_review(broken: BrokenClassifier) -> None:
    policy = Policy(classifiers=[StaticClassifier({"toxicity": 0.0}), broken], thresholds=LIMITS)
    verdict = moderate(post(), policy=policy)
    assert verdict.action is Action.REVIEW
    assert verdict.queue == "escalations"
    assert any("broken.v1" in reason for reason in verdict.reasons)


def test_a_failure_never_lowers_a_stricter_verdict() -> None:
    broken = BrokenClassifier(error=RuntimeError("x"))
    policy = Policy(classifiers=[broken], ruleset=OneRule("buy"), thresholds=LIMITS)
    assert moderate(post("buy now"), policy=policy).action is Action.REMOVE


def test_a_rule_hit_records_its_id_queue_and_version() -> None:
    policy = Policy(classifiers=[StaticClassifier({})], ruleset=OneRule("buy"))
    verdict = moderate(post("buy followers"), policy=policy)
    assert (verdict.action, verdict.rules, verdict.queue) == (Action.REMOVE, ("term_rule",), "spam")
    assert verdict.rules_version == "test-v1"


def test_a_shadow_rule_is_recorded_but_takes_no_action() -> None:
    policy = Policy(classifiers=[StaticClassifier({})], ruleset=OneRule("buy", shadow=True))
    verdict = moderate(post("buy followers"), policy=policy)
    assert verdict.action is Action.ALLOW
    assert verdict.rules == () and verdict.hits[0].shadow


@pytest.mark.parametrize(
    ("toxicity", "guard", "action"),
    [
        (0.95, "no_auto_remove", Action.REVIEW),  # a person decides
        (0.6, "no_auto_remove", Action.REVIEW),  # review stays review
        (0.1, "no_auto_remove", Action.ALLOW),  # a guard never flags by itself
        (0.95, "label", Action.REMOVE),  # only the guard lowers a removal
    ],
)
def test_a_no_auto_remove_rule_turns_a_scores_removal_into_review(
    toxicity: float, guard: str, action: Action
) -> None:
    policy = Policy(
        classifiers=[StaticClassifier({"toxicity": toxicity})],
        ruleset=OneRule("I'm so", action=guard),
        thresholds=LIMITS,
    )
    verdict = moderate(post("I'm so stupid lol"), policy=policy)
    assert verdict.action is action
    if action is Action.REVIEW and toxicity >= 0.9:
        assert any("term_rule" in reason for reason in verdict.reasons)


def test_a_guard_that_lowers_two_scores_gives_its_reason_once() -> None:
    limits = {**LIMITS, "spam": Thresholds(review=0.5, remove=0.9)}
    scores = {"toxicity": 0.95, "spam": 0.95}
    policy = Policy(
        classifiers=[StaticClassifier(scores)],
        ruleset=OneRule("I'm so", action="no_auto_remove"),
        thresholds=limits,
    )
    verdict = moderate(post("I'm so stupid lol"), policy=policy)
    assert verdict.action is Action.REVIEW
    assert sum("term_rule" in reason for reason in verdict.reasons) == 1


def test_a_no_auto_remove_rule_leaves_another_rules_removal() -> None:
    class TwoRules(OneRule):
        def evaluate(self, contexts: Sequence[PostContext]) -> list[list[RuleHit]]:
            guard = RuleHit("guard", "no_auto_remove", "self-deprecation")
            slur = RuleHit("slur", "remove", "a slur")
            return [[guard, slur] for _ in contexts]

    policy = Policy(classifiers=[StaticClassifier({})], ruleset=TwoRules("x"), thresholds=LIMITS)
    assert moderate(post(), policy=policy).action is Action.REMOVE


def test_verdicts_come_back_in_input_order() -> None:
    policy = Policy(classifiers=[StaticClassifier({})])
    posts = [post(pid=f"p{i}") for i in range(50)]
    assert [v.id for v in moderate_batch(posts, policy=policy)] == [p.id for p in posts]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("hello everyone, tiktok refugee here", "en"),
        ("欢迎美国朋友来小红书", "zh"),
        ("歡迎美國朋友來小紅書", "zh"),
        ("谢谢 for the warm welcome everyone", "mixed"),
        ("我用iPhone拍的照片", "zh"),
        ("🐱🐱🐱", "other"),
        ("Привет всем", "other"),
    ],
)
def test_language_is_tagged_from_the_scripts_in_the_text(text: str, lang: str) -> None:
    assert detect_lang(text) == lang
