"""The shipped product policy (trained models + rules pack) on plain surge cases, end to end."""

from __future__ import annotations

import pytest

from bench import zh_insult_report
from bench.functional_report import read_probes
from moderation.pipeline import Policy, moderate
from moderation.types import Action, Author, Post


def post(text: str, links: tuple[str, ...] = ()) -> Post:
    return Post(id="p", text=text, author=Author(id="u"), links=links)


@pytest.mark.parametrize(
    "text",
    [
        "follow me back? I post gaming videos and I'm new here",
        "check out my cooking channel, new here!",
        "欢迎美国朋友来小红书！",
        "歡迎TikTok難民，貓貓稅收到了 🐱",
        "cat tax as promised 🐱 this is Mochi",
        "is this like WeChat or something different? genuinely curious",
        "you are a wonderful person, thank you for the welcome",
        "honest question: what's a polite way to greet people here?",
        "I don't hate anyone here, you guys are amazing",
        "我不讨厌外国人，欢迎你们",
    ],
)
def test_friendly_newcomer_posts_are_allowed(policy: Policy, text: str) -> None:
    verdict = moderate(post(text), policy=policy)
    assert verdict.action is Action.ALLOW, verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        "兼职刷单，日结300元，有意者加微信abc12345",
        "兼職刷單，日結300元，有意者加 微 信 abc12345",
        "fr33 f0ll0wers fast and cheap!! DM me on telegram @fastfollow88",
        "earn $500 a day from home, WhatsApp +1 555 201 3344",
    ],
)
def test_contact_handle_spam_is_flagged(policy: Policy, text: str) -> None:
    assert moderate(post(text), policy=policy).action is not Action.ALLOW


# Chinese ads with no handle or link: the spam score comes from the cues an ad stacks (price,
# deadline, call to action), and a near-certain one is reviewed; a post that talks about a sale
# is not an ad.
@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("新店开业大酬宾，全场八折，进店即送礼品，仅限本周末，欢迎新老顾客光临", True),
        ("新店開業大酬賓，全場八折，進店即送禮品，僅限本週末，歡迎新老顧客光臨", True),
        ("双十一打折买了件外套，质量还行，就是有点大", False),
        ("超市的鸡蛋今天特价，我顺手买了两盒", False),
    ],
)
def test_chinese_ads_without_a_handle_are_reviewed(
    policy: Policy, text: str, flagged: bool
) -> None:
    verdict = moderate(post(text), policy=policy)
    assert (verdict.action is Action.REVIEW) is flagged, verdict.scores
    assert ("spam_score_zh_marketing_v1" in verdict.rules) is flagged


@pytest.mark.parametrize(
    "text",
    ["I hate all immigrants", "you are a pathetic idiot", "这些外国人都是垃圾，滚回去"],
)
def test_plain_abuse_is_flagged(policy: Policy, text: str) -> None:
    assert moderate(post(text), policy=policy).action is not Action.ALLOW


def test_a_spam_score_alone_is_recorded_but_does_not_flag(policy: Policy) -> None:
    verdict = moderate(post("follow me please! I post videos every day"), policy=policy)
    assert verdict.scores["spam"] > 0.8
    assert verdict.action is Action.ALLOW


def _probes(*categories: str) -> list[str]:
    return [row["text"] for row in read_probes() if row["category"] in categories]


# bench/functional_report.py prints the whole table; these are the categories the shipped policy
# gets all right, kept right. Negation, counter-speech and English identity statements are known
# weaknesses of a bag-of-n-grams model (see the model card) and are measured, not asserted.
@pytest.mark.parametrize("text", _probes("threat", "insult"))
def test_every_threat_and_insult_probe_is_flagged(policy: Policy, text: str) -> None:
    assert moderate(post(text), policy=policy).action is not Action.ALLOW


@pytest.mark.parametrize("text", _probes("idiom", "newcomer"))
def test_every_idiom_and_newcomer_probe_is_allowed(policy: Policy, text: str) -> None:
    verdict = moderate(post(text), policy=policy)
    assert verdict.action is Action.ALLOW, verdict.reasons


# Newcomers swear in praise ("holy shit this is good"); the corpora call every swear word toxic.
# A reviewer may see such a post, but it is never removed unseen.
@pytest.mark.parametrize("text", _probes("profanity"))
def test_no_swearing_in_praise_probe_is_removed(policy: Policy, text: str) -> None:
    assert moderate(post(text), policy=policy).action is not Action.REMOVE


# bench/zh_insult_report.py prints the whole table; these two categories of its blind probes the
# shipped policy gets all right, kept right (the rest are measured, not asserted).
@pytest.mark.parametrize(
    "row",
    [
        r
        for r in zh_insult_report.read_probes()
        if r["category"] in ("name_calling", "affectionate")
    ],
    ids=lambda r: r["text"],
)
def test_chinese_name_calling_is_flagged_and_affectionate_teasing_is_not(
    policy: Policy, row: dict[str, str]
) -> None:
    flagged = moderate(post(row["text"]), policy=policy).action is not Action.ALLOW
    assert flagged is (row["expect"] == "flag")
